"""Which role an admin roles path names, and whose it is (Keycloak's RoleContainerResource and
RoleByIdResource lookups): ``/{realm}/roles/{role-name}``, ``/{realm}/clients/{id}/roles/{role-name}`` and
``/{realm}/roles-by-id/{role-id}`` all find their role through ``target``.

A realm's roles need view-realm / manage-realm; a client's roles view-clients / manage-clients.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from doorkeep.model import Client, Role
from doorkeep.web.admin import audit
from doorkeep.web.admin.common import (
    RealmCall,
    not_found,
)
from doorkeep.web.http import jaxrs_segment

ROLE_NOT_FOUND = not_found("Could not find role")
ROLE_ID_NOT_FOUND = not_found("Could not find role with id")
# RolePermissions.canList(realm) besides canViewRealm() (Keycloak 26.6+): hasOneAdminRole(MANAGE_IDENTITY_PROVIDERS)
LIST_REALM_ROLES = ("manage-identity-providers",)


@dataclass(frozen=True)
class Container:
    """Whose roles a path names: the realm's (client None) or a client's."""

    client: Client | None

    @property
    def view(self) -> str:
        return "view-clients" if self.client else "view-realm"

    @property
    def listers(self) -> tuple[str, ...]:
        """Besides who may ``view`` the container, who may list its roles (RolePermissions.canList, Keycloak 26.6,
        keycloak#46744), by the roles held (hasOneAdminRole): a client's, nobody else; the realm's, who holds
        manage-identity-providers (keycloak#49380: its hardcoded-role mappers pick realm roles). A query role
        (query-users, query-clients, query-realms, query-groups) no longer lists any."""
        return () if self.client else LIST_REALM_ROLES

    @property
    def manage(self) -> str:
        return "manage-clients" if self.client else "manage-realm"

    async def roles(self, call: RealmCall) -> list[Role]:
        if self.client:
            return await call.tx.roles.list_client_roles(self.client.id)
        return await call.tx.roles.list_realm_roles(call.realm.id)

    async def role(self, call: RealmCall, name: str) -> Role:
        if self.client:
            role = await call.tx.roles.get_client_role(self.client.id, name)
        else:
            role = await call.tx.roles.get_realm_role(call.realm.id, name)
        if role is None:
            raise ROLE_NOT_FOUND
        return role

    def url(self, call: RealmCall, name: str) -> str:
        """A new role's Location: RoleContainerResource.createRole encodes the name as one path segment."""
        segment = jaxrs_segment(name)
        if self.client:
            return call.url(call.realm.name, "clients", self.client.id, "roles", segment)
        return call.url(call.realm.name, "roles", segment)


async def container(call: RealmCall, request: Request) -> Container:
    client_uuid = request.path_params.get("id")
    return Container(await call.client(client_uuid) if client_uuid else None)


async def target(call: RealmCall, request: Request, *, manage: bool) -> Role:
    """The role a path names, by id or by container and name, once the caller may view (or manage) it.

    By name, the container's permission comes first (403 before 404); by id, Keycloak first looks the
    role up (404 "Could not find role with id") and then checks its container's permission, and records a
    write to a client role as a CLIENT_ROLE event (RoleByIdResource.updateRole, deleteRole and
    RoleResource.addComposites, deleteComposites).
    """
    role_id = request.path_params.get("role_id")
    if role_id is None:
        owner = await container(call, request)
        call.require(owner.manage if manage else owner.view)
        return await owner.role(call, request.path_params["role_name"])
    role = await call.tx.roles.get(role_id)
    if role is None or role.realm_id != call.realm.id:
        raise ROLE_ID_NOT_FOUND
    if role.client_id:
        call.require("manage-clients" if manage else "view-clients")
        audit.resource(request, "CLIENT_ROLE")
    else:
        call.require("manage-realm" if manage else "view-realm")
    return role
