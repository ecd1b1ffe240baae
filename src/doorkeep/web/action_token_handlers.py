"""The work of the links web/action_token.py checks and dispatches, each a ``Handler`` of a checked link
(web/action_link.py): the confirmed verify-email and execute-actions links (VerifyEmailActionTokenHandler,
ExecuteActionsActionTokenHandler), the update-email link (UpdateEmailActionTokenHandler, at once wherever it is
opened) and the reset-credentials link (ResetCredentialsActionTokenHandler).
"""

from __future__ import annotations

import dataclasses
import logging

from starlette.requests import Request
from starlette.responses import Response

from doorkeep import events
from doorkeep.console import pages
from doorkeep.email import action_tokens
from doorkeep.email.action_tokens import ActionToken
from doorkeep.errors import UNEXPECTED_ERROR_HANDLING_REQUEST
from doorkeep.model import UPDATE_PASSWORD, AuthSession, Realm, User
from doorkeep.oauth import login_completion, required_actions, reset_credentials, session_limits, update_email
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.oauth.login_session import AUTHENTICATE
from doorkeep.sessions import sso
from doorkeep.web import locale as page_locale
from doorkeep.web.action_link import STEP, Link, continue_login, new_session
from doorkeep.web.client_redirect import resolved
from doorkeep.web.http import base_url, client_ip, issuer
from doorkeep.web.login_pages import display, error_page, html, root_for_new_tab

log = logging.getLogger("doorkeep.web")
VERIFY = required_actions.VERIFY_EMAIL
ONE_TIME = frozenset({UPDATE_PASSWORD})  # RequiredActionFactory.isOneTimeAction among the supported actions


def single_use(token: ActionToken) -> bool:
    """``canUseTokenRepeatedly`` false: a reset-credentials or update-email link, an execute-actions one with a
    one-time action."""
    once = token.action in (action_tokens.RESET_CREDENTIALS, action_tokens.UPDATE_EMAIL)
    return once or bool(set(token.required_actions) & ONE_TIME)


def verifies_email(token: ActionToken) -> bool:
    """Whether following the link verifies the address it went to: a verify-email link, or (Keycloak 26.8,
    keycloak#50946) an execute-actions one whose actions include VERIFY_EMAIL; before 26.8 any execute-actions link
    did."""
    if token.email is None:
        return False
    return token.action == action_tokens.VERIFY_EMAIL or VERIFY in token.required_actions


def redirect_detail(request: Request, realm: Realm, auth_session: AuthSession | None) -> str:
    """The event's ``redirect_uri``: the login's, else (a session the link started) the account console's, as
    createAuthenticationSessionForClient sets it."""
    asked = AuthRequest.from_json(auth_session.request).redirect_uri if auth_session is not None else ""
    return asked or f"{base_url(request)}/realms/{realm.name}/account/"


def verified_already(user: User, token: ActionToken, auth_session: AuthSession | None) -> bool:
    """VerifyEmailActionTokenHandler: the address is verified and neither the user nor the token's own
    login still asks for VERIFY_EMAIL (isVerifyEmailActionSet), so the link only says so."""
    if not user.email_verified or VERIFY in user.required_actions:
        return False
    if auth_session is not None and auth_session.id == token.auth_session_id:
        return VERIFY not in AuthRequest.from_json(auth_session.request).session_actions
    return True


async def run_confirmed(link: Link) -> Response:
    """The confirmed link (in the authentication session it names). A verify-email link marks the address
    verified, then shows so, or goes on with the login that sent it (VerifyEmailActionTokenHandler); an
    execute-actions link runs its actions in this authentication session through the login's own pages, ending on
    "Your account has been updated." (ExecuteActionsActionTokenHandler: END_AFTER_REQUIRED_ACTIONS)."""
    request, tx, realm, user, token, auth_session = (
        link.request,
        link.tx,
        link.realm,
        link.user,
        link.token,
        link.auth_session,
    )
    assert auth_session is not None
    ui = page_locale.language(request, realm, user=user)
    if verifies_email(token) and not user.email_verified:
        user = dataclasses.replace(user, email_verified=True)
        await tx.users.update(user)
    auth_request = AuthRequest.from_json(auth_session.request)
    if token.action != action_tokens.VERIFY_EMAIL:
        once = token.single_use_key if single_use(token) else None
        actions = token.required_actions
        auth_request = dataclasses.replace(
            auth_request, session_actions=actions, end_after_actions=True, action_token=once
        )
        return await continue_login(dataclasses.replace(link, user=user), auth_request, auth_session)
    user = dataclasses.replace(user, required_actions=tuple(a for a in user.required_actions if a != VERIFY))
    await tx.users.update(user)
    details = {
        "username": user.username,
        "email": user.email,
        "code_id": auth_session.root,
        "redirect_uri": redirect_detail(request, realm, auth_session),
    }
    await link.record("VERIFY_EMAIL", details=details)
    if auth_session.step == STEP and token.original_auth_session_id is not None:
        # a login's link confirmed in another browser: that login is left alone, this one only told so
        await tx.flows.delete_auth_session(auth_session.id)
        text = ui.text("emailVerifiedMessage")
        return html(pages.action_info(display(realm), text, back_uri=token.redirect_uri, ui=ui))
    # the login that sent it, in this browser, goes on; an admin's link runs the user's other required actions and
    # ends on "Your account has been updated." (END_AFTER_REQUIRED_ACTIONS)
    auth_request = required_actions.leaving(auth_request, VERIFY)
    if auth_session.step == STEP:
        auth_request = dataclasses.replace(auth_request, end_after_actions=True)
    return await continue_login(dataclasses.replace(link, user=user), auth_request, auth_session)


async def update_email_now(link: Link) -> Response:
    """UpdateEmailActionTokenHandler: the pending address written and verified, UPDATE_EMAIL (with its
    ``previous_email`` and ``updated_email``), the user's sessions ended when the page's box was checked, and
    info.ftl's "Email updated"; the key is spent. A pending address gone or changed, or an address another
    user took meanwhile, is an error page (400)."""
    request, tx, realm, client, user, token = link.request, link.tx, link.realm, link.client, link.user, link.token
    ui = page_locale.language(request, realm, user=user)
    done = await update_email.confirm(tx, realm, user, token.new_email)
    if isinstance(done, str):
        return error_page(request, realm, ui.text(done) if done == update_email.CANCELLED else done)
    await link.record("UPDATE_EMAIL", details=update_email.event_details(user, done))
    now = link.services.clock.now()
    if token.logout_sessions:
        account = f"{base_url(request)}/realms/{realm.name}/account/"
        more = {"redirect_uri": account, update_email.LOGOUT_TRIGGERED_BY: action_tokens.UPDATE_EMAIL}
        for session_id in await update_email.end_sessions(tx, user.id):
            await events.record(
                tx,
                realm,
                "LOGOUT",
                now=now,
                client_id=client.client_id,
                user_id=user.id,
                session_id=session_id,
                ip=client_ip(request),
                details=more,
            )
    await tx.action_tokens.put_if_absent(token.single_use_key, token.expires, now)
    text = ui.text("emailUpdated", done.email)
    back = resolved(login_completion.client_base(client), base_url(link.request))  # info.ftl's "Back to Application"
    return html(pages.action_info(display(realm), text, back_uri=back, header=ui.text("emailUpdatedTitle"), ui=ui))


async def reset(link: Link) -> Response:
    """ResetCredentialsActionTokenHandler: in the browser that asked (its authentication session still at the
    login form), the login goes on to the update-password page and then to the client; elsewhere a new
    authentication session runs it and ends on "Your account has been updated." (END_AFTER_REQUIRED_ACTIONS).
    The key is spent when that login ends."""
    tx, auth_session, token = link.tx, link.auth_session, link.token
    same = auth_session is not None and auth_session.id == token.auth_session_id
    if auth_session is not None and same and auth_session.step == AUTHENTICATE:
        auth_request = AuthRequest.from_json(auth_session.request)
    else:
        root = auth_session.root if auth_session is not None else await root_for_new_tab(link.request, tx, link.realm)
        if auth_session is not None:
            await tx.flows.delete_auth_session(auth_session.id)
        auth_request = AuthRequest(link.client.client_id, "", "code", "query", "openid", end_after_actions=True)
        auth_session = await new_session(link, auth_request, AUTHENTICATE, root)
    refused = await _reset_session_limits(link, auth_request)
    if refused is not None:
        return refused
    actions = await reset_credentials.flow_actions(tx, link.realm, link.user, auth_request.session_actions)
    auth_request = dataclasses.replace(auth_request, session_actions=actions, action_token=token.single_use_key)
    return await continue_login(link, auth_request, auth_session)


async def _reset_session_limits(link: Link, auth_request: AuthRequest) -> Response | None:
    """The reset credentials flow's User Session Count Limiters (reset_credentials.limit_sessions): each session
    they end a LOGOUT, a refusal RESET_PASSWORD_ERROR ``generic_authentication_error`` and a 403 error page with
    the configured message; a limiter that cannot run the unexpected-error page. None: the login goes on."""
    request, realm = link.request, link.realm
    cookie, iss = request.cookies.get(sso.IDENTITY_COOKIE), issuer(request, realm.name)
    try:
        verdict = await reset_credentials.limit_sessions(
            link.tx, link.services, realm, link.client, link.user, issuer=iss, cookie=cookie
        )
    except session_limits.Misconfigured as exc:
        log.warning("realm %s: the session limiter cannot run: %s", realm.name, exc)
        await link.record(reset_credentials.EVENT, error="invalid_user_credentials")
        return error_page(request, realm, UNEXPECTED_ERROR_HANDLING_REQUEST, auth_request=auth_request)
    details: dict[str, str | None] = {"redirect_uri": redirect_detail(request, realm, link.auth_session)}
    for session_id in verdict.ended:
        await events.record(
            link.tx, realm, "LOGOUT", now=link.services.clock.now(), client_id=link.client.client_id,
            user_id=link.user.id, session_id=session_id, ip=client_ip(request), details=details,
        )  # fmt: skip
    if verdict.denied is None:
        return None
    log.info("%s", verdict.detail)
    await link.record(reset_credentials.EVENT, error=session_limits.EVENT_ERROR, details=details)
    return error_page(request, realm, verdict.denied, 403, auth_request=auth_request)
