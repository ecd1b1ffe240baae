"""An organization's Identity providers tab, as Keycloak 26's console shows it (IdentityProviders.tsx,
LinkIdentityProviderModal): the linked providers with their domain and "Redirect when email domain matches",
"Link identity provider", "Edit" (the same dialog for a linked one: the PUT alone) and "Unlink provider".

Linking is what that modal sends: ``POST organizations/{id}/identity-providers`` (organizations/brokers.py, no
admin event, as in Keycloak) then ``PUT identity-provider/instances/{alias}`` with ``kc.org.domain`` and
``kc.org.broker.redirect.mode.email-matches`` in its config (broker/admin_writes.py, recorded as that call);
the chosen domain (every one for ``ANY``) then routes to the provider on the organization's domains, Keycloak 26.8's
model, which the login follows first. Unlinking is the DELETE alone. manage-organizations (or manage-realm), and
manage-identity-providers for the PUT.

Keycloak 26.8 (keycloak#48916) links a provider to several organizations: the dialog offers every realm provider not
yet linked to this organization, and sets the link's "Auto membership" and "Membership type"
(``PUT organizations/{id}/identity-providers/{alias}``, organizations/brokers.update_link, no admin event as the REST
call records none; its C1/C2 refusals shown on the field). MANAGED keeps auto-membership on, as the console locks
the switch on for it."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from doorkeep.broker import admin_writes
from doorkeep.broker import providers as idp
from doorkeep.errors import AdminError
from doorkeep.model import JSON
from doorkeep.organizations import brokers, idp_links
from doorkeep.organizations.model import MANAGED, UNMANAGED, Organization
from doorkeep.web.admin_console.context import Console
from doorkeep.web.admin_console.forms import FormErrors, FormState, checkbox
from doorkeep.web.admin_console.views_organizations import require

MANAGE_IDPS = "manage-identity-providers"


@dataclass(frozen=True)
class Row:
    alias: str
    name: str  # the display name
    domain: str
    redirect: bool  # redirect when the e-mail's domain matches


def tab(c: Console, org: Organization) -> list[Row]:
    """The organization's providers (the realm's providers it may still link are ``offered``)."""
    require(c)
    return [_row(c, org, p) for p in brokers.of_organization(c.realm, org.id)]


def _row(c: Console, org: Organization, provider: JSON) -> Row:
    """A linked provider: its domain and switch from the organization's domains routing to it (Keycloak 26.8, what
    migration 0051 moved there), else from its configuration."""
    alias, config = str(provider["alias"]), provider.get("config") or {}
    routed = [d for d in org.domains if d.identity_provider_alias == alias]
    if routed:
        return Row(alias, idp.display_name(c.realm, alias), routed[0].name, any(d.auto_redirect for d in routed))
    redirect = config.get(brokers.REDIRECT_WHEN_EMAIL_MATCHES) == "true"
    return Row(alias, idp.display_name(c.realm, alias), str(config.get(brokers.DOMAIN) or ""), redirect)


def offered(c: Console, org: Organization) -> list[tuple[str, str]]:
    """The realm's providers the organization may link (alias, name): every one not yet linked to it, whichever
    other organizations it is linked to (Keycloak 26.8)."""
    require(c)
    free = [p for p in idp.all_of(c.realm) if org.id not in brokers.organizations_of(p)]
    return [(str(p["alias"]), idp.display_name(c.realm, p["alias"])) for p in free]


def links(c: Console, org: Organization) -> dict[str, JSON]:
    """The settings of the organization's links, by provider alias (autoMembership, membershipType)."""
    found = {str(p["alias"]): idp_links.find(p, org.id) for p in brokers.of_organization(c.realm, org.id)}
    return {alias: link for alias, link in found.items() if link is not None}


def form_of(rows: list[Row], alias: str, link: JSON | None = None) -> FormState:
    """The link form, prefilled with a linked provider's domain, switch and link settings when ``alias`` is one
    (Edit); a new link's defaults (auto-membership, UNMANAGED) otherwise."""
    row = next((r for r in rows if r.alias == alias), None)
    if row is None:
        return FormState({"auto": True, "membership": UNMANAGED})
    auto = bool(link[idp_links.AUTO]) if link is not None else True
    kind = str(link[idp_links.TYPE]) if link is not None else UNMANAGED
    values = {"alias": row.alias, "domain": row.domain, "redirect": row.redirect, "editing": True}
    return FormState({**values, "auto": auto, "membership": kind})


async def link(c: Console, org: Organization, form: Mapping[str, str]) -> str:
    """Link the chosen provider (unless the organization has it already: Edit), then write its domain and redirect
    switch; the alias written."""
    require(c)
    c.require(MANAGE_IDPS)
    alias, domain = form.get("alias", "").strip(), form.get("domain", "").strip()
    redirect = checkbox(form, "redirect")
    kind = form.get("membership", UNMANAGED)
    auto = checkbox(form, "auto") or kind == MANAGED  # the console locks auto-membership on for MANAGED
    linked = tab(c, org)
    editing = any(r.alias == alias for r in linked)
    typed = FormState({"alias": alias, "domain": domain, "redirect": redirect, "editing": editing})
    typed.values.update({"auto": auto, "membership": kind})
    if not editing and alias not in {a for a, _ in offered(c, org)}:
        typed.errors["alias"] = "Choose an identity provider of this realm not yet linked to this organization."
    if kind not in idp_links.TYPES:
        typed.errors["membership"] = "Choose Managed or Unmanaged."
    if typed.errors:
        raise FormErrors(typed)
    try:
        if not editing:
            await brokers.link(c.tx, c.realm.id, org.id, alias)
        settings = {idp_links.AUTO: auto, idp_links.TYPE: kind}
        try:
            await brokers.update_link(c.tx, c.realm.id, org.id, alias, settings)
        except AdminError as err:  # C1 / C2: the membership type the provider's other links leave
            typed.errors["membership"] = err.message
            raise FormErrors(typed) from None
        realm = await admin_writes.locked(c.tx, c.realm.id)
        stored = idp.by_alias(realm, alias)
        assert stored is not None
        rep = idp.masked(stored)
        config = {k: v for k, v in dict(rep.get("config") or {}).items() if k != brokers.DOMAIN}
        if domain:
            config[brokers.DOMAIN] = domain
        config[brokers.REDIRECT_WHEN_EMAIL_MATCHES] = "true" if redirect else "false"
        rep = {**rep, "config": config}
        await admin_writes.update_provider(c.tx, c.realm.id, stored, rep)
    except AdminError as err:  # the page's transaction rolls back (console.run): no link without its domain
        if err.message == brokers.FOREIGN_DOMAIN.message:
            typed.errors["domain"] = "Choose one of the organization's domains."
        else:
            typed.errors["form"] = err.description or err.message
        raise FormErrors(typed) from None
    c.changed("PUT", "identity-provider", "instances", alias, body=rep)
    await _route(c, org, alias, domain, redirect)
    return alias


async def _route(c: Console, org: Organization, alias: str, domain: str, redirect: bool) -> None:
    """Keycloak 26.8's routing on the organization's domains: the chosen domain (every one for ``ANY``) routes to
    the provider with the switch as set; the domains that routed to it before and are not chosen route nowhere."""
    await c.tx.domains.clear_routing(c.realm.id, alias, org.id)
    chosen = [d for d in org.domains if domain == brokers.ANY_DOMAIN or d.name == domain.lower()]
    for d in chosen:
        await c.tx.domains.update(
            c.realm.id, dataclasses.replace(d, identity_provider_alias=alias, auto_redirect=redirect)
        )


async def unlink(c: Console, org: Organization, alias: str) -> None:
    """``DELETE organizations/{id}/identity-providers/{alias}``: no admin event, as the REST call records none."""
    require(c)
    await brokers.unlink(c.tx, c.realm.id, org.id, alias)
    await c.tx.domains.clear_routing(c.realm.id, alias, org.id)  # removeIdentityProvider
