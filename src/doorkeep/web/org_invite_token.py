"""An organization invitation's link for an existing user (Keycloak 26's InviteOrgActionTokenHandler), run by
``web.action_token`` as a ``Link`` (web/action_link.py) once the link, its user and client are checked:
organizations/acceptance.py decides, the pages and the event are made here.

As for Keycloak's other links, the first visit starts an authentication session and shows info.ftl asking to
confirm ("You are about to join organization …", "» Click here to proceed" to the same token naming that
session), so a mail scanner that fetches the link joins nobody. The confirmed link adds the user as an
UNMANAGED member, consumes the link (opened again it is web/action_token.py's error page), records INVITE_ORG
(``username``) and sends the browser to the token's ``reduri`` (the organization's redirect URL, else the account
console; for an invitation with another client, that client's home URL) if the link's client allows it as a
redirect URI, else to the account console (another client's current home URL, when it has one); a user with
required actions runs them first. A user who is a member already (made otherwise) gets
"You are already a member of the … organization." (INVITE_ORG_ERROR ``user_org_member_already``), an
organization since deleted "Organization not found." (``org_not_found``), a link whose stored invitation was
deleted or resent "The link you clicked is no longer valid." (``invalid_token``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from starlette.responses import RedirectResponse, Response

from doorkeep.console import pages
from doorkeep.console.i18n import Language
from doorkeep.model import Client, Realm
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.organizations import acceptance, invitations
from doorkeep.organizations.acceptance import Step
from doorkeep.users.account import effective_url
from doorkeep.web import locale as page_locale
from doorkeep.web.action_link import Link, confirmation, continue_login
from doorkeep.web.http import base_url
from doorkeep.web.login_pages import display, html

EVENT = "INVITE_ORG"


async def handle(link: Link) -> Response:
    """InviteOrgActionTokenHandler.handleToken: organizations/acceptance.py decides, this shows it."""
    request, tx, realm, client, user, token = link.request, link.tx, link.realm, link.client, link.user, link.token
    auth_session = link.auth_session
    ui = page_locale.language(request, realm, user=user)
    session_id, now = (auth_session.id if auth_session is not None else None), link.services.clock.now()
    found = await acceptance.accept(tx, realm, user.id, token, session_id, now)
    base = base_url(request)
    # the token's reduri when the link's client allows it, else the account console (keycloak@5f8e11f2)
    landing = invitations.landing(token.redirect_uri, client, base) or _fallback(client, base, realm.name)
    if found.step is Step.CONFIRM and found.org is not None:  # no ``oasid``: only setCompoundAuthenticationSessionId
        body = _confirmation_body(ui, realm, found.org.name)
        return await confirmation(link, body, remember_original=False, redirect_uri=landing)
    await link.record(EVENT, error=found.event_error, details={"username": user.username, "email": token.email})
    if found.org is None:
        return html(pages.action_info(display(realm), ui.text("orgNotFoundMessage", token.org_id), ui=ui))
    if found.step is Step.STALE:  # invalidTokenResponse
        header = ui.text("expiredActionMessage")
        return html(pages.action_info(display(realm), ui.text("staleInviteOrgLink"), header=header, ui=ui))
    if found.step is Step.ALREADY_MEMBER:  # pageRedirectUri if the client allows it, else the client's base URL
        back = effective_url(client, base)
        if client.client_id == invitations.ACCOUNT:  # another client's invitation ignores the org's Redirect URL
            back = invitations.landing(found.org.redirect_url, client, base) or back
        text, header = ui.text("orgMemberAlready", user.username, found.org.name), ui.text("staleInviteOrgLink")
        return html(pages.action_info(display(realm), text, back_uri=back, header=header, ui=ui))
    assert auth_session is not None  # JOINED: the link named this very session
    if not user.required_actions:
        await tx.flows.delete_auth_session(auth_session.id)
        return RedirectResponse(landing, status_code=302)  # "always redirect to the expected URI"
    auth_request = dataclasses.replace(AuthRequest.from_json(auth_session.request), end_after_actions=True)
    return await continue_login(link, auth_request, auth_session)


def _fallback(client: Client, base: str, realm_name: str) -> str:
    """Where a joined invitee goes when the link's client does not allow the token's ``reduri``: the account
    console for ``account``; another client's own home URL (Keycloak 27.0: "invitations sent with a custom client
    always use the client's own base URL"), else the account console."""
    if client.client_id != invitations.ACCOUNT:
        home = invitations.client_home(client, base)
        if home is not None:
            return home
    return invitations.account_console(base, realm_name)


def _confirmation_body(ui: Language, realm: Realm, org_name: str) -> Callable[[str], str]:
    """info.ftl with ``organization.confirm-membership`` around the link that confirms it."""
    text = ui.text("organization.confirm-membership", org_name)
    header = ui.text("organization.confirm-membership.title", org_name)
    return lambda proceed: pages.action_info(display(realm), text, action_uri=proceed, header=header, ui=ui)
