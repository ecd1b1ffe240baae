"""Admin REST: organization roles (Keycloak's main branch after 26.8.0: OrganizationRolesResource and
OrganizationRoleResource under ``organizations/{id}/roles``).

``roles`` lists (``search`` over name and description, ``first``/``max``, brief unless ``briefRepresentation=false``)
and creates (201 with the new role's address, no body; 400 ``role has no name``, 409 on a taken name); ``roles/count``
(a bare number); ``roles/{roleId}`` (or ``roles/default``, the default role) reads (full), updates and deletes (the
default role never: 400). A role's composites are in organization_role_composites.py, the members holding it in
organization_role_users.py. Reading needs the organization's view permission, writing its manage permission
(organization_access). Writes record ORGANIZATION_ROLE events at the request's path (a new role's own path for a
CREATE).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.model import Role
from doorkeep.organizations import roles as org_roles
from doorkeep.organizations.model import Organization
from doorkeep.organizations.role_model import OrganizationRole
from doorkeep.web.admin import audit, parse
from doorkeep.web.admin import organization_access as access
from doorkeep.web.admin.common import (
    RealmCall,
    bad_request,
    created,
    no_content,
    ok,
    query_bool,
    query_int,
    read_object,
    role_json,
    run_realm,
)
from doorkeep.web.admin.organization_groups import segments
from doorkeep.web.admin.organizations import load_organization
from doorkeep.web.http import read_json

Child = Role | OrganizationRole


def record(request: Request, body: object, operation: str, path: tuple[str, ...] | None = None) -> None:
    change = audit.Change(request.method, path or segments(request), body, org_roles.RESOURCE, operation)
    audit.several(request, [change])


async def load(call: RealmCall, request: Request, need: str) -> tuple[Organization, OrganizationRole]:
    """The organization (with ``need`` of it) and its role named by the path (``default``: the default role)."""
    org = await load_organization(call, request.path_params["id"], need)
    role_id = request.path_params["role"]
    if role_id == org_roles.DEFAULT_PATH:
        role = await call.tx.organization_roles.default_role(org.id)
        if role is None:
            raise org_roles.DEFAULT_NOT_FOUND
        return org, role
    if not role_id.strip():
        raise org_roles.ID_REQUIRED
    found = await call.tx.organization_roles.get(org.id, role_id)
    if found is None:
        raise org_roles.ROLE_NOT_FOUND
    return org, found


def child_json(child: Child) -> dict[str, object]:
    if isinstance(child, OrganizationRole):
        return org_roles.to_json(child, brief=True)
    return role_json(child, brief=True)


async def collection(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        if request.method == "POST":
            return await _create(call, request)
        org = await load_organization(call, request.path_params["id"])
        raw = request.query_params.get("search")
        search = raw if raw and raw.strip() else None  # StringUtil.isNotBlank
        if request.url.path.endswith("/count"):  # a blank search counts (and lists) every role
            return ok(await call.tx.organization_roles.count(org.id, search))
        first, max_results = query_int(request, "first"), query_int(request, "max")
        if search is None and (first is None or max_results is None):
            first = max_results = None  # getRolesStream() unpaged unless both are given
        found = await call.tx.organization_roles.of_organization(org.id, search, first, max_results)
        brief = query_bool(request, "briefRepresentation", True)
        return ok([org_roles.to_json(r, brief=brief) for r in found])

    return await run_realm(request, work, write=request.method == "POST")


async def _create(call: RealmCall, request: Request) -> Response:
    org = await load_organization(call, request.path_params["id"], access.MANAGE)
    rep = await read_object(request)
    if not isinstance(rep.get("name"), str) or not rep["name"].strip():  # StringUtil.isBlank
        raise bad_request("role has no name")
    parsed = parse.new_role(call.realm.id, None, rep)
    role = org_roles.as_organization_role(org, parsed, role_id=parsed.id)
    await org_roles.create(call.tx, org, role)
    record(request, {**rep, "id": role.id}, "CREATE", (*segments(request), role.id))
    return created(call.url(call.realm.name, "organizations", org.id, "roles", role.id))


async def one_role(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        need = access.VIEW if request.method == "GET" else access.MANAGE
        _, role = await load(call, request, need)
        if request.method == "GET":
            return ok(org_roles.to_json(role))
        if request.method == "DELETE":
            await org_roles.delete(call.tx, role)
            record(request, org_roles.to_json(role, brief=True), "DELETE")
            return no_content()
        rep = await read_json(request)
        if not isinstance(rep, dict):
            raise bad_request("role has no name") if rep is None else bad_request()
        current = Role(role.id, role.realm_id, role.name, None, role.description, attributes=role.attributes)
        updated = parse.updated_role(current, rep)
        await org_roles.update(call.tx, role, updated.name, updated.description, updated.attributes)
        record(request, rep, "UPDATE")
        return no_content()

    return await run_realm(request, work, write=request.method != "GET")


ONE = "/{realm}/organizations/{id}/roles/{role}"
ROUTES = [
    Route("/{realm}/organizations/{id}/roles", collection, methods=["GET", "POST"]),
    Route("/{realm}/organizations/{id}/roles/count", collection, methods=["GET"]),
    Route(ONE, one_role, methods=["GET", "PUT", "DELETE"]),
]
