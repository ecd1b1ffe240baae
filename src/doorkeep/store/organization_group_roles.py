"""Roles mapped to organization groups: the organization's own roles (Keycloak's main branch after 26.8.0: a group
of type ORGANIZATION's role mappings of type ORGANIZATION) and realm and client roles (``_M``). A member of a group
holds the roles mapped to it and to every group above it."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from doorkeep.store.realms import bump
from doorkeep.store.tables import (
    organization_group_members,
    organization_group_role_mappings,
    organization_group_roles,
    organization_groups,
    organizations,
)

_T = organization_group_roles
_M = organization_group_role_mappings


class OrganizationGroupRoleRepo:
    def __init__(self, conn: AsyncConnection) -> None:
        self._c = conn

    async def role_ids(self, group_id: str) -> builtins.set[str]:
        """The ids of the organization roles mapped to the group directly."""
        rows = await self._c.execute(select(_T.c.role_id).where(_T.c.group_id == group_id))
        return {r.role_id for r in rows}

    async def grant(self, realm_id: str, group_id: str, role_ids: Sequence[str]) -> None:
        """Map the roles to the group (those already mapped are left as they are)."""
        await bump(self._c, realm_id)
        have = await self.role_ids(group_id)
        rows = [{"group_id": group_id, "role_id": r} for r in dict.fromkeys(role_ids) if r not in have]
        if rows:
            await self._c.execute(insert(_T), rows)

    async def revoke(self, realm_id: str, group_id: str, role_ids: Sequence[str]) -> None:
        await bump(self._c, realm_id)
        await self._c.execute(delete(_T).where(_T.c.group_id == group_id, _T.c.role_id.in_(list(role_ids))))

    async def _with_ancestors(self, org_id: str, group_ids: Iterable[str]) -> builtins.set[str]:
        query = select(organization_groups.c.id, organization_groups.c.parent_id).where(
            organization_groups.c.organization_id == org_id
        )
        parents = {r.id: r.parent_id for r in await self._c.execute(query)}
        out: set[str] = set()
        for gid in group_ids:
            current: str | None = gid
            while current is not None and current in parents and current not in out:
                out.add(current)
                current = parents[current]
        return out

    async def held_through_groups(self, org_id: str, user_id: str) -> builtins.list[str]:
        """The ids of the organization roles the user holds through the organization's groups they are in and the
        groups above those, each once."""
        direct = select(organization_group_members.c.group_id).where(organization_group_members.c.user_id == user_id)
        groups = await self._with_ancestors(org_id, [r.group_id for r in await self._c.execute(direct)])
        if not groups:
            return []
        rows = await self._c.execute(select(_T.c.role_id).where(_T.c.group_id.in_(groups)).order_by(_T.c.role_id))
        return list(dict.fromkeys(r.role_id for r in rows))

    async def of_organization(self, org_id: str) -> builtins.list[tuple[str, str]]:
        """(group id, role id) of every mapping in the organization's groups (the realm export)."""
        query = (
            select(_T.c.group_id, _T.c.role_id)
            .join(organization_groups, organization_groups.c.id == _T.c.group_id)
            .where(organization_groups.c.organization_id == org_id)
            .order_by(_T.c.group_id, _T.c.role_id)
        )
        return [(r.group_id, r.role_id) for r in await self._c.execute(query)]

    # --- realm and client roles ----------------------------------------------------------------------------------
    async def realm_role_ids(self, group_id: str) -> builtins.set[str]:
        """The ids of the realm and client roles mapped to the group directly."""
        rows = await self._c.execute(select(_M.c.role_id).where(_M.c.group_id == group_id))
        return {r.role_id for r in rows}

    async def grant_realm_roles(self, realm_id: str, group_id: str, role_ids: Sequence[str]) -> None:
        await bump(self._c, realm_id)
        have = await self.realm_role_ids(group_id)
        rows = [{"group_id": group_id, "role_id": r} for r in dict.fromkeys(role_ids) if r not in have]
        if rows:
            await self._c.execute(insert(_M), rows)

    async def revoke_realm_roles(self, realm_id: str, group_id: str, role_ids: Sequence[str]) -> None:
        await bump(self._c, realm_id)
        await self._c.execute(delete(_M).where(_M.c.group_id == group_id, _M.c.role_id.in_(list(role_ids))))

    async def ancestors_of(self, org_id: str, group_id: str) -> builtins.set[str]:
        """The group and every group above it."""
        return await self._with_ancestors(org_id, [group_id])

    async def realm_roles_of_groups(self, group_ids: Iterable[str]) -> builtins.set[str]:
        ids = list(group_ids)
        if not ids:
            return set()
        return {r.role_id for r in await self._c.execute(select(_M.c.role_id).where(_M.c.group_id.in_(ids)))}

    async def inherited_realm_role_ids(self, user_id: str) -> builtins.set[str]:
        """The realm and client roles the user holds through organization groups (theirs and those above)."""
        query = (
            select(organization_groups.c.organization_id, organization_group_members.c.group_id)
            .join(organization_groups, organization_groups.c.id == organization_group_members.c.group_id)
            .where(organization_group_members.c.user_id == user_id)
        )
        by_org: dict[str, list[str]] = {}
        for row in await self._c.execute(query):
            by_org.setdefault(row.organization_id, []).append(row.group_id)
        groups: set[str] = set()
        for org_id, ids in by_org.items():
            groups |= await self._with_ancestors(org_id, ids)
        return await self.realm_roles_of_groups(groups)

    async def mapped_in_realm(self, realm_id: str) -> builtins.set[str]:
        """The realm and client roles mapped to any organization group of the realm."""
        query = (
            select(_M.c.role_id)
            .join(organization_groups, organization_groups.c.id == _M.c.group_id)
            .join(organizations, organizations.c.id == organization_groups.c.organization_id)
            .where(organizations.c.realm_id == realm_id)
        )
        return {r.role_id for r in await self._c.execute(query)}
