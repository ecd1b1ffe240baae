"""Concurrent refreshes serialise on the client-session row lock: no lost update on either engine."""

from __future__ import annotations

import dataclasses

import anyio
import pytest

from doorkeep.store.database import Database
from store_factories import add_client, add_client_session, add_family, add_realm, add_user, add_user_session

pytestmark = pytest.mark.anyio

TASKS = 5


async def test_concurrent_locked_increments_of_a_family_use_count_are_never_lost(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        client = await add_client(tx, realm)
        user = await add_user(tx, realm)
        session = await add_user_session(tx, user, offline=True)
        cs = await add_client_session(tx, session, client)
        family = await add_family(tx, cs)

    async def increment() -> None:
        async with db.transaction() as tx:
            locked = await tx.sessions.lock_client_session(session.id, True, client.id)
            assert locked is not None
            fam = await tx.sessions.get_family(session.id, True, client.id, family.reuse_key)
            assert fam is not None
            await anyio.sleep(0.01)  # widen the window a lost update would need
            await tx.sessions.save_family(
                session.id, True, client.id, dataclasses.replace(fam, use_count=fam.use_count + 1)
            )

    async with anyio.create_task_group() as tg:
        for _ in range(TASKS):
            tg.start_soon(increment)

    async with db.transaction(write=False) as tx:
        final = await tx.sessions.get_family(session.id, True, client.id, family.reuse_key)
    assert final is not None
    assert final.use_count == TASKS
