"""Admin REST: an organization's stored invitations (Keycloak 26.4's OrganizationInvitationResource).

``GET organizations/{id}/invitations`` lists them (``status`` PENDING or EXPIRED; ``email``, ``firstName``, ``lastName``
each a part of that field and ``search`` a part of any of them, without case, ``%`` and ``_`` literal; ``first``/``max``
with no default bound), ordered by id; ``GET …/invitations/{invitationId}`` reads one and ``DELETE`` removes it (204, a
DELETE ORGANIZATION_MEMBERSHIP admin event at its path, no representation), 404 ``Invitation not found`` for an id the
organization does not have. Resending is in ``organization_invitations``. Reading needs the organization's view
permission, removing (and resending) its manage permission (Keycloak 26.7's OrganizationAdminRolesPermissionsTest).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.organizations import invitation_roles, stored_invitations, writes
from doorkeep.web.admin import audit
from doorkeep.web.admin import organization_access as access
from doorkeep.web.admin.common import RealmCall, no_content, ok, query_int, run_realm
from doorkeep.web.admin.organizations import load_organization


async def list_invitations(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        org = await load_organization(call, request.path_params["id"])
        first, max_results = query_int(request, "first"), query_int(request, "max")
        wanted = stored_invitations.listing_filter(dict(request.query_params))
        found = await call.tx.org_invitations.find(org.id, wanted, call.now, first, max_results)
        roles = await invitation_roles.roles_json(call.tx, call.realm.id, [i.id for i in found])
        return ok([stored_invitations.to_json(i, call.now, roles.get(i.id, [])) for i in found])

    return await run_realm(request, work, write=False)


async def one_invitation(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        need = access.VIEW if request.method == "GET" else access.MANAGE
        org = await load_organization(call, request.path_params["id"], need)
        invitation_id = request.path_params["inv"]
        if request.method == "GET":
            invitation = await stored_invitations.found(call.tx, org.id, invitation_id)
            roles = await invitation_roles.roles_json(call.tx, call.realm.id, [invitation.id])
            return ok(stored_invitations.to_json(invitation, call.now, roles.get(invitation.id, [])))
        await stored_invitations.delete(call.tx, org.id, invitation_id)
        segments = ("organizations", org.id, "invitations", invitation_id)
        audit.several(request, [audit.Change("DELETE", segments, None, writes.MEMBERSHIP, "DELETE")])
        return no_content()

    return await run_realm(request, work, write=request.method != "GET")


ROUTES = [
    Route("/{realm}/organizations/{id}/invitations", list_invitations, methods=["GET"]),
    Route("/{realm}/organizations/{id}/invitations/{inv}", one_invitation, methods=["GET", "DELETE"]),
]
