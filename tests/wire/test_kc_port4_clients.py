"""The methods of Keycloak's newest ClientTest (tests/base/.../tests/admin/ClientTest.java, keycloak@09994c36)
that test_keycloak_client_test.py, ported from an older copy, does not have: one method to one test, on the realm
of AbstractAdminTest imported anew for each test, every call made as master's admin, with the admin events the
Java test asserts.

Elsewhere: ``removeInternalClientExpectingBadRequestException`` (master's ``test-realm`` client and the realm's
default clients, 400) is test_master_realm_clients.py's ``test_no_one_deletes_the_client_of_an_existing_realm`` and
test_admin_clients_keycloak_parity.py's internal-client test. Not here: ``testSamlSpecificUrls`` (SAML, which
Doorkeep lacks) and ``nodesUsingClientEndpointAndJwt`` (the adapters' ``clients-managements/register-node``
endpoint, which Doorkeep does not serve).
"""

from __future__ import annotations

from typing import Any

import pytest

import group_port
from client_test_port import REALM, create_client
from group_port import fresh_realm
from role_port import assert_event, call, create, ok, poll_events
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

IDLE = "client.session.idle.timeout"
MAX = "client.session.max.lifespan"


@pytest.fixture
async def realm_id(env: Env) -> str:
    return await fresh_realm(env, REALM)


async def _expect_errors(env: Env, rep: dict[str, Any], create_it: bool, *expected: str | None) -> None:
    """``createOrUpdateClientExpectingValidationErrors``: 400 ``invalid_input`` whose description is the
    expected messages joined by ``; ``, in any order."""
    if create_it:
        response = await call(env, "POST", "/clients", rep)
    else:
        response = await call(env, "PUT", f"/clients/{rep['id']}", rep)
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error"] == "invalid_input", body
    assert sorted(body["error_description"].split("; ")) == sorted(m for m in expected if m is not None)


async def _create_non_public(env: Env, realm_id: str, **more: Any) -> str:
    """``createClientNonPublic``: the confidential ``my-app`` with ``more``, its CREATE event checked."""
    rep = {"clientId": "my-app", "description": "my-app description", "enabled": True, "publicClient": False, **more}
    client_uuid = await create(env, "/clients", rep)
    (found,) = await ok(env, "GET", "/clients", clientId="my-app")
    assert found["clientId"] == "my-app"
    await assert_event(env, realm_id, "CREATE", f"clients/{client_uuid}", "CLIENT", rep)
    return client_uuid


async def test_get_realm_clients(env: Env, realm_id: str) -> None:
    """Every client carries the ``realm_client`` attribute (the Java test reads it from each without a null
    check), and those where it is ``true`` are ``realm-management``, ``broker`` or a master ``<realm>-realm``."""
    clients = await ok(env, "GET", "/clients")
    assert all("realm_client" in c["attributes"] for c in clients), [c["clientId"] for c in clients]
    realm_clients = {c["clientId"] for c in clients if c["attributes"]["realm_client"] == "true"}
    assert realm_clients == {"realm-management", "broker"}


async def test_create_bearer_only_client_verify_with_secret(env: Env, realm_id: str) -> None:
    """Issue 48868: a confidential bearer-only client is given a secret as any confidential client is."""
    client_uuid = await _create_non_public(env, realm_id, bearerOnly=True)
    stored = await ok(env, "GET", f"/clients/{client_uuid}")
    assert stored["bearerOnly"] is True
    assert stored["secret"]
    expected = {"account", "account-console", "realm-management", "security-admin-console", "broker", "admin-cli"}
    assert {c["clientId"] for c in await ok(env, "GET", "/clients")} == expected | {"my-app"}


async def test_create_client_with_blank_client_id(env: Env, realm_id: str) -> None:
    rep = {"clientId": "", "description": "blank", "enabled": True, "publicClient": True}
    response = await call(env, "POST", "/clients", rep)
    assert response.status_code == 400, response.text
    assert await poll_events(env) == []


async def test_invalid_length_client_id_validation(env: Env, realm_id: str) -> None:
    """An ``id`` longer than the 36 characters a client id column holds is a 400, not a 500."""
    long_id = "test-long-invalid-client-id-validation-400-bad-request"
    rep = {"id": long_id, "clientId": long_id, "description": "invalid-client-id-app description"}
    response = await call(env, "POST", "/clients", {**rep, "enabled": True, "publicClient": True})
    assert response.status_code == 400, response.text
    assert await poll_events(env) == []


async def test_fragment_prohibited_client_validation(env: Env, realm_id: str) -> None:
    """KEYCLOAK-3421, as the newest ClientTest runs it (testClientUriValidation): a fragment in the root URL and
    in a redirect URI, each alone and then both, on create (``my-app2``) and on update of ``my-app``."""
    url = "http://redhat.com/abcd#someFragment"
    root, redirect = "Root URL must not contain an URL fragment", "Redirect URIs must not contain an URI fragment"
    for create_it in (True, False):
        rep: dict[str, Any] = (
            {"clientId": "my-app2", "enabled": True} if create_it else await create_client(env, realm_id)
        )
        await _expect_errors(env, {**rep, "rootUrl": url}, create_it, root)
        await _expect_errors(env, {**rep, "redirectUris": [url]}, create_it, redirect)
        await _expect_errors(env, {**rep, "rootUrl": url, "redirectUris": [url]}, create_it, root, redirect)
    assert await poll_events(env) == []


async def test_remove_client_with_dependent_composite_roles(env: Env, realm_id: str) -> None:
    """A client whose role ``role-a`` is a composite of its ``role-b`` is deleted: 204 and one DELETE event."""
    rep = {"clientId": "my-app"}
    client_uuid = await create(env, "/clients", rep)
    await assert_event(env, realm_id, "CREATE", f"clients/{client_uuid}", "CLIENT", rep)
    for name in ("role-b", "role-a"):
        await create(env, f"/clients/{client_uuid}/roles", {"name": name})
        path = f"clients/{client_uuid}/roles/{name}"
        await assert_event(env, realm_id, "CREATE", path, "CLIENT_ROLE", {"name": name})
    role_b = await ok(env, "GET", f"/clients/{client_uuid}/roles/role-b")
    await ok(env, "POST", f"/clients/{client_uuid}/roles/role-a/composites", [role_b])
    composites = f"clients/{client_uuid}/roles/role-a/composites"
    await assert_event(env, realm_id, "CREATE", composites, "CLIENT_ROLE", [role_b])

    response = await call(env, "DELETE", f"/clients/{client_uuid}")
    assert response.status_code == 204, response.text
    await assert_event(env, realm_id, "DELETE", f"clients/{client_uuid}", "CLIENT")
    assert (await call(env, "GET", f"/clients/{client_uuid}")).status_code == 404


async def test_add_node_with_reserved_character(env: Env, realm_id: str) -> None:
    """ReservedCharValidator.validate on the node's name: ``foo#`` is a 400 ("Character '#' not allowed.",
    a BadRequestException's ``error``), nothing registered, no event."""
    client_uuid = (await create_client(env, realm_id))["id"]
    response = await call(env, "POST", f"/clients/{client_uuid}/nodes", {"node": "foo#"})
    assert response.status_code == 400, response.text
    assert response.json() == {"error": "Character '#' not allowed."}
    assert "registeredNodes" not in await ok(env, "GET", f"/clients/{client_uuid}")
    assert await poll_events(env) == []


async def test_update_client_with_protocol_mapper_duplicate(env: Env, realm_id: str) -> None:
    """updateClientWithProtocolMapper's last step: the same mapper twice in an update is refused."""
    foo = {"name": "foo", "protocol": "openid-connect", "protocolMapper": "oidc-hardcoded-claim-mapper"}
    client_uuid = await create(env, "/clients", {"clientId": "my-app", "protocolMappers": [foo]})
    client = await ok(env, "GET", f"/clients/{client_uuid}")
    bar = {"name": "bar", "protocol": "openid-connect", "protocolMapper": "oidc-hardcoded-role-mapper"}
    mappers = [*client["protocolMappers"], bar]
    await ok(
        env, "PUT", f"/clients/{client_uuid}", {"id": client_uuid, "clientId": "my-app", "protocolMappers": mappers}
    )
    stored = await ok(env, "GET", f"/clients/{client_uuid}")
    assert sorted(m["name"] for m in stored["protocolMappers"]) == ["bar", "foo"]

    twice = {"id": client_uuid, "clientId": "my-app", "protocolMappers": [*mappers, bar]}
    message = "Cannot add protocol mapper 'bar'. Protocol mapper name must be unique per protocol"
    await _expect_errors(env, twice, False, message)
    stored = await ok(env, "GET", f"/clients/{client_uuid}")
    assert sorted(m["name"] for m in stored["protocolMappers"]) == ["bar", "foo"]


async def test_client_session_timeout_validation(env: Env, realm_id: str) -> None:
    """A client's session idle / max may not exceed the realm's SSO values; with remember-me on, the larger of
    the SSO and remember-me values, and the messages say so."""
    rep = await ok(env, "GET", f"/clients/{(await create_client(env, realm_id))['id']}")
    realm = {"rememberMe": False, "ssoSessionIdleTimeout": 300, "ssoSessionMaxLifespan": 600}
    await ok(env, "PUT", "", realm)
    await ok(env, "PUT", f"/clients/{rep['id']}", {**rep, "attributes": {IDLE: "200", MAX: "500"}})
    await _expect_errors(
        env,
        {**rep, "attributes": {IDLE: "400", MAX: "500"}},
        False,
        "Client session idle timeout cannot exceed realm SSO session idle timeout.",
    )
    await _expect_errors(
        env,
        {**rep, "attributes": {IDLE: "200", MAX: "700"}},
        False,
        "Client session max lifespan cannot exceed realm SSO session max lifespan.",
    )

    remember = {"rememberMe": True, "ssoSessionIdleTimeoutRememberMe": 500, "ssoSessionMaxLifespanRememberMe": 900}
    await ok(env, "PUT", "", remember)
    await ok(env, "PUT", f"/clients/{rep['id']}", {**rep, "attributes": {IDLE: "400", MAX: "800"}})
    await _expect_errors(
        env,
        {**rep, "attributes": {IDLE: "550", MAX: "800"}},
        False,
        "Client session idle timeout cannot exceed realm SSO session idle timeout and RememberMe idle timeout.",
    )
    await _expect_errors(
        env,
        {**rep, "attributes": {IDLE: "300", MAX: "950"}},
        False,
        "Client session max lifespan cannot exceed realm SSO session max lifespan and RememberMe Max span.",
    )
    stored = await ok(env, "GET", f"/clients/{rep['id']}")
    assert (stored["attributes"][IDLE], stored["attributes"][MAX]) == ("400", "800")


async def test_delete_default_role(env: Env, realm_id: str) -> None:
    """KEYCLOAK-1110, as the newest ClientTest has it: a client role made a composite of the realm's default role
    ``default-roles-{realm}`` leaves that composite when the client role is deleted, with the three events."""
    client_uuid = (await create_client(env, realm_id))["id"]
    role = {"name": "test", "description": "test", "composite": False}
    await create(env, f"/clients/{client_uuid}/roles", role)
    await assert_event(env, realm_id, "CREATE", f"clients/{client_uuid}/roles/test", "CLIENT_ROLE", role)
    stored = await ok(env, "GET", f"/clients/{client_uuid}/roles/test")

    default_role = f"default-roles-{REALM['realm']}"
    await ok(env, "POST", f"/roles/{default_role}/composites", [stored])
    await assert_event(env, realm_id, "CREATE", f"roles/{default_role}/composites", "REALM_ROLE", [stored])
    assert "test" in {r["name"] for r in await ok(env, "GET", f"/roles/{default_role}/composites")}

    await ok(env, "DELETE", f"/clients/{client_uuid}/roles/test")
    await assert_event(env, realm_id, "DELETE", f"clients/{client_uuid}/roles/test", "CLIENT_ROLE")
    assert "test" not in {r["name"] for r in await ok(env, "GET", f"/roles/{default_role}/composites")}
