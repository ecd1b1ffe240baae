"""SQLite for the asyncio server, run synchronously on the event loop (issue #8).

A statement of Doorkeep's token path takes microseconds in SQLite itself. Run through
SQLAlchemy's asyncio engine, each one paid for a greenlet hop (``greenlet_spawn``), and so did the
pool checkout, ``BEGIN``, ``COMMIT`` and the connection's return: about 0.45 ms per transaction and
0.17 ms per statement on the benchmark machine, most of a token request's time outside its
signature. This module runs SQLAlchemy's *synchronous* engine (the plain ``sqlite3`` driver) on the
loop's thread instead, behind a connection whose methods are awaitable, so the repositories read the
same on SQLite and on PostgreSQL (which keeps the asyncio engine and asyncpg).

What keeps that safe:

- **No lock wait ever blocks the loop.** ``busy_timeout`` is 0, so SQLite answers SQLITE_BUSY at
  once instead of sleeping in its busy handler; the statement (or ``BEGIN IMMEDIATE``, or
  ``COMMIT``) is retried after an ``asyncio.sleep`` with growing back-off (1 ms doubling to 25 ms),
  for at most ``BUSY_TIMEOUT`` seconds in all, then "database is locked" goes up. A statement that
  answered BUSY did nothing, so running it again is the same as having waited. Another process
  (``--workers 2`` on one file) holding the write lock therefore delays one request, never the loop.
- **Writers of one process do not poll each other**: ``Database.transaction`` queues them on an
  asyncio lock before ``BEGIN IMMEDIATE`` (store/database.py).
- **The pool never waits**: a transaction takes the connection given back last (its page cache is
  warm) or opens a new one, so taking a connection cannot block the loop's thread; connections beyond
  ``POOL_SIZE`` are closed when given back. The engine keeps them itself, not SQLAlchemy's pool, whose
  checkout and checkin cost ~10 µs a transaction.
- A connection is used by one task at a time, and every call runs on the loop's thread.

The price: a slow statement (a bulk delete, an unindexed admin scan) holds the loop for its
duration; such work is batched (the cleaner) or indexed (admin reads).
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, CursorResult, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool, StaticPool

BUSY_TIMEOUT = 30.0  # seconds a statement may wait for another connection's lock, as busy_timeout did
POOL_SIZE = 10  # connections kept open between transactions
CACHE_KIB = 16 * 1024  # SQLite's page cache per connection
_RETRIED = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_BUSY | (1 << 8)}  # SQLITE_BUSY, SQLITE_BUSY_RECOVERY
_T = TypeVar("_T")


def is_busy(exc: BaseException) -> bool:
    """SQLITE_BUSY (another connection holds the lock): worth retrying. Not SQLITE_BUSY_SNAPSHOT,
    which no retry inside the same transaction can cure."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    return isinstance(orig, sqlite3.OperationalError) and getattr(orig, "sqlite_errorcode", None) in _RETRIED


async def retrying(call: Callable[[], _T]) -> _T:
    """Run ``call``; while SQLite answers BUSY, yield to the event loop and try again."""
    deadline: float | None = None
    delay = 0.001
    while True:
        try:
            return call()
        except (sqlite3.OperationalError, DBAPIError) as exc:
            if not is_busy(exc):
                raise
            now = time.monotonic()
            deadline = now + BUSY_TIMEOUT if deadline is None else deadline
            if now >= deadline:
                raise
        await asyncio.sleep(delay)
        delay = min(delay * 2, 0.025)


class SqliteConnection:
    """One pooled connection, with the awaitable part of ``AsyncConnection`` that Doorkeep uses.

    ``BEGIN`` and ``COMMIT`` go to ``sqlite3`` directly, and so do the prepared statements of the token
    path (store/prepared.py); SQLAlchemy's ``Connection`` over the same pooled connection is made only
    when another statement comes, and its own transaction is then bookkeeping around ours (pysqlite
    issues no BEGIN of its own: ``isolation_level`` is None).
    """

    __slots__ = ("_engine", "_pooled", "_sync", "dbapi", "reusable")

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self.reusable = True
        self._pooled = engine.raw_connection()
        self._sync: Connection | None = None
        dbapi = self._pooled.dbapi_connection
        assert isinstance(dbapi, sqlite3.Connection)
        self.dbapi: sqlite3.Connection = dbapi

    @property
    def sync_connection(self) -> Connection:
        if self._sync is None:
            self._sync = Connection(self._engine, connection=self._pooled)
        return self._sync

    @property
    def dialect(self) -> Any:
        return self._engine.dialect

    async def execute(self, statement: Any, parameters: Any = None) -> CursorResult[Any]:
        return await retrying(lambda: self.sync_connection.execute(statement, parameters))

    async def exec_driver_sql(self, statement: str, parameters: Any = None) -> CursorResult[Any]:
        return await retrying(lambda: self.sync_connection.exec_driver_sql(statement, parameters))

    async def scalar(self, statement: Any, parameters: Any = None) -> Any:
        return (await self.execute(statement, parameters)).scalar()

    async def run_sync(self, fn: Callable[..., _T], *args: Any) -> _T:
        return fn(self.sync_connection, *args)

    async def raw(self, sql: str, call: Callable[[sqlite3.Connection], _T]) -> _T:
        """``call`` on the ``sqlite3`` connection itself, BUSY retried on the loop; an error wrapped as
        SQLAlchemy wraps it (parameters hidden), so callers tell outage, bad input and bug apart as before."""
        try:
            return await retrying(lambda: call(self.dbapi))
        except sqlite3.Error as exc:
            raise DBAPIError.instance(
                sql, None, exc, sqlite3.Error, hide_parameters=True, dialect=self.dialect
            ) from exc

    async def start(self, write: bool) -> None:
        """``BEGIN IMMEDIATE`` (take the write lock now: it is our row lock) or a deferred ``BEGIN``."""
        sql = "BEGIN IMMEDIATE" if write else "BEGIN"
        await self.raw(sql, lambda dbapi: dbapi.execute(sql))

    async def commit(self) -> None:
        await self.raw("COMMIT", lambda dbapi: dbapi.commit())
        if self._sync is not None and self._sync.in_transaction():
            self._sync.commit()  # SQLAlchemy's bookkeeping; nothing is left to commit in SQLite

    async def rollback(self) -> None:
        if self._sync is not None and self._sync.in_transaction():
            self._sync.rollback()
        self.dbapi.rollback()

    def reset(self) -> None:
        """Ready for the next transaction: one left open (a COMMIT that failed) is rolled back. A connection
        that cannot even roll back is invalidated and never reused: the pool opens a fresh one instead."""
        try:
            if self.dbapi.in_transaction:
                self.dbapi.rollback()
        except sqlite3.Error:
            self.reusable = False
            self._pooled.invalidate()
        if self._sync is not None and self._sync.in_transaction():
            self._sync.rollback()
        if not self._pooled.is_valid:  # SQLAlchemy invalidated it (a disconnect it recognised)
            self.reusable = False

    def close(self) -> None:
        """Closed (after ``reset``)."""
        if self._sync is not None:
            self._sync.close()  # closes the pooled connection it was made over
        else:
            self._pooled.close()


class SqliteEngine:
    """The part of ``AsyncEngine`` Doorkeep uses, over a synchronous engine run on the loop's thread."""

    def __init__(self, path: str, *, hide_parameters: bool = True) -> None:
        # The engine keeps its idle connections itself (``_take``/``_give``); SQLAlchemy opens and closes.
        pooling: dict[str, Any] = {"poolclass": NullPool}
        if path in ("", ":memory:"):  # one in-memory database only exists on its one connection
            pooling = {"poolclass": StaticPool}
        self.sync_engine: Engine = create_engine(
            f"sqlite+pysqlite:///{path}",
            hide_parameters=hide_parameters,
            # Calls run on the loop's thread; the pool may still close a connection from elsewhere.
            connect_args={"check_same_thread": False, "timeout": 0.0},
            pool_reset_on_return=None,  # SqliteConnection.reset rolls back what was left open
            **pooling,
        )
        event.listen(self.sync_engine, "connect", _on_connect)
        self._idle: list[SqliteConnection] = []  # used by one asyncio loop: no lock

    @property
    def dialect(self) -> Any:
        return self.sync_engine.dialect

    @property
    def url(self) -> Any:
        return self.sync_engine.url

    def _take(self) -> SqliteConnection:
        try:
            return self._idle.pop()
        except IndexError:
            return SqliteConnection(self.sync_engine)

    def _give(self, conn: SqliteConnection) -> None:
        """Keep the connection for the next transaction (up to ``POOL_SIZE``, the last given back taken
        first) or close it."""
        conn.reset()
        if conn.reusable and len(self._idle) < POOL_SIZE:
            self._idle.append(conn)
        else:
            conn.close()

    @contextlib.asynccontextmanager
    async def connect(self) -> AsyncIterator[SqliteConnection]:
        """A connection in autocommit mode until ``start`` (each statement its own transaction)."""
        conn = self._take()
        try:
            yield conn
        finally:
            self._give(conn)

    @contextlib.asynccontextmanager
    async def begin(self, write: bool = True) -> AsyncIterator[SqliteConnection]:
        """One transaction: committed when the block ends, rolled back if it raises. One generator (not
        ``connect`` around it): every request of the server opens one (issue #8)."""
        conn = self._take()
        try:
            await conn.start(write)
            try:
                yield conn
            except BaseException:
                await conn.rollback()
                raise
            await conn.commit()
        finally:
            self._give(conn)

    async def dispose(self) -> None:
        while self._idle:
            self._idle.pop().close()
        self.sync_engine.dispose()


def _on_connect(dbapi_conn: Any, _record: Any) -> None:
    """WAL, foreign keys, no busy handler (BUSY is retried on the loop), and BEGIN issued by us."""
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=0")
    cur.execute("PRAGMA synchronous=NORMAL")
    # 16 MiB of page cache instead of SQLite's 2 MiB: a user's thousand sessions are scattered over the
    # file, and their two reads missed the small cache on most pages (11.5 ms each at 1,000,000 stored
    # sessions, 5-7 ms with this). With the pool taken last-in first-out, one connection serves almost
    # every request, so this is about one cache, not one per pooled connection.
    cur.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    cur.close()
