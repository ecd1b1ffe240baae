"""Admin REST: organization members (Keycloak 26's OrganizationMemberResource).

``organizations/{id}/members`` lists (``search`` over username, e-mail, first and last name, ``exact``,
``membershipType``, ``first``/``max`` default 0/10) and adds an existing user (the body is the user's id, quoted
or not); ``members/count`` (a bare number); ``members/{userId}`` reads and removes; ``members/{userId}/organizations``
and ``organizations/members/{userId}/organizations`` list a user's organizations. Adding and removing record a
CREATE / DELETE ORGANIZATION_MEMBERSHIP admin event at the members path, the organization as representation and
the user's username and e-mail as its details.
The invitations (``invite-user``, ``invite-existing-user``) are in ``organization_invitations``.
Keycloak 26.7 asks the organization's view (reading) or manage (adding, removing) permission, and of the users
what UsersResource asks: query-users to list or count members (their representations shown to those who may
view users), view-users to read one or a user's organizations, manage-users to add or remove one. A user's
organizations (``organizations/members/{userId}/organizations``) need query-organizations and list nothing to
whoever may not view organizations.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin.representations import user_to_json
from doorkeep.errors import AdminError
from doorkeep.jackson import Unbound, enum_field
from doorkeep.model import User
from doorkeep.organizations import rules, writes
from doorkeep.organizations.model import MANAGED, UNMANAGED
from doorkeep.web.admin import audit
from doorkeep.web.admin import organization_access as access
from doorkeep.web.admin.auth import FORBIDDEN
from doorkeep.web.admin.common import (
    MISMATCHED_INPUT,
    RealmCall,
    created,
    no_content,
    not_found,
    ok,
    page,
    query_bool,
    query_int,
    read_quoted_id,
    run_realm,
)
from doorkeep.web.admin.organizations import checked, load_organization
from doorkeep.web.http import read_json

NOT_FOUND = not_found("HTTP 404 Not Found")  # jakarta's NotFoundException
ID_REQUIRED = AdminError(400, "id cannot be null")
TYPE_REQUIRED = AdminError(400, "membershipType cannot be null")
MEMBERSHIP_TYPES = (UNMANAGED, MANAGED)  # org.keycloak.representations.idm.MembershipType, in declaration order
MEMBERSHIP = writes.MEMBERSHIP


def _member_json(user: User, membership_type: str) -> dict[str, object]:
    """MemberRepresentation: the user as ModelToRepresentation renders it (no ``access``), and its type."""
    out = user_to_json(user)
    out.pop("access", None)
    out["membershipType"] = membership_type
    return out


async def members(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        org = await load_organization(call, request.path_params["id"])
        call.require("query-users")  # auth.users().requireQuery()
        if request.url.path.endswith("/count"):
            return ok(await call.tx.organizations.count_members(org.id))
        if not call.can("view-users"):  # every member filtered out by canView(user)
            return ok([])
        q = request.query_params
        first, max_results = query_int(request, "first", 0), query_int(request, "max", 10)
        found = await call.tx.organizations.members(org.id)
        if (search := q.get("search")) is not None:
            found = [(u, t) for u, t in found if rules.member_matches(u, search, query_bool(request, "exact", False))]
        if (wanted := q.get("membershipType")) is not None:
            if wanted.upper() not in (MANAGED, UNMANAGED):  # MembershipType.valueOf
                raise AdminError(400, f"No enum constant org.keycloak.models.utils.MembershipType.{wanted.upper()}")
            found = [(u, t) for u, t in found if t == wanted.upper()]
        return ok([_member_json(u, t) for u, t in page(found, first, max_results)])

    return await run_realm(request, work, write=False)


async def add_member(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        org = await load_organization(call, request.path_params["id"], access.MANAGE)
        call.require("manage-users")
        user = await writes.add_member(call.tx, call.realm, org, await read_quoted_id(request))
        segments = ("organizations", org.id, "members")
        event = rules.to_json(org, brief=True)
        about = audit.about_user(user)
        audit.several(request, [audit.Change("POST", segments, event, MEMBERSHIP, "CREATE", about)])
        return created(call.url(call.realm.name, "organizations", org.id, "members", user.id))

    return await run_realm(request, work)


async def one_member(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        need = access.VIEW if request.method == "GET" else access.MANAGE
        org = await load_organization(call, request.path_params["id"], need)
        call.require("view-users" if request.method == "GET" else "manage-users")
        user_id = request.path_params["user"]
        if not user_id.strip():
            raise ID_REQUIRED
        user = await call.tx.users.get(user_id)
        kind = await call.tx.organizations.membership(org.id, user_id) if user else None
        if user is None or kind is None:
            raise NOT_FOUND
        if request.method == "GET":
            return ok(_member_json(user, kind))
        await writes.remove_member(call.tx, org, user.id)
        segments = ("organizations", org.id, "members", user.id)
        event = rules.to_json(org, brief=True)
        about = audit.about_user(user)
        audit.several(request, [audit.Change("DELETE", segments, event, MEMBERSHIP, "DELETE", about)])
        return no_content()

    return await run_realm(request, work, write=request.method != "GET")


async def _membership_type_body(request: Request) -> str | None:
    """The body bound to a MembershipType as Jackson binds it (a JSON string ``"MANAGED"``; null or no body is
    None); anything else is the MismatchedInputException's 400."""
    try:
        return enum_field(await read_json(request), MEMBERSHIP_TYPES)
    except Unbound:
        raise MISMATCHED_INPUT from None


async def membership_type(request: Request) -> Response:
    """``PUT members/{userId}/membership-type`` (Keycloak 26.8's OrganizationMemberResource.updateMembershipType):
    the organization's view permission (the locator), the body bound, then its manage permission, the id, the
    type, the member (404 to whoever may query users, else 403) and manage-users. 204; an UPDATE
    ORGANIZATION_MEMBERSHIP event with the member as its representation and the username, e-mail and new type as
    details, none when the type was already that."""

    async def work(call: RealmCall) -> Response:
        org = await load_organization(call, request.path_params["id"])
        wanted = await _membership_type_body(request)
        access.require(call, access.MANAGE)
        user_id = request.path_params["user"]
        if not user_id.strip():
            raise ID_REQUIRED
        if wanted is None:
            raise TYPE_REQUIRED
        user = await call.tx.users.get(user_id)
        kind = await call.tx.organizations.membership(org.id, user_id) if user else None
        if user is None or kind is None:
            raise NOT_FOUND if call.can("query-users") else FORBIDDEN
        call.require("manage-users")
        if not await writes.set_membership_type(call.tx, org, user, kind, wanted):
            audit.unchanged(request)
            return no_content()
        event = _member_json(user, wanted)
        about = (*audit.about_user(user), ("membershipType", wanted))
        segments = ("organizations", org.id, "members", user.id, "membership-type")
        audit.several(request, [audit.Change("PUT", segments, event, MEMBERSHIP, "UPDATE", about)])
        return no_content()

    return await run_realm(request, work)


async def organizations_of(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        if "id" in request.path_params:
            await load_organization(call, request.path_params["id"])
        else:
            checked(call)
            if not access.can(call, access.VIEW):  # canView(org) filters every organization out
                return ok([])
        call.require("view-users")
        user = await call.tx.users.get(request.path_params["user"])
        if user is None or user.realm_id != call.realm.id:
            raise NOT_FOUND
        brief = query_bool(request, "briefRepresentation", True)
        return ok([rules.to_json(o, brief=brief) for o in await call.tx.organizations.of_user(user.id)])

    return await run_realm(request, work, write=False)


ROUTES = [
    Route("/{realm}/organizations/members/{user}/organizations", organizations_of, methods=["GET"]),
    Route("/{realm}/organizations/{id}/members", members, methods=["GET"]),
    Route("/{realm}/organizations/{id}/members", add_member, methods=["POST"]),
    Route("/{realm}/organizations/{id}/members/count", members, methods=["GET"]),
    Route("/{realm}/organizations/{id}/members/{user}", one_member, methods=["GET", "DELETE"]),
    Route("/{realm}/organizations/{id}/members/{user}/organizations", organizations_of, methods=["GET"]),
    Route("/{realm}/organizations/{id}/members/{user}/membership-type", membership_type, methods=["PUT"]),
]
