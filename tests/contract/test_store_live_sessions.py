"""SessionRepo queries with a LiveFilter: expired sessions are neither listed nor counted, in SQL."""

from __future__ import annotations

import dataclasses

import pytest

from doorkeep.sessions.liveness import live_filter
from doorkeep.store.database import Database
from store_factories import add_client, add_client_session, add_realm, add_user, add_user_session

pytestmark = pytest.mark.anyio
NOW = 100_000
OVERRIDE = {"client.session.max.lifespan": "500", "client.offline.session.idle.timeout": "300"}


async def test_expired_user_and_client_sessions_are_filtered_out_of_every_listing_and_count(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(
            tx,
            sso_session_idle_timeout=1000,
            sso_session_max_lifespan=5000,
            offline_session_idle_timeout=2000,
            offline_session_max_lifespan=3000,
        )
        app = await add_client(tx, realm)
        short = await add_client(tx, realm, "short", attributes=OVERRIDE)
        user = await add_user(tx, realm)
        live = await add_user_session(tx, user, started=NOW - 100, last_refresh=NOW - 10)
        idle = await add_user_session(tx, user, started=NOW - 2000, last_refresh=NOW - 1000)
        old = await add_user_session(tx, user, started=NOW - 5000, last_refresh=NOW)
        for s in (live, idle, old):
            await add_client_session(tx, s, app, started=s.started)
        # The client-level max of ``short`` (500 s) ends only its client session.
        await add_client_session(tx, live, short, started=NOW - 600)
        offline = await add_user_session(tx, user, offline=True, started=NOW - 9000, last_refresh=NOW - 1999)
        await add_client_session(tx, offline, app, started=NOW - 9000)
        await tx.sessions.touch_client_session(offline.id, True, app.id, NOW - 1999)
        await add_client_session(tx, offline, short, started=NOW - 9000)
        await tx.sessions.touch_client_session(offline.id, True, short.id, NOW - 300)  # its idle is 300 s
        clients = [app, short]
    on, off = live_filter(realm, clients, False, NOW), live_filter(realm, clients, True, NOW)
    async with db.transaction() as tx:
        assert [s.id for s in await tx.sessions.user_sessions_of(user.id, False, on)] == [live.id]
        assert len(await tx.sessions.user_sessions_of(user.id, False)) == 3
        assert [cs.client_id for cs in await tx.sessions.client_sessions(live.id, False, on)] == [app.id]
        assert [us.id for us, _ in await tx.sessions.sessions_with_client(app.id, False, live=on)] == [live.id]
        assert await tx.sessions.count_with_client(app.id, False, on) == 1
        assert await tx.sessions.count_with_client(short.id, False, on) == 0
        assert await tx.sessions.count_with_client(app.id, True, off) == 1
        assert await tx.sessions.count_with_client(short.id, True, off) == 0
        assert sorted(await tx.sessions.user_client_pairs(user.id, True, off)) == [(offline.id, app.id)]
        assert sorted(await tx.sessions.client_stats(realm.id, on, off)) == [(app.id, "app", 1, 1)]


async def test_offline_max_applies_only_when_the_realm_limits_it(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx, offline_session_idle_timeout=2000, offline_session_max_lifespan=3000)
        app = await add_client(tx, realm)
        user = await add_user(tx, realm)
        ancient = await add_user_session(tx, user, offline=True, started=NOW - 90_000, last_refresh=NOW - 5)
        await add_client_session(tx, ancient, app, started=NOW - 90_000)
        await tx.sessions.touch_client_session(ancient.id, True, app.id, NOW - 5)
    async with db.transaction() as tx:
        assert await tx.sessions.count_with_client(app.id, True, live_filter(realm, [app], True, NOW)) == 1
        limited = dataclasses.replace(realm, offline_session_max_lifespan_enabled=True)
        assert await tx.sessions.count_with_client(app.id, True, live_filter(limited, [app], True, NOW)) == 0
        assert await tx.sessions.user_sessions_of(user.id, True, live_filter(limited, [app], True, NOW)) == []


async def test_the_idle_boundary_is_exact(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx, sso_session_idle_timeout=1000, sso_session_max_lifespan=5000)
        app = await add_client(tx, realm)
        user = await add_user(tx, realm)
        s = await add_user_session(tx, user, started=NOW - 1000, last_refresh=NOW - 1000)
        await add_client_session(tx, s, app, started=NOW - 1000)
    async with db.transaction() as tx:
        assert await tx.sessions.count_with_client(app.id, False, live_filter(realm, [app], False, NOW - 1)) == 1
        assert await tx.sessions.count_with_client(app.id, False, live_filter(realm, [app], False, NOW)) == 0
