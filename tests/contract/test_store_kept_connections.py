"""Both engines keep their connections between transactions (store/sqlite_engine.py, store/database.py):
what a kept connection carries into the next transaction, on SQLite and on PostgreSQL alike.

A request that fails or is cancelled leaves nothing behind on the connection it gives back; a change
committed by another worker (another ``Database`` on the same database) is seen through a connection
kept before it was made.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import bindparam, text

from doorkeep.store.database import Database
from doorkeep.store.prepared import Prepared

pytestmark = pytest.mark.anyio

INSERT = Prepared(text("INSERT INTO probe VALUES (:note)").bindparams(bindparam("note")))


@pytest.fixture
async def probed(db: Database) -> AsyncIterator[Database]:
    async with db.transaction() as tx:
        await tx.realms._c.execute(text("CREATE TABLE probe (note TEXT)"))
    yield db


async def notes(db: Database) -> list[str]:
    async with db.transaction(write=False) as tx:
        return [row[0] for row in await tx.realms._c.execute(text("SELECT note FROM probe ORDER BY note"))]


async def test_a_failed_or_cancelled_transaction_leaves_nothing_and_its_connection_reusable(probed: Database) -> None:
    """A request that fails or is cancelled (client gone) between BEGIN and COMMIT: its writes, prepared
    and through SQLAlchemy, are rolled back, and the connection it gave back starts the next one cleanly."""
    async with probed.transaction() as tx:
        kept = tx.realms._c
    with pytest.raises(RuntimeError):
        async with probed.transaction() as tx:
            await INSERT.execute(tx.realms._c, {"note": "prepared, then a failure"})
            await tx.realms._c.execute(text("INSERT INTO probe VALUES ('through SQLAlchemy')"))
            raise RuntimeError("the request failed")

    started = asyncio.Event()

    async def slow_request() -> None:
        async with probed.transaction() as tx:
            await INSERT.execute(tx.realms._c, {"note": "prepared, then cancelled"})
            started.set()
            await asyncio.sleep(30)

    task = asyncio.create_task(slow_request())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    for _ in range(3):  # the same (last-in, first-out) kept connection, used again
        async with probed.transaction() as tx:
            assert tx.realms._c is kept
            await INSERT.execute(tx.realms._c, {"note": "committed"})
    assert await notes(probed) == ["committed"] * 3


async def test_a_change_by_another_worker_is_seen_through_a_kept_connection(probed: Database) -> None:
    """Two workers on one database: each keeps a connection; what one commits, the other's next
    transaction sees on the connection it kept from before, both ways, and a delete too."""
    other = Database(probed.url)
    try:
        assert await notes(probed) == [] and await notes(other) == []  # both now keep a connection
        async with probed.transaction() as tx:
            kept = tx.realms._c
        async with other.transaction() as tx:
            await INSERT.execute(tx.realms._c, {"note": "from the other worker"})
        async with probed.transaction(write=False) as tx:
            assert tx.realms._c is kept
            rows = await tx.realms._c.execute(text("SELECT note FROM probe"))
            assert [row[0] for row in rows] == ["from the other worker"]
            await asyncio.sleep(0)
        async with probed.transaction() as tx:
            await INSERT.execute(tx.realms._c, {"note": "from this worker"})
        assert await notes(other) == ["from the other worker", "from this worker"]
        async with other.transaction() as tx:
            await tx.realms._c.execute(text("DELETE FROM probe"))
        assert await notes(probed) == []
    finally:
        await other.dispose()
