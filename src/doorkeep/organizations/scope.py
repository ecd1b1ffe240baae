"""The ``organization`` scope as Keycloak 26's OrganizationScope reads it: a dynamic scope.

A client scope holding an ``oidc-organization-membership-mapper`` may be requested as itself (``organization``:
ANY, the organization picked at login, the client session's ``kc.org`` note, while it holds; without a pick, the
user's organization when they belong to exactly one enabled one), as ``organization:*`` (ALL, every organization
of the user) or as ``organization:<alias>`` (SINGLE, that organization if the user is a member). The granted scope
keeps the requested spelling (Keycloak's ClientScopeDecorator), so the token's ``scope`` shows it and a refresh
resolves it again. Only enabled organizations of a realm with organizations on are ever mapped.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from doorkeep.model import ClientScope
from doorkeep.organizations.model import Organization

MAPPER = "oidc-organization-membership-mapper"
GROUP_MAPPER = "oidc-organization-group-membership-mapper"  # Keycloak 26.6's OrganizationGroupMembershipMapper
SEPARATOR = ":"  # ClientScopeModel.VALUE_SEPARATOR
ALL = "*"
NOTE = "kc.org"  # OrganizationModel.ORGANIZATION_ATTRIBUTE: the client session's note of the organization picked


def maps_organizations(scope: ClientScope) -> bool:
    return any(m.mapper in (MAPPER, GROUP_MAPPER) for m in scope.protocol_mappers)


def dynamic(name: str, linked: Mapping[str, ClientScope]) -> ClientScope | None:
    """``organization:<value>`` as the linked organization scope it names, renamed to the requested spelling."""
    base, separator, value = name.partition(SEPARATOR)
    scope = linked.get(base) if separator and value else None
    if scope is None or not maps_organizations(scope):
        return None
    return dataclasses.replace(scope, name=name)


def kind(name: str) -> str:
    """OrganizationScope.valueOfScope of an organization scope's requested spelling: ANY (``organization``), ALL
    (``organization:*``) or SPECIFIC (``organization:<alias>``)."""
    _, separator, value = name.partition(SEPARATOR)
    return "ANY" if not separator else "ALL" if value == ALL else "SPECIFIC"


def mixed(names: Iterable[str]) -> bool:
    """Whether the organization scopes requested as ``names`` mix kinds (ANY with a value, ALL with an alias): such
    a request is invalid (OrganizationOIDCProtocolMapperTest#testMultipleOrganizationScopes); several aliases are
    one SPECIFIC request."""
    return len({kind(name) for name in names}) > 1


class AnyOnRefresh(ValueError):
    """ALL's name resolver refusing ANY on a refresh ("ANY organization scope is not allowed in this context")."""


def refreshed(previous: str, requested: Iterable[str]) -> str | None:
    """OrganizationScope.resolveName: the spelling a refresh asking for ``requested`` grants of the organization scope
    granted before as ``previous`` (the same client scope's spellings only), None when it is no longer granted. ALL
    narrows to what is asked (ANY refused: AnyOnRefresh); SPECIFIC and ANY keep themselves when asked again or when
    ALL is asked, and are dropped for any other value."""
    base = previous.partition(SEPARATOR)[0]
    for current in requested:
        if current.partition(SEPARATOR)[0] != base:
            continue
        if kind(previous) == "ALL":
            if kind(current) == "ANY":
                raise AnyOnRefresh(current)
            return current
        if current == previous:
            return current
        if kind(current) == "ALL":
            return previous
    return None


def resolve(
    granted_names: Iterable[str], mine: list[Organization], picked: str | None = None
) -> tuple[Organization, ...]:
    """The organizations the first organization scope among ``granted_names`` maps, from the user's ``mine``
    (OrganizationScope.valueOfScope then resolveOrganizations); ``picked``: the id of the organization the login
    picked (the client session's ``kc.org`` note), the only one ANY maps once picked (OrganizationMembershipMapper's
    setClaim reads the note before the scope, then keeps it only while it exists, is enabled and has the user: a pick
    the user has since left, or that was disabled or deleted, maps nothing, never another organization of theirs).
    SPECIFIC maps every alias granted (``organization:a organization:b``)."""
    enabled = [o for o in mine if o.enabled]
    names = list(granted_names)
    for name in names:
        _, separator, value = name.partition(SEPARATOR)
        if not separator:  # ANY: the pick while still theirs and enabled, else (no pick) the user's only enabled one
            if picked is not None:
                return tuple(o for o in enabled if o.id == picked)
            return tuple(enabled) if len(enabled) == 1 else ()
        if value == ALL:
            return tuple(enabled)
        aliases = {n.partition(SEPARATOR)[2] for n in names if kind(n) == "SPECIFIC"}
        return tuple(o for o in enabled if o.alias in aliases)
    return ()
