"""Organization roles (Keycloak's main branch after 26.8.0): the rules of OrganizationRolesResource,
OrganizationRoleResource and OrganizationsValidation.

An organization role lives in its organization's namespace (the same name may be a realm role, a client role and a
role of several organizations). It nests realm and client roles and the other roles of its own organization, never
an admin role (a role of the realm's management client, or one containing such a role: an organization role is
handed to members by whoever manages the organization, so it must not carry administration); no realm or client role
nests an organization role. It is mapped only to members of its organization. The default role is created with the
organization, held by every member through membership, never mapped one by one, never deleted, never nested.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from doorkeep.admin import permissions
from doorkeep.admin.stored_text import refuse_longer, refuse_nul
from doorkeep.errors import AdminError
from doorkeep.model import JSON, Role, User
from doorkeep.organizations.model import Organization
from doorkeep.organizations.role_model import OrganizationRole

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

RESOURCE = "ORGANIZATION_ROLE"
MAPPING_RESOURCE = "ORGANIZATION_ROLE_MAPPING"
DEFAULT_PATH = "default"  # ``roles/default``: the organization's default role

# Keycloak's texts (OrganizationRolesResource, OrganizationRoleResource, OrganizationsValidation)
ROLE_NOT_FOUND = AdminError(404, "Could not find organization role", key="error")
DEFAULT_NOT_FOUND = AdminError(404, "Could not find default organization role", key="error")
ID_REQUIRED = AdminError(400, "role id cannot be null", key="error")
DEFAULT_MAPPINGS = AdminError(400, "default organization role mappings are managed by organization membership.")
ONLY_ORG_ROLES = "Organization roles can only be added as composites to other organization roles"
DEFAULT_NOT_NESTED = "The default organization role cannot be added as a composite role"
NO_ADMIN_COMPOSITES = "Organization roles can not have admin roles as composites"
MEMBERS_ONLY = "Organization roles can only be assigned to members of the organization"


def exists(name: str) -> AdminError:
    """ErrorResponse.exists: 409 ``Role with name … already exists``."""
    return AdminError(409, f"Role with name {name} already exists")


def default_not_removed(role: OrganizationRole) -> AdminError:
    return AdminError(400, f"{role.name} is default role of the organization and cannot be removed.")


def to_json(role: OrganizationRole, *, brief: bool = False) -> JSON:
    """A RoleRepresentation: ``clientRole`` false and the organization as ``containerId``; ``brief`` without
    attributes (ModelToRepresentation.toBriefRepresentation)."""
    out: JSON = {"id": role.id, "name": role.name}
    if role.description is not None:
        out["description"] = role.description
    out.update(composite=role.composite, clientRole=False, containerId=role.organization_id)
    if not brief:
        out["attributes"] = role.attributes
    return out


def as_organization_role(org: Organization, parsed: Role, *, role_id: str) -> OrganizationRole:
    """A role parsed as RoleContainerResource parses one, in the organization's namespace."""
    return OrganizationRole(
        id=role_id,
        realm_id=org.realm_id,
        organization_id=org.id,
        name=parsed.name,
        description=parsed.description,
        attributes=parsed.attributes,
    )


async def create(tx: Tx, org: Organization, role: OrganizationRole) -> None:
    """organization.addRole: 409 when the organization has a role of that name; a name or description no realm
    role could be stored with is 400 ``Invalid input`` (as operations.create_role), on every engine."""
    _refuse_unstorable(role.name, role.description)
    if await tx.organization_roles.name_taken(org.id, role.name):
        raise exists(role.name)
    await tx.organization_roles.create(role)


async def update(tx: Tx, role: OrganizationRole, name: str, description: str | None, attributes: JSON) -> None:
    """RoleResource.updateRole: rename (409 onto another role's name), the description, the attributes."""
    _refuse_unstorable(name, description)
    if name != role.name and await tx.organization_roles.name_taken(role.organization_id, name, but=role.id):
        raise exists(name)
    await tx.organization_roles.update(
        dataclasses.replace(role, name=name, description=description, attributes=attributes)
    )


def _refuse_unstorable(name: str, description: str | None) -> None:
    refuse_longer(name)
    refuse_nul([name, description])


async def delete(tx: Tx, role: OrganizationRole) -> None:
    """The default role is never removed (400)."""
    if role.default:
        raise default_not_removed(role)
    await tx.organization_roles.delete(role)


async def in_realm(tx: Tx, realm_id: str, role_id: str) -> bool:
    """Is ``role_id`` an organization role of an organization of this realm? (Keycloak's realm.getRoleById finds
    one; Doorkeep's realm and client role reads never do, so the places Keycloak then refuses it ask this.)"""
    owner = await tx.organization_roles.owner_of(role_id)
    return owner is not None and await tx.organizations.get(realm_id, owner) is not None


# --- composites ------------------------------------------------------------------------------------------------
async def holds_admin_role(tx: Tx, role_ids: Iterable[str]) -> bool:
    """AdminRoles.isAdminRoleOrComposite over realm and client roles: is any of them, or any role they nest
    transitively, an admin role?"""
    closure = await tx.roles.get_many(await tx.roles.expand(role_ids))
    return any(permissions.is_admin_role(f) for f in await permissions.facts(tx, closure))


async def check_role_child(tx: Tx, child: Role) -> None:
    """validateOrganizationRoleComposite for a realm or client role child: no admin role, directly or nested."""
    if await holds_admin_role(tx, [child.id]):
        raise AdminError(400, NO_ADMIN_COMPOSITES, key="error")


async def check_org_child(tx: Tx, parent: OrganizationRole, child: OrganizationRole) -> None:
    """validateOrganizationRoleComposite for an organization role child: of the same organization, not its default
    role, nesting no admin role."""
    if child.organization_id != parent.organization_id:
        raise AdminError(400, ONLY_ORG_ROLES, key="error")
    if child.default:
        raise AdminError(400, DEFAULT_NOT_NESTED, key="error")
    _, nested = await tx.organization_roles.expand([child.id])
    if await holds_admin_role(tx, nested):
        raise AdminError(400, NO_ADMIN_COMPOSITES, key="error")


async def refuse_anchored_admin(tx: Tx, parent: Role, children: Sequence[Role]) -> None:
    """Nesting an admin role into a realm or client role that an organization role nests (directly or through
    other roles) would hand the admin role to the organization role's holders: 400, as Keycloak refuses it
    (OrganizationRoleTest.testOrganizationRoleCannotBePoisonedThroughIntermediateRealmRole)."""
    anchored = bool(children) and await tx.organization_roles.anchoring([parent.id])
    if anchored and await holds_admin_role(tx, [c.id for c in children]):
        raise AdminError(400, NO_ADMIN_COMPOSITES, key="error")


async def refuse_admin_rename(tx: Tx, realm_name: str, client: str, old: str, new: str) -> None:
    """A master client renamed into a realm's administration client (``<realm>-realm``) makes its roles admin roles:
    refused (400) when an organization role nests one of them, directly or through other roles, as Keycloak
    refuses an administrative classification change of an anchored role
    (OrganizationRoleTest.testAdministrativeClassificationChangesRejectAnchoredRoles). ``realm-management`` is a
    taken clientId in every realm already."""
    suffix = permissions.MASTER_ADMIN_CLIENT_SUFFIX
    if realm_name != permissions.MASTER or old.endswith(suffix) or not new.endswith(suffix):
        return
    if await tx.organization_roles.anchoring([r.id for r in await tx.roles.list_client_roles(client)]):
        raise AdminError(400, NO_ADMIN_COMPOSITES, key="error")


def effective_composites(
    roles: Sequence[Role], org_roles: Sequence[OrganizationRole], client_ids: dict[str, str]
) -> list[Role | OrganizationRole]:
    """getEffectiveRoleComposites' order: organization roles, then realm roles, then client roles by clientId,
    each by name."""

    def key(each: Role | OrganizationRole) -> tuple[int, str, str]:
        if isinstance(each, OrganizationRole):
            return 0, "", each.name
        if each.client_id is None:
            return 1, "", each.name
        return 2, client_ids.get(each.client_id, ""), each.name

    return sorted([*org_roles, *roles], key=key)


# --- members -----------------------------------------------------------------------------------------------------
async def check_grant(tx: Tx, org: Organization, users: Sequence[User]) -> None:
    """validateOrganizationRoleMapping: only members of the organization (400 invalid_request); their memberships
    are held until the mapping commits (a removal at the same moment drops the new mapping with it)."""
    members = await tx.organization_roles.members_among(org.id, [u.id for u in users])
    if any(user.id not in members for user in users):
        raise AdminError(400, "invalid_request", key="error", description=MEMBERS_ONLY)


async def effective_roles(tx: Tx, org: Organization, user_id: str) -> list[OrganizationRole]:
    """A member's effective organization roles: the default role, the roles mapped to them and every organization
    role those nest, transitively, by name; none for a non-member."""
    if await tx.organizations.membership(org.id, user_id) is None:
        return []
    default = await tx.organization_roles.default_role(org.id)
    direct = [r.id for r in await tx.organization_roles.mapped_to(org.id, user_id)]
    start = [*direct, *([default.id] if default else [])]
    ids, _ = await tx.organization_roles.expand(start)
    return await tx.organization_roles.get_many(org.id, ids)
