"""Bearer access tokens go through the session steps of Keycloak's validateToken (sessions/resume.py),
read only: an expired session refuses the token at userinfo, the account API and introspection, and
stays in the database for the refresh (or the cleaner) to remove."""

from __future__ import annotations

from typing import Any

import pytest

from support import add_audience, password_grant, seed_client, seed_realm, seed_user, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio


async def _grant(env: Env, scope: str = "openid", **realm: Any) -> dict[str, Any]:
    await seed_realm(env.db, env.clock, access_token_lifespan=36000, **realm)
    await seed_client(env.db, "test", "app", attributes={"client.session.idle.timeout": "500"})
    await add_audience(env.db, "test", "app")  # app introspects its own tokens (Keycloak 26.6.2's audience check)
    await seed_user(env.db, env.clock, "test", "user1")
    response = await password_grant(env.http, "test", "app", scope=scope)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def _answers(env: Env, access_token: str) -> tuple[int, int, bool]:
    headers = {"Authorization": f"Bearer {access_token}"}
    userinfo = await env.http.get(token_url("test", "userinfo"), headers=headers)
    account = await env.http.get("/realms/test/account/sessions", headers=headers)
    form = {"client_id": "app", "client_secret": "secret", "token": access_token}
    introspected = await env.http.post(token_url("test", "token/introspect"), data=form)
    return userinfo.status_code, account.status_code, introspected.json()["active"]


async def _session_rows(env: Env, session_id: str, offline: bool) -> tuple[bool, int]:
    async with env.db.transaction(write=False) as tx:
        session = await tx.sessions.get_user_session(session_id, offline)
        return session is not None, len(await tx.sessions.client_sessions(session_id, offline))


async def test_an_access_token_is_refused_once_its_client_session_is_idle_but_nothing_is_detached(env: Env) -> None:
    tokens = await _grant(env)
    assert await _answers(env, tokens["access_token"]) == (200, 200, True)
    env.clock.advance(500)
    assert await _answers(env, tokens["access_token"]) == (401, 401, False)
    assert await _session_rows(env, tokens["session_state"], False) == (True, 1)


async def test_an_offline_access_token_is_refused_once_its_offline_session_expired_and_the_row_stays(
    env: Env,
) -> None:
    tokens = await _grant(env, "openid offline_access", offline_session_idle_timeout=1000)
    assert await _answers(env, tokens["access_token"]) == (200, 200, True)
    env.clock.advance(1000)
    assert await _answers(env, tokens["access_token"]) == (401, 401, False)
    assert (await _session_rows(env, tokens["session_state"], True))[0] is True


async def test_the_refresh_of_that_offline_session_is_what_removes_it(env: Env) -> None:
    tokens = await _grant(env, "openid offline_access", offline_session_idle_timeout=1000)
    env.clock.advance(1000)
    form = {"grant_type": "refresh_token", "client_id": "app", "client_secret": "secret"}
    refused = await env.http.post(token_url("test", "token"), data=form | {"refresh_token": tokens["refresh_token"]})
    assert (refused.status_code, refused.json()) == (
        400,
        {"error": "invalid_grant", "error_description": "Offline session not active"},
    )
    assert await _session_rows(env, tokens["session_state"], True) == (False, 0)
