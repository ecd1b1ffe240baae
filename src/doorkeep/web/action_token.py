"""``GET /realms/{realm}/login-actions/action-token?key=…``: the links Keycloak e-mails (LoginActionsService.
executeActionToken with ExecuteActionsActionTokenHandler and VerifyEmailActionTokenHandler).

As Keycloak, a link opened without its authentication session starts one (AUTH_SESSION_ID cookie) and
answers a confirmation page whose "» Click here to proceed" link is the same token naming that session
(``asid``): a mail scanner that fetches the link changes nothing. The confirmed link then runs the
token's work. An execute-actions token that carries UPDATE_PASSWORD (a one-time action) can be used once:
its key is spent, across workers, when the password is set (AuthenticationManager's
INVALIDATE_ACTION_TOKEN); the flow ends on "Your account has been updated." with a link back to the
token's ``redirect_uri`` (END_AFTER_REQUIRED_ACTIONS). A verify-email token marks the address verified.
"""

from __future__ import annotations

import asyncio
import dataclasses
import secrets
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from doorkeep import events
from doorkeep.console import pages
from doorkeep.email import action_tokens
from doorkeep.email.action_tokens import ActionToken, Refusal
from doorkeep.model import UPDATE_PASSWORD, AuthSession, Client, Realm, User, with_password_update
from doorkeep.oauth import redirect_uris
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.sessions import revocation_triggers, sso, triggered
from doorkeep.users import passwords
from doorkeep.users.credentials import enforce_policy
from doorkeep.users.password_policy import PolicyViolation
from doorkeep.web import locale as page_locale
from doorkeep.web.http import base_url, client_ip, in_transaction, issuer, state
from doorkeep.web.login import NO_BACK, action_url, cookie_path, display, error_page, html, open_realm, secure

if TYPE_CHECKING:
    from doorkeep.oauth.context import Form, Services
    from doorkeep.store.tx import Tx

STEP = "action-token"  # the authentication session waits for the confirmed link
PASSWORD_STEP = "action-token:UPDATE_PASSWORD"  # then for the update-password form
INVALID_USER = "Invalid username or password."  # Messages.INVALID_USER
ACCOUNT_DISABLED = "Account is disabled, contact your administrator."
UNKNOWN_REQUESTER = "Unknown login requester."
REQUESTER_DISABLED = "Login requester not enabled"
ONE_TIME = frozenset({UPDATE_PASSWORD})  # RequiredActionFactory.isOneTimeAction among the supported actions


async def _event(
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
    user_id = token.user_id if token is not None else None
    await events.record(
        tx,
        realm,
        f"{type}_ERROR" if error else type,
        now=services.clock.now(),
        client_id=client_id,
        user_id=user_id,
        ip=ip,
        error=error,
        details=details,
    )


async def execute(request: Request) -> Response:
    realm = await open_realm(request)
    if isinstance(realm, Response):
        return realm
    services = state(request).services
    iss = issuer(request, realm.name)

    async def work(tx: Tx) -> Response:
        tx.config.bind(realm)
        ip, now = client_ip(request), services.clock.now()
        token = await action_tokens.read(tx, services, realm.id, iss, request.query_params.get("key"))
        if isinstance(token, Refusal):  # handleActionTokenVerificationException
            await _event(tx, services, realm, "EXECUTE_ACTION_TOKEN", ip, token=token, error=token.error)
            return error_page(request, realm, token.text)
        _, default_error, event_type = action_tokens.HANDLERS[token.action]
        user = await tx.users.get(token.user_id)
        client = await tx.clients.get_by_client_id(realm.id, token.client_id)
        refused = _check(token, realm, user, client, base_url(request), default_error)
        if refused is not None:
            await _event(
                tx, services, realm, event_type, ip, token=token, error=refused.error, client_id=token.client_id
            )
            return error_page(request, realm, refused.text)
        assert user is not None and client is not None
        # checkTokenWasNotUsedYet: before the handler, so a spent link never reaches its confirmation page
        if set(token.required_actions) & ONE_TIME and await tx.action_tokens.is_used(token.single_use_key, now):
            await _event(
                tx, services, realm, event_type, ip, token=token, error="expired_code", client_id=token.client_id
            )
            return error_page(request, realm, action_tokens.EXPIRED_ACTION)
        auth_session = await tx.flows.get_auth_session(request.cookies.get(sso.AUTH_COOKIE, ""))
        if token.auth_session_id is None or auth_session is None or auth_session.id != token.auth_session_id:
            return await _confirm(request, tx, services, realm, client, user, token, auth_session)
        return await _run(request, tx, services, realm, client, user, token, auth_session)

    response = await in_transaction(request, work)
    response.headers["Cache-Control"] = NO_BACK
    return response


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
    if token.redirect_uri is not None and redirect_uris.resolve(token.redirect_uri, client, base) is None:
        return Refusal("Invalid redirect uri", "invalid_redirect_uri")
    if token.email is not None and token.email != user.email:  # verifyEmail: the address it was sent to
        return Refusal(default_text, "invalid_email")
    return None


async def _confirm(
    request: Request,
    tx: Tx,
    services: Services,
    realm: Realm,
    client: Client,
    user: User,
    token: ActionToken,
    old: AuthSession | None,
) -> Response:
    """A fresh authentication session for the token's client and user, and the page that confirms it."""
    if old is not None:
        await tx.flows.delete_auth_session(old.id)
    now = services.clock.now()
    auth_request = AuthRequest(client.client_id, token.redirect_uri or "", "code", "query", "openid")
    auth_session = AuthSession(
        secrets.token_urlsafe(24),
        realm.id,
        client.id,
        secrets.token_urlsafe(24),
        auth_request.to_json(),
        user.id,
        now + realm.access_code_lifespan_login,
        STEP,
    )
    await tx.flows.create_auth_session(auth_session)
    confirmed = dataclasses.replace(token, auth_session_id=auth_session.id)
    key = await action_tokens.serialize(tx, services, realm.id, issuer(request, realm.name), confirmed)
    proceed = f"{action_url(request, realm, 'action-token')}?key={key}"
    ui = page_locale.language(request, realm, user=user)
    if token.action == action_tokens.VERIFY_EMAIL:
        body = pages.action_info(
            display(realm), ui.text("confirmEmailAddressVerification", user.email), action_uri=proceed, ui=ui
        )
    else:
        named = [ui.text(f"requiredAction.{a}") for a in token.required_actions]
        body = pages.action_info(
            display(realm), ui.text("confirmExecutionOfActions"), action_uri=proceed, required_actions=named, ui=ui
        )
    response = html(body)
    response.set_cookie(
        sso.AUTH_COOKIE, auth_session.id, path=cookie_path(realm), httponly=True, secure=secure(request), samesite="lax"
    )
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
    """The confirmed link: verify the address, or open the update-password form the token asks for."""
    ui = page_locale.language(request, realm, user=user)
    if token.email is not None and not user.email_verified:
        user = dataclass_replace(user, email_verified=True)
        await tx.users.update(user)
    if token.action == action_tokens.VERIFY_EMAIL:
        user = dataclass_replace(user, required_actions=tuple(a for a in user.required_actions if a != "VERIFY_EMAIL"))
        await tx.users.update(user)
        await _event(
            tx,
            services,
            realm,
            "VERIFY_EMAIL",
            client_ip(request),
            token=token,
            client_id=client.client_id,
            details={"email": user.email, "action": token.action},
        )
        await tx.flows.delete_auth_session(auth_session.id)
        return html(
            pages.action_info(display(realm), ui.text("emailVerifiedMessage"), back_uri=token.redirect_uri, ui=ui)
        )
    if UPDATE_PASSWORD in token.required_actions:
        form_token = secrets.token_urlsafe(24)
        # The token rides with the session, as Keycloak's KEY auth note: the form's POST reads it again.
        request_json = {**auth_session.request, "state": request.query_params.get("key")}
        await tx.flows.replace_auth_request(auth_session.id, request_json)
        await tx.flows.advance_auth_session(auth_session.id, user.id, PASSWORD_STEP, form_token)
        return html(
            pages.update_password(display(realm), action_url(request, realm, "required-action"), form_token, ui=ui)
        )
    await tx.flows.delete_auth_session(auth_session.id)
    return html(pages.action_info(display(realm), ui.text("accountUpdatedMessage"), back_uri=token.redirect_uri, ui=ui))


def dataclass_replace(user: User, **changes: Any) -> User:
    return dataclasses.replace(user, **changes)


def owns(auth_session: AuthSession) -> bool:
    """Whether the update-password form posted belongs to an e-mailed link's flow (web/login.py asks)."""
    return auth_session.step == PASSWORD_STEP


async def submit_password(
    request: Request, tx: Tx, realm: Realm, client: Client, auth_session: AuthSession, form: Form
) -> Response:
    """The update-password form of an execute-actions link: Keycloak's UpdatePassword checks, the token's
    key spent, UPDATE_PASSWORD and UPDATE_CREDENTIAL recorded, the user's other sessions ended, then
    "Your account has been updated." (END_AFTER_REQUIRED_ACTIONS)."""
    services = state(request).services
    user = await tx.users.get(auth_session.user_id or "")
    if user is None or not user.enabled:
        return error_page(request, realm, ACCOUNT_DISABLED)
    ui = page_locale.language(request, realm, user=user)
    new, confirm = form.get("password-new") or "", form.get("password-confirm") or ""
    error = await _password_error(tx, realm, user, new, confirm)
    if error is not None:
        form_token = secrets.token_urlsafe(24)
        await tx.flows.advance_auth_session(auth_session.id, user.id, auth_session.step, form_token)
        return html(
            pages.update_password(
                display(realm), action_url(request, realm, "required-action"), form_token, error, ui=ui
            )
        )
    from doorkeep.realms.bootstrap import set_password

    now = services.clock.now()
    auth_request = AuthRequest.from_json(auth_session.request)
    token = await action_tokens.read(tx, services, realm.id, issuer(request, realm.name), auth_request.state)
    if isinstance(token, Refusal):
        await tx.flows.delete_auth_session(auth_session.id)
        return error_page(request, realm, token.text)
    if not await tx.action_tokens.put_if_absent(token.single_use_key, token.expires, now):
        await tx.flows.delete_auth_session(auth_session.id)
        return error_page(request, realm, action_tokens.EXPIRED_ACTION)
    await set_password(tx, user, new, now)
    user = with_password_update(user, False)
    await tx.users.update(user)
    redirect = token.redirect_uri
    details = {
        "auth_method": "openid-connect",
        "redirect_uri": redirect,
        "username": user.username,
        "credential_type": "password",
    }
    for type in ("UPDATE_PASSWORD", "UPDATE_CREDENTIAL"):
        await events.record(
            tx,
            realm,
            type,
            now=now,
            client_id=client.client_id,
            user_id=user.id,
            ip=client_ip(request),
            details=details,
        )
    await triggered.end_for_user(tx, realm, user.id, revocation_triggers.PASSWORD_CHANGE, now=now)
    await tx.flows.delete_auth_session(auth_session.id)
    response = html(pages.action_info(display(realm), ui.text("accountUpdatedMessage"), back_uri=redirect, ui=ui))
    response.delete_cookie(sso.AUTH_COOKIE, path=cookie_path(realm), secure=secure(request), samesite="lax")
    return response


async def _password_error(tx: Tx, realm: Realm, user: User, new: str, confirm: str) -> str | None:
    """UpdatePassword.processAction's refusals, in its order."""
    if not new:
        return "Please specify password."
    if new != confirm:
        return "Passwords don't match."
    cred = await tx.users.password(user.id)
    if cred is not None and await asyncio.to_thread(passwords.verify, new, cred.secret_data, cred.credential_data):
        return "Invalid password: must not be equal to any of last 1 passwords."
    try:
        await enforce_policy(tx, realm, user, new)
    except PolicyViolation as refused:
        return refused.text
    return None
