"""Admin REST: organization roles mapped to organization groups (Keycloak's main branch after 26.8.0: an organization
group's ``role-mappings``, the routes the admin console calls, OrganizationGroupRoleEndpointTest).

``organizations/{id}/groups/{group}/role-mappings`` answers a MappingsRepresentation whose ``organizationMappings``
holds the group's organization roles under the organization's alias (absent when there are none);
``…/role-mappings/organizations`` lists them (GET), maps (POST) and unmaps (DELETE) a list of RoleRepresentations
(organizations.group_roles has the rules); ``…/organizations/available`` lists those the group may still be given.
Reading needs the organization's view permission, writing its manage permission (organization_access), as the
group itself; writes record an ORGANIZATION_ROLE_MAPPING event at the request's path with the roles, none for an
empty list. A realm group has no organization roles: its ``role-mappings/organizations/available`` is empty and
writes are refused (400).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin import operations
from doorkeep.admin.representations import role_brief_json, role_to_json
from doorkeep.model import Client, Role
from doorkeep.organizations import group_roles
from doorkeep.organizations import roles as org_roles
from doorkeep.web.admin.common import NOT_A_LIST_OF_OBJECTS, RealmCall, no_content, ok, query_bool, run_realm
from doorkeep.web.admin.group_roles import MAPPED_CLIENT_NOT_FOUND
from doorkeep.web.admin.groups import load_group
from doorkeep.web.admin.organization_groups import load, record
from doorkeep.web.http import read_json

Endpoint = Callable[[Request], Awaitable[Response]]

BASE = "/{realm}/organizations/{id}/groups/{group}/role-mappings"


async def all_mappings(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        org, group, _ = await load(call, request)
        found = await group_roles.mapped(call.tx, org, group)
        out: dict[str, object] = {}
        realm_roles, by_client = await group_roles.realm_and_client_json(call.tx, call.realm.id, group)
        if realm_roles:
            out["realmMappings"] = realm_roles
        if by_client:
            out["clientMappings"] = by_client
        if found:
            out["organizationMappings"] = {org.alias: [org_roles.to_json(r, brief=True) for r in found]}
        return ok(out)

    return await run_realm(request, work, write=False)


async def organization_mappings(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        org, group, _ = await load(call, request)
        if request.method == "GET":
            return ok([org_roles.to_json(r, brief=True) for r in await group_roles.mapped(call.tx, org, group)])
        body = await read_json(request)
        await call.tx.organization_roles.serialize_graph(call.realm.id)  # the admin-role check reads the graph
        roles = await group_roles.parse(call.tx, org, body)
        if request.method == "POST":
            await group_roles.grant(call.tx, org, group, roles)
        else:
            await group_roles.revoke(call.tx, org, group, roles)
        if roles:
            reps = [org_roles.to_json(r, brief=True) for r in roles]
            record(request, reps, "CREATE" if request.method == "POST" else "DELETE", org_roles.MAPPING_RESOURCE)
        return no_content()

    return await run_realm(request, work, write=request.method != "GET")


async def available(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        org, group, _ = await load(call, request)
        return ok([org_roles.to_json(r, brief=True) for r in await group_roles.available(call.tx, org, group)])

    return await run_realm(request, work, write=False)


async def _client(call: RealmCall, request: Request) -> Client | None:
    client_uuid = request.path_params.get("client")
    if client_uuid is None:
        return None
    client = await call.tx.clients.get(client_uuid)
    if client is None or client.realm_id != call.realm.id:
        raise MAPPED_CLIENT_NOT_FOUND
    return client


def listing(kind: str) -> Endpoint:
    """``…/realm`` and ``…/clients/{client}`` (direct), with ``/composite`` (the group's and its ancestors',
    expanded) and ``/available`` (what the caller may map and the group lacks), as RoleMapperResource for groups."""

    async def endpoint(request: Request) -> Response:
        async def work(call: RealmCall) -> Response:
            org, group, _ = await load(call, request)
            client = await _client(call, request)
            pool = await (
                call.tx.roles.list_client_roles(client.id) if client else call.tx.roles.list_realm_roles(call.realm.id)
            )
            direct = await call.tx.organization_group_roles.realm_role_ids(group.id)
            chosen: list[Role]
            if kind == "composite":
                effective = await group_roles.effective_realm_roles(call.tx, org, group)
                chosen = [r for r in pool if r.id in effective]
            elif kind == "available":
                admin = org_roles.holds_admin_role
                chosen = [
                    r
                    for r in pool
                    if r.id not in direct
                    and await call.identity.may_map(call.tx, call.realm, r)
                    and not await admin(call.tx, [r.id])
                ]
            else:
                chosen = [r for r in pool if r.id in direct]
            container = client.id if client else call.realm.id
            full = kind == "composite" and not query_bool(request, "briefRepresentation", True)
            return ok([(role_to_json if full else role_brief_json)(r, container) for r in chosen])

        return await run_realm(request, work, write=False)

    return endpoint


def change(grant: bool) -> Endpoint:
    """Map (POST) or unmap (DELETE) realm or client roles: the organization's manage permission, and, as for any
    role mapping, manage-users and the right to hand out each role; no admin role (group_roles.refuse_admin)."""

    async def endpoint(request: Request) -> Response:
        async def work(call: RealmCall) -> Response:
            call.require("manage-users")  # before anything is looked up
            org, group, _ = await load(call, request)
            client = await _client(call, request)
            body = await read_json(request)
            if body is None and not grant:  # deleteRealmRoleMappings(null): every mapping of that kind
                owner = client.id if client else None
                mapped = await call.tx.organization_group_roles.realm_role_ids(group.id)
                roles = [r for r in await call.tx.roles.get_many(mapped) if r.client_id == owner]
            elif not isinstance(body, list) or not all(isinstance(rep, dict) for rep in body):
                raise NOT_A_LIST_OF_OBJECTS
            else:
                roles = [await operations.mapped_role(call.tx, call.realm, client, rep) for rep in body]
            for role in roles:
                await call.identity.require_grant(call.tx, role)
            ids = [r.id for r in roles]
            if grant:
                await call.tx.organization_roles.serialize_graph(call.realm.id)  # as role_composites: one at a time
                await group_roles.refuse_admin(call.tx, roles)
                await call.tx.organization_group_roles.grant_realm_roles(org.realm_id, group.id, ids)
            else:
                await call.tx.organization_group_roles.revoke_realm_roles(org.realm_id, group.id, ids)
            if roles:
                kind = "CLIENT_ROLE_MAPPING" if client else "REALM_ROLE_MAPPING"
                container = client.id if client else call.realm.id
                reps = [role_brief_json(r, container) for r in roles]
                record(request, reps, "CREATE" if grant else "DELETE", kind)
            return no_content()

        return await run_realm(request, work)

    return endpoint


async def realm_group(request: Request) -> Response:
    """A realm group's organization role mappings: none to offer, none to write (400)."""

    async def work(call: RealmCall) -> Response:
        call.require("view-users" if request.method == "GET" else "manage-users")
        await load_group(call, request.path_params["id"])
        if request.method == "GET":
            return ok([])
        raise group_roles.NOT_A_GROUP

    return await run_realm(request, work, write=request.method != "GET")


ROUTES = [
    Route(BASE, all_mappings, methods=["GET"]),
    Route(BASE + "/organizations", organization_mappings, methods=["GET", "POST", "DELETE"]),
    Route(BASE + "/organizations/available", available, methods=["GET"]),
    Route("/{realm}/groups/{id}/role-mappings/organizations", realm_group, methods=["POST", "DELETE"]),
]
for _path in (BASE + "/realm", BASE + "/clients/{client}"):
    ROUTES += [
        Route(_path, listing("direct"), methods=["GET"]),
        Route(_path, change(True), methods=["POST"]),
        Route(_path, change(False), methods=["DELETE"]),
        Route(_path + "/composite", listing("composite"), methods=["GET"]),
        Route(_path + "/available", listing("available"), methods=["GET"]),
    ]
ROUTES += [
    Route("/{realm}/groups/{id}/role-mappings/organizations/available", realm_group, methods=["GET"]),
]
