"""PostgreSQL transaction-scoped advisory locks, by name: how the store queues a transaction behind any other doing
the same thing (login failures of one user, a realm's organization writes, its initial user, its fallback key)
without a row to lock. SQLite runs one writer at a time, so callers skip it there."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection


async def hold(conn: AsyncConnection, name: str) -> None:
    """Wait for, then hold until this transaction ends, the advisory lock ``name`` names (hashed to 64 bits)."""
    await conn.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(name, 0))))
