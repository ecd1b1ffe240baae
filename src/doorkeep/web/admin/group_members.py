"""Admin REST: group membership and default groups.

``groups/{id}/members``; ``users/{id}/groups`` (+ ``/count``) and ``users/{id}/groups/{groupId}``
(PUT joins, DELETE leaves: a CREATE or DELETE GROUP_MEMBERSHIP admin event with the group as its
representation and the user's username and e-mail as its details, none when nothing changed); ``default-groups``
and ``default-groups/{groupId}``. view-users reads, manage-users changes (Keycloak's canManageGroupMembership and
canManage for default groups).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin.group_mapper_json import group_to_json
from doorkeep.admin.representations import user_to_brief_json, user_to_json
from doorkeep.model import Group, User
from doorkeep.organizations import groups as org_groups
from doorkeep.organizations import read_only_members
from doorkeep.users import brute_force, otp
from doorkeep.web.admin import audit
from doorkeep.web.admin.common import RealmCall, no_content, not_found, ok, page, query_bool, query_int, run_realm
from doorkeep.web.admin.groups import load_group

MEMBERSHIP_GROUP_NOT_FOUND = not_found("Group not found")  # UserResource and RealmAdminResource


def _member(user: User, with_otp: set[str]) -> dict[str, object]:
    """GroupResource.getMembers renders users without the ``access`` a user list adds."""
    out = user_to_json(user, totp=user.id in with_otp)
    del out["access"]
    return out


def _membership_json(group: Group, brief: bool) -> dict[str, object]:
    """UserResource.groupMembership: ModelToRepresentation.toRepresentation(group, !brief), which has no
    ``access`` block (only GroupsResource and GroupResource add it, through GroupUtils)."""
    out = group_to_json(group, brief=brief)
    del out["access"]
    return out


def _group_event_json(group: Group) -> dict[str, object]:
    """ModelToRepresentation.toRepresentation(group, true), the membership events' representation: the
    full group without the ``access`` block its resource adds."""
    out = group_to_json(group, brief=False)
    del out["access"]
    return out


async def members(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        group = await load_group(call, request.path_params["id"])
        call.require("view-users")
        first, max_results = query_int(request, "first"), query_int(request, "max")
        found = await call.tx.groups.members(group.id, first or 0, 100 if max_results is None else max_results)
        found = await brute_force.shown(call.tx, call.realm, found, call.now)  # as the user search shows them
        if query_bool(request, "briefRepresentation", False):
            return ok([user_to_brief_json(u) for u in found])
        with_otp = await otp.configured_for(call.tx, [u.id for u in found])
        return ok([_member(u, with_otp) for u in found])

    return await run_realm(request, work, write=False)


async def user_groups(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        user = await call.user(request.path_params["id"])
        call.require("view-users")
        search = (request.query_params.get("search") or "").lower()
        groups = [g for g in await call.tx.groups.of_user(user.id) if search in g.name.lower()]
        if request.url.path.endswith("/count"):
            return ok({"count": len(groups)})
        first, max_results = query_int(request, "first"), query_int(request, "max")
        brief = query_bool(request, "briefRepresentation", True)
        return ok([_membership_json(g, brief) for g in page(groups, first, max_results)])

    return await run_realm(request, work, write=False)


async def membership(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        user = await call.user(request.path_params["id"])
        call.require("manage-users")
        await org_groups.refuse_outside(call.tx, call.realm.id, request.path_params["group"])
        # UserResource.joinGroup / removeMembership: "Group not found" (GroupsResource: "Could not find group by id")
        group = await load_group(call, request.path_params["group"], MEMBERSHIP_GROUP_NOT_FOUND)
        joining = request.method == "PUT"
        if joining:
            await call.identity.require_membership(call.tx, group)
        await read_only_members.refuse_group_change(call.tx, user, group, joining=joining)
        changed = await _change_membership(call, user, group, joining=joining)
        if changed:  # UserResource records the event only inside `if (!isDirectMember)` / `if (isMemberOf)`
            audit.represent(request, _group_event_json(group))
            audit.details(request, audit.about_user(user))  # UserResource's .detail(USERNAME) and .detail(EMAIL)
        else:
            audit.unchanged(request)
        return no_content()

    return await run_realm(request, work)


async def _change_membership(call: RealmCall, user: User, group: Group, *, joining: bool) -> bool:
    """UserResource.joinGroup / removeMembership: whether the event is recorded, writing what the model writes.

    The resource calls ``joinGroup`` when the user is not a direct member, and ``leaveGroup`` when the user is a
    member (``isMemberOf``: of the group or of one below it). The JPA model's ``joinGroup`` writes nothing for a user
    already in a group below, and ``leaveGroup`` deletes only a direct membership; the event is recorded either way.
    """
    held = await call.tx.groups.of_user(user.id)
    if any(g.id == group.id for g in held):
        return False if joining else await call.tx.groups.leave(user.id, group.id)
    below = group.id in await call.tx.groups.ancestors(held)
    if joining and not below:
        await call.tx.groups.join(user.id, group.id)
    return joining or below


async def default_groups(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        call.require("view-realm")
        ids = set(await call.tx.groups.default_ids(call.realm.id))
        groups = [g for g in await call.tx.groups.realm_groups(call.realm.id) if g.id in ids]
        return ok([group_to_json(g, brief=True) for g in groups])

    return await run_realm(request, work, write=False)


async def change_default(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        call.require("manage-realm")
        # RealmAdminResource.addDefaultGroup / removeDefaultGroup: "Group not found", as UserResource says it
        group = await load_group(call, request.path_params["group"], MEMBERSHIP_GROUP_NOT_FOUND)
        if request.method == "PUT":  # every new user joins it: the caller must be able to give its roles
            await call.identity.require_membership(call.tx, group)
            await call.tx.groups.add_default(call.realm.id, group.id)
        else:
            await call.tx.groups.remove_default(call.realm.id, group.id)
        return no_content()

    return await run_realm(request, work)


ROUTES = [
    Route("/{realm}/groups/{id}/members", members, methods=["GET"]),
    Route("/{realm}/users/{id}/groups", user_groups, methods=["GET"]),
    Route("/{realm}/users/{id}/groups/count", user_groups, methods=["GET"]),
    Route("/{realm}/users/{id}/groups/{group}", membership, methods=["PUT", "DELETE"]),
    Route("/{realm}/default-groups", default_groups, methods=["GET"]),
    Route("/{realm}/default-groups/{group}", change_default, methods=["PUT", "DELETE"]),
]
