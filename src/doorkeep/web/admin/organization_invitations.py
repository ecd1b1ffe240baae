"""Admin REST: organization invitations (Keycloak 26's OrganizationInvitationResource, under
OrganizationMemberResource's ``members/invite-user`` and ``members/invite-existing-user``).

Both take a form (``email``, ``firstName``, ``lastName``; or ``id``) and e-mail an InviteOrgActionToken link
(``organizations.invitations``) through the realm's SMTP settings: 204, and an ACTION ORGANIZATION_MEMBERSHIP
admin event at the call's path. As ``web.admin.emails`` does, the checks and the link are made in a reading
transaction that ends before the SMTP conversation, and the event is recorded once the mail is sent; a mail that
cannot be sent is 500 ``Failed to send invite email``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.email import smtp
from doorkeep.errors import AdminError
from doorkeep.model import Realm
from doorkeep.oauth.context import Form
from doorkeep.organizations import invitation_mail, invitations
from doorkeep.web import handlers
from doorkeep.web.admin import audit
from doorkeep.web.admin.auth import FORBIDDEN, authenticate
from doorkeep.web.admin.common import REALM_NOT_FOUND, RealmCall, no_content, run_realm
from doorkeep.web.admin.organizations import load_organization
from doorkeep.web.http import UNSUPPORTED_MEDIA_TYPE, base_url, issuer, read_body, state

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

log = logging.getLogger(__name__)
MEMBERSHIP = "ORGANIZATION_MEMBERSHIP"


async def _form(request: Request) -> Form:
    """``@Consumes(APPLICATION_FORM_URLENCODED)``: any other body is RESTEasy's 415."""
    body = await read_body(request)
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if body and ctype != "application/x-www-form-urlencoded":
        raise UNSUPPORTED_MEDIA_TYPE
    try:
        return Form.parse(body)
    except (UnicodeDecodeError, ValueError):
        raise UNSUPPORTED_MEDIA_TYPE from None


def _invitee(form: Form, existing: bool) -> invitation_mail.Invitee:
    if existing:
        return invitation_mail.Invitee(user_id=form.get("id") or "")
    return invitation_mail.Invitee(None, form.get("email"), form.get("firstName"), form.get("lastName"))


async def _prepare(request: Request, form: Form, existing: bool) -> tuple[Realm, smtp.Mail]:
    """The checks of run_realm and of the resource, then the link and the mail, in one reading transaction."""
    services = state(request).services

    async def work(tx: Tx) -> tuple[Realm, smtp.Mail]:
        identity = await authenticate(request, tx)
        realm = await tx.realms.get_by_name(request.path_params["realm"])
        if realm is None:
            raise REALM_NOT_FOUND
        if not identity.master_admin and identity.realm.id != realm.id:
            raise FORBIDDEN
        call = RealmCall(request, tx, identity, services.clock.now(), realm)
        org = await load_organization(call, request.path_params["id"])
        mail = await invitation_mail.prepare(
            tx, services, realm, org, _invitee(form, existing), base_url(request), issuer(request, realm.name)
        )
        return realm, mail

    return await handlers.unit_of_work(request, work, write=False)


async def _invite(request: Request, existing: bool) -> Response:
    try:
        form = await _form(request)
        realm, mail = await _prepare(request, form, existing)
    except AdminError as err:
        return handlers.render_error(err)
    try:
        await smtp.send(realm.smtp_server, mail, state(request).smtp_login(realm))
    except smtp.EmailError as err:
        log.error("Failed to send email: %s", err)  # ServicesLogger.failedToSendEmail
        return handlers.render_error(AdminError(500, invitations.SEND_FAILED))

    async def done(call: RealmCall) -> Response:
        org = await load_organization(call, request.path_params["id"])
        segments = ("organizations", org.id, "members", request.url.path.rsplit("/", 1)[-1])
        audit.several(request, [audit.Change("POST", segments, None, MEMBERSHIP, "ACTION")])
        return no_content()

    return await run_realm(request, done)


async def invite_user(request: Request) -> Response:
    """``POST organizations/{id}/members/invite-user`` (form ``email``, ``firstName``, ``lastName``)."""
    return await _invite(request, existing=False)


async def invite_existing_user(request: Request) -> Response:
    """``POST organizations/{id}/members/invite-existing-user`` (form ``id``)."""
    return await _invite(request, existing=True)


ROUTES = [
    Route("/{realm}/organizations/{id}/members/invite-user", invite_user, methods=["POST"]),
    Route("/{realm}/organizations/{id}/members/invite-existing-user", invite_existing_user, methods=["POST"]),
]
