"""An organization's Identity providers tab, as Keycloak 26's console shows it (IdentityProviders.tsx,
LinkIdentityProviderModal): the linked providers with their domain and "Redirect when email domain matches",
"Link identity provider", "Edit" (the same dialog for a linked one: the PUT alone) and "Unlink provider".

Linking is what that modal sends: ``POST organizations/{id}/identity-providers`` (organizations/brokers.py, no
admin event, as in Keycloak) then ``PUT identity-provider/instances/{alias}`` with ``kc.org.domain`` and
``kc.org.broker.redirect.mode.email-matches`` in its config (broker/admin_writes.py, recorded as that call);
the chosen domain (every one for ``ANY``) then routes to the provider on the organization's domains, Keycloak 26.8's
model, which the login follows first. Unlinking is the DELETE alone. manage-organizations (or manage-realm), and
manage-identity-providers for the PUT."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from doorkeep.broker import admin_writes
from doorkeep.broker import providers as idp
from doorkeep.errors import AdminError
from doorkeep.model import JSON
from doorkeep.organizations import brokers
from doorkeep.organizations.model import Organization
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


def tab(c: Console, org: Organization) -> tuple[list[Row], list[tuple[str, str]]]:
    """The organization's providers and the realm's providers of no organization (alias, name)."""
    require(c)
    linked = [_row(c, org, p) for p in brokers.of_organization(c.realm, org.id)]
    free = [p for p in idp.all_of(c.realm) if brokers.organization_of(p) is None]
    return linked, [(str(p["alias"]), idp.display_name(c.realm, p["alias"])) for p in free]


def _row(c: Console, org: Organization, provider: JSON) -> Row:
    """A linked provider: its domain and switch from the organization's domains routing to it (Keycloak 26.8, what
    migration 0051 moved there), else from its configuration."""
    alias, config = str(provider["alias"]), provider.get("config") or {}
    routed = [d for d in org.domains if d.identity_provider_alias == alias]
    if routed:
        return Row(alias, idp.display_name(c.realm, alias), routed[0].name, any(d.auto_redirect for d in routed))
    redirect = config.get(brokers.REDIRECT_WHEN_EMAIL_MATCHES) == "true"
    return Row(alias, idp.display_name(c.realm, alias), str(config.get(brokers.DOMAIN) or ""), redirect)


def form_of(rows: list[Row], alias: str) -> FormState:
    """The link form, prefilled with a linked provider's domain and switch when ``alias`` is one (Edit)."""
    row = next((r for r in rows if r.alias == alias), None)
    if row is None:
        return FormState()
    return FormState({"alias": row.alias, "domain": row.domain, "redirect": row.redirect, "editing": True})


async def link(c: Console, org: Organization, form: Mapping[str, str]) -> str:
    """Link the chosen provider (unless the organization has it already: Edit), then write its domain and redirect
    switch; the alias written."""
    require(c)
    c.require(MANAGE_IDPS)
    alias, domain = form.get("alias", "").strip(), form.get("domain", "").strip()
    redirect = checkbox(form, "redirect")
    linked, free = tab(c, org)
    editing = any(r.alias == alias for r in linked)
    typed = FormState({"alias": alias, "domain": domain, "redirect": redirect, "editing": editing})
    if not editing and alias not in {a for a, _ in free}:
        typed.errors["alias"] = "Choose an identity provider of this realm that no organization has."
    if typed.errors:
        raise FormErrors(typed)
    try:
        if not editing:
            await brokers.link(c.tx, c.realm.id, org.id, alias)
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
