"""The admin-event store (Keycloak's ADMIN_EVENT_ENTITY): append, query newest first, clear, expire."""

from __future__ import annotations

import builtins
import dataclasses
import json
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from doorkeep.admin.admin_events import AdminEvent, AdminEventQuery
from doorkeep.store.tables import admin_events as t


class AdminEventRepo:
    def __init__(self, conn: AsyncConnection) -> None:
        self._c = conn

    async def add(self, event: AdminEvent) -> None:
        values = dataclasses.asdict(event)
        details = values.pop("details")
        values["details_json"] = None if details is None else json.dumps(details, separators=(",", ":"))
        await self._c.execute(insert(t), values)

    async def find(self, realm_id: str, q: AdminEventQuery) -> builtins.list[AdminEvent]:
        """Events matching every given filter, newest first unless ``q.ascending``; ties broken by id."""
        texts = (q.resource_path, q.auth_realm, q.auth_client, q.auth_user, q.auth_ip_address)
        if any(v is not None and "\x00" in v for v in texts):  # matches no event, where PostgreSQL refused the NUL
            return []  # and SQLite's LIKE ended the pattern there ('*\x00' matched every event)
        query = select(t).where(t.c.realm_id == realm_id)
        if q.operation_types:
            query = query.where(t.c.operation_type.in_(q.operation_types))
        if q.resource_types:
            query = query.where(t.c.resource_type.in_(q.resource_types))
        if q.resource_path is not None:  # Keycloak's JPA query: '*' becomes the LIKE wildcard
            pattern = q.resource_path.replace("*", "%")
            if self._c.dialect.name == "sqlite":  # SQLite's LIKE ignores case and has no escape character
                query = query.where(t.c.resource_path.op("GLOB")(like_as_glob(pattern)))
            else:
                query = query.where(t.c.resource_path.like(pattern))
        for column, value in (
            (t.c.auth_realm_id, q.auth_realm),
            (t.c.auth_client_id, q.auth_client),
            (t.c.auth_user_id, q.auth_user),
            (t.c.auth_ip_address, q.auth_ip_address),
        ):
            if value is not None:
                query = query.where(column == value)
        if q.date_from is not None:
            query = query.where(t.c.time >= q.date_from)
        if q.date_to is not None:
            query = query.where(t.c.time <= q.date_to)
        order = (t.c.time.asc(), t.c.id.asc()) if q.ascending else (t.c.time.desc(), t.c.id.desc())
        query = query.order_by(*order)
        if q.first is not None and q.first > 0:
            query = query.offset(q.first)
        if q.max is not None and q.max >= 0:
            query = query.limit(q.max)
        return [_event(dict(row._mapping)) for row in await self._c.execute(query)]

    async def clear(self, realm_id: str) -> None:
        await self._c.execute(delete(t).where(t.c.realm_id == realm_id))

    async def purge_older_than(self, realm_id: str, ms: int) -> int:
        """Delete the realm's admin events recorded before ``ms``; returns how many went."""
        result = await self._c.execute(delete(t).where(t.c.realm_id == realm_id, t.c.time < ms))
        return int(result.rowcount or 0)


def like_as_glob(pattern: str) -> str:
    """A LIKE pattern as PostgreSQL and H2 read it (case counts, ``%`` any run, ``_`` any one character, a
    backslash takes the next character literally), as the SQLite GLOB that matches the same texts. A pattern
    ending in a lone backslash is refused before (admin/admin_events.py)."""
    out: list[str] = []
    chars = iter(pattern)
    for ch in chars:
        if ch == "\\":
            out.append(_glob_literal(next(chars, "\\")))
        elif ch == "%":
            out.append("*")
        elif ch == "_":
            out.append("?")
        else:
            out.append(_glob_literal(ch))
    return "".join(out)


def _glob_literal(ch: str) -> str:
    return f"[{ch}]" if ch in "*?[" else ch


def _event(row: dict[str, Any]) -> AdminEvent:
    """An admin event from its row; the details JSON read back as JpaEventStoreProvider.setDetails reads it."""
    details = row.pop("details_json")
    return AdminEvent(**row, details=None if details is None else json.loads(details))
