"""A transaction PostgreSQL aborts to break a deadlock is answered 503 with Retry-After (web/unavailable.py),
not 500: two real transactions lock two realm rows in opposite orders; one commits, the other is the victim."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from doorkeep.store.database import Database
from doorkeep.web.unavailable import database_unavailable
from store_factories import add_realm

pytestmark = [pytest.mark.anyio, pytest.mark.postgres]

LOCK = text("UPDATE realms SET config_version = config_version + 1 WHERE id = :id")


async def test_a_deadlock_victim_is_retryable_and_the_other_transaction_commits(postgres_url: str) -> None:
    db = Database(postgres_url)
    try:
        await db.migrate()
        async with db.transaction() as tx:
            first, second = (await add_realm(tx, "deadlock-a")).id, (await add_realm(tx, "deadlock-b")).id
        async with db.transaction(write=False) as tx:
            start = {
                row[0]: row[1] for row in await tx.realms._c.execute(text("SELECT id, config_version FROM realms"))
            }
        both_hold_one = asyncio.Barrier(2)

        async def lock(order: tuple[str, str]) -> None:
            async with db.transaction() as tx:
                await tx.realms._c.execute(LOCK, {"id": order[0]})
                await both_hold_one.wait()
                await tx.realms._c.execute(LOCK, {"id": order[1]})

        outcomes = await asyncio.gather(lock((first, second)), lock((second, first)), return_exceptions=True)
        failed = [o for o in outcomes if isinstance(o, BaseException)]
        assert len(failed) == 1 and isinstance(failed[0], DBAPIError), outcomes
        assert "deadlock" in str(failed[0].orig).lower()
        assert database_unavailable(failed[0])
        async with db.transaction(write=False) as tx:  # the survivor's two updates, and only its
            rows = await tx.realms._c.execute(
                text("SELECT id, config_version FROM realms WHERE id IN (:a, :b)"), {"a": first, "b": second}
            )
            assert sorted(row[1] - start[row[0]] for row in rows) == [1, 1]
    finally:
        await db.dispose()
