"""An organization's identity providers (Keycloak 26's OrganizationIdentityProvidersResource, the JPA
OrganizationProvider's add/removeIdentityProvider, and RepresentationToModel.updateOrganizationBroker).

A provider belongs to at most one organization of its realm: its representation carries ``organizationId``. Linking
sets it, unlinking clears it and the ``kc.org.domain`` of its config, deleting the organization unlinks them all.
Writing a linked provider through the identity-provider admin API keeps its organization and checks that a
``kc.org.domain`` is one of the organization's domains (or ``ANY``). Providers live in the realm's configuration,
so every write here reads the realm under its row lock. A user the first broker login creates or links through an
organization's provider joins it as a MANAGED member.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from doorkeep.broker import providers as idp
from doorkeep.errors import AdminError
from doorkeep.model import JSON, Realm
from doorkeep.organizations.model import MANAGED

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

ORGANIZATION_ID = "organizationId"
ORGANIZATION = "kc.org"  # OrganizationModel.ORGANIZATION_ATTRIBUTE: the organization's id given in a config
DOMAIN = "kc.org.domain"  # OrganizationModel.ORGANIZATION_DOMAIN_ATTRIBUTE
REDIRECT_WHEN_EMAIL_MATCHES = "kc.org.broker.redirect.mode.email-matches"  # IdentityProviderRedirectMode
ANY_DOMAIN = "ANY"  # OrganizationModel.ORGANIZATION_DOMAIN_ATTRIBUTE's wildcard: every domain of the organization

UNKNOWN = AdminError(400, "Identity provider not found with the given alias")
ALREADY_HERE = AdminError(409, "Identity provider already associated to the organization")
ELSEWHERE = AdminError(400, "Identity provider already associated with a different organization")
NOT_HERE = AdminError(404, "Identity provider not associated with the organization")
NOT_FOUND_HERE = AdminError(404, "Identity provider not found with the given alias")
NO_ORGANIZATION = idp.bad("Organization associated with broker does not exist")
FOREIGN_DOMAIN = idp.bad("Domain does not match any domain from the organization")


def organization_of(provider: JSON) -> str | None:
    value = provider.get(ORGANIZATION_ID)
    return value if isinstance(value, str) and value else None


def of_organization(realm: Realm, org_id: str) -> list[JSON]:
    """getByOrganization: the organization's providers, by alias."""
    found = [p for p in idp.all_of(realm) if organization_of(p) == org_id]
    return sorted(found, key=lambda p: str(p.get("alias")))


def linked(realm: Realm, org_id: str, alias: str) -> JSON | None:
    """The provider with this alias when it belongs to the organization (isOrganizationBroker)."""
    provider = idp.by_alias(realm, alias)
    return provider if provider is not None and organization_of(provider) == org_id else None


async def _store(tx: Tx, realm: Realm, changed: JSON) -> None:
    providers = [changed if p["internalId"] == changed["internalId"] else p for p in idp.all_of(realm)]
    await idp.save(tx, realm.id, providers)


async def link(tx: Tx, realm_id: str, org_id: str, alias_or_id: str) -> None:
    """addIdentityProvider: the realm's provider named by internal id or alias now belongs to the organization."""
    realm = await tx.realms.lock(realm_id)
    assert realm is not None
    provider = idp.find(realm, alias_or_id) if alias_or_id else None
    if provider is None:
        raise UNKNOWN
    owner = organization_of(provider)
    if owner == org_id:
        raise ALREADY_HERE
    if owner is not None:
        raise ELSEWHERE
    await _store(tx, realm, {**provider, ORGANIZATION_ID: org_id})


def _detached(provider: JSON, config_key: str) -> JSON:
    """The provider without ``organizationId`` and without this key of its config."""
    out = {k: v for k, v in provider.items() if k != ORGANIZATION_ID}
    out["config"] = {k: v for k, v in dict(provider.get("config") or {}).items() if k != config_key}
    return out


def _unlinked(provider: JSON) -> JSON:
    """The provider without its organization and the domain it was bound to."""
    return _detached(provider, DOMAIN)


async def unlink(tx: Tx, realm_id: str, org_id: str, alias: str) -> None:
    """The admin DELETE: the provider stays in the realm, no longer the organization's."""
    realm = await tx.realms.lock(realm_id)
    assert realm is not None
    provider = linked(realm, org_id, alias)
    if provider is None:
        raise NOT_FOUND_HERE
    await _store(tx, realm, _unlinked(provider))


async def unlink_all(tx: Tx, realm_id: str, org_id: str) -> None:
    """OrganizationProvider.remove: an organization deleted leaves its providers in the realm, unlinked."""
    realm = await tx.realms.lock(realm_id)
    assert realm is not None
    if not of_organization(realm, org_id):
        return
    kept = [_unlinked(p) if organization_of(p) == org_id else p for p in idp.all_of(realm)]
    await idp.save(tx, realm_id, kept)


async def unbind_domains(tx: Tx, realm_id: str, org_id: str, removed: set[str]) -> None:
    """OrganizationAdapter.setDomains: a provider of the organization bound to a domain it no longer has is bound to
    none (its ``kc.org.domain`` removed; the link stays)."""
    if not removed:
        return
    realm = await tx.realms.lock(realm_id)
    assert realm is not None

    def bound(p: JSON) -> bool:
        domain = dict(p.get("config") or {}).get(DOMAIN)
        return organization_of(p) == org_id and isinstance(domain, str) and domain.lower() in removed

    if any(bound(p) for p in idp.all_of(realm)):
        kept = [
            {**p, "config": {k: v for k, v in p["config"].items() if k != DOMAIN}} if bound(p) else p
            for p in idp.all_of(realm)
        ]
        await idp.save(tx, realm_id, kept)


async def settle(tx: Tx, realm: Realm, rep: JSON, existing: JSON | None, provider: JSON) -> None:
    """updateOrganizationBroker for a provider written through the identity-provider API: a linked provider keeps
    its organization whatever the representation says; a new one may name one (``organizationId`` or the config's
    ``kc.org``) that must exist in this realm; a ``kc.org.domain`` must be one of that organization's domains.
    Doorkeep checks a newly named organization of an existing unlinked provider too (Keycloak takes it unchecked)."""
    config = provider["config"]
    named = rep.get(ORGANIZATION_ID)
    from_config = config.pop(ORGANIZATION, None)
    wanted = named if isinstance(named, str) and named else from_config
    org_id = (organization_of(existing) if existing is not None else None) or wanted
    provider.pop(ORGANIZATION_ID, None)
    if org_id is None:
        return
    org = await tx.organizations.get(realm.id, org_id)
    if org is None or (wanted is not None and await tx.organizations.get(realm.id, wanted) is None):
        raise NO_ORGANIZATION
    domain = config.get(DOMAIN)
    if domain is None or not domain.strip():
        config.pop(DOMAIN, None)
    elif domain != ANY_DOMAIN and all(d.name != domain for d in org.domains):
        raise FOREIGN_DOMAIN
    provider[ORGANIZATION_ID] = org_id


async def join_through(tx: Tx, realm: Realm, alias: str, user_id: str) -> bool:
    """The first broker login's idp-add-organization-member: a user created or linked through an organization's
    provider becomes a MANAGED member of it (nothing when the realm's organizations are off or the organization is
    disabled; an existing membership is kept as it is). True when the user joined."""
    provider = idp.by_alias(realm, alias) if realm.organizations_enabled else None
    org_id = organization_of(provider) if provider is not None else None
    org = await tx.organizations.get(realm.id, org_id) if org_id is not None else None
    if org is None or not org.enabled:
        return False
    return await tx.organizations.add_member(org, user_id, MANAGED)


async def home_brokers(tx: Tx, realm: Realm, user_id: str) -> list[str]:
    """Organizations.resolveHomeBroker: the aliases of the providers a MANAGED member of enabled organizations is
    linked through, each one of such an organization's; none while the realm has organizations off."""
    if not realm.organizations_enabled:
        return []
    links = {f.alias for f in await tx.federated.of_user(user_id)}
    found: list[str] = []
    for org in await tx.organizations.of_user(user_id):
        if org.enabled and await tx.organizations.membership(org.id, user_id) == MANAGED:
            found += [str(p["alias"]) for p in of_organization(realm, org.id) if p["alias"] in links]
    return found


def exported(provider: JSON) -> JSON:
    """Organizations.stripOrganizationId: a realm file's provider names no organization; the organization names
    its providers instead (``identityProviders``), and an import links them by alias."""
    return _detached(provider, ORGANIZATION)
