"""The realm and client roles an organization invitation grants when accepted (Keycloak's main branch after 26.8.0)."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from doorkeep.store.tables import organization_invitation_roles

_T = organization_invitation_roles


class OrganizationInvitationRoleRepo:
    def __init__(self, conn: AsyncConnection) -> None:
        self._c = conn

    async def put(self, invitation_id: str, role_ids: Sequence[str]) -> None:
        rows = [{"invitation_id": invitation_id, "role_id": r} for r in dict.fromkeys(role_ids)]
        if rows:
            await self._c.execute(insert(_T), rows)

    async def role_ids(self, invitation_id: str) -> builtins.list[str]:
        """The ids of the roles the invitation still grants (a removed role is gone), in a stable order."""
        query = select(_T.c.role_id).where(_T.c.invitation_id == invitation_id).order_by(_T.c.role_id)
        return [r.role_id for r in await self._c.execute(query)]

    async def of_many(self, invitation_ids: Iterable[str]) -> dict[str, builtins.list[str]]:
        ids = list(invitation_ids)
        out: dict[str, list[str]] = {}
        if not ids:
            return out
        query = select(_T.c.invitation_id, _T.c.role_id).where(_T.c.invitation_id.in_(ids)).order_by(_T.c.role_id)
        for row in await self._c.execute(query):
            out.setdefault(row.invitation_id, []).append(row.role_id)
        return out
