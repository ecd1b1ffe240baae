"""What the Organization Role Membership mapper puts in a token (Keycloak's main branch after 26.8.0:
OrganizationRoleMembershipMapper, OrganizationRoleMapperUtils).

For each organization the token maps, a member's entry in the organization claim gets ``roles`` (the names of
their effective roles of that organization: the default role, the roles mapped to them or to their groups of
the organization, and every organization role those nest), ``realm_access.roles`` and
``resource_access.<clientId>.roles`` (the realm and client roles those organization roles nest, transitively),
each sorted by name. Realm and client roles reached this way stay inside the organization's entry: they are not
the user's roles, so the token's own ``realm_access`` / ``resource_access`` never carry them; and only those the
client's scope permits are shown (the mapper's filter on the client session's roles: every role with full scope
allowed, else the client's roles and the roles scope-mapped to the client and its granted scopes).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from doorkeep.model import Client, ClientScope
from doorkeep.organizations.model import Organization

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

MAPPER = "oidc-organization-role-membership-mapper"  # OrganizationRoleMembershipMapper.PROVIDER_ID
ROLES = "roles"
REALM_ACCESS = "realm_access"
RESOURCE_ACCESS = "resource_access"


@dataclass(frozen=True)
class RoleClaims:
    """OrganizationRoleClaims: the names of one member's organization roles, and of the realm and client roles
    (by clientId) they nest, each sorted."""

    roles: tuple[str, ...] = ()
    realm: tuple[str, ...] = ()
    clients: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def empty(self) -> bool:
        return not (self.roles or self.realm or self.clients)


async def scope_role_ids(tx: Tx, client: Client, scopes: tuple[ClientScope, ...]) -> set[str] | None:
    """The realm and client roles the client's scope permits, composites expanded; None with full scope allowed."""
    if client.full_scope_allowed:
        return None
    in_scope = await tx.config.client_role_ids(client.realm_id, client.id)
    in_scope |= await tx.config.scope_role_ids(client.realm_id, [client.id, *(s.id for s in scopes)])
    return await tx.config.expand(client.realm_id, in_scope)


async def starting_roles(tx: Tx, org: Organization, user_id: str) -> list[str]:
    """The ids of the organization roles a member holds before nesting: the default role, those mapped to them
    and those mapped to their groups of the organization (and the groups above them); none for a non-member."""
    if await tx.organizations.membership(org.id, user_id) is None:
        return []
    default = await tx.organization_roles.default_role(org.id)
    ids = [r.id for r in await tx.organization_roles.mapped_to(org.id, user_id)]
    ids += await tx.organization_group_roles.held_through_groups(org.id, user_id)
    return [*([default.id] if default else []), *dict.fromkeys(ids)]


async def resolve(tx: Tx, org: Organization, user_id: str, in_scope: set[str] | None) -> RoleClaims:
    """resolveRoleClaims for one organization: nothing for a disabled organization or a non-member."""
    if not org.enabled:
        return RoleClaims()
    start = await starting_roles(tx, org, user_id)
    if not start:
        return RoleClaims()
    org_ids, nested = await tx.organization_roles.expand(start)
    names = sorted({r.name for r in await tx.organization_roles.get_many(org.id, org_ids)})
    shown = nested if in_scope is None else nested & in_scope
    realm: set[str] = set()
    clients: dict[str, set[str]] = {}
    for role in await tx.roles.get_many(shown):
        if role.client_id is None:
            realm.add(role.name)
            continue
        client = await tx.config.client_by_uuid(org.realm_id, role.client_id)
        if client is not None:
            clients.setdefault(client.client_id, set()).add(role.name)
    return RoleClaims(tuple(names), tuple(sorted(realm)), {cid: tuple(sorted(clients[cid])) for cid in sorted(clients)})


def organization_map(claims: dict[str, Any], path: list[str]) -> dict[str, Any]:
    """OIDCAttributeMapperHelper.getOrInitializeOrganizationClaimAsMap: the organization claim at ``path`` as a map
    of alias to entry (a list or a single alias the membership mapper wrote becomes one, each alias an empty entry),
    put back in place."""
    *parents, last = path
    target = claims
    for part in parents:
        nested = target.get(part)
        if not isinstance(nested, dict):
            nested = {}
            target[part] = nested
        target = nested
    current = target.get(last)
    if isinstance(current, dict):
        value = current
    else:
        aliases = current if isinstance(current, list) else [current] if isinstance(current, str) else []
        value = {str(alias): {} for alias in aliases if alias is not None}
    target[last] = value
    return value


def _merge(parent: dict[str, Any], names: tuple[str, ...]) -> None:
    """mergeRoles: ``names`` added to the ``roles`` list already there, sorted."""
    current = parent.get(ROLES)
    have = {str(v) for v in current} if isinstance(current, list) else {current} if isinstance(current, str) else set()
    parent[ROLES] = sorted(have | set(names))


def add_to_entry(entry: dict[str, Any], found: RoleClaims) -> None:
    """addToOrganizationClaim: ``roles``, ``realm_access`` and ``resource_access`` into one organization's entry."""
    if found.roles:
        _merge(entry, found.roles)
    if found.realm:
        access = entry.get(REALM_ACCESS)
        access = dict(access) if isinstance(access, dict) else {}
        _merge(access, found.realm)
        entry[REALM_ACCESS] = access
    if found.clients:
        resources = entry.get(RESOURCE_ACCESS)
        resources = dict(resources) if isinstance(resources, dict) else {}
        for client_id, names in found.clients.items():
            one = resources.get(client_id)
            one = dict(one) if isinstance(one, dict) else {}
            _merge(one, names)
            resources[client_id] = one
        entry[RESOURCE_ACCESS] = resources
