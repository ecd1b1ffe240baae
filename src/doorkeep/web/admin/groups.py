"""Admin REST: groups (Keycloak's GroupsResource and GroupResource).

``groups`` lists the top level (or a search through the tree) and creates; ``groups/count``;
``groups/{id}`` reads, updates and deletes; ``groups/{id}/children`` lists and creates subgroups;
``group-by-path/{path}``. view-users (or query-groups, for listing) reads, manage-users changes.
Members, role mappings and default groups are in ``group_members`` and ``group_roles``.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin import groups as group_ops
from doorkeep.admin.group_mapper_json import group_to_json
from doorkeep.admin.user_search import query_fields
from doorkeep.errors import AdminError
from doorkeep.model import Group
from doorkeep.organizations import groups as org_groups
from doorkeep.realms.provisioning import new_id
from doorkeep.web.admin import audit
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
    run_realm,
)
from doorkeep.web.http import json_response, state

GROUP_NOT_FOUND = not_found("Could not find group by id")


async def load_group(call: RealmCall, group_id: str, missing: AdminError = GROUP_NOT_FOUND) -> Group:
    """The realm's group of this id, or ``missing`` (a group of another realm included)."""
    group = await call.tx.groups.get(group_id, held=True)  # a subgroup, mapping or member added under it waits
    if group is None or group.realm_id != call.realm.id:
        raise missing
    return group


def access_of(call: RealmCall) -> dict[str, bool]:
    """GroupPermissions.getAccess without fine-grained permissions: what the caller may do with any group of
    the realm. view and viewMembers come with view-users (or manage-users), the rest with manage-users."""
    view, manage = call.can("view-users"), call.can("manage-users")
    return {"view": view, "viewMembers": view, "manageMembers": manage, "manage": manage, "manageMembership": manage}


def _json(
    group: Group,
    tree: dict[str | None, list[Group]],
    access: dict[str, bool],
    brief: bool,
    counts: bool,
    below: list[Any] | None = None,
) -> dict[str, Any]:
    """A listed group; ``counts`` (``subGroupsCount``, default true) adds each one's ``subGroupCount``
    (GroupUtils.populateSubGroupCount), the subgroups of a search's hierarchy included."""
    out = group_to_json(group, brief=brief, sub_count=len(tree.get(group.id, [])) if counts else None)
    out["access"] = dict(access)
    if below:
        out["subGroups"] = [_json(g, tree, access, brief, counts, b) for g, b in below]
    return out


async def list_groups(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        if not (call.can("query-groups") or call.can("view-users")):
            call.require("query-groups")
        access = access_of(call)
        if not access["view"]:  # query-groups lists, but every group is filtered out by canView (GroupsResource)
            return ok([])
        q = request.query_params
        first, max_results = query_int(request, "first"), query_int(request, "max")
        brief = query_bool(request, "briefRepresentation", True)
        hierarchy = query_bool(request, "populateHierarchy", True)
        counts = query_bool(request, "subGroupsCount", True)
        groups = await call.tx.groups.realm_groups(call.realm.id)
        tree = group_ops.children_of(groups)
        search = q.get("search") or None
        top: list[tuple[Group, list[Any]]]
        if "q" in q:  # attribute search: the matches of any depth, by name, paged before the tree is built
            wanted = group_ops.searchable(query_fields(q["q"]), state(request).settings.group_searchable_attributes)
            found = page(
                [g for g in sorted(groups, key=lambda g: g.name) if group_ops.attribute_matches(g, wanted)],
                first,
                max_results,
            )
            top = group_ops.hierarchy(found, {g.id: g for g in groups}) if hierarchy else [(g, []) for g in found]
            return ok([_json(g, tree, access, brief, counts, below) for g, below in top])
        if search is None:
            top = [(g, []) for g in tree.get(None, [])]
        else:
            top = group_ops.searched_tree(tree, None, search, query_bool(request, "exact", False))
            if not hierarchy:
                top = [(g, []) for g, _ in top]
        return ok([_json(g, tree, access, brief, counts, below) for g, below in page(top, first, max_results)])

    return await run_realm(request, work, write=False)


async def count_groups(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        if not (call.can("query-groups") or call.can("view-users")):
            call.require("query-groups")
        search = request.query_params.get("search") or None
        groups = await call.tx.groups.realm_groups(call.realm.id)
        if search is not None:
            count = sum(1 for g in groups if group_ops.matches(g, search, False))
        elif query_bool(request, "top", False):
            count = sum(1 for g in groups if g.parent_id is None)
        else:
            count = len(groups)
        return ok({"count": count})

    return await run_realm(request, work, write=False)


async def create_group(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        call.require("manage-users")
        rep = await read_object(request)
        group, is_new = await call.identity.require_mappers_follow(
            call.tx,
            call.realm,
            lambda: org_groups.realm_create_or_move(call.tx, call.realm.id, None, rep, new_id()),
            groups=True,
        )
        if not is_new:  # a move to the top level: an UPDATE of ``groups``
            audit.several(request, [audit.Change("POST", ("groups",), rep, operation="UPDATE")])
            return no_content()
        audit.represent(request, {**rep, "id": group.id})  # rep.setId(child.getId()) before the event
        return created(call.url(call.realm.name, "groups", group.id))

    return await run_realm(request, work)


async def one_group(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        group = await load_group(call, request.path_params["id"])
        if request.method == "GET":
            call.require("view-users")
            subs = [g for g in await call.tx.groups.realm_groups(call.realm.id) if g.parent_id == group.id]
            return ok({**await group_ops.full_json(call.tx, group, len(subs)), "access": access_of(call)})
        call.require("manage-users")
        if request.method == "PUT":
            rep = await read_object(request)  # a new name is a new path: mapper_targets.py
            await call.identity.require_mappers_follow(
                call.tx, call.realm, lambda: group_ops.update(call.tx, group, rep), groups=True
            )
        else:
            await call.tx.groups.delete(group)
            audit.represent(request, {"id": group.id, "name": group.name})  # deleteGroup's event representation
        return no_content()

    return await run_realm(request, work, write=request.method != "GET")


async def children(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        parent = await load_group(call, request.path_params["id"])
        if request.method == "POST":
            call.require("manage-users")
            rep = await read_object(request)
            if isinstance(rep.get("id"), str) and rep["id"]:  # a move: its members get the new parents' roles
                await call.identity.require_membership(call.tx, parent)
            group, is_new = await call.identity.require_mappers_follow(
                call.tx,
                call.realm,
                lambda: org_groups.realm_create_or_move(call.tx, call.realm.id, parent, rep, new_id()),
                groups=True,
            )
            # addChild records at its own path, ``groups/{id}/children``: a CREATE with the new id, or an UPDATE
            segments = ("groups", parent.id, "children")
            event = {**rep, "id": group.id} if is_new else rep
            audit.several(request, [audit.Change("POST", segments, event, operation=None if is_new else "UPDATE")])
            if not is_new:
                return no_content()
            body = {**group_to_json(group, brief=False), "access": access_of(call)}  # no subGroupCount
            return json_response(body, status=201, headers={"Location": call.url(call.realm.name, "groups", group.id)})
        call.require("view-users")
        tree = group_ops.children_of(await call.tx.groups.realm_groups(call.realm.id))
        search, exact = request.query_params.get("search") or None, query_bool(request, "exact", False)
        subs = [g for g in tree.get(parent.id, []) if group_ops.matches(g, search, exact)]
        first, max_results = query_int(request, "first"), query_int(request, "max")
        chosen = page(subs, first, 10 if max_results is None else max_results)
        brief, counts = query_bool(request, "briefRepresentation", False), query_bool(request, "subGroupsCount", True)
        return ok([_json(g, tree, access_of(call), brief, counts) for g in chosen])

    return await run_realm(request, work, write=request.method == "POST")


async def group_by_path(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        call.require("view-users")
        groups = await call.tx.groups.realm_groups(call.realm.id)
        found = group_ops.by_path(groups, request.path_params["path"])
        if found is None:
            raise not_found("Group path does not exist")
        rep = await group_ops.full_json(call.tx, found, sum(1 for g in groups if g.parent_id == found.id))
        return ok({**rep, "access": access_of(call)})

    return await run_realm(request, work, write=False)


ROUTES = [
    Route("/{realm}/groups", list_groups, methods=["GET"]),
    Route("/{realm}/groups", create_group, methods=["POST"]),
    Route("/{realm}/groups/count", count_groups, methods=["GET"]),
    Route("/{realm}/groups/{id}", one_group, methods=["GET", "PUT", "DELETE"]),
    Route("/{realm}/groups/{id}/children", children, methods=["GET", "POST"]),
    Route("/{realm}/group-by-path/{path:path}", group_by_path, methods=["GET"]),
]
