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

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.organizations import group_roles
from doorkeep.organizations import roles as org_roles
from doorkeep.web.admin.common import RealmCall, no_content, ok, run_realm
from doorkeep.web.admin.groups import load_group
from doorkeep.web.admin.organization_groups import load, record
from doorkeep.web.http import read_json

BASE = "/{realm}/organizations/{id}/groups/{group}/role-mappings"


async def all_mappings(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        org, group, _ = await load(call, request)
        found = await group_roles.mapped(call.tx, org, group)
        out: dict[str, object] = {}
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


async def realm_group(request: Request) -> Response:
    """A realm group's organization role mappings: none to offer, none to write (400)."""

    async def work(call: RealmCall) -> Response:
        await load_group(call, request.path_params["id"])
        call.require("view-users" if request.method == "GET" else "manage-users")
        if request.method == "GET":
            return ok([])
        raise group_roles.NOT_A_GROUP

    return await run_realm(request, work, write=request.method != "GET")


ROUTES = [
    Route(BASE, all_mappings, methods=["GET"]),
    Route(BASE + "/organizations", organization_mappings, methods=["GET", "POST", "DELETE"]),
    Route(BASE + "/organizations/available", available, methods=["GET"]),
    Route("/{realm}/groups/{id}/role-mappings/organizations", realm_group, methods=["POST", "DELETE"]),
    Route("/{realm}/groups/{id}/role-mappings/organizations/available", realm_group, methods=["GET"]),
]
