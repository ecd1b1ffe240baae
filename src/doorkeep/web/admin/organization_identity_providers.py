"""Admin REST: an organization's identity providers (Keycloak 26's OrganizationIdentityProvidersResource).

``organizations/{id}/identity-providers`` lists the organization's providers (full representations, secrets
masked) and links one of the realm's (the body its alias or internal id, quoted or not: 204); ``.../{alias}``
reads one, unlinks it (the provider stays in the realm) and, with ``PUT``, sets the link's ``autoMembership`` and
``membershipType`` (Keycloak 26.8's OrganizationIdentityProviderResource.updateIdentityProviderLink: 204). Keycloak
records no admin event for linking, unlinking or the link's settings. Reading needs the organization's view
permission, unlinking and the link's settings its manage permission, linking that and manage-identity-providers
too (Keycloak 26.7's OrganizationAdminRolesPermissionsTest). The rules are organizations/brokers.py and
organizations/idp_links.py.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin.unknown_properties import refuse_unknown
from doorkeep.broker import providers as idp
from doorkeep.model import JSON
from doorkeep.organizations import brokers, idp_links
from doorkeep.web.admin import audit
from doorkeep.web.admin import organization_access as access
from doorkeep.web.admin.common import RealmCall, no_content, ok, read_quoted_id, run_realm
from doorkeep.web.admin.organizations import load_organization
from doorkeep.web.http import read_json

LINK_REPRESENTATION = frozenset({idp_links.ORGANIZATION_ID, idp_links.AUTO, idp_links.TYPE})

BASE = "/{realm}/organizations/{id}/identity-providers"
SCOPED_AUTO = "autoMembership"
SCOPED_TYPE = "orgMembershipType"


def scoped(provider: JSON, org_id: str) -> JSON:
    """A provider read through an organization: its representation with this organization's link settings as
    ``autoMembership`` / ``orgMembershipType`` too (what Keycloak's OrganizationIdentityProviderLinkTest reads there;
    the 26.8.0 admin client reads ``organizationLinks``, which the representation also carries)."""
    rep = idp.representation(provider)
    link = idp_links.find(provider, org_id)
    if link is not None:
        rep[SCOPED_AUTO], rep[SCOPED_TYPE] = link[idp_links.AUTO], link[idp_links.TYPE]
    return rep


async def listing(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        org = await load_organization(call, request.path_params["id"])
        return ok([scoped(p, org.id) for p in brokers.of_organization(call.realm, org.id)])

    return await run_realm(request, work, write=False)


async def add(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        org = await load_organization(call, request.path_params["id"], access.MANAGE)
        call.require("manage-identity-providers")
        await brokers.link(call.tx, call.realm.id, org.id, await read_quoted_id(request))
        audit.unchanged(request)
        return no_content()

    return await run_realm(request, work)


async def one(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        need = access.VIEW if request.method == "GET" else access.MANAGE
        org = await load_organization(call, request.path_params["id"], need)
        alias = request.path_params["alias"]
        if request.method == "PUT":
            body = await read_json(request)
            refuse_unknown(await request.body(), LINK_REPRESENTATION, "OrganizationIdentityProviderLinkRepresentation")
            await brokers.update_link(call.tx, call.realm.id, org.id, alias, body)
            audit.unchanged(request)
            return no_content()
        if request.method == "DELETE":
            await brokers.unlink(call.tx, call.realm.id, org.id, alias)
            await call.tx.domains.clear_routing(call.realm.id, alias, org.id)  # removeIdentityProvider
            audit.unchanged(request)
            return no_content()
        provider = brokers.linked(call.realm, org.id, alias)
        if provider is None:
            raise brokers.NOT_HERE
        return ok(scoped(provider, org.id))

    return await run_realm(request, work, write=request.method != "GET")


ROUTES = [
    Route(BASE, listing, methods=["GET"]),
    Route(BASE, add, methods=["POST"]),
    Route(BASE + "/{alias}", one, methods=["GET", "PUT", "DELETE"]),
]
