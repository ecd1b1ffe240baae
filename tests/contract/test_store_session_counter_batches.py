"""The maintained session counter (migrations 0010_perf, 0012_scale) stays exact when many client sessions
come or go in one statement: the cleaner's batches, a bulk insert, a user's cascade.

On PostgreSQL the counter is kept by statement triggers over transition tables since 0012_scale, so these
are the cases where one statement touches many rows, several clients and several of the 16 slots.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, insert, literal, null, select

from doorkeep.model import Client
from doorkeep.store.database import Database
from doorkeep.store.tables import client_sessions, user_sessions
from store_factories import add_client, add_client_session, add_realm, add_user, add_user_session, new_id

pytestmark = pytest.mark.anyio


async def _counted_and_stored(db: Database, client: Client) -> tuple[int, int]:
    async with db.transaction(write=False) as tx:
        counted = await tx.sessions.count_with_client(client.id, True)
    async with db.engine.connect() as conn:
        stored = (
            await conn.execute(
                select(func.count())
                .select_from(client_sessions)
                .where(client_sessions.c.client_id == client.id, client_sessions.c.offline.is_(True))
            )
        ).scalar_one()
    return counted, int(stored)


async def test_cleaner_batches_keep_the_counter_of_every_client_exact(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        app, other = await add_client(tx, realm), await add_client(tx, realm, "other")
        user = await add_user(tx, realm)
        for number in range(23):  # stale: last refreshed at 100 + number
            session = await add_user_session(tx, user, offline=True, started=10, last_refresh=100 + number)
            await add_client_session(tx, session, app)
            if number % 3 == 0:
                await add_client_session(tx, session, other)
        for _ in range(4):  # fresh
            session = await add_user_session(tx, user, offline=True, started=10, last_refresh=5000)
            await add_client_session(tx, session, app)
            await add_client_session(tx, session, other)
    assert await _counted_and_stored(db, app) == (27, 27)
    assert await _counted_and_stored(db, other) == (12, 12)
    removed: list[int] = []
    while not removed or removed[-1]:
        async with db.transaction() as tx:
            removed.append(await tx.sessions.delete_expired(realm.id, True, idle_before=1000, limit=10))
        assert (await _counted_and_stored(db, app))[0] == (await _counted_and_stored(db, app))[1]
    assert removed == [10, 10, 3, 0]
    assert await _counted_and_stored(db, app) == (4, 4)
    assert await _counted_and_stored(db, other) == (4, 4)


async def test_a_many_row_insert_and_a_users_cascade_keep_the_counter_exact(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        app = await add_client(tx, realm)
        user, bob = await add_user(tx, realm), await add_user(tx, realm, "bob")
    ids = [new_id() for _ in range(40)]
    owners = [user if number % 2 else bob for number in range(40)]
    async with db.engine.begin() as conn:  # two statements of 40 rows each
        await conn.execute(
            insert(user_sessions),
            [
                {
                    "id": sid,
                    "offline": True,
                    "realm_id": realm.id,
                    "user_id": owner.id,
                    "login_username": owner.username,
                    "ip_address": "127.0.0.1",
                    "auth_method": "openid-connect",
                    "remember_me": False,
                    "started": 10,
                    "last_session_refresh": 10,
                    "broker_session_id": None,
                    "notes": {},
                }
                for sid, owner in zip(ids, owners, strict=True)
            ],
        )
        await conn.execute(
            insert(client_sessions).from_select(
                ["user_session_id", "offline", "client_id", "started", "timestamp", "redirect_uri", "notes"],
                select(
                    user_sessions.c.id,
                    user_sessions.c.offline,
                    func.cast(literal(app.id, client_sessions.c.client_id.type), client_sessions.c.client_id.type),
                    user_sessions.c.started,
                    user_sessions.c.last_session_refresh,
                    func.cast(null(), client_sessions.c.redirect_uri.type),
                    user_sessions.c.notes,
                ).where(user_sessions.c.realm_id == realm.id),
            )
        )
    assert await _counted_and_stored(db, app) == (40, 40)
    async with db.transaction() as tx:
        await tx.users.delete(bob.id)
    assert await _counted_and_stored(db, app) == (20, 20)
