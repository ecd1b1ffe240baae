"""Admin REST: organizations (Keycloak 26's OrganizationsResource and OrganizationResource).

``organizations`` searches (``search`` + ``exact`` over names and domains, or ``q`` over the alias and attributes;
Keycloak 26.8's ``identityProvider`` keeps the organization that provider is linked to;
``first``/``max`` default 0/10; brief unless ``briefRepresentation=false``) and creates; ``organizations/count``;
``organizations/{id}`` reads (full), updates and deletes. Every call needs one of Keycloak 26.7's organization admin
roles (``organization_access``), then the realm's ``organizationsEnabled`` (404 "Organizations not enabled for this
realm." otherwise), as Keycloak checks them: searching and counting need query-organizations and show only what the
caller may view (nothing to a query-organizations holder alone), reading needs view-organizations, writing
manage-organizations (manage-realm holds both).
Deleting one unlinks its identity providers. Members are in ``organization_members``, identity providers in
``organization_identity_providers``.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin.user_search import query_fields
from doorkeep.broker import providers as idp
from doorkeep.organizations import brokers, rules, writes
from doorkeep.organizations.model import Organization
from doorkeep.web.admin import audit
from doorkeep.web.admin import organization_access as access
from doorkeep.web.admin.common import (
    RealmCall,
    created,
    no_content,
    ok,
    page,
    query_bool,
    query_int,
    read_object,
    run_realm,
)
from doorkeep.web.http import read_json


def checked(call: RealmCall, need: str = access.QUERY) -> None:
    """The organization permission ``need`` (access.QUERY / VIEW / MANAGE), then Organizations.checkEnabled, in
    Keycloak's order."""
    access.require(call, need)
    if not call.realm.organizations_enabled:
        raise rules.NOT_ENABLED


async def load_organization(call: RealmCall, org_id: str, need: str = access.VIEW) -> Organization:
    """OrganizationsResource.get: query-organizations first (403 before an unknown id is looked up), then the
    organization (404), then what the sub-resource's call needs of it (``need``)."""
    checked(call)
    org = await call.tx.organizations.get(call.realm.id, org_id)
    if org is None:
        raise rules.NOT_FOUND
    access.require(call, need)
    return org


def _linked_to(call: RealmCall, alias: str) -> list[str]:
    """The ids of the organizations the realm's provider ``alias`` is linked to (none: no such provider)."""
    provider = idp.by_alias(call.realm, alias)
    return brokers.organizations_of(provider) if provider is not None else []


async def _searched(call: RealmCall, request: Request) -> list[Organization]:
    """``q`` (attributes) alone; else ``search``/``exact``, within the organizations linked to the provider
    ``identityProvider`` names when it is given (Keycloak 26.8: OrganizationProvider.getByIdentityProvider and
    countByIdentityProvider; every organization the provider is linked to, an unknown alias none)."""
    q = request.query_params
    found = await call.tx.organizations.realm_organizations(call.realm.id)
    if (q.get("q") or "").strip():
        wanted = query_fields(q["q"])
        return [o for o in found if rules.has_attributes(o, wanted)]
    if (alias := q.get("identityProvider") or "").strip() != "":  # blank: not given; else the exact alias
        owners = _linked_to(call, alias)
        found = [o for o in found if o.id in owners]
    search, exact = q.get("search") or None, query_bool(request, "exact", False)
    return [o for o in found if rules.matches(o, search, exact)]


async def list_organizations(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        checked(call)
        if not access.can(call, access.VIEW):  # canView(org) filters every organization out
            return ok([])
        first, max_results = query_int(request, "first", 0), query_int(request, "max", 10)
        brief = query_bool(request, "briefRepresentation", True)
        found = page(await _searched(call, request), first, max_results)
        return ok([rules.to_json(o, brief=brief) for o in found])

    return await run_realm(request, work, write=False)


async def count_organizations(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        checked(call)
        if not access.can(call, access.VIEW):
            return ok(0)
        return ok(len(await _searched(call, request)))

    return await run_realm(request, work, write=False)


async def create_organization(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        checked(call, access.MANAGE)
        if await read_json(request) is None:  # an empty body or ``null``
            raise rules.NULL_BODY
        rep = await read_object(request)
        org = await writes.create(call.tx, call.realm, rep)
        audit.represent(request, {**rep, "id": org.id})  # organization.setId(model.getId()) before the event
        return created(call.url(call.realm.name, "organizations", org.id))

    return await run_realm(request, work)


async def one_organization(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        need = access.VIEW if request.method == "GET" else access.MANAGE
        org = await load_organization(call, request.path_params["id"], need)
        if request.method == "GET":
            return ok(rules.to_json(org, brief=False))
        if request.method == "DELETE":
            await writes.delete(call.tx, call.realm, org)
            return no_content()
        await writes.update(call.tx, call.realm, org, await read_object(request))
        return no_content()

    return await run_realm(request, work, write=request.method != "GET")


ROUTES = [
    Route("/{realm}/organizations", list_organizations, methods=["GET"]),
    Route("/{realm}/organizations", create_organization, methods=["POST"]),
    Route("/{realm}/organizations/count", count_organizations, methods=["GET"]),
    Route("/{realm}/organizations/{id}", one_organization, methods=["GET", "PUT", "DELETE"]),
]
