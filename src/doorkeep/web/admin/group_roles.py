"""Admin REST: role mappings of a group (Keycloak's RoleMapperResource for groups).

``groups/{id}/role-mappings`` (all), ``…/realm`` and ``…/clients/{client}`` (GET, POST grants, DELETE
revokes), each with ``/composite`` (effective: the group's, its ancestors', composites expanded) and
``/available``. view-users reads; manage-users plus the right to hand out each role
(doorkeep.admin.permissions) changes, as for users.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin import operations
from doorkeep.admin.representations import role_brief_json, role_to_json
from doorkeep.clientpolicies import enforce as client_policies
from doorkeep.clientpolicies.context import Event
from doorkeep.model import Client, Group
from doorkeep.web.admin.common import (
    NOT_A_LIST_OF_OBJECTS,
    RealmCall,
    no_content,
    not_found,
    ok,
    query_bool,
    run_realm,
)
from doorkeep.web.admin.groups import load_group
from doorkeep.web.http import read_json

Endpoint = Callable[[Request], Awaitable[Response]]


# RoleMapperResource.getUserClientRoleMappingsResource, for groups as for users: not "Could not find client".
MAPPED_CLIENT_NOT_FOUND = not_found("Client not found")


async def _client(call: RealmCall, request: Request) -> Client | None:
    client_uuid = request.path_params.get("client")
    if client_uuid is None:
        return None
    client = await call.tx.clients.get(client_uuid)
    if client is None or client.realm_id != call.realm.id:
        raise MAPPED_CLIENT_NOT_FOUND
    return client


async def _effective(call: RealmCall, group: Group) -> set[str]:
    ids = await call.tx.groups.role_ids(group.id)
    for ancestor in (await call.tx.groups.ancestors([group])).values():
        ids |= await call.tx.groups.role_ids(ancestor.id)
    return await call.tx.roles.expand(ids)


async def all_mappings(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        group = await load_group(call, request.path_params["id"])
        call.require("view-users")
        realm_roles: list[dict[str, Any]] = []
        by_client: dict[str, dict[str, Any]] = {}
        for role in await call.tx.roles.get_many(await call.tx.groups.role_ids(group.id)):
            if role.client_id is None:
                realm_roles.append(role_brief_json(role, call.realm.id))
                continue
            client = await call.tx.clients.get(role.client_id)
            if client is not None:
                entry = by_client.setdefault(
                    client.client_id, {"id": client.id, "client": client.client_id, "mappings": []}
                )
                entry["mappings"].append(role_brief_json(role, client.id))
        out: dict[str, Any] = {}
        if realm_roles:
            out["realmMappings"] = realm_roles
        if by_client:
            out["clientMappings"] = by_client
        return ok(out)

    return await run_realm(request, work, write=False)


def listing(kind: str) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        async def work(call: RealmCall) -> Response:
            group = await load_group(call, request.path_params["id"])
            call.require("view-users")
            client = await _client(call, request)
            pool = await (
                call.tx.roles.list_client_roles(client.id) if client else call.tx.roles.list_realm_roles(call.realm.id)
            )
            direct = await call.tx.groups.role_ids(group.id)
            if kind == "composite":
                effective = await _effective(call, group)
                chosen = [r for r in pool if r.id in effective]
            elif kind == "available":
                chosen = [r for r in pool if r.id not in direct and await call.identity.may_map(call.tx, call.realm, r)]
            else:
                chosen = [r for r in pool if r.id in direct]
            container = client.id if client else call.realm.id
            # RoleMapperResource: brief, but for ``composite`` with briefRepresentation=false
            full = kind == "composite" and not query_bool(request, "briefRepresentation", True)
            return ok([(role_to_json if full else role_brief_json)(r, container) for r in chosen])

        return await run_realm(request, work, write=False)

    return endpoint


def change(grant: bool) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        async def work(call: RealmCall) -> Response:
            group = await load_group(call, request.path_params["id"])
            call.require("manage-users")
            client = await _client(call, request)
            body = await read_json(request)
            if body is None and not grant:  # an empty DELETE removes every mapping of that kind
                owner = client.id if client else None
                roles = [
                    r
                    for r in await call.tx.roles.get_many(await call.tx.groups.role_ids(group.id))
                    if r.client_id == owner
                ]
            else:
                if not isinstance(body, list) or not all(isinstance(rep, dict) for rep in body):
                    raise NOT_A_LIST_OF_OBJECTS
                roles = [await operations.mapped_role(call.tx, call.realm, client, rep) for rep in body]
            for role in roles:  # Keycloak's requireMapRole, for groups as for users
                await call.identity.require_grant(call.tx, role)
            event = Event.REGISTER_ROLE_MAPPING if grant else Event.UNREGISTER_ROLE_MAPPING  # Keycloak 26.8
            await client_policies.on_admin_change(call.tx, call.realm, event, client, user=call.identity.user)
            if grant:
                await call.tx.groups.grant_roles(group, [r.id for r in roles])
            else:
                await call.tx.groups.revoke_roles(group, [r.id for r in roles])
            return no_content()

        return await run_realm(request, work)

    return endpoint


BASE = "/{realm}/groups/{id}/role-mappings"
REALM = BASE + "/realm"
CLIENT = BASE + "/clients/{client}"
ROUTES = [Route(BASE, all_mappings, methods=["GET"])]
for _path in (REALM, CLIENT):
    ROUTES += [
        Route(_path, listing("direct"), methods=["GET"]),
        Route(_path, change(True), methods=["POST"]),
        Route(_path, change(False), methods=["DELETE"]),
        Route(_path + "/composite", listing("composite"), methods=["GET"]),
        Route(_path + "/available", listing("available"), methods=["GET"]),
    ]
