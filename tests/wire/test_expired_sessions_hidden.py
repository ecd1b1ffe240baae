"""An expired session is gone everywhere, before the cleaner deletes its row (Keycloak's persister
loads only live sessions): admin lists and counts, consents, the account API and introspection."""

from __future__ import annotations

from typing import Any

import pytest

from doorkeep.model import ClientSession, UserSession
from support import add_audience, password_grant, seed_client, seed_realm, seed_user, token_url, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
REALM = "/admin/realms/test"
DAY = 86400


async def _setup(env: Env, **realm: Any) -> tuple[str, str, str]:
    """Realm ``test`` with clients ``app`` and ``short`` and user1; returns their uuids and the user id."""
    await seed_realm(env.db, env.clock, **realm)
    app = await seed_client(env.db, "test", "app")
    short = await seed_client(
        env.db,
        "test",
        "short",
        attributes={"client.session.max.lifespan": "600", "client.offline.session.max.lifespan": "600"},
    )
    user = await seed_user(env.db, env.clock, "test", "user1")
    return app.id, short.id, user.id


async def _grant(env: Env, client: str, scope: str | None = None) -> dict[str, Any]:
    response = await password_grant(env.http, "test", client, scope=scope)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def _get(env: Env, path: str) -> Any:
    response = await env.http.get(f"{REALM}{path}", headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    return response.json()


async def _admin_view(env: Env, app: str, short: str, user: str) -> dict[str, Any]:
    return {
        "app_online": len(await _get(env, f"/clients/{app}/user-sessions")),
        "app_online_count": (await _get(env, f"/clients/{app}/session-count"))["count"],
        "app_offline": len(await _get(env, f"/clients/{app}/offline-sessions")),
        "app_offline_count": (await _get(env, f"/clients/{app}/offline-session-count"))["count"],
        "short_online_count": (await _get(env, f"/clients/{short}/session-count"))["count"],
        "short_offline_count": (await _get(env, f"/clients/{short}/offline-session-count"))["count"],
        "stats": {s["clientId"]: (s["active"], s["offline"]) for s in await _get(env, "/client-session-stats")},
        "user_sessions": [sorted(s["clients"].values()) for s in await _get(env, f"/users/{user}/sessions")],
        "user_offline_app": len(await _get(env, f"/users/{user}/offline-sessions/{app}")),
        "consents": {
            c["clientId"]: [g["key"] for g in c["additionalGrants"]] for c in await _get(env, f"/users/{user}/consents")
        },
    }


async def test_sessions_past_the_realm_idle_are_neither_listed_nor_counted(env: Env) -> None:
    app, short, user = await _setup(env, sso_session_idle_timeout=1000, offline_session_idle_timeout=5000)
    await _grant(env, "app", "offline_access")  # the password grant keeps only the offline session
    await _grant(env, "app")
    view = await _admin_view(env, app, short, user)
    assert view["app_online_count"] == view["app_offline_count"] == 1
    assert view["consents"] == {"app": ["Offline Token"]}
    env.clock.advance(1000)  # the online session is idle; the offline one lives on
    view = await _admin_view(env, app, short, user)
    assert (view["app_online"], view["app_online_count"], view["user_sessions"]) == (0, 0, [])
    assert (view["app_offline"], view["app_offline_count"], view["user_offline_app"]) == (1, 1, 1)
    assert view["stats"] == {"app": ("0", "1")}
    env.clock.advance(4000)  # now the offline one is idle too
    view = await _admin_view(env, app, short, user)
    assert (view["app_offline"], view["app_offline_count"], view["user_offline_app"]) == (0, 0, 0)
    assert view["stats"] == {} and view["consents"] == {}


async def test_offline_max_hides_sessions_only_when_the_realm_limits_it(env: Env) -> None:
    app, _short, user = await _setup(env, offline_session_idle_timeout=30 * DAY, offline_session_max_lifespan=DAY)
    tokens = await _grant(env, "app", "offline_access")
    env.clock.advance(DAY + 1)
    form = {
        "grant_type": "refresh_token",
        "client_id": "app",
        "client_secret": "secret",
        "refresh_token": tokens["refresh_token"],
    }
    assert (await env.http.post(token_url("test"), data=form)).status_code == 200  # not limited: still live
    assert (await _get(env, f"/clients/{app}/offline-session-count"))["count"] == 1
    await update_realm(env.db, "test", offline_session_max_lifespan_enabled=True)
    assert (await _get(env, f"/clients/{app}/offline-session-count"))["count"] == 0
    assert await _get(env, f"/users/{user}/offline-sessions/{app}") == []
    assert await _get(env, f"/users/{user}/consents") == []


async def test_client_level_max_ends_only_that_client_session(env: Env) -> None:
    app, short, user = await _setup(env)
    for client in ("short", "app"):
        await _grant(env, client, "offline_access")
        await _grant(env, client)
    view = await _admin_view(env, app, short, user)
    assert view["short_online_count"] == view["short_offline_count"] == 1
    env.clock.advance(600)
    view = await _admin_view(env, app, short, user)
    assert view["short_online_count"] == view["short_offline_count"] == 0
    assert view["app_online_count"] == view["app_offline_count"] == 1
    assert view["stats"] == {"app": ("1", "1")}
    assert view["consents"] == {"app": ["Offline Token"]}


async def test_client_level_max_inside_one_user_session_leaves_the_other_clients(env: Env) -> None:
    app, short, user = await _setup(env)
    async with env.db.transaction() as tx:
        # One browser session holding both clients, as an SSO login would leave it.
        test = await tx.realms.get_by_name("test")
        assert test is not None
        now = env.clock.now()
        await tx.sessions.create_user_session(
            UserSession(
                id="sso-1",
                realm_id=test.id,
                user_id=user,
                offline=False,
                login_username="user1",
                ip_address="127.0.0.1",
                auth_method="openid-connect",
                remember_me=False,
                started=now,
                last_session_refresh=now,
                broker_session_id=None,
                notes={},
            )
        )
        for cid in (app, short):
            await tx.sessions.create_client_session(ClientSession("sso-1", False, cid, now, now, None, {}))
    env.clock.advance(601)
    async with env.db.transaction() as tx:
        await tx.sessions.touch_user_session("sso-1", False, env.clock.now())
        await tx.sessions.touch_client_session("sso-1", False, app, env.clock.now())
    sessions = await _get(env, f"/users/{user}/sessions")
    assert [sorted(s["clients"].values()) for s in sessions] == [["app"]]


async def test_account_api_shows_neither_expired_sessions_nor_expired_applications(env: Env) -> None:
    await _setup(env, sso_session_idle_timeout=1000, sso_session_max_lifespan=100_000)
    await _grant(env, "app")
    env.clock.advance(1000)
    mine = await _grant(env, "short")
    headers = {"Authorization": f"Bearer {mine['access_token']}"}
    sessions = (await env.http.get("/realms/test/account/sessions", headers=headers)).json()
    assert [sorted(c["clientId"] for c in s["clients"]) for s in sessions] == [["short"]]
    apps = (await env.http.get("/realms/test/account/applications", headers=headers)).json()
    assert {a["clientId"] for a in apps if a.get("inUse")} == {"short"}


async def test_introspection_of_an_access_token_from_an_expired_session_is_inactive(env: Env) -> None:
    await _setup(env, sso_session_idle_timeout=100, access_token_lifespan=3600)
    await add_audience(env.db, "test", "app")  # app introspects its own token (Keycloak 26.6.2's audience check)
    tokens = await _grant(env, "app")
    form = {"client_id": "app", "client_secret": "secret", "token": tokens["access_token"]}
    url = token_url("test", "token/introspect")
    assert (await env.http.post(url, data=form)).json()["active"] is True
    env.clock.advance(100)
    assert (await env.http.post(url, data=form)).json() == {"active": False}


async def test_revoking_an_offline_grant_whose_session_expired_finds_nothing(env: Env) -> None:
    await _setup(env, offline_session_idle_timeout=1000)
    await _grant(env, "app", "offline_access")
    env.clock.advance(1000)
    response = await env.http.delete(
        f"{REALM}/users/{await _user_id(env)}/consents/app", headers=await env.admin_headers()
    )
    assert response.status_code == 404, response.text
    assert response.json() == {"error": "Consent nor offline token not found"}


async def _user_id(env: Env) -> str:
    users = await _get(env, "/users?username=user1&exact=true")
    return str(users[0]["id"])


@pytest.mark.parametrize("offline", [True, False])
async def test_deleting_a_session_that_expired_is_not_found(env: Env, offline: bool) -> None:
    """RealmAdminResource.deleteSession looks the session up as every read does (the persister loads only
    sessions within their idle time): one that expired, though its row is still stored, is "Sesssion not found"."""
    await _setup(env, sso_session_idle_timeout=1000, offline_session_idle_timeout=1000)
    tokens = await _grant(env, "app", "offline_access" if offline else None)
    env.clock.advance(1000)
    response = await env.http.delete(
        f"{REALM}/sessions/{tokens['session_state']}",
        params={"isOffline": str(offline).lower()},
        headers=await env.admin_headers(),
    )
    assert response.status_code == 404, response.text
    assert response.json() == {"error": "Sesssion not found"}
