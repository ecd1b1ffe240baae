"""SQLite on the event loop's thread (store/sqlite_engine.py): lock waits yield to the loop and are bounded.

"Another process" is a real one: a Python child holding ``BEGIN IMMEDIATE`` on the same file.
"""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast

import pytest
from sqlalchemy import bindparam, text
from sqlalchemy.exc import OperationalError

from doorkeep.store import sqlite_engine
from doorkeep.store.database import Database
from doorkeep.store.prepared import Prepared
from doorkeep.store.tx import Tx

pytestmark = pytest.mark.anyio

HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT INTO probe VALUES ('from the other process')")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("COMMIT")
conn.close()
"""


@contextmanager
def other_process_holding_the_write_lock(path: Path) -> Iterator[subprocess.Popen[str]]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        yield holder
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.wait()
        for stream in (holder.stdin, holder.stdout):
            if stream is not None:
                stream.close()


def release(holder: subprocess.Popen[str]) -> None:
    assert holder.stdin is not None
    holder.stdin.write("\n")
    holder.stdin.flush()
    holder.wait()


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    db = Database(f"sqlite:///{tmp_path / 'inline.db'}")
    try:
        async with db.transaction() as tx:
            await tx.realms._c.execute(text("CREATE TABLE probe (note TEXT)"))
        yield db
    finally:
        await db.dispose()


async def notes(db: Database) -> list[str]:
    async with db.transaction(write=False) as tx:
        return [row[0] for row in await tx.realms._c.execute(text("SELECT note FROM probe ORDER BY rowid"))]


async def test_plain_sqlite_urls_get_the_engine_run_on_the_loop(database: Database) -> None:
    assert isinstance(database.engine, sqlite_engine.SqliteEngine)
    assert database.engine.dialect.driver == "pysqlite"


async def test_a_writer_waiting_for_another_process_leaves_the_event_loop_running(
    database: Database, tmp_path: Path
) -> None:
    async def write() -> None:
        async with database.transaction() as tx:
            await tx.realms._c.execute(text("INSERT INTO probe VALUES ('from this process')"))

    with other_process_holding_the_write_lock(tmp_path / "inline.db") as holder:
        waiting = asyncio.create_task(write())
        for _ in range(20):  # the loop keeps turning while the writer waits for the lock
            await asyncio.sleep(0.01)
        assert not waiting.done()
        release(holder)
        await waiting
    assert await notes(database) == ["from the other process", "from this process"]


async def test_a_lock_held_past_the_bound_fails_as_database_is_locked(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_engine, "BUSY_TIMEOUT", 0.05)
    with other_process_holding_the_write_lock(tmp_path / "inline.db") as holder:
        with pytest.raises(OperationalError, match="database is locked"):
            async with database.transaction():
                pass
        release(holder)
    async with database.transaction() as tx:  # the connection is usable again once the lock is gone
        await tx.realms._c.execute(text("INSERT INTO probe VALUES ('after')"))
    assert await notes(database) == ["from the other process", "after"]


async def test_readers_are_not_blocked_by_another_process_writing(database: Database, tmp_path: Path) -> None:
    with other_process_holding_the_write_lock(tmp_path / "inline.db") as holder:
        assert await notes(database) == []  # WAL: the committed state, without waiting
        release(holder)
    assert await notes(database) == ["from the other process"]


async def test_an_in_memory_database_is_one_database_across_transactions() -> None:
    memory = Database("sqlite:///:memory:")  # one connection holds it: every transaction must get that one
    try:
        await memory.migrate()
        async with memory.transaction() as tx:
            await tx.realms._c.execute(text("CREATE TABLE probe (note TEXT)"))
            await tx.realms._c.execute(text("INSERT INTO probe VALUES ('kept')"))
        assert await notes(memory) == ["kept"]
    finally:
        await memory.dispose()


async def test_a_commit_that_fails_leaves_its_connection_rolled_back_for_the_next_request(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pool does not reset connections (``pool_reset_on_return=None``): the connection rolls back
    whatever a failed COMMIT left open before it goes back, and the write lock is released."""
    insert = Prepared(text("INSERT INTO probe VALUES (:note)").bindparams(bindparam("note")))

    async def failing_commit(self: sqlite_engine.SqliteConnection) -> None:
        raise OperationalError("COMMIT", None, sqlite3.OperationalError("disk I/O error"))

    with monkeypatch.context() as patch:
        patch.setattr(sqlite_engine.SqliteConnection, "commit", failing_commit)
        for through_sqlalchemy in (False, True):
            with pytest.raises(OperationalError, match="disk I/O error"):
                async with database.transaction() as tx:
                    await insert.execute(tx.realms._c, {"note": "never committed"})
                    if through_sqlalchemy:
                        await tx.realms._c.execute(text("INSERT INTO probe VALUES ('nor this')"))
    for _ in range(3):  # the same (last-in, first-out) pooled connection starts the next ones cleanly
        async with database.transaction() as tx:
            await insert.execute(tx.realms._c, {"note": "committed"})
    assert await notes(database) == ["committed"] * 3


def pooled(tx: Tx) -> sqlite_engine.SqliteConnection:
    """The transaction's connection: Tx types it an AsyncConnection, on SQLite it is a SqliteConnection."""
    conn: object = tx.realms._c
    assert isinstance(conn, sqlite_engine.SqliteConnection)
    return conn


def idle_connections(db: Database) -> list[sqlite3.Connection]:
    engine = db.engine
    assert isinstance(engine, sqlite_engine.SqliteEngine)
    return [conn.dbapi for conn in engine._idle]


async def test_a_connection_serves_transaction_after_transaction_and_overlapping_ones_get_their_own(
    database: Database,
) -> None:
    """The engine keeps its connections itself (issue #8): the next transaction takes the last one given
    back, with its open ``sqlite3`` connection; transactions that overlap never share one."""
    async with database.transaction() as tx:
        first = pooled(tx).dbapi
    for write in (True, False, True):
        async with database.transaction(write=write) as tx:
            assert pooled(tx).dbapi is first

    inside = asyncio.Event()
    held: list[sqlite3.Connection] = []

    async def holding() -> None:
        async with database.transaction(write=False) as tx:
            held.append(pooled(tx).dbapi)
            inside.set()
            await asyncio.sleep(0.05)

    task = asyncio.create_task(holding())
    await inside.wait()
    async with database.transaction(write=False) as tx:
        assert pooled(tx).dbapi is not held[0]
    await task
    assert len(set(map(id, idle_connections(database)))) == len(idle_connections(database)) == 2


async def test_no_more_than_the_pool_size_is_kept_and_dispose_closes_them(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_engine, "POOL_SIZE", 3)
    release = asyncio.Event()
    opened: list[sqlite3.Connection] = []

    async def reader() -> None:
        async with database.transaction(write=False) as tx:
            opened.append(pooled(tx).dbapi)
            await release.wait()

    tasks = [asyncio.create_task(reader()) for _ in range(6)]
    while len(opened) < 6:
        await asyncio.sleep(0.001)
    release.set()
    await asyncio.gather(*tasks)
    kept = idle_connections(database)
    assert len(kept) == 3 and all(any(conn is o for o in opened) for conn in kept)
    closed = [conn for conn in opened if not any(conn is k for k in kept)]
    for conn in closed:  # the three beyond the pool size were closed when given back
        with pytest.raises(sqlite3.ProgrammingError):
            conn.execute("SELECT 1")
    await database.dispose()
    assert idle_connections(database) == []
    for conn in kept:
        with pytest.raises(sqlite3.ProgrammingError):
            conn.execute("SELECT 1")


async def test_a_connection_that_cannot_roll_back_is_not_used_again(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A COMMIT fails and so does the ROLLBACK after it: that connection is invalidated, not kept, and
    the next transaction opens a fresh one."""

    async def failing_commit(self: sqlite_engine.SqliteConnection) -> None:
        raise OperationalError("COMMIT", None, sqlite3.OperationalError("disk I/O error"))

    class Broken:
        """The real connection, except that rolling back fails."""

        def __init__(self, inner: sqlite3.Connection) -> None:
            self.inner = inner

        @property
        def in_transaction(self) -> bool:
            return self.inner.in_transaction

        def rollback(self) -> None:
            raise sqlite3.OperationalError("disk I/O error")

    async with database.transaction() as tx:
        before = pooled(tx)
    with monkeypatch.context() as patch:
        patch.setattr(sqlite_engine.SqliteConnection, "commit", failing_commit)
        with pytest.raises(OperationalError, match="disk I/O error"):
            async with database.transaction() as tx:
                assert pooled(tx) is before
                await tx.realms._c.execute(text("INSERT INTO probe VALUES ('never committed')"))
                real = before.dbapi
                before.dbapi = cast(sqlite3.Connection, Broken(real))  # the stand-in, see Broken
    assert idle_connections(database) == []
    with pytest.raises(sqlite3.ProgrammingError):  # invalidated: SQLAlchemy's pool closed it
        real.execute("SELECT 1")
    async with database.transaction() as tx:
        assert pooled(tx) is not before
        await tx.realms._c.execute(text("INSERT INTO probe VALUES ('committed')"))
    assert await notes(database) == ["committed"]
