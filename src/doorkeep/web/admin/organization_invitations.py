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

from doorkeep.email import action_tokens, messages, smtp
from doorkeep.errors import AdminError
from doorkeep.model import Realm, User
from doorkeep.oauth.context import Form
from doorkeep.organizations import invitations
from doorkeep.organizations.model import Organization
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


async def _invitee(call: RealmCall, org: Organization, form: Form, existing: bool) -> tuple[User | None, str, bool]:
    """inviteExistingUser / inviteUser's checks, in Keycloak's order: the user (None: an address no user has),
    the address the mail goes to, and whether the first and last name were given (the personalized body)."""
    if existing:
        user_id = form.get("id") or ""
        if not user_id.strip():
            raise AdminError(400, invitations.NO_ID, key="error")  # jakarta's BadRequestException(message)
        user = await call.tx.users.get(user_id)
        if user is None or user.realm_id != call.realm.id:
            raise AdminError(400, "User does not exist")
        return user, user.email or "", user.first_name is not None and user.last_name is not None
    email = form.get("email") or ""
    if not email.strip():
        raise AdminError(400, invitations.NO_EMAIL)
    found = await call.tx.users.ids_with_email(call.realm.id, email.strip().lower())
    user = await call.tx.users.get(found[0]) if found else None
    if user is not None:
        if await call.tx.organizations.membership(org.id, user.id) is not None:
            raise AdminError(409, invitations.ALREADY_MEMBER)
        return user, user.email or "", user.first_name is not None and user.last_name is not None
    named = form.get("firstName") is not None and form.get("lastName") is not None
    return None, email, named


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
        user, email, named = await _invitee(call, org, form, existing)
        base = base_url(request)
        lifespan = realm.action_token_generated_by_admin_lifespan
        redirect = invitations.redirect_uri(org, base, realm.name)
        token = invitations.new_token(org, user.id if user else "", email, call.now, lifespan, redirect)
        key = await action_tokens.serialize(tx, services, realm.id, issuer(request, realm.name), token)
        if user is not None:
            link = invitations.action_link(base, realm.name, key)
            names = (user.first_name or "", user.last_name or "") if named else None
            ui = messages.language(realm, user)
        else:
            link = invitations.registration_link(base, realm.name, key)
            names = (form.get("firstName") or "", form.get("lastName") or "") if named else None
            ui = messages.language(realm, User(id="", realm_id=realm.id, username=""))
        mail = messages.org_invite(ui, realm, email, names, link, lifespan // 60, org.name)
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
