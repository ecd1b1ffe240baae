"""What Keycloak 26 checks of an OrganizationRepresentation, and its JSON, without HTTP or SQL.

OrganizationsResource.create / OrganizationResource.update with RepresentationToModel.toModel, the JPA
provider's create and the OrganizationAdapter setters: name required and unique in the realm, alias defaulting to
the name and never changed afterwards, ``redirectUrl`` an http(s) URL, domains valid and not another
organization's (Keycloak 26.8 lets several organizations claim one through ``organizations/{id}/domains``).
``ModelToRepresentation.toRepresentation(org, brief)`` renders it.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from doorkeep.admin.stored_text import refuse_longer, refuse_nul
from doorkeep.errors import AdminError
from doorkeep.model import User
from doorkeep.organizations.domains import invalid as invalid_domain
from doorkeep.organizations.model import Domain, Organization
from doorkeep.organizations.realm_domains import routed
from doorkeep.organizations.realm_domains import to_json as to_domain_json

NOT_ENABLED = AdminError(404, "Organizations not enabled for this realm.")  # Organizations.checkEnabled
NOT_FOUND = AdminError(404, "Organization not found.")
NULL_BODY = AdminError(400, "Organization cannot be null.")
DUPLICATE_NAME = AdminError(409, "A organization with the same name already exists.")
DUPLICATE_ALIAS = AdminError(409, "A organization with the same alias already exists")
NAME_REQUIRED = AdminError(400, "Name can not be null")
NAME_AS_ALIAS = AdminError(400, "Name contains a reserved character and cannot be used as alias")
ALIAS_CHANGED = AdminError(400, "Cannot change the alias")
BAD_REDIRECT = AdminError(400, "Organization redirect URL is not valid.")
RESERVED = re.compile(r"[:/?#@!$&()*+,;=\[\]\\]")  # ReservedCharValidator.RESERVED_CHARS_PATTERN
ALIAS = "alias"  # OrganizationModel.ALIAS: the one ``q`` key that is not an attribute

Owners = Callable[[str], Awaitable[list[str]]]  # the ids of the organizations claiming a domain name


def _no_space(value: str | None) -> None:
    """ReservedCharValidator.validateNoSpace."""
    if value is None:
        return
    if re.search(r"\s", value):
        raise AdminError(400, "Empty Space not allowed.")
    if found := RESERVED.search(value):
        raise AdminError(400, f"Character '{found.group()}' not allowed.")


def _text(rep: dict[str, Any], key: str) -> str | None:
    """A string field; one PostgreSQL's VARCHAR(255) column cannot keep is its 400 "Invalid input" on SQLite too."""
    value = rep.get(key)
    if not isinstance(value, str):
        return None
    if key in (ALIAS, "name"):
        refuse_longer(value)
        refuse_nul(value)
    return value


def _valid_url(value: str | None) -> None:
    """BuiltinValidators.uriValidator: blank passes; otherwise an absolute http or https URL."""
    if not value:
        return
    try:
        parts = urlsplit(value)
    except ValueError:
        raise BAD_REDIRECT from None
    # java.net.URI refuses spaces and control characters, which urlsplit would silently drop ("https://\ninvalid")
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(c <= " " or c == "\x7f" for c in value):
        raise BAD_REDIRECT


def _attributes(rep: dict[str, Any], current: dict[str, list[str]]) -> dict[str, list[str]]:
    """OrganizationAdapter.setAttributes: null keeps what is there, a map replaces it."""
    raw = rep.get("attributes")
    if not isinstance(raw, dict):
        return current
    out: dict[str, list[str]] = {}
    for key, values in raw.items():
        items = values if isinstance(values, list) else [values]
        out[str(key)] = [str(v) for v in items if v is not None]
    return out


async def _domains(rep: dict[str, Any], org_id: str, realm_name: str, owners: Owners) -> tuple[Domain, ...]:
    """RepresentationToModel / OrganizationAdapter.setDomains (Keycloak 26.8): every named domain valid
    (Organizations.validateDomain, a ``*.`` wildcard included), with its verified flag and its routing
    (``identityProviderAlias``, ``autoRedirect``), and not another organization's (validateDomain; sharing a domain
    is the claim's, ``organizations/{id}/domains``: a domain this organization already claims with others stays).
    ``*.example.com`` and ``example.com`` are two domains; a representation without ``domains`` has none."""
    raw = rep.get("domains")
    found: dict[str, Domain] = {}
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
            continue  # toModel filters out null entries and blank names
        name = item["name"]
        if (problem := invalid_domain(name)) is not None:
            raise AdminError(400, problem)
        refuse_longer(name)
        claimants = await owners(name.lower())
        if claimants and org_id not in claimants:
            raise AdminError(400, f"Domain {name} is already linked to another organization in realm {realm_name}")
        found[name.lower()] = routed(item, name.lower())
    return tuple(found.values())


def _settings(rep: dict[str, Any]) -> tuple[bool, str | None, str | None]:
    enabled = rep.get("enabled")
    # OrganizationTest.testInvalidRedirectUri: an empty redirectUrl reads back as none (null), not as "".
    return enabled is not False, _text(rep, "description"), _text(rep, "redirectUrl") or None


async def new_organization(
    rep: dict[str, Any], org_id: str, realm_id: str, realm_name: str, taken: list[Organization], owners: Owners
) -> Organization:
    """The organization a POST creates; ``taken`` are the realm's organizations."""
    alias = _text(rep, ALIAS)
    _no_space(alias)
    enabled, description, redirect_url = _settings(rep)
    _valid_url(redirect_url)
    name = _text(rep, "name")
    if name is None or not name.strip():
        raise NAME_REQUIRED
    if alias is None or not alias.strip():
        try:
            _no_space(name)
        except AdminError:
            raise NAME_AS_ALIAS from None
        alias = name
    if any(o.name == name for o in taken):
        raise DUPLICATE_NAME
    if any(o.alias == alias for o in taken):
        raise DUPLICATE_ALIAS
    domains = await _domains(rep, org_id, realm_name, owners)
    return Organization(
        org_id, realm_id, name, alias, enabled, description, redirect_url, _attributes(rep, {}), domains
    )


async def updated(
    org: Organization, rep: dict[str, Any], realm_name: str, taken: list[Organization], owners: Owners
) -> Organization:
    """The organization a PUT leaves (OrganizationResource.update then RepresentationToModel.toModel)."""
    name = _text(rep, "name")
    if name != org.name and any(o.name == name for o in taken):
        raise DUPLICATE_NAME
    enabled, description, redirect_url = _settings(rep)
    _valid_url(redirect_url)
    if name is None or not name.strip():
        raise NAME_REQUIRED
    alias = _text(rep, ALIAS)
    if alias is None or not alias.strip():
        alias = name  # OrganizationAdapter.setAlias: blank means the name
    if alias != org.alias:
        raise ALIAS_CHANGED
    domains = await _domains(rep, org.id, realm_name, owners)
    return Organization(
        org.id, org.realm_id, name, alias, enabled, description, redirect_url, _attributes(rep, org.attributes), domains
    )


def to_json(org: Organization, *, brief: bool) -> dict[str, Any]:
    """ModelToRepresentation.toRepresentation(organization, brief): attributes only in the full form."""
    out: dict[str, Any] = {"id": org.id, "name": org.name, "alias": org.alias, "enabled": org.enabled}
    if org.description is not None:
        out["description"] = org.description
    if org.redirect_url is not None:
        out["redirectUrl"] = org.redirect_url
    if not brief:
        out["attributes"] = {k: list(v) for k, v in org.attributes.items()}
    if org.domains:  # addDomain makes the set; none stays null, which Keycloak's mapper leaves out
        out["domains"] = [to_domain_json(d) for d in org.domains]
    return out


def matches(org: Organization, search: str | None, exact: bool) -> bool:
    """JpaOrganizationProvider's string search: the name or one of the domains, exactly or as a part
    (case-insensitively for the name)."""
    if not search:
        return True
    if exact:
        return org.name == search or any(d.name == search for d in org.domains)
    wanted = search.lower()
    return wanted in org.name.lower() or any(wanted in d.name for d in org.domains)


def has_attributes(org: Organization, wanted: dict[str, str]) -> bool:
    """The ``q`` search: ``alias`` compares the alias, any other key an attribute value, all exactly."""
    for key, value in wanted.items():
        if not key:
            continue
        if key == ALIAS:
            if org.alias != value:
                return False
        elif value not in org.attributes.get(key, []):
            return False
    return True


def member_matches(user: User, search: str, exact: bool) -> bool:
    """JpaOrganizationProvider.getSearchOptionPredicateArray: username, e-mail, first or last name."""
    wanted = search.lower()
    fields = [
        user.username,
        (user.email or "").lower(),
        (user.first_name or "").lower(),
        (user.last_name or "").lower(),
    ]
    return any(f == wanted for f in fields) if exact else any(wanted in f for f in fields)
