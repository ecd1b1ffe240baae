"""Organizations: the organizations of a realm, their domains and their members (Keycloak's JpaOrganizationProvider)."""

from __future__ import annotations

import builtins
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from doorkeep.model import User
from doorkeep.organizations.model import Domain, Organization, internal_group_id
from doorkeep.store import advisory
from doorkeep.store.organization_domains import DomainRepo
from doorkeep.store.organization_roles import OrganizationRoleRepo
from doorkeep.store.realms import bump
from doorkeep.store.tables import organization_members, organizations, users
from doorkeep.store.users import USERS, user_from


def _organization(row: Any, domains: builtins.list[Domain]) -> Organization:
    config = row.config or {}
    attributes = {str(k): [str(v) for v in vs] for k, vs in (config.get("attributes") or {}).items()}
    return Organization(
        id=row.id,
        realm_id=row.realm_id,
        name=row.name,
        alias=row.alias,
        enabled=bool(row.enabled),
        description=config.get("description"),
        redirect_url=config.get("redirect_url"),
        attributes=attributes,
        domains=tuple(sorted(domains, key=lambda d: d.name)),
    )


def _config(org: Organization) -> dict[str, Any]:
    return {"description": org.description, "redirect_url": org.redirect_url, "attributes": org.attributes}


class OrganizationRepo:
    def __init__(self, conn: AsyncConnection, is_sqlite: bool) -> None:
        self._c = conn
        self._sqlite = is_sqlite
        self._domains = DomainRepo(conn, is_sqlite)

    async def _load(self, query: Any) -> builtins.list[Organization]:
        rows = list(await self._c.execute(query))
        if not rows:
            return []
        domains = await self._domains.of_organizations(r.id for r in rows)
        return [_organization(r, domains.get(r.id, [])) for r in rows]

    async def serialize_writes(self, realm_id: str) -> None:
        """Queue this transaction behind any other organization write of the realm until it ends: the names and
        domains it checks are then the ones committed, so two writes at once claiming one domain (or name) give
        Keycloak's 400 (409) to the second, not the unique constraint's generic conflict to one of them. SQLite
        writers are serial already; on PostgreSQL a transaction-scoped advisory lock (login_failures.serialize)."""
        if self._sqlite:
            return
        await advisory.hold(self._c, f"doorkeep.organizations:{realm_id}")

    async def realm_organizations(self, realm_id: str) -> builtins.list[Organization]:
        """Every organization of the realm, ordered by name (as Keycloak's searches are)."""
        query = select(organizations).where(organizations.c.realm_id == realm_id).order_by(organizations.c.name)
        return await self._load(query)

    async def get(self, realm_id: str, org_id: str) -> Organization | None:
        found = await self._load(
            select(organizations).where(organizations.c.realm_id == realm_id, organizations.c.id == org_id)
        )
        return found[0] if found else None

    async def exists(self, org_id: str) -> bool:
        row = (await self._c.execute(select(organizations.c.id).where(organizations.c.id == org_id))).first()
        return row is not None

    async def count_all(self) -> int:
        """Organizations of every realm (a realm's deletion takes its own with it)."""
        return int((await self._c.execute(select(func.count()).select_from(organizations))).scalar_one())

    async def count(self, realm_id: str) -> int:
        query = select(func.count()).select_from(organizations).where(organizations.c.realm_id == realm_id)
        return int((await self._c.execute(query)).scalar_one())

    async def domain_owners(self, realm_id: str, names: list[str]) -> dict[str, builtins.list[str]]:
        """Of these domain names, those organizations of the realm claim, with the claiming organizations' ids
        (Keycloak 26.8: several organizations may claim one domain)."""
        return await self._domains.owners(realm_id, names)

    async def save(self, org: Organization, *, new: bool) -> None:
        """Insert or update the organization and set the domains it claims (DomainRepo.set_claims)."""
        await bump(self._c, org.realm_id)
        values = {"name": org.name, "alias": org.alias, "enabled": org.enabled, "config": _config(org)}
        if new:
            internal = internal_group_id(org.id)
            await self._c.execute(
                insert(organizations), {"id": org.id, "realm_id": org.realm_id, "internal_group_id": internal, **values}
            )
            # Keycloak creates the default organization role with the organization
            await OrganizationRoleRepo(self._c, self._sqlite).create_default(org.realm_id, org.id, org.alias)
        else:
            await self._c.execute(update(organizations).where(organizations.c.id == org.id).values(**values))
        await self._domains.set_claims(org.id, org.realm_id, org.domains)

    async def delete(self, org: Organization) -> None:
        """Delete the organization; its claims and memberships go with it (cascade), and so do the domains it claimed
        that no other organization claims (Keycloak deletes every unclaimed domain of the realm then, also those
        created on their own and never claimed; Doorkeep only the ones this organization left behind)."""
        await bump(self._c, org.realm_id)
        await self._c.execute(delete(organizations).where(organizations.c.id == org.id))
        await self._domains.drop_unclaimed(org.realm_id, [d.name for d in org.domains])

    # --- members ---------------------------------------------------------------------------------
    async def add_member(self, org: Organization, user_id: str, membership_type: str) -> bool:
        """Add the membership; False if the user already was a member, also when another transaction added it
        at the same moment (the insert skips a row the primary key already holds: two invitation links accepted
        at once make one membership, not a duplicate-key failure). The realm's config version moves, so that
        nothing kept for a refresh (store.config_cache) keeps the old ``organization`` claim."""
        dialect = sqlite if self._sqlite else postgresql
        row = {"organization_id": org.id, "user_id": user_id, "membership_type": membership_type}
        added = await self._c.execute(dialect.insert(organization_members).values(**row).on_conflict_do_nothing())
        if not added.rowcount:
            return False
        await bump(self._c, org.realm_id)
        return True

    async def remove_member(self, org: Organization, user_id: str) -> bool:
        """Drop the membership and the user's mappings to the organization's roles (removeMember), once no mapping
        of them is being made (OrganizationRoleRepo.hold_memberships)."""
        roles = OrganizationRoleRepo(self._c, self._sqlite)
        await roles.hold_memberships(org.id)
        await bump(self._c, org.realm_id)
        result = await self._c.execute(
            delete(organization_members).where(
                organization_members.c.organization_id == org.id, organization_members.c.user_id == user_id
            )
        )
        await roles.unmap_member(org.id, user_id)
        return bool(result.rowcount)

    async def set_membership_type(self, org: Organization, user_id: str, membership_type: str) -> bool:
        """Make the user's membership ``membership_type`` (MANAGED or UNMANAGED); False if not a member. The
        realm's config version moves, as for any membership change."""
        await bump(self._c, org.realm_id)
        result = await self._c.execute(
            update(organization_members)
            .where(organization_members.c.organization_id == org.id, organization_members.c.user_id == user_id)
            .values(membership_type=membership_type)
        )
        return bool(result.rowcount)

    async def membership(self, org_id: str, user_id: str) -> str | None:
        """The user's membership type in the organization, None when not a member."""
        row = (
            await self._c.execute(
                select(organization_members.c.membership_type).where(
                    organization_members.c.organization_id == org_id, organization_members.c.user_id == user_id
                )
            )
        ).first()
        return row.membership_type if row else None

    async def members(self, org_id: str) -> builtins.list[tuple[User, str]]:
        """The members and their membership types, by username."""
        query = (
            select(*USERS, organization_members.c.membership_type)
            .join(organization_members, organization_members.c.user_id == users.c.id)
            .where(organization_members.c.organization_id == org_id)
            .order_by(users.c.username)
        )
        return [(user_from(r), r.membership_type) for r in await self._c.execute(query)]

    async def count_members(self, org_id: str) -> int:
        query = (
            select(func.count())
            .select_from(organization_members)
            .where(organization_members.c.organization_id == org_id)
        )
        return int((await self._c.execute(query)).scalar_one())

    async def of_user(self, user_id: str) -> builtins.list[Organization]:
        """The organizations the user is a member of, by name."""
        ids = select(organization_members.c.organization_id).where(organization_members.c.user_id == user_id)
        return await self._load(select(organizations).where(organizations.c.id.in_(ids)).order_by(organizations.c.name))
