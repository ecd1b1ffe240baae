"""The periodic cleaner removes expired sessions and leaves live ones."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest

from doorkeep.sessions import cleaner
from doorkeep.sessions.cleaner import clean_once
from doorkeep.store.database import Database
from support import password_grant, refresh, seed_client, seed_realm, seed_user, update_client, update_realm
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


async def test_cleaner_rests_after_each_full_batch_as_long_as_the_batch_took(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A backlog is deleted with pauses, so requests keep the database (issue #8: a refresh's p99 while
    1,000,000 sessions were cleaned); no pause after the last, partial batch."""
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app")
    await seed_user(env.db, env.clock, "test", "user1")
    for _ in range(5):
        await password_grant(env.http, "test", "app", scope="offline_access")
    ticks = iter(range(1000))
    rests: list[float] = []

    async def rest(seconds: float) -> None:
        rests.append(seconds)

    monkeypatch.setattr(cleaner, "time", SimpleNamespace(monotonic=lambda: next(ticks) * 0.25))
    monkeypatch.setattr(cleaner, "asyncio", SimpleNamespace(sleep=rest))
    env.clock.advance(31 * DAY)
    assert await clean_once(env.db, env.clock.now(), batch=2) == 5
    assert rests == [0.25, 0.25]  # as long as each batch of 2 took; none after the last batch, of 1
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None and await tx.sessions.count_realm_sessions(realm.id, True) == 0


async def test_cleaner_honours_offline_max_when_limited(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app")
    await seed_user(env.db, env.clock, "test", "user1")
    await update_realm(env.db, "test", offline_session_max_lifespan_enabled=True, offline_session_max_lifespan=100)
    body = (await password_grant(env.http, "test", "app", scope="offline_access")).json()
    env.clock.advance(50)
    assert await clean_once(env.db, env.clock.now()) == 0
    env.clock.advance(51 + 180)  # past the max by the cleaner's window
    assert await clean_once(env.db, env.clock.now()) == 1
    async with env.db.transaction() as tx:
        assert await tx.sessions.get_user_session(body["session_state"], True) is None


@pytest.mark.parametrize("offline", [True, False])
async def test_cleaner_keeps_a_session_past_its_max_for_the_window_so_a_raised_max_revives_it(
    env: Env, offline: bool
) -> None:
    """Keycloak's cleaner deletes a session only 180 s past its max lifespan, as past its idle timeout
    (UserSessionExpirationLogic): raised within that window, the max makes the session live again."""
    await seed_realm(env.db, env.clock)
    app = await seed_client(env.db, "test", "app")
    await seed_user(env.db, env.clock, "test", "user1")
    limits = {"offline_session_max_lifespan": 100} if offline else {"sso_session_max_lifespan": 100}
    await update_realm(env.db, "test", offline_session_max_lifespan_enabled=True, **limits)
    await password_grant(env.http, "test", "app", scope="offline_access" if offline else None)
    path = f"/admin/realms/test/clients/{app.id}/{'offline-session-count' if offline else 'session-count'}"
    env.clock.advance(100 + 179)
    assert await clean_once(env.db, env.clock.now()) == 0
    assert (await env.http.get(path, headers=await env.admin_headers())).json() == {"count": 0}  # over its max
    await update_realm(env.db, "test", **{name: 1000 for name in limits})
    assert (await env.http.get(path, headers=await env.admin_headers())).json() == {"count": 1}


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


async def test_cleaner_drops_abandoned_logins_old_codes_and_expired_revocations(realm: Env) -> None:
    from sqlalchemy import func, select

    from browser_flow import start
    from doorkeep.store.tables import auth_codes, auth_sessions, revoked_tokens

    await update_client(realm.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    for _ in range(3):
        assert (await start(realm.http, "test", "app")).status_code == 200  # login pages nobody submits
    body = (await password_grant(realm.http, "test", "app")).json()
    await realm.http.post(
        "/realms/test/protocol/openid-connect/revoke",
        data={"client_id": "app", "client_secret": "secret", "token": body["access_token"]},
    )

    async def counts() -> tuple[int, int, int]:
        async with realm.db.engine.connect() as conn:
            found = [
                int((await conn.execute(select(func.count()).select_from(t))).scalar_one())
                for t in (auth_sessions, auth_codes, revoked_tokens)
            ]
        return found[0], found[1], found[2]

    assert (await counts())[0] == 3 and (await counts())[2] == 1
    await clean_once(realm.db, realm.clock.now())
    assert await counts() == (3, 0, 1)  # nothing expired yet
    realm.clock.advance(1801)
    await clean_once(realm.db, realm.clock.now())
    assert await counts() == (0, 0, 0)


async def test_cleaner_removes_initial_access_tokens_expired_or_used_up(realm: Env) -> None:
    url = "/admin/realms/test/clients-initial-access"
    admin = await realm.admin_headers()
    for rep in ({"expiration": 60}, {"expiration": 0}, {"expiration": 0, "count": 0}, {"expiration": 120}):
        assert (await realm.http.post(url, json=rep, headers=admin)).status_code == 201

    async def kept() -> list[tuple[int, int]]:
        listed = (await realm.http.get(url, headers=await realm.admin_headers())).json()
        return sorted((r["expiration"], r["remainingCount"]) for r in listed)

    await clean_once(realm.db, realm.clock.now())
    assert await kept() == [(0, 1), (60, 1), (120, 1)]  # removeExpiredClientInitialAccess: no use left goes
    realm.clock.advance(61)
    await clean_once(realm.db, realm.clock.now())
    assert await kept() == [(0, 1), (120, 1)]


async def test_one_process_of_several_cleans_each_interval(env: Env) -> None:
    """Every worker and node runs the cleaner loop; a run is claimed through the database
    (store/scheduled_tasks.py), so one of them cleans per interval, as Keycloak's cluster-aware tasks run on one
    node. A process that stops is replaced at the next interval."""
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app")
    await seed_user(env.db, env.clock, "test", "user1")
    for _ in range(3):
        await password_grant(env.http, "test", "app", scope="offline_access")
    env.clock.advance(31 * DAY)
    other = Database(env.db.url)  # a second worker on the same database
    try:
        now, interval = env.clock.now(), 900
        runs = await asyncio.gather(
            cleaner.clean_if_due(env.db, now, interval), cleaner.clean_if_due(other, now, interval)
        )
        assert sorted(runs, key=lambda r: r is None) == [3, None]  # one cleaned all three; the other stood aside
        assert await cleaner.clean_if_due(other, now + 5, interval) is None  # woke later in the same interval
        assert await cleaner.clean_if_due(env.db, now + interval // 2 - 1, interval) is None
        assert await cleaner.clean_if_due(other, now + interval, interval) == 0  # the next interval: its turn
        assert await cleaner.clean_if_due(env.db, now + interval + 7, interval) is None
        assert await cleaner.clean_if_due(env.db, now + 3 * interval, interval) == 0  # the other one stopped
    finally:
        await other.dispose()


async def test_claims_are_kept_per_task(env: Env) -> None:
    now = env.clock.now()
    async with env.db.transaction() as tx:
        assert await tx.scheduled_tasks.claim("session-cleaner", now, 900)
        assert await tx.scheduled_tasks.claim("another-task", now, 900)
        assert not await tx.scheduled_tasks.claim("session-cleaner", now + 1, 900)
