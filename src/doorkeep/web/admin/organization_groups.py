"""Admin REST: organization groups (Keycloak 26.6's OrganizationGroupsResource and OrganizationGroupResource).

``organizations/{id}/groups`` lists (the top level; ``search`` + ``exact`` by name anywhere in the tree, or ``q``
by attributes; ``first``/``max`` unbounded by default; brief unless ``briefRepresentation=false``;
``subGroupsCount``) and creates a top-level group or, given an ``id``, moves one there (204);
``groups/group-by-path/{path}``; ``groups/{groupId}`` reads (full), updates and deletes; ``groups/{groupId}/children``
lists (``first``/``max`` 0/10) and creates or moves a subgroup. Members are in ``organization_group_members``.
The rules are the core's (organizations/groups.py); every call needs ``organizationsEnabled`` and the
organization's view (reading) or manage (writing) permission (organization_access), as the organization itself.
Writes record ORGANIZATION_GROUP events at the request's path.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin import groups as group_ops
from doorkeep.admin.groups import matches
from doorkeep.admin.user_search import query_fields
from doorkeep.model import Group
from doorkeep.organizations import group_roles
from doorkeep.organizations import groups as org_groups
from doorkeep.organizations.model import Organization
from doorkeep.web.admin import audit
from doorkeep.web.admin import organization_access as access
from doorkeep.web.admin.common import (
    RealmCall,
    no_content,
    not_found,
    ok,
    page,
    query_bool,
    query_int,
    read_object,
    run_realm,
)
from doorkeep.web.admin.organizations import load_organization
from doorkeep.web.http import json_response

NO_PATH = not_found("Group path does not exist")


def segments(request: Request) -> tuple[str, ...]:
    """The request's path after ``/admin/realms/{realm}``, as Keycloak's ``resourcePath(getUri())`` records it."""
    parts = request.url.path.split("/")
    return tuple(parts[parts.index("realms") + 2 :])


def record(
    request: Request,
    body: object,
    operation: str,
    resource: str = org_groups.RESOURCE,
    details: tuple[tuple[str, str], ...] = (),
) -> None:
    audit.several(request, [audit.Change(request.method, segments(request), body, resource, operation, details)])


def need_of(request: Request) -> str:
    """Reading asks the organization's view permission, writing its manage permission."""
    return access.VIEW if request.method == "GET" else access.MANAGE


async def load(call: RealmCall, request: Request) -> tuple[Organization, Group, list[Group]]:
    """The organization (with what the request needs of it), its group named by the path and all its groups."""
    org = await load_organization(call, request.path_params["id"], need_of(request))
    group, groups = await org_groups.lookup(call.tx, org, request.path_params["group"])
    return org, group, groups


def _count(groups: list[Group], group: Group, wanted: bool) -> int | None:
    return len(org_groups.children(groups, group.id)) if wanted else None


async def top_level(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        org = await load_organization(call, request.path_params["id"], need_of(request))
        if request.method == "POST":
            return await _create(call, request, org, None)
        q, first, max_results = request.query_params, query_int(request, "first"), query_int(request, "max")
        brief, counted = query_bool(request, "briefRepresentation", True), query_bool(request, "subGroupsCount", False)
        groups = await call.tx.organization_groups.of_organization(org.id)
        wanted = query_fields(q["q"]) if q.get("q") is not None else None
        found = org_groups.listed(groups, q.get("search"), wanted, query_bool(request, "exact", False))
        return ok(
            [
                org_groups.to_json(g, org.id, brief=brief, sub_count=_count(groups, g, counted))
                for g in page(found, first, max_results)
            ]
        )

    return await run_realm(request, work, write=request.method == "POST")


async def _create(call: RealmCall, request: Request, org: Organization, parent: Group | None) -> Response:
    rep = await read_object(request)
    group, made = await org_groups.create_or_move(call.tx, org, parent, rep)
    record(request, {**rep, "id": group.id}, "CREATE" if made else "UPDATE")
    if not made:
        return no_content()
    body = org_groups.to_json(group, org.id, brief=parent is None)
    if parent is None:  # OrganizationGroupsResource answers Created with the new group's address
        location = call.url(call.realm.name, "organizations", org.id, "groups", group.id)
        return json_response(body, 201, headers={"Location": location})
    return json_response(body, 201)


async def by_path(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        org = await load_organization(call, request.path_params["id"])
        groups = await call.tx.organization_groups.of_organization(org.id)
        found = group_ops.by_path(groups, request.path_params["path"])
        if found is None:
            raise NO_PATH
        counted = query_bool(request, "subGroupsCount", False)
        return ok(org_groups.to_json(found, org.id, brief=True, sub_count=_count(groups, found, counted)))

    return await run_realm(request, work, write=False)


async def one_group(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        org, group, groups = await load(call, request)
        if request.method == "GET":
            counted = query_bool(request, "subGroupsCount", False)
            out = org_groups.to_json(group, org.id, brief=False, sub_count=_count(groups, group, counted))
            return ok(out | await group_roles.representation_roles(call.tx, call.realm.id, group))
        if request.method == "PUT":
            rep = await read_object(request)
            await org_groups.update(call.tx, org, group, groups, rep)
            record(request, rep, "UPDATE")
        else:
            await call.tx.organization_groups.delete(group)
            record(request, None, "DELETE")
        return no_content()

    return await run_realm(request, work, write=request.method != "GET")


async def subgroups(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        org, group, groups = await load(call, request)
        if request.method == "POST":
            return await _create(call, request, org, group)
        first, max_results = query_int(request, "first", 0), query_int(request, "max", 10)
        search, exact = request.query_params.get("search"), query_bool(request, "exact", False)
        found = [g for g in org_groups.children(groups, group.id) if matches(g, search, exact)]
        return ok([org_groups.to_json(g, org.id, brief=True) for g in page(found, first, max_results)])

    return await run_realm(request, work, write=request.method == "POST")


ROUTES = [
    Route("/{realm}/organizations/{id}/groups", top_level, methods=["GET", "POST"]),
    Route("/{realm}/organizations/{id}/groups/group-by-path/{path:path}", by_path, methods=["GET"]),
    Route("/{realm}/organizations/{id}/groups/{group}", one_group, methods=["GET", "PUT", "DELETE"]),
    Route("/{realm}/organizations/{id}/groups/{group}/children", subgroups, methods=["GET", "POST"]),
]
