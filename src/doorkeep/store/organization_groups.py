"""Organization groups: each organization's own tree of groups and their members (Keycloak 26.6's groups of type
ORGANIZATION, which JpaOrganizationProvider keeps under the organization's internal group)."""

from __future__ import annotations

import builtins
from typing import Any

from sqlalchemy import delete, exists, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from doorkeep.model import Group, User
from doorkeep.store.realms import bump
from doorkeep.store.tables import organization_group_members, organization_groups, organizations, users
from doorkeep.store.users import USERS, user_from


def _with_paths(rows: list[Any], realm_id: str) -> builtins.list[Group]:
    """The groups with their paths (``/parent/child``, from the organization's top level), by name."""
    by_id = {r.id: r for r in rows}

    def path(row: Any) -> str:
        names: list[str] = []
        seen: set[str] = set()
        while row is not None and row.id not in seen:
            seen.add(row.id)
            names.append(row.name)
            row = by_id.get(row.parent_id) if row.parent_id else None
        return "/" + "/".join(reversed(names))

    return [
        Group(
            id=r.id,
            realm_id=realm_id,
            name=r.name,
            parent_id=r.parent_id,
            path=path(r),
            description=r.description,
            attributes={str(k): [str(v) for v in vs] for k, vs in (r.attributes or {}).items()},
        )
        for r in sorted(rows, key=lambda r: r.name)
    ]


class OrganizationGroupRepo:
    def __init__(self, conn: AsyncConnection, is_sqlite: bool) -> None:
        self._c = conn
        self._sqlite = is_sqlite

    async def _realm_of(self, org_id: str) -> str:
        row = (await self._c.execute(select(organizations.c.realm_id).where(organizations.c.id == org_id))).first()
        return row.realm_id if row else ""

    async def of_organization(self, org_id: str) -> builtins.list[Group]:
        """Every group of the organization, with its path, by name."""
        query = select(organization_groups).where(organization_groups.c.organization_id == org_id)
        return _with_paths(list(await self._c.execute(query)), await self._realm_of(org_id))

    async def organization_of(self, group_id: str) -> tuple[str, str] | None:
        """The organization and realm a group id belongs to; None when no organization has such a group."""
        query = (
            select(organization_groups.c.organization_id, organizations.c.realm_id)
            .join(organizations, organizations.c.id == organization_groups.c.organization_id)
            .where(organization_groups.c.id == group_id)
        )
        row = (await self._c.execute(query)).first()
        return (row.organization_id, row.realm_id) if row else None

    async def is_organization_group(self, realm_id: str, group_id: str) -> bool:
        """Whether an organization of the realm holds the group id: one of its groups, or its internal group (the
        group of type ORGANIZATION Keycloak's realm group APIs refuse). One query, both by index."""
        in_tree = (
            select(organization_groups.c.id)
            .join(organizations, organizations.c.id == organization_groups.c.organization_id)
            .where(organization_groups.c.id == group_id, organizations.c.realm_id == realm_id)
        )
        internal = select(organizations.c.id).where(
            organizations.c.internal_group_id == group_id, organizations.c.realm_id == realm_id
        )
        found = await self._c.execute(select(or_(exists(in_tree), exists(internal))))
        return bool(found.scalar_one())

    async def save(self, org_id: str, group: Group, *, new: bool) -> None:
        """Insert or update the group (name, parent, description, attributes)."""
        await bump(self._c, group.realm_id)
        values = {
            "parent_id": group.parent_id,
            "sibling_key": group.parent_id or org_id,
            "name": group.name,
            "description": group.description,
            "attributes": group.attributes,
        }
        if new:
            await self._c.execute(insert(organization_groups), {"id": group.id, "organization_id": org_id, **values})
        else:
            await self._c.execute(
                update(organization_groups).where(organization_groups.c.id == group.id).values(**values)
            )

    async def delete(self, group: Group) -> None:
        """Delete the group; its subgroups and memberships go with it (cascade)."""
        await bump(self._c, group.realm_id)
        await self._c.execute(delete(organization_groups).where(organization_groups.c.id == group.id))

    # --- members ---------------------------------------------------------------------------------
    async def join(self, group: Group, user_id: str) -> bool:
        """Add the user to the group; False if they already were in it (also when added at the same moment)."""
        dialect = sqlite if self._sqlite else postgresql
        row = {"group_id": group.id, "user_id": user_id}
        added = await self._c.execute(dialect.insert(organization_group_members).values(**row).on_conflict_do_nothing())
        if not added.rowcount:
            return False
        await bump(self._c, group.realm_id)
        return True

    async def leave(self, group: Group, user_id: str) -> bool:
        result = await self._c.execute(
            delete(organization_group_members).where(
                organization_group_members.c.group_id == group.id, organization_group_members.c.user_id == user_id
            )
        )
        if result.rowcount:
            await bump(self._c, group.realm_id)
        return bool(result.rowcount)

    async def leave_organization(self, org_id: str, user_id: str) -> None:
        """Take the user out of every group of the organization (they are no longer its member)."""
        ids = select(organization_groups.c.id).where(organization_groups.c.organization_id == org_id)
        await self._c.execute(
            delete(organization_group_members).where(
                organization_group_members.c.user_id == user_id, organization_group_members.c.group_id.in_(ids)
            )
        )

    async def is_member(self, group_id: str, user_id: str) -> bool:
        query = select(organization_group_members.c.user_id).where(
            organization_group_members.c.group_id == group_id, organization_group_members.c.user_id == user_id
        )
        return (await self._c.execute(query)).first() is not None

    async def members(self, group_id: str, first: int, max_results: int) -> builtins.list[User]:
        """The group's direct members, by username, paged (negative bounds: none)."""
        query = (
            select(*USERS)
            .join(organization_group_members, organization_group_members.c.user_id == users.c.id)
            .where(organization_group_members.c.group_id == group_id)
            .order_by(users.c.username)
        )
        if first > 0:
            query = query.offset(first)
        if max_results >= 0:
            query = query.limit(max_results)
        return [user_from(r) for r in await self._c.execute(query)]

    async def ids_of_member(self, org_id: str, user_id: str) -> builtins.set[str]:
        """The ids of the organization's groups the user is directly in."""
        query = (
            select(organization_group_members.c.group_id)
            .join(organization_groups, organization_groups.c.id == organization_group_members.c.group_id)
            .where(organization_group_members.c.user_id == user_id, organization_groups.c.organization_id == org_id)
        )
        return {r.group_id for r in await self._c.execute(query)}

    async def paths_of_member(self, org_id: str, user_id: str) -> builtins.list[str]:
        """The paths of the organization's groups the user is directly in, sorted."""
        ids = await self.ids_of_member(org_id, user_id)
        if not ids:
            return []
        return sorted(g.path for g in await self.of_organization(org_id) if g.id in ids)

    async def member_ids(self, org_id: str) -> builtins.list[tuple[str, str]]:
        """(group id, user id) of every membership in the organization's groups (the realm export)."""
        query = (
            select(organization_group_members.c.group_id, organization_group_members.c.user_id)
            .join(organization_groups, organization_groups.c.id == organization_group_members.c.group_id)
            .where(organization_groups.c.organization_id == org_id)
        )
        return [(r.group_id, r.user_id) for r in await self._c.execute(query)]

    async def count_of(self, org_id: str) -> int:
        query = (
            select(func.count()).select_from(organization_groups).where(organization_groups.c.organization_id == org_id)
        )
        return int((await self._c.execute(query)).scalar_one())
