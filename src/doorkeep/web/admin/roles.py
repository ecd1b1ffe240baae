"""Admin REST: realm roles, client roles, roles by id, composites and role members
(Keycloak's RoleContainerResource and RoleByIdResource).

A realm's roles need view-realm / manage-realm; a client's roles view-clients / manage-clients.
``/{realm}/roles/{role-name}/...``, ``/{realm}/clients/{id}/roles/{role-name}/...`` and
``/{realm}/roles-by-id/{role-id}/...`` share every handler here: ``target`` finds the role either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeGuard

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin import groups as group_ops
from doorkeep.admin import operations
from doorkeep.admin.group_mapper_json import group_to_json
from doorkeep.admin.representations import is_true, user_to_json
from doorkeep.errors import AdminError
from doorkeep.model import Client, Group, Role, User
from doorkeep.users import brute_force, otp
from doorkeep.web.admin import audit, parse
from doorkeep.web.admin.common import (
    RealmCall,
    client_of,
    created,
    invalid_input,
    no_content,
    not_found,
    ok,
    page,
    query_bool,
    query_int,
    read_object,
    read_objects,
    role_json,
    run_realm,
)

ROLE_NOT_FOUND = not_found("Could not find role")
ROLE_ID_NOT_FOUND = not_found("Could not find role with id")
COMPOSITE_NOT_FOUND = not_found("Could not find composite role")
MEMBERS_MAX = 100  # Keycloak's Constants.DEFAULT_MAX_RESULTS


@dataclass(frozen=True)
class Container:
    """Whose roles a path names: the realm's (client None) or a client's."""

    client: Client | None

    @property
    def view(self) -> str:
        return "view-clients" if self.client else "view-realm"

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
        if self.client:
            return call.url(call.realm.name, "clients", self.client.id, "roles", name)
        return call.url(call.realm.name, "roles", name)


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


async def list_roles(request: Request) -> Response:
    search = (request.query_params.get("search") or "").strip().lower()
    brief = query_bool(request, "briefRepresentation", True)

    async def work(call: RealmCall) -> Response:
        first, max_results = query_int(request, "first"), query_int(request, "max")
        owner = await container(call, request)
        call.require(owner.view)
        roles = await owner.roles(call)
        if search:
            roles = [r for r in roles if search in r.name.lower() or search in (r.description or "").lower()]
        if search or (first is not None and max_results is not None):
            roles = page(roles, first, max_results)  # getRoles pages a listing only when given both bounds
        return ok([role_json(r, brief=brief) for r in roles])

    return await run_realm(request, work, write=False)


async def create_role(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        owner = await container(call, request)
        call.require(owner.manage)
        rep = await read_object(request)
        role = parse.new_role(call.realm.id, owner.client.id if owner.client else None, rep)
        children = await _composites_of_new_role(call, rep)
        await operations.create_role(call.tx, role)
        if children:
            await call.tx.roles.add_composites(role.id, [c.id for c in children])
        audit.represent(request, event_representation(rep, role.id))
        return created(owner.url(call, role.name))

    return await run_realm(request, work)


def event_representation(rep: dict[str, Any], role_id: str) -> dict[str, Any]:
    """The RoleRepresentation a role's CREATE event carries: the request as Jackson read it, with the new id
    (RoleContainerResource.createRole's ``rep.setId``), ``composite`` always (a primitive boolean) and the
    other fields only if given, in the class's field order."""
    out: dict[str, Any] = {"id": role_id}
    for key in ("name", "description"):
        if rep.get(key) is not None:
            out[key] = rep[key]
    out["composite"] = is_true(rep.get("composite"))
    for key in ("composites", "clientRole", "containerId", "attributes"):
        if rep.get(key) is not None:
            out[key] = rep[key]
    return out


async def _composites_of_new_role(call: RealmCall, rep: dict[str, Any]) -> list[Role]:
    """The roles a new role nests when ``composite`` is true (Keycloak's createRole); all checked before the role
    is made, a role named under an unknown clientId ignored as Keycloak ignores it."""
    composites = rep.get("composites")
    if not is_true(rep.get("composite")) or composites is None:
        return []
    if isinstance(composites, dict) and isinstance(composites.get("client"), dict):
        # a clientId no client of the realm has is passed over (createRole: ``if (client == null) continue``)
        by_client = {
            client_id: names
            for client_id, names in composites["client"].items()
            if await call.tx.clients.get_by_client_id(call.realm.id, client_id) is not None
        }
        composites = {**composites, "client": by_client}
    return await nestable(call, composites)


async def nestable(call: RealmCall, composites: object) -> list[Role]:
    """A RoleRepresentation's ``composites``, each the caller's to nest (403, as ``POST …/composites`` checks:
    manage-realm or manage-clients, and every admin role in it the caller's to hand out)."""
    if not isinstance(composites, dict):
        raise invalid_input("composites: expected an object")
    children = await named_roles(call, composites.get("realm"), composites.get("client"), "composites")
    for child in children:
        call.require("manage-clients" if child.client_id else "manage-realm")
        await call.identity.require_grant(call.tx, child)
    return children


async def named_roles(call: RealmCall, realm_names: object, by_client: object, where: str) -> list[Role]:
    """Roles named as Keycloak's representations name them: realm role names, and a clientId mapped to client
    role names (``composites``, a user's or group's ``realmRoles`` / ``clientRoles``). Each must exist (404 with
    Keycloak's texts); the same role named twice is returned once."""
    realm_names, by_client = realm_names or [], by_client or {}
    if not _names(realm_names) or not isinstance(by_client, dict) or not all(_names(v) for v in by_client.values()):
        raise invalid_input(f"{where}: expected role names")
    found: list[Role] = []
    for name in realm_names:
        role = await call.tx.roles.get_realm_role(call.realm.id, name)
        if role is None:
            raise AdminError(404, f"Realm Role with name {name} does not exist")
        found.append(role)
    for client_id, names in by_client.items():
        client = await call.tx.clients.get_by_client_id(call.realm.id, client_id)
        if client is None:
            raise AdminError(404, f"Client with client ID {client_id} does not exist")
        for name in names:
            role = await call.tx.roles.get_client_role(client.id, name)
            if role is None:
                raise AdminError(404, f"Client Role with name {name} does not exist")
            found.append(role)
    return list({r.id: r for r in found}.values())


def _names(value: object) -> TypeGuard[list[str]]:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


async def get_role(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        role = await target(call, request, manage=False)
        return ok(role_json(role))

    return await run_realm(request, work, write=False)


async def update_role(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        role = await target(call, request, manage=True)
        updated = parse.updated_role(role, await read_object(request))
        await call.identity.require_redefine(call.tx, role, updated.name)
        await operations.update_role(call.tx, role, updated)
        return no_content()

    return await run_realm(request, work)


async def delete_role(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        role = await target(call, request, manage=True)
        await call.identity.require_redefine(call.tx, role)
        await operations.delete_role(call.tx, call.realm, role)
        return no_content()

    return await run_realm(request, work)


async def composites(request: Request) -> Response:
    """GET, POST and DELETE of ``…/composites``: the role's direct children. Only ``roles-by-id`` reads
    ``search``, ``first`` and ``max`` (RoleByIdResource.getRoleComposites); by name they are ignored
    (RoleContainerResource.getRoleComposites takes none)."""
    write = request.method != "GET"
    by_id = "role_id" in request.path_params
    search = (request.query_params.get("search") or "").strip().lower() if by_id else ""

    async def work(call: RealmCall) -> Response:
        first, max_results = (query_int(request, "first"), query_int(request, "max")) if by_id else (None, None)
        role = await target(call, request, manage=write)
        if not write:
            children = await call.tx.roles.composites(role.id)
            if search:
                children = [r for r in children if search in r.name.lower()]
            return ok([role_json(r, brief=True) for r in page(children, first, max_results)])
        refs = parse.role_refs(await read_objects(request) or [])
        if request.method == "POST":
            children = [await _mappable_composite(call, ref) for ref in refs]
            await call.tx.roles.add_composites(role.id, [c.id for c in children])
        else:
            children = await operations.resolve_roles(call.tx, call.realm, refs, COMPOSITE_NOT_FOUND)
            await call.tx.roles.remove_composites(role.id, [c.id for c in children])
        return no_content()

    return await run_realm(request, work, write=write)


async def _mappable_composite(call: RealmCall, ref: tuple[str | None, str | None]) -> Role:
    """A role to nest, found (404) and then checked as Keycloak's requireMapComposite does (403): the caller
    manages roles of its kind (manage-realm for a realm role, manage-clients for a client role) and may hand
    out every admin role it contains (doorkeep.admin.permissions)."""
    [child] = await operations.resolve_roles(call.tx, call.realm, [ref], COMPOSITE_NOT_FOUND)
    call.require("manage-clients" if child.client_id else "manage-realm")
    await call.identity.require_grant(call.tx, child)
    return child


async def realm_composites(request: Request) -> Response:
    """The realm roles among the role's direct composites."""

    async def work(call: RealmCall) -> Response:
        role = await target(call, request, manage=False)
        children = await call.tx.roles.composites(role.id)
        return ok([role_json(r, brief=True) for r in children if r.client_id is None])

    return await run_realm(request, work, write=False)


async def client_composites(request: Request) -> Response:
    """``…/composites/clients/{client}``: the roles of that client (by UUID) among the role's direct composites."""

    async def work(call: RealmCall) -> Response:
        role = await target(call, request, manage=False)
        # realm.getClientById: an unknown client is 404 to whoever may see the role, whatever they may list
        client = await client_of(call.tx, call.realm, request.path_params["client"], "Could not find client")
        children = await call.tx.roles.composites(role.id)
        return ok([role_json(r, brief=True) for r in children if r.client_id == client.id])

    return await run_realm(request, work, write=False)


async def members(request: Request) -> Response:
    """``…/roles/{role-name}/users``: users holding the role directly, by username, first/max paged."""
    brief = query_bool(request, "briefRepresentation", False)

    async def work(call: RealmCall) -> Response:
        first, max_results = query_int(request, "first"), query_int(request, "max")
        owner = await container(call, request)
        call.require(owner.view)  # Keycloak asks for both, before it looks the role up: view its container,
        call.require("query-users")  # and query users
        role = await owner.role(call, request.path_params["role_name"])
        limit = MEMBERS_MAX if max_results is None else max_results
        chosen = await operations.role_members(call.tx, call.realm, role, first or 0, limit)
        chosen = await brute_force.shown(call.tx, call.realm, chosen, call.now)  # as the user search shows them
        # getUsersInRole renders ModelToRepresentation's user, which carries no ``access``
        with_otp = await otp.configured_for(call.tx, [u.id for u in chosen])
        return ok([_brief_user(rep) if brief else rep for rep in (_member_json(u, with_otp) for u in chosen)])

    return await run_realm(request, work, write=False)


def _member_json(user: User, with_otp: set[str]) -> dict[str, Any]:
    out = user_to_json(user, totp=user.id in with_otp)
    out.pop("access", None)
    return out


async def groups_in_role(request: Request) -> Response:
    """``…/roles/{role-name}/groups`` (RoleContainerResource.getGroupsInRole): the groups holding the role
    directly, by name, first (0) / max (100) paged, brief unless ``briefRepresentation=false``."""
    brief = query_bool(request, "briefRepresentation", True)

    async def work(call: RealmCall) -> Response:
        first, max_results = query_int(request, "first"), query_int(request, "max")
        role = await target(call, request, manage=False)
        chosen = page(
            await call.tx.groups.holding_role(role.id), first or 0, MEMBERS_MAX if max_results is None else max_results
        )
        return ok([await _group_json(call, g, brief) for g in chosen])

    return await run_realm(request, work, write=False)


async def _group_json(call: RealmCall, group: Group, brief: bool) -> dict[str, Any]:
    """ModelToRepresentation.toRepresentation(group, full): no ``access`` and no subgroup count."""
    out = group_to_json(group, brief=brief)
    out.pop("access", None)
    if not brief:
        out["realmRoles"], out["clientRoles"] = await group_ops.role_names(call.tx, group)
    return out


def _brief_user(rep: dict[str, Any]) -> dict[str, Any]:
    """Keycloak's ``toBriefRepresentation`` of a user."""
    keep = ("id", "username", "firstName", "lastName", "email", "emailVerified", "enabled", "createdTimestamp")
    return {k: rep[k] for k in keep if k in rep}


def _one_role_routes(one: str) -> list[Route]:
    return [
        Route(one, get_role, methods=["GET"]),
        Route(one, update_role, methods=["PUT"]),
        Route(one, delete_role, methods=["DELETE"]),
        Route(one + "/composites", composites, methods=["GET", "POST", "DELETE"]),
        Route(one + "/composites/realm", realm_composites, methods=["GET"]),
        Route(one + "/composites/clients/{client}", client_composites, methods=["GET"]),
    ]


def _container_routes(base: str) -> list[Route]:
    one = base + "/{role_name}"
    return [
        Route(base, list_roles, methods=["GET"]),
        Route(base, create_role, methods=["POST"]),
        *_one_role_routes(one),
        Route(one + "/users", members, methods=["GET"]),
        Route(one + "/groups", groups_in_role, methods=["GET"]),
    ]


ROUTES = [
    *_container_routes("/{realm}/roles"),
    *_container_routes("/{realm}/clients/{id}/roles"),
    *_one_role_routes("/{realm}/roles-by-id/{role_id}"),
]
