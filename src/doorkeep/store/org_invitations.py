"""Stored organization invitations (Keycloak 26.4's JpaInvitationManager over ORG_INVITATION)."""

from __future__ import annotations

import builtins
import dataclasses
from typing import Any

from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from doorkeep.organizations.model import Invitation, InvitationFilter
from doorkeep.store.tables import organization_invitations as t

EXPIRED = "EXPIRED"


def _invitation(row: Any) -> Invitation:
    m = row._mapping
    return Invitation(**{name: m[name] for name in Invitation.__dataclass_fields__})


class InvitationRepo:
    def __init__(self, conn: AsyncConnection) -> None:
        self._c = conn

    async def add(self, invitation: Invitation) -> None:
        await self._c.execute(insert(t), dataclasses.asdict(invitation))

    async def get(self, org_id: str, invitation_id: str) -> Invitation | None:
        """The organization's invitation; another organization's id is not found."""
        row = (await self._c.execute(select(t).where(t.c.organization_id == org_id, t.c.id == invitation_id))).first()
        return _invitation(row) if row else None

    async def with_email(self, org_id: str, email: str) -> builtins.list[Invitation]:
        """The organization's invitations sent to ``email`` (InvitationManager.getByEmail), oldest first."""
        query = select(t).where(t.c.organization_id == org_id, func.lower(t.c.email) == email.lower())
        return [_invitation(r) for r in await self._c.execute(query.order_by(t.c.created_at, t.c.id))]

    async def find(
        self, org_id: str, found: InvitationFilter, now: int, first: int | None, max_results: int | None
    ) -> builtins.list[Invitation]:
        """getAllStream: the filters ANDed, each a part of its field without case (``%`` and ``_`` taken literally, as
        OrganizationInvitationManagementTest#testInvitationSearchWithSqlWildcards pins), ordered by id; a negative
        or absent ``first``/``max`` is no bound. A filter
        holding a NUL matches nothing on both engines (SQLite's LIKE would stop at it and match everything;
        PostgreSQL's text cannot hold it)."""
        if any("\x00" in v for v in (found.email, found.first_name, found.last_name, found.search) if v is not None):
            return []
        query = select(t).where(t.c.organization_id == org_id)
        if found.status is not None:
            query = query.where(t.c.expires_at < now if found.status == EXPIRED else t.c.expires_at >= now)
        each = {t.c.email: found.email, t.c.first_name: found.first_name, t.c.last_name: found.last_name}
        for column, value in each.items():
            if value is not None:
                query = query.where(func.lower(column).contains(value.lower(), autoescape=True))
        if found.search is not None:
            needle = found.search.lower()
            columns = (t.c.email, t.c.first_name, t.c.last_name)
            query = query.where(or_(*(func.lower(c).contains(needle, autoescape=True) for c in columns)))
        query = query.order_by(t.c.id)
        if first is not None and first > 0:
            query = query.offset(first)
        if max_results is not None and max_results >= 0:
            query = query.limit(max_results)
        return [_invitation(r) for r in await self._c.execute(query)]

    async def remove(self, org_id: str, invitation_ids: builtins.list[str]) -> int:
        """Delete these invitations of the organization; how many there were."""
        if not invitation_ids:
            return 0
        done = await self._c.execute(delete(t).where(t.c.organization_id == org_id, t.c.id.in_(invitation_ids)))
        return int(done.rowcount or 0)

    async def count_all(self) -> int:
        return int((await self._c.execute(select(func.count()).select_from(t))).scalar_one())
