"""Admin REST: sending organization invitations (Keycloak 26.4's OrganizationInvitationResource, under
OrganizationMemberResource's ``members/invite-user`` and ``members/invite-existing-user``, and
``invitations/{id}/resend``).

The first two take a form (``email``, ``firstName``, ``lastName``; or ``id``) or, since Keycloak 26.7, a JSON
OrganizationInvitationUserRequest / OrganizationInvitationExistingUserRequest with the same fields and ``attributes``
the invitation keeps (organizations/invitation_attributes.py); a JSON body that is empty or null is 400. A resend takes
the stored invitation's address, names and attributes. ``client_id`` in the query names the link's client (the
first since keycloak#48535, both in Keycloak 27.0; organizations.invitations). Each e-mails an InviteOrgActionToken link
(``organizations.invitations``) through the realm's SMTP settings: 204, and an ACTION ORGANIZATION_MEMBERSHIP admin
event at the call's path. A disabled organization invites nobody (400 ``Organization is disabled``, Keycloak 26.7's
validateOrganization). As ``web.admin.emails`` does, the checks and the link are made in a reading transaction that ends
before the SMTP conversation; the invitation is stored and the event recorded once the mail is sent; a mail that cannot
be sent is 500 ``Failed to send invite email`` and stores nothing. Listing and deleting are in
``organization_invitation_list``.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.email import smtp
from doorkeep.errors import AdminError
from doorkeep.model import Realm
from doorkeep.oauth.context import Form
from doorkeep.organizations import (
    invitation_attributes,
    invitation_mail,
    invitation_roles,
    invitations,
    stored_invitations,
)
from doorkeep.organizations.model import Organization
from doorkeep.web import handlers
from doorkeep.web.admin import audit
from doorkeep.web.admin import organization_access as access
from doorkeep.web.admin.auth import FORBIDDEN
from doorkeep.web.admin.common import RealmCall, entered_realm, no_content, run_realm
from doorkeep.web.admin.organizations import load_organization
from doorkeep.web.http import UNSUPPORTED_MEDIA_TYPE, base_url, issuer, read_admin_body, read_json, state

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

log = logging.getLogger(__name__)
MEMBERSHIP = "ORGANIZATION_MEMBERSHIP"
# [UNVERIFIED] The texts of the JSON requests' refusals were not in the source index.
NULL_REQUEST = AdminError(400, "Request body cannot be null.")
BAD_REQUEST = AdminError(400, "Invalid invitation request")


async def _request(request: Request, existing: bool) -> invitation_mail.Invitee:
    """``@Consumes(APPLICATION_FORM_URLENCODED)`` or ``@Consumes(APPLICATION_JSON)``: any other body is RESTEasy's
    415."""
    body = await read_admin_body(request)
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "application/json":
        return _from_json(await read_json(request), existing)
    if body and ctype != "application/x-www-form-urlencoded":
        raise UNSUPPORTED_MEDIA_TYPE
    try:
        form = Form.parse(body)
    except (UnicodeDecodeError, ValueError):
        raise UNSUPPORTED_MEDIA_TYPE from None
    roles = invitation_roles.from_form(form.all("roles"))
    if existing:
        return invitation_mail.Invitee(user_id=form.get("id") or "", roles=roles)
    return invitation_mail.Invitee(None, form.get("email"), form.get("firstName"), form.get("lastName"), roles=roles)


def _from_json(rep: object, existing: bool) -> invitation_mail.Invitee:
    """The JSON request; null or no body at all is 400 (OrganizationInvitationAttributeTest's empty JSON body)."""
    if rep is None:
        raise NULL_REQUEST
    if not isinstance(rep, dict):
        raise BAD_REQUEST
    fields = {name: rep.get(name) for name in ("id", "email", "firstName", "lastName")}
    if any(value is not None and not isinstance(value, str) for value in fields.values()):
        raise BAD_REQUEST
    attributes = invitation_attributes.cleaned(rep.get("attributes"))
    roles = invitation_roles.from_json(rep.get("roles"))
    if existing:
        return invitation_mail.Invitee(user_id=fields["id"] or "", attributes=attributes, roles=roles)
    return invitation_mail.Invitee(
        None, fields["email"], fields["firstName"], fields["lastName"], attributes=attributes, roles=roles
    )


Whom = Callable[["Tx", Organization], Awaitable[invitation_mail.Invitee]]


async def _prepare(request: Request, whom: Whom) -> tuple[Realm, invitation_mail.Prepared]:
    """The checks of run_realm and of the resource, then the link and the mail, in one reading transaction."""
    services = state(request).services

    async def work(tx: Tx) -> tuple[Realm, invitation_mail.Prepared]:
        identity, realm = await entered_realm(request, tx)
        call = RealmCall(request, tx, identity, services.clock.now(), realm)
        org = await load_organization(call, request.path_params["id"], access.MANAGE)
        invitations.require_enabled(org)
        who = await whom(tx, org)
        for role in await invitation_roles.resolve(tx, realm.id, who.roles):
            if not await identity.may_map(tx, realm, role):  # H2: only roles the caller may map to a user
                raise FORBIDDEN
        prepared = await invitation_mail.prepare(
            tx, services, realm, org, who, base_url(request), issuer(request, realm.name)
        )
        return realm, prepared

    return await handlers.unit_of_work(request, work, write=False)


async def _send(request: Request, whom: Whom, tail: tuple[str, ...]) -> Response:
    """Prepare, send, then store the invitation and record the event at ``organizations/{id}/`` + ``tail``."""
    try:
        realm, prepared = await _prepare(request, whom)
    except AdminError as err:
        return handlers.render_error(err)
    try:
        await state(request).send_mail(realm, realm.smtp_server, prepared.mail)
    except smtp.EmailError as err:
        log.error("Failed to send email: %s", err)  # ServicesLogger.failedToSendEmail
        return handlers.render_error(AdminError(500, invitations.SEND_FAILED))

    async def done(call: RealmCall) -> Response:
        org = await load_organization(call, request.path_params["id"], access.MANAGE)
        await stored_invitations.save(call.tx, prepared)
        segments = ("organizations", org.id, *tail)
        audit.several(request, [audit.Change("POST", segments, None, MEMBERSHIP, "ACTION")])
        return no_content()

    return await run_realm(request, done)


async def _invite(request: Request, existing: bool) -> Response:
    try:
        invitee = await _request(request, existing)
    except AdminError as err:
        return handlers.render_error(err)
    invitee = dataclasses.replace(invitee, client_id=request.query_params.get("client_id"))

    async def whom(_tx: Tx, _org: Organization) -> invitation_mail.Invitee:
        return invitee

    return await _send(request, whom, ("members", request.url.path.rsplit("/", 1)[-1]))


async def invite_user(request: Request) -> Response:
    """``POST organizations/{id}/members/invite-user`` (form ``email``, ``firstName``, ``lastName``; the link's
    client by the ``client_id`` query parameter, ``account`` without one)."""
    return await _invite(request, existing=False)


async def invite_existing_user(request: Request) -> Response:
    """``POST organizations/{id}/members/invite-existing-user`` (form ``id``; ``client_id`` as for invite-user, Keycloak
    27.0)."""
    return await _invite(request, existing=True)


async def resend(request: Request) -> Response:
    """``POST organizations/{id}/invitations/{invitationId}/resend``: 404 ``Invitation not found``, else the
    invitation removed and its address invited again for the client its link was for (inviteUser's checks, a new
    invitation and link)."""

    async def whom(tx: Tx, org: Organization) -> invitation_mail.Invitee:
        invitation = await stored_invitations.found(tx, org.id, request.path_params["inv"])
        roles = tuple(await tx.organization_invitation_roles.role_ids(invitation.id))
        return stored_invitations.resent(invitation, roles)

    return await _send(request, whom, ("invitations", request.path_params["inv"], "resend"))


ROUTES = [
    Route("/{realm}/organizations/{id}/members/invite-user", invite_user, methods=["POST"]),
    Route("/{realm}/organizations/{id}/members/invite-existing-user", invite_existing_user, methods=["POST"]),
    Route("/{realm}/organizations/{id}/invitations/{inv}/resend", resend, methods=["POST"]),
]
