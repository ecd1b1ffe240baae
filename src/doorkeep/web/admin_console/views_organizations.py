"""Organizations: the list (search, paging), creating one, its Settings and Attributes tabs and deleting it, as
Keycloak 26's console shows them (OrganizationsSection, NewOrganization, DetailOrganization, AttributesForm).

The forms are read into the OrganizationRepresentation Keycloak's console sends and written through
``organizations.writes``, the functions behind ``organizations`` and ``organizations/{id}``, with their checks and
messages, and recorded as those calls. Every page needs manage-organizations (which manage-realm holds: Keycloak
26.7's organization admin roles; the console, reading and writing on the same pages, asks the writer's role), and
the realm's ``organizationsEnabled``, as OrganizationsResource checks them; an edit sends the stored
representation with the form over it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from doorkeep.errors import AdminError
from doorkeep.organizations import realm_domains, rules, writes
from doorkeep.organizations.model import Organization
from doorkeep.web.admin_console.context import Console, Missing, Page, page_of
from doorkeep.web.admin_console.forms import FormErrors, FormState, checkbox

MANAGE = "manage-organizations"
NOT_ENABLED = "Organizations are not enabled for this realm."
FIELDS = ("name", "alias", "domains", "redirectUrl", "description")
# Which field a refusal of organizations.rules belongs to, by the start of its message.
_FIELD_OF = (
    ("Name", "name"),
    ("A organization with the same name", "name"),
    ("A organization with the same alias", "alias"),
    ("Cannot change the alias", "alias"),
    ("Empty Space", "alias"),
    ("Character", "alias"),
    ("The specified domain", "domains"),
    ("Domain ", "domains"),
    ("Organization redirect URL", "redirectUrl"),
)


def require(c: Console) -> None:
    """manage-organizations (or manage-realm), then organizationsEnabled, in OrganizationsResource's order."""
    c.require(MANAGE)
    if not c.realm.organizations_enabled:
        raise Missing(NOT_ENABLED)


async def listed(c: Console, search: str, first: int, size: int) -> Page[Organization]:
    """``GET organizations?search=&first=&max=``: names and domains containing ``search``."""
    require(c)
    found = [o for o in await c.tx.organizations.realm_organizations(c.realm.id) if rules.matches(o, search, False)]
    return page_of(found[first : first + size + 1], first, size, len(found))


async def organization(c: Console, org_id: str) -> Organization:
    """``GET organizations/{id}``; another realm's id is missing here too."""
    require(c)
    found = await c.tx.organizations.get(c.realm.id, org_id)
    if found is None:
        raise Missing("Organization not found.")
    return found


def form_of(org: Organization | None) -> FormState:
    if org is None:
        return FormState(
            {"name": "", "alias": "", "domains": "", "redirectUrl": "", "description": "", "enabled": True}
        )
    return FormState(
        {
            "name": org.name,
            "alias": org.alias,
            "domains": "\n".join(d.name for d in org.domains),
            "redirectUrl": org.redirect_url or "",
            "description": org.description or "",
            "enabled": org.enabled,
        }
    )


def _read(form: Mapping[str, str], old: Organization | None) -> tuple[FormState, dict[str, Any]]:
    typed = FormState({k: form.get(k, "").strip() for k in FIELDS} | {"enabled": checkbox(form, "enabled")})
    kept = {d.name: realm_domains.to_json(d) for d in old.domains} if old else {}  # verified flag and routing
    names = [line.strip() for line in str(typed.values["domains"]).splitlines() if line.strip()]
    rep = rules.to_json(old, brief=False) if old else {}
    rep |= {
        "name": typed.values["name"] or None,
        "alias": old.alias if old else typed.values["alias"] or None,
        "domains": [{**kept.get(n.lower(), {}), "name": n} for n in names],
        "redirectUrl": typed.values["redirectUrl"] or None,
        "description": typed.values["description"] or None,
        "enabled": typed.values["enabled"],
    }
    if old is None:
        rep["attributes"] = {}
    return typed, rep


def refused(typed: FormState, err: AdminError) -> FormErrors:
    """The write's refusal on the field it concerns (the form's summary when none)."""
    name = next((f for start, f in _FIELD_OF if err.message.startswith(start)), "form")
    typed.errors[name] = err.message
    return FormErrors(typed)


async def create(c: Console, form: Mapping[str, str]) -> Organization:
    """``POST organizations``, recorded as that call (its body with the new id, as the REST event carries it)."""
    require(c)
    typed, rep = _read(form, None)
    try:
        org = await writes.create(c.tx, c.realm, rep)
    except AdminError as err:
        raise refused(typed, err) from None
    c.changed("POST", "organizations", org.id, body={**rep, "id": org.id})
    return org


async def update(c: Console, old: Organization, form: Mapping[str, str]) -> Organization:
    """``PUT organizations/{id}`` with the whole representation, the form's fields over the stored ones."""
    require(c)
    typed, rep = _read(form, old)
    typed.values["alias"] = old.alias
    try:
        saved = await writes.update(c.tx, c.realm, old, rep)
    except AdminError as err:
        raise refused(typed, err) from None
    c.changed("PUT", "organizations", old.id, body=rep)
    return saved


def attribute_rows(org: Organization) -> list[tuple[str, str]]:
    return [(key, value) for key, values in org.attributes.items() for value in values]


async def set_attributes(c: Console, old: Organization, keys: Sequence[str], values: Sequence[str]) -> None:
    """The Attributes tab's Save: ``PUT organizations/{id}`` with the rows as ``attributes`` (a key given twice holds
    both values; a row without a key is left out)."""
    require(c)
    attributes: dict[str, list[str]] = {}
    for key, value in zip(keys, values, strict=False):
        if key.strip():
            attributes.setdefault(key.strip(), []).append(value)
    rep = {**rules.to_json(old, brief=False), "attributes": attributes}
    await writes.update(c.tx, c.realm, old, rep)
    c.changed("PUT", "organizations", old.id, body=rep)


async def delete(c: Console, old: Organization) -> None:
    """``DELETE organizations/{id}``: its providers stay in the realm, unlinked."""
    require(c)
    await writes.delete(c.tx, c.realm, old)
    c.changed("DELETE", "organizations", old.id)
