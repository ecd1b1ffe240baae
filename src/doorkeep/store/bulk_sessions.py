"""The offline sessions a bulk revocation matches (doorkeep.admin.bulk_revoke), found in SQL.

Every predicate is on an indexed column of ``user_sessions`` (realm, offline, user, started, last refresh,
id order) or a correlated ``EXISTS`` on the client-session primary key, so a batch reads a bounded
slice of the index even at a million sessions. An IP range is narrowed with ``LIKE 'prefix%'``; the
caller checks the exact range on the (id, address) pairs of each page. A device label is compared with
the lower-cased ``device.label`` note (JSON_EXTRACT on SQLite, ``->>`` on PostgreSQL), unindexed.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import ColumnElement, and_, exists, func, select, true
from sqlalchemy.ext.asyncio import AsyncConnection

from doorkeep.admin.bulk_revoke import Criteria, ip_exact, ip_prefix
from doorkeep.sessions.device import LABEL_NOTE
from doorkeep.sessions.liveness import LiveFilter
from doorkeep.store.live_sql import client_live, user_live
from doorkeep.store.tables import client_sessions, user_sessions

US = user_sessions.c
CS = client_sessions.c


@dataclasses.dataclass(frozen=True)
class Target:
    """The criteria resolved to stored ids: the client's UUID and the user's id."""

    realm_id: str
    criteria: Criteria
    client_uuid: str | None = None
    user_id: str | None = None


def _where(target: Target, live: LiveFilter) -> list[ColumnElement[bool]]:
    c = target.criteria
    clauses: list[ColumnElement[bool]] = [US.realm_id == target.realm_id, US.offline == true(), user_live(live)]
    if target.user_id is not None:
        clauses.append(US.user_id == target.user_id)
    if c.started_before is not None:
        clauses.append(US.started < c.started_before)
    if c.last_access_before is not None:
        clauses.append(US.last_session_refresh < c.last_access_before)
    if c.ip is not None:
        single = ip_exact(c.ip)
        if single is not None:
            clauses.append(US.ip_address == single)
        elif prefix := ip_prefix(c.ip):
            clauses.append(US.ip_address.startswith(prefix, autoescape=True))
    if c.device_label is not None:  # not indexed: narrow with another criterion on large realms
        clauses.append(func.lower(US.notes[LABEL_NOTE].as_string()) == c.device_label)
    if target.client_uuid is not None:
        held = and_(
            CS.user_session_id == US.id, CS.offline == true(), CS.client_id == target.client_uuid, client_live(live)
        )
        clauses.append(exists(select(CS.user_session_id).where(held)))
    return clauses


class BulkSessionRepo:
    def __init__(self, conn: AsyncConnection) -> None:
        self._c = conn

    async def page(self, target: Target, live: LiveFilter, after: str, limit: int) -> list[tuple[str, str | None]]:
        """Up to ``limit`` (id, IP address) of matching live offline sessions with ids after ``after``."""
        query = select(US.id, US.ip_address).where(*_where(target, live), US.id > after).order_by(US.id).limit(limit)
        return [(str(row.id), row.ip_address) for row in await self._c.execute(query)]
