"""Parallel refreshes of one token are serialised by the database, not by Python (KEYCLOAK.md §6.3).

Each engine runs the same scenario: N concurrent refreshes of one offline token; with max reuse k
exactly k+1 succeed and the rest fail with invalid_grant.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from pathlib import Path

import httpx
import pytest

from support import (
    claims,
    offline_timestamps,
    password_grant,
    refresh,
    seed_client,
    seed_realm,
    seed_user,
    token_url,
    update_realm,
)
from wire_env import Env, make_env

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["sqlite", "postgresql"])
async def engine_env(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Env]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'doorkeep.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    env, db = await make_env(url)
    try:
        yield env
    finally:
        await env.drain()
        await env.http.aclose()
        await db.dispose()


@pytest.mark.parametrize(("max_reuse", "scope"), [(0, "offline_access"), (2, "offline_access"), (0, "")])
async def test_parallel_refreshes_allow_exactly_max_reuse_plus_one(engine_env: Env, max_reuse: int, scope: str) -> None:
    env = engine_env
    await seed_realm(env.db, env.clock, revoke_refresh_token=True, refresh_token_max_reuse=max_reuse)
    await seed_client(env.db, "test", "app")
    await seed_user(env.db, env.clock, "test", "user1")
    token = (await password_grant(env.http, "test", "app", scope=scope or None)).json()["refresh_token"]
    responses = await asyncio.gather(*(refresh(env.http, "test", "app", token) for _ in range(5)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(200) == max_reuse + 1, [r.text for r in responses]
    assert all(r.json()["error"] == "invalid_grant" for r in responses if r.status_code != 200)


@pytest.mark.parametrize("new_second", [False, True])
async def test_parallel_uses_of_a_rotated_token_let_exactly_one_through(engine_env: Env, new_second: bool) -> None:
    """The family read with the sessions under their locks (issue #8): after two rotations, five parallel uses of
    the newest token, max reuse 0, in the same second (the family alone written) or a new one (with the touch)."""
    env = engine_env
    await seed_realm(env.db, env.clock, revoke_refresh_token=True)
    await seed_client(env.db, "test", "app")
    await seed_user(env.db, env.clock, "test", "user1")
    token = (await password_grant(env.http, "test", "app", scope="offline_access")).json()["refresh_token"]
    for _ in range(2):
        answer = await refresh(env.http, "test", "app", token)
        assert answer.status_code == 200, answer.text
        token = answer.json()["refresh_token"]
    if new_second:
        env.clock.advance(1)
    responses = await asyncio.gather(*(refresh(env.http, "test", "app", token) for _ in range(5)))
    assert sorted(r.status_code for r in responses) == [200, 400, 400, 400, 400], [r.text for r in responses]
    assert all(r.json()["error"] == "invalid_grant" for r in responses if r.status_code != 200)


async def test_parallel_first_uses_after_rotation_was_turned_on_let_exactly_one_through(engine_env: Env) -> None:
    """A token minted before Revoke Refresh Token was turned on has no family row yet: the first rotating refresh
    reads the sessions, then the family (none), and inserts it; of five in parallel exactly one passes."""
    env = engine_env
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app")
    await seed_user(env.db, env.clock, "test", "user1")
    token = (await password_grant(env.http, "test", "app", scope="offline_access")).json()["refresh_token"]
    await update_realm(env.db, "test", revoke_refresh_token=True)
    responses = await asyncio.gather(*(refresh(env.http, "test", "app", token) for _ in range(5)))
    assert sorted(r.status_code for r in responses) == [200, 400, 400, 400, 400], [r.text for r in responses]
    assert all(r.json()["error"] == "invalid_grant" for r in responses if r.status_code != 200)


async def test_parallel_refreshes_without_rotation_all_succeed(engine_env: Env) -> None:
    env = engine_env
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app")
    await seed_user(env.db, env.clock, "test", "user1")
    token = (await password_grant(env.http, "test", "app", scope="offline_access")).json()["refresh_token"]
    responses = await asyncio.gather(*(refresh(env.http, "test", "app", token) for _ in range(8)))
    assert [r.status_code for r in responses] == [200] * 8


async def test_one_code_exchanged_in_parallel_gives_exactly_one_token_response(engine_env: Env) -> None:
    from browser_flow import exchange, login
    from support import update_client

    env = engine_env
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app")
    await update_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    await seed_user(env.db, env.clock, "test", "user1")
    code = (await login(env.http, "test", "app", scope="openid offline_access"))["code"]
    responses = await asyncio.gather(*(exchange(env.http, "test", "app", code) for _ in range(5)))
    assert sorted(r.status_code for r in responses) == [200, 400, 400, 400, 400], [r.text for r in responses]
    assert {r.json()["error_description"] for r in responses if r.status_code == 400} == {"Code not valid"}


# A rotation-off refresh reads its session without locking it and touches it only in a new second (issue #8):
# whatever ends the session meanwhile, the refresh either finished first (200) or is refused as Keycloak refuses a
# refresh of a missing session, never a 500 or 503, and the session stays gone.
_GONE = {"Session not active", "Offline user session not found", "Offline session not active"}


async def _racing(env: Env, token: str, end: Awaitable[httpx.Response]) -> None:
    async def later(turns: int) -> httpx.Response:
        for _ in range(turns):
            await asyncio.sleep(0)
        return await refresh(env.http, "test", "app", token)

    answers = await asyncio.gather(*(later(turns) for turns in (0, 1, 3)), end, *(later(t) for t in (5, 8, 13)))
    ended = answers[3]
    assert ended.status_code in (200, 204), ended.text
    for answer in answers[:3] + answers[4:]:
        if answer.status_code != 200:
            assert answer.status_code == 400, answer.text
            assert answer.json()["error"] == "invalid_grant", answer.text
            assert answer.json()["error_description"] in _GONE, answer.text
    again = await refresh(env.http, "test", "app", token)
    assert again.status_code == 400 and again.json()["error_description"] in _GONE, again.text


async def _session_gone(env: Env, token: str) -> bool:
    sid = claims(token)["sid"]
    async with env.db.transaction(write=False) as tx:
        return (
            await tx.sessions.get_user_session(sid, True) is None
            and await tx.sessions.get_user_session(sid, False) is None
        )


async def _no_client_left(env: Env, token: str) -> bool:
    sid = claims(token)["sid"]
    async with env.db.transaction(write=False) as tx:
        return not await tx.sessions.client_sessions(sid, True) and not await tx.sessions.client_sessions(sid, False)


async def _raced_env(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app")
    await seed_user(env.db, env.clock, "test", "user1")


@pytest.mark.parametrize("scope", ["", "offline_access"])
async def test_refreshes_racing_a_logout_finish_before_it_or_are_refused(engine_env: Env, scope: str) -> None:
    env = engine_env
    await _raced_env(env)
    for _ in range(4):
        token = (await password_grant(env.http, "test", "app", scope=scope or None)).json()["refresh_token"]
        env.clock.advance(1)  # each refresh of the round may touch the session
        form = {"client_id": "app", "client_secret": "secret", "refresh_token": token}
        await _racing(env, token, env.http.post(token_url("test", "logout"), data=form))
        assert await _session_gone(env, token)


async def test_refreshes_racing_an_admin_revocation_finish_before_it_or_are_refused(engine_env: Env) -> None:
    env = engine_env
    await _raced_env(env)
    headers = await env.admin_headers()
    for _ in range(4):
        token = (await password_grant(env.http, "test", "app", scope="offline_access")).json()["refresh_token"]
        env.clock.advance(1)
        sid = claims(token)["sid"]
        revoke = env.http.delete(f"/admin/realms/test/sessions/{sid}?isOffline=true", headers=headers)
        await _racing(env, token, revoke)
        assert await _session_gone(env, token)


async def test_concurrent_refreshes_in_moving_seconds_never_move_a_timestamp_back(engine_env: Env) -> None:
    env = engine_env
    await _raced_env(env)
    token = (await password_grant(env.http, "test", "app", scope="offline_access")).json()["refresh_token"]
    tasks = []
    for _ in range(8):
        tasks.append(asyncio.ensure_future(refresh(env.http, "test", "app", token)))
        await asyncio.sleep(0)
        env.clock.advance(1)
    answers = await asyncio.gather(*tasks)
    assert [a.status_code for a in answers] == [200] * 8, [a.text for a in answers]
    newest = max(int(claims(a.json()["access_token"])["iat"]) for a in answers)
    assert await offline_timestamps(env.db, token) == (newest, newest)


async def test_rotating_refreshes_racing_a_token_revocation_never_deadlock(engine_env: Env) -> None:
    """A rotating refresh locks the user session's row, then the client session's; revoking the token removes the
    client session, then the user session left without clients. Taken in the other order, the two deadlock on
    PostgreSQL (one of them a 503). Revocation now takes the user session's row first, as every grant and logout.

    When a reused refresh (max reuse 0) commits before the revocation reads the token, it has detached the client
    session already (TokenManager.validateTokenReuseForRefresh), the revocation finds no session holding the client
    and changes nothing (200 ``invalid_token``), and the offline user session stays without clients, as Keycloak's
    detachFromUserSession leaves it. Either way no client session is left and the token is refused."""
    env = engine_env
    await seed_realm(env.db, env.clock, revoke_refresh_token=True)
    await seed_client(env.db, "test", "app")
    await seed_user(env.db, env.clock, "test", "user1")
    for _ in range(12):
        token = (await password_grant(env.http, "test", "app", scope="offline_access")).json()["refresh_token"]
        env.clock.advance(1)
        form = {"client_id": "app", "client_secret": "secret", "token": token, "token_type_hint": "refresh_token"}

        async def refreshed(turns: int, token: str = token) -> httpx.Response:
            for _ in range(turns):
                await asyncio.sleep(0)
            return await refresh(env.http, "test", "app", token)

        revoke = env.http.post(token_url("test", "revoke"), data=form)
        answers = await asyncio.gather(refreshed(0), revoke, *(refreshed(t) for t in (1, 2, 3, 5)))
        assert answers[1].status_code == 200, answers[1].text
        for answer in answers[:1] + answers[2:]:
            assert answer.status_code in (200, 400), answer.text
            if answer.status_code == 400:
                assert answer.json()["error"] == "invalid_grant", answer.text
        assert await _no_client_left(env, token)
        assert (await refresh(env.http, "test", "app", token)).status_code == 400


async def test_revoking_a_token_whose_reuse_already_detached_its_client_changes_nothing(engine_env: Env) -> None:
    """The race above, in its order that leaves a session: the reused refresh detaches the offline client session,
    the revocation then finds no session holding the client (UserSessionUtil.findValidSession) and answers 200
    ``invalid_token``; the offline user session stays without clients, and nothing it held works again."""
    env = engine_env
    await seed_realm(env.db, env.clock, revoke_refresh_token=True)
    await seed_client(env.db, "test", "app")
    await seed_user(env.db, env.clock, "test", "user1")
    token = (await password_grant(env.http, "test", "app", scope="offline_access")).json()["refresh_token"]
    env.clock.advance(1)
    rotated = await refresh(env.http, "test", "app", token)
    assert rotated.status_code == 200, rotated.text
    reused = await refresh(env.http, "test", "app", token)
    assert reused.json()["error_description"] == "Maximum allowed refresh token reuse exceeded"
    form = {"client_id": "app", "client_secret": "secret", "token": token, "token_type_hint": "refresh_token"}
    revoked = await env.http.post(token_url("test", "revoke"), data=form)
    assert (revoked.status_code, revoked.json()["error"]) == (200, "invalid_token")
    sid = claims(token)["sid"]
    async with env.db.transaction(write=False) as tx:
        assert await tx.sessions.get_user_session(sid, True) is not None
    assert await _no_client_left(env, token)
    for spent in (token, rotated.json()["refresh_token"]):
        assert (await refresh(env.http, "test", "app", spent)).status_code == 400
