"""Organization roles mapped to organization groups (Keycloak's main branch after 26.8.0: an organization group's
``role-mappings/organizations``, OrganizationGroupRoleEndpointTest).

A group of an organization may hold that organization's roles; its members, and those of the groups below it,
hold them too (organizations.role_claims). The default role is never mapped to a group (it follows membership);
another organization's role, a realm or client role, an unknown id, a representation without an id, ``null`` in
place of the list or of one of its items are refused with a 400, and a batch is checked whole before any write
(invalidMixedBatchesDoNotPartiallyAddOrDelete). The representation's ``id`` decides the role, never its name
(validatesPayloadTypeOwnershipAndGenericGroupContext). A role whose nesting reaches an admin role (a stored graph
Keycloak's validation would not have let through) is neither offered nor mapped
(corruptRoleGraphsAndStoredMappingsStayUnavailable), so no group mapping hands out administration.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from doorkeep.admin.representations import role_brief_json
from doorkeep.errors import AdminError
from doorkeep.model import Group, Role
from doorkeep.organizations import roles as org_roles
from doorkeep.organizations.model import Organization
from doorkeep.organizations.role_model import OrganizationRole

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

ROLES_REQUIRED = AdminError(400, "roles are required")
ROLE_ID_REQUIRED = AdminError(400, "role id is required")
NOT_THIS_ORGANIZATION = AdminError(400, "Organization role not found in this organization")
DEFAULT_NOT_MAPPED = AdminError(400, "default organization role mappings are managed by organization membership.")
NOT_A_GROUP = AdminError(400, "Organization roles can only be mapped to organization groups")


async def _holds_admin(tx: Tx, role: OrganizationRole) -> bool:
    _, nested = await tx.organization_roles.expand([role.id])
    return await org_roles.holds_admin_role(tx, nested)


async def parse(tx: Tx, org: Organization, body: Any) -> list[OrganizationRole]:
    """The organization roles a request body names (a list of RoleRepresentations, by ``id``), each once, every
    one checked before the caller writes anything."""
    if not isinstance(body, list):
        raise ROLES_REQUIRED
    out: dict[str, OrganizationRole] = {}
    for rep in body:
        if not isinstance(rep, dict):
            raise ROLES_REQUIRED
        role_id = rep.get("id")
        if not isinstance(role_id, str) or not role_id:
            raise ROLE_ID_REQUIRED
        role = await tx.organization_roles.get(org.id, role_id)
        if role is None:
            raise NOT_THIS_ORGANIZATION
        if role.default:
            raise DEFAULT_NOT_MAPPED
        if await _holds_admin(tx, role):
            raise AdminError(400, org_roles.NO_ADMIN_COMPOSITES)
        out[role.id] = role
    return list(out.values())


async def mapped(tx: Tx, org: Organization, group: Group) -> list[OrganizationRole]:
    """The organization roles mapped to the group directly, by name (a stored mapping of the default role is not
    shown: it is not one)."""
    found = await tx.organization_roles.get_many(org.id, await tx.organization_group_roles.role_ids(group.id))
    return sorted((r for r in found if not r.default), key=lambda r: r.name)


async def available(tx: Tx, org: Organization, group: Group) -> list[OrganizationRole]:
    """The organization's roles the group may still be given: not the default role (by identity, not by name), not
    those mapped already, none reaching an admin role."""
    direct = await tx.organization_group_roles.role_ids(group.id)
    out: list[OrganizationRole] = []
    for role in await tx.organization_roles.of_organization(org.id):
        if role.default or role.id in direct or await _holds_admin(tx, role):
            continue
        out.append(role)
    return sorted(out, key=lambda r: r.name)


async def grant(tx: Tx, org: Organization, group: Group, roles: list[OrganizationRole]) -> None:
    if roles:
        await tx.organization_group_roles.grant(org.realm_id, group.id, [r.id for r in roles])


async def revoke(tx: Tx, org: Organization, group: Group, roles: list[OrganizationRole]) -> None:
    if roles:
        await tx.organization_group_roles.revoke(org.realm_id, group.id, [r.id for r in roles])


# --- realm and client roles on organization groups ----------------------------------------------------------------
ADMIN_REFUSED = AdminError(400, "Organization groups can not be mapped to admin roles")


async def refuse_admin(tx: Tx, roles: list[Role]) -> None:
    """An organization group's members are managed by whoever manages the organization: no admin role, directly or
    nested, is mapped to it (Keycloak: the group anchors its roles, testCachedOrganizationGroupAnchorsRejectLater…)."""
    if roles and await org_roles.holds_admin_role(tx, [r.id for r in roles]):
        raise ADMIN_REFUSED


async def refuse_anchored_admin(tx: Tx, realm_id: str, parent: Role, children: list[Role]) -> None:
    """Nesting an admin role into a realm or client role an organization group holds (or into one of the roles it
    nests) would hand the admin role to the group's members: 400, as for organization roles."""
    if not children or not await org_roles.holds_admin_role(tx, [c.id for c in children]):
        return
    anchored = await tx.organization_group_roles.mapped_in_realm(realm_id)
    if anchored and parent.id in await tx.roles.expand(anchored):
        raise AdminError(400, org_roles.NO_ADMIN_COMPOSITES, key="error")


async def effective_realm_roles(tx: Tx, org: Organization, group: Group) -> set[str]:
    """The realm and client roles of the group and the groups above it, composites expanded."""
    groups = await tx.organization_group_roles.ancestors_of(org.id, group.id)
    return await tx.roles.expand(await tx.organization_group_roles.realm_roles_of_groups(groups))


async def realm_and_client_json(tx: Tx, realm_id: str, group: Group) -> tuple[list[Any], dict[str, Any]]:
    """The group's realm roles (brief) and its client roles by clientId (MappingsRepresentation's parts)."""
    realm_roles: list[Any] = []
    by_client: dict[str, dict[str, Any]] = {}
    for role in await tx.roles.get_many(await tx.organization_group_roles.realm_role_ids(group.id)):
        if role.client_id is None:
            realm_roles.append(role_brief_json(role, realm_id))
            continue
        client = await tx.clients.get(role.client_id)
        if client is not None:
            entry = by_client.setdefault(client.client_id, {"id": client.id, "client": client.client_id})
            entry.setdefault("mappings", []).append(role_brief_json(role, client.id))
    return realm_roles, by_client


async def representation_roles(tx: Tx, realm_id: str, group: Group) -> dict[str, Any]:
    """A full GroupRepresentation's ``realmRoles`` (names) and ``clientRoles`` (names by clientId)."""
    realm_roles, by_client = await realm_and_client_json(tx, realm_id, group)
    return {
        "realmRoles": [r["name"] for r in realm_roles],
        "clientRoles": {cid: [r["name"] for r in entry["mappings"]] for cid, entry in by_client.items()},
    }
