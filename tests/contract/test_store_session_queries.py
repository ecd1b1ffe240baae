"""SessionRepo queries for the admin API and the cleaner: per-client listings, counts, stats, expiry."""

from __future__ import annotations

import pytest

from doorkeep.store.database import Database
from store_factories import add_client, add_client_session, add_family, add_realm, add_user, add_user_session

pytestmark = pytest.mark.anyio


async def test_sessions_with_client_lists_pairs_in_session_id_order_as_keycloak_and_pages(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        app, other = await add_client(tx, realm), await add_client(tx, realm, "other")
        user = await add_user(tx, realm)
        pairs = []
        for started in (300, 100, 200, 200):
            session = await add_user_session(tx, user, offline=True, started=started)
            pairs.append((session, await add_client_session(tx, session, app, started=started + 1)))
        await add_client_session(tx, await add_user_session(tx, user, offline=True), other)
        online = await add_user_session(tx, user, started=50)
        online_pair = (online, await add_client_session(tx, online, app))
    expected = sorted(pairs, key=lambda p: p[0].id)  # Keycloak: ORDER BY sess.userSessionId
    async with db.transaction() as tx:
        assert await tx.sessions.sessions_with_client(app.id, True) == expected
        assert await tx.sessions.sessions_with_client(app.id, True, first=1, max_results=2) == expected[1:3]
        assert await tx.sessions.sessions_with_client(app.id, True, first=3, max_results=5) == expected[3:]
        assert await tx.sessions.sessions_with_client(app.id, True, max_results=-1) == expected
        assert await tx.sessions.sessions_with_client(app.id, True, max_results=0) == []
        assert await tx.sessions.sessions_with_client(app.id, False) == [online_pair]


async def test_count_with_client_counts_one_kind_of_one_clients_sessions(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        app, other = await add_client(tx, realm), await add_client(tx, realm, "other")
        user = await add_user(tx, realm)
        for _ in range(3):
            session = await add_user_session(tx, user, offline=True)
            await add_client_session(tx, session, app)
            await add_client_session(tx, session, other)
        await add_client_session(tx, await add_user_session(tx, user), app)
    async with db.transaction() as tx:
        assert await tx.sessions.count_with_client(app.id, True) == 3
        assert await tx.sessions.count_with_client(app.id, False) == 1
        assert await tx.sessions.count_with_client(other.id, False) == 0


async def test_client_stats_counts_online_and_offline_sessions_of_the_realms_clients(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        elsewhere = await add_realm(tx, "elsewhere")
        web, mobile = await add_client(tx, realm, "web"), await add_client(tx, realm, "mobile")
        await add_client(tx, realm, "idle")
        foreign = await add_client(tx, elsewhere, "foreign")
        user = await add_user(tx, realm)
        stranger = await add_user(tx, elsewhere)
        for _ in range(2):
            await add_client_session(tx, await add_user_session(tx, user), web)
        await add_client_session(tx, await add_user_session(tx, user, offline=True), web)
        for _ in range(3):
            await add_client_session(tx, await add_user_session(tx, user, offline=True), mobile)
        await add_client_session(tx, await add_user_session(tx, stranger), foreign)
    async with db.transaction() as tx:
        stats = await tx.sessions.client_stats(realm.id)
    assert sorted(stats) == sorted([(web.id, "web", 2, 1), (mobile.id, "mobile", 0, 3)])


async def test_user_client_pairs_names_every_client_session_of_one_kind_of_the_user(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        app, other = await add_client(tx, realm), await add_client(tx, realm, "other")
        user = await add_user(tx, realm)
        stranger = await add_user(tx, realm, "stranger")
        first = await add_user_session(tx, user, offline=True)
        second = await add_user_session(tx, user, offline=True)
        await add_client_session(tx, first, app)
        await add_client_session(tx, first, other)
        await add_client_session(tx, second, app)
        await add_client_session(tx, await add_user_session(tx, user), app)
        await add_client_session(tx, await add_user_session(tx, stranger, offline=True), app)
    async with db.transaction() as tx:
        pairs = await tx.sessions.user_client_pairs(user.id, True)
        assert sorted(pairs) == sorted([(first.id, app.id), (first.id, other.id), (second.id, app.id)])
        assert len(await tx.sessions.user_client_pairs(user.id, False)) == 1
        assert await tx.sessions.user_client_pairs(realm.id, True) == []


async def test_delete_expired_removes_idle_sessions_in_bounded_batches(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        elsewhere = await add_realm(tx, "elsewhere")
        client = await add_client(tx, realm)
        user = await add_user(tx, realm)
        stranger = await add_user(tx, elsewhere)
        stale = [await add_user_session(tx, user, offline=True, started=10, last_refresh=100 + i) for i in range(5)]
        family = await add_family(tx, await add_client_session(tx, stale[0], client))
        fresh = await add_user_session(tx, user, offline=True, started=10, last_refresh=1000)  # not before 1000
        online = await add_user_session(tx, user, started=10, last_refresh=100)
        foreign = await add_user_session(tx, stranger, offline=True, started=10, last_refresh=100)
    batches = []
    for _ in range(4):
        async with db.transaction() as tx:
            batches.append(await tx.sessions.delete_expired(realm.id, True, idle_before=1000, limit=2))
    assert batches == [2, 2, 1, 0]
    async with db.transaction() as tx:
        assert await tx.sessions.user_sessions_of(user.id, True) == [fresh]
        assert await tx.sessions.get_client_session(stale[0].id, True, client.id) is None
        assert await tx.sessions.get_family(stale[0].id, True, client.id, family.reuse_key) is None
        assert await tx.sessions.get_user_session(online.id, False) == online
        assert await tx.sessions.get_user_session(foreign.id, True) == foreign


async def test_delete_expired_on_the_online_kind_spares_an_offline_session_with_the_same_id(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        user = await add_user(tx, realm)
        online = await add_user_session(tx, user, started=10, last_refresh=100)
        offline = await add_user_session(tx, user, offline=True, session_id=online.id, started=10, last_refresh=100)
    async with db.transaction() as tx:
        assert await tx.sessions.delete_expired(realm.id, False, idle_before=1000, limit=100) == 1
    async with db.transaction() as tx:
        assert await tx.sessions.get_user_session(online.id, False) is None
        assert await tx.sessions.get_user_session(online.id, True) == offline


async def test_delete_expired_also_removes_fresh_sessions_started_before_the_max_lifespan(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        user = await add_user(tx, realm)
        await add_user_session(tx, user, offline=True, started=10, last_refresh=5000)
        await add_user_session(tx, user, offline=True, started=600, last_refresh=700)
        young = await add_user_session(tx, user, offline=True, started=500, last_refresh=5000)  # not before 500
    async with db.transaction() as tx:
        deleted = await tx.sessions.delete_expired(realm.id, True, idle_before=1000, limit=10, started_before=500)
    assert deleted == 2
    async with db.transaction() as tx:
        assert await tx.sessions.user_sessions_of(user.id, True) == [young]
