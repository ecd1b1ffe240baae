"""The user-event store (Keycloak's JPA event store): append, query newest first, clear, expire."""

from __future__ import annotations

import builtins
from collections.abc import Sequence

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from doorkeep.model import Event
from doorkeep.store.tables import events


class EventRepo:
    def __init__(self, conn: AsyncConnection) -> None:
        self._c = conn

    async def add(self, event: Event) -> None:
        await self._c.execute(insert(events), {**event.__dict__, "details": dict(event.details)})

    async def add_many(self, added: Sequence[Event]) -> None:
        """These events, in one statement (one row alone as ``add``)."""
        rows = [{**event.__dict__, "details": dict(event.details)} for event in added]
        if rows:
            await self._c.execute(insert(events), rows if len(rows) > 1 else rows[0])

    async def find(
        self,
        realm_id: str,
        types: Sequence[str] = (),
        client: str | None = None,
        user: str | None = None,
        date_from: int | None = None,
        date_to: int | None = None,
        ip: str | None = None,
        first: int | None = None,
        max: int | None = None,  # Keycloak's parameter names
        *,
        ascending: bool = False,
    ) -> builtins.list[Event]:
        """Events matching every given filter (dates in ms, inclusive), newest first (oldest with ``ascending``).

        Negative or absent ``first``/``max`` mean no bound. Ties in time are broken by id so that
        paging is stable.
        """
        if any(v is not None and "\x00" in v for v in (client, user, ip)):  # no event has one: none on both engines
            return []  # (PostgreSQL refuses a NUL in a text: it answered 400 "Invalid input")
        query = select(events).where(events.c.realm_id == realm_id)
        if types:
            query = query.where(events.c.type.in_(list(types)))
        if client is not None:
            query = query.where(events.c.client_id == client)
        if user is not None:
            query = query.where(events.c.user_id == user)
        if date_from is not None:
            query = query.where(events.c.time >= date_from)
        if date_to is not None:
            query = query.where(events.c.time <= date_to)
        if ip is not None:
            query = query.where(events.c.ip_address == ip)
        order = (events.c.time.asc(), events.c.id.asc()) if ascending else (events.c.time.desc(), events.c.id.desc())
        query = query.order_by(*order)
        if first is not None and first > 0:
            query = query.offset(first)
        if max is not None and max >= 0:
            query = query.limit(max)
        rows = await self._c.execute(query)
        return [Event(**{**dict(r._mapping), "details": dict(r.details or {})}) for r in rows]

    async def clear(self, realm_id: str) -> None:
        await self._c.execute(delete(events).where(events.c.realm_id == realm_id))

    async def purge_older_than(self, realm_id: str, ms: int) -> int:
        """Delete the realm's events recorded before ``ms``; returns how many went."""
        result = await self._c.execute(delete(events).where(events.c.realm_id == realm_id, events.c.time < ms))
        return int(result.rowcount or 0)
