"""PostgreSQL: a transaction's BEGIN, COMMIT and ROLLBACK sent by asyncpg itself (issue #8).

Through ``AsyncConnection.begin()`` and its commit, SQLAlchemy's transaction cost a refresh about 50 µs of
the server's CPU over asyncpg's own (greenlet hops into its synchronous core and back, its transaction
objects and events). Here the transaction is the adapter's own asyncpg transaction, the one SQLAlchemy's
adapter starts before its first statement (``_transaction``), so both kinds of statement share it. It is
begun by the first statement that needs it (store/prepared_pg.py: plain reads before it run on their own):

- a prepared statement (store/prepared_pg.py) runs in it as before;
- a statement through SQLAlchemy makes SQLAlchemy's ``Connection`` begin its own transaction (autobegin),
  which adopts the adapter's open asyncpg transaction instead of sending another ``BEGIN`` (or, none open yet,
  has the adapter send it before the statement, as SQLAlchemy alone would); the end is then
  SQLAlchemy's ``commit()`` / ``rollback()``, exactly as before this module;
- otherwise (the token path: prepared statements only) COMMIT or ROLLBACK goes to asyncpg directly.

Errors are wrapped as SQLAlchemy wraps them (prepared_pg.raise_wrapped: a lost connection invalidated,
serialization failures and deadlocks keeping their SQLSTATE for web/unavailable.py's 503). A ROLLBACK that
fails leaves the connection in a state store/pg_connections.py refuses to keep; the first error is the one
raised. This reaches into the adapter of the pinned SQLAlchemy (``_transaction``, ``_start_transaction``,
``_call_and_discard``); tests/contract/test_store_pg_transaction.py checks both ends on PostgreSQL.
"""

from __future__ import annotations

import contextlib
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from doorkeep.store.prepared_pg import raise_wrapped


def adapter(conn: AsyncConnection) -> Any:
    """The asyncpg adapter under a connection checked out of SQLAlchemy's pool (no I/O)."""
    sync = conn.sync_connection
    assert sync is not None
    return sync.connection.dbapi_connection


async def commit(conn: AsyncConnection, adapted: Any) -> None:
    if conn.in_transaction():  # a statement went through SQLAlchemy: its transaction adopted ours
        await conn.commit()
        return
    transaction = adapted._transaction
    if transaction is None:  # never begun (it only read), or ended by a failure already reported
        return
    try:
        await adapted._call_and_discard(transaction.commit)
    except Exception as error:  # a deferred trigger's or constraint's error, a lost connection
        await raise_wrapped(conn, adapted, None, error)


async def rollback(conn: AsyncConnection, adapted: Any) -> None:
    """Roll back after a failure or a cancellation; a failed ROLLBACK is left for the pool to see."""
    if conn.in_transaction():
        await conn.rollback()
        return
    transaction = adapted._transaction
    if transaction is None or conn.invalidated:
        return
    # The caller's error is the one to raise; store/pg_connections.py drops a connection left unclean.
    with contextlib.suppress(Exception):
        await adapted._call_and_discard(transaction.rollback)
