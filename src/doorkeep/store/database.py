"""The engine, migrations and the one-transaction-per-request unit of work."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import AsyncIterator
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DataError, DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from doorkeep import observe
from doorkeep.store import sqlite_engine
from doorkeep.store.config_cache import ConfigCache
from doorkeep.store.pg_connections import KeptConnections
from doorkeep.store.realms import apply_bumps, deferring_bumps
from doorkeep.store.refusals import is_duplicate as is_duplicate  # where it was first defined
from doorkeep.store.sqlite_engine import SqliteEngine
from doorkeep.store.tx import Tx

if TYPE_CHECKING:
    from doorkeep.email.event_mail import EventMailer

log = logging.getLogger("doorkeep.store")
MIGRATIONS = Path(__file__).parent / "migrations"
INLINE = "sqlite+doorkeep:///"  # SQLite through store/sqlite_engine.py, on the event loop's thread
_holding_write_lock: ContextVar[bool] = ContextVar("doorkeep_sqlite_write_lock", default=False)


def async_url(db_url: str) -> str:
    """Accept Keycloak-ish and plain URLs and pick the async driver."""
    url = db_url.removeprefix("jdbc:")
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+asyncpg://" + url.split("://", 1)[1]
    if url.startswith("sqlite:///"):  # SQLite inline on the event loop (store/sqlite_engine.py)
        return INLINE + url.removeprefix("sqlite:///")
    return url


class Database:
    """One engine per process. ``transaction()`` is the unit of work the web layer opens per request."""

    def __init__(self, db_url: str, *, pool_size: int = 10) -> None:
        self.url = async_url(db_url)
        self.is_sqlite = self.url.startswith("sqlite")
        kwargs: dict[str, Any] = {}
        if not self.is_sqlite:  # at most 2 × pool_size open, as before; pool_size - 1 kept by KeptConnections
            kwargs = {"pool_size": 1, "max_overflow": 2 * pool_size - 1, "pool_pre_ping": False}
        elif self.url.startswith((INLINE, "sqlite+aiosqlite:///")):
            _create_private(self.url.split(":///", 1)[1])
        # Bind parameters (keys, secrets, password hashes) never appear in SQL error messages or echo.
        # SqliteEngine offers the part of AsyncEngine's API used here (connect, begin, dispose, sync_engine).
        self.engine: AsyncEngine = (
            cast(AsyncEngine, SqliteEngine(self.url.removeprefix(INLINE)))
            if self.url.startswith(INLINE)
            else create_async_engine(self.url, hide_parameters=True, **kwargs)
        )
        self._write_lock = asyncio.Lock()
        self.config_cache = ConfigCache()
        self.event_mailer: EventMailer | None = None  # the ``email`` event listener (app.create_app sets it)
        # Connections kept between transactions: PostgreSQL's here, SQLite's by its engine.
        self.pool_size = sqlite_engine.POOL_SIZE if self.is_sqlite else pool_size
        self.kept = KeptConnections(pool_size - 1)
        if self.is_sqlite and self._inline() is None:  # an explicit sqlite+aiosqlite:// URL
            _configure_sqlite(self.engine)

    async def migrate(self) -> None:
        """Apply Alembic migrations up to head (serialised across processes on PostgreSQL)."""
        inline = self._inline()
        if inline is not None:  # one write transaction: SQLite's lock serialises processes
            async with inline.begin() as sqlite_conn:
                await sqlite_conn.run_sync(_upgrade)
            return
        async with self.engine.connect() as conn:
            if not self.is_sqlite:
                await conn.exec_driver_sql("SELECT pg_advisory_lock(727274)")
            try:
                await conn.run_sync(_upgrade)
                await conn.commit()
            finally:
                if not self.is_sqlite:
                    await conn.exec_driver_sql("SELECT pg_advisory_unlock(727274)")
                    await conn.commit()

    def _tx(self, conn: AsyncConnection, is_sqlite: bool, write: bool) -> Tx:
        tx = Tx(conn, is_sqlite, self.config_cache, write=write)
        tx.event_mailer = self.event_mailer
        return tx

    @contextlib.asynccontextmanager
    async def transaction(self, *, write: bool = True) -> AsyncIterator[Tx]:
        """Commit on success, roll back on any exception (the caller decides what is an answer).

        On SQLite, writers of this process queue on an asyncio lock before ``BEGIN IMMEDIATE``:
        SQLite still serialises them (and authorises), but they no longer spin in its busy handler,
        whose retry sleeps grow to 100 ms.
        """
        locking = self.is_sqlite and write and not _holding_write_lock.get()
        if locking:
            await self._write_lock.acquire()
        token = _holding_write_lock.set(True) if locking else None
        started = time.perf_counter()
        observer = observe.current()
        observer.connections_in_use(1)
        try:
            inline = self._inline()
            if inline is not None:  # two generators deep, not four (issue #8)
                async with inline.begin(write) as sqlite_conn:
                    conn = cast(AsyncConnection, sqlite_conn)
                    with deferring_bumps(conn) as pending:
                        yield (tx := self._tx(conn, True, write))
                        await apply_bumps(conn, pending)
            elif not self.is_sqlite:
                async with self.kept.begin(self.engine) as conn:  # bumps deferred there, under the same rule
                    yield (tx := self._tx(conn, False, write))
            else:
                async with self.engine.connect() as conn:
                    conn = await conn.execution_options(doorkeep_write=write)
                    async with conn.begin():
                        with deferring_bumps(conn) as pending:
                            yield (tx := self._tx(conn, self.is_sqlite, write))
                            await apply_bumps(conn, pending)
        finally:
            observer.connections_in_use(-1)
            observer.transaction(write, time.perf_counter() - started)
            if token is not None:
                _holding_write_lock.reset(token)
            if locking:
                self._write_lock.release()
        for labels in tx.counted_events:  # committed: Keycloak counts user events after completion
            observer.user_event(labels)
        # Committed (an exception would have left above), the connection and the write lock given back: the mails
        # its events owe go out (email/event_mail.py).
        if tx.event_mails and self.event_mailer is not None:
            await self.event_mailer.dispatch(tx.event_mails)

    async def dispose(self) -> None:
        await self.kept.close()
        await self.engine.dispose()

    def _inline(self) -> SqliteEngine | None:
        engine: object = self.engine
        return engine if isinstance(engine, SqliteEngine) else None


def is_data_error(exc: BaseException) -> bool:
    """Whether the database refused a value itself: SQLSTATE class 22 ("data exception": a string longer
    than its column, a NUL byte in text, a number out of range). That is bad input, not a server fault."""
    if isinstance(exc, DataError):
        return True
    if isinstance(exc, DBAPIError):
        code = getattr(exc.orig, "sqlstate", None)
        return isinstance(code, str) and code.startswith("22")
    return isinstance(exc, OverflowError)  # sqlite3 refusing to bind an int beyond 64 bits


# The newest migration. A database already there is not handed to Alembic at start, whose import and
# script loading were a tenth of the time to ready (issue #8); tests/unit/test_migration_head.py keeps
# this equal to the head of migrations/versions.
HEAD_REVISION = "0056_org_invitation_roles"


def _at_head(connection: Connection) -> bool:
    if connection.dialect.name == "sqlite":
        exists = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    else:
        exists = "SELECT 1 WHERE to_regclass('alembic_version') IS NOT NULL"
    if connection.exec_driver_sql(exists).first() is None:
        return False
    versions = [row[0] for row in connection.exec_driver_sql("SELECT version_num FROM alembic_version")]
    return versions == [HEAD_REVISION]


def _upgrade(connection: Connection) -> None:
    if _at_head(connection):
        return
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, "head")


def _create_private(path: str) -> None:
    """Create the SQLite file 0600 before SQLite opens it; its -wal and -shm files then get the same mode."""
    if not path or path == ":memory:" or "?" in path or not os.path.isdir(os.path.dirname(path) or "."):
        return  # in memory, URI options, or no directory: SQLite itself decides (and reports)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)
    for suffix in ("-wal", "-shm", "-journal"):  # left over from an earlier run with a looser mode
        if os.path.exists(path + suffix):
            os.chmod(path + suffix, 0o600)


def _configure_sqlite(engine: AsyncEngine) -> None:
    """aiosqlite (an explicit ``sqlite+aiosqlite://`` URL): WAL, foreign keys, and BEGIN IMMEDIATE for
    writing transactions: SQLite's write lock is our row lock."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")  # aiosqlite's own thread may block
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("doorkeep_write", True)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
