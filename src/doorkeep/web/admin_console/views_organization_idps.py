"""An organization's Identity providers tab, as Keycloak 26.8's console shows it (IdentityProviders.tsx,
LinkIdentityProviderModal): the linked providers with each link's "Auto membership" and "Membership type", "Link
identity provider", "Edit" (the same dialog for a linked one) and "Unlink provider".

Linking is what that modal sends: ``POST organizations/{id}/identity-providers`` then ``PUT
organizations/{id}/identity-providers/{alias}`` with the link's ``autoMembership`` and ``membershipType``
(organizations/brokers.py; neither records an admin event, as in Keycloak), its C1/C2 refusals shown on the field;
MANAGED keeps auto-membership on, as the console locks the switch on for it. The dialog offers every realm provider
not yet linked to this organization (a provider links several organizations, keycloak#48916). It writes nothing on
the provider itself: which provider a domain's e-mail goes to is the domain's (``identityProviderAlias``,
``autoRedirect``), set on the Domains tab (pages_organization_domains.py, DomainsTab.tsx). Unlinking is the DELETE
alone. manage-organizations (or manage-realm), and manage-identity-providers to link."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

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


def tab(c: Console, org: Organization) -> list[Row]:
    """The organization's providers (the realm's providers it may still link are ``offered``)."""
    require(c)
    linked = brokers.of_organization(c.realm, org.id)
    return [Row(str(p["alias"]), idp.display_name(c.realm, p["alias"])) for p in linked]


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
    """The link form, prefilled with a linked provider's link settings when ``alias`` is one (Edit); a new link's
    defaults (auto-membership, UNMANAGED) otherwise."""
    row = next((r for r in rows if r.alias == alias), None)
    if row is None:
        return FormState({"auto": True, "membership": UNMANAGED})
    auto = bool(link[idp_links.AUTO]) if link is not None else True
    kind = str(link[idp_links.TYPE]) if link is not None else UNMANAGED
    return FormState({"alias": row.alias, "editing": True, "auto": auto, "membership": kind})


async def link(c: Console, org: Organization, form: Mapping[str, str]) -> str:
    """Link the chosen provider (unless the organization has it already: Edit), then set the link's settings; the
    alias written."""
    require(c)
    c.require(MANAGE_IDPS)
    alias = form.get("alias", "").strip()
    kind = form.get("membership", UNMANAGED)
    auto = checkbox(form, "auto") or kind == MANAGED  # the console locks auto-membership on for MANAGED
    editing = any(r.alias == alias for r in tab(c, org))
    typed = FormState({"alias": alias, "editing": editing, "auto": auto, "membership": kind})
    if not editing and alias not in {a for a, _ in offered(c, org)}:
        typed.errors["alias"] = "Choose an identity provider of this realm not yet linked to this organization."
    if kind not in idp_links.TYPES:
        typed.errors["membership"] = "Choose Managed or Unmanaged."
    if typed.errors:
        raise FormErrors(typed)
    if not editing:
        try:
            await brokers.link(c.tx, c.realm.id, org.id, alias)
        except AdminError as err:
            typed.errors["form"] = err.message
            raise FormErrors(typed) from None
    try:
        await brokers.update_link(c.tx, c.realm.id, org.id, alias, {idp_links.AUTO: auto, idp_links.TYPE: kind})
    except AdminError as err:  # C1 / C2: the membership type the provider's other links leave
        typed.errors["membership"] = err.message
        raise FormErrors(typed) from None
    return alias


async def unlink(c: Console, org: Organization, alias: str) -> None:
    """``DELETE organizations/{id}/identity-providers/{alias}``: no admin event, as the REST call records none."""
    require(c)
    await brokers.unlink(c.tx, c.realm.id, org.id, alias)
    await c.tx.domains.clear_routing(c.realm.id, alias, org.id)  # removeIdentityProvider
