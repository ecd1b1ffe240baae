"""Admin REST: who holds a role directly (RoleContainerResource.getUsersInRole and getGroupsInRole):
``…/roles/{role-name}/users`` and ``…/roles/{role-name}/groups``."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from doorkeep.admin import groups as group_ops
from doorkeep.admin import operations
from doorkeep.admin.group_mapper_json import group_to_json
from doorkeep.admin.representations import user_to_json
from doorkeep.model import Group, User
from doorkeep.users import brute_force, otp
from doorkeep.web.admin.common import (
    RealmCall,
    ok,
    page,
    query_bool,
    query_int,
    run_realm,
)
from doorkeep.web.admin.role_lookup import container, target
from doorkeep.web.admin.user_shown import shown

MEMBERS_MAX = 100  # Keycloak's Constants.DEFAULT_MAX_RESULTS


async def members(request: Request) -> Response:
    """``…/roles/{role-name}/users``: users holding the role directly, by username, first/max paged."""
    brief = query_bool(request, "briefRepresentation", False)

    async def work(call: RealmCall) -> Response:
        first, max_results = query_int(request, "first"), query_int(request, "max")
        owner = await container(call, request)
        call.require(owner.view)  # Keycloak asks for both, before it looks the role up: view its container,
        call.require("query-users")  # and query users
        role = await owner.role(call, request.path_params["role_name"])
        limit = MEMBERS_MAX if max_results is None else max_results
        chosen = await operations.role_members(call.tx, call.realm, role, first or 0, limit)
        chosen = await brute_force.shown(call.tx, call.realm, chosen, call.now)  # as the user search shows them
        # getUsersInRole renders ModelToRepresentation's user, which carries no ``access``
        with_otp = await otp.configured_for(call.tx, [u.id for u in chosen])
        # getUsersInRole renders each through the USER_API profile (what an administrator may view), brief or not
        shown_reps = (shown(call.realm, _member_json(u, with_otp)) for u in chosen)
        return ok([_brief_user(rep) if brief else rep for rep in shown_reps])

    return await run_realm(request, work, write=False)


def _member_json(user: User, with_otp: set[str]) -> dict[str, Any]:
    out = user_to_json(user, totp=user.id in with_otp)
    out.pop("access", None)
    return out


async def groups_in_role(request: Request) -> Response:
    """``…/roles/{role-name}/groups`` (RoleContainerResource.getGroupsInRole): the groups holding the role
    directly, by name, first (0) / max (100) paged, brief unless ``briefRepresentation=false``."""
    brief = query_bool(request, "briefRepresentation", True)

    async def work(call: RealmCall) -> Response:
        first, max_results = query_int(request, "first"), query_int(request, "max")
        role = await target(call, request, manage=False)
        chosen = page(
            await call.tx.groups.holding_role(role.id), first or 0, MEMBERS_MAX if max_results is None else max_results
        )
        return ok([await _group_json(call, g, brief) for g in chosen])

    return await run_realm(request, work, write=False)


async def _group_json(call: RealmCall, group: Group, brief: bool) -> dict[str, Any]:
    """ModelToRepresentation.toRepresentation(group, full): no ``access`` and no subgroup count."""
    out = group_to_json(group, brief=brief)
    out.pop("access", None)
    if not brief:
        out["realmRoles"], out["clientRoles"] = await group_ops.role_names(call.tx, group)
    return out


def _brief_user(rep: dict[str, Any]) -> dict[str, Any]:
    """Keycloak's ``toBriefRepresentation`` of a user."""
    keep = ("id", "username", "firstName", "lastName", "email", "emailVerified", "enabled", "createdTimestamp")
    return {k: rep[k] for k in keep if k in rep}
