"""``GET /realms/{realm}/login-actions/action-token?key=…``: the links Keycloak e-mails (LoginActionsService.
executeActionToken with ExecuteActionsActionTokenHandler, VerifyEmailActionTokenHandler,
UpdateEmailActionTokenHandler, which runs at once wherever the link is opened, ResetCredentialsActionTokenHandler,
InviteOrgActionTokenHandler, IdpVerifyAccountLinkActionTokenHandler and ImpersonateActionTokenHandler, whose link
web/impersonation_link.py takes).

Here the link is read and checked (its token, user and client, a single-use key not spent yet) and handed to its
handler (web/action_token_handlers.py, web/org_invite_token.py,
web/broker_email_link.py) as a ``Link`` (web/action_link.py). As Keycloak,
a link opened without its authentication session starts one (AUTH_SESSION_ID cookie) and answers a confirmation
page whose "» Click here to proceed" link is the same token naming that session (``asid``): a mail scanner that
fetches the link changes nothing. The confirmed link then runs the token's work. An execute-actions token that
carries UPDATE_PASSWORD (a one-time action) can be used once: its key is spent, across workers, when the password
is set (AuthenticationManager's INVALIDATE_ACTION_TOKEN); the flow ends on "Your account has been updated." with a
link back to the token's ``redirect_uri`` (END_AFTER_REQUIRED_ACTIONS). A verify-email token marks the address
verified.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from doorkeep.console import pages
from doorkeep.email import action_tokens
from doorkeep.email.action_tokens import ActionToken, Refusal
from doorkeep.model import AuthSession, Client, Realm, User
from doorkeep.oauth import login_completion, login_outcomes, redirect_uris, update_email
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.oauth.login_session import LinkSpent
from doorkeep.organizations import acceptance
from doorkeep.sessions import sso
from doorkeep.web import action_token_handlers as handlers
from doorkeep.web import broker_email_link, impersonation_link, org_invite_token
from doorkeep.web import locale as page_locale
from doorkeep.web.action_link import Handler, Link, confirmation, record_event
from doorkeep.web.client_redirect import resolved
from doorkeep.web.http import base_url, client_ip, in_transaction, issuer, state
from doorkeep.web.login_pages import NO_BACK, current_tab, display, error_page, html, open_realm
from doorkeep.web.login_responses import render

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

INVALID_USER = "Invalid username or password."  # Messages.INVALID_USER
ACCOUNT_DISABLED = "Account is disabled, contact your administrator."
UNKNOWN_REQUESTER = "Unknown login requester."
REQUESTER_DISABLED = "Login requester not enabled"
START_AGAIN = "Action expired. Please start again."  # Messages.EXPIRED_ACTION_TOKEN_SESSION_EXISTS
DIFFERENT_USER_ERROR = "different_user_authenticated"  # Errors.DIFFERENT_USER_AUTHENTICATED
# The handlers that take a checked link as it is, before any confirmation (UPDATE_EMAIL runs at once in any browser)
AT_ONCE: dict[str, Handler] = {
    action_tokens.UPDATE_EMAIL: handlers.update_email_now,
    action_tokens.INVITE_ORG: org_invite_token.handle,
    action_tokens.RESET_CREDENTIALS: handlers.reset,
    action_tokens.IDP_VERIFY_ACCOUNT: broker_email_link.handle,  # it asks for its own confirmation
}


async def _back(tx: Tx, realm: Realm, request: Request) -> str | None:
    """The link's ``client_id`` is the page's client (handleActionToken sets it on the session context before
    the token is checked): its base URL as "Back to Application" (ResetPasswordTest's KEYCLOAK-4016 cases)."""
    named = request.query_params.get("client_id")
    client = await tx.clients.get_by_client_id(realm.id, named) if named else None
    back = login_completion.client_base(client) if client is not None and client.enabled else None
    return resolved(back, base_url(request))


async def execute(request: Request) -> Response:
    realm = await open_realm(request)
    if isinstance(realm, Response):
        return realm
    if request.method == "HEAD":  # a mail scanner's probe spends no link (Keycloak skips HEAD requests)
        return Response(status_code=200)
    services = state(request).services
    iss = issuer(request, realm.name)

    async def work(tx: Tx) -> Response:
        tx.config.bind(realm)
        ip, now = client_ip(request), services.clock.now()
        token = await action_tokens.read(tx, services, realm.id, iss, request.query_params.get("key"))
        named = token.auth_session_id if isinstance(token, ActionToken) else None  # the tab that sent the link
        auth_session = await current_tab(request, tx, realm, tab_id=named)
        if auth_session is not None and auth_session.expires <= now:
            auth_session = None
        if isinstance(token, Refusal):  # handleActionTokenVerificationException
            again = token.expired and auth_session is not None  # event.clone().error(EXPIRED_CODE): no reason
            details = None if again else _reason(token)
            await record_event(
                tx, services, realm, "EXECUTE_ACTION_TOKEN", ip, token=token, error=token.error, details=details
            )
            if again and auth_session is not None:
                return await _start_again(request, tx, realm, auth_session)
            return error_page(request, realm, token.text, back_uri=await _back(tx, realm, request))
        if token.action == action_tokens.IMPERSONATE:  # no client and no confirmation: its own checks
            return await impersonation_link.redeem(request, tx, realm, token)
        _, default_error, event_type = action_tokens.HANDLERS[token.action]
        user = await tx.users.get(token.user_id)
        client = await tx.clients.get_by_client_id(realm.id, token.client_id)
        refused = _check(token, realm, user, client, base_url(request), default_error)
        other = await _other_user(request, tx, realm, user) if user is not None and user.enabled else None
        link_token = token

        async def refuse(error: str, text: str, details: dict[str, str | None] | None = None) -> Response:
            """The link refused before anything of it is done: the handler's event with this error, the page."""
            await record_event(
                tx,
                services,
                realm,
                event_type,
                ip,
                token=link_token,
                error=error,
                client_id=link_token.client_id,
                details=details,
            )
            return error_page(request, realm, text)

        if other is not None:  # checkIsUserValid, after the user checks: nothing of the link is done
            existing: dict[str, str | None] = {"existing_user": other.id}
            return await refuse(DIFFERENT_USER_ERROR, login_completion.DIFFERENT_USER.format(other.username), existing)
        if refused is not None:
            return await refuse(refused.error, refused.text, _reason(refused))
        assert user is not None and client is not None
        # checkTokenWasNotUsedYet: before the handler, so a spent link never reaches its confirmation page
        if handlers.single_use(token) and await tx.action_tokens.is_used(token.single_use_key, now):
            spent: dict[str, str | None] = {"reason": "expiredActionMessage"}  # (EXPIRED_CODE, EXPIRED_ACTION)
            return await refuse("expired_code", action_tokens.EXPIRED_ACTION, spent)
        # An accepted invitation's token is revoked: its link opened again is the handler's stale-link error page,
        # not "already a member" (OrganizationInvitationTokenTest#testInvitationIsConsumedOnlyAfterConfirmation)
        if token.action == action_tokens.INVITE_ORG and await acceptance.consumed(tx, token, now):
            return await refuse(default_error, action_tokens.STALE_INVITE_ORG)
        link = Link(request, tx, services, realm, client, user, token, auth_session)
        at_once = AT_ONCE.get(token.action)
        if at_once is not None:
            return await at_once(link)
        if token.action == action_tokens.VERIFY_EMAIL and handlers.verified_already(user, token, auth_session):
            redirect = handlers.redirect_detail(request, realm, auth_session)
            details = {"email": user.email, "redirect_uri": redirect}
            await link.record("VERIFY_EMAIL", error="email_already_verified", details=details)
            ui = page_locale.language(request, realm, user=user)
            return html(pages.action_info(display(realm), ui.text("emailVerifiedAlreadyMessage"), ui=ui))
        if token.auth_session_id is None or auth_session is None or auth_session.id != token.auth_session_id:
            return await confirmation(link, _confirmation_body(request, realm, user, token))
        return await handlers.run_confirmed(link)

    try:
        response = await in_transaction(request, work)
    except LinkSpent:
        response = error_page(request, realm, action_tokens.EXPIRED_ACTION)
    response.headers["Cache-Control"] = NO_BACK
    return response


async def _start_again(request: Request, tx: Tx, realm: Realm, auth_session: AuthSession) -> Response:
    """An expired link opened where a login is under way (the link's ``client_id`` is that login's): the
    flow restarts on the login form with "Action expired. Please start again." (TokenNotActiveException)."""
    client = await tx.clients.get(auth_session.client_id)
    if client is None or client.client_id != request.query_params.get("client_id") or not client.enabled:
        return error_page(request, realm, action_tokens.EXPIRED_NO_SESSION)
    auth_request = AuthRequest.from_json(auth_session.request)
    outcome = login_outcomes.NeedLogin(START_AGAIN, auth_request.login_hint or "")
    return await render(request, tx, realm, client, auth_request, outcome, auth_session)


async def _other_user(request: Request, tx: Tx, realm: Realm, user: User) -> User | None:
    """LoginActionsServiceChecks.checkIsUserValid's identity cookie: the user of the browser's valid SSO session
    when it is not the link's user (an attempt to act for another account in this browser), else None."""
    cookie = request.cookies.get(sso.IDENTITY_COOKIE)
    current = await sso.current_session(tx, state(request).services, realm, issuer(request, realm.name), cookie)
    return current[1] if current is not None and current[1].id != user.id else None


def _reason(refused: Refusal) -> dict[str, str | None]:
    """handleActionTokenVerificationException's ``reason`` detail, where Doorkeep knows it."""
    return {"reason": refused.reason} if refused.reason is not None else {}


def _check(
    token: ActionToken, realm: Realm, user: User | None, client: Client | None, base: str, default_error: str
) -> Refusal | None:
    """LoginActionsServiceChecks.checkIsUserValid and checkIsClientValid, then the handler's own verifiers."""
    default_text = action_tokens.HANDLERS[token.action][0]
    if user is None or user.realm_id != realm.id:
        return Refusal(INVALID_USER, "user_not_found", reason="invalidUserMessage")
    if not user.enabled:
        return Refusal(ACCOUNT_DISABLED, "user_disabled", reason="accountDisabledMessage")
    if client is None:
        return Refusal(UNKNOWN_REQUESTER, "client_not_found", reason="unknownLoginRequesterMessage")
    if not client.enabled:  # checkIsClientValid names a disabled client CLIENT_NOT_FOUND too
        return Refusal(REQUESTER_DISABLED, "client_not_found", reason="loginRequesterNotEnabledMessage")
    invite = token.action == action_tokens.INVITE_ORG  # its redirect is the organization's, not the client's
    if (
        not invite
        and token.redirect_uri is not None
        and redirect_uris.resolve(token.redirect_uri, client, base) is None
    ):
        return Refusal("Invalid redirect uri", "invalid_redirect_uri", reason="invalidRedirectUriMessage")
    if token.action == action_tokens.UPDATE_EMAIL and update_email.stale(user, token.old_email):
        return Refusal(default_text, "invalid_email")
    if token.action == action_tokens.RESET_CREDENTIALS and not realm.reset_password_allowed:
        return Refusal(action_tokens.RESET_NOT_ALLOWED, "not_allowed")
    if token.email is not None and token.email != user.email:  # verifyEmail: the address it was sent to
        # AbstractActionTokenHandler.verifyEmail says Messages.INVALID_EMAIL; VerifyEmailActionTokenHandler its own
        stale = token.action in (action_tokens.VERIFY_EMAIL, action_tokens.INVITE_ORG)
        return Refusal(default_text if stale else action_tokens.INVALID_EMAIL, "invalid_email")
    return None


def _confirmation_body(request: Request, realm: Realm, user: User, token: ActionToken) -> Callable[[str], str]:
    """info.ftl asking to confirm the link's work (verify the address, or the required actions it names)."""
    ui = page_locale.language(request, realm, user=user)
    if token.action == action_tokens.VERIFY_EMAIL:
        text = ui.text("confirmEmailAddressVerification", user.email)
        return lambda proceed: pages.action_info(display(realm), text, action_uri=proceed, ui=ui)
    named = [ui.text(f"requiredAction.{a}") for a in token.required_actions]
    text = ui.text("confirmExecutionOfActions")
    return lambda proceed: pages.action_info(display(realm), text, action_uri=proceed, required_actions=named, ui=ui)
