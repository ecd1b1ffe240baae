"""The periodic cleaner removes expired sessions and leaves live ones."""

from __future__ import annotations

import pytest

from doorkeep.sessions.cleaner import clean_once
from support import password_grant, refresh, seed_client, seed_realm, seed_user, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
DAY = 86400


async def test_cleaner_deletes_idle_offline_sessions_in_batches_and_keeps_live_ones(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app")
    await seed_user(env.db, env.clock, "test", "user1")
    old = [(await password_grant(env.http, "test", "app", scope="offline_access")).json() for _ in range(5)]
    env.clock.advance(20 * DAY)
    live = (await password_grant(env.http, "test", "app", scope="offline_access")).json()
    env.clock.advance(11 * DAY)
    assert await clean_once(env.db, env.clock.now(), batch=2) == 5
    async with env.db.transaction() as tx:
        for body in old:
            assert await tx.sessions.get_user_session(body["session_state"], True) is None
        assert await tx.sessions.get_user_session(live["session_state"], True) is not None
    assert (await refresh(env.http, "test", "app", live["refresh_token"])).status_code == 200


async def test_cleaner_honours_offline_max_when_limited(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app")
    await seed_user(env.db, env.clock, "test", "user1")
    await update_realm(env.db, "test", offline_session_max_lifespan_enabled=True, offline_session_max_lifespan=100)
    body = (await password_grant(env.http, "test", "app", scope="offline_access")).json()
    env.clock.advance(50)
    assert await clean_once(env.db, env.clock.now()) == 0
    env.clock.advance(51)
    assert await clean_once(env.db, env.clock.now()) == 1
    async with env.db.transaction() as tx:
        assert await tx.sessions.get_user_session(body["session_state"], True) is None


async def test_cleaner_removes_online_sessions_past_sso_idle(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app")
    await seed_user(env.db, env.clock, "test", "user1")
    body = (await password_grant(env.http, "test", "app")).json()
    env.clock.advance(1800 + 100)
    assert await clean_once(env.db, env.clock.now()) == 0  # inside the cleaner's window
    env.clock.advance(100)
    assert await clean_once(env.db, env.clock.now()) >= 1
    async with env.db.transaction() as tx:
        assert await tx.sessions.get_user_session(body["session_state"], False) is None
