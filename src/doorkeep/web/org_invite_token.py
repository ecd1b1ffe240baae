"""An organization invitation's link for an existing user (Keycloak 26's InviteOrgActionTokenHandler), run by
``web.action_token`` once the link, its user and client are checked.

As for Keycloak's other links, the first visit starts an authentication session and shows info.ftl asking to
confirm ("You are about to join organization …", "» Click here to proceed" to the same token naming that
session), so a mail scanner that fetches the link joins nobody. The confirmed link adds the user as an
UNMANAGED member, records INVITE_ORG (``username``) and sends the browser to the token's ``reduri`` (the
organization's redirect URL, else the account console); a user with required actions runs them first. A user who
is a member already gets "You are already a member of the … organization." (INVITE_ORG_ERROR
``user_org_member_already``), an organization since deleted "Organization not found." (``org_not_found``).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from doorkeep.console import pages
from doorkeep.email import action_tokens
from doorkeep.email.action_tokens import ActionToken
from doorkeep.model import AuthSession, Client, Realm, User
from doorkeep.oauth import login_completion
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.organizations.model import UNMANAGED
from doorkeep.web import action_token
from doorkeep.web import locale as page_locale
from doorkeep.web.http import client_ip, issuer
from doorkeep.web.login_pages import action_url, display, html, root_for_new_tab, set_auth_cookie

if TYPE_CHECKING:
    from doorkeep.oauth.context import Services
    from doorkeep.store.tx import Tx

EVENT = "INVITE_ORG"


async def handle(
    request: Request,
    tx: Tx,
    services: Services,
    realm: Realm,
    client: Client,
    user: User,
    token: ActionToken,
    auth_session: AuthSession | None,
) -> Response:
    """InviteOrgActionTokenHandler.handleToken."""
    ui = page_locale.language(request, realm, user=user)
    # OrganizationProvider.getById: none while the realm has organizations off
    org = await tx.organizations.get(realm.id, token.org_id or "") if realm.organizations_enabled else None
    details: dict[str, str | None] = {"username": user.username, "email": token.email}

    async def record(error: str | None = None) -> None:
        await action_token.record_event(
            tx,
            services,
            realm,
            EVENT,
            client_ip(request),
            token=token,
            error=error,
            client_id=client.client_id,
            details=details,
        )

    if org is None:
        await record("org_not_found")
        return html(pages.action_info(display(realm), ui.text("orgNotFoundMessage", token.org_id), ui=ui))
    if await tx.organizations.membership(org.id, user.id) is not None:
        await record("user_org_member_already")
        back = org.redirect_url or login_completion.client_base(client)  # pageRedirectUri, else the client's
        text = ui.text("orgMemberAlready", user.username, org.name)
        return html(pages.action_info(display(realm), text, back_uri=back, header=ui.text("staleInviteOrgLink"), ui=ui))
    if token.auth_session_id is None or auth_session is None or auth_session.id != token.auth_session_id:
        return await _confirm(request, tx, services, realm, client, user, token, auth_session, org.name)
    await tx.organizations.add_member(org, user.id, UNMANAGED)
    await record()
    auth_request = AuthRequest.from_json(auth_session.request)
    if token.redirect_uri is not None and not user.required_actions:
        await tx.flows.delete_auth_session(auth_session.id)
        return RedirectResponse(token.redirect_uri, status_code=302)  # "always redirect to the expected URI"
    auth_request = dataclasses.replace(auth_request, end_after_actions=True)
    return await action_token.continue_login(request, tx, services, realm, client, user, auth_request, auth_session)


async def _confirm(
    request: Request,
    tx: Tx,
    services: Services,
    realm: Realm,
    client: Client,
    user: User,
    token: ActionToken,
    old: AuthSession | None,
    org_name: str,
) -> Response:
    """A fresh authentication session, and info.ftl with ``organization.confirm-membership`` and the link that
    names it."""
    root = old.root if old is not None else await root_for_new_tab(request, tx, realm)
    if old is not None:
        await tx.flows.delete_auth_session(old.id)
    auth_request = AuthRequest(client.client_id, token.redirect_uri or "", "code", "query", "openid")
    auth_session = await action_token.new_session(
        tx, services, realm, client, user, auth_request, action_token.STEP, root
    )
    confirmed = dataclasses.replace(token, auth_session_id=auth_session.id)
    key = await action_tokens.serialize(tx, services, realm.id, issuer(request, realm.name), confirmed)
    proceed = f"{action_url(request, realm, 'action-token')}?key={key}"
    ui = page_locale.language(request, realm, user=user)
    body = pages.action_info(
        display(realm),
        ui.text("organization.confirm-membership", org_name),
        action_uri=proceed,
        header=ui.text("organization.confirm-membership.title", org_name),
        ui=ui,
    )
    response = html(body)
    await set_auth_cookie(response, request, tx, realm, auth_session)
    return response
