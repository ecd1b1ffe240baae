"""Admin REST: client scopes, the realm's default client scopes, and realm-role scope mappings.

Keycloak guards client scopes with the client roles: view-clients reads, manage-clients changes
(ClientPermissions.canViewClientScopes / canManageClientScopes). Scope mappings of a client scope
(``/client-scopes/{id}/scope-mappings/realm``) and of a client (``/clients/{id}/scope-mappings/realm``)
share one implementation, as Keycloak's ScopeMappedResource does.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep import admin_ops
from doorkeep.model import ClientScope
from doorkeep.web.admin import parse
from doorkeep.web.admin.common import (
    RealmCall,
    created,
    no_content,
    not_found,
    ok,
    read_object,
    read_objects,
    role_json,
    run_realm,
)
from doorkeep.web.representations import scope_to_json

Endpoint = Callable[[Request], Awaitable[Response]]
SCOPE_NOT_FOUND = not_found("Could not find client scope")
DEFAULT_SCOPE_NOT_FOUND = not_found("Client scope not found")
ROLE_NOT_FOUND = not_found("Role not found")
BASE = "/{realm}/client-scopes"
ONE = BASE + "/{id}"


async def load_scope(call: RealmCall, scope_id: str, missing: Exception = SCOPE_NOT_FOUND) -> ClientScope:
    scope = await call.tx.scopes.get(scope_id)
    if scope is None or scope.realm_id != call.realm.id:
        raise missing
    return scope


async def list_scopes(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        call.require("query-clients")
        if not call.can("view-clients"):
            return ok([])
        return ok([scope_to_json(s) for s in await call.tx.scopes.list(call.realm.id)])

    return await run_realm(request, work, write=False)


async def create_scope(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        call.require("manage-clients")
        scope = await admin_ops.create_scope(call.tx, parse.new_scope(call.realm.id, await read_object(request)))
        return created(call.url(call.realm.name, "client-scopes", scope.id))

    return await run_realm(request, work)


async def get_scope(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        scope = await load_scope(call, request.path_params["id"])
        call.require("view-clients")
        return ok(scope_to_json(scope))

    return await run_realm(request, work, write=False)


async def update_scope(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        scope = await load_scope(call, request.path_params["id"])
        call.require("manage-clients")
        await admin_ops.update_scope(call.tx, scope, parse.updated_scope(scope, await read_object(request)))
        return no_content()

    return await run_realm(request, work)


async def delete_scope(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        scope = await load_scope(call, request.path_params["id"])
        call.require("manage-clients")
        await admin_ops.delete_scope(call.tx, scope)
        return no_content()

    return await run_realm(request, work)


def realm_defaults(default: bool) -> tuple[Endpoint, Endpoint]:
    """GET and PUT/DELETE of ``default-default-client-scopes`` (or ``default-optional-…``)."""

    async def listing(request: Request) -> Response:
        async def work(call: RealmCall) -> Response:
            call.require("view-clients")
            links = await call.tx.realms.default_scopes(call.realm.id)
            return ok([{"id": s.id, "name": s.name, "protocol": s.protocol} for s, d in links if d == default])

        return await run_realm(request, work, write=False)

    async def change(request: Request) -> Response:
        async def work(call: RealmCall) -> Response:
            call.require("manage-clients")
            scope = await load_scope(call, request.path_params["id"], DEFAULT_SCOPE_NOT_FOUND)
            if request.method == "PUT":
                await call.tx.realms.set_default_scope(call.realm.id, scope.id, default)
            else:
                await call.tx.realms.remove_default_scope(call.realm.id, scope.id)
            return no_content()

        return await run_realm(request, work)

    return listing, change


def realm_scope_mappings(of_client_scope: bool) -> Endpoint:
    """GET, POST and DELETE of ``…/scope-mappings/realm`` (a body of RoleRepresentations) for a
    client scope or a client."""

    async def endpoint(request: Request) -> Response:
        write = request.method != "GET"

        async def work(call: RealmCall) -> Response:
            if of_client_scope:
                owner = (await load_scope(call, request.path_params["id"])).id
            else:
                owner = (await call.client(request.path_params["id"])).id
            call.require("manage-clients" if write else "view-clients")
            mapped = [r for r in await call.tx.roles.scope_mappings(owner) if r.client_id is None]
            if not write:
                return ok([role_json(r, brief=True) for r in mapped])
            body = await read_objects(request, allow_empty=request.method == "DELETE")
            if body is None:  # Keycloak: DELETE without a body removes every realm-role mapping
                await call.tx.roles.remove_scope_mappings(owner, [r.id for r in mapped])
                return no_content()
            roles = await admin_ops.resolve_roles(call.tx, call.realm, parse.role_refs(body), ROLE_NOT_FOUND)
            if request.method == "POST":
                await call.tx.roles.add_scope_mappings(owner, [r.id for r in roles])
            else:
                await call.tx.roles.remove_scope_mappings(owner, [r.id for r in roles])
            return no_content()

        return await run_realm(request, work, write=write)

    return endpoint


_default_defaults, _change_default_default = realm_defaults(True)
_default_optionals, _change_default_optional = realm_defaults(False)
MAPPING_METHODS = ["GET", "POST", "DELETE"]

ROUTES = [
    Route(BASE, list_scopes, methods=["GET"]),
    Route(BASE, create_scope, methods=["POST"]),
    Route(ONE, get_scope, methods=["GET"]),
    Route(ONE, update_scope, methods=["PUT"]),
    Route(ONE, delete_scope, methods=["DELETE"]),
    Route(ONE + "/scope-mappings/realm", realm_scope_mappings(True), methods=MAPPING_METHODS),
    Route("/{realm}/clients/{id}/scope-mappings/realm", realm_scope_mappings(False), methods=MAPPING_METHODS),
    Route("/{realm}/default-default-client-scopes", _default_defaults, methods=["GET"]),
    Route("/{realm}/default-default-client-scopes/{id}", _change_default_default, methods=["PUT", "DELETE"]),
    Route("/{realm}/default-optional-client-scopes", _default_optionals, methods=["GET"]),
    Route("/{realm}/default-optional-client-scopes/{id}", _change_default_optional, methods=["PUT", "DELETE"]),
]
