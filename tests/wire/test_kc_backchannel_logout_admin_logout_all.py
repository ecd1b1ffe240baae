"""Keycloak's BackchannelLogoutAdminLogoutAllTest (testsuite/.../oauth/, keycloak#22914), one test per method: when
an administrator logs a user out of every session, a client the user has one session with gets that session's
logout token with ``sid``; a client the user has several sessions with gets one token without ``sid`` (so it ends
every session of the user) and no other. A logout by the user keeps its ``sid``."""

from __future__ import annotations

from typing import Any

import pytest

from browser_flow import REDIRECT, exchange, login
from receiver import Receiver, receiver
from support import claims, seed_client, seed_realm, seed_user, token_url, update_client
from wire_env import Env

pytestmark = pytest.mark.anyio
BC = "backchannel.logout.url"
SESSION_REQUIRED = "backchannel.logout.session.required"
USERS = "/admin/realms/test/users"


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    await seed_client(env.db, "test", "other", redirect_uris=("http://127.0.0.1:9999/*",))
    await seed_user(env.db, env.clock, "test", "user1")
    return env


async def _login(env: Env, client_id: str = "app") -> dict[str, Any]:
    """A browser login and its code exchanged (``loginUser``), in a fresh browser: a session of its own."""
    env.http.cookies.clear()
    code = (await login(env.http, "test", client_id))["code"]
    response = await exchange(env.http, "test", client_id, code)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def _password_grant(env: Env) -> dict[str, Any]:
    data = {"grant_type": "password", "client_id": "app", "client_secret": "secret"}
    response = await env.http.post(token_url("test"), data=data | {"username": "user1", "password": "password"})
    assert response.status_code == 200, response.text
    return dict(response.json())


async def _admin_logout(env: Env, user_id: str) -> None:
    response = await env.http.post(f"{USERS}/{user_id}/logout", headers=await env.admin_headers())
    assert response.status_code == 204, response.text


def _tokens(got: Receiver, path: str = "/app") -> list[dict[str, Any]]:
    from urllib.parse import parse_qs

    import jwt

    return [
        dict(jwt.decode(parse_qs(r.body)["logout_token"][0], options={"verify_signature": False}))
        for r in got.requests
        if r.path == path
    ]


async def test_admin_logout_all_sessions_single_session_logout_token_has_sid(realm: Env) -> None:
    """BackchannelLogoutAdminLogoutAllTest#adminLogoutAllSessions_singleSession_logoutTokenHasSid."""
    with receiver() as got:
        await update_client(realm.db, "test", "app", attributes={BC: f"{got.url}/app", SESSION_REQUIRED: "true"})
        body = await _login(realm)
        await _admin_logout(realm, claims(body["access_token"])["sub"])
        await got.wait_for(1)
        await realm.drain()
    [token] = _tokens(got)
    assert token["sub"] and token["sid"] == body["session_state"]


async def test_admin_logout_all_sessions_multiple_sessions_logout_token_has_no_sid(realm: Env) -> None:
    """BackchannelLogoutAdminLogoutAllTest#adminLogoutAllSessions_multipleSessions_logoutTokenHasNoSid: one token,
    without ``sid``, for the two sessions; a client of one session only still gets that session's ``sid``."""
    with receiver() as got:
        await update_client(realm.db, "test", "app", attributes={BC: f"{got.url}/app", SESSION_REQUIRED: "true"})
        await update_client(realm.db, "test", "other", attributes={BC: f"{got.url}/other", SESSION_REQUIRED: "true"})
        first = await _login(realm)
        await _password_grant(realm)  # a second session of the user
        only = await _login(realm, "other")
        user_id = claims(first["access_token"])["sub"]
        sessions = await realm.http.get(f"{USERS}/{user_id}/sessions", headers=await realm.admin_headers())
        assert len(sessions.json()) == 3
        await _admin_logout(realm, user_id)
        await got.wait_for(2)
        await realm.drain()
    [token] = _tokens(got)  # exactly once for app, not once per session
    assert token["sub"] == claims(first["access_token"])["sub"] and "sid" not in token
    [other] = _tokens(got, "/other")
    assert other["sid"] == only["session_state"]


async def test_user_initiated_logout_single_session_logout_token_has_sid(realm: Env) -> None:
    """BackchannelLogoutAdminLogoutAllTest#userInitiatedLogout_singleSession_logoutTokenHasSid."""
    with receiver() as got:
        await update_client(
            realm.db,
            "test",
            "app",
            attributes={BC: f"{got.url}/app", SESSION_REQUIRED: "true", "post.logout.redirect.uris": "+"},
        )
        body = await _login(realm)
        await _password_grant(realm)  # another session of the user: a logout by the user ends its own only
        response = await realm.http.get(
            token_url("test", "logout"),
            params={"id_token_hint": body["id_token"], "post_logout_redirect_uri": REDIRECT},
        )
        assert response.status_code == 302
        await got.wait_for(1)
        await realm.drain()
    [token] = _tokens(got)
    assert token["sub"] and token["sid"] == body["session_state"]
