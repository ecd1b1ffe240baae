"""The expired-session cleaner takes a session's rows in the lock order of every grant, login and logout: the user
session's row first (``FOR UPDATE SKIP LOCKED``), then its client sessions'. Before, it deleted the client sessions
first: a refresh or logout of an expired session that held the user session's row and then wanted its client
session's deadlocked with it on PostgreSQL (a 503 for the refresh, or a failed batch)."""

from __future__ import annotations

import asyncio

import pytest

from doorkeep.store.database import Database
from store_factories import add_client, add_client_session, add_realm, add_user, add_user_session

pytestmark = pytest.mark.anyio


async def test_the_cleaner_deletes_an_expired_session_with_its_client_sessions(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        app, user = await add_client(tx, realm), await add_user(tx, realm)
        stale = await add_user_session(tx, user, offline=True, started=10, last_refresh=100)
        await add_client_session(tx, stale, app)
        fresh = await add_user_session(tx, user, offline=True, started=10, last_refresh=5000)
        await add_client_session(tx, fresh, app)
    async with db.transaction() as tx:
        assert await tx.sessions.delete_expired(realm.id, True, idle_before=1000, limit=10) == 1
    async with db.transaction(write=False) as tx:
        assert await tx.sessions.get_user_session(stale.id, True) is None
        assert await tx.sessions.get_client_session(stale.id, True, app.id) is None
        assert await tx.sessions.get_client_session(fresh.id, True, app.id) is not None


@pytest.mark.postgres
async def test_a_batch_skips_a_session_a_refresh_holds_and_never_deadlocks_with_it(postgres_url: str) -> None:
    db = Database(postgres_url, pool_size=3)
    try:
        await db.migrate()
        async with db.transaction() as tx:
            realm = await add_realm(tx)
            app, user = await add_client(tx, realm), await add_user(tx, realm)
            stale = await add_user_session(tx, user, offline=True, started=10, last_refresh=100)
            await add_client_session(tx, stale, app)

        async def clean() -> int:
            async with db.transaction() as tx:
                return await tx.sessions.delete_expired(realm.id, True, idle_before=1000, limit=10)

        async with db.transaction() as refresh:  # a refresh of the expired session: its user session's row first
            assert await refresh.sessions.lock_user_session(stale.id, True) is not None
            # the old order deleted the client session, then waited for this transaction's row: a deadlock below
            assert await asyncio.wait_for(asyncio.create_task(clean()), 20) == 0
            found = await refresh.resume.session_user_client(stale.id, True, user.id, app.id, lock=True)
            assert found is not None  # its client session, untouched by the batch, is this refresh's to lock
        assert await asyncio.wait_for(clean(), 20) == 1  # the next pass takes it
        async with db.transaction(write=False) as tx:
            assert await tx.sessions.get_user_session(stale.id, True) is None
            assert await tx.sessions.get_client_session(stale.id, True, app.id) is None
    finally:
        await db.dispose()
