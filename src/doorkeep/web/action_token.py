"""``GET /realms/{realm}/login-actions/action-token?key=…``: the links Keycloak e-mails (LoginActionsService.
executeActionToken with ExecuteActionsActionTokenHandler, VerifyEmailActionTokenHandler and
UpdateEmailActionTokenHandler, which runs at once wherever the link is opened).

As Keycloak, a link opened without its authentication session starts one (AUTH_SESSION_ID cookie) and
answers a confirmation page whose "» Click here to proceed" link is the same token naming that session
(``asid``): a mail scanner that fetches the link changes nothing. The confirmed link then runs the
token's work. An execute-actions token that carries UPDATE_PASSWORD (a one-time action) can be used once:
its key is spent, across workers, when the password is set (AuthenticationManager's
INVALIDATE_ACTION_TOKEN); the flow ends on "Your account has been updated." with a link back to the
token's ``redirect_uri`` (END_AFTER_REQUIRED_ACTIONS). A verify-email token marks the address verified.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from doorkeep import events
from doorkeep.console import pages
from doorkeep.email import action_tokens
from doorkeep.email.action_tokens import ActionToken, Refusal
from doorkeep.model import UPDATE_PASSWORD, AuthSession, Client, Realm, User
from doorkeep.oauth import (
    login_completion,
    login_outcomes,
    redirect_uris,
    required_actions,
    reset_credentials,
    update_email,
)
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.oauth.login_session import AUTHENTICATE, LinkSpent, new_tab_id
from doorkeep.oauth.login_step import StepContext
from doorkeep.web import locale as page_locale
from doorkeep.web import org_invite_token
from doorkeep.web.http import base_url, client_ip, in_transaction, issuer, state
from doorkeep.web.login_pages import (
    NO_BACK,
    action_url,
    browser,
    current_tab,
    display,
    error_page,
    html,
    open_realm,
    root_for_new_tab,
    set_auth_cookie,
)
from doorkeep.web.login_responses import render

if TYPE_CHECKING:
    from doorkeep.oauth.context import Services
    from doorkeep.store.tx import Tx

STEP = "action-token"  # the authentication session waits for the confirmed link
VERIFY = required_actions.VERIFY_EMAIL
INVALID_USER = "Invalid username or password."  # Messages.INVALID_USER
ACCOUNT_DISABLED = "Account is disabled, contact your administrator."
UNKNOWN_REQUESTER = "Unknown login requester."
REQUESTER_DISABLED = "Login requester not enabled"
ONE_TIME = frozenset({UPDATE_PASSWORD})  # RequiredActionFactory.isOneTimeAction among the supported actions
START_AGAIN = "Action expired. Please start again."  # Messages.EXPIRED_ACTION_TOKEN_SESSION_EXISTS


async def record_event(
    tx: Tx,
    services: Services,
    realm: Realm,
    type: str,
    ip: str,
    *,
    token: ActionToken | Refusal | None = None,
    error: str | None = None,
    client_id: str | None = None,
    details: dict[str, str | None] | None = None,
) -> None:
    """handleActionToken's event: the token's id and action (``token_id``, ``action``) and user, then the
    handler's own details."""
    known: dict[str, str | None] = {}
    if token is not None:
        known = {"token_id": token.token_id or None, "action": token.action}
    await events.record(
        tx,
        realm,
        f"{type}_ERROR" if error else type,
        now=services.clock.now(),
        client_id=client_id,
        user_id=token.user_id if token is not None else None,
        ip=ip,
        error=error,
        details={**known, **(details or {})},
    )


def _redirect_detail(request: Request, realm: Realm, auth_session: AuthSession | None) -> str:
    """The event's ``redirect_uri``: the login's, else (a session the link started) the account console's, as
    createAuthenticationSessionForClient sets it."""
    asked = AuthRequest.from_json(auth_session.request).redirect_uri if auth_session is not None else ""
    return asked or f"{base_url(request)}/realms/{realm.name}/account/"


async def _back(tx: Tx, realm: Realm, request: Request) -> str | None:
    """The link's ``client_id`` is the page's client (handleActionToken sets it on the session context before
    the token is checked): its base URL as "Back to Application" (ResetPasswordTest's KEYCLOAK-4016 cases)."""
    named = request.query_params.get("client_id")
    client = await tx.clients.get_by_client_id(realm.id, named) if named else None
    return login_completion.client_base(client) if client is not None and client.enabled else None


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
            await record_event(tx, services, realm, "EXECUTE_ACTION_TOKEN", ip, token=token, error=token.error)
            if token.expired and auth_session is not None:
                return await _start_again(request, tx, realm, auth_session)
            return error_page(request, realm, token.text, back_uri=await _back(tx, realm, request))
        _, default_error, event_type = action_tokens.HANDLERS[token.action]
        user = await tx.users.get(token.user_id)
        client = await tx.clients.get_by_client_id(realm.id, token.client_id)
        refused = _check(token, realm, user, client, base_url(request), default_error)
        if refused is not None:
            await record_event(
                tx, services, realm, event_type, ip, token=token, error=refused.error, client_id=token.client_id
            )
            return error_page(request, realm, refused.text)
        assert user is not None and client is not None
        # checkTokenWasNotUsedYet: before the handler, so a spent link never reaches its confirmation page
        if _single_use(token) and await tx.action_tokens.is_used(token.single_use_key, now):
            await record_event(
                tx, services, realm, event_type, ip, token=token, error="expired_code", client_id=token.client_id
            )
            return error_page(request, realm, action_tokens.EXPIRED_ACTION)
        if token.action == action_tokens.UPDATE_EMAIL:  # runs at once, in any browser: no confirmation page
            return await _update_email(request, tx, services, realm, client, user, token)
        if token.action == action_tokens.INVITE_ORG:
            return await org_invite_token.handle(request, tx, services, realm, client, user, token, auth_session)
        if token.action == action_tokens.RESET_CREDENTIALS:
            return await _reset(request, tx, services, realm, client, user, token, auth_session)
        if token.action == action_tokens.VERIFY_EMAIL and _verified_already(user, token, auth_session):
            await record_event(
                tx,
                services,
                realm,
                "VERIFY_EMAIL",
                ip,
                token=token,
                error="email_already_verified",
                client_id=token.client_id,
                details={"email": user.email, "redirect_uri": _redirect_detail(request, realm, auth_session)},
            )
            ui = page_locale.language(request, realm, user=user)
            return html(pages.action_info(display(realm), ui.text("emailVerifiedAlreadyMessage"), ui=ui))
        if token.auth_session_id is None or auth_session is None or auth_session.id != token.auth_session_id:
            body = _confirmation_body(request, realm, user, token)
            return await confirmation(request, tx, services, realm, client, user, token, auth_session, body)
        return await _run(request, tx, services, realm, client, user, token, auth_session)

    try:
        response = await in_transaction(request, work)
    except LinkSpent:
        response = error_page(request, realm, action_tokens.EXPIRED_ACTION)
    response.headers["Cache-Control"] = NO_BACK
    return response


def _verified_already(user: User, token: ActionToken, auth_session: AuthSession | None) -> bool:
    """VerifyEmailActionTokenHandler: the address is verified and neither the user nor the token's own
    login still asks for VERIFY_EMAIL (isVerifyEmailActionSet), so the link only says so."""
    if not user.email_verified or VERIFY in user.required_actions:
        return False
    if auth_session is not None and auth_session.id == token.auth_session_id:
        return VERIFY not in AuthRequest.from_json(auth_session.request).session_actions
    return True


async def _start_again(request: Request, tx: Tx, realm: Realm, auth_session: AuthSession) -> Response:
    """An expired link opened where a login is under way (the link's ``client_id`` is that login's): the
    flow restarts on the login form with "Action expired. Please start again." (TokenNotActiveException)."""
    client = await tx.clients.get(auth_session.client_id)
    if client is None or client.client_id != request.query_params.get("client_id") or not client.enabled:
        return error_page(request, realm, action_tokens.EXPIRED_NO_SESSION)
    auth_request = AuthRequest.from_json(auth_session.request)
    outcome = login_outcomes.NeedLogin(START_AGAIN, auth_request.login_hint or "")
    return await render(request, tx, realm, client, auth_request, outcome, auth_session)


def _check(
    token: ActionToken, realm: Realm, user: User | None, client: Client | None, base: str, default_error: str
) -> Refusal | None:
    """LoginActionsServiceChecks.checkIsUserValid and checkIsClientValid, then the handler's own verifiers."""
    default_text = action_tokens.HANDLERS[token.action][0]
    if user is None or user.realm_id != realm.id:
        return Refusal(INVALID_USER, "user_not_found")
    if not user.enabled:
        return Refusal(ACCOUNT_DISABLED, "user_disabled")
    if client is None:
        return Refusal(UNKNOWN_REQUESTER, "client_not_found")
    if not client.enabled:
        return Refusal(REQUESTER_DISABLED, "client_disabled")
    invite = token.action == action_tokens.INVITE_ORG  # its redirect is the organization's, not the client's
    if (
        not invite
        and token.redirect_uri is not None
        and redirect_uris.resolve(token.redirect_uri, client, base) is None
    ):
        return Refusal("Invalid redirect uri", "invalid_redirect_uri")
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


async def confirmation(
    request: Request,
    tx: Tx,
    services: Services,
    realm: Realm,
    client: Client,
    user: User,
    token: ActionToken,
    old: AuthSession | None,
    body: Callable[[str], str],
    *,
    remember_original: bool = True,
) -> Response:
    """A fresh tab of the browser's authentication session (``old``'s, which it replaces) waiting for the link,
    and the page ``body`` makes around the link that confirms it: the same token naming that session (``asid``)
    and, unless ``remember_original`` is off (InviteOrgActionTokenHandler), the one it named before (``oasid``)."""
    root = old.root if old is not None else await root_for_new_tab(request, tx, realm)
    if old is not None:
        await tx.flows.delete_auth_session(old.id)
    auth_request = AuthRequest(client.client_id, token.redirect_uri or "", "code", "query", "openid")
    auth_session = await new_session(tx, services, realm, client, user, auth_request, STEP, root)
    confirmed = dataclasses.replace(token, auth_session_id=auth_session.id)
    if remember_original:
        confirmed = dataclasses.replace(confirmed, original_auth_session_id=token.auth_session_id)
    key = await action_tokens.serialize(tx, services, realm.id, issuer(request, realm.name), confirmed)
    response = html(body(f"{action_url(request, realm, 'action-token')}?key={key}"))
    await set_auth_cookie(response, request, tx, realm, auth_session)
    return response


async def _run(
    request: Request,
    tx: Tx,
    services: Services,
    realm: Realm,
    client: Client,
    user: User,
    token: ActionToken,
    auth_session: AuthSession,
) -> Response:
    """The confirmed link. A verify-email link marks the address verified, then shows so, or goes on with the
    login that sent it (VerifyEmailActionTokenHandler); an execute-actions link runs its actions in this
    authentication session through the login's own pages, ending on "Your account has been updated."
    (ExecuteActionsActionTokenHandler: END_AFTER_REQUIRED_ACTIONS)."""
    ui = page_locale.language(request, realm, user=user)
    if token.email is not None and not user.email_verified:
        user = dataclasses.replace(user, email_verified=True)
        await tx.users.update(user)
    auth_request = AuthRequest.from_json(auth_session.request)
    if token.action == action_tokens.VERIFY_EMAIL:
        user = dataclasses.replace(user, required_actions=tuple(a for a in user.required_actions if a != VERIFY))
        await tx.users.update(user)
        await record_event(
            tx,
            services,
            realm,
            "VERIFY_EMAIL",
            client_ip(request),
            token=token,
            client_id=client.client_id,
            details={
                "username": user.username,
                "email": user.email,
                "code_id": auth_session.root,
                "redirect_uri": _redirect_detail(request, realm, auth_session),
            },
        )
        if auth_session.step == STEP and token.original_auth_session_id is not None:
            # a login's link confirmed in another browser: that login is left alone, this one only told so
            await tx.flows.delete_auth_session(auth_session.id)
            return html(
                pages.action_info(display(realm), ui.text("emailVerifiedMessage"), back_uri=token.redirect_uri, ui=ui)
            )
        # the login that sent it, in this browser, goes on; an admin's link runs the user's other required
        # actions and ends on "Your account has been updated." (END_AFTER_REQUIRED_ACTIONS)
        auth_request = required_actions.leaving(auth_request, VERIFY)
        if auth_session.step == STEP:
            auth_request = dataclasses.replace(auth_request, end_after_actions=True)
        return await continue_login(request, tx, services, realm, client, user, auth_request, auth_session)
    auth_request = dataclasses.replace(
        auth_request,
        session_actions=token.required_actions,
        end_after_actions=True,
        action_token=token.single_use_key if _single_use(token) else None,
    )
    return await continue_login(request, tx, services, realm, client, user, auth_request, auth_session)


async def _update_email(
    request: Request, tx: Tx, services: Services, realm: Realm, client: Client, user: User, token: ActionToken
) -> Response:
    """UpdateEmailActionTokenHandler: the pending address written and verified, UPDATE_EMAIL (with its
    ``previous_email`` and ``updated_email``), the user's sessions ended when the page's box was checked, and
    info.ftl's "Email updated"; the key is spent. A pending address gone or changed, or an address another
    user took meanwhile, is an error page (400)."""
    ui = page_locale.language(request, realm, user=user)
    done = await update_email.confirm(tx, realm, user, token.new_email)
    if isinstance(done, str):
        return error_page(request, realm, ui.text(done) if done == update_email.CANCELLED else done)
    ip = client_ip(request)
    details = update_email.event_details(user, done)
    await record_event(
        tx, services, realm, "UPDATE_EMAIL", ip, token=token, client_id=client.client_id, details=details
    )
    if token.logout_sessions:
        account = f"{base_url(request)}/realms/{realm.name}/account/"
        for session_id in await update_email.end_sessions(tx, user.id):
            more = {"redirect_uri": account, update_email.LOGOUT_TRIGGERED_BY: action_tokens.UPDATE_EMAIL}
            await events.record(
                tx,
                realm,
                "LOGOUT",
                now=services.clock.now(),
                client_id=client.client_id,
                user_id=user.id,
                session_id=session_id,
                ip=ip,
                details=more,
            )
    await tx.action_tokens.put_if_absent(token.single_use_key, token.expires, services.clock.now())
    text = ui.text("emailUpdated", done.email)
    back = login_completion.client_base(client)  # info.ftl's "Back to Application": the client's base URL
    return html(pages.action_info(display(realm), text, back_uri=back, header=ui.text("emailUpdatedTitle"), ui=ui))


async def _reset(
    request: Request,
    tx: Tx,
    services: Services,
    realm: Realm,
    client: Client,
    user: User,
    token: ActionToken,
    auth_session: AuthSession | None,
) -> Response:
    """ResetCredentialsActionTokenHandler: in the browser that asked (its authentication session still at the
    login form), the login goes on to the update-password page and then to the client; elsewhere a new
    authentication session runs it and ends on "Your account has been updated." (END_AFTER_REQUIRED_ACTIONS).
    The key is spent when that login ends."""
    same = auth_session is not None and auth_session.id == token.auth_session_id
    if auth_session is not None and same and auth_session.step == AUTHENTICATE:
        auth_request = AuthRequest.from_json(auth_session.request)
    else:
        root = auth_session.root if auth_session is not None else await root_for_new_tab(request, tx, realm)
        if auth_session is not None:
            await tx.flows.delete_auth_session(auth_session.id)
        auth_request = AuthRequest(client.client_id, "", "code", "query", "openid", end_after_actions=True)
        auth_session = await new_session(tx, services, realm, client, user, auth_request, AUTHENTICATE, root)
    actions = await reset_credentials.flow_actions(tx, user, auth_request.session_actions)
    auth_request = dataclasses.replace(auth_request, session_actions=actions, action_token=token.single_use_key)
    return await continue_login(request, tx, services, realm, client, user, auth_request, auth_session)


async def continue_login(
    request: Request,
    tx: Tx,
    services: Services,
    realm: Realm,
    client: Client,
    user: User,
    auth_request: AuthRequest,
    auth_session: AuthSession,
) -> Response:
    """The login's next step for ``user`` in ``auth_session``, as the login pages render it."""
    await tx.flows.replace_auth_request(auth_session.id, auth_request.to_json())
    step = StepContext(tx, services, realm, client, auth_request, user, browser(request, auth_session))
    outcome = await login_completion.proceed(step)
    return await render(request, tx, realm, client, auth_request, outcome, auth_session)


async def new_session(
    tx: Tx,
    services: Services,
    realm: Realm,
    client: Client,
    user: User,
    auth_request: AuthRequest,
    step: str,
    root_id: str,
) -> AuthSession:
    """A new tab of the browser's root authentication session ``root_id`` for the link's user."""
    auth_session = AuthSession(
        new_tab_id(),
        realm.id,
        client.id,
        secrets.token_urlsafe(24),
        auth_request.to_json(),
        user.id,
        services.clock.now() + realm.access_code_lifespan_login,
        step,
        root_id=root_id,
    )
    await tx.flows.create_auth_session(auth_session)
    return auth_session


def _single_use(token: ActionToken) -> bool:
    """``canUseTokenRepeatedly`` false: a reset-credentials or update-email link, an execute-actions one with a
    one-time action."""
    once = token.action in (action_tokens.RESET_CREDENTIALS, action_tokens.UPDATE_EMAIL)
    return once or bool(set(token.required_actions) & ONE_TIME)
