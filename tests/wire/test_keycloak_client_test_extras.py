"""The rest of the brief of Keycloak's ClientTest port (test_keycloak_client_test.py): a client's secrets, its
service account's roles, its default and optional client scopes, and their admin events, on the same shared
app and freshly imported realm. These are not one-to-one ClientTest methods; each test names the Keycloak
resource method it checks (ClientResource, checked against its source).

Already ported, referenced instead of repeated: reading and regenerating the secret and the registration
access token (CredentialsTest's ``getAndRegenerateSecret`` / ``getAndRegenerateRegistrationAccessToken``) in
test_keycloak_credentials_test.py; the service account's token and its deletion in
test_keycloak_service_account_client_test.py; scope mappings in test_keycloak_scope_mapping_test.py.

Secret rotation itself is a client-policy executor (``secret-rotation``), and client policies are a feature
Doorkeep deliberately lacks; a client has a rotated secret only when a realm import gives it one, which is
how the ``client-secret/rotated`` endpoints are checked with one. Invalidating it is also in
test_admin_client_extras.py.
"""

from __future__ import annotations

import pytest

import group_port
from client_test_port import MASKED, REALM
from group_port import fresh_realm
from role_port import assert_event, call, create, names, ok
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env


@pytest.fixture
async def realm_id(env: Env) -> str:
    return await fresh_realm(env, REALM)


async def test_regenerate_secret_records_an_action_with_the_secret_masked(env: Env, realm_id: str) -> None:
    """ClientResource.regenerateSecret: a new ``secret`` credential, the ACTION event's representation
    the credential with its value masked; ``getClientSecret`` then answers the new one."""
    client_uuid = await create(env, "/clients", {"clientId": "my-app", "secret": "first"})
    await assert_event(env, realm_id, "CREATE", f"clients/{client_uuid}", "CLIENT", {"secret": MASKED})
    assert await ok(env, "GET", f"/clients/{client_uuid}/client-secret") == {"type": "secret", "value": "first"}
    fresh = await ok(env, "POST", f"/clients/{client_uuid}/client-secret")
    assert fresh["type"] == "secret" and fresh["value"] != "first"
    path = f"clients/{client_uuid}/client-secret"
    await assert_event(env, realm_id, "ACTION", path, "CLIENT", {"type": "secret", "value": MASKED})
    assert await ok(env, "GET", f"/clients/{client_uuid}/client-secret") == fresh


async def test_get_client_rotated_secret_without_one_answers_404(env: Env, realm_id: str) -> None:
    """ClientResource.getClientRotatedSecret: ``NotFoundException("Client does not have a rotated
    secret")``."""
    client_uuid = await create(env, "/clients", {"clientId": "my-app"})
    response = await call(env, "GET", f"/clients/{client_uuid}/client-secret/rotated")
    assert response.status_code == 404
    assert response.json() == {"error": "Client does not have a rotated secret"}


async def test_get_client_rotated_secret_of_an_imported_one(env: Env) -> None:
    """ClientResource.getClientRotatedSecret with OIDCClientSecretConfigWrapper.hasRotatedSecret true (the
    secret and its creation time set): the ``secret`` credential; none after invalidateRotatedSecret, nor
    when only the secret is set."""
    rotated = {"client.secret.rotated": "old-secret", "client.secret.rotated.creation.time": "1700000000"}
    clients = [
        {"clientId": "rotated", "secret": "new-secret", "attributes": rotated},
        {"clientId": "half", "secret": "s", "attributes": {"client.secret.rotated": "old-secret"}},
    ]
    await fresh_realm(env, {**REALM, "clients": clients})
    (client,) = await ok(env, "GET", "/clients", clientId="rotated")
    path = f"/clients/{client['id']}/client-secret/rotated"
    assert await ok(env, "GET", path) == {"type": "secret", "value": "old-secret"}
    await ok(env, "DELETE", path)
    assert (await call(env, "GET", path)).status_code == 404
    (half,) = await ok(env, "GET", "/clients", clientId="half")
    response = await call(env, "GET", f"/clients/{half['id']}/client-secret/rotated")
    assert response.status_code == 404
    assert response.json() == {"error": "Client does not have a rotated secret"}


async def test_invalidate_rotated_secret_without_one_answers_204_and_records_a_delete(env: Env, realm_id: str) -> None:
    """ClientResource.invalidateRotatedSecret: nothing to remove, yet a DELETE event of the client with a
    ``secret`` credential of no value, and 204."""
    client_uuid = await create(env, "/clients", {"clientId": "my-app"})
    await assert_event(env, realm_id, "CREATE", f"clients/{client_uuid}", "CLIENT")
    response = await call(env, "DELETE", f"/clients/{client_uuid}/client-secret/rotated")
    assert response.status_code == 204, response.text
    path = f"clients/{client_uuid}/client-secret/rotated"
    await assert_event(env, realm_id, "DELETE", path, "CLIENT", {"type": "secret"})
    assert (await ok(env, "GET", f"/clients/{client_uuid}/client-secret"))["value"]


async def test_rotated_secret_of_an_unknown_client_answers_404(env: Env, realm_id: str) -> None:
    for method in ("GET", "DELETE"):
        response = await call(env, method, "/clients/nope/client-secret/rotated")
        assert response.status_code == 404
        assert response.json() == {"error": "Could not find client"}


async def test_service_account_user_roles(env: Env, realm_id: str) -> None:
    """The service account holds the realm's default roles, and a realm role mapped to it shows in its
    role mappings with a CREATE event of a REALM_ROLE_MAPPING (RoleMapperResource.addRealmRoleMappings)."""
    client_uuid = await create(env, "/clients", {"clientId": "serviceClient", "serviceAccountsEnabled": True})
    await assert_event(env, realm_id, "CREATE", f"clients/{client_uuid}", "CLIENT")
    user = await ok(env, "GET", f"/clients/{client_uuid}/service-account-user")
    assert names(await ok(env, "GET", f"/users/{user['id']}/role-mappings/realm")) == {"default-roles-test"}
    await create(env, "/roles", {"name": "reader"})
    await assert_event(env, realm_id, "CREATE", "roles/reader", "REALM_ROLE")

    role = await ok(env, "GET", "/roles/reader")
    await ok(env, "POST", f"/users/{user['id']}/role-mappings/realm", [role])
    path = f"users/{user['id']}/role-mappings/realm"
    await assert_event(env, realm_id, "CREATE", path, "REALM_ROLE_MAPPING", [role])
    mapped = names(await ok(env, "GET", f"/users/{user['id']}/role-mappings/realm/composite"))
    assert {"reader", "default-roles-test", "offline_access", "uma_authorization"} <= mapped


async def _scope_id(env: Env, name: str) -> str:
    (scope,) = [s for s in await ok(env, "GET", "/client-scopes") if s["name"] == name]
    return str(scope["id"])


async def test_default_and_optional_client_scopes_of_a_client(env: Env, realm_id: str) -> None:
    """ClientResource's ``default-client-scopes`` and ``optional-client-scopes``: a new OIDC client gets the
    realm's defaults; a scope is moved from optional to default and back, each link a CREATE or DELETE event
    of a CLIENT_SCOPE_CLIENT_MAPPING at the link's path (ClientResource.addDefaultClientScope /
    removeDefaultClientScope)."""
    client_uuid = await create(env, "/clients", {"clientId": "my-app", "protocol": "openid-connect"})
    await assert_event(env, realm_id, "CREATE", f"clients/{client_uuid}", "CLIENT")
    defaults = f"/clients/{client_uuid}/default-client-scopes"
    optionals = f"/clients/{client_uuid}/optional-client-scopes"

    async def linked(path: str) -> set[str]:
        return {s["name"] for s in await ok(env, "GET", path)}

    assert {"profile", "email", "roles", "web-origins", "acr", "basic"} <= await linked(defaults)
    assert {"address", "phone", "offline_access", "microprofile-jwt"} <= await linked(optionals)

    phone = await _scope_id(env, "phone")
    await ok(env, "DELETE", f"{optionals}/{phone}")
    mapping = "CLIENT_SCOPE_CLIENT_MAPPING"
    await assert_event(env, realm_id, "DELETE", f"clients/{client_uuid}/optional-client-scopes/{phone}", mapping)
    await ok(env, "PUT", f"{defaults}/{phone}")
    path = f"clients/{client_uuid}/default-client-scopes/{phone}"
    await assert_event(env, realm_id, "CREATE", path, mapping)
    assert "phone" in await linked(defaults) and "phone" not in await linked(optionals)
    assert "phone" in (await ok(env, "GET", f"/clients/{client_uuid}"))["defaultClientScopes"]

    await ok(env, "DELETE", f"{defaults}/{phone}")
    await assert_event(env, realm_id, "DELETE", path, mapping)
    assert "phone" not in await linked(defaults)


async def test_unknown_client_scope_of_a_client_answers_404(env: Env, realm_id: str) -> None:
    client_uuid = await create(env, "/clients", {"clientId": "my-app"})
    for kind in ("default-client-scopes", "optional-client-scopes"):
        response = await call(env, "PUT", f"/clients/{client_uuid}/{kind}/nope")
        assert response.status_code == 404
        assert response.json() == {"error": "Client scope not found"}
