"""Claiming a run of a periodic task, once per interval across every process and node on the database."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from doorkeep.store.tables import scheduled_tasks


class ScheduledTaskRepo:
    def __init__(self, conn: AsyncConnection, is_sqlite: bool) -> None:
        self._c = conn
        self._sqlite = is_sqlite

    async def claim(self, name: str, now: int, interval: int) -> bool:
        """Record a run of ``name`` at ``now`` and say True, unless one was recorded less than half an
        ``interval`` before (another process runs it this time; half, so that processes waking at different
        offsets of the same interval still run it once per interval, and a process that died is replaced
        at the next interval)."""
        due = now - interval // 2
        claimed = await self._c.execute(
            update(scheduled_tasks)
            .where(scheduled_tasks.c.name == name, scheduled_tasks.c.last_run <= due)
            .values(last_run=now)
        )
        if claimed.rowcount == 1:
            return True
        first = (sqlite.insert if self._sqlite else postgresql.insert)(scheduled_tasks)
        inserted = await self._c.execute(
            first.values(name=name, last_run=now).on_conflict_do_nothing(index_elements=["name"])
        )
        return inserted.rowcount == 1
