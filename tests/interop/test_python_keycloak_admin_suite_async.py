"""python-keycloak 7.1.1's own admin test suite, the async half: the ``test_a_*`` tests, through KeycloakAdmin's
``a_*`` methods, against ``doorkeep start-dev`` (see ``test_python_keycloak_admin_suite.py`` for how, and for the
upstream tests left out with their sync twins). Expectations are those of the sync ports.

Left out: the async twins of the sync tests left out there, for the same reasons (test_a_auth_flows,
test_a_auth_flow_execution_priority, test_a_authentication_configs, test_a_auto_refresh, test_a_components,
test_a_enable_token_exchange, test_a_idps, test_a_social_logins, test_a_sync_users, test_a_upload_certificate,
test_a_keycloak_client_get_cert_info); test_a_email_query_param_handling, which mocks the library's HTTP client
and reaches no server; and, not ported yet though their sync twins are: test_a_import_export_realms,
test_a_partial_import_realm, test_a_users_pagination, test_a_user_groups_pagination, test_a_groups,
test_a_clients, test_a_realm_roles, test_a_realm_roles_pagination, test_a_role_attributes,
test_a_client_scope_realm_roles, test_a_client_scope_client_roles, test_a_client_scope_mapping_client_roles,
test_a_client_roles, test_a_client_scopes, test_a_server_info, test_a_email, test_a_initial_access_token,
test_a_get_bruteforce_status_for_user, test_a_clear_bruteforce_attempts_for_user,
test_a_clear_bruteforce_attempts_for_all_users, test_a_clear_keys_cache, test_a_clear_realm_cache,
test_a_clear_user_cache.
"""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator

import pytest
from keycloak import (
    KeycloakAdmin,
    KeycloakDeleteError,
    KeycloakError,
    KeycloakGetError,
    KeycloakOpenID,
    KeycloakPostError,
    KeycloakPutError,
)

from interop.python_keycloak_support import body_of
from interop.server import DoorkeepProcess

pytestmark = [pytest.mark.interop, pytest.mark.anyio]

USER_NOT_FOUND = {"error": "User not found"}


@pytest.fixture(autouse=True)
async def close_async_clients(suite_admin: KeycloakAdmin) -> AsyncIterator[None]:
    """python-keycloak's httpx AsyncClient lives as long as its connection; close it in the test's own loop."""
    yield
    await suite_admin.connection.aclose()
    openid = suite_admin.connection.keycloak_openid
    await openid.connection.aclose()


def refused(error: KeycloakError, status: int, body: dict[str, str]) -> None:
    assert (error.response_code, body_of(error)) == (status, body), error


def unrecognized(class_name: str, column: int) -> dict[str, str]:
    return {
        "error": f'Invalid json representation for {class_name}. Unrecognized field "{"wrong" if column == 12 else "bad"}"'
        f" at line 1 column {column}."
    }


async def test_a_realms(suite_admin: KeycloakAdmin) -> None:
    admin = suite_admin
    assert "master" in {r["realm"] for r in await admin.a_get_realms()}
    assert await admin.a_create_realm({"realm": "test"}) == b""
    try:
        with pytest.raises(KeycloakPostError) as taken:
            await admin.a_create_realm({"realm": "test"})
        refused(taken.value, 409, {"errorMessage": "Conflict detected. See logs for details"})
        assert await admin.a_create_realm({"realm": "test"}, skip_exists=True) == (
            b'{"errorMessage": "Conflict detected. See logs for details"}'
        )
        assert (await admin.a_get_realm("test"))["realm"] == "test"
        with pytest.raises(KeycloakGetError) as missing:
            await admin.a_get_realm("non-existent")
        refused(missing.value, 404, {"error": "Realm not found."})
        assert await admin.a_update_realm("test", {"accountTheme": "test"}) == {}
        assert (await admin.a_get_realm("test"))["accountTheme"] == "test"
        with pytest.raises(KeycloakPutError) as wrong:
            await admin.a_update_realm("test", {"wrong": "payload"})
        assert wrong.match("Unrecognized field")
        refused(wrong.value, 400, unrecognized("RealmRepresentation", 12))
        assert {"master", "test"} <= {r["realm"] for r in await admin.a_get_realms()}
    finally:
        assert await admin.a_delete_realm("test") == {}
    with pytest.raises(KeycloakDeleteError) as gone:
        await admin.a_delete_realm("non-existent")
    refused(gone.value, 404, {"error": "Realm not found."})


async def test_a_changing_of_realms(suite_admin: KeycloakAdmin, suite_realm: str) -> None:
    assert await suite_admin.a_get_current_realm() == "master"
    await suite_admin.a_change_current_realm(suite_realm)
    assert await suite_admin.a_get_current_realm() == suite_realm


async def test_a_users(suite_admin: KeycloakAdmin, suite_realm: str) -> None:
    admin = suite_admin
    await admin.a_change_current_realm(suite_realm)
    assert await admin.a_get_users() == []
    user_id = await admin.a_create_user({"username": "test", "email": "test@test.test"})
    with pytest.raises(KeycloakPostError) as taken:
        await admin.a_create_user({"username": "test", "email": "test@test.test"})
    assert taken.match(".*User exists with same.*")
    assert await admin.a_create_user({"username": "test", "email": "test@test.test"}, exist_ok=True) == user_id
    user = await admin.a_get_user(user_id)
    assert (user["username"], user["email"]) == ("test", "test@test.test")
    assert await admin.a_update_user(user_id, {"firstName": "Test"}) == {}
    assert (await admin.a_get_user(user_id))["firstName"] == "Test"
    with pytest.raises(KeycloakPutError) as wrong:
        await admin.a_update_user(user_id, {"wrong": "payload"})
    refused(wrong.value, 400, unrecognized("UserRepresentation", 12))
    assert await admin.a_disable_user(user_id) == {}
    assert not (await admin.a_get_user(user_id))["enabled"]
    assert await admin.a_enable_user(user_id) == {}
    assert (await admin.a_get_user(user_id))["enabled"]
    assert await admin.a_users_count() == 1
    assert await admin.a_users_count(query={"username": "notpresent"}) == 0
    assert await admin.a_get_user_groups(user_id) == []
    for call in (admin.a_get_user_groups, admin.a_user_consents):
        with pytest.raises(KeycloakGetError) as no_user:
            await call("does-not-exist")
        refused(no_user.value, 404, USER_NOT_FOUND)
    assert await admin.a_user_logout(user_id) == {}
    with pytest.raises(KeycloakPostError) as no_logout:
        await admin.a_user_logout("non-existent-id")
    refused(no_logout.value, 404, USER_NOT_FOUND)
    assert await admin.a_user_consents(user_id) == []
    assert await admin.a_delete_user(user_id) == {}
    with pytest.raises(KeycloakDeleteError) as no_delete:
        await admin.a_delete_user("non-existent-id")
    refused(no_delete.value, 404, USER_NOT_FOUND)


async def test_a_enable_disable_all_users(suite_admin: KeycloakAdmin, suite_realm: str) -> None:
    admin = suite_admin
    await admin.a_change_current_realm(suite_realm)
    ids = [
        await admin.a_create_user({"username": name, "email": f"{name}@test.test", "enabled": True})
        for name in ("test", "test2", "test3")
    ]
    await admin.a_disable_all_users()
    assert not any([(await admin.a_get_user(i))["enabled"] for i in ids])
    await admin.a_enable_all_users()
    assert all([(await admin.a_get_user(i))["enabled"] for i in ids])


async def test_a_users_roles(suite_admin: KeycloakAdmin, suite_realm: str) -> None:
    admin = suite_admin
    await admin.a_change_current_realm(suite_realm)
    user_id = await admin.a_create_user({"username": "test", "email": "test@test.test"})
    client_id = await admin.a_create_client({"name": "test-client", "clientId": "test-client"})
    await admin.a_create_client_role(client_id, {"name": "test-role"})
    await admin.a_assign_client_role(user_id, client_id, [await admin.a_get_client_role(client_id, "test-role")])
    all_roles = await admin.a_get_all_roles_of_user(user_id)
    assert len(all_roles["realmMappings"]) == 1 and list(all_roles["clientMappings"]) == ["test-client"]
    with pytest.raises(KeycloakGetError) as no_user:
        await admin.a_get_all_roles_of_user("non-existent-id")
    refused(no_user.value, 404, USER_NOT_FOUND)


async def test_a_user_credentials(suite_admin: KeycloakAdmin, suite_user: str) -> None:
    admin = suite_admin
    assert await admin.a_set_user_password(suite_user, "booya", temporary=True) == {}
    with pytest.raises(KeycloakPutError) as no_user:
        await admin.a_set_user_password("does-not-exist", "")
    refused(no_user.value, 404, USER_NOT_FOUND)
    credentials = await admin.a_get_credentials(suite_user)
    assert [c["type"] for c in credentials] == ["password"]
    assert await admin.a_delete_credential(suite_user, credentials[0]["id"]) == {}
    with pytest.raises(KeycloakDeleteError) as no_credential:
        await admin.a_delete_credential(suite_user, "does-not-exist")
    refused(no_credential.value, 404, {"error": "Credential not found"})


@pytest.mark.parametrize("kind", ["default", "optional"])
async def test_a_client_default_and_optional_client_scopes(
    suite_admin: KeycloakAdmin, suite_realm: str, kind: str
) -> None:
    """Upstream's test_a_client_default_client_scopes and test_a_client_optional_client_scopes."""
    admin = suite_admin
    await admin.a_change_current_realm(suite_realm)
    get = getattr(admin, f"a_get_client_{kind}_client_scopes")
    client_id = await admin.a_create_client({"name": "role-testing-client", "clientId": "role-testing-client"})
    before = len(await get(client_id))
    assert before == (6 if kind == "default" else 5)  # optional: Keycloak 26's organization scope too
    scope_id = await admin.a_create_client_scope({"name": f"test-{kind}", "protocol": "openid-connect"})
    data = {"realm": suite_realm, "client": client_id, "clientScopeId": scope_id}
    assert await getattr(admin, f"a_add_client_{kind}_client_scope")(client_id, scope_id, data) == {}
    assert len(await get(client_id)) == before + 1
    assert await getattr(admin, f"a_delete_client_{kind}_client_scope")(client_id, scope_id) == {}
    assert len(await get(client_id)) == before


async def test_a_get_sessions(suite_admin: KeycloakAdmin) -> None:
    assert suite_admin.connection.username is not None
    user_id = await suite_admin.a_get_user_id(suite_admin.connection.username)
    assert user_id is not None
    assert len(await suite_admin.a_get_sessions(user_id)) >= 1
    with pytest.raises(KeycloakGetError) as no_user:
        await suite_admin.a_get_sessions("bad")
    refused(no_user.value, 404, USER_NOT_FOUND)


async def test_a_get_client_installation_provider(suite_admin: KeycloakAdmin, suite_client: str) -> None:
    with pytest.raises(KeycloakGetError) as unknown:
        await suite_admin.a_get_client_installation_provider(suite_client, "bad")
    refused(unknown.value, 404, {"error": "Unknown Provider"})
    installation = await suite_admin.a_get_client_installation_provider(suite_client, "keycloak-oidc-keycloak-json")
    assert set(installation) == {
        "auth-server-url",
        "confidential-port",
        "credentials",
        "realm",
        "resource",
        "ssl-required",
    }


async def test_a_keys(suite_admin: KeycloakAdmin, suite_realm: str) -> None:
    await suite_admin.a_change_current_realm(suite_realm)
    keys = await suite_admin.a_get_keys()
    # Keycloak 26's four keys, the AES and RSA-OAEP encryption keys among them (see test_keys).
    assert {"AES", "HS512", "RS256", "RSA-OAEP"} == set(keys["active"]) == {k["algorithm"] for k in keys["keys"]}


async def test_a_admin_events(suite_admin: KeycloakAdmin, suite_realm: str) -> None:
    await suite_admin.a_change_current_realm(suite_realm)
    await suite_admin.a_create_client({"name": "test", "clientId": "test"})
    assert await suite_admin.a_get_admin_events() == []


async def test_a_user_events(suite_admin: KeycloakAdmin, suite_realm: str) -> None:
    admin = suite_admin
    await admin.a_change_current_realm(suite_realm)
    assert await admin.a_get_events() == []
    with pytest.raises(KeycloakPutError) as unknown:
        await admin.a_set_events({"bad": "conf"})
    refused(unknown.value, 400, unrecognized("RealmEventsConfigRepresentation", 10))
    assert await admin.a_set_events({"adminEventsDetailsEnabled": True, "adminEventsEnabled": True}) == {}
    await admin.a_create_client({"name": "test", "clientId": "test"})
    assert await admin.a_get_events() == []


async def test_a_get_required_actions(suite_admin: KeycloakAdmin, suite_realm: str) -> None:
    await suite_admin.a_change_current_realm(suite_realm)
    actions = await suite_admin.a_get_required_actions()
    assert actions
    for action in actions:
        assert {"alias", "name", "providerId", "enabled", "defaultAction", "priority", "config"} <= set(action)


async def test_a_get_required_action_by_alias(suite_admin: KeycloakAdmin, suite_realm: str) -> None:
    await suite_admin.a_change_current_realm(suite_realm)
    action = await suite_admin.a_get_required_action_by_alias("UPDATE_PASSWORD")
    assert action is not None and action in await suite_admin.a_get_required_actions()
    assert await suite_admin.a_get_required_action_by_alias("does-not-exist") is None


async def test_a_update_required_action(suite_admin: KeycloakAdmin, suite_realm: str) -> None:
    await suite_admin.a_change_current_realm(suite_realm)
    action = await suite_admin.a_get_required_action_by_alias("UPDATE_PASSWORD")
    assert action is not None
    old = copy.deepcopy(action)
    action["enabled"] = False
    assert await suite_admin.a_update_required_action("UPDATE_PASSWORD", action) == {}
    new = await suite_admin.a_get_required_action_by_alias("UPDATE_PASSWORD")
    assert new is not None and new != old and new["enabled"] is False


async def test_a_get_composite_client_roles_of_group(
    suite_admin: KeycloakAdmin, suite_client: str, suite_group: str, suite_composite_client_role: str
) -> None:
    role = await suite_admin.a_get_client_role(suite_client, suite_composite_client_role)
    await suite_admin.a_assign_group_client_roles(suite_group, suite_client, [role])
    result = await suite_admin.a_get_composite_client_roles_of_group(suite_client, suite_group)
    assert role["id"] in {r["id"] for r in result}


async def test_a_get_role_client_level_children(
    suite_admin: KeycloakAdmin, suite_client: str, suite_composite_client_role: str, suite_client_role: str
) -> None:
    child = await suite_admin.a_get_client_role(suite_client, suite_client_role)
    parent = await suite_admin.a_get_client_role(suite_client, suite_composite_client_role)
    children = await suite_admin.a_get_role_client_level_children(suite_client, parent["id"])
    assert child["id"] in {r["id"] for r in children}


async def test_a_get_role_composites_by_id(
    suite_admin: KeycloakAdmin, suite_client: str, suite_composite_client_role: str, suite_client_role: str
) -> None:
    parent = await suite_admin.a_get_client_role(suite_client, suite_composite_client_role)
    child = await suite_admin.a_get_client_role(suite_client, suite_client_role)
    assert child["id"] in {r["id"] for r in await suite_admin.a_get_role_composites_by_id(parent["id"])}
    paged = await suite_admin.a_get_role_composites_by_id(parent["id"], query={"first": 0, "max": 10})
    assert child["id"] in {r["id"] for r in paged}
    assert await suite_admin.a_get_role_composites_by_id(parent["id"], query={"search": suite_client_role[:3]})


async def test_a_default_realm_role_present(suite_admin: KeycloakAdmin, suite_realm: str) -> None:
    await suite_admin.a_change_current_realm(suite_realm)
    names = [r["name"] for r in await suite_admin.a_get_realm_roles()]
    assert names.count(f"default-roles-{suite_realm}") == 1


async def test_a_get_default_realm_role_id(suite_admin: KeycloakAdmin, suite_realm: str) -> None:
    await suite_admin.a_change_current_realm(suite_realm)
    roles = await suite_admin.a_get_realm_roles()
    assert await suite_admin.a_get_default_realm_role_id() == next(
        r["id"] for r in roles if r["name"] == f"default-roles-{suite_realm}"
    )


async def test_a_realm_default_roles(suite_admin: KeycloakAdmin, suite_realm: str) -> None:
    admin = suite_admin
    await admin.a_change_current_realm(suite_realm)
    roles = await admin.a_get_realm_default_roles()
    assert {r["name"] for r in roles} == {"offline_access", "uma_authorization"}
    await admin.a_change_current_realm("doesnotexist")
    with pytest.raises(KeycloakGetError) as no_realm:
        await admin.a_get_realm_default_roles()
    refused(no_realm.value, 404, {"error": "Realm not found."})
    await admin.a_change_current_realm(suite_realm)
    assert await admin.a_remove_realm_default_roles([roles[0]]) == {}
    assert len(await admin.a_get_realm_default_roles()) == 1
    with pytest.raises(KeycloakDeleteError) as bad_remove:
        await admin.a_remove_realm_default_roles([{"id": "bad id"}])
    refused(bad_remove.value, 404, {"error": "Could not find composite role"})
    assert await admin.a_add_realm_default_roles([roles[0]]) == {}
    assert roles[0] in await admin.a_get_realm_default_roles()
    with pytest.raises(KeycloakPostError) as bad_add:
        await admin.a_add_realm_default_roles([{"id": "bad id"}])
    refused(bad_add.value, 404, {"error": "Could not find composite role"})


async def test_a_refresh_token(suite_admin: KeycloakAdmin) -> None:
    admin = suite_admin
    await admin.a_get_realms()
    assert admin.connection.token is not None and admin.connection.username is not None
    user_id = await admin.a_get_user_id(admin.connection.username)
    assert user_id is not None
    await admin.a_user_logout(user_id)
    admin.connection.refresh_token()
    assert await admin.a_get_realms()


async def test_a_consents(suite_admin: KeycloakAdmin, suite_realm: str, engine_server: DoorkeepProcess) -> None:
    admin = suite_admin
    await admin.a_change_current_realm(suite_realm)
    await admin.a_create_client(
        {
            "clientId": "consenting",
            "publicClient": False,
            "secret": "consenting-secret",
            "directAccessGrantsEnabled": True,  # see test_consents
        }
    )
    await admin.a_create_user(
        {
            "username": "consenter",
            "email": "consenter@test.test",
            "enabled": True,
            "firstName": "first",
            "lastName": "last",
            "emailVerified": True,
            "credentials": [{"type": "password", "value": "consenter-password", "temporary": False}],
        }
    )
    oid = KeycloakOpenID(
        server_url=engine_server.base_url,
        realm_name=suite_realm,
        client_id="consenting",
        client_secret_key="consenting-secret",
    )
    offline = await oid.a_token("consenter", "consenter-password", scope="offline_access")
    user_id = (await oid.a_decode_token(offline["access_token"]))["sub"]
    await oid.connection.aclose()
    [consent] = await admin.a_user_consents(user_id)
    assert consent["additionalGrants"][0]["key"] == "Offline Token"
    with pytest.raises(KeycloakDeleteError) as no_client:
        await admin.a_revoke_consent(user_id, "non-existent-client")
    refused(no_client.value, 404, {"error": "Client not found"})
    assert await admin.a_revoke_consent(user_id, "consenting") == {}
    assert await admin.a_user_consents(user_id) == []
    with pytest.raises(KeycloakDeleteError) as nothing_left:
        await admin.a_revoke_consent(user_id, "consenting")
    refused(nothing_left.value, 404, {"error": "Consent nor offline token not found"})
