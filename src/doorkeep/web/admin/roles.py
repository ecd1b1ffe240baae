"""Admin REST: realm roles, client roles, roles by id, and composites (Keycloak's RoleContainerResource).

A realm's roles need view-realm / manage-realm; a client's roles view-clients / manage-clients.
``/{realm}/roles/...`` and ``/{realm}/clients/{id}/roles/...`` share every handler here.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep import admin_ops
from doorkeep.model import Client, Role
from doorkeep.web.admin import parse
from doorkeep.web.admin.common import (
    RealmCall,
    created,
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
COMPOSITE_NOT_FOUND = not_found("Could not find composite role")


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


async def list_roles(request: Request) -> Response:
    search = (request.query_params.get("search") or "").strip().lower()
    first, max_results = query_int(request, "first"), query_int(request, "max")
    brief = query_bool(request, "briefRepresentation", True)

    async def work(call: RealmCall) -> Response:
        owner = await container(call, request)
        call.require(owner.view)
        roles = await owner.roles(call)
        if search:
            roles = [r for r in roles if search in r.name.lower() or search in (r.description or "").lower()]
        return ok([role_json(r, brief=brief) for r in page(roles, first, max_results)])

    return await run_realm(request, work, write=False)


async def create_role(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        owner = await container(call, request)
        call.require(owner.manage)
        rep = await read_object(request)
        role = parse.new_role(call.realm.id, owner.client.id if owner.client else None, rep)
        await admin_ops.create_role(call.tx, role)
        return created(owner.url(call, role.name))

    return await run_realm(request, work)


async def get_role(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        owner = await container(call, request)
        call.require(owner.view)
        return ok(role_json(await owner.role(call, request.path_params["role_name"])))

    return await run_realm(request, work, write=False)


async def update_role(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        owner = await container(call, request)
        call.require(owner.manage)
        role = await owner.role(call, request.path_params["role_name"])
        await admin_ops.update_role(call.tx, role, parse.updated_role(role, await read_object(request)))
        return no_content()

    return await run_realm(request, work)


async def delete_role(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        owner = await container(call, request)
        call.require(owner.manage)
        await admin_ops.delete_role(call.tx, call.realm, await owner.role(call, request.path_params["role_name"]))
        return no_content()

    return await run_realm(request, work)


async def composites(request: Request) -> Response:
    """GET, POST and DELETE of ``…/roles/{role-name}/composites``: the role's direct children."""
    write = request.method != "GET"

    async def work(call: RealmCall) -> Response:
        owner = await container(call, request)
        call.require(owner.manage if write else owner.view)
        role = await owner.role(call, request.path_params["role_name"])
        if not write:
            return ok([role_json(r, brief=True) for r in await call.tx.roles.composites(role.id)])
        refs = parse.role_refs(await read_objects(request) or [])
        children = await admin_ops.resolve_roles(call.tx, call.realm, refs, COMPOSITE_NOT_FOUND)
        if request.method == "POST":
            await call.tx.roles.add_composites(role.id, [c.id for c in children])
        else:
            await call.tx.roles.remove_composites(role.id, [c.id for c in children])
        return no_content()

    return await run_realm(request, work, write=write)


async def realm_composites(request: Request) -> Response:
    """The realm roles among the role's direct composites."""

    async def work(call: RealmCall) -> Response:
        owner = await container(call, request)
        call.require(owner.view)
        role = await owner.role(call, request.path_params["role_name"])
        children = await call.tx.roles.composites(role.id)
        return ok([role_json(r, brief=True) for r in children if r.client_id is None])

    return await run_realm(request, work, write=False)


async def role_by_id(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        role = await call.tx.roles.get(request.path_params["role_id"])
        if role is None or role.realm_id != call.realm.id:
            raise not_found("Could not find role with id")
        call.require("view-clients" if role.client_id else "view-realm")
        return ok(role_json(role))

    return await run_realm(request, work, write=False)


def _container_routes(base: str) -> list[Route]:
    one = base + "/{role_name}"
    return [
        Route(base, list_roles, methods=["GET"]),
        Route(base, create_role, methods=["POST"]),
        Route(one, get_role, methods=["GET"]),
        Route(one, update_role, methods=["PUT"]),
        Route(one, delete_role, methods=["DELETE"]),
        Route(one + "/composites", composites, methods=["GET", "POST", "DELETE"]),
        Route(one + "/composites/realm", realm_composites, methods=["GET"]),
    ]


ROUTES = [
    *_container_routes("/{realm}/roles"),
    *_container_routes("/{realm}/clients/{id}/roles"),
    Route("/{realm}/roles-by-id/{role_id}", role_by_id, methods=["GET"]),
]
