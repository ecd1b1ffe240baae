"""A prepared statement on asyncpg itself, inside SQLAlchemy's transaction (issue #8).

Through ``AsyncConnection.execute`` a one-row statement of the token path cost about 250 µs on the
benchmark machine, of which asyncpg's own round trip was about 100: the rest is the greenlet hop
into SQLAlchemy's synchronous core and back, and its execution context. Here the statement runs on
the asyncpg connection under SQLAlchemy's adapter, the way the adapter's cursor runs it:

- under the adapter's mutex, and after its ``BEGIN`` (started here if this is the transaction's
  first statement that writes or locks), so it is part of the transaction SQLAlchemy commits or rolls
  back. A plain read (``reads``: a SELECT that neither locks nor writes) met before any such statement
  runs on its own, before the ``BEGIN`` (a transaction that only reads sends none; store/pg_connections.py);
- prepared once per connection through the adapter's statement cache (shared with SQLAlchemy's own
  statements, and invalidated with it);
- an error is translated as the adapter translates it, then wrapped by ``DBAPIError.instance`` with
  the parameters hidden; a lost connection is invalidated, as SQLAlchemy's ``execute`` would.

This reaches into the adapter (``_execute_mutex``, ``_transaction``, ``_start_transaction``,
``_prepare``, ``_handle_exception``) of the pinned SQLAlchemy; tests/contract/test_store_prepared.py
checks on PostgreSQL that such a statement commits and rolls back with its transaction and that its
errors keep SQLAlchemy's classes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, NoReturn

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

_COUNT = re.compile(r"(?:SELECT|UPDATE|DELETE|INSERT \d+) (\d+)")

# The connections inside ``Database.transaction`` (store/pg_connections.py), by ``id``, whether or not their
# BEGIN has been sent yet: their prepared statements run here. Added and discarded by the one loop that uses them.
OPEN: set[int] = set()


def in_transaction(conn: AsyncConnection) -> bool:
    """Whether ``conn`` is in a transaction: SQLAlchemy's, or Doorkeep's on asyncpg (store/pg_connections.py),
    its BEGIN sent or still to come."""
    if id(conn) in OPEN or conn.in_transaction():
        return True
    sync = conn.sync_connection
    if sync is None or conn.invalidated:
        return False
    return getattr(sync.connection.dbapi_connection, "_transaction", None) is not None


async def fetch(conn: AsyncConnection, sql: str, values: Sequence[Any], reads: bool = False) -> tuple[list[Any], int]:
    """Run ``sql`` (compiled for asyncpg) with ``values`` in ``conn``'s transaction: its rows and rowcount.

    Unless ``reads``, a transaction not begun yet is begun first (BEGIN). A read runs in the transaction if it
    has begun, else on its own: under READ COMMITTED, the isolation level Doorkeep's transactions use, each
    statement sees the rows committed when it starts, inside a transaction or not, so the read sees exactly
    what it would have seen after a BEGIN; it takes no row lock either way."""
    dialect = conn.dialect
    sync = conn.sync_connection
    assert sync is not None  # the caller checked that a transaction is open
    adapted: Any = sync.connection.dbapi_connection  # checked out by the transaction: no I/O here
    try:
        async with adapted._execute_mutex:
            if adapted._transaction is None and not reads:
                await adapted._start_transaction()
            statement, _ = await adapted._prepare(sql, dialect._invalidate_schema_cache_asof)  # type: ignore[attr-defined]
            rows = await statement.fetch(*values)
            counted = _COUNT.match(statement.get_statusmsg() or "")
    except Exception as error:
        await raise_wrapped(conn, adapted, sql, error)
    return rows, int(counted.group(1)) if counted else -1


async def raise_wrapped(conn: AsyncConnection, adapted: Any, sql: str | None, error: Exception) -> NoReturn:
    """Raise ``error`` (asyncpg's) as SQLAlchemy would: the adapter's DB-API class wrapped by
    ``DBAPIError.instance``, parameters hidden, the connection invalidated when it was lost."""
    dbapi: Any = conn.dialect.dbapi
    try:
        adapted._handle_exception(error)  # raises asyncpg's error as the adapter's DB-API class
    except dbapi.Error as translated:
        lost = conn.dialect.is_disconnect(translated, adapted, None)
        if lost:  # as SQLAlchemy's own: the pool's older connections are likely gone too
            sync = conn.sync_connection
            if sync is not None and not conn.invalidated:
                sync.engine.pool._invalidate(sync.connection, translated, _checkin=False)
            await conn.invalidate(translated)
        raise DBAPIError.instance(
            sql, None, translated, dbapi.Error, hide_parameters=True, dialect=conn.dialect, connection_invalidated=lost
        ) from error
    raise AssertionError("the adapter's _handle_exception always raises")
