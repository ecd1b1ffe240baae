"""A refresh's touch (SessionRepo.touch_sessions) is safe without the rows' locks (issue #8).

A rotation-off refresh reads its session without locking it (sessions/resume.py ``for_refresh``) and touches it
only when the second moved on. The touch itself then keeps every rule the lock kept: a timestamp never moves
back (Keycloak's UserSessionAdapter.setLastSessionRefresh / AuthenticatedClientSessionAdapter.setTimestamp), a
session deleted meanwhile stays deleted, and on PostgreSQL a touch racing a logout takes the user session's row
before the client session's, the lock order of every logout, so neither waits for the other in a circle.
"""

from __future__ import annotations

import asyncio

import pytest

from doorkeep.model import Client, UserSession
from doorkeep.store.database import Database
from pg import some_backend_waits_for_a_lock
from store_factories import add_client, add_client_session, add_realm, add_user, add_user_session

pytestmark = pytest.mark.anyio


async def _session(db: Database) -> tuple[UserSession, Client]:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        client = await add_client(tx, realm)
        user = await add_user(tx, realm)
        session = await add_user_session(tx, user, offline=True, started=1000, last_refresh=1000)
        await add_client_session(tx, session, client, started=1000)
    return session, client


async def _stamps(db: Database, session: UserSession, client: Client) -> tuple[int | None, int | None]:
    async with db.transaction(write=False) as tx:
        us = await tx.sessions.get_user_session(session.id, True)
        cs = await tx.sessions.get_client_session(session.id, True, client.id)
    return (us.last_session_refresh if us else None), (cs.timestamp if cs else None)


@pytest.mark.parametrize(("client", "user"), [(True, True), (True, False), (False, True)])
async def test_a_touch_never_moves_a_timestamp_back(db: Database, client: bool, user: bool) -> None:
    session, app = await _session(db)
    async with db.transaction() as tx:
        await tx.sessions.touch_sessions(session.id, True, app.id, 2000)
    async with db.transaction() as tx:  # a refresh that read the session before the one above wrote it
        await tx.sessions.touch_sessions(session.id, True, app.id, 1500, client=client, user=user)
    assert await _stamps(db, session, app) == (2000, 2000)


async def test_a_touch_of_a_session_deleted_meanwhile_writes_nothing(db: Database) -> None:
    session, app = await _session(db)
    async with db.transaction() as tx:
        await tx.sessions.delete_user_session(session.id, True)
    async with db.transaction() as tx:
        await tx.sessions.touch_sessions(session.id, True, app.id, 2000)
    assert await _stamps(db, session, app) == (None, None)


@pytest.mark.postgres
async def test_a_touch_racing_a_logout_waits_for_it_and_writes_nothing(postgres_url: str) -> None:
    db = Database(postgres_url, pool_size=3)
    try:
        await db.migrate()
        session, app = await _session(db)
        async with db.transaction() as logout:  # a logout's order: the user session's row, then the delete
            assert await logout.sessions.lock_user_session(session.id, True) is not None

            async def touch() -> None:
                async with db.transaction() as tx:
                    await tx.sessions.touch_sessions(session.id, True, app.id, 2000)

            touching = asyncio.create_task(touch())
            await some_backend_waits_for_a_lock(postgres_url)
            # Had the touch locked the client session's row first, this cascade would wait for it: a deadlock.
            await logout.sessions.delete_user_session(session.id, True)
        await asyncio.wait_for(touching, 30)
        assert await _stamps(db, session, app) == (None, None)  # nothing resurrected
    finally:
        await db.dispose()


@pytest.mark.postgres
async def test_a_touch_waiting_for_a_newer_one_does_not_rewind_it(postgres_url: str) -> None:
    db = Database(postgres_url, pool_size=3)
    try:
        await db.migrate()
        session, app = await _session(db)
        async with db.transaction() as newer:
            await newer.sessions.touch_sessions(session.id, True, app.id, 3000)

            async def older() -> None:  # read the session before ``newer`` committed
                async with db.transaction() as tx:
                    await tx.sessions.touch_sessions(session.id, True, app.id, 2000)

            waiting = asyncio.create_task(older())
            await some_backend_waits_for_a_lock(postgres_url)
        await asyncio.wait_for(waiting, 30)
        assert await _stamps(db, session, app) == (3000, 3000)
    finally:
        await db.dispose()
