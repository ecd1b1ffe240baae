"""Admin REST: the members of an organization group (Keycloak 26.6's OrganizationGroupResource).

``organizations/{id}/groups/{groupId}/members`` lists the group's direct members as MemberRepresentations
(``first``/``max`` unbounded by default; full unless ``briefRepresentation=true``); ``members/{userId}`` adds
(PUT: only a member of the organization, 400 otherwise; 409 when already in) and removes (DELETE: 204 also when the
user was not in it, recording nothing then). Both record an ORGANIZATION_GROUP_MEMBERSHIP event carrying the
group, and the user's username and e-mail as details.
``organizations/{id}/members/{userId}/groups`` lists the groups a member is in (OrganizationMemberResource
.groupMemberships: ``search``, ``first``/``max``, brief unless ``briefRepresentation=false``).
Reading needs the organization's view permission and view-users; adding and removing its manage permission and
manage-users, as the organization's own members.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin.representations import user_to_brief_json, user_to_json
from doorkeep.organizations import groups as org_groups
from doorkeep.web.admin import audit
from doorkeep.web.admin.common import RealmCall, no_content, ok, page, query_bool, query_int, run_realm
from doorkeep.web.admin.organization_groups import load, record
from doorkeep.web.admin.organizations import load_organization


async def members(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        org, group, _ = await load(call, request)
        call.require("view-users")
        first, max_results = query_int(request, "first", -1), query_int(request, "max", -1)
        brief = query_bool(request, "briefRepresentation", False)
        out = []
        for user in await call.tx.organization_groups.members(group.id, first, max_results):
            rep = user_to_brief_json(user) if brief else user_to_json(user)
            rep.pop("access", None)
            rep["membershipType"] = await call.tx.organizations.membership(org.id, user.id)
            out.append(rep)
        return ok(out)

    return await run_realm(request, work, write=False)


async def membership(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        org, group, _ = await load(call, request)
        call.require("manage-users")
        event = org_groups.to_json(group, org.id, brief=True)
        if request.method == "PUT":
            joined = await org_groups.join(call.tx, org, group, request.path_params["user"])
            record(request, event, "CREATE", org_groups.MEMBERSHIP, audit.about_user(joined))
        elif (left := await org_groups.leave(call.tx, org, group, request.path_params["user"])) is not None:
            record(request, event, "DELETE", org_groups.MEMBERSHIP, audit.about_user(left))
        else:
            audit.unchanged(request)
        return no_content()

    return await run_realm(request, work)


async def groups_of_member(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        org = await load_organization(call, request.path_params["id"])
        call.require("view-users")
        found = await org_groups.of_member(
            call.tx, org, request.path_params["user"], request.query_params.get("search")
        )
        full = not query_bool(request, "briefRepresentation", True)
        listed = page(found, query_int(request, "first", -1), query_int(request, "max", -1))
        return ok([org_groups.to_json(g, org.id, brief=not full) for g in listed])

    return await run_realm(request, work, write=False)


ROUTES = [
    Route("/{realm}/organizations/{id}/members/{user}/groups", groups_of_member, methods=["GET"]),
    Route("/{realm}/organizations/{id}/groups/{group}/members", members, methods=["GET"]),
    Route("/{realm}/organizations/{id}/groups/{group}/members/{user}", membership, methods=["PUT", "DELETE"]),
]
