"""Admin REST for clients and client scopes (KEYCLOAK.md §9.2), through the real app."""

from __future__ import annotations

from typing import Any

import pytest

from support import password_grant, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

CLIENTS = "/admin/realms/test/clients"
SCOPES = "/admin/realms/test/client-scopes"
REALM_DEFAULTS = {"acr", "basic", "email", "profile", "roles", "web-origins"}
REALM_OPTIONALS = {"address", "microprofile-jwt", "offline_access", "organization", "phone"}


async def _setup(env: Env) -> dict[str, str]:
    await seed_realm(env.db, env.clock)
    return await env.admin_headers()


async def _create(env: Env, headers: dict[str, str], **rep: Any) -> str:
    response = await env.http.post(CLIENTS, headers=headers, json=rep)
    assert response.status_code == 201, response.text
    return response.headers["location"].rsplit("/", 1)[-1]


def _names(items: list[dict[str, Any]]) -> set[str]:
    return {i["name"] for i in items}


async def _scope_id(env: Env, headers: dict[str, str], name: str) -> str:
    scopes = (await env.http.get(SCOPES, headers=headers)).json()
    found = next(s["id"] for s in scopes if s["name"] == name)
    assert isinstance(found, str), found
    return found


# --- create, read, update, delete --------------------------------------------------------------
async def test_creating_a_client_answers_201_with_its_uuid_location(env: Env) -> None:
    headers = await _setup(env)
    response = await env.http.post(
        CLIENTS,
        headers=headers,
        json={
            "clientId": "shop",
            "secret": "s3cret",
            "redirectUris": ["https://shop.example/*"],
            "directAccessGrantsEnabled": True,
            "attributes": {"use.refresh.tokens": "true"},
            "unknownField": 1,
        },
    )
    assert response.status_code == 201, response.text
    uuid = response.headers["location"].rsplit("/", 1)[-1]
    assert response.headers["location"] == f"http://localhost{CLIENTS}/{uuid}"
    body = (await env.http.get(f"{CLIENTS}/{uuid}", headers=headers)).json()
    assert body["id"] == uuid and body["clientId"] == "shop" and body["secret"] == "s3cret"
    assert body["redirectUris"] == ["https://shop.example/*"] and body["directAccessGrantsEnabled"] is True
    assert body["publicClient"] is False and body["enabled"] is True and body["fullScopeAllowed"] is True
    assert body["attributes"] == {"use.refresh.tokens": "true", "realm_client": "false"}


async def test_a_client_created_through_the_api_issues_tokens(env: Env) -> None:
    headers = await _setup(env)
    await _create(env, headers, clientId="app", secret="secret", directAccessGrantsEnabled=True)
    await seed_user(env.db, env.clock, "test", "user1")
    response = await password_grant(env.http, "test", "app", scope="offline_access")
    assert response.status_code == 200, response.text
    assert response.json()["refresh_expires_in"] == 0  # an offline token: the optional scope was linked


async def test_a_confidential_client_without_a_secret_gets_a_generated_one(env: Env) -> None:
    headers = await _setup(env)
    uuid = await _create(env, headers, clientId="app")
    secret = (await env.http.get(f"{CLIENTS}/{uuid}/client-secret", headers=headers)).json()
    assert secret["type"] == "secret" and len(secret["value"]) >= 20


async def test_creating_a_client_whose_client_id_is_taken_answers_409(env: Env) -> None:
    headers = await _setup(env)
    await _create(env, headers, clientId="app")
    response = await env.http.post(CLIENTS, headers=headers, json={"clientId": "app"})
    assert response.status_code == 409
    assert response.json() == {"errorMessage": "Client app already exists"}


async def test_finding_clients_by_client_id_exactly_or_by_search_with_paging(env: Env) -> None:
    headers = await _setup(env)
    for name in ("shop-web", "shop-api", "billing"):
        await _create(env, headers, clientId=name)
    exact = (await env.http.get(CLIENTS, params={"clientId": "shop-api"}, headers=headers)).json()
    assert [c["clientId"] for c in exact] == ["shop-api"]
    assert (await env.http.get(CLIENTS, params={"clientId": "shop"}, headers=headers)).json() == []
    found = (await env.http.get(CLIENTS, params={"clientId": "SHOP", "search": "true"}, headers=headers)).json()
    assert [c["clientId"] for c in found] == ["shop-api", "shop-web"]
    paged = (await env.http.get(CLIENTS, params={"first": "1", "max": "2"}, headers=headers)).json()
    everything = (await env.http.get(CLIENTS, headers=headers)).json()
    assert [c["clientId"] for c in paged] == [c["clientId"] for c in everything][1:3]


async def test_updating_a_client_changes_only_the_fields_given_and_merges_attributes(env: Env) -> None:
    headers = await _setup(env)
    uuid = await _create(
        env,
        headers,
        clientId="app",
        redirectUris=["https://a/*"],
        attributes={"use.refresh.tokens": "false", "access.token.lifespan": "60"},
    )
    response = await env.http.put(
        f"{CLIENTS}/{uuid}",
        headers=headers,
        json={
            "consentRequired": True,
            "redirectUris": None,
            "attributes": {"access.token.lifespan": "", "x": "1"},
        },
    )
    assert response.status_code == 204, response.text
    body = (await env.http.get(f"{CLIENTS}/{uuid}", headers=headers)).json()
    assert body["consentRequired"] is True and body["redirectUris"] == ["https://a/*"]
    assert body["attributes"] == {"use.refresh.tokens": "false", "x": "1", "realm_client": "false"}


async def test_the_refresh_token_max_reuse_override_must_be_a_non_negative_number(env: Env) -> None:
    headers = await _setup(env)
    for bad in ("-1", "many", "1.5"):
        response = await env.http.post(
            CLIENTS, headers=headers, json={"clientId": f"c{bad}", "attributes": {"refresh.token.max.reuse": bad}}
        )
        assert response.status_code == 400, bad
        assert response.json()["error"] == "invalid_input"
    uuid = await _create(env, headers, clientId="app", attributes={"refresh.token.max.reuse": "2"})
    bad_update = await env.http.put(
        f"{CLIENTS}/{uuid}", headers=headers, json={"attributes": {"refresh.token.max.reuse": "-3"}}
    )
    assert bad_update.status_code == 400
    blank = await env.http.put(
        f"{CLIENTS}/{uuid}", headers=headers, json={"attributes": {"refresh.token.max.reuse": ""}}
    )
    assert blank.status_code == 204  # blank means "inherit from the realm"
    assert (
        "refresh.token.max.reuse" not in (await env.http.get(f"{CLIENTS}/{uuid}", headers=headers)).json()["attributes"]
    )


async def test_wrong_json_types_in_a_client_answer_400(env: Env) -> None:
    headers = await _setup(env)
    response = await env.http.post(CLIENTS, headers=headers, json={"clientId": "app", "redirectUris": "https://a"})
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_request",
        "error_description": "Cannot parse the JSON: redirectUris: expected a list of strings",
    }


async def test_renaming_a_client_onto_a_taken_client_id_answers_409(env: Env) -> None:
    headers = await _setup(env)
    uuid = await _create(env, headers, clientId="app")
    response = await env.http.put(f"{CLIENTS}/{uuid}", headers=headers, json={"clientId": "account"})
    assert response.status_code == 409
    assert response.json() == {"errorMessage": "Client already exists"}


async def test_deleting_a_client_removes_it_its_service_account_and_its_sessions(env: Env) -> None:
    headers = await _setup(env)
    uuid = await _create(
        env, headers, clientId="app", secret="secret", directAccessGrantsEnabled=True, serviceAccountsEnabled=True
    )
    await seed_user(env.db, env.clock, "test", "user1")
    assert (await password_grant(env.http, "test", "app")).status_code == 200
    account = (await env.http.get(f"{CLIENTS}/{uuid}/service-account-user", headers=headers)).json()
    assert (await env.http.delete(f"{CLIENTS}/{uuid}", headers=headers)).status_code == 204
    assert (await env.http.get(f"{CLIENTS}/{uuid}", headers=headers)).status_code == 404
    async with env.db.transaction() as tx:
        assert await tx.users.get(account["id"]) is None
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        user = await tx.users.get_by_username(realm.id, "user1")
        assert user is not None
        sessions = await tx.sessions.user_sessions_of(user.id, False)
        assert sessions
        for session in sessions:
            assert await tx.sessions.client_sessions(session.id, False) == []


async def test_an_unknown_client_answers_404_could_not_find_client(env: Env) -> None:
    headers = await _setup(env)
    for method, suffix in (
        ("GET", ""),
        ("PUT", ""),
        ("DELETE", ""),
        ("GET", "/client-secret"),
        ("GET", "/default-client-scopes"),
        ("GET", "/roles"),
    ):
        response = await env.http.request(method, f"{CLIENTS}/no-such-id{suffix}", headers=headers, json={})
        assert response.status_code == 404, (method, suffix)
        assert response.json() == {"error": "Could not find client"}


# --- secrets and service accounts --------------------------------------------------------------
async def test_regenerating_the_secret_returns_a_new_one_and_the_old_one_stops_working(env: Env) -> None:
    headers = await _setup(env)
    uuid = await _create(env, headers, clientId="app", secret="secret", directAccessGrantsEnabled=True)
    assert (await env.http.get(f"{CLIENTS}/{uuid}/client-secret", headers=headers)).json() == {
        "type": "secret",
        "value": "secret",
    }
    response = await env.http.post(f"{CLIENTS}/{uuid}/client-secret", headers=headers)
    assert response.status_code == 200
    new = response.json()
    assert new["type"] == "secret" and new["value"] != "secret"
    assert (await env.http.get(f"{CLIENTS}/{uuid}/client-secret", headers=headers)).json() == new
    await seed_user(env.db, env.clock, "test", "user1")
    assert (await password_grant(env.http, "test", "app")).status_code == 401
    assert (await password_grant(env.http, "test", "app", secret=new["value"])).status_code == 200


async def test_a_service_account_client_has_its_service_account_user(env: Env) -> None:
    headers = await _setup(env)
    uuid = await _create(env, headers, clientId="Robot", serviceAccountsEnabled=True)
    response = await env.http.get(f"{CLIENTS}/{uuid}/service-account-user", headers=headers)
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "service-account-robot" and body["serviceAccountClientId"] == uuid


async def test_turning_service_accounts_on_later_creates_the_service_account_user(env: Env) -> None:
    headers = await _setup(env)
    uuid = await _create(env, headers, clientId="robot", secret="secret")
    off = await env.http.get(f"{CLIENTS}/{uuid}/service-account-user", headers=headers)
    assert off.status_code == 400
    assert off.json() == {"error": "Service account not enabled for the client 'robot'"}
    await env.http.put(f"{CLIENTS}/{uuid}", headers=headers, json={"serviceAccountsEnabled": True})
    response = await env.http.get(f"{CLIENTS}/{uuid}/service-account-user", headers=headers)
    assert response.json()["username"] == "service-account-robot"
    token = await env.http.post(
        "/realms/test/protocol/openid-connect/token",
        data={"grant_type": "client_credentials", "client_id": "robot", "client_secret": "secret"},
    )
    assert token.status_code == 200, token.text


async def test_a_service_account_user_is_dated_when_it_is_made(env: Env) -> None:
    """Keycloak's addUser stamps createdTimestamp (ms) on the service account, on create and on a later enable."""
    headers = await _setup(env)
    made = await _create(env, headers, clientId="robot", serviceAccountsEnabled=True)
    created = env.clock.now() * 1000
    env.clock.advance(7)
    later = await _create(env, headers, clientId="later", secret="secret")
    await env.http.put(f"{CLIENTS}/{later}", headers=headers, json={"serviceAccountsEnabled": True})
    for uuid, when in ((made, created), (later, env.clock.now() * 1000)):
        user = (await env.http.get(f"{CLIENTS}/{uuid}/service-account-user", headers=headers)).json()
        assert user["createdTimestamp"] == when
        listed = (await env.http.get(f"/admin/realms/test/users/{user['id']}", headers=headers)).json()
        assert listed["createdTimestamp"] == when


# --- client scopes of a client -----------------------------------------------------------------
async def test_a_new_client_gets_the_realm_default_and_optional_scopes(env: Env) -> None:
    headers = await _setup(env)
    uuid = await _create(env, headers, clientId="app")
    defaults = (await env.http.get(f"{CLIENTS}/{uuid}/default-client-scopes", headers=headers)).json()
    optionals = (await env.http.get(f"{CLIENTS}/{uuid}/optional-client-scopes", headers=headers)).json()
    assert _names(defaults) == REALM_DEFAULTS and _names(optionals) == REALM_OPTIONALS
    assert set(defaults[0]) == {"id", "name"}
    body = (await env.http.get(f"{CLIENTS}/{uuid}", headers=headers)).json()
    assert set(body["defaultClientScopes"]) == REALM_DEFAULTS


async def test_named_scopes_on_create_replace_the_realm_defaults(env: Env) -> None:
    headers = await _setup(env)
    uuid = await _create(
        env,
        headers,
        clientId="app",
        defaultClientScopes=["profile", "no-such-scope"],
        optionalClientScopes=["offline_access"],
    )
    defaults = (await env.http.get(f"{CLIENTS}/{uuid}/default-client-scopes", headers=headers)).json()
    optionals = (await env.http.get(f"{CLIENTS}/{uuid}/optional-client-scopes", headers=headers)).json()
    assert _names(defaults) == {"profile"} and _names(optionals) == {"offline_access"}


async def test_linking_and_unlinking_client_scopes_of_a_client(env: Env) -> None:
    headers = await _setup(env)
    uuid = await _create(
        env,
        headers,
        clientId="app",
        secret="secret",
        directAccessGrantsEnabled=True,
        defaultClientScopes=["profile"],
        optionalClientScopes=[],
    )
    await seed_user(env.db, env.clock, "test", "user1")
    refused = await password_grant(env.http, "test", "app", scope="offline_access")
    assert refused.json()["error"] == "invalid_scope"
    offline = await _scope_id(env, headers, "offline_access")
    linked = await env.http.put(f"{CLIENTS}/{uuid}/optional-client-scopes/{offline}", headers=headers)
    assert linked.status_code == 204
    assert (await password_grant(env.http, "test", "app", scope="offline_access")).status_code == 200
    unlinked = await env.http.delete(f"{CLIENTS}/{uuid}/optional-client-scopes/{offline}", headers=headers)
    assert unlinked.status_code == 204
    assert (await env.http.get(f"{CLIENTS}/{uuid}/optional-client-scopes", headers=headers)).json() == []
    missing = await env.http.put(f"{CLIENTS}/{uuid}/default-client-scopes/nope", headers=headers)
    assert missing.status_code == 404
    assert missing.json() == {"error": "Client scope not found"}


# --- client scopes -----------------------------------------------------------------------------
async def test_client_scopes_are_created_read_updated_and_deleted(env: Env) -> None:
    headers = await _setup(env)
    response = await env.http.post(
        SCOPES,
        headers=headers,
        json={
            "name": "orders",
            "description": "Order access",
            "protocol": "openid-connect",
            "attributes": {"include.in.token.scope": "true"},
        },
    )
    assert response.status_code == 201, response.text
    scope_id = response.headers["location"].rsplit("/", 1)[-1]
    assert response.headers["location"] == f"http://localhost{SCOPES}/{scope_id}"
    body = (await env.http.get(f"{SCOPES}/{scope_id}", headers=headers)).json()
    assert body == {
        "id": scope_id,
        "name": "orders",
        "description": "Order access",
        "protocol": "openid-connect",
        "attributes": {"include.in.token.scope": "true"},
    }
    update = await env.http.put(f"{SCOPES}/{scope_id}", headers=headers, json={"description": "Orders"})
    assert update.status_code == 204
    body = (await env.http.get(f"{SCOPES}/{scope_id}", headers=headers)).json()
    assert body["description"] == "Orders" and body["name"] == "orders"
    assert (await env.http.delete(f"{SCOPES}/{scope_id}", headers=headers)).status_code == 204
    gone = await env.http.get(f"{SCOPES}/{scope_id}", headers=headers)
    assert gone.status_code == 404 and gone.json() == {"error": "Could not find client scope"}


async def test_a_duplicate_client_scope_name_answers_409(env: Env) -> None:
    headers = await _setup(env)
    response = await env.http.post(SCOPES, headers=headers, json={"name": "profile", "protocol": "openid-connect"})
    assert response.status_code == 409
    assert response.json() == {"errorMessage": "Client Scope profile already exists"}


async def test_a_deleted_client_scope_leaves_clients_and_realm_defaults(env: Env) -> None:
    headers = await _setup(env)
    uuid = await _create(env, headers, clientId="app")
    phone = await _scope_id(env, headers, "phone")
    assert (await env.http.delete(f"{SCOPES}/{phone}", headers=headers)).status_code == 204
    optionals = (await env.http.get(f"{CLIENTS}/{uuid}/optional-client-scopes", headers=headers)).json()
    assert "phone" not in _names(optionals)
    realm_optionals = await env.http.get("/admin/realms/test/default-optional-client-scopes", headers=headers)
    assert "phone" not in _names(realm_optionals.json())


async def test_realm_default_scopes_decide_what_new_clients_get(env: Env) -> None:
    headers = await _setup(env)
    defaults = (await env.http.get("/admin/realms/test/default-default-client-scopes", headers=headers)).json()
    assert _names(defaults) == REALM_DEFAULTS and set(defaults[0]) == {"id", "name", "protocol"}
    offline = await _scope_id(env, headers, "offline_access")
    moved = await env.http.put(f"/admin/realms/test/default-default-client-scopes/{offline}", headers=headers)
    assert moved.status_code == 204
    optionals = (await env.http.get("/admin/realms/test/default-optional-client-scopes", headers=headers)).json()
    assert "offline_access" not in _names(optionals)
    uuid = await _create(env, headers, clientId="app")
    client_defaults = (await env.http.get(f"{CLIENTS}/{uuid}/default-client-scopes", headers=headers)).json()
    assert "offline_access" in _names(client_defaults)
    removed = await env.http.delete(f"/admin/realms/test/default-default-client-scopes/{offline}", headers=headers)
    assert removed.status_code == 204
    missing = await env.http.put("/admin/realms/test/default-optional-client-scopes/nope", headers=headers)
    assert missing.status_code == 404 and missing.json() == {"error": "Client scope not found"}


async def test_scope_mappings_of_a_client_scope_and_of_a_client(env: Env) -> None:
    headers = await _setup(env)
    await env.http.post("/admin/realms/test/roles", headers=headers, json={"name": "reader"})
    reader = (await env.http.get("/admin/realms/test/roles/reader", headers=headers)).json()
    offline = await _scope_id(env, headers, "offline_access")
    mapped = (await env.http.get(f"{SCOPES}/{offline}/scope-mappings/realm", headers=headers)).json()
    assert _names(mapped) == {"offline_access"}
    uuid = await _create(env, headers, clientId="app")
    for base in (f"{SCOPES}/{offline}", f"{CLIENTS}/{uuid}"):
        url = f"{base}/scope-mappings/realm"
        assert (await env.http.post(url, headers=headers, json=[{"id": reader["id"]}])).status_code == 204
        assert "reader" in _names((await env.http.get(url, headers=headers)).json())
        assert (await env.http.request("DELETE", url, headers=headers, json=[reader])).status_code == 204
        assert "reader" not in _names((await env.http.get(url, headers=headers)).json())
        missing = await env.http.post(url, headers=headers, json=[{"id": "nope"}])
        assert missing.status_code == 404 and missing.json() == {"error": "Role not found"}


# --- who may call ------------------------------------------------------------------------------
async def test_client_endpoints_need_view_clients_or_manage_clients(env: Env) -> None:
    headers = await _setup(env)
    uuid = await _create(env, headers, clientId="app")
    await seed_user(env.db, env.clock, "test", "viewer")
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        management = await tx.clients.get_by_client_id(realm.id, "realm-management")
        viewer = await tx.users.get_by_username(realm.id, "viewer")
        assert management is not None and viewer is not None
        role = await tx.roles.get_client_role(management.id, "view-clients")
        assert role is not None
        await tx.users.grant_roles(viewer.id, [role.id])
    token = await password_grant(env.http, "test", "admin-cli", "viewer", secret=None)
    viewer_headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    assert (await env.http.get(f"{CLIENTS}/{uuid}", headers=viewer_headers)).status_code == 200
    assert (await env.http.get(SCOPES, headers=viewer_headers)).status_code == 200
    for method, url in (
        ("PUT", f"{CLIENTS}/{uuid}"),
        ("POST", CLIENTS),
        ("DELETE", f"{CLIENTS}/{uuid}"),
        ("POST", f"{CLIENTS}/{uuid}/client-secret"),
        ("POST", SCOPES),
    ):
        response = await env.http.request(method, url, headers=viewer_headers, json={"clientId": "x", "name": "x"})
        assert response.status_code == 403, (method, url)
    assert (await env.http.get(CLIENTS, headers={})).status_code == 401
