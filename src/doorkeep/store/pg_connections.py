"""PostgreSQL: connections kept between transactions, the last given back taken first (issue #8).

Through SQLAlchemy's pool each transaction paid a checkout and a checkin, each through a greenlet:
~60 µs of the server's CPU a transaction. ``pool_size - 1`` connections are kept here and one in
SQLAlchemy's pool (``Database`` builds it with ``pool_size=1``), which still bounds how many are open.
A transaction here sends BEGIN only once it writes, locks or goes through SQLAlchemy, and COMMIT only if it
began: a token request that only reads (a rotation-off refresh within the second, client_credentials) sends
its reads alone (store/prepared_pg.py says why that sees what a READ COMMITTED transaction would).
The SQLite engine keeps its own (store/sqlite_engine.py).

Used by one asyncio loop: no lock.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from doorkeep.store import pg_transaction, prepared_pg
from doorkeep.store.realms import apply_bumps, deferring_bumps


class KeptConnections:
    def __init__(self, keep: int) -> None:
        self.keep = keep
        self.idle: list[AsyncConnection] = []

    @contextlib.asynccontextmanager
    async def begin(self, engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
        """One transaction on a kept connection, or on a new one from ``engine`` (the database's current
        engine: a test swaps it to simulate an outage); committed when the block ends, rolled back if it
        raises, then the connection given back."""
        conn = self.idle.pop() if self.idle else await engine.connect()
        prepared_pg.OPEN.add(id(conn))
        try:
            adapted = pg_transaction.adapter(conn)
            # BEGIN is sent by the first statement that writes or locks (store/prepared_pg.py) or goes through
            # SQLAlchemy (its adapter's); plain reads before it run on their own. COMMIT and ROLLBACK on asyncpg.
            with deferring_bumps(conn) as pending:
                try:
                    yield conn
                    await apply_bumps(conn, pending)  # the realm rows last (store/realms.py ``bump``)
                except BaseException:
                    await pg_transaction.rollback(conn, adapted)
                    raise
            await pg_transaction.commit(conn, adapted)  # none to send when it never began
        finally:
            prepared_pg.OPEN.discard(id(conn))
            await self.give_back(conn)

    async def give_back(self, conn: AsyncConnection) -> None:
        """Keep a connection whose transaction ended cleanly (up to ``keep``); close any other, and end one
        still in a transaction (SQLAlchemy's pool would not roll back a transaction its adapter does not
        know of).

        A connection SQLAlchemy invalidated (the server went away) takes the kept ones with it, as
        SQLAlchemy's pool invalidates all its connections then: they are likely gone too, and each
        would otherwise fail one request before being dropped."""
        if conn.invalidated:
            lost, self.idle = self.idle, []
            for kept in lost:
                await kept.invalidate()
                await kept.close()
            await conn.close()
        elif not _idle_driver(conn):
            if not conn.closed:  # ended, not given back: the server rolls back whatever it held open
                await conn.invalidate()
            await conn.close()
        elif len(self.idle) >= self.keep:
            await conn.close()
        else:
            self.idle.append(conn)

    async def close(self) -> None:
        """Close the kept connections (the next transaction opens a new one)."""
        idle, self.idle = self.idle, []
        for conn in idle:
            await conn.close()


def _idle_driver(conn: AsyncConnection) -> bool:
    """Whether a connection is open with no transaction, by SQLAlchemy's account and by asyncpg's own (a
    task cancelled during its COMMIT can leave asyncpg's transaction open with SQLAlchemy's ended)."""
    if conn.closed or conn.invalidated or conn.in_transaction():
        return False
    adapted: Any = conn.sync_connection.connection.dbapi_connection if conn.sync_connection else None
    driver = getattr(adapted, "driver_connection", None)
    return driver is not None and not driver.is_closed() and not driver.is_in_transaction()
