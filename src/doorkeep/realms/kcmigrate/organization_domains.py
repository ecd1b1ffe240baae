"""Keycloak 26.8's realm-level organization domains, carried by ``migrate-from-keycloak``.

Keycloak 26.8 keeps a realm's domains in ``DOMAIN`` (``ID``, ``NAME`` unique in the realm, ``VERIFIED``,
``REALM_ID``, ``IDP_ID`` the routed provider's internal id, ``AUTO_REDIRECT``: the JPA OrganizationDomainEntity)
and each organization's claim in ``ORG_DOMAIN`` (``ORG_ID``, ``DOMAIN_ID``), so that a domain may be claimed by
several organizations, or by none. A realm file cannot say either (its organizations' ``domains`` refuse a
domain another organization has), so these are written after the import, as the stored invitations are: every
domain with its flag and routing (a provider the migration does not carry routes nowhere), then every claim of a
carried organization. Before 26.8 ``ORG_DOMAIN`` held one organization's domain by name, which the organizations'
representation carries (organizations.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from doorkeep.errors import AdminError
from doorkeep.organizations import realm_domains
from doorkeep.realms.exportimport.plan import ImportError_

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class RealmDomain:
    """A ``DOMAIN`` row as Doorkeep stores it, and the organizations (Keycloak's ids) claiming it."""

    name: str
    verified: bool
    provider: str | None
    auto_redirect: bool
    claimants: tuple[str, ...]

    def rep(self) -> dict[str, Any]:
        """OrganizationDomainRepresentation, as ``organizations/domains`` takes it."""
        out: dict[str, Any] = {"name": self.name, "verified": self.verified, "autoRedirect": self.auto_redirect}
        return out | ({"identityProviderAlias": self.provider} if self.provider is not None else {})


def is_claim(row: dict[str, Any]) -> bool:
    """An ``ORG_DOMAIN`` row of Keycloak 26.8 (a claim naming a ``DOMAIN``), not one of before (a name)."""
    return bool(row.get("domain_id"))


def realm_domains_of(t: dict[str, Rows], carried: set[str]) -> list[RealmDomain]:
    """The realm's ``DOMAIN`` rows by name, each name checked as ``organizations/domains`` checks one (a
    ValueError naming the domain stops the migration before anything is written)."""
    alias_of = {p["internal_id"]: p["provider_alias"] for p in t["identity_provider"] if p.get("internal_id")}
    claims: dict[str, list[str]] = defaultdict(list)
    for row in t["org_domain"]:
        if is_claim(row) and row.get("org_id"):
            claims[str(row["domain_id"])].append(str(row["org_id"]))
    out = []
    for d in t.get("domain", []):
        try:
            name = realm_domains.valid_name(d.get("name"))
        except AdminError as exc:
            raise ValueError(f"organization domain {str(d.get('name'))[:255]!r}: {exc.message}") from None
        alias = alias_of.get(d.get("idp_id"))
        provider = alias if alias in carried else None
        claimants = tuple(sorted(set(claims.get(str(d.get("id")), []))))
        out.append(RealmDomain(name, bool(d.get("verified")), provider, bool(d.get("auto_redirect")), claimants))
    return sorted(out, key=lambda d: d.name)


async def write(tx: Tx, realm_id: str, domains: list[RealmDomain], org_of: dict[str, str]) -> None:
    """Each domain made (or, made already, given its flag and routing), then claimed by its carried claimants;
    ``org_of`` maps Keycloak's organization ids to the imported ones."""
    realm = await tx.realms.get(realm_id)
    assert realm is not None
    orgs = {o.id: o for o in await tx.organizations.realm_organizations(realm_id)}
    for domain in domains:
        try:
            if await tx.domains.get(realm_id, domain.name) is None:
                await realm_domains.create(tx, realm, domain.rep())
            else:
                await realm_domains.update(tx, realm, domain.name, domain.rep())
            for claimant in domain.claimants:
                org = orgs.get(org_of.get(claimant, ""))
                if org is not None:
                    await tx.domains.claim(org.id, realm_id, domain.name)
        except AdminError as exc:
            raise ImportError_(f"organization domain {domain.name!r}: {exc.message}") from None
