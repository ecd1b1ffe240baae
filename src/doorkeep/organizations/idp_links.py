"""The settings of a provider's link to an organization (Keycloak 26.8's ORG_IDENTITY_PROVIDER row and
OrganizationIdentityProviderLinkRepresentation: ``organizationId``, ``autoMembership``, ``membershipType``).

A provider links several organizations of its realm; each link says whether its first broker login adds the user to
that organization (``autoMembership``, default true) and as what (``membershipType``, default UNMANAGED). The
JPA OrganizationProvider refuses two combinations (OrganizationIdentityProviderLinkConfigTest): a MANAGED link
without auto-membership ("C2") and a second MANAGED link of one provider ("C1": a managed member has one home
organization). Links are kept in the provider's representation in the realm's configuration
(``organizationLinks``), so the realm's row lock that every provider write takes serialises the C1 check.
"""

from __future__ import annotations

from typing import Any

from doorkeep.errors import AdminError
from doorkeep.model import JSON
from doorkeep.organizations.model import MANAGED, UNMANAGED

LINKS = "organizationLinks"  # IdentityProviderRepresentation.organizationLinks (26.8)
ORGANIZATION_ID = "organizationId"  # the deprecated single organization; kept as the first link's
AUTO = "autoMembership"
TYPE = "membershipType"
TYPES = (UNMANAGED, MANAGED)

NOT_PARSED = AdminError(400, "unknown_error", key="error", description="Cannot parse the JSON")
BAD_TYPE = AdminError(400, "Invalid membership type")
MANAGED_NEEDS_AUTO = AdminError(400, "Managed membership requires auto membership to be enabled")
ONE_MANAGED = AdminError(400, "Identity provider is already linked to another organization with managed membership")


def new(org_id: str, auto: bool = True, membership_type: str = UNMANAGED) -> JSON:
    """A link as stored (OrganizationIdentityProviderEntity's defaults: auto-membership on, UNMANAGED)."""
    return {ORGANIZATION_ID: org_id, AUTO: auto, TYPE: membership_type}


def of(provider: JSON) -> list[JSON]:
    """The provider's links, in the order they were made; a provider stored with only ``organizationId`` (before
    these links) has that one, MANAGED as its first broker login made members then."""
    stored = provider.get(LINKS)
    if isinstance(stored, list):
        return [dict(link) for link in stored if isinstance(link, dict) and isinstance(link.get(ORGANIZATION_ID), str)]
    single = provider.get(ORGANIZATION_ID)
    return [new(single, True, MANAGED)] if isinstance(single, str) and single else []


def organization_ids(provider: JSON) -> list[str]:
    return [str(link[ORGANIZATION_ID]) for link in of(provider)]


def find(provider: JSON, org_id: str) -> JSON | None:
    return next((link for link in of(provider) if link[ORGANIZATION_ID] == org_id), None)


def with_links(provider: JSON, links: list[JSON]) -> JSON:
    """The provider holding exactly ``links``; ``organizationId`` names the first one's organization (none: absent)."""
    out = {k: v for k, v in provider.items() if k not in (LINKS, ORGANIZATION_ID)}
    if links:
        out[LINKS] = links
        out[ORGANIZATION_ID] = links[0][ORGANIZATION_ID]
    return out


def _bool(value: Any) -> bool:
    """A Boolean as Jackson binds it: true/false, or their text."""
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return bool(value == "true")
    raise NOT_PARSED


def _type(value: Any) -> str:
    if not isinstance(value, str):
        raise NOT_PARSED if isinstance(value, list | dict | int | float) else BAD_TYPE
    if value not in TYPES:
        raise BAD_TYPE
    return value


def settings(body: Any, current: JSON | None) -> tuple[bool, str]:
    """The PUT body's ``autoMembership`` and ``membershipType``; a field left out or null keeps the link's."""
    if not isinstance(body, dict):
        raise NOT_PARSED
    auto, kind = body.get(AUTO), body.get(TYPE)
    was_auto = bool(current[AUTO]) if current is not None else True
    was_kind = str(current[TYPE]) if current is not None else UNMANAGED
    return (was_auto if auto is None else _bool(auto)), (was_kind if kind is None else _type(kind))


def check(links: list[JSON], org_id: str, auto: bool, membership_type: str) -> None:
    """C2 then C1 for the link to ``org_id`` among the provider's ``links``."""
    if membership_type == MANAGED and not auto:
        raise MANAGED_NEEDS_AUTO
    if membership_type == MANAGED and any(link[TYPE] == MANAGED and link[ORGANIZATION_ID] != org_id for link in links):
        raise ONE_MANAGED


def replaced(links: list[JSON], org_id: str, auto: bool, membership_type: str) -> list[JSON]:
    """``links`` with the one to ``org_id`` set (added last when missing), after the checks."""
    check(links, org_id, auto, membership_type)
    link = new(org_id, auto, membership_type)
    if all(item[ORGANIZATION_ID] != org_id for item in links):
        return [*links, link]
    return [link if item[ORGANIZATION_ID] == org_id else item for item in links]


def wanted(rep: JSON) -> list[JSON] | None:
    """The links a written representation asks for (``organizationLinks``), None when it names none; each entry
    needs an ``organizationId``, its settings default as a new link's."""
    given = rep.get(LINKS)
    if given is None:
        return None
    if not isinstance(given, list):
        raise NOT_PARSED
    out: list[JSON] = []
    for item in given:
        if not isinstance(item, dict) or not isinstance(item.get(ORGANIZATION_ID), str) or not item[ORGANIZATION_ID]:
            raise NOT_PARSED
        auto, kind = settings(item, None)
        out = replaced(out, item[ORGANIZATION_ID], auto, kind)
    return out
