"""The ``organization`` scope as Keycloak 26's OrganizationScope reads it: a dynamic scope.

A client scope holding an ``oidc-organization-membership-mapper`` may be requested as itself (``organization``:
ANY, the user's organization when they belong to exactly one enabled one; with several, the one picked at login,
the client session's ``kc.org`` note), as ``organization:*`` (ALL, every organization of the user) or as
``organization:<alias>`` (SINGLE, that organization if the user is a member). The granted scope keeps the requested
spelling (Keycloak's ClientScopeDecorator), so the token's ``scope`` shows it and a
refresh resolves it again. Only enabled organizations of a realm with organizations on are ever mapped.
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


def resolve(
    granted_names: Iterable[str], mine: list[Organization], picked: str | None = None
) -> tuple[Organization, ...]:
    """The organizations the first organization scope among ``granted_names`` maps, from the user's ``mine``
    (OrganizationScope.valueOfScope then resolveOrganizations); ``picked``: the id of the organization the login
    picked (the client session's ``kc.org`` note), which ANY maps when the user has several."""
    enabled = [o for o in mine if o.enabled]
    for name in granted_names:
        _, separator, value = name.partition(SEPARATOR)
        if not separator:  # ANY: the user's only enabled organization, else the one picked if still theirs
            return tuple(enabled) if len(enabled) == 1 else tuple(o for o in enabled if o.id == picked)
        if value == ALL:
            return tuple(enabled)
        return tuple(o for o in enabled if o.alias == value)
    return ()
