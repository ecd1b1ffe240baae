"""An organization's Domains tab, as Keycloak 26.8's console shows it (DomainsTab.tsx): each domain of the
organization with the identity provider a typed e-mail of it goes to and whether it goes there at once ("Auto
redirect"), and "Edit", whose dialog offers the providers linked to the organization. A save is what DomainModal
sends: ``PUT organizations/{id}`` with the organization's representation, that domain's ``identityProviderAlias``
and ``autoRedirect`` changed (OrganizationAdapter.setDomains: the provider must be linked to the organization),
recorded as that call. Adding and removing domains is the Settings tab's (the same PUT). manage-organizations."""

from __future__ import annotations

from collections.abc import Mapping

from doorkeep.errors import AdminError
from doorkeep.organizations import brokers, realm_domains, rules, writes
from doorkeep.organizations.model import Domain, Organization
from doorkeep.web.admin_console.context import Console
from doorkeep.web.admin_console.forms import FormErrors, FormState, checkbox
from doorkeep.web.admin_console.views_organizations import require

NOT_OURS = "Choose one of the organization's domains."
NOT_LINKED = "Choose an identity provider linked to this organization, or none."


def rows(c: Console, org: Organization) -> list[Domain]:
    require(c)
    return sorted(org.domains, key=lambda d: d.name)


def providers(c: Console, org: Organization) -> list[str]:
    """The aliases the dialog offers: the organization's linked providers (listIdentityProviders)."""
    return [str(p["alias"]) for p in brokers.of_organization(c.realm, org.id)]


def form_of(org: Organization, name: str) -> FormState:
    """The Edit dialog of the domain ``name``, prefilled; an empty state when the organization has no such domain."""
    found = next((d for d in org.domains if d.name == name), None)
    if found is None:
        return FormState({})
    alias = found.identity_provider_alias or ""
    return FormState({"name": found.name, "identityProviderAlias": alias, "autoRedirect": found.auto_redirect})


async def save(c: Console, org: Organization, form: Mapping[str, str]) -> str:
    """The dialog's Save: the domain's routing through the organization's update; the domain's name."""
    require(c)
    name = form.get("name", "").strip().lower()
    alias = form.get("identityProviderAlias", "").strip()
    typed = FormState({"name": name, "identityProviderAlias": alias, "autoRedirect": checkbox(form, "autoRedirect")})
    if all(d.name != name for d in org.domains):
        typed.errors["form"] = NOT_OURS
    elif alias and alias not in providers(c, org):
        typed.errors["identityProviderAlias"] = NOT_LINKED
    if typed.errors:
        raise FormErrors(typed)
    domains = []
    for d in org.domains:
        rep = realm_domains.to_json(d)
        if d.name == name:
            rep = {"name": d.name, "verified": d.verified, "autoRedirect": bool(typed.values["autoRedirect"])}
            rep |= {"identityProviderAlias": alias} if alias else {}
        domains.append(rep)
    body = {**rules.to_json(org, brief=False), "domains": domains}
    try:
        await writes.update(c.tx, c.realm, org, body)
    except AdminError as err:
        typed.errors["identityProviderAlias"] = err.message
        raise FormErrors(typed) from None
    c.changed("PUT", "organizations", org.id, body=body)
    return name
