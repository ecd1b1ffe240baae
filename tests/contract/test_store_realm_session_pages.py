"""The Admin Console's realm Sessions page: live sessions paged in SQL, most recently active first, and counted."""

from __future__ import annotations

import pytest

from doorkeep.sessions.liveness import live_filter
from doorkeep.store.database import Database
from store_factories import add_client, add_client_session, add_realm, add_user, add_user_session

pytestmark = pytest.mark.anyio
NOW = 100_000


async def test_a_page_of_realm_sessions_is_ordered_by_last_access_and_skips_expired_ones(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx, sso_session_idle_timeout=1000, offline_session_idle_timeout=5000)
        other = await add_realm(tx, "other")
        app = await add_client(tx, realm)
        user = await add_user(tx, realm)
        fresh = [await add_user_session(tx, user, started=NOW - 50, last_refresh=NOW - i) for i in range(5)]
        await add_user_session(tx, user, started=NOW - 3000, last_refresh=NOW - 2000)  # idle past 1000 s
        await add_user_session(tx, await add_user(tx, other, "bob"), started=NOW, last_refresh=NOW)
        offline = await add_user_session(tx, user, offline=True, started=NOW - 4000, last_refresh=NOW - 2000)
        for s in [*fresh, offline]:
            await add_client_session(tx, s, app, started=s.started)
        clients = [app]
    online_live, offline_live = live_filter(realm, clients, False, NOW), live_filter(realm, clients, True, NOW)
    async with db.transaction(write=False) as tx:
        first = await tx.sessions.realm_sessions_page(realm.id, False, 0, 2, online_live)
        second = await tx.sessions.realm_sessions_page(realm.id, False, 2, 2, online_live)
        last = await tx.sessions.realm_sessions_page(realm.id, False, 4, 2, online_live)
        assert [s.id for s in first + second + last] == [s.id for s in fresh]
        assert await tx.sessions.count_realm_live(realm.id, False, online_live) == 5
        # with a cap, counting stops one past it (the console shows "cap+"); expired ones never count
        for cap, counted in [(2, 3), (4, 5), (5, 5), (100, 5), (0, 1)]:
            assert await tx.sessions.count_realm_live(realm.id, False, online_live, cap) == counted, cap
        assert [s.id for s in await tx.sessions.realm_sessions_page(realm.id, True, 0, 10, offline_live)] == [
            offline.id
        ]
        assert await tx.sessions.count_realm_live(realm.id, True, offline_live) == 1
