"""Account REST: applications, consents, sessions and devices under /realms/{realm}/account (KEYCLOAK.md §10)."""

from __future__ import annotations

from typing import Any

import pytest

from doorkeep.model import Client, ClientScope, User
from doorkeep.sessions import service
from support import (
    assert_error,
    claims,
    password_grant,
    refresh,
    seed_client,
    seed_realm,
    seed_user,
    update_client,
)
from wire_env import Env

pytestmark = pytest.mark.anyio

ACCOUNT = "/realms/test/account"
UNAUTHORIZED = {"error": "HTTP 401 Unauthorized"}
FORBIDDEN = {"error": "HTTP 403 Forbidden"}
APP_ONLINE = {"clientId": "app", "userConsentRequired": False, "inUse": True, "offlineAccess": False}
APP_OFFLINE = {"clientId": "app", "userConsentRequired": False, "inUse": False, "offlineAccess": True}


async def _setup(env: Env) -> tuple[Client, User]:
    await seed_realm(env.db, env.clock)
    client = await seed_client(env.db, "test", "app")
    await seed_client(env.db, "test", "portal")
    user = await seed_user(env.db, env.clock, "test", "user1")
    return client, user


async def _grant(env: Env, client_id: str = "app", username: str = "user1", *, offline: bool = False) -> dict[str, Any]:
    response = await password_grant(env.http, "test", client_id, username, scope="offline_access" if offline else None)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _bearer(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


async def _get(env: Env, path: str, tokens: dict[str, Any], **params: str) -> Any:
    response = await env.http.get(f"{ACCOUNT}{path}", params=params, headers=_bearer(tokens))
    assert response.status_code == 200, (path, response.status_code, response.text)
    return response.json()


async def _grant_client_roles(env: Env, user: User, *names: str) -> None:
    async with env.db.transaction() as tx:
        account = await tx.clients.get_by_client_id(user.realm_id, "account")
        assert account is not None
        for name in names:
            role = await tx.roles.get_client_role(account.id, name)
            assert role is not None, name
            await tx.users.grant_roles(user.id, [role.id])


# --- authentication and roles ------------------------------------------------------------------
async def test_access_tokens_of_users_with_default_roles_carry_the_account_audience(env: Env) -> None:
    await _setup(env)
    tokens = await _grant(env)
    assert "account" in claims(tokens["access_token"])["aud"]


async def test_requests_without_a_valid_bearer_token_are_refused_with_401(env: Env) -> None:
    await _setup(env)
    json = {"Accept": "application/json"}  # without it, and without a token, the URL is the console's
    assert (await env.http.get(f"{ACCOUNT}/applications", headers=json)).status_code == 401
    garbage = await env.http.get(f"{ACCOUNT}/sessions", headers={"Authorization": "Bearer not.a.token"})
    assert (garbage.status_code, garbage.json()) == (401, UNAUTHORIZED)


async def test_a_token_of_another_realm_is_refused_with_401(env: Env) -> None:
    await _setup(env)
    response = await env.http.get(f"{ACCOUNT}/applications", headers=await env.admin_headers())
    assert (response.status_code, response.json()) == (401, UNAUTHORIZED)


async def test_a_token_whose_session_was_logged_out_is_refused_with_401(env: Env) -> None:
    await _setup(env)
    tokens = await _grant(env)
    assert (
        await env.http.delete(f"{ACCOUNT}/sessions", params={"current": "true"}, headers=_bearer(tokens))
    ).status_code == 204
    response = await env.http.get(f"{ACCOUNT}/sessions", headers=_bearer(tokens))
    assert (response.status_code, response.json()) == (401, UNAUTHORIZED)


async def test_a_user_without_account_roles_lacks_the_account_audience_and_gets_401(env: Env) -> None:
    await _setup(env)
    await seed_user(env.db, env.clock, "test", "bare", default_roles=False, realm_roles=("offline_access",))
    tokens = await _grant(env, username="bare")
    assert "account" not in str(claims(tokens["access_token"]).get("aud"))
    response = await env.http.get(f"{ACCOUNT}/applications", headers=_bearer(tokens))
    assert (response.status_code, response.json()) == (401, UNAUTHORIZED)


async def test_a_user_with_only_view_profile_may_read_the_profile_but_gets_403_elsewhere(env: Env) -> None:
    await _setup(env)
    viewer = await seed_user(env.db, env.clock, "test", "viewer", default_roles=False)
    await _grant_client_roles(env, viewer, "view-profile")
    headers = _bearer(await _grant(env, username="viewer"))
    assert (await env.http.get(ACCOUNT, headers=headers)).status_code == 200
    assert (await env.http.get(f"{ACCOUNT}/sessions", headers=headers)).status_code == 200
    for method, path in (
        ("GET", "/applications"),
        ("GET", "/applications/app/consent"),
        ("DELETE", "/applications/app/consent"),
        ("DELETE", "/sessions"),
        ("DELETE", "/sessions/some-id"),
        ("POST", ""),
    ):
        response = await env.http.request(method, f"{ACCOUNT}{path}", headers=headers, json={})
        assert (response.status_code, response.json()) == (403, FORBIDDEN), (method, path)


async def test_view_applications_and_manage_consent_roles_open_their_endpoints(env: Env) -> None:
    await _setup(env)
    limited = await seed_user(env.db, env.clock, "test", "limited", default_roles=False)
    await _grant_client_roles(env, limited, "view-applications", "manage-consent")
    tokens = await _grant(env, username="limited")
    assert [a["clientId"] for a in await _get(env, "/applications", tokens)] == ["app"]
    assert (await env.http.get(f"{ACCOUNT}/applications/app/consent", headers=_bearer(tokens))).status_code == 204
    assert (await env.http.get(f"{ACCOUNT}/sessions", headers=_bearer(tokens))).status_code == 403


async def test_an_unknown_realm_is_404(env: Env) -> None:
    await _setup(env)
    response = await env.http.get("/realms/nope/account/applications", headers=_bearer(await _grant(env)))
    assert (response.status_code, response.json()) == (404, {"error": "Realm does not exist"})


# --- the profile -------------------------------------------------------------------------------
MINE = {"username": "user1", "firstName": "User1", "lastName": "Tester", "email": "user1@example.com"}


async def test_the_profile_shows_the_user_and_an_update_changes_the_given_fields(env: Env) -> None:
    _, user = await _setup(env)
    tokens = await _grant(env)
    assert await _get(env, "", tokens, userProfileMetadata="false") == {
        "id": user.id,
        "username": "user1",
        "firstName": "User1",
        "lastName": "Tester",
        "email": "user1@example.com",
        "emailVerified": False,
    }
    response = await env.http.post(ACCOUNT, headers=_bearer(tokens), json={**MINE, "firstName": "Ada"})
    assert response.status_code == 204, response.text
    assert (await _get(env, "", tokens))["firstName"] == "Ada"
    assert (await _get(env, "", tokens))["lastName"] == "Tester"


async def test_taking_another_users_email_is_a_409(env: Env) -> None:
    await _setup(env)
    await seed_user(env.db, env.clock, "test", "user2")
    body = {**MINE, "email": "user2@example.com"}
    response = await env.http.post(ACCOUNT, headers=_bearer(await _grant(env)), json=body)
    assert response.status_code == 409
    assert response.json()["errorMessage"] == "emailExistsMessage"
    assert response.json()["params"] == ["${email}"]


async def test_taking_an_email_two_other_users_already_share_is_a_409(env: Env) -> None:
    """Two holders stored while duplicates were allowed must not let a third user join them."""
    await _setup(env)
    await seed_user(env.db, env.clock, "test", "user2", email="shared@example.com")
    await seed_user(env.db, env.clock, "test", "user3", email="shared@example.com")
    body = {**MINE, "email": "shared@example.com"}
    response = await env.http.post(ACCOUNT, headers=_bearer(await _grant(env)), json=body)
    assert response.status_code == 409
    assert response.json()["errorMessage"] == "emailExistsMessage"


# --- applications ------------------------------------------------------------------------------
async def test_an_online_login_shows_the_application_in_use(env: Env) -> None:
    await _setup(env)
    tokens = await _grant(env)
    assert await _get(env, "/applications", tokens) == [APP_ONLINE]


async def test_an_offline_login_shows_the_application_with_offline_access(env: Env) -> None:
    await _setup(env)
    tokens = await _grant(env, offline=True)
    assert await _get(env, "/applications", tokens) == [APP_OFFLINE]


async def test_applications_list_always_displayed_clients_but_never_bearer_only_ones(env: Env) -> None:
    await _setup(env)
    await seed_client(
        env.db,
        "test",
        "shown",
        name="Shown App",
        always_display_in_console=True,
        root_url="https://shown.example",
        base_url="/home",
    )
    await seed_client(env.db, "test", "api", bearer_only=True, always_display_in_console=True)
    tokens = await _grant(env)
    shown = {
        "clientId": "shown",
        "clientName": "Shown App",
        "userConsentRequired": False,
        "inUse": False,
        "offlineAccess": False,
        "rootUrl": "https://shown.example",
        "baseUrl": "/home",
        "effectiveUrl": "https://shown.example/home",
    }
    assert await _get(env, "/applications", tokens) == [APP_ONLINE, shown]
    assert await _get(env, "/applications", tokens, name="SHOWN") == [shown]
    assert await _get(env, "/applications", tokens, name="nothing") == []


# --- consents ----------------------------------------------------------------------------------
async def _scope_ids(env: Env, *names: str) -> list[str]:
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        found = []
        for name in names:
            scope = await tx.scopes.get_by_name(realm.id, name)
            assert scope is not None, name
            found.append(scope.id)
        return found


async def test_consent_is_204_when_absent_and_404_for_an_unknown_client(env: Env) -> None:
    await _setup(env)
    headers = _bearer(await _grant(env))
    assert (await env.http.get(f"{ACCOUNT}/applications/app/consent", headers=headers)).status_code == 204
    for method in ("GET", "POST", "PUT", "DELETE"):
        response = await env.http.request(
            method, f"{ACCOUNT}/applications/nope/consent", headers=headers, json={"grantedScopes": []}
        )
        assert (response.status_code, response.json()) == (
            404,
            {"errorMessage": "No client with clientId: nope found."},
        )


async def test_consent_upsert_creates_then_replaces_the_granted_scopes(env: Env) -> None:
    await _setup(env)
    headers = _bearer(await _grant(env))
    profile_id, email_id = await _scope_ids(env, "profile", "email")
    created = await env.http.post(
        f"{ACCOUNT}/applications/app/consent", headers=headers, json={"grantedScopes": [{"id": profile_id}]}
    )
    assert created.status_code == 200, created.text
    first = env.clock.now() * 1000
    assert created.json()["createdDate"] == created.json()["lastUpdatedDate"] == first
    [scope] = created.json()["grantedScopes"]
    assert scope == {
        "id": profile_id,
        "name": "${profileScopeConsentText}",
        "displayText": "User profile",
        "displayTest": "User profile",
    }
    env.clock.advance(60)
    updated = await env.http.put(
        f"{ACCOUNT}/applications/app/consent", headers=headers, json={"grantedScopes": [{"name": "email"}]}
    )
    assert updated.status_code == 200, updated.text
    assert [s["id"] for s in updated.json()["grantedScopes"]] == [email_id]
    assert (updated.json()["createdDate"], updated.json()["lastUpdatedDate"]) == (first, first + 60_000)
    stored = await env.http.get(f"{ACCOUNT}/applications/app/consent", headers=headers)
    assert stored.json() == updated.json()


async def test_consent_scopes_are_named_by_their_consent_screen_text(env: Env) -> None:
    """Keycloak 26's AccountRestService (issue #13109): ``name`` is the raw consent-screen text, falling
    back to the scope's name, or for a consent-required client to its name and then its clientId."""
    await _setup(env)
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        await tx.scopes.create(ClientScope("plain-id", realm.id, "plain", attributes={"consent.screen.text": " "}))
        await tx.scopes.create(ClientScope("own-id", realm.id, "own", attributes={"consent.screen.text": "Own text"}))
    await seed_client(env.db, "test", "shop", consent_required=True)
    headers = _bearer(await _grant(env))
    [address_id] = await _scope_ids(env, "address")
    granted = [{"id": i} for i in (address_id, "plain-id", "own-id")]
    created = await env.http.post(
        f"{ACCOUNT}/applications/app/consent", headers=headers, json={"grantedScopes": granted}
    )
    expected = [
        {"id": address_id, "name": "${addressScopeConsentText}", "displayText": "Address", "displayTest": "Address"},
        {"id": "plain-id", "name": "plain", "displayText": "plain", "displayTest": "plain"},
        {"id": "own-id", "name": "Own text", "displayText": "Own text", "displayTest": "Own text"},
    ]
    assert (created.status_code, created.json()["grantedScopes"]) == (200, expected)
    updated = await env.http.put(
        f"{ACCOUNT}/applications/app/consent", headers=headers, json={"grantedScopes": granted}
    )
    assert updated.json()["grantedScopes"] == expected
    stored = await env.http.get(f"{ACCOUNT}/applications/app/consent", headers=headers)
    assert stored.json()["grantedScopes"] == expected
    apps = {a["clientId"]: a for a in await _get(env, "/applications", await _grant(env))}
    assert apps["app"]["consent"]["grantedScopes"] == expected
    shop = await seed_client_uuid(env, "shop")
    for name, display in ((None, "shop"), ("Shop & Co", "Shop & Co")):
        await update_client(env.db, "test", "shop", name=name)
        response = await env.http.post(
            f"{ACCOUNT}/applications/shop/consent", headers=headers, json={"grantedScopes": [{"id": shop}]}
        )
        assert response.json()["grantedScopes"] == [
            {"id": shop, "name": display, "displayText": display, "displayTest": display}
        ]


async def seed_client_uuid(env: Env, client_id: str) -> str:
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        client = await tx.clients.get_by_client_id(realm.id, client_id)
        assert client is not None
        return client.id


async def test_consent_with_an_unknown_scope_is_a_400(env: Env) -> None:
    await _setup(env)
    response = await env.http.post(
        f"{ACCOUNT}/applications/app/consent",
        headers=_bearer(await _grant(env)),
        json={"grantedScopes": [{"id": "no-such-scope"}]},
    )
    assert (response.status_code, response.json()) == (
        400,
        {"errorMessage": "Scope id no-such-scope does not exist for client app."},
    )


async def test_an_application_with_consent_shows_the_consent_and_its_links(env: Env) -> None:
    await _setup(env)
    await seed_client(env.db, "test", "shop", attributes={"logoUri": "https://shop.example/logo.png"})
    headers = _bearer(await _grant(env))
    [email_id] = await _scope_ids(env, "email")
    await env.http.post(
        f"{ACCOUNT}/applications/shop/consent", headers=headers, json={"grantedScopes": [{"id": email_id}]}
    )
    apps = await env.http.get(f"{ACCOUNT}/applications", headers=headers)
    shop = next(a for a in apps.json() if a["clientId"] == "shop")
    assert shop["inUse"] is False and shop["offlineAccess"] is False
    assert shop["logoUri"] == "https://shop.example/logo.png"
    assert [s["name"] for s in shop["consent"]["grantedScopes"]] == ["${emailScopeConsentText}"]


async def test_revoking_an_application_kills_its_offline_tokens_and_removes_it_from_the_list(env: Env) -> None:
    await _setup(env)
    offline = await _grant(env, offline=True)
    caller = await _grant(env, "portal")
    assert [a["clientId"] for a in await _get(env, "/applications", caller)] == ["app", "portal"]
    response = await env.http.delete(f"{ACCOUNT}/applications/app/consent", headers=_bearer(caller))
    assert response.status_code == 204
    assert_error(await refresh(env.http, "test", "app", offline["refresh_token"]), 400, "invalid_grant")
    assert [a["clientId"] for a in await _get(env, "/applications", caller)] == ["portal"]


async def test_revoking_a_consent_also_logs_the_application_out_online(env: Env) -> None:
    await _setup(env)
    online = await _grant(env)
    caller = await _grant(env, "portal")
    await env.http.post(f"{ACCOUNT}/applications/app/consent", headers=_bearer(caller), json={"grantedScopes": []})
    assert (await env.http.delete(f"{ACCOUNT}/applications/app/consent", headers=_bearer(caller))).status_code == 204
    assert (await env.http.get(f"{ACCOUNT}/applications/app/consent", headers=_bearer(caller))).status_code == 204
    assert_error(await refresh(env.http, "test", "app", online["refresh_token"]), 400, "invalid_grant")


async def test_revoking_an_application_without_consent_keeps_its_online_sessions(env: Env) -> None:
    """Keycloak logs the client out online only when a consent was removed (revokeConsentToClient)."""
    await _setup(env)
    online = await _grant(env)
    offline = await _grant(env, offline=True)
    caller = await _grant(env, "portal")
    assert (await env.http.delete(f"{ACCOUNT}/applications/app/consent", headers=_bearer(caller))).status_code == 204
    assert_error(await refresh(env.http, "test", "app", offline["refresh_token"]), 400, "invalid_grant")
    assert (await refresh(env.http, "test", "app", online["refresh_token"])).status_code == 200


# --- sessions and devices ----------------------------------------------------------------------
async def test_sessions_lists_online_sessions_only_with_times_in_seconds(env: Env) -> None:
    await _setup(env)
    offline = await _grant(env, offline=True)
    env.clock.advance(10)
    tokens = await _grant(env)
    now = env.clock.now()
    sid = claims(tokens["access_token"])["sid"]
    assert await _get(env, "/sessions", tokens) == [
        {
            "id": sid,
            "ipAddress": "127.0.0.1",
            "started": now,
            "lastAccess": now,
            "expires": now + 36000,
            "clients": [{"clientId": "app", "userConsentRequired": False, "inUse": False, "offlineAccess": False}],
            "browser": "Other/Unknown",
            "current": True,
        }
    ]
    assert claims(offline["access_token"])["sid"] != sid


async def test_the_current_flag_marks_only_the_calling_session(env: Env) -> None:
    await _setup(env)
    other = await _grant(env)
    tokens = await _grant(env, "portal")
    listed = {s["id"]: s.get("current") for s in await _get(env, "/sessions", tokens)}
    assert listed == {claims(other["access_token"])["sid"]: None, claims(tokens["access_token"])["sid"]: True}


async def test_expires_uses_the_remember_me_maximum_for_remember_me_sessions(env: Env) -> None:
    await seed_realm(env.db, env.clock, remember_me=True, sso_session_max_lifespan_remember_me=72000)
    await seed_client(env.db, "test", "app")
    user = await seed_user(env.db, env.clock, "test", "user1")
    tokens = await _grant(env)
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        app = await tx.clients.get_by_client_id(user.realm_id, "app")
        assert realm is not None and app is not None
        remembered, _ = await service.start_online(
            tx, realm, user, app, scope_param="openid", now=env.clock.now(), ip_address="10.0.0.9", remember_me=True
        )
    by_id = {s["id"]: s for s in await _get(env, "/sessions", tokens)}
    assert by_id[remembered.id]["expires"] == env.clock.now() + 72000
    assert by_id[remembered.id]["ipAddress"] == "10.0.0.9"


async def test_devices_group_the_online_and_offline_sessions(env: Env) -> None:
    """Keycloak 26.5+ (PR #45112) lists the offline sessions among the devices."""
    await _setup(env)
    offline = await _grant(env, offline=True)
    first = await _grant(env)
    env.clock.advance(5)
    tokens = await _grant(env, "portal")
    [device] = await _get(env, "/sessions/devices", tokens)
    assert {k: v for k, v in device.items() if k != "sessions"} == {
        "os": "Other",
        "osVersion": "Unknown",
        "device": "Other",
        "lastAccess": env.clock.now(),
        "mobile": False,
        "current": True,
    }
    assert {s["id"] for s in device["sessions"]} == {
        offline["session_state"],
        claims(first["access_token"])["sid"],
        claims(tokens["access_token"])["sid"],
    }


async def test_logging_out_other_sessions_keeps_only_the_current_one(env: Env) -> None:
    """Offline sessions end too since Keycloak 26.5 (PR #45112); the revocation-trigger policy
    ``account-logout`` can keep them (test_revocation_trigger_sessions.py)."""
    await _setup(env)
    offline = await _grant(env, offline=True)
    other = await _grant(env)
    tokens = await _grant(env, "portal")
    assert (await env.http.delete(f"{ACCOUNT}/sessions", headers=_bearer(tokens))).status_code == 204
    assert [s["id"] for s in await _get(env, "/sessions", tokens)] == [claims(tokens["access_token"])["sid"]]
    assert_error(await refresh(env.http, "test", "app", other["refresh_token"]), 400, "invalid_grant")
    assert (await refresh(env.http, "test", "app", offline["refresh_token"])).status_code == 400


async def test_logging_out_with_current_true_ends_every_online_and_offline_session(env: Env) -> None:
    await _setup(env)
    offline = await _grant(env, offline=True)
    tokens = await _grant(env, "portal")
    response = await env.http.delete(f"{ACCOUNT}/sessions", params={"current": "true"}, headers=_bearer(tokens))
    assert response.status_code == 204
    assert_error(await refresh(env.http, "test", "portal", tokens["refresh_token"]), 400, "invalid_grant")
    assert_error(await refresh(env.http, "test", "app", offline["refresh_token"]), 400, "invalid_grant")
    assert await _get(env, "/applications", await _grant(env, "portal")) == [
        {"clientId": "portal", "userConsentRequired": False, "inUse": True, "offlineAccess": False},
    ]


async def test_deleting_one_session_ends_only_the_callers_own(env: Env) -> None:
    await _setup(env)
    await seed_user(env.db, env.clock, "test", "user2")
    mine = await _grant(env)
    theirs = await _grant(env, username="user2")
    tokens = await _grant(env, "portal")
    mine_sid, their_sid = claims(mine["access_token"])["sid"], claims(theirs["access_token"])["sid"]
    assert (await env.http.delete(f"{ACCOUNT}/sessions/{their_sid}", headers=_bearer(tokens))).status_code == 204
    assert (await refresh(env.http, "test", "app", theirs["refresh_token"])).status_code == 200
    assert (await env.http.delete(f"{ACCOUNT}/sessions/{mine_sid}", headers=_bearer(tokens))).status_code == 204
    assert_error(await refresh(env.http, "test", "app", mine["refresh_token"]), 400, "invalid_grant")
    assert (await env.http.delete(f"{ACCOUNT}/sessions/no-such-session", headers=_bearer(tokens))).status_code == 204


async def test_sessions_show_the_browser_the_session_was_started_from(realm: Env) -> None:
    firefox = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0"
    response = await realm.http.post(
        "/realms/test/protocol/openid-connect/token",
        headers={"User-Agent": firefox},
        data={
            "grant_type": "password",
            "client_id": "app",
            "client_secret": "secret",
            "username": "user1",
            "password": "password",
        },
    )
    tokens = response.json()
    sessions = await _get(realm, "/sessions", tokens)
    assert [s["browser"] for s in sessions] == ["Firefox/121.0"]
    devices = await _get(realm, "/sessions/devices", tokens)
    assert devices[0]["os"] == "Windows" and devices[0]["osVersion"] == "10"  # uap-core: Windows NT 10.0 is "10"
