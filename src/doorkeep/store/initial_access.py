"""Initial access tokens' records (Keycloak's ClientInitialAccessModel, JpaRealmProvider's methods for it).

Spending one is a conditional ``UPDATE`` whose row count decides, so two registrations racing for the last
use of a token cannot both succeed in any number of processes.
"""

from __future__ import annotations

import builtins
from typing import Any

from sqlalchemy import and_, delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from doorkeep.model import InitialAccess
from doorkeep.store.tables import client_initial_access as table

_FIELDS = tuple(InitialAccess.__dataclass_fields__)


def _model(row: Any) -> InitialAccess:
    m = row._mapping
    return InitialAccess(**{name: m[name] for name in _FIELDS})


class InitialAccessRepo:
    def __init__(self, conn: AsyncConnection) -> None:
        self._c = conn

    async def create(self, record: InitialAccess) -> None:
        await self._c.execute(insert(table), {name: getattr(record, name) for name in _FIELDS})

    async def get(self, realm_id: str, record_id: str) -> InitialAccess | None:
        query = select(table).where(table.c.id == record_id, table.c.realm_id == realm_id)
        row = (await self._c.execute(query)).first()
        return _model(row) if row else None

    async def list(self, realm_id: str) -> builtins.list[InitialAccess]:
        query = select(table).where(table.c.realm_id == realm_id).order_by(table.c.timestamp, table.c.id)
        return [_model(r) for r in await self._c.execute(query)]

    async def delete(self, realm_id: str, record_id: str) -> None:
        await self._c.execute(delete(table).where(table.c.id == record_id, table.c.realm_id == realm_id))

    async def spend(self, record_id: str) -> bool:
        """One registration's use (decreaseRemainingCount); False when none was left."""
        result = await self._c.execute(
            update(table)
            .where(table.c.id == record_id, table.c.remaining_count > 0)
            .values(remaining_count=table.c.remaining_count - 1)
        )
        return bool(result.rowcount)

    async def purge(self, now: int) -> int:
        """removeExpiredClientInitialAccess: records past their expiration, and those with no use left."""
        expired = and_(table.c.expiration > 0, table.c.timestamp + table.c.expiration < now)
        result = await self._c.execute(delete(table).where(or_(expired, table.c.remaining_count == 0)))
        return int(result.rowcount or 0)
