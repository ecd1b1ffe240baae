"""The e-mail of an organization's member checked against the organization's domain (Keycloak 26's
OrganizationMemberValidator, the ``email`` attribute's ``organization-member-validator``).

While the first broker login reviews the profile (the IDP_REVIEW context) of an identity from a provider linked to an
organization, the e-mail's domain must be one of those the provider is bound to: Keycloak 26.8's domains of the
organization that route to it (``identityProviderAlias``), else its configuration's ``kc.org.domain``; a provider bound
to no domain asks nothing, and so does one bound to ``ANY`` here (Keycloak expects the literal ``ANY``, which no
address has). A MANAGED member's later edits (UPDATE_PROFILE, UPDATE_EMAIL, the account) are held to the domain
of the organization's provider the member is linked through. Domains compare case-insensitively, and a ``*.``
domain takes its base domain and every subdomain (Organizations.isSameDomain).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from doorkeep.broker import providers as idp
from doorkeep.model import Realm, User
from doorkeep.organizations import brokers
from doorkeep.organizations.domains import is_same_domain
from doorkeep.organizations.model import MANAGED, email_domain

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

NOT_ORGANIZATION_DOMAIN = "Email domain does not match any domain from the organization"


def expected_domain(realm: Realm, alias: str) -> str | None:
    """The domain the provider ``alias`` binds its organization's members to; None when it binds them to none."""
    provider = idp.by_alias(realm, alias) if realm.organizations_enabled else None
    if provider is None or brokers.organization_of(provider) is None:
        return None
    domain = dict(provider.get("config") or {}).get(brokers.DOMAIN)
    if not isinstance(domain, str) or not domain.strip() or domain == brokers.ANY_DOMAIN:
        return None
    return domain.lower()


async def routed_domains(tx: Tx, realm: Realm, alias: str, org_ids: list[str] | None = None) -> tuple[str, ...]:
    """The domains that route to provider ``alias`` (Keycloak 26.8's domain rows) among those of the organizations
    ``org_ids``, by default every organization the provider is linked to."""
    provider = idp.by_alias(realm, alias) if realm.organizations_enabled else None
    if provider is None:
        return ()
    found: list[str] = []
    for org_id in brokers.organizations_of(provider) if org_ids is None else org_ids:
        org = await tx.organizations.get(realm.id, org_id)
        found += [d.name for d in org.domains if d.identity_provider_alias == alias] if org is not None else []
    return tuple(dict.fromkeys(found))


async def login_routed_domains(tx: Tx, realm: Realm, alias: str, org_id: str | None) -> tuple[str, ...]:
    """The domains the first broker login's review holds the e-mail to: those of the login's organization
    (``org_id``, the ORGANIZATION_ATTRIBUTE auth note: OrganizationMemberValidator validates against the
    organization the login resolved) routing to provider ``alias`` when the provider is linked to it; without
    such an organization, those of every organization the provider is linked to (``routed_domains``)."""
    provider = idp.by_alias(realm, alias) if realm.organizations_enabled else None
    if org_id is not None and provider is not None and org_id in brokers.organizations_of(provider):
        return await routed_domains(tx, realm, alias, [org_id])
    return await routed_domains(tx, realm, alias)


def review_errors(realm: Realm, alias: str, email: str, routed: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """validateEmailDomain in the IDP_REVIEW context: the error on ``email`` when its domain is none of those the
    provider is bound to (``routed``: the domains routing to it, ``routed_domains``; none: its ``kc.org.domain``).
    An empty or malformed address is the e-mail validator's to report."""
    domain = expected_domain(realm, alias)
    wanted = routed or ((domain,) if domain is not None else ())
    typed = email_domain(email)
    if not wanted or typed is None or any(is_same_domain(typed, d) for d in wanted):
        return []
    return [{"field": "email", "errorMessage": NOT_ORGANIZATION_DOMAIN, "params": ["email"]}]


async def managed_errors(tx: Tx, realm: Realm, user: User, email: str) -> list[dict[str, Any]]:
    """validateEmailDomain for a MANAGED member (resolveExpectedDomainsForManagedUser): the e-mail must be of the
    domain of the organization's provider the member is linked through; an UNMANAGED member is not checked."""
    if not realm.organizations_enabled or "@" not in email:
        return []
    links = {f.alias for f in await tx.federated.of_user(user.id)}
    for org in await tx.organizations.of_user(user.id):
        if not org.domains or await tx.organizations.membership(org.id, user.id) != MANAGED:
            continue
        alias = next((str(p["alias"]) for p in brokers.of_organization(realm, org.id) if p["alias"] in links), None)
        if alias is not None:
            return review_errors(realm, alias, email, await routed_domains(tx, realm, alias, [org.id]))
    return []
