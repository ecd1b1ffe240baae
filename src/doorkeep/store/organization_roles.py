"""Organization roles: each organization's own roles, their composites and their member mappings (Keycloak's
JpaRealmProvider for roles of type ORGANIZATION). Kept in tables of their own, so that no realm or client role
query (store/roles.py) can return one."""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, and_, delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from doorkeep.model import Role, User
from doorkeep.organizations.role_model import DEFAULT_DESCRIPTION, OrganizationRole, default_role_name
from doorkeep.store import advisory
from doorkeep.store.realms import bump
from doorkeep.store.roles import RoleRepo
from doorkeep.store.tables import (
    organization_members,
    organization_role_children,
    organization_role_composites,
    organization_role_members,
    organization_roles,
    role_composites,
    users,
)
from doorkeep.store.users import USERS, user_from

_T = organization_roles


def _role(row: Any) -> OrganizationRole:
    m = row._mapping
    return OrganizationRole(
        id=m["id"],
        realm_id=m["realm_id"],
        organization_id=m["organization_id"],
        name=m["name"],
        description=m["description"],
        attributes=dict(m["attributes"] or {}),
        default=bool(m["is_default"]),
        composite=bool(m["composite"]),
    )


def _search(query: Select[Any], search: str | None) -> Select[Any]:
    """Keycloak's searchForRolesStream: the name or the description contains the text, case-insensitively."""
    if not search:
        return query
    return query.where(
        or_(_T.c.name.icontains(search, autoescape=True), _T.c.description.icontains(search, autoescape=True))
    )


class OrganizationRoleRepo:
    def __init__(self, conn: AsyncConnection, sqlite: bool) -> None:
        self._c = conn
        self._sqlite = sqlite

    async def serialize_graph(self, realm_id: str) -> None:
        """Queue this transaction behind any other changing the realm's role graph (nesting roles), so that two
        nestings each harmless alone (an organization role nesting a realm role, that realm role nesting an admin
        role) cannot both pass their checks: the second reads what the first wrote. SQLite writes one at a time."""
        if not self._sqlite:
            await advisory.hold(self._c, f"doorkeep.role_graph:{realm_id}")

    def _select(self) -> Select[Any]:
        nests_role = select(organization_role_composites.c.parent_id).where(
            organization_role_composites.c.parent_id == _T.c.id
        )
        nests_org_role = select(organization_role_children.c.parent_id).where(
            organization_role_children.c.parent_id == _T.c.id
        )
        composite = or_(nests_role.exists(), nests_org_role.exists())
        return select(_T, composite.label("composite"))

    # --- the roles ----------------------------------------------------------------------------------
    async def of_organization(
        self, org_id: str, search: str | None = None, first: int | None = None, max_results: int | None = None
    ) -> builtins.list[OrganizationRole]:
        """The organization's roles by name (searched and paged as Keycloak's getRolesStream/searchForRolesStream)."""
        query = _search(self._select().where(_T.c.organization_id == org_id), search).order_by(_T.c.name)
        if first:
            query = query.offset(max(first, 0))
        if max_results is not None and max_results >= 0:
            query = query.limit(max_results)
        return [_role(r) for r in await self._c.execute(query)]

    async def count(self, org_id: str, search: str | None = None) -> int:
        query = _search(select(func.count()).select_from(_T).where(_T.c.organization_id == org_id), search)
        return int((await self._c.execute(query)).scalar_one())

    async def get(self, org_id: str, role_id: str) -> OrganizationRole | None:
        """The organization's role with this id (None for another organization's role, or a realm or client role)."""
        query = self._select().where(_T.c.organization_id == org_id, _T.c.id == role_id)
        row = (await self._c.execute(query)).first()
        return _role(row) if row else None

    async def get_many(self, org_id: str, role_ids: Iterable[str]) -> builtins.list[OrganizationRole]:
        ids = list(role_ids)
        if not ids:
            return []
        query = self._select().where(_T.c.organization_id == org_id, _T.c.id.in_(ids)).order_by(_T.c.name)
        return [_role(r) for r in await self._c.execute(query)]

    async def owner_of(self, role_id: str) -> str | None:
        """The organization owning the organization role with this id, or None when no organization role has it."""
        return (await self._c.execute(select(_T.c.organization_id).where(_T.c.id == role_id))).scalar()

    async def default_role(self, org_id: str) -> OrganizationRole | None:
        query = self._select().where(_T.c.organization_id == org_id, _T.c.is_default.is_(True))
        row = (await self._c.execute(query)).first()
        return _role(row) if row else None

    async def name_taken(self, org_id: str, name: str, but: str | None = None) -> bool:
        query = select(_T.c.id).where(_T.c.organization_id == org_id, _T.c.name == name)
        if but is not None:
            query = query.where(_T.c.id != but)
        return (await self._c.execute(query)).first() is not None

    async def create(self, role: OrganizationRole) -> None:
        await bump(self._c, role.realm_id)
        row = {
            "id": role.id,
            "realm_id": role.realm_id,
            "organization_id": role.organization_id,
            "name": role.name,
            "description": role.description,
            "attributes": role.attributes,
            "is_default": role.default,
        }
        await self._c.execute(insert(_T), row)

    async def create_default(self, realm_id: str, org_id: str, alias: str) -> OrganizationRole:
        """The organization's default role, made with the organization (OrganizationProvider.create)."""
        role = OrganizationRole(
            id=str(uuid.uuid4()),
            realm_id=realm_id,
            organization_id=org_id,
            name=default_role_name(alias),
            description=DEFAULT_DESCRIPTION,
            default=True,
        )
        await self.create(role)
        return role

    async def update(self, role: OrganizationRole) -> None:
        await bump(self._c, role.realm_id)
        values = {"name": role.name, "description": role.description, "attributes": role.attributes}
        await self._c.execute(update(_T).where(_T.c.id == role.id).values(**values))

    async def delete(self, role: OrganizationRole) -> None:
        """Delete the role; its composites, its place in other roles and its mappings go with it (cascade)."""
        await bump(self._c, role.realm_id)
        await self._c.execute(delete(_T).where(_T.c.id == role.id))

    # --- composites ------------------------------------------------------------------------------------
    async def composites(self, role_id: str) -> tuple[builtins.list[Role], builtins.list[OrganizationRole]]:
        """The realm and client roles, and the organization roles, the role nests directly."""
        children = select(organization_role_composites.c.child_id).where(
            organization_role_composites.c.parent_id == role_id
        )
        nested = await RoleRepo(self._c).get_many(r.child_id for r in await self._c.execute(children))
        org_children = select(organization_role_children.c.child_id).where(
            organization_role_children.c.parent_id == role_id
        )
        query = self._select().where(_T.c.id.in_(org_children)).order_by(_T.c.name)
        return nested, [_role(r) for r in await self._c.execute(query)]

    async def add_composites(
        self, role: OrganizationRole, role_ids: Sequence[str], org_role_ids: Sequence[str]
    ) -> None:
        await bump(self._c, role.realm_id)
        have_roles, have_org = await self._child_ids(role.id)
        rows = [{"parent_id": role.id, "child_id": c} for c in dict.fromkeys(role_ids) if c not in have_roles]
        if rows:
            await self._c.execute(insert(organization_role_composites), rows)
        org_rows = [
            {"parent_id": role.id, "child_id": c}
            for c in dict.fromkeys(org_role_ids)
            if c not in have_org and c != role.id
        ]
        if org_rows:
            await self._c.execute(insert(organization_role_children), org_rows)

    async def remove_composites(self, role: OrganizationRole, child_ids: Sequence[str]) -> None:
        await bump(self._c, role.realm_id)
        for table in (organization_role_composites, organization_role_children):
            await self._c.execute(
                delete(table).where(table.c.parent_id == role.id, table.c.child_id.in_(list(child_ids)))
            )

    async def _child_ids(self, role_id: str) -> tuple[set[str], set[str]]:
        out: list[set[str]] = []
        for table in (organization_role_composites, organization_role_children):
            rows = await self._c.execute(select(table.c.child_id).where(table.c.parent_id == role_id))
            out.append({r.child_id for r in rows})
        return out[0], out[1]

    async def expand(self, role_ids: Iterable[str]) -> tuple[set[str], set[str]]:
        """The organization roles ``role_ids`` name and every organization role they nest, transitively; and every
        realm or client role any of them nests, transitively (composites of composites included)."""
        org_ids: set[str] = set(role_ids)
        frontier = set(org_ids)
        while frontier:
            query = select(organization_role_children.c.child_id).where(
                organization_role_children.c.parent_id.in_(frontier)
            )
            found = {r.child_id for r in await self._c.execute(query)}
            frontier = found - org_ids
            org_ids |= found
        if not org_ids:
            return org_ids, set()
        query = select(organization_role_composites.c.child_id).where(
            organization_role_composites.c.parent_id.in_(org_ids)
        )
        direct = {r.child_id for r in await self._c.execute(query)}
        return org_ids, await RoleRepo(self._c).expand(direct)

    async def anchoring(self, role_ids: Iterable[str]) -> bool:
        """Is any of these realm or client roles nested, directly or through other realm or client roles, in an
        organization role? (Adding an admin role to such a role would hand it to the organization role's holders.)"""
        ids = list(role_ids)
        if not ids:
            return False
        ancestors = (
            select(role_composites.c.parent_id.label("id"))
            .where(role_composites.c.child_id.in_(ids))
            .cte("ancestors", recursive=True)
        )
        ancestors = ancestors.union(
            select(role_composites.c.parent_id).join(ancestors, role_composites.c.child_id == ancestors.c.id)
        )
        anchored = select(organization_role_composites.c.parent_id).where(
            or_(
                organization_role_composites.c.child_id.in_(ids),
                organization_role_composites.c.child_id.in_(select(ancestors.c.id)),
            )
        )
        return (await self._c.execute(anchored.limit(1))).first() is not None

    # --- members -----------------------------------------------------------------------------------------
    async def is_mapped(self, role_id: str, user_id: str) -> bool:
        query = select(organization_role_members.c.role_id).where(
            organization_role_members.c.role_id == role_id, organization_role_members.c.user_id == user_id
        )
        return (await self._c.execute(query)).first() is not None

    async def holders(self, role: OrganizationRole) -> builtins.list[User]:
        """The users holding the role directly, by username (the default role: the organization's members)."""
        if role.default:
            held = select(organization_members.c.user_id).where(
                organization_members.c.organization_id == role.organization_id
            )
        else:
            held = select(organization_role_members.c.user_id).where(organization_role_members.c.role_id == role.id)
        query = select(*USERS).where(users.c.id.in_(held)).order_by(users.c.username)
        return [user_from(r) for r in await self._c.execute(query)]

    async def hold_memberships(self, org_id: str) -> None:
        """Queue this transaction behind any other mapping the organization's roles to members or removing one of
        its members (PostgreSQL advisory lock; SQLite writes one at a time), so that a member removed while a
        mapping is made never keeps that mapping."""
        if not self._sqlite:
            await advisory.hold(self._c, f"doorkeep.organization_members:{org_id}")

    async def members_among(self, org_id: str, user_ids: Sequence[str]) -> set[str]:
        """Which of these users are members of the organization, read once the memberships are held."""
        await self.hold_memberships(org_id)
        query = select(organization_members.c.user_id).where(
            organization_members.c.organization_id == org_id, organization_members.c.user_id.in_(list(user_ids))
        )
        return {r.user_id for r in await self._c.execute(query)}

    async def map_users(self, role: OrganizationRole, user_ids: Sequence[str]) -> None:
        await bump(self._c, role.realm_id)
        have = select(organization_role_members.c.user_id).where(organization_role_members.c.role_id == role.id)
        existing = {r.user_id for r in await self._c.execute(have)}
        rows = [{"role_id": role.id, "user_id": u} for u in dict.fromkeys(user_ids) if u not in existing]
        if rows:
            await self._c.execute(insert(organization_role_members), rows)

    async def unmap_users(self, role: OrganizationRole, user_ids: Sequence[str]) -> None:
        await bump(self._c, role.realm_id)
        await self._c.execute(
            delete(organization_role_members).where(
                organization_role_members.c.role_id == role.id, organization_role_members.c.user_id.in_(list(user_ids))
            )
        )

    async def unmap_member(self, org_id: str, user_id: str) -> None:
        """Drop the user's mappings to the organization's roles (leaving the organization, removeMember)."""
        of_org = select(_T.c.id).where(_T.c.organization_id == org_id)
        await self._c.execute(
            delete(organization_role_members).where(
                and_(organization_role_members.c.user_id == user_id, organization_role_members.c.role_id.in_(of_org))
            )
        )

    async def mapped_to(self, org_id: str, user_id: str) -> builtins.list[OrganizationRole]:
        """The organization's roles mapped to the user directly (the default role not among them)."""
        held = select(organization_role_members.c.role_id).where(organization_role_members.c.user_id == user_id)
        query = self._select().where(_T.c.organization_id == org_id, _T.c.id.in_(held)).order_by(_T.c.name)
        return [_role(r) for r in await self._c.execute(query)]
