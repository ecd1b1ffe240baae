"""Admin REST: client scopes, the realm's default client scopes, and scope mappings.

Keycloak guards client scopes with the client roles: view-clients reads, manage-clients changes
(ClientPermissions.canViewClientScopes / canManageClientScopes). Scope mappings of a client scope
(``/client-scopes/{id}/scope-mappings/...``) and of a client (``/clients/{id}/scope-mappings/...``), to
realm roles (``…/realm``) or to one client's roles (``…/clients/{client}``), share one implementation, as
Keycloak's ScopeMappedResource and ScopeMappedClientResource do, ``…/available`` (the roles not mapped
directly yet, those the caller may map to client scopes: ``canMapClientScope``, manage-clients) and ``…/composite``
(the roles in the effective scope) included.

Since Keycloak 27.0 (keycloak#53480) the listings of scope mappings (``…/scope-mappings``, ``…/realm``,
``…/realm/composite``, ``…/clients/{client}``, ``…/clients/{client}/composite``) leave out the roles the caller
may neither view (view-realm for a realm role, view-clients for a client's) nor map to users (canMapRole:
manage-users, the admin roles in it the caller's to hand out) nor to client scopes (canMapClientScope:
manage-clients); a role the caller may only map to client scopes comes without attributes even with
``briefRepresentation=false``. ``…/available`` lists only what the caller may map to client scopes, as
ScopeMappedResource and ScopeMappedClientResource always have (``.filter(auth.roles()::canMapClientScope)``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from enum import Enum
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin import operations, scope_validation
from doorkeep.admin.mapper_grants import added_roles
from doorkeep.admin.representations import scope_to_json
from doorkeep.clientpolicies import enforce as client_policies
from doorkeep.clientpolicies.context import Event
from doorkeep.model import Client, ClientScope, Role
from doorkeep.web.admin import parse
from doorkeep.web.admin.common import (
    RealmCall,
    collection,
    created,
    no_content,
    not_found,
    ok,
    read_object,
    read_objects,
    role_json,
    run_realm,
)

Endpoint = Callable[[Request], Awaitable[Response]]
SCOPE_NOT_FOUND = not_found("Could not find client scope")
DEFAULT_SCOPE_NOT_FOUND = not_found("Client scope not found")
ROLE_NOT_FOUND = not_found("Role not found")
BASE = "/{realm}/client-scopes"
ONE = BASE + "/{id}"


async def load_scope(call: RealmCall, scope_id: str, missing: Exception = SCOPE_NOT_FOUND) -> ClientScope:
    """The realm's client scope of this id, once the caller may list client scopes at all: ClientScopesResource
    .getClientScope asks requireListClientScopes (view-clients or query-clients) before its lookup, so an unknown
    id's 404 tells nothing to an admin who may not see the scopes (403 first)."""
    call.require("query-clients")
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
        rep = await read_object(request)
        new = parse.new_scope(call.realm.id, rep)  # the name is checked first
        await call.identity.require_mapper_grants(call.tx, call.realm, added_roles((), new.protocol_mappers))
        scope_validation.check_protocol(rep.get("protocol"))
        scope_validation.check_not_dynamic(rep.get("attributes"))
        scope = await operations.create_scope(call.tx, new)
        return created(call.url(call.realm.name, collection(request, "client-scopes"), scope.id))

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
        rep = await read_object(request)
        changed = parse.updated_scope(scope, rep)
        await operations.check_scope_update(call.tx, scope, rep.get("attributes"))
        await operations.update_scope(call.tx, scope, changed)
        return no_content()

    return await run_realm(request, work)


async def delete_scope(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        scope = await load_scope(call, request.path_params["id"])
        call.require("manage-clients")
        await operations.delete_scope(call.tx, scope)
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


class Shown(Enum):
    """How a role in a scope listing is shown to the caller (Keycloak 27.0, keycloak#53480)."""

    FULL = "full"  # the caller may view it or map it to users
    BRIEF = "brief"  # the caller may only map it to client scopes: no attributes
    HIDDEN = "hidden"


async def shown(call: RealmCall, role: Role) -> Shown:
    """RolePermissions.canView, else canMapRole, else canMapClientScope."""
    if call.can("view-clients" if role.client_id else "view-realm"):
        return Shown.FULL
    if await call.identity.may_map(call.tx, call.realm, role):
        return Shown.FULL
    return Shown.BRIEF if call.can("manage-clients") else Shown.HIDDEN


async def visible(call: RealmCall, roles: Iterable[Role], brief: bool = True) -> list[dict[str, Any]]:
    """The roles the caller may see as RoleRepresentations, those it may only map to client scopes brief."""
    out = []
    for role in roles:
        how = await shown(call, role)
        if how is not Shown.HIDDEN:
            out.append(role_json(role, brief=brief or how is Shown.BRIEF))
    return out


async def _owner(call: RealmCall, request: Request, of_client_scope: bool) -> Client | ClientScope:
    """The client scope or client whose scope mappings the path names."""
    if of_client_scope:
        return await load_scope(call, request.path_params["id"])
    return await call.client(request.path_params["id"])


async def _mapping_owner(call: RealmCall, request: Request, of_client_scope: bool) -> str:
    return (await _owner(call, request, of_client_scope)).id


def scope_mappings(of_client_scope: bool) -> Endpoint:
    """GET, POST and DELETE of ``…/scope-mappings/realm`` and ``…/scope-mappings/clients/{client}`` (a body
    of RoleRepresentations) for a client scope or a client. Realm roles are named by id (or name), a
    client's roles by name, as Keycloak's ScopeMappedResource and ScopeMappedClientResource do."""

    async def endpoint(request: Request) -> Response:
        write = request.method != "GET"

        async def work(call: RealmCall) -> Response:
            owner = await _mapping_owner(call, request, of_client_scope)
            call.require("manage-clients" if write else "view-clients")
            scoped = request.path_params.get("client")
            scoped_id = (await call.client(scoped)).id if scoped else None
            mapped = [r for r in await call.tx.roles.scope_mappings(owner) if r.client_id == scoped_id]
            if not write:
                return ok(await visible(call, mapped))
            body = await read_objects(request, allow_empty=request.method == "DELETE")
            event = Event.REGISTER_SCOPE_MAPPING if request.method == "POST" else Event.UNREGISTER_SCOPE_MAPPING
            if body is None:  # Keycloak: DELETE without a body removes every mapping of that kind
                await client_policies.on_admin_change(call.tx, call.realm, event, None, user=call.identity.user)
                await call.tx.roles.remove_scope_mappings(owner, [r.id for r in mapped])
                return no_content()
            if scoped_id is None:
                roles = await operations.resolve_roles(call.tx, call.realm, parse.role_refs(body), ROLE_NOT_FOUND)
            else:
                roles = await operations.client_roles_named(call.tx, scoped_id, parse.role_refs(body), ROLE_NOT_FOUND)
            # Keycloak 26.8's ClientScopeMappingContext, once the roles are found: no client for the conditions
            await client_policies.on_admin_change(call.tx, call.realm, event, None, user=call.identity.user)
            if request.method == "POST":
                await call.tx.roles.add_scope_mappings(owner, [r.id for r in roles])
            else:
                await call.tx.roles.remove_scope_mappings(owner, [r.id for r in roles])
            return no_content()

        return await run_realm(request, work, write=write)

    return endpoint


def role_choices(of_client_scope: bool, composite: bool) -> Endpoint:
    """GET ``…/scope-mappings/realm/{available,composite}`` and ``…/scope-mappings/clients/{client}/…``: the realm's
    (or that client's) roles the owner does not map directly (``available``), or those in its effective scope
    (``composite``, ``?briefRepresentation=false`` for attributes), as ScopeMappedResource and
    ScopeMappedClientResource list them. A client's effective scope is every role when full scope is allowed,
    else its mappings and its own roles with their composites (ClientModel.hasScope); a client scope's is its
    mappings with their composites."""

    async def endpoint(request: Request) -> Response:
        async def work(call: RealmCall) -> Response:
            owner = await _owner(call, request, of_client_scope)
            call.require("view-clients")
            scoped = request.path_params.get("client")
            if scoped is None:
                candidates = await call.tx.roles.list_realm_roles(call.realm.id)
            else:
                candidates = await call.tx.roles.list_client_roles((await call.client(scoped)).id)
            direct = {r.id for r in await call.tx.roles.scope_mappings(owner.id)}
            if not composite:  # filtered by canMapClientScope: manage-clients, every role or none
                mappable = call.can("manage-clients")
                return ok([role_json(r, brief=True) for r in candidates if mappable and r.id not in direct])
            brief = request.query_params.get("briefRepresentation", "true").lower() != "false"
            if isinstance(owner, Client) and owner.full_scope_allowed:
                return ok(await visible(call, candidates, brief))
            if isinstance(owner, Client):
                direct |= {r.id for r in await call.tx.roles.list_client_roles(owner.id)}
            in_scope = await call.tx.roles.expand(direct)
            return ok(await visible(call, [r for r in candidates if r.id in in_scope], brief))

        return await run_realm(request, work, write=False)

    return endpoint


async def _mappings_json(call: RealmCall, roles: list[Role]) -> dict[str, Any]:
    """A MappingsRepresentation: ``realmMappings`` and, per clientId, ``{id, client, mappings}``, of the roles the
    caller may see."""
    out: dict[str, Any] = {}
    roles = [r for r in roles if await shown(call, r) is not Shown.HIDDEN]
    realm_roles = [role_json(r, brief=True) for r in roles if r.client_id is None]
    if realm_roles:
        out["realmMappings"] = realm_roles
    by_client: dict[str, dict[str, Any]] = {}
    for role in roles:
        client = await call.tx.clients.get(role.client_id) if role.client_id else None
        if client is not None:
            entry = {"id": client.id, "client": client.client_id, "mappings": []}
            by_client.setdefault(client.client_id, entry)["mappings"].append(role_json(role, brief=True))
    if by_client:
        out["clientMappings"] = by_client
    return out


def all_scope_mappings(of_client_scope: bool) -> Endpoint:
    """GET ``…/scope-mappings``: a MappingsRepresentation (empty parts left out)."""

    async def endpoint(request: Request) -> Response:
        async def work(call: RealmCall) -> Response:
            owner = await _mapping_owner(call, request, of_client_scope)
            call.require("view-clients")
            return ok(await _mappings_json(call, await call.tx.roles.scope_mappings(owner)))

        return await run_realm(request, work, write=False)

    return endpoint


_default_defaults, _change_default_default = realm_defaults(True)
_default_optionals, _change_default_optional = realm_defaults(False)
MAPPING_METHODS = ["GET", "POST", "DELETE"]


def _mapping_routes(base: str, of_client_scope: bool) -> list[Route]:
    return [
        Route(base + "/scope-mappings", all_scope_mappings(of_client_scope), methods=["GET"]),
        Route(base + "/scope-mappings/realm", scope_mappings(of_client_scope), methods=MAPPING_METHODS),
        Route(base + "/scope-mappings/clients/{client}", scope_mappings(of_client_scope), methods=MAPPING_METHODS),
        *(
            Route(
                f"{base}/scope-mappings/{kind}/{choice}",
                role_choices(of_client_scope, choice == "composite"),
                methods=["GET"],
            )
            for kind in ("realm", "clients/{client}")
            for choice in ("available", "composite")
        ),
    ]


ROUTES = [
    Route(BASE, list_scopes, methods=["GET"]),
    Route(BASE, create_scope, methods=["POST"]),
    Route(ONE, get_scope, methods=["GET"]),
    Route(ONE, update_scope, methods=["PUT"]),
    Route(ONE, delete_scope, methods=["DELETE"]),
    *_mapping_routes(ONE, of_client_scope=True),
    *_mapping_routes("/{realm}/clients/{id}", of_client_scope=False),
    Route("/{realm}/default-default-client-scopes", _default_defaults, methods=["GET"]),
    Route("/{realm}/default-default-client-scopes/{id}", _change_default_default, methods=["PUT", "DELETE"]),
    Route("/{realm}/default-optional-client-scopes", _default_optionals, methods=["GET"]),
    Route("/{realm}/default-optional-client-scopes/{id}", _change_default_optional, methods=["PUT", "DELETE"]),
]
