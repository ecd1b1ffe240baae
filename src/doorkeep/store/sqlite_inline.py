"""SQLite for the asyncio engine without a thread per connection (issue #8).

aiosqlite runs every ``sqlite3`` call on a thread of its own: each statement is several queue
hand-offs and wake-ups (cursor, execute, fetch, close), which profiles showed to be most of a
token request's cost. A statement of Doorkeep's token path takes microseconds in SQLite itself,
so this dialect (``sqlite+doorkeep:///``) runs the plain ``sqlite3`` module inline, on the event
loop, under SQLAlchemy's asyncio engine.

What keeps that safe:

- **No lock wait ever blocks the loop.** ``busy_timeout`` is 0, so SQLite answers SQLITE_BUSY at
  once instead of sleeping in its busy handler; the statement is retried after an ``asyncio.sleep``
  with growing back-off (1 ms doubling to 25 ms), for at most ``BUSY_TIMEOUT`` seconds in all, then the
  "database is locked" error goes up as before. Another process (``--workers 2`` on one file)
  holding the write lock therefore delays one request, never the whole loop.
- **Writers of one process do not poll each other**: ``Database.transaction`` queues them on an
  asyncio lock before ``BEGIN IMMEDIATE`` (store/database.py).
- A connection is used by one task at a time (SQLAlchemy's pool), and every call runs on the
  loop's thread.

The price: a slow statement (a bulk delete, an unindexed admin scan) holds the loop for its
duration; such work is batched (the cleaner) or indexed (admin reads).
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import pool
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine.interfaces import DBAPIConnection, DBAPICursor, ExecutionContext
from sqlalchemy.engine.url import URL
from sqlalchemy.util.concurrency import await_, in_greenlet

BUSY_TIMEOUT = 30.0  # seconds a statement may wait for another connection's lock, as busy_timeout did
_RETRIED = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_BUSY | (1 << 8)}  # SQLITE_BUSY, SQLITE_BUSY_RECOVERY
_T = TypeVar("_T")


def is_busy(exc: BaseException) -> bool:
    """SQLITE_BUSY (another connection holds the lock): worth retrying. Not SQLITE_BUSY_SNAPSHOT,
    which no retry inside the same transaction can cure."""
    return isinstance(exc, sqlite3.OperationalError) and getattr(exc, "sqlite_errorcode", None) in _RETRIED


async def _ready() -> None:
    """Completes without suspending: awaiting it switches greenlets but never yields to the loop."""


def retrying(call: Callable[[], _T]) -> _T:
    """Run ``call``; while SQLite answers BUSY, yield to the event loop and try again."""
    if in_greenlet():
        # SQLAlchemy's asyncio engine insists that an execute awaited something (AwaitRequired).
        await_(_ready())
    deadline: float | None = None
    delay = 0.001
    while True:
        try:
            return call()
        except sqlite3.OperationalError as exc:
            if not is_busy(exc):
                raise
            now = time.monotonic()
            deadline = now + BUSY_TIMEOUT if deadline is None else deadline
            if now >= deadline:
                raise
        if in_greenlet():
            await_(asyncio.sleep(delay))
        else:  # a synchronous caller (not the server's path): block this thread instead
            time.sleep(delay)
        delay = min(delay * 2, 0.025)


class _Cursor(sqlite3.Cursor):
    """A plain sqlite3 cursor, plus the hook SQLAlchemy's asyncio results call after an execute."""

    async def _async_soft_close(self) -> None:
        """Nothing to do: the rows stay in SQLite's statement, read synchronously on the loop."""


class _Connection(sqlite3.Connection):
    def cursor(self, factory: Any = _Cursor) -> Any:
        return super().cursor(factory)


class SQLiteDialect_doorkeep(SQLiteDialect_pysqlite):
    """The pysqlite dialect, marked async so ``create_async_engine`` accepts it, with BUSY retried."""

    driver = "doorkeep"
    is_async = True
    supports_statement_cache = True

    @classmethod
    def get_pool_class(cls, url: URL) -> type[pool.Pool]:
        if cls._is_url_file_db(url):
            return pool.AsyncAdaptedQueuePool
        return pool.StaticPool

    def create_connect_args(self, url: URL) -> Any:
        args, kwargs = super().create_connect_args(url)
        # Every call runs on the loop's thread; the pool may still close a connection from elsewhere.
        kwargs["check_same_thread"] = False
        kwargs["factory"] = _Connection
        kwargs["timeout"] = 0.0  # busy_timeout 0: BUSY is retried here, asynchronously
        return args, kwargs

    def do_execute(
        self, cursor: DBAPICursor, statement: str, parameters: Any, context: ExecutionContext | None = None
    ) -> None:
        retrying(lambda: cursor.execute(statement, parameters))

    def do_execute_no_params(
        self, cursor: DBAPICursor, statement: str, context: ExecutionContext | None = None
    ) -> None:
        retrying(lambda: cursor.execute(statement))

    def do_executemany(
        self, cursor: DBAPICursor, statement: str, parameters: Any, context: ExecutionContext | None = None
    ) -> None:
        retrying(lambda: cursor.executemany(statement, parameters))

    def do_commit(self, dbapi_connection: DBAPIConnection) -> None:
        retrying(dbapi_connection.commit)


dialect = SQLiteDialect_doorkeep


def register() -> None:
    """Make ``sqlite+doorkeep://`` URLs known to SQLAlchemy (idempotent)."""
    registry.register("sqlite.doorkeep", __name__, "SQLiteDialect_doorkeep")
