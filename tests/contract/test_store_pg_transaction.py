"""PostgreSQL: a transaction whose statements are all prepared begins, commits and rolls back on asyncpg
itself (store/pg_transaction.py), SQLAlchemy's ``Connection`` never in a transaction. Whatever fails inside
it (a unique violation, one found only at COMMIT, a backend ended mid-request, a deadlock; a cancelled
request in test_store_kept_connections.py) leaves nothing half-written, answers what the SQLAlchemy transaction answered (the same error
classes, a 503 for a lost connection or a deadlock), and leaves the pool handing out clean connections.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import bindparam, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from contract.test_store_pg_connections import terminate
from doorkeep.store.database import Database, is_duplicate
from doorkeep.store.prepared import Prepared
from doorkeep.store.tx import Tx
from doorkeep.web.unavailable import database_unavailable

pytestmark = [pytest.mark.anyio, pytest.mark.postgres]

INSERT = Prepared(text("INSERT INTO probe (note) VALUES (:note)").bindparams(bindparam("note")))
LATER = Prepared(text("INSERT INTO probe_later (note) VALUES (:note)").bindparams(bindparam("note")))
BUMP = Prepared(text("UPDATE probe SET hits = hits + 1 WHERE note = :note").bindparams(bindparam("note")))
BACKEND = Prepared(text("SELECT pg_backend_pid()"))


@pytest.fixture
async def database(postgres_url: str) -> AsyncIterator[Database]:
    db = Database(postgres_url, pool_size=3)
    try:
        async with db.transaction() as tx:  # through SQLAlchemy (autobegun, then committed by it)
            await tx.realms._c.execute(text("CREATE TABLE probe (note TEXT UNIQUE, hits INT NOT NULL DEFAULT 0)"))
            await tx.realms._c.execute(
                text("CREATE TABLE probe_later (note TEXT UNIQUE DEFERRABLE INITIALLY DEFERRED)")
            )
        yield db
    finally:
        await db.dispose()


async def backend(tx: Tx) -> int:
    """This transaction's backend, asked through a prepared statement (SQLAlchemy stays out of it)."""
    return int((await BACKEND.execute(tx.realms._c, {})).scalar())


async def notes(db: Database) -> list[str]:
    async with db.transaction(write=False) as tx:
        rows = await tx.realms._c.execute(
            text("SELECT note FROM probe UNION ALL SELECT note FROM probe_later ORDER BY 1")
        )
        return [row[0] for row in rows]


async def clean_on(db: Database, pid: int | None) -> None:
    """The next transaction gets a live connection (``pid``'s when given: the same one, kept) and commits."""
    async with db.transaction() as tx:
        assert pid is None or await backend(tx) == pid
        await INSERT.execute(tx.realms._c, {"note": "next"})
    assert "next" in await notes(db)


async def test_prepared_statements_alone_commit_and_roll_back_without_sqlalchemys_transaction(
    database: Database,
) -> None:
    async with database.transaction() as tx:
        conn = tx.realms._c
        await INSERT.execute(conn, {"note": "kept"})
        assert not conn.in_transaction()  # the transaction is asyncpg's alone
        pid = await backend(tx)
    with pytest.raises(RuntimeError):
        async with database.transaction() as tx:
            await INSERT.execute(tx.realms._c, {"note": "rolled back"})
            raise RuntimeError("the request failed")
    assert await notes(database) == ["kept"]
    await clean_on(database, pid)


@pytest.mark.parametrize("found", ["at the statement", "at the commit"])
async def test_a_unique_violation_writes_nothing_and_keeps_the_connection(database: Database, found: str) -> None:
    """Found by the statement, or only by the COMMIT (a deferred constraint, as the revocation triggers are):
    SQLAlchemy's error either way, without the values."""
    twice = INSERT if found == "at the statement" else LATER
    async with database.transaction() as tx:
        pid = await backend(tx)
    with pytest.raises(IntegrityError) as caught:
        async with database.transaction() as tx:
            await INSERT.execute(tx.realms._c, {"note": "with the twins"})
            await twice.execute(tx.realms._c, {"note": "twin"})
            await twice.execute(tx.realms._c, {"note": "twin"})
    assert is_duplicate(caught.value) and not database_unavailable(caught.value) and "twin" not in str(caught.value)
    assert await notes(database) == []
    await clean_on(database, pid)


@pytest.mark.parametrize("when", ["before a statement", "before the commit"])
async def test_a_backend_ended_mid_request_writes_nothing_and_is_a_503(database: Database, when: str) -> None:
    async with database.transaction() as tx:
        pid = await backend(tx)
    with pytest.raises(DBAPIError) as caught:
        async with database.transaction() as tx:
            await INSERT.execute(tx.realms._c, {"note": "lost"})
            await terminate(database.url, {pid})
            if when == "before a statement":
                await INSERT.execute(tx.realms._c, {"note": "never sent"})
    assert database_unavailable(caught.value)
    assert await notes(database) == []
    await clean_on(database, None)
    async with database.transaction() as tx:
        assert await backend(tx) != pid


async def test_a_deadlock_between_prepared_writes_is_a_503_and_the_other_commits(database: Database) -> None:
    async with database.transaction() as tx:
        for note in ("a", "b"):
            await INSERT.execute(tx.realms._c, {"note": note})
    both_hold_one = asyncio.Barrier(2)

    async def lock(first: str, second: str) -> None:
        async with database.transaction() as tx:
            await BUMP.execute(tx.realms._c, {"note": first})
            await both_hold_one.wait()
            await BUMP.execute(tx.realms._c, {"note": second})

    outcomes = await asyncio.gather(lock("a", "b"), lock("b", "a"), return_exceptions=True)
    failed = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(failed) == 1 and isinstance(failed[0], DBAPIError), outcomes
    assert database_unavailable(failed[0])
    async with database.transaction(write=False) as tx:  # the survivor's two updates, and only its
        assert [r[0] for r in await tx.realms._c.execute(text("SELECT hits FROM probe ORDER BY note"))] == [1, 1]
    await clean_on(database, None)
