"""Admin REST: Keycloak 26.8's organization domains (OrganizationDomainsResource, OrganizationDomainLinksResource).

``organizations/domains`` lists the realm's domains (``search``, ``first``, ``max``) and creates one (201 with its
``Location``); ``organizations/domains/{name}`` reads, updates (the verified flag and the routing) and deletes one
(409 while an organization claims it). ``organizations/{id}/domains`` lists the organization's claimed domains and
claims one (the body its name, quoted or not); ``.../{name}`` reads and unclaims one. Listing and reading the
realm's domains need query-organizations, writing them manage-organizations; an organization's domains need its
view permission to read and its manage permission to claim or unclaim. No admin event, as in Keycloak. The rules
are organizations/realm_domains.py. These routes come before ``organizations/{id}``.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.organizations import realm_domains as domains
from doorkeep.web.admin import audit
from doorkeep.web.admin import organization_access as access
from doorkeep.web.admin.common import (
    RealmCall,
    created,
    no_content,
    ok,
    query_int,
    read_object,
    read_quoted_id,
    run_realm,
)
from doorkeep.web.admin.organizations import checked, load_organization

REALM_BASE = "/{realm}/organizations/domains"
ORG_BASE = "/{realm}/organizations/{id}/domains"


async def realm_listing(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        checked(call)
        first, limit = query_int(request, "first", 0), query_int(request, "max")
        found = await call.tx.domains.list(call.realm.id, request.query_params.get("search"), first, limit)
        return ok([domains.to_json(d) for d in found])

    return await run_realm(request, work, write=False)


async def realm_create(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        checked(call, access.MANAGE)
        domain = await domains.create(call.tx, call.realm, await read_object(request))
        audit.unchanged(request)
        return created(call.url(call.realm.name, "organizations", "domains", domain.name))

    return await run_realm(request, work)


async def realm_one(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        name = request.path_params["name"]
        if request.method == "GET":
            checked(call)
            return ok(domains.to_json(await domains.read(call.tx, call.realm, name)))
        checked(call, access.MANAGE)
        if request.method == "PUT":
            await domains.update(call.tx, call.realm, name, await read_object(request))
        else:
            await domains.delete(call.tx, call.realm, name)
        audit.unchanged(request)
        return no_content()

    return await run_realm(request, work, write=request.method != "GET")


async def org_listing(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        org = await load_organization(call, request.path_params["id"])
        return ok([domains.to_json(d) for d in org.domains])

    return await run_realm(request, work, write=False)


async def org_claim(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        org = await load_organization(call, request.path_params["id"], access.MANAGE)
        await domains.claim(call.tx, call.realm, org, await read_quoted_id(request))
        audit.unchanged(request)
        return no_content()

    return await run_realm(request, work)


async def org_one(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        need = access.VIEW if request.method == "GET" else access.MANAGE
        org = await load_organization(call, request.path_params["id"], need)
        name = request.path_params["name"]
        if request.method == "GET":
            return ok(domains.to_json(domains.claimed(org, name)))
        await domains.unclaim(call.tx, call.realm, org, name)
        audit.unchanged(request)
        return no_content()

    return await run_realm(request, work, write=request.method != "GET")


ROUTES = [
    Route(REALM_BASE, realm_listing, methods=["GET"]),
    Route(REALM_BASE, realm_create, methods=["POST"]),
    Route(REALM_BASE + "/{name}", realm_one, methods=["GET", "PUT", "DELETE"]),
    Route(ORG_BASE, org_listing, methods=["GET"]),
    Route(ORG_BASE, org_claim, methods=["POST"]),
    Route(ORG_BASE + "/{name}", org_one, methods=["GET", "DELETE"]),
]
