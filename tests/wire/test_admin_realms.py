"""Admin REST for realms (KEYCLOAK.md §9.1–9.2), and who may call the admin API at all."""

from __future__ import annotations

import pytest

from support import password_grant, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

REALMS = "/admin/realms"
TIMEOUTS = {
    "accessTokenLifespan": 300,
    "accessTokenLifespanForImplicitFlow": 900,
    "accessCodeLifespan": 60,
    "ssoSessionIdleTimeout": 1800,
    "ssoSessionMaxLifespan": 36000,
    "offlineSessionIdleTimeout": 2592000,
    "offlineSessionMaxLifespanEnabled": False,
    "offlineSessionMaxLifespan": 5184000,
    "clientSessionIdleTimeout": 0,
    "clientSessionMaxLifespan": 0,
    "clientOfflineSessionIdleTimeout": 0,
    "clientOfflineSessionMaxLifespan": 0,
    "revokeRefreshToken": False,
    "refreshTokenMaxReuse": 0,
    "notBefore": 0,
}


async def _realm_user(env: Env, username: str, *management_roles: str, realm: str = "test") -> dict[str, str]:
    """A user of ``realm`` holding the given realm-management roles, and their bearer header."""
    user = await seed_user(env.db, env.clock, realm, username)
    async with env.db.transaction() as tx:
        found = await tx.realms.get_by_name(realm)
        assert found is not None
        management = await tx.clients.get_by_client_id(found.id, "realm-management")
        assert management is not None
        for name in management_roles:
            role = await tx.roles.get_client_role(management.id, name)
            assert role is not None, name
            await tx.users.grant_roles(user.id, [role.id])
    response = await password_grant(env.http, realm, "admin-cli", username, secret=None)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


# --- create ------------------------------------------------------------------------------------
async def test_creating_a_realm_answers_201_with_its_location_and_keycloak_defaults(env: Env) -> None:
    headers = await env.admin_headers()
    response = await env.http.post(REALMS, headers=headers, json={"realm": "shop", "enabled": True})
    assert response.status_code == 201, response.text
    assert response.headers["location"] == "http://localhost/admin/realms/shop"
    assert response.content == b""
    body = (await env.http.get(response.headers["location"], headers=headers)).json()
    assert body["realm"] == "shop" and body["enabled"] is True
    assert {k: body[k] for k in TIMEOUTS} == TIMEOUTS
    assert body["defaultRole"]["name"] == "default-roles-shop" and body["defaultRole"]["composite"] is True


async def test_a_created_realm_has_the_built_in_clients_scopes_and_roles(env: Env) -> None:
    headers = await env.admin_headers()
    await env.http.post(REALMS, headers=headers, json={"realm": "shop", "enabled": True})
    clients = (await env.http.get(f"{REALMS}/shop/clients", headers=headers)).json()
    assert {c["clientId"] for c in clients} >= {"account", "admin-cli", "realm-management", "broker"}
    scopes = (await env.http.get(f"{REALMS}/shop/client-scopes", headers=headers)).json()
    assert {s["name"] for s in scopes} >= {"offline_access", "profile", "email", "roles", "basic"}
    roles = (await env.http.get(f"{REALMS}/shop/roles", headers=headers)).json()
    assert {r["name"] for r in roles} == {"offline_access", "uma_authorization", "default-roles-shop"}


async def test_creating_a_realm_applies_the_given_settings(env: Env) -> None:
    headers = await env.admin_headers()
    response = await env.http.post(
        REALMS,
        headers=headers,
        json={
            "realm": "short",
            "enabled": True,
            "offlineSessionIdleTimeout": 600,
            "revokeRefreshToken": True,
            "refreshTokenMaxReuse": 1,
            "displayName": "Short lived",
            "someFutureField": {"ignored": True},
        },
    )
    assert response.status_code == 201, response.text
    body = (await env.http.get(f"{REALMS}/short", headers=headers)).json()
    assert body["offlineSessionIdleTimeout"] == 600 and body["revokeRefreshToken"] is True
    assert body["refreshTokenMaxReuse"] == 1 and body["displayName"] == "Short lived"
    assert "someFutureField" not in body


async def test_a_realm_created_without_enabled_is_disabled_as_in_keycloak(env: Env) -> None:
    headers = await env.admin_headers()
    await env.http.post(REALMS, headers=headers, json={"realm": "quiet"})
    assert (await env.http.get(f"{REALMS}/quiet", headers=headers)).json()["enabled"] is False


async def test_creating_a_realm_whose_name_is_taken_answers_409(env: Env) -> None:
    headers = await env.admin_headers()
    response = await env.http.post(REALMS, headers=headers, json={"realm": "master", "enabled": True})
    assert response.status_code == 409
    assert response.json() == {"errorMessage": "Conflict detected. See logs for details"}


async def test_creating_a_realm_without_a_name_answers_400(env: Env) -> None:
    response = await env.http.post(REALMS, headers=await env.admin_headers(), json={"enabled": True})
    assert response.status_code == 400
    assert response.json() == {"errorMessage": "Realm name cannot be empty"}


async def test_malformed_json_and_wrong_types_answer_400_not_500(env: Env) -> None:
    headers = await env.admin_headers()
    broken = await env.http.post(REALMS, headers={**headers, "Content-Type": "application/json"}, content=b"{nope")
    assert broken.status_code == 400
    assert broken.json() == {"error": "invalid_request", "error_description": "Cannot parse the JSON"}
    typed = await env.http.post(REALMS, headers=headers, json={"realm": "x", "accessTokenLifespan": "soon"})
    assert typed.status_code == 400
    assert typed.json()["error_description"] == "Cannot parse the JSON: accessTokenLifespan: expected a number"
    not_object = await env.http.post(REALMS, headers=headers, json=["realm"])
    assert not_object.status_code == 400
    assert (await env.http.get(f"{REALMS}/x", headers=headers)).status_code == 404


# --- read and list -----------------------------------------------------------------------------
async def test_an_unknown_realm_answers_404_realm_not_found(env: Env) -> None:
    headers = await env.admin_headers()
    for method in ("GET", "PUT", "DELETE"):
        response = await env.http.request(method, f"{REALMS}/nowhere", headers=headers, json={})
        assert response.status_code == 404
        assert response.json() == {"error": "Realm not found."}


async def test_listing_realms_shows_every_realm_to_the_master_admin(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    response = await env.http.get(REALMS, headers=await env.admin_headers())
    assert response.status_code == 200
    assert [r["realm"] for r in response.json()] == ["master", "test"]
    assert response.json()[1]["accessTokenLifespan"] == 300
    brief = (
        await env.http.get(REALMS, params={"briefRepresentation": "true"}, headers=await env.admin_headers())
    ).json()
    assert brief[1] == {"id": response.json()[1]["id"], "realm": "test", "enabled": True}


async def test_listing_realms_shows_a_realm_admin_only_their_own_realm(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    headers = await _realm_user(env, "boss", "realm-admin")
    response = await env.http.get(REALMS, headers=headers)
    assert response.status_code == 200
    assert [r["realm"] for r in response.json()] == ["test"]


async def test_listing_realms_shows_an_admin_without_view_realm_only_the_realm_name(env: Env) -> None:
    """RealmsAdminResource.toRealmRep: an admin of the realm who may not view it (``isAdmin``, any
    realm-management role) gets a representation holding ``realm`` alone, brief or not; Keycloak 26's source
    sets nothing else there (the fuller limited view is GET /admin/realms/{realm}'s, RealmAdminResource.getRealm)."""
    await seed_realm(env.db, env.clock, display_name="Test Realm")
    for role in ("query-users", "view-users", "manage-clients", "view-events"):
        headers = await _realm_user(env, f"limited-{role}", role)
        for params in ({}, {"briefRepresentation": "true"}):
            response = await env.http.get(REALMS, params=params, headers=headers)
            assert (response.status_code, response.json()) == (200, [{"realm": "test"}]), (role, params)


async def test_listing_realms_briefly_gives_a_viewer_keycloaks_brief_representation(env: Env) -> None:
    """ModelToRepresentation.toBriefRepresentation(RealmModel): id, realm, displayName, displayNameHtml, enabled."""
    await seed_realm(env.db, env.clock, display_name="Test Realm")
    master = await env.admin_headers()
    update = {"displayNameHtml": "<b>Test</b> Realm"}
    assert (await env.http.put(f"{REALMS}/test", json=update, headers=master)).status_code == 204
    realm_id = (await env.http.get(f"{REALMS}/test", headers=master)).json()["id"]
    expected = {"id": realm_id, "realm": "test", "displayName": "Test Realm", "enabled": True, **update}
    for headers in (master, await _realm_user(env, "viewer", "view-realm")):
        response = await env.http.get(REALMS, params={"briefRepresentation": "true"}, headers=headers)
        assert response.status_code == 200, response.text
        assert [r for r in response.json() if r["realm"] == "test"] == [expected]


async def test_listing_realms_is_forbidden_to_a_user_who_administers_nothing(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    response = await env.http.get(REALMS, headers=await _realm_user(env, "nobody"))
    assert response.status_code == 403
    assert response.json() == {"error": "HTTP 403 Forbidden"}


# --- update ------------------------------------------------------------------------------------
async def test_updating_a_realm_changes_only_the_fields_given(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    headers = await env.admin_headers()
    response = await env.http.put(
        f"{REALMS}/test",
        headers=headers,
        json={
            "offlineSessionMaxLifespanEnabled": True,
            "offlineSessionMaxLifespan": 3600,
            "ssoSessionIdleTimeout": None,
            "notBefore": 1_700_000_500,
        },
    )
    assert response.status_code == 204, response.text
    body = (await env.http.get(f"{REALMS}/test", headers=headers)).json()
    assert body["offlineSessionMaxLifespanEnabled"] is True and body["offlineSessionMaxLifespan"] == 3600
    assert body["notBefore"] == 1_700_000_500
    assert body["ssoSessionIdleTimeout"] == 1800 and body["accessTokenLifespan"] == 300 and body["enabled"] is True


async def test_a_realm_not_before_set_through_the_api_shows_in_token_responses(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    await env.http.put(f"{REALMS}/test", headers=await env.admin_headers(), json={"notBefore": 1_600_000_000})
    await seed_user(env.db, env.clock, "test", "user1")
    response = await password_grant(env.http, "test", "admin-cli", secret=None)
    assert response.json()["not-before-policy"] == 1_600_000_000


async def test_renaming_a_realm_moves_it_to_its_new_name(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    headers = await env.admin_headers()
    response = await env.http.put(f"{REALMS}/test", headers=headers, json={"realm": "renamed"})
    assert response.status_code == 204, response.text
    assert (await env.http.get(f"{REALMS}/test", headers=headers)).status_code == 404
    body = (await env.http.get(f"{REALMS}/renamed", headers=headers)).json()
    # RealmManager.renameRealm leaves the roles alone: the default role keeps its name
    assert body["realm"] == "renamed" and body["defaultRole"]["name"] == "default-roles-test"
    account = (await env.http.get(f"{REALMS}/renamed/clients", params={"clientId": "account"}, headers=headers)).json()[
        0
    ]
    assert account["redirectUris"] == ["/realms/renamed/account/*"]
    await seed_user(env.db, env.clock, "renamed", "user1")
    token = await password_grant(env.http, "renamed", "admin-cli", secret=None)
    assert token.status_code == 200, token.text


async def test_renaming_onto_a_taken_name_or_renaming_master_is_refused(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    headers = await env.admin_headers()
    taken = await env.http.put(f"{REALMS}/test", headers=headers, json={"realm": "master"})
    assert taken.status_code == 409
    assert taken.json() == {"errorMessage": "Realm with same name exists"}
    master = await env.http.put(f"{REALMS}/master", headers=headers, json={"realm": "other"})
    assert master.status_code == 400
    assert master.json() == {"errorMessage": "Can't rename master realm"}


# --- delete ------------------------------------------------------------------------------------
async def test_deleting_a_realm_removes_it_and_everything_in_it(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    await seed_user(env.db, env.clock, "test", "user1")
    assert (await password_grant(env.http, "test", "admin-cli", secret=None)).status_code == 200
    headers = await env.admin_headers()
    response = await env.http.delete(f"{REALMS}/test", headers=headers)
    assert response.status_code == 204
    assert (await env.http.get(f"{REALMS}/test", headers=headers)).status_code == 404
    assert (await password_grant(env.http, "test", "admin-cli", secret=None)).status_code == 404
    again = await env.http.post(REALMS, headers=headers, json={"realm": "test", "enabled": True})
    assert again.status_code == 201


# --- who may call ------------------------------------------------------------------------------
async def test_the_admin_api_answers_401_without_a_token_or_with_a_bad_one(env: Env) -> None:
    """AdminRoot.toOAuth2Error: no bearer credentials is the bare challenge, a token that does not parse the
    generic invalid_token."""
    failed = {"error_description": "Token verification failed"}
    for headers, described in (
        ({}, {}),
        ({"Authorization": "Bearer not-a-token"}, failed),
        ({"Authorization": "Basic YWRtaW46YWRtaW4="}, {}),
    ):
        for method, url in (("GET", REALMS), ("POST", REALMS), ("GET", f"{REALMS}/master")):
            response = await env.http.request(method, url, headers=headers, json={"realm": "x"})
            assert response.status_code == 401, (method, url, headers)
            assert response.json() == {"error": "HTTP 401 Unauthorized"} | described


async def test_an_expired_admin_token_answers_401(env: Env) -> None:
    headers = await env.admin_headers()
    env.clock.advance(61)  # the master realm's access tokens last 60 s
    assert (await env.http.get(f"{REALMS}/master", headers=headers)).status_code == 401


async def test_a_realm_user_without_management_roles_is_forbidden(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    headers = await _realm_user(env, "plain")
    for method in ("GET", "PUT", "DELETE"):
        response = await env.http.request(method, f"{REALMS}/test", headers=headers, json={})
        assert response.status_code == 403, method
        assert response.json() == {"error": "HTTP 403 Forbidden"}


async def test_view_realm_reads_but_cannot_update(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    headers = await _realm_user(env, "viewer", "view-realm")
    assert (await env.http.get(f"{REALMS}/test", headers=headers)).json()["realm"] == "test"
    response = await env.http.put(f"{REALMS}/test", headers=headers, json={"accessTokenLifespan": 10})
    assert response.status_code == 403


async def test_a_realm_admin_manages_their_own_realm_but_not_master(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    headers = await _realm_user(env, "boss", "realm-admin")
    own = await env.http.put(f"{REALMS}/test", headers=headers, json={"accessTokenLifespan": 120})
    assert own.status_code == 204, own.text
    assert (await env.http.get(f"{REALMS}/test", headers=headers)).json()["accessTokenLifespan"] == 120
    created = await env.http.post(f"{REALMS}/test/roles", headers=headers, json={"name": "editor"})
    assert created.status_code == 201
    for method, url in (
        ("GET", f"{REALMS}/master"),
        ("PUT", f"{REALMS}/master"),
        ("GET", f"{REALMS}/master/clients"),
        ("GET", f"{REALMS}/master/roles"),
        ("POST", f"{REALMS}/master/roles"),
        ("DELETE", f"{REALMS}/master"),
    ):
        response = await env.http.request(method, url, headers=headers, json={"name": "x"})
        assert response.status_code == 403, (method, url, response.text)
    assert (await env.http.post(REALMS, headers=headers, json={"realm": "mine"})).status_code == 403


async def test_only_the_master_admin_creates_realms(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    await seed_user(env.db, env.clock, "master", "operator")
    token = await password_grant(env.http, "master", "admin-cli", "operator", secret=None)
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    response = await env.http.post(REALMS, headers=headers, json={"realm": "mine", "enabled": True})
    assert response.status_code == 403
