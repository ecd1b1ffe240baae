"""Admin REST: an organization role's composites (OrganizationRoleResource's ``composites`` paths).

``…/composites`` lists (every direct composite; with ``search``/``first``/``max`` those whose name holds the
search, paged), adds and removes the role's composites, by id: the organization's own roles, and realm and client
roles, each asking what nesting it into a realm role asks (role_composites.mappable_composite) and passing
organizations/roles.py's rules (no admin role, directly or nested; not the default role; another organization's
role 400); all are resolved and checked before any is written, after the realm's role graph is held
(serialize_graph). ``…/composites/available`` (``source`` organization, realm or client), ``…/composites/effective``
(transitively, organization roles first, then realm roles, then client roles by clientId), ``…/composites/realm`` and
``…/composites/clients/{id}``. Reading needs the organization's view permission, writing (and the available list)
its manage permission. Writes record an ORGANIZATION_ROLE event at the request's path, none for an empty list.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.errors import AdminError
from doorkeep.model import Role
from doorkeep.organizations import roles as org_roles
from doorkeep.organizations.model import Organization
from doorkeep.organizations.role_model import OrganizationRole
from doorkeep.web.admin import audit, parse
from doorkeep.web.admin import organization_access as access
from doorkeep.web.admin.common import (
    RealmCall,
    bad_request,
    client_of,
    no_content,
    ok,
    page,
    query_int,
    role_json,
    run_realm,
)
from doorkeep.web.admin.organization_roles import ONE, Child, child_json, load, record
from doorkeep.web.admin.role_composites import COMPOSITE_NOT_FOUND, mappable_composite
from doorkeep.web.http import read_json

ROLES_REQUIRED = bad_request("roles are required")
UNKNOWN_SOURCE = bad_request("unknown composite role source")


async def _resolve(call: RealmCall, org: Organization, ref: tuple[str | None, str | None]) -> Child:
    """A composite named by its id: one of the organization's roles, or a realm or client role (404 for none,
    another organization's role 400, as mappable_composite answers)."""
    role_id = ref[0]
    if role_id is None:
        raise COMPOSITE_NOT_FOUND
    mine = await call.tx.organization_roles.get(org.id, role_id)
    return mine if mine is not None else await mappable_composite(call, (role_id, None))


async def composites(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        write = request.method != "GET"
        org, role = await load(call, request, access.MANAGE if write else access.VIEW)
        if not write:
            return ok([child_json(c) for c in await _listed(call, role, request)])
        body = await read_json(request)
        if not isinstance(body, list):
            raise ROLES_REQUIRED if body is None else bad_request()
        refs = parse.role_refs([r if isinstance(r, dict) else {} for r in body])
        if request.method == "POST":  # read the graph only once no other nesting may change it
            await call.tx.organization_roles.serialize_graph(call.realm.id)
        children = [await _resolve(call, org, ref) for ref in refs]
        if request.method == "POST":
            for child in children:
                await _check(call, role, child)
            plain = [c.id for c in children if isinstance(c, Role)]
            nested = [c.id for c in children if isinstance(c, OrganizationRole)]
            await call.tx.organization_roles.add_composites(role, plain, nested)
        else:
            await call.tx.organization_roles.remove_composites(role, [c.id for c in children])
        if not body:
            audit.unchanged(request)
        else:
            record(request, body, "CREATE" if request.method == "POST" else "DELETE")
        return no_content()

    return await run_realm(request, work, write=request.method != "GET")


async def _check(call: RealmCall, role: OrganizationRole, child: Child) -> None:
    if isinstance(child, OrganizationRole):
        await org_roles.check_org_child(call.tx, role, child)
    else:
        await org_roles.check_role_child(call.tx, child)


async def _direct(call: RealmCall, role: OrganizationRole) -> list[Child]:
    plain, nested = await call.tx.organization_roles.composites(role.id)
    return org_roles.effective_composites(plain, nested, await _client_ids(call, plain))


async def _client_ids(call: RealmCall, roles: list[Role]) -> dict[str, str]:
    out: dict[str, str] = {}
    for uuid in {r.client_id for r in roles if r.client_id}:
        client = await call.tx.clients.get(uuid)
        out[uuid] = client.client_id if client else ""
    return out


async def _listed(call: RealmCall, role: OrganizationRole, request: Request) -> list[Child]:
    """``GET …/composites``: every direct composite, or with ``search``/``first``/``max`` those whose name holds the
    search, paged."""
    children = await _direct(call, role)
    search, first, max_results = (
        request.query_params.get("search"),
        query_int(request, "first"),
        query_int(request, "max"),
    )
    if search:
        children = [c for c in children if search.lower() in c.name.lower()]
    return page(children, first, max_results)


async def available(request: Request) -> Response:
    """``GET …/composites/available``: roles of ``source`` (organization, realm or client; else 400) the role does
    not nest yet, that the caller may nest and that may be nested (no admin role, not the default role)."""

    async def work(call: RealmCall) -> Response:
        org, role = await load(call, request, access.MANAGE)
        source, search = request.query_params.get("source"), request.query_params.get("search") or None
        have = {c.id for c in await _direct(call, role)} | {role.id}
        candidates: list[Child]
        if source == "organization":
            candidates = list(await call.tx.organization_roles.of_organization(org.id, search))
        elif source in ("realm", "client"):
            candidates = list(await _realm_or_client_roles(call, source == "client", search))
        else:
            raise UNKNOWN_SOURCE
        found = [c for c in candidates if c.id not in have and await _nestable(call, role, c)]
        return ok([child_json(c) for c in page(found, query_int(request, "first"), query_int(request, "max"))])

    return await run_realm(request, work, write=False)


async def _realm_or_client_roles(call: RealmCall, clients: bool, search: str | None) -> list[Role]:
    roles = [r for r in await call.tx.roles.list_all(call.realm.id) if (r.client_id is not None) == clients]
    if search:
        roles = [r for r in roles if search.lower() in r.name.lower()]
    return sorted(roles, key=lambda r: r.name)


async def _nestable(call: RealmCall, role: OrganizationRole, child: Child) -> bool:
    try:
        if isinstance(child, Role):
            await mappable_composite(call, (child.id, None))
        await _check(call, role, child)
    except AdminError:
        return False
    return True


async def effective(request: Request) -> Response:
    """``GET …/composites/effective``: every role the role nests, transitively (admin roles left out), organization
    roles first, then realm roles, then client roles by clientId; ``search`` over name, description and clientId."""

    async def work(call: RealmCall) -> Response:
        org, role = await load(call, request, access.VIEW)
        org_ids, role_ids = await call.tx.organization_roles.expand([role.id])
        nested = await call.tx.organization_roles.get_many(org.id, org_ids - {role.id})
        plain = [
            r for r in await call.tx.roles.get_many(role_ids) if not await org_roles.holds_admin_role(call.tx, [r.id])
        ]
        client_ids = await _client_ids(call, plain)
        found = org_roles.effective_composites(plain, nested, client_ids)
        if search := (request.query_params.get("search") or "").lower():
            found = [c for c in found if _matches(c, search, client_ids)]
        return ok([child_json(c) for c in page(found, query_int(request, "first"), query_int(request, "max"))])

    return await run_realm(request, work, write=False)


def _matches(child: Child, search: str, client_ids: dict[str, str]) -> bool:
    client = client_ids.get(child.client_id or "", "") if isinstance(child, Role) else ""
    return any(search in (text or "").lower() for text in (child.name, child.description, client))


async def realm_composites(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        _, role = await load(call, request, access.VIEW)
        plain, _ = await call.tx.organization_roles.composites(role.id)
        return ok([role_json(r, brief=True) for r in plain if r.client_id is None])

    return await run_realm(request, work, write=False)


async def client_composites(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        _, role = await load(call, request, access.VIEW)
        client = await client_of(call.tx, call.realm, request.path_params["client"], "Could not find client")
        plain, _ = await call.tx.organization_roles.composites(role.id)
        return ok([role_json(r, brief=True) for r in plain if r.client_id == client.id])

    return await run_realm(request, work, write=False)


ROUTES = [
    Route(ONE + "/composites", composites, methods=["GET", "POST", "DELETE"]),
    Route(ONE + "/composites/available", available, methods=["GET"]),
    Route(ONE + "/composites/effective", effective, methods=["GET"]),
    Route(ONE + "/composites/realm", realm_composites, methods=["GET"]),
    Route(ONE + "/composites/clients/{client}", client_composites, methods=["GET"]),
]
