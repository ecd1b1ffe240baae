"""Admin REST: the members holding an organization role (Keycloak's OrganizationRoleResource ``users`` and
``users/available``).

``GET …/roles/{roleId}/users`` lists the users holding the role directly (the default role: every member), by
username, ``search`` over username, e-mail, first and last name, ``first``/``max`` 0/100, full unless
``briefRepresentation=true``; ``POST`` and ``DELETE`` map and unmap the users of a list of UserRepresentations (each
found by ``id``: 400 without one, 404 unknown to whoever may query users, else 403; manage-users for each; only
members may be given the role, 400 ``invalid_request``), every user checked before any write; the default role's
mappings follow membership (400). ``users/available`` lists the members who do not hold the role directly (none for
the default role), ``search``/``exact``, brief by default. Listing needs query-users and shows nobody to whoever may
not view users; the organization's view permission to list holders, its manage permission otherwise. Writes record
an ORGANIZATION_ROLE_MAPPING event at the request's path, the users as representation, none for an empty list.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin.representations import user_to_json
from doorkeep.model import User
from doorkeep.organizations import roles as org_roles
from doorkeep.organizations import rules
from doorkeep.organizations.model import Organization
from doorkeep.organizations.role_model import OrganizationRole
from doorkeep.web.admin import audit
from doorkeep.web.admin import organization_access as access
from doorkeep.web.admin.auth import FORBIDDEN
from doorkeep.web.admin.common import (
    RealmCall,
    bad_request,
    no_content,
    not_found,
    ok,
    page,
    query_bool,
    query_int,
    run_realm,
)
from doorkeep.web.admin.organization_groups import segments
from doorkeep.web.admin.organization_roles import ONE, load
from doorkeep.web.http import read_json

DEFAULT_MAX = 100  # Constants.DEFAULT_MAX_RESULTS
USERS_REQUIRED = bad_request("users are required")
USER_ID_REQUIRED = bad_request("user id is required")
USER_NOT_FOUND = not_found("User not found")


def _user_json(user: User, brief: bool) -> dict[str, object]:
    out = user_to_json(user)
    if brief:  # ModelToRepresentation.toBriefRepresentation
        keep = ("id", "username", "firstName", "lastName", "email", "emailVerified", "enabled", "createdTimestamp")
        out = {k: v for k, v in out.items() if k in keep}
    return out


async def holders(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        if request.method != "GET":
            return await _write(call, request)
        _, role = await load(call, request, access.VIEW)
        call.require("query-users")
        if not call.can("view-users"):
            return ok([])
        first, max_results = query_int(request, "first", 0), query_int(request, "max", DEFAULT_MAX)
        found = await call.tx.organization_roles.holders(role)
        if search := request.query_params.get("search"):  # getRoleMembersStream: username, e-mail, first, last name
            found = [u for u in found if rules.member_matches(u, search, False)]
        found = page(found, first, max_results)
        brief = query_bool(request, "briefRepresentation", False)
        return ok([_user_json(u, brief) for u in found])

    return await run_realm(request, work, write=request.method != "GET")


async def _write(call: RealmCall, request: Request) -> Response:
    org, role = await load(call, request, access.MANAGE)
    body = await read_json(request)
    if not isinstance(body, list):
        raise USERS_REQUIRED if body is None else bad_request()
    if role.default:
        raise org_roles.DEFAULT_MAPPINGS
    users = [await _user(call, rep) for rep in body]
    if request.method == "POST":
        await org_roles.check_grant(call.tx, org, users)
        await call.tx.organization_roles.map_users(role, [u.id for u in users])
    else:
        await call.tx.organization_roles.unmap_users(role, [u.id for u in users])
    if not body:
        audit.unchanged(request)
        return no_content()
    operation = "CREATE" if request.method == "POST" else "DELETE"
    change = audit.Change(request.method, segments(request), body, org_roles.MAPPING_RESOURCE, operation)
    audit.several(request, [change])
    return no_content()


async def _user(call: RealmCall, rep: object) -> User:
    """getUser, then auth.users().requireManage(user)."""
    user_id = rep.get("id") if isinstance(rep, dict) else None
    if not isinstance(user_id, str) or not user_id.strip():
        raise USER_ID_REQUIRED
    user = await call.tx.users.get(user_id)
    if user is None or user.realm_id != call.realm.id:
        raise USER_NOT_FOUND if call.can("query-users") else FORBIDDEN
    call.require("manage-users")
    return user


async def available(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        org, role = await load(call, request, access.MANAGE)
        call.require("query-users")
        if not call.can("view-users") or not call.can("manage-users") or role.default:
            return ok([])
        found = await _candidates(call, org, role, request)
        first, max_results = query_int(request, "first", 0), query_int(request, "max", DEFAULT_MAX)
        brief = query_bool(request, "briefRepresentation", True)
        return ok([_user_json(u, brief) for u in page(found, first, max_results)])

    return await run_realm(request, work, write=False)


async def _candidates(call: RealmCall, org: Organization, role: OrganizationRole, request: Request) -> list[User]:
    search, exact = request.query_params.get("search"), query_bool(request, "exact", False)
    members = [u for u, _ in await call.tx.organizations.members(org.id)]
    if search and search.strip():
        members = [u for u in members if rules.member_matches(u, search, exact)]
    return [u for u in members if not await call.tx.organization_roles.is_mapped(role.id, u.id)]


ROUTES = [
    Route(ONE + "/users", holders, methods=["GET", "POST", "DELETE"]),
    Route(ONE + "/users/available", available, methods=["GET"]),
]
