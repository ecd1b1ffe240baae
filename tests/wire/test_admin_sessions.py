"""Admin REST for sessions, offline access, consents and logouts (KEYCLOAK.md §9.3, §8.1, §4.4)."""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import realm_admin
from doorkeep.model import Client, Consent, User
from doorkeep.sessions import service
from support import assert_error, password_grant, refresh, seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "/admin/realms/test"


async def _setup(env: Env) -> tuple[dict[str, str], Client, User]:
    await seed_realm(env.db, env.clock)
    client = await seed_client(env.db, "test", "app")
    user = await seed_user(env.db, env.clock, "test", "user1")
    return await env.admin_headers(), client, user


async def _offline_grant(env: Env, username: str = "user1", client_id: str = "app") -> dict[str, Any]:
    response = await password_grant(env.http, "test", client_id, username, scope="offline_access")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _online_grant(env: Env, username: str = "user1", client_id: str = "app") -> dict[str, Any]:
    response = await password_grant(env.http, "test", client_id, username)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _online_and_offline(env: Env, user: User, client: Client) -> str:
    """An online session and the offline session copied from it, sharing one id (as a browser login makes)."""
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        us, cs = await service.start_online(
            tx, realm, user, client, scope_param="openid offline_access", now=env.clock.now(), ip_address="10.0.0.7"
        )
        await service.create_or_update_offline(tx, realm, client, us, cs, env.clock.now())
        return us.id


async def _json(env: Env, path: str, headers: dict[str, str], **params: str) -> Any:
    response = await env.http.get(f"{REALM}{path}", params=params, headers=headers)
    assert response.status_code == 200, (path, response.status_code, response.text)
    return response.json()


# --- client sessions --------------------------------------------------------------------------------
async def test_offline_sessions_of_a_client_have_keycloak_shape_and_client_session_last_access(env: Env) -> None:
    headers, client, user = await _setup(env)
    started = env.clock.now()
    tokens = await _offline_grant(env)
    async with env.db.transaction() as tx:
        await tx.sessions.touch_client_session(tokens["session_state"], True, client.id, started + 50)
    body = await _json(env, f"/clients/{client.id}/offline-sessions", headers)
    assert body == [
        {
            "id": tokens["session_state"],
            "username": "user1",
            "userId": user.id,
            "ipAddress": "127.0.0.1",
            "start": started * 1000,
            "lastAccess": (started + 50) * 1000,
            "rememberMe": False,
            "clients": {client.id: "app"},
            "transientUser": False,
            "deviceLabel": "Other/Unknown on Other",  # Doorkeep's extra field (docs/offline-devices.md)
        }
    ]
    assert await _json(env, f"/clients/{client.id}/offline-session-count", headers) == {"count": 1}
    assert await _json(env, f"/clients/{client.id}/user-sessions", headers) == []
    assert await _json(env, f"/clients/{client.id}/session-count", headers) == {"count": 0}


async def test_online_sessions_of_a_client_are_listed_and_counted(env: Env) -> None:
    headers, client, _ = await _setup(env)
    tokens = await _online_grant(env)
    env.clock.advance(30)
    assert (await refresh(env.http, "test", "app", tokens["refresh_token"])).status_code == 200
    body = await _json(env, f"/clients/{client.id}/user-sessions", headers)
    assert [s["id"] for s in body] == [tokens["session_state"]]
    assert body[0]["lastAccess"] == env.clock.now() * 1000
    assert body[0]["start"] == (env.clock.now() - 30) * 1000
    assert await _json(env, f"/clients/{client.id}/session-count", headers) == {"count": 1}
    assert await _json(env, f"/clients/{client.id}/offline-session-count", headers) == {"count": 0}


async def test_offline_sessions_paginate_in_session_id_order_as_keycloak(env: Env) -> None:
    headers, client, _ = await _setup(env)
    ids = []
    for _ in range(3):
        ids.append((await _offline_grant(env))["session_state"])
        env.clock.advance(10)
    ids.sort()  # Keycloak's findUserSessionsByClientId: ORDER BY sess.userSessionId
    page = await _json(env, f"/clients/{client.id}/offline-sessions", headers, first="1", max="1")
    assert [s["id"] for s in page] == [ids[1]]
    rest = await _json(env, f"/clients/{client.id}/offline-sessions", headers, first="1")
    assert [s["id"] for s in rest] == ids[1:]
    assert await _json(env, f"/clients/{client.id}/offline-session-count", headers) == {"count": 3}


async def test_client_session_stats_lists_only_clients_with_sessions_as_strings(env: Env) -> None:
    headers, client, _ = await _setup(env)
    other = await seed_client(env.db, "test", "other")
    await seed_client(env.db, "test", "idle")
    await _offline_grant(env)
    await _offline_grant(env)
    await _online_grant(env, client_id="other")
    stats = await _json(env, "/client-session-stats", headers)
    assert stats == [
        {"id": client.id, "clientId": "app", "active": "0", "offline": "2"},
        {"id": other.id, "clientId": "other", "active": "1", "offline": "0"},
    ]


async def test_client_session_endpoints_of_an_unknown_client_are_a_404(env: Env) -> None:
    headers, _, _ = await _setup(env)
    for path in ("offline-sessions", "offline-session-count", "user-sessions", "session-count"):
        response = await env.http.get(f"{REALM}/clients/nope/{path}", headers=headers)
        assert response.status_code == 404 and response.json() == {"error": "Could not find client"}


# --- a user's sessions ------------------------------------------------------------------------------
async def test_user_sessions_are_online_only(env: Env) -> None:
    headers, client, user = await _setup(env)
    online = await _online_grant(env)
    await _offline_grant(env)
    body = await _json(env, f"/users/{user.id}/sessions", headers)
    assert [s["id"] for s in body] == [online["session_state"]]
    assert body[0]["clients"] == {client.id: "app"} and body[0]["username"] == "user1"


async def test_user_offline_sessions_for_a_client_hold_that_client_only(env: Env) -> None:
    headers, client, user = await _setup(env)
    other = await seed_client(env.db, "test", "other")
    tokens = await _offline_grant(env)
    env.clock.advance(20)
    assert (await refresh(env.http, "test", "app", tokens["refresh_token"])).status_code == 200
    body = await _json(env, f"/users/{user.id}/offline-sessions/{client.id}", headers)
    assert [s["id"] for s in body] == [tokens["session_state"]]
    assert body[0]["lastAccess"] == env.clock.now() * 1000
    assert await _json(env, f"/users/{user.id}/offline-sessions/{other.id}", headers) == []
    missing = await env.http.get(f"{REALM}/users/{user.id}/offline-sessions/nope", headers=headers)
    assert missing.status_code == 404 and missing.json() == {"error": "Client not found"}


# --- consents ----------------------------------------------------------------------------------------
async def test_an_offline_token_without_stored_consent_appears_as_an_offline_token_grant(env: Env) -> None:
    headers, client, user = await _setup(env)
    await _offline_grant(env)
    assert await _json(env, f"/users/{user.id}/consents", headers) == [
        {
            "clientId": "app",
            "grantedClientScopes": [],
            "createdDate": None,
            "lastUpdatedDate": None,
            "additionalGrants": [{"client": client.id, "key": "Offline Token"}],
        }
    ]


async def test_a_stored_consent_lists_scope_names_and_dates(env: Env) -> None:
    headers, client, user = await _setup(env)
    other = await seed_client(env.db, "test", "other")
    async with env.db.transaction() as tx:
        scopes = {s.name: s.id for s in await tx.scopes.list(user.realm_id)}
        for c in (client, other):
            await tx.sessions.save_consent(Consent(user.id, c.id, (scopes["profile"], scopes["email"]), 1000, 2000))
    await _offline_grant(env)
    body = await _json(env, f"/users/{user.id}/consents", headers)
    assert body == [
        {
            "clientId": "app",
            "grantedClientScopes": ["profile", "email"],
            "createdDate": 1000,
            "lastUpdatedDate": 2000,
            "additionalGrants": [{"client": client.id, "key": "Offline Token"}],
        },
        {
            "clientId": "other",
            "grantedClientScopes": ["profile", "email"],
            "createdDate": 1000,
            "lastUpdatedDate": 2000,
            "additionalGrants": [],
        },
    ]


async def test_revoking_consent_kills_the_offline_tokens_of_that_client(env: Env) -> None:
    headers, client, user = await _setup(env)
    first = await _offline_grant(env)
    second = await _offline_grant(env)
    response = await env.http.delete(f"{REALM}/users/{user.id}/consents/app", headers=headers)
    assert response.status_code == 204
    for tokens in (first, second):
        assert_error(
            await refresh(env.http, "test", "app", tokens["refresh_token"]),
            400,
            "invalid_grant",
            "Offline user session not found",
        )
    assert await _json(env, f"/users/{user.id}/consents", headers) == []
    assert await _json(env, f"/clients/{client.id}/offline-session-count", headers) == {"count": 0}


async def test_revoking_consent_keeps_other_clients_and_logs_out_the_client_online(env: Env) -> None:
    headers, _, user = await _setup(env)
    await seed_client(env.db, "test", "other")
    online = await _online_grant(env)
    kept = await _offline_grant(env, client_id="other")
    await _offline_grant(env)
    async with env.db.transaction() as tx:  # the online logout follows a removed consent, as in Keycloak
        app = await tx.clients.get_by_client_id(user.realm_id, "app")
        assert app is not None
        await tx.sessions.save_consent(Consent(user.id, app.id, (), 1000, 1000))
    assert (await env.http.delete(f"{REALM}/users/{user.id}/consents/app", headers=headers)).status_code == 204
    assert (await refresh(env.http, "test", "other", kept["refresh_token"])).status_code == 200
    assert_error(  # the online session outlives its last client (Keycloak 26's dettachClientSession)
        await refresh(env.http, "test", "app", online["refresh_token"]),
        400,
        "invalid_grant",
        "Session doesn't have required client",
    )
    assert [c["clientId"] for c in await _json(env, f"/users/{user.id}/consents", headers)] == ["other"]


async def test_revoking_a_stored_consent_without_offline_tokens_deletes_it(env: Env) -> None:
    headers, client, user = await _setup(env)
    async with env.db.transaction() as tx:
        await tx.sessions.save_consent(Consent(user.id, client.id, (), 1000, 1000))
    assert (await env.http.delete(f"{REALM}/users/{user.id}/consents/app", headers=headers)).status_code == 204
    assert await _json(env, f"/users/{user.id}/consents", headers) == []


async def test_revoking_a_missing_consent_or_an_unknown_client_is_a_404(env: Env) -> None:
    headers, _, user = await _setup(env)
    nothing = await env.http.delete(f"{REALM}/users/{user.id}/consents/app", headers=headers)
    assert nothing.status_code == 404 and nothing.json() == {"error": "Consent nor offline token not found"}
    unknown = await env.http.delete(f"{REALM}/users/{user.id}/consents/ghost", headers=headers)
    assert unknown.status_code == 404 and unknown.json() == {"error": "Client not found"}


# --- logouts -----------------------------------------------------------------------------------------
async def test_user_logout_makes_older_offline_tokens_stale_but_keeps_the_sessions(env: Env) -> None:
    headers, client, user = await _setup(env)
    offline = await _offline_grant(env)
    online = await _online_grant(env)
    env.clock.advance(5)
    assert (await env.http.post(f"{REALM}/users/{user.id}/logout", headers=headers)).status_code == 204
    assert await _json(env, f"/users/{user.id}/sessions", headers) == []
    listed = await _json(env, f"/clients/{client.id}/offline-sessions", headers)
    assert [s["id"] for s in listed] == [offline["session_state"]]
    assert_error(await refresh(env.http, "test", "app", offline["refresh_token"]), 400, "invalid_grant", "Stale token")
    assert_error(
        await refresh(env.http, "test", "app", online["refresh_token"]), 400, "invalid_grant", "Session not active"
    )
    assert (await env.http.get(f"{REALM}/users/{user.id}", headers=headers)).json()["notBefore"] == env.clock.now()
    fresh = await _offline_grant(env)
    assert (await refresh(env.http, "test", "app", fresh["refresh_token"])).status_code == 200


async def test_deleting_an_online_session_keeps_the_offline_one_with_the_same_id(env: Env) -> None:
    headers, client, user = await _setup(env)
    sid = await _online_and_offline(env, user, client)
    response = await env.http.delete(f"{REALM}/sessions/{sid}", headers=headers)
    assert response.status_code == 204
    assert await _json(env, f"/users/{user.id}/sessions", headers) == []
    assert [s["id"] for s in await _json(env, f"/clients/{client.id}/offline-sessions", headers)] == [sid]
    again = await env.http.delete(f"{REALM}/sessions/{sid}", params={"isOffline": "false"}, headers=headers)
    assert again.status_code == 404 and again.json() == {"error": "Sesssion not found"}


async def test_deleting_an_offline_session_removes_the_online_one_with_the_same_id(env: Env) -> None:
    headers, client, user = await _setup(env)
    sid = await _online_and_offline(env, user, client)
    response = await env.http.delete(f"{REALM}/sessions/{sid}", params={"isOffline": "true"}, headers=headers)
    assert response.status_code == 204
    assert await _json(env, f"/users/{user.id}/sessions", headers) == []
    assert await _json(env, f"/clients/{client.id}/offline-sessions", headers) == []
    missing = await env.http.delete(f"{REALM}/sessions/{sid}", params={"isOffline": "true"}, headers=headers)
    assert missing.status_code == 404 and missing.json() == {"error": "Sesssion not found"}


async def test_a_session_of_another_realm_cannot_be_deleted_here(env: Env) -> None:
    headers, _, _ = await _setup(env)
    await seed_realm(env.db, env.clock, "other")
    await seed_client(env.db, "other", "app")
    await seed_user(env.db, env.clock, "other", "user1")
    tokens = await password_grant(env.http, "other", "app", scope="offline_access")
    sid = tokens.json()["session_state"]
    response = await env.http.delete(f"{REALM}/sessions/{sid}", params={"isOffline": "true"}, headers=headers)
    assert response.status_code == 404


async def test_logout_all_removes_online_and_offline_sessions_and_sets_realm_not_before(env: Env) -> None:
    """Keycloak 26.1 ("Sign out all active sessions in admin console now effectively removes all sessions", PR
    #34350): the offline sessions are deleted too, not only refused through the realm's not-before."""
    headers, client, _ = await _setup(env)
    offline = await _offline_grant(env)
    online = await _online_grant(env)
    env.clock.advance(5)
    response = await env.http.post(f"{REALM}/logout-all", headers=headers)
    assert response.status_code == 200 and response.json() == {}
    assert await _json(env, f"/clients/{client.id}/session-count", headers) == {"count": 0}
    assert await _json(env, f"/clients/{client.id}/offline-session-count", headers) == {"count": 0}
    assert await _json(env, f"/clients/{client.id}/offline-sessions", headers) == []
    assert_error(await refresh(env.http, "test", "app", online["refresh_token"]), 400, "invalid_grant", "Stale token")
    assert_error(await refresh(env.http, "test", "app", offline["refresh_token"]), 400, "invalid_grant", "Stale token")
    assert (await _offline_grant(env))["not-before-policy"] == env.clock.now()


async def test_push_revocation_answers_an_empty_global_request_result(env: Env) -> None:
    headers, _, _ = await _setup(env)
    response = await env.http.post(f"{REALM}/push-revocation", headers=headers)
    assert response.status_code == 200 and response.json() == {}


# --- authentication and authorisation ------------------------------------------------------------------
async def test_session_endpoints_need_a_token(env: Env) -> None:
    _, client, user = await _setup(env)
    for method, path in [
        ("GET", f"/clients/{client.id}/offline-sessions"),
        ("GET", "/client-session-stats"),
        ("GET", f"/users/{user.id}/consents"),
        ("POST", f"/users/{user.id}/logout"),
        ("DELETE", "/sessions/x"),
        ("POST", "/logout-all"),
    ]:
        response = await env.http.request(method, f"{REALM}{path}")
        assert response.status_code == 401 and response.json() == {"error": "HTTP 401 Unauthorized"}, path


async def test_view_users_reads_sessions_but_cannot_log_out_or_see_client_sessions(env: Env) -> None:
    _, client, user = await _setup(env)
    headers = await realm_admin(env, "viewer", "view-users")
    assert (await env.http.get(f"{REALM}/users/{user.id}/sessions", headers=headers)).status_code == 200
    assert (await env.http.get(f"{REALM}/users/{user.id}/consents", headers=headers)).status_code == 200
    for method, path in [
        ("POST", f"/users/{user.id}/logout"),
        ("DELETE", f"/users/{user.id}/consents/app"),
        ("DELETE", "/sessions/x"),
        ("POST", "/logout-all"),
        ("POST", "/push-revocation"),
        ("GET", f"/clients/{client.id}/offline-sessions"),
        ("GET", "/client-session-stats"),
    ]:
        response = await env.http.request(method, f"{REALM}{path}", headers=headers)
        assert response.status_code == 403 and response.json() == {"error": "HTTP 403 Forbidden"}, path


async def test_view_clients_and_view_realm_open_client_sessions_and_stats(env: Env) -> None:
    _, client, _ = await _setup(env)
    headers = await realm_admin(env, "auditor", "view-clients", "view-realm")
    assert (await env.http.get(f"{REALM}/clients/{client.id}/offline-sessions", headers=headers)).status_code == 200
    assert (await env.http.get(f"{REALM}/client-session-stats", headers=headers)).status_code == 200


async def test_manage_users_may_log_users_out(env: Env) -> None:
    _, _, user = await _setup(env)
    headers = await realm_admin(env, "manager", "manage-users")
    assert (await env.http.post(f"{REALM}/users/{user.id}/logout", headers=headers)).status_code == 204
    assert (await env.http.post(f"{REALM}/logout-all", headers=headers)).status_code == 200
