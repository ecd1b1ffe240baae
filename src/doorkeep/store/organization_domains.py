"""Keycloak 26.8's realm-level organization domains (DOMAIN) and the organizations' claims (ORG_DOMAIN): the JPA
OrganizationProvider's createDomain, getDomains, getDomainByName, updateDomain, removeDomain,
addDomainToOrganization, removeDomainFromOrganization and OrganizationAdapter.setDomains' claim-or-create."""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, delete, exists, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from doorkeep.organizations.model import Domain
from doorkeep.store.realms import bump
from doorkeep.store.tables import organization_domain_claims as claims
from doorkeep.store.tables import realm_domains as domains


def _domain(row: Any) -> Domain:
    return Domain(row.name, bool(row.verified), row.identity_provider_alias, bool(row.auto_redirect))


def _values(d: Domain) -> dict[str, Any]:
    routing = {"identity_provider_alias": d.identity_provider_alias, "auto_redirect": d.auto_redirect}
    return {"verified": d.verified, **routing}


class DomainRepo:
    def __init__(self, conn: AsyncConnection, is_sqlite: bool) -> None:
        self._c = conn
        self._sqlite = is_sqlite

    async def _id(self, realm_id: str, name: str) -> str | None:
        query = select(domains.c.id).where(domains.c.realm_id == realm_id, domains.c.name == name)
        row = (await self._c.execute(query)).first()
        return row.id if row else None

    async def of_organizations(self, org_ids: Iterable[str]) -> dict[str, builtins.list[Domain]]:
        """The domains each organization claims."""
        query = select(claims.c.organization_id, domains).join(domains, claims.c.domain_id == domains.c.id)
        out: dict[str, builtins.list[Domain]] = {}
        for row in await self._c.execute(query.where(claims.c.organization_id.in_(list(org_ids)))):
            out.setdefault(row.organization_id, []).append(_domain(row))
        return out

    async def list(self, realm_id: str, search: str | None, first: int, limit: int | None) -> builtins.list[Domain]:
        """getDomains: the realm's domains by name, those holding ``search`` (lower-cased) as a part when given;
        paged as paginateQuery does (a negative ``first`` is 0, a negative or absent ``limit`` no bound)."""
        query = select(domains).where(domains.c.realm_id == realm_id)
        if search is not None and search.strip():
            query = query.where(domains.c.name.contains(search.strip().lower(), autoescape=True))
        query = query.order_by(domains.c.name).offset(max(first, 0))
        if limit is not None and limit >= 0:
            query = query.limit(limit)
        return [_domain(r) for r in await self._c.execute(query)]

    async def get(self, realm_id: str, name: str) -> Domain | None:
        query = select(domains).where(domains.c.realm_id == realm_id, domains.c.name == name)
        row = (await self._c.execute(query)).first()
        return _domain(row) if row else None

    async def create(self, realm_id: str, domain: Domain) -> bool:
        """createDomain: False when the realm has the name already (also when another transaction just stored it)."""
        dialect = sqlite if self._sqlite else postgresql
        row = {"id": str(uuid.uuid4()), "realm_id": realm_id, "name": domain.name, **_values(domain)}
        stmt = dialect.insert(domains).values(**row).on_conflict_do_nothing(index_elements=["realm_id", "name"])
        if not (await self._c.execute(stmt)).rowcount:
            return False
        await bump(self._c, realm_id)
        return True

    async def update(self, realm_id: str, domain: Domain) -> bool:
        """updateDomain: False when the realm has no such domain."""
        stmt = update(domains).where(domains.c.realm_id == realm_id, domains.c.name == domain.name)
        if not (await self._c.execute(stmt.values(**_values(domain)))).rowcount:
            return False
        await bump(self._c, realm_id)
        return True

    async def claim_count(self, realm_id: str, name: str) -> int:
        query = (
            select(func.count())
            .select_from(claims.join(domains, claims.c.domain_id == domains.c.id))
            .where(domains.c.realm_id == realm_id, domains.c.name == name)
        )
        return int((await self._c.execute(query)).scalar_one())

    async def delete(self, realm_id: str, name: str) -> bool:
        """removeDomain, once the caller saw no claim: False when there was no such domain."""
        stmt = delete(domains).where(domains.c.realm_id == realm_id, domains.c.name == name)
        if not (await self._c.execute(stmt)).rowcount:
            return False
        await bump(self._c, realm_id)
        return True

    async def claim(self, org_id: str, realm_id: str, name: str) -> bool | None:
        """addDomainToOrganization: None when the realm has no such domain, False when already claimed."""
        domain_id = await self._id(realm_id, name)
        if domain_id is None:
            return None
        dialect = sqlite if self._sqlite else postgresql
        stmt = dialect.insert(claims).values(organization_id=org_id, domain_id=domain_id).on_conflict_do_nothing()
        if not (await self._c.execute(stmt)).rowcount:
            return False
        await bump(self._c, realm_id)
        return True

    async def unclaim(self, org_id: str, realm_id: str, name: str) -> bool:
        """removeDomainFromOrganization: False when the organization does not claim it; the domain stays."""
        domain_id = await self._id(realm_id, name)
        if domain_id is None:
            return False
        stmt = delete(claims).where(claims.c.organization_id == org_id, claims.c.domain_id == domain_id)
        if not (await self._c.execute(stmt)).rowcount:
            return False
        await bump(self._c, realm_id)
        return True

    async def set_claims(self, org_id: str, realm_id: str, wanted: Iterable[Domain]) -> None:
        """OrganizationAdapter.setDomains: a claimed domain named again takes the given verified flag and routing; a
        new name is claimed, created with the given properties when the realm lacks it (an existing one keeps its
        own: claiming does not rewrite another organization's routing); a domain no longer named is unclaimed and
        deleted when no organization claims it any more."""
        current = {d.name: d for d in (await self.of_organizations([org_id])).get(org_id, [])}
        named = {d.name: d for d in wanted}
        for name, d in named.items():
            if name in current:
                await self._c.execute(
                    update(domains).where(domains.c.realm_id == realm_id, domains.c.name == name).values(**_values(d))
                )
                continue
            await self.create(realm_id, d)
            await self.claim(org_id, realm_id, name)
        gone = [n for n in current if n not in named]
        for name in gone:
            await self.unclaim(org_id, realm_id, name)
        await self.drop_unclaimed(realm_id, gone)

    async def drop_unclaimed(self, realm_id: str, names: Iterable[str]) -> None:
        """Delete those of these domains no organization claims (an organization's removal: the orphans it left)."""
        listed = builtins.list(names)
        if not listed:
            return
        claimed = exists().where(claims.c.domain_id == domains.c.id)
        await self._c.execute(
            delete(domains).where(and_(domains.c.realm_id == realm_id, domains.c.name.in_(listed), ~claimed))
        )

    async def owners(self, realm_id: str, names: builtins.list[str]) -> dict[str, builtins.list[str]]:
        """Of these domain names, those organizations of the realm claim, with the claiming organizations' ids."""
        query = (
            select(domains.c.name, claims.c.organization_id)
            .select_from(claims.join(domains, claims.c.domain_id == domains.c.id))
            .where(domains.c.realm_id == realm_id, domains.c.name.in_(names))
            .order_by(claims.c.organization_id)
        )
        out: dict[str, builtins.list[str]] = {}
        for row in await self._c.execute(query):
            out.setdefault(row.name, []).append(row.organization_id)
        return out

    async def clear_routing(self, realm_id: str, alias: str, org_id: str | None = None) -> None:
        """The domains routed to provider ``alias`` (of those ``org_id`` claims, when given) route nowhere: the
        provider was deleted, or unlinked from the organization (JpaOrganizationProvider.removeIdentityProvider)."""
        where = [domains.c.realm_id == realm_id, domains.c.identity_provider_alias == alias]
        if org_id is not None:
            where.append(domains.c.id.in_(select(claims.c.domain_id).where(claims.c.organization_id == org_id)))
        stmt = update(domains).where(*where).values(identity_provider_alias=None, auto_redirect=False)
        if (await self._c.execute(stmt)).rowcount:
            await bump(self._c, realm_id)
