"""Admin REST: realm roles (``/{realm}/roles``), client roles (``/{realm}/clients/{id}/roles``) and roles by id
(``/{realm}/roles-by-id``): Keycloak's RoleContainerResource and RoleByIdResource. Realm and client roles share
each handler, the container told apart by the path (role_lookup.Container); a role's composites are in
role_composites.py, its holders in role_members.py, the route map for all three here.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin import operations
from doorkeep.admin.representations import is_true
from doorkeep.model import Role
from doorkeep.web.admin import audit, parse
from doorkeep.web.admin.auth import FORBIDDEN
from doorkeep.web.admin.common import (
    RealmCall,
    created,
    no_content,
    ok,
    page,
    query_bool,
    query_int,
    read_object,
    role_json,
    run_realm,
)
from doorkeep.web.admin.role_composites import client_composites, composites, nestable, realm_composites
from doorkeep.web.admin.role_lookup import container, target
from doorkeep.web.admin.role_members import groups_in_role, members


async def list_roles(request: Request) -> Response:
    search = (request.query_params.get("search") or "").strip().lower()
    brief = query_bool(request, "briefRepresentation", True)

    async def work(call: RealmCall) -> Response:
        first, max_results = query_int(request, "first"), query_int(request, "max")
        owner = await container(call, request)
        if not (call.can(owner.view) or call.holds(*owner.listers)):  # RoleContainerResource.getRoles: requireList
            raise FORBIDDEN
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
        if updated.name == role.name:
            await operations.update_role(call.tx, role, updated)
        else:  # a mapper naming the new name would now hand this role out (admin/mapper_targets.py)
            await call.identity.require_mappers_follow(
                call.tx, call.realm, lambda: operations.update_role(call.tx, role, updated), roles=True
            )
        return no_content()

    return await run_realm(request, work)


async def delete_role(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        role = await target(call, request, manage=True)
        await call.identity.require_redefine(call.tx, role)
        await operations.delete_role(call.tx, call.realm, role)
        return no_content()

    return await run_realm(request, work)


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
