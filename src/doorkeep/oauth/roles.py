"""Effective roles of a user for a client (Keycloak's TokenManager.getAccess)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from doorkeep.model import Client, ClientScope, Role, User

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

OFFLINE_ACCESS_ROLE = "offline_access"


async def user_roles(tx: Tx, user: User) -> set[str]:
    """Every role the user has, directly or through their groups and the groups above them, composites
    expanded (Keycloak's RoleUtils.getDeepUserRoleMappings)."""
    return await tx.config.expand(user.realm_id, await direct_and_group_role_ids(tx, user))


async def direct_and_group_role_ids(tx: Tx, user: User) -> set[str]:
    """The roles mapped to the user and to their groups (and ancestors), realm and organization groups, not
    expanded."""
    ids = await tx.users.role_ids(user.id)
    if await tx.config.has_groups(user.realm_id):
        ids |= await tx.groups.inherited_role_ids(user.id)
    if await tx.config.has_org_group_roles(user.realm_id):
        ids |= await tx.organization_group_roles.inherited_realm_role_ids(user.id)
    return ids


async def effective_roles(tx: Tx, user: User, client: Client, scopes: tuple[ClientScope, ...]) -> list[Role]:
    """User roles ∩ roles in the client's scope (all of them when full scope is allowed)."""
    mine = await user_roles(tx, user)
    if not client.full_scope_allowed:
        in_scope = await tx.config.client_role_ids(client.realm_id, client.id)
        in_scope |= await tx.config.scope_role_ids(client.realm_id, [client.id, *(s.id for s in scopes)])
        mine &= await tx.config.expand(client.realm_id, in_scope)
    return await tx.config.roles(client.realm_id, mine)


def has_offline_access(roles: list[Role]) -> bool:
    return any(r.name == OFFLINE_ACCESS_ROLE and r.client_id is None for r in roles)
