"""Protocol mappers of clients and client scopes (Keycloak's PROTOCOL_MAPPER table)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from doorkeep.model import Client, ClientScope, ProtocolMapper
from doorkeep.store.tables import protocol_mappers as pm

T = TypeVar("T", Client, ClientScope)


def _mapper(row: Any) -> ProtocolMapper:
    return ProtocolMapper(
        id=row.id,
        name=row.name,
        mapper=row.mapper,
        protocol=row.protocol,
        config={str(k): str(v) for k, v in (row.config or {}).items()},
    )


class MapperRepo:
    def __init__(self, conn: AsyncConnection) -> None:
        self._c = conn

    async def of_owners(self, owner_ids: Iterable[str]) -> dict[str, tuple[ProtocolMapper, ...]]:
        """The mappers of each client or client scope, in creation order (by name within it)."""
        ids = list(dict.fromkeys(owner_ids))
        if not ids:
            return {}
        rows = await self._c.execute(
            select(pm).where(or_(pm.c.client_id.in_(ids), pm.c.scope_id.in_(ids))).order_by(pm.c.name, pm.c.id)
        )
        out: dict[str, list[ProtocolMapper]] = {}
        for row in rows:
            out.setdefault(row.client_id or row.scope_id, []).append(_mapper(row))
        return {owner: tuple(found) for owner, found in out.items()}

    async def of_types(self, realm_id: str, types: Iterable[str]) -> list[tuple[str, ProtocolMapper]]:
        """The realm's mappers of these types, clients' and client scopes' alike, each with its owner's id."""
        rows = await self._c.execute(
            select(pm).where(pm.c.realm_id == realm_id, pm.c.mapper.in_(list(types))).order_by(pm.c.id)
        )
        return [(row.client_id or row.scope_id, _mapper(row)) for row in rows]

    async def attach(self, items: Sequence[T]) -> list[T]:
        """Clients or client scopes with their ``protocol_mappers`` filled in from the table."""
        found = await self.of_owners(item.id for item in items)
        return [dataclasses.replace(item, protocol_mappers=found.get(item.id, ())) for item in items]

    async def get(self, mapper_id: str) -> tuple[str, ProtocolMapper] | None:
        """A mapper and the id of the client or client scope it belongs to."""
        row = (await self._c.execute(select(pm).where(pm.c.id == mapper_id))).first()
        return (row.client_id or row.scope_id, _mapper(row)) if row else None

    async def add(self, realm_id: str, owner_id: str, mapper: ProtocolMapper, *, client: bool) -> None:
        await self.add_many(realm_id, owner_id, (mapper,), client=client)

    async def add_many(self, realm_id: str, owner_id: str, mappers: Sequence[ProtocolMapper], *, client: bool) -> None:
        """The mappers of one client or client scope, in one statement (a new realm's scopes bring ~30)."""
        from doorkeep.store.realms import bump

        if not mappers:
            return
        await bump(self._c, realm_id)
        rows = [
            {
                "id": mapper.id,
                "realm_id": realm_id,
                "client_id": owner_id if client else None,
                "scope_id": None if client else owner_id,
                "name": mapper.name,
                "protocol": mapper.protocol,
                "mapper": mapper.mapper,
                "config": dict(mapper.config),
            }
            for mapper in mappers
        ]
        await self._c.execute(insert(pm), rows)

    async def update(self, realm_id: str, mapper: ProtocolMapper) -> None:
        from doorkeep.store.realms import bump

        await bump(self._c, realm_id)
        await self._c.execute(
            update(pm)
            .where(pm.c.id == mapper.id)
            .values(name=mapper.name, protocol=mapper.protocol, mapper=mapper.mapper, config=dict(mapper.config))
        )

    async def delete(self, realm_id: str, mapper_id: str) -> None:
        from doorkeep.store.realms import bump

        await bump(self._c, realm_id)
        await self._c.execute(delete(pm).where(pm.c.id == mapper_id))
