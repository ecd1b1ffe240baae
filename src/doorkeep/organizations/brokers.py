"""An organization's identity providers (Keycloak 26.8's OrganizationIdentityProvidersResource and
OrganizationIdentityProviderResource, the JPA OrganizationProvider's add/remove/updateIdentityProviderLink, and
RepresentationToModel.updateOrganizationBroker).

A provider links any number of organizations of its realm, each link with its own settings (organizations/
idp_links.py); its representation lists them (``organizationLinks``) and names the first one's organization in the
deprecated ``organizationId``. Linking adds a link, unlinking removes it (the last one also drops the config's
``kc.org.domain``), deleting the organization removes its links. Writing a provider through the identity-provider
admin API keeps its links and checks that a ``kc.org.domain`` is one of a linked organization's domains (or
``ANY``). Providers live in the realm's configuration, so every write here reads the realm under its row lock. The
first broker login adds the user to each linked organization whose link has auto-membership and whose domains
(when it has any) include the user's e-mail domain, as the link's membership type says
(IdpAddOrganizationMemberAuthenticator).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from doorkeep.broker import providers as idp
from doorkeep.errors import AdminError
from doorkeep.model import JSON, Realm
from doorkeep.organizations import idp_links
from doorkeep.organizations.model import MANAGED, email_domain

if TYPE_CHECKING:
    from doorkeep.organizations.model import Organization
    from doorkeep.store.tx import Tx

ORGANIZATION_ID = idp_links.ORGANIZATION_ID
ORGANIZATION = "kc.org"  # OrganizationModel.ORGANIZATION_ATTRIBUTE: the organization's id given in a config
DOMAIN = "kc.org.domain"  # OrganizationModel.ORGANIZATION_DOMAIN_ATTRIBUTE
REDIRECT_WHEN_EMAIL_MATCHES = "kc.org.broker.redirect.mode.email-matches"  # IdentityProviderRedirectMode
ANY_DOMAIN = "ANY"  # OrganizationModel.ORGANIZATION_DOMAIN_ATTRIBUTE's wildcard: every domain of the organization

UNKNOWN = AdminError(400, "Identity provider not found with the given alias")
ALREADY_HERE = AdminError(409, "Identity provider already associated to the organization")
NOT_HERE = AdminError(404, "Identity provider not associated with the organization")
NOT_FOUND_HERE = AdminError(404, "Identity provider not found with the given alias")
NO_ORGANIZATION = idp.bad("Organization associated with broker does not exist")
FOREIGN_DOMAIN = idp.bad("Domain does not match any domain from the organization")


def organization_of(provider: JSON) -> str | None:
    """The deprecated ``organizationId``: the first linked organization, None when the provider links none."""
    ids = idp_links.organization_ids(provider)
    return ids[0] if ids else None


def organizations_of(provider: JSON) -> list[str]:
    """IdentityProviderModel.getOrganizationIds: every organization the provider is linked to."""
    return idp_links.organization_ids(provider)


def of_organization(realm: Realm, org_id: str) -> list[JSON]:
    """getByOrganization: the organization's providers, by alias."""
    found = [p for p in idp.all_of(realm) if org_id in organizations_of(p)]
    return sorted(found, key=lambda p: str(p.get("alias")))


def linked(realm: Realm, org_id: str, alias: str) -> JSON | None:
    """The provider with this alias when it is linked to the organization (isOrganizationBroker)."""
    provider = idp.by_alias(realm, alias)
    return provider if provider is not None and org_id in organizations_of(provider) else None


async def _store(tx: Tx, realm: Realm, changed: JSON) -> None:
    providers = [changed if p["internalId"] == changed["internalId"] else p for p in idp.all_of(realm)]
    await idp.save(tx, realm.id, providers)


async def link(tx: Tx, realm_id: str, org_id: str, alias_or_id: str) -> None:
    """addIdentityProvider: the realm's provider named by internal id or alias is now linked to the organization
    too, with a new link's settings (auto-membership, UNMANAGED)."""
    realm = await tx.realms.lock(realm_id)
    assert realm is not None
    provider = idp.find(realm, alias_or_id) if alias_or_id else None
    if provider is None:
        raise UNKNOWN
    links = idp_links.of(provider)
    if idp_links.find(provider, org_id) is not None:
        raise ALREADY_HERE
    await _store(tx, realm, idp_links.with_links(provider, [*links, idp_links.new(org_id)]))


async def update_link(tx: Tx, realm_id: str, org_id: str, alias: str, body: object) -> None:
    """updateIdentityProviderLink (``PUT organizations/{id}/identity-providers/{alias}``): the link's
    auto-membership and membership type, after C2 and C1; 404 when the provider is not linked to it."""
    realm = await tx.realms.lock(realm_id)
    assert realm is not None
    provider = linked(realm, org_id, alias)
    if provider is None:
        raise NOT_FOUND_HERE
    auto, kind = idp_links.settings(body, idp_links.find(provider, org_id))
    links = idp_links.replaced(idp_links.of(provider), org_id, auto, kind)
    await _store(tx, realm, idp_links.with_links(provider, links))


def _without(provider: JSON, org_id: str) -> JSON:
    """The provider without its link to the organization; without the last one, no ``kc.org.domain`` either."""
    links = [link for link in idp_links.of(provider) if link[ORGANIZATION_ID] != org_id]
    out = idp_links.with_links(provider, links)
    if not links:
        out["config"] = {k: v for k, v in dict(provider.get("config") or {}).items() if k != DOMAIN}
    return out


async def unlink(tx: Tx, realm_id: str, org_id: str, alias: str) -> None:
    """The admin DELETE: the provider stays in the realm, no longer linked to the organization."""
    realm = await tx.realms.lock(realm_id)
    assert realm is not None
    provider = linked(realm, org_id, alias)
    if provider is None:
        raise NOT_FOUND_HERE
    await _store(tx, realm, _without(provider, org_id))


async def unlink_all(tx: Tx, realm_id: str, org_id: str) -> None:
    """OrganizationProvider.remove: an organization deleted leaves its providers in the realm, its links gone."""
    realm = await tx.realms.lock(realm_id)
    assert realm is not None
    if not of_organization(realm, org_id):
        return
    kept = [_without(p, org_id) if org_id in organizations_of(p) else p for p in idp.all_of(realm)]
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
        return org_id in organizations_of(p) and isinstance(domain, str) and domain.lower() in removed

    if any(bound(p) for p in idp.all_of(realm)):
        kept = [
            {**p, "config": {k: v for k, v in p["config"].items() if k != DOMAIN}} if bound(p) else p
            for p in idp.all_of(realm)
        ]
        await idp.save(tx, realm_id, kept)


async def _linked_organizations(tx: Tx, realm: Realm, links: list[JSON]) -> list[Organization]:
    """The organizations the links name, each one of this realm (else 400 as updateOrganizationBroker's)."""
    found = []
    for link in links:
        org = await tx.organizations.get(realm.id, str(link[ORGANIZATION_ID]))
        if org is None:
            raise NO_ORGANIZATION
        found.append(org)
    return found


def _asked_links(rep: JSON, config: JSON) -> list[JSON]:
    """The links a representation asks for: ``organizationLinks``, else the deprecated ``organizationId`` or the
    config's ``kc.org``: one link meaning what that single organization meant before Keycloak 26.8 (its first
    broker login makes MANAGED members, as migration 0052 keeps it for the providers stored then)."""
    if (given := idp_links.wanted(rep)) is not None:
        return given
    named = rep.get(ORGANIZATION_ID)
    from_config = config.get(ORGANIZATION)
    single = named if isinstance(named, str) and named else from_config
    return [idp_links.new(single, True, MANAGED)] if isinstance(single, str) and single else []


async def settle(tx: Tx, realm: Realm, rep: JSON, existing: JSON | None, provider: JSON) -> None:
    """updateOrganizationBroker for a provider written through the identity-provider API: a linked provider keeps
    its links whatever the representation says, its ``organizationLinks`` ignored, not checked (Keycloak 26.8's
    OrganizationIdentityProviderTest.testUpdate); a new one (or an unlinked one) may ask for links
    (``organizationLinks``, or one organization by ``organizationId`` or the config's ``kc.org``), each to an
    organization of this realm, under the link rules; a ``kc.org.domain`` must be one of a linked organization's
    domains. Doorkeep checks the organizations an existing unlinked provider names too (Keycloak takes them
    unchecked)."""
    config = provider["config"]
    asked = _asked_links(rep, config)
    config.pop(ORGANIZATION, None)
    kept = idp_links.of(existing) if existing is not None else []
    links = kept or asked
    provider.pop(ORGANIZATION_ID, None)
    provider.pop(idp_links.LINKS, None)
    if not links:
        return
    named = rep.get(ORGANIZATION_ID)
    if isinstance(named, str) and named and await tx.organizations.get(realm.id, named) is None:
        raise NO_ORGANIZATION  # the deprecated name is checked even beside links or a provider linked already
    orgs = await _linked_organizations(tx, realm, links)  # a linked provider's asked links are ignored, unchecked
    domain = config.get(DOMAIN)
    if domain is None or not domain.strip():
        config.pop(DOMAIN, None)
    elif domain != ANY_DOMAIN and all(d.name != domain for org in orgs for d in org.domains):
        raise FOREIGN_DOMAIN
    provider.update(idp_links.with_links(provider, links))


def _passes_domain_gate(org: Organization, email: str | None) -> bool:
    """passesDomainGate: an organization without domains takes every user; else the e-mail's domain must be one
    of its domains (or under one of its ``*.`` domains)."""
    if not org.domains:
        return True
    domain = email_domain(email) if email else None  # Organizations.getEmailDomain, as member_email
    return domain is not None and org.owns(domain.lower())


async def join_through(tx: Tx, realm: Realm, alias: str, user_id: str, email: str | None) -> bool:
    """The first broker login's idp-add-organization-member (Keycloak 26.8): the user created or linked through a
    provider joins each enabled organization the provider is linked to whose link has auto-membership and whose
    domains let the user's e-mail through, with the link's membership type; an existing membership is kept as it
    is (addManagedMember/addMember add nothing then). Nothing while the realm's organizations are off. True when
    the user joined one."""
    provider = idp.by_alias(realm, alias) if realm.organizations_enabled else None
    joined = False
    for link in idp_links.of(provider) if provider is not None else []:
        org = await tx.organizations.get(realm.id, str(link[ORGANIZATION_ID]))
        if org is None or not org.enabled or not link[idp_links.AUTO] or not _passes_domain_gate(org, email):
            continue
        joined = await tx.organizations.add_member(org, user_id, str(link[idp_links.TYPE])) or joined
    return joined


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
    out = idp_links.with_links(provider, [])
    out["config"] = {k: v for k, v in dict(provider.get("config") or {}).items() if k != ORGANIZATION}
    return out
