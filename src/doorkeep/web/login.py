"""Browser endpoints: the authorization endpoint, the login-action forms, and browser logout.

Cross-site request forgery: every form carries a random ``session_code`` that must match the
authentication session named by the HttpOnly ``AUTH_SESSION_ID`` cookie (``web.cookies``). The code
changes at every step (a failed login too), and each form is accepted only when its step is the one
the authentication session is waiting for (Keycloak's SessionCodeChecks).
"""

from __future__ import annotations

import dataclasses
import hmac
import logging
import secrets
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from doorkeep import events
from doorkeep.console import pages
from doorkeep.email import action_tokens
from doorkeep.errors import OAuthError
from doorkeep.model import UPDATE_PASSWORD, AuthSession, Client, Realm, User, UserSession
from doorkeep.oauth import (
    action_steps,
    authorize,
    device_verification,
    front_channel,
    login_completion,
    login_consent,
    login_events,
    login_flow,
    login_otp,
    login_outcomes,
    login_password,
    login_restart,
    pushed_authorization,
    redirect_uris,
    registration,
    request_parser,
    required_actions,
)
from doorkeep.oauth.authorize import AuthorizeError, AuthRequest, RedirectingError
from doorkeep.oauth.client_keys import ClientKeys
from doorkeep.oauth.context import Form
from doorkeep.oauth.login_step import StepContext
from doorkeep.sessions import remember_me, sso
from doorkeep.users import locale as user_locale
from doorkeep.users import otp
from doorkeep.web import action_pages, cookies
from doorkeep.web import locale as page_locale
from doorkeep.web.headers import form_post_headers
from doorkeep.web.http import base_url, client_ip, in_transaction, is_secure, issuer, read_form, state

if TYPE_CHECKING:
    from doorkeep.oauth.context import Services
    from doorkeep.store.tx import Tx

log = logging.getLogger(__name__)

AUTHENTICATE = "authenticate"
CONSENT = "consent"
REGISTER = login_flow.REGISTER
# The steps each login-actions form posts, as recorded on the authentication session: the OTP form posts
# to ``authenticate`` as the password form does (both are authenticators of the browser flow); the
# required-action form posts whichever required action is pending.
FORM_STEPS = {
    "authenticate": frozenset({AUTHENTICATE, login_flow.OTP_STEP}),
    "required-action": required_actions.HANDLED,
    "consent": frozenset({CONSENT}),
    "registration": frozenset({REGISTER}),
}
STEP_ACTIONS = {step: action for action, steps in FORM_STEPS.items() for step in steps}
REMEMBER_ME_NOTE, TOTP_SECRET_NOTE = "remember_me", "totpSecret"  # Constants.TOTP_SECRET_KEY
VERIFY_EMAIL_NOTE = "VERIFY_EMAIL_KEY"  # Constants.VERIFY_EMAIL_KEY: the address the link was mailed to
CONSENT_SCOPES_NOTE = "consent_scopes"  # the client scope ids a consent screen stands for (its grant stores those)
_NO_USER = User("", "", "")
TIMED_OUT = login_restart.LOGIN_TIMEOUT
COOKIE_NOT_FOUND = "Cookie not found. Please make sure cookies are enabled in your browser."  # cookieNotFoundMessage
EXPIRED_CODE = "Login timeout. Please sign in again."
BAD_CODE = "Invalid request: the form has expired. Please try again."
NO_BACK = "no-store, must-revalidate, max-age=0"  # CacheControlUtil.noBackButtonCacheControlHeader
REQUESTER_DISABLED = "Login requester not enabled"  # loginRequesterNotEnabledMessage, as LoginTest reads it


def html(body: str, status: int = 200) -> HTMLResponse:
    """A themed page; the security headers are added by ``headers.SecurityHeaders``."""
    return HTMLResponse(body, status_code=status)


def error_page(
    request: Request,
    realm: Realm,
    text: str,
    status: int = 400,
    auth_request: AuthRequest | None = None,
    back_uri: str | None = None,
) -> HTMLResponse:
    """The error page in the request's language; on a GET its locale dropdown opens the same URL again with
    ``kc_locale`` (i18n/LoginPageTest.languageUserUpdatesOnErrorPage)."""
    switch = page_locale.current_url(request) if request.method == "GET" else None
    ui = page_locale.language(request, realm, auth_request=auth_request, switch_to=switch)
    return html(pages.error(display(realm), text, ui=ui, back_uri=back_uri), status)


def browser(request: Request) -> login_outcomes.Browser:
    return login_outcomes.Browser(client_ip(request), request.headers.get("user-agent", ""))


def display(realm: Realm) -> str:
    return realm.display_name or realm.name


def client_redirect(target: str, mode: str, params: dict[str, str]) -> Response:
    """Send the authorization response (or error) in the requested response mode."""
    if mode == "form_post":
        return HTMLResponse(pages.form_post(target, params), headers=form_post_headers(target))
    return RedirectResponse(redirect_uris.with_params(target, params, in_fragment=mode == "fragment"), 302)


def error_redirect(request: Request, realm: Realm, err: RedirectingError) -> Response:
    """``redirectErrorToClient``: the error, its description, the state and the issuer, never cached
    (``noBackButtonCacheControlHeader``)."""
    params = {"error": err.error}
    if err.description:
        params["error_description"] = err.description
    if err.target.state is not None:
        params["state"] = err.target.state
    params["iss"] = issuer(request, realm.name)
    response = client_redirect(err.target.redirect_uri, err.target.response_mode, params)
    response.headers["Cache-Control"] = NO_BACK
    return response


async def open_realm(request: Request) -> Realm | Response:
    """The path's realm, or the error page: unknown (404), then Keycloak's checkSsl and checkRealm (400)."""

    async def load(tx: Tx) -> Realm | None:
        return await tx.realms.get_by_name(request.path_params["realm"])

    realm = await in_transaction(request, load, write=False)
    if realm is None:
        return html(pages.error("Doorkeep", "Realm does not exist."), 404)
    if not is_secure(request, realm):
        return error_page(request, realm, "HTTPS required")
    if not realm.enabled:
        return error_page(request, realm, "Realm not enabled.")
    return realm


def action_url(request: Request, realm: Realm, action: str) -> str:
    return f"{base_url(request)}/realms/{realm.name}/login-actions/{action}"


def login_action(request: Request, realm: Realm, form_token: str, client: Client) -> str:
    """The login forms' target as Keycloak's ``url.loginAction``: the session code first in its query, then the
    client (scrapers such as python-keycloak's tests post there with the username and password alone)."""
    params = {"session_code": form_token, "client_id": client.client_id}
    return redirect_uris.with_params(action_url(request, realm, "authenticate"), params)


def session_code(request: Request, form: Form) -> str:
    """LoginActionsService reads the code from the action's query; the form's hidden field is taken too."""
    return request.query_params.get("session_code") or form.get("session_code") or ""


async def authorize_endpoint(request: Request) -> Response:
    return await authorize_request(request)


async def authorize_request(request: Request, *, register: bool = False) -> Response:
    """An authorization request: the login, or the registration form for the registrations endpoint and for
    ``prompt=create`` (AuthorizationEndpoint.buildRegister, which expires the SSO cookies: a registration
    starts a new session)."""
    realm = await open_realm(request)
    if isinstance(realm, Response):
        return realm
    try:
        params = await read_form(request)
    except OAuthError as err:
        return error_page(request, realm, err.description)
    services = state(request).services
    iss = issuer(request, realm.name)
    parsed = await in_transaction(request, lambda tx: parse_request(tx, services, realm, params, request), write=False)

    async def work(tx: Tx) -> Response:
        tx.config.bind(realm)
        try:
            client, auth_request = await authorize.validate(tx, realm, params, base_url(request), parsed)
        except RedirectingError as err:
            await login_events.refused_request(tx, services, realm, params, err, client_ip(request))
            return error_redirect(request, realm, err)
        except AuthorizeError as err:
            await login_events.refused_page(tx, services, realm, params, err, client_ip(request))
            if err.detail:  # ServicesLogger.invalidRequest: why a request object or pushed request was refused
                log.warning("invalid authorization request for client %s: %s", params.get("client_id"), err.detail)
            return error_page(request, realm, err.description)
        auth_request = dataclasses.replace(auth_request, kc_locale=page_locale.requested(request, realm))
        if register or params.get("prompt") == "create":
            return await _registration_start(request, tx, realm, client, auth_request)
        current = await sso.current_session(tx, services, realm, iss, request.cookies.get(sso.IDENTITY_COOKIE))
        auth_request = login_flow.pinned(auth_request, current, services.clock.now())
        remembered = remember_me.remembered_username(request.cookies.get(remember_me.COOKIE))
        outcome = await login_flow.begin(
            tx, services, realm, client, auth_request, current, browser(request), remembered
        )
        response = await render(request, tx, realm, client, auth_request, outcome, None)
        response.headers["Cache-Control"] = NO_BACK  # every answer once the request is checked
        return response

    return await in_transaction(request, work)


async def parse_request(
    tx: Tx, services: Services, realm: Realm, params: Form, request: Request
) -> request_parser.Parsed | OAuthError | None:
    """The request parser's work that needs no write lock (fetching a ``request_uri``, the client's keys), in
    a reading transaction; None when there is no usable client (``validate`` then says which error)."""
    client_id = params.get("client_id")
    client = await tx.clients.get_by_client_id(realm.id, client_id) if client_id is not None else None
    if client is None:
        return None
    pushed = None
    request_uri = params.get("request_uri")
    if request_uri is not None and request_parser.is_par(request_uri):
        now = services.clock.now()
        found = await tx.pushed_requests.find(request_parser.pushed_key(request_uri), now)
        stored = found.params if found is not None and found.client_id == client.id else None
        age = now - found.created if found is not None else 0
        pushed = request_parser.Pushed(stored, age, pushed_authorization.lifespan(realm))
    try:
        keys = services.client_keys or ClientKeys(services.clock)
        return await request_parser.parse(client, params, keys, base_url(request), pushed)
    except OAuthError as err:
        return err


async def _registration_start(
    request: Request, tx: Tx, realm: Realm, client: Client, auth_request: AuthRequest
) -> Response:
    if not realm.registration_allowed:
        return error_page(request, realm, registration.NOT_ALLOWED, auth_request=auth_request)
    outcome = login_outcomes.NeedRegistration(login_flow.registration_prefill(auth_request))
    response = await render(request, tx, realm, client, auth_request, outcome, None)
    response.headers["Cache-Control"] = NO_BACK
    cookies.expire(request, response, realm, cookies.IDENTITY, cookies.SESSION)  # expireIdentityCookie
    return response


async def restart_after_timeout(request: Request, tx: Tx, realm: Realm, expired: AuthSession) -> Response:
    """A form of an expired login: the login begun again (``oauth.login_restart``), or the timeout page."""
    restarted = await login_restart.restart_after_timeout(
        tx,
        state(request).services,
        realm,
        expired,
        issuer=issuer(request, realm.name),
        identity_cookie=request.cookies.get(sso.IDENTITY_COOKIE),
        remember_me_cookie=request.cookies.get(remember_me.COOKIE),
        browser=browser(request),
    )
    if restarted is None:
        return error_page(request, realm, TIMED_OUT)
    return await render(request, tx, realm, restarted.client, restarted.request, restarted.outcome, None)


async def render(
    request: Request,
    tx: Tx,
    realm: Realm,
    client: Client,
    auth_request: AuthRequest,
    outcome: login_outcomes.Outcome,
    auth_session: AuthSession | None,
) -> Response:
    """Turn a login outcome into a page (creating the authentication session) or a redirect, with the
    ``KEYCLOAK_LOCALE`` cookie the outcome calls for."""
    response = await _respond(request, tx, realm, client, auth_request, outcome, auth_session)
    await locale_cookie(request, tx, realm, auth_request, outcome, response)
    return response


async def locale_cookie(
    request: Request,
    tx: Tx,
    realm: Realm,
    auth_request: AuthRequest,
    outcome: login_outcomes.Outcome,
    response: Response,
) -> None:
    """Once the user is authenticated, UpdateUserLocaleAction: the cookie holds the pick or the user's stored
    locale, or is expired; before that, processLocaleParam: a ``kc_locale`` in the URL is put in the cookie."""
    user_id: str | None = None
    if isinstance(outcome, login_outcomes.Done | login_outcomes.DeviceDone):
        user_id = outcome.session.user_id
    elif isinstance(
        outcome,
        login_outcomes.NeedPasswordUpdate
        | login_outcomes.NeedProfileUpdate
        | login_outcomes.NeedTerms
        | login_outcomes.NeedEmailVerification
        | login_outcomes.NeedConsent
        | login_outcomes.NeedOtp
        | login_outcomes.NeedTotpSetup
        | login_outcomes.NeedDeleteCredential
        | login_outcomes.NeedDeleteAccount,
    ):
        user_id = outcome.user_id
    user = await tx.users.get(user_id) if user_id else None
    if user is not None:
        page_locale.set_cookie(request, realm, response, user_locale.cookie_after_login(auth_request.kc_locale, user))
    elif (pick := page_locale.requested(request, realm)) is not None:
        page_locale.set_cookie(request, realm, response, pick)


async def _respond(
    request: Request,
    tx: Tx,
    realm: Realm,
    client: Client,
    auth_request: AuthRequest,
    outcome: login_outcomes.Outcome,
    auth_session: AuthSession | None,
) -> Response:
    services = state(request).services
    now = services.clock.now()
    if (
        isinstance(outcome, login_outcomes.Done | login_outcomes.AccountUpdated)
        and auth_request.action_token is not None
    ):
        await spend_link(tx, auth_request.action_token, now)
    if isinstance(outcome, login_outcomes.AccountUpdated):
        return await account_updated(request, tx, realm, outcome, auth_session)
    if isinstance(outcome, login_outcomes.Done):
        if auth_session is not None:
            await tx.flows.delete_auth_session(auth_session.id)
        response = authorization_response(request, tx, realm, auth_request, outcome.response)
        return await signed_in(request, tx, realm, outcome.session, response)
    if isinstance(outcome, login_outcomes.DeviceDone):  # DeviceGrantType.approveOAuth2DeviceAuthorization
        if auth_session is not None:
            await tx.flows.delete_auth_session(auth_session.id)
        failed = None if outcome.approved else "expired_token"
        return await signed_in(request, tx, realm, outcome.session, device_status(request, realm, failed))
    if isinstance(outcome, login_outcomes.Failed) and auth_request.device_user_code is not None:
        denied = await device_verification.deny(tx, realm, auth_request.device_user_code, now)
        response = device_status(request, realm, "access_denied" if denied else "expired_token")
        return await login_over(request, tx, realm, auth_session, response)
    if isinstance(outcome, login_outcomes.AccountDeleted):  # the user is gone: so are the login and its form
        response = action_pages.account_deleted(request, realm, client, auth_request)
        return await login_over(request, tx, realm, auth_session, response)
    if isinstance(outcome, login_outcomes.Refused):
        response = error_page(request, realm, outcome.text, outcome.status, auth_request=auth_request)
        return await login_over(request, tx, realm, auth_session, response)
    if isinstance(outcome, login_outcomes.Failed):  # e.g. consent denied: the login is over, its form dead
        err = RedirectingError(
            outcome.error,
            outcome.description,
            authorize.EarlyRedirect(auth_request.redirect_uri, auth_request.response_mode, auth_request.state),
        )
        response = error_redirect(request, realm, err)
        return await login_over(request, tx, realm, auth_session, response)
    user_id = getattr(outcome, "user_id", None)
    step = pending_step(outcome)
    notes = step_notes(outcome, auth_session)
    send_to: str | None = None  # VerifyEmail.process: the address not yet mailed in this session
    if isinstance(outcome, login_outcomes.NeedEmailVerification):
        address = (await tx.users.get(outcome.user_id) or _NO_USER).email or ""
        mailed = auth_session.notes.get(VERIFY_EMAIL_NOTE) if auth_session is not None else None
        notes = {VERIFY_EMAIL_NOTE: address}
        send_to = address if mailed != address else None
    current = getattr(outcome, "request", None) or auth_request  # a step may have changed the request
    if auth_session is None:
        auth_session = AuthSession(
            secrets.token_urlsafe(24),
            realm.id,
            client.id,
            secrets.token_urlsafe(24),
            current.to_json(),
            user_id,
            now + realm.access_code_lifespan_login,
            step,
            notes,
        )
        await tx.flows.create_auth_session(auth_session)
    else:  # every step (a failed login too) burns the form's code
        auth_session = dataclasses.replace(
            auth_session, user_id=user_id, step=step, form_token=secrets.token_urlsafe(24), notes=notes
        )
        await tx.flows.advance_auth_session(auth_session.id, user_id, step, auth_session.form_token, notes)
        if current != auth_request:
            await tx.flows.replace_auth_request(auth_session.id, current.to_json())
    token = auth_session.form_token
    user = await tx.users.get(user_id) if user_id else None
    switch_to = action_url(request, realm, STEP_ACTIONS[step])
    ui = page_locale.language(request, realm, auth_request=auth_request, user=user, switch_to=switch_to)
    if isinstance(outcome, login_outcomes.NeedLogin):
        body = pages.login(
            display(realm),
            login_action(request, realm, token, client),
            token,
            username=outcome.username,
            error=outcome.error,
            remember_me=realm.remember_me,
            remember_me_checked=outcome.remember_me,
            reauthenticate=outcome.user_id is not None,
            register=registration_link(request, realm, client) if outcome.user_id is None else None,
            reset=reset_link(request, realm, client) if outcome.user_id is None else None,
            success=outcome.success,
            ui=ui,
        )
    elif isinstance(outcome, login_outcomes.NeedOtp):
        creds = [(c.id, c.user_label) for c in await otp.stored(tx, outcome.user_id)]
        selected = outcome.selected or (creds[0][0] if creds else "")
        body = pages.login_otp(
            display(realm), login_action(request, realm, token, client), token, creds, selected, outcome.error, ui=ui
        )
    elif isinstance(outcome, login_outcomes.NeedTotpSetup):
        assert user is not None
        secret = notes[TOTP_SECRET_NOTE]
        body = pages.config_totp(
            display(realm),
            action_url(request, realm, "required-action"),
            token,
            otp.policy(realm),
            otp.key_uri(otp.policy(realm), display(realm), user.username, secret),
            secret,
            has_otp=bool(await otp.stored(tx, user.id)),
            error=outcome.error,
            cancel=outcome.cancel,
            ui=ui,
        )
    elif isinstance(outcome, login_outcomes.NeedPasswordUpdate):
        body = pages.update_password(
            display(realm),
            action_url(request, realm, "required-action"),
            token,
            outcome.error,
            cancel=outcome.cancel,
            ui=ui,
        )
    elif isinstance(
        outcome,
        login_outcomes.NeedProfileUpdate
        | login_outcomes.NeedTerms
        | login_outcomes.NeedRegistration
        | login_outcomes.NeedDeleteCredential
        | login_outcomes.NeedDeleteAccount,
    ):
        body = action_pages.page(request, realm, client, outcome, token, ui)
    elif isinstance(outcome, login_outcomes.NeedEmailVerification):
        assert user is not None
        resend = redirect_uris.with_params(
            action_url(request, realm, "required-action"), {"execution": required_actions.VERIFY_EMAIL}
        )
        body = pages.verify_email(display(realm), user.email or "", resend, ui=ui)
    else:
        texts = [item.text for item in outcome.items]
        body = pages.consent(
            display(realm),
            redirect_uris.with_params(action_url(request, realm, "consent"), {"client_id": client.client_id}),
            token,
            client.name or client.client_id,
            texts,
            ui=ui,
        )
    response = html(body, 200)
    set_auth_cookie(response, request, realm, auth_session.id)
    if send_to and user is not None:
        from doorkeep.web import verify_email  # it renders with this module's helpers

        await verify_email.send(request, tx, realm, client, user, auth_session, current, response)
    return response


class LinkSpent(Exception):
    """An e-mailed link's single-use key was spent by another request while this login ran: the
    transaction is rolled back and the page says so."""


async def spend_link(tx: Tx, key: str, now: int) -> None:
    """AuthenticationManager's INVALIDATE_ACTION_TOKEN: the link's key spent when its login ends."""
    if not await tx.action_tokens.put_if_absent(key, action_tokens.key_expiry(key), now):
        raise LinkSpent(key)


async def account_updated(
    request: Request, tx: Tx, realm: Realm, outcome: login_outcomes.AccountUpdated, auth_session: AuthSession | None
) -> Response:
    """END_AFTER_REQUIRED_ACTIONS: "Your account has been updated." and the authentication session gone."""
    if auth_session is not None:
        await tx.flows.delete_auth_session(auth_session.id)
    user = await tx.users.get(outcome.user_id)
    ui = page_locale.language(request, realm, user=user)
    body = pages.action_info(display(realm), ui.text("accountUpdatedMessage"), back_uri=outcome.back_uri, ui=ui)
    response = html(body)
    cookies.expire(request, response, realm, cookies.AUTH_SESSION_ID)
    return response


def authorization_response(
    request: Request, tx: Tx, realm: Realm, auth_request: AuthRequest, done: front_channel.AuthorizationResponse
) -> Response:
    """The redirect (or form_post page) with the code and tokens. Tokens are signed only after the commit
    (issue #8: no signing under SQLite's write lock), so their answer is completed then."""
    target, mode, state = auth_request.redirect_uri, auth_request.response_mode, auth_request.state
    iss = issuer(request, realm.name)
    if done.tokens is None:
        return client_redirect(target, mode, front_channel.params(done, state, iss))
    response = client_redirect(target, mode, {})

    def complete() -> None:
        filled = client_redirect(target, mode, front_channel.params(done, state, iss))
        if "location" in filled.headers:
            response.headers["location"] = filled.headers["location"]
        else:
            response.body = filled.body
            response.headers["content-length"] = str(len(filled.body))

    tx.after_commit.append(complete)
    return response


def device_status(request: Request, realm: Realm, error: str | None) -> Response:
    """Where a device-flow login ends: this server's own status page, never a client's URI."""
    target = f"{base_url(request)}/realms/{realm.name}/device/status"
    return RedirectResponse(redirect_uris.with_params(target, {"error": error}) if error else target, 302)


async def signed_in(request: Request, tx: Tx, realm: Realm, session: UserSession, response: Response) -> Response:
    """The end of a login: the SSO cookies set, the authentication session's cookie dropped."""
    await set_login_cookies(request, tx, realm, session, response)
    cookies.expire(request, response, realm, cookies.AUTH_SESSION_ID)
    remember(request, realm, session, response)
    return response


async def set_login_cookies(request: Request, tx: Tx, realm: Realm, session: UserSession, response: Response) -> None:
    """AuthenticationManager.createLoginCookie: ``KEYCLOAK_IDENTITY`` and ``KEYCLOAK_SESSION`` for ``session``,
    on the realm's path; a login and an impersonation set them alike."""
    services = state(request).services
    token = await sso.identity_token(tx, services, realm, issuer(request, realm.name), session)
    identity_age, session_age = sso.cookie_max_ages(realm, session)
    cookies.write(request, response, realm, cookies.IDENTITY, token, identity_age)
    cookies.write(request, response, realm, cookies.SESSION, sso.session_cookie_value(session.id), session_age)


def remember(request: Request, realm: Realm, session: UserSession, response: Response) -> None:
    """AuthenticationManager after every finished login: a remember-me session sets ``KEYCLOAK_REMEMBER_ME``
    to its login username, any other login expires the cookie."""
    if not session.remember_me:
        cookies.expire(request, response, realm, cookies.LOGIN_HINT)
        return
    cookies.write(request, response, realm, cookies.LOGIN_HINT, remember_me.cookie_value(session.login_username))


def step_notes(outcome: login_outcomes.Outcome, auth_session: AuthSession | None) -> dict[str, str]:
    """The auth notes the next step needs: the OTP form's Remember me box; the TOTP setup's secret, drawn once
    per authentication session (TotpBean) so that the page shown again keeps the secret already scanned; the
    client scopes a consent screen stands for."""
    if isinstance(outcome, login_outcomes.NeedOtp) and outcome.remember_me:
        return {REMEMBER_ME_NOTE: "true"}
    if isinstance(outcome, login_outcomes.NeedTotpSetup):
        kept = auth_session.notes.get(TOTP_SECRET_NOTE) if auth_session is not None else None
        return {TOTP_SECRET_NOTE: outcome.secret or kept or otp.generate_secret()}
    if isinstance(outcome, login_outcomes.NeedConsent):  # fixed when the screen first shows
        noted = auth_session.notes.get(CONSENT_SCOPES_NOTE) if auth_session is not None else None
        return {CONSENT_SCOPES_NOTE: noted if noted is not None else " ".join(outcome.offered)}
    return {}


def reset_link(request: Request, realm: Realm, client: Client) -> str | None:
    """login.ftl's "Forgot Password?" (``url.loginResetCredentialsUrl``), while the realm allows it."""
    from doorkeep.web import reset_credentials  # it renders with this module's helpers

    return reset_credentials.link(request, realm, client)


def registration_link(request: Request, realm: Realm, client: Client) -> str | None:
    """The login page's "Register" link (login.ftl's ``url.registrationUrl``), while registration is allowed."""
    if not realm.registration_allowed:
        return None
    return redirect_uris.with_params(action_url(request, realm, "registration"), {"client_id": client.client_id})


def set_auth_cookie(response: Response, request: Request, realm: Realm, auth_session_id: str) -> None:
    """AUTH_SESSION_ID: the login under way, for the realm's path only."""
    cookies.write(request, response, realm, cookies.AUTH_SESSION_ID, auth_session_id)


async def login_over(
    request: Request, tx: Tx, realm: Realm, auth_session: AuthSession | None, response: Response
) -> Response:
    """The login is over (refused, failed, its user gone): its authentication session and cookie go with it,
    so its forms are dead."""
    if auth_session is not None:
        await tx.flows.delete_auth_session(auth_session.id)
    cookies.expire(request, response, realm, cookies.AUTH_SESSION_ID)
    return response


def pending_step(outcome: login_outcomes.Outcome) -> str:
    """The step a page rendered for this outcome waits for."""
    if isinstance(outcome, login_outcomes.NeedOtp):
        return login_flow.OTP_STEP
    if isinstance(outcome, login_outcomes.NeedTotpSetup):
        return otp.CONFIGURE_TOTP
    if isinstance(outcome, login_outcomes.NeedPasswordUpdate):
        return UPDATE_PASSWORD
    if isinstance(outcome, login_outcomes.NeedProfileUpdate):
        return required_actions.UPDATE_PROFILE
    if isinstance(outcome, login_outcomes.NeedTerms):
        return required_actions.TERMS_AND_CONDITIONS
    if isinstance(outcome, login_outcomes.NeedEmailVerification):
        return required_actions.VERIFY_EMAIL
    if isinstance(outcome, login_outcomes.NeedDeleteCredential):
        return required_actions.DELETE_CREDENTIAL
    if isinstance(outcome, login_outcomes.NeedDeleteAccount):
        return required_actions.DELETE_ACCOUNT
    if isinstance(outcome, login_outcomes.NeedRegistration):
        return REGISTER
    if isinstance(outcome, login_outcomes.NeedConsent):
        return CONSENT
    return AUTHENTICATE


def accepts(action: str, step: str) -> bool:
    """Whether a login-actions form may be posted while the login waits on ``step``."""
    return step in FORM_STEPS.get(action, frozenset())


async def _action(request: Request, step: str) -> Response:
    """The POST target of the login, required-action and consent forms."""
    realm = await open_realm(request)
    if isinstance(realm, Response):
        return realm
    try:
        form = await read_form(request)
    except OAuthError as err:
        return error_page(request, realm, err.description)
    services = state(request).services
    origin = browser(request)
    verdict = None
    if step == "authenticate":  # the password is hashed outside the write transaction (L5)
        verdict = await in_transaction(
            request,
            lambda tx: login_password.precheck(
                tx,
                realm,
                request.cookies.get(sso.AUTH_COOKIE, ""),
                session_code(request, form),
                form.get("username") or "",
                form.get("password") or "",
                services.clock.now(),
            ),
            write=False,
        )

    async def work(tx: Tx) -> Response:
        tx.config.bind(realm)
        if sso.AUTH_COOKIE not in request.cookies:  # nothing to restart the login from
            return await cookie_not_found(request, tx, realm)
        auth_session = await tx.flows.get_auth_session(request.cookies.get(sso.AUTH_COOKIE, ""))
        given = session_code(request, form)
        if auth_session is None or auth_session.realm_id != realm.id:
            return error_page(request, realm, TIMED_OUT)
        if auth_session.expires <= services.clock.now():  # SessionCodeChecks: restarted, as from KC_RESTART
            return await restart_after_timeout(request, tx, realm, auth_session)
        client = await tx.clients.get(auth_session.client_id)  # SessionCodeChecks: the client before the code
        if client is not None and not client.enabled:
            return await requester_disabled(request, tx, realm, client, auth_session, step)
        if not hmac.compare_digest(given.encode(), auth_session.form_token.encode()):
            return error_page(request, realm, BAD_CODE)
        if not accepts(step, auth_session.step):  # only the pending step: no skipping to another form
            return error_page(request, realm, EXPIRED_CODE)
        if client is None:
            return error_page(request, realm, "Client not found.")
        auth_request = AuthRequest.from_json(auth_session.request)
        if step == "required-action" and auth_session.step == required_actions.VERIFY_EMAIL:
            # VerifyEmail.processAction: the page's POST sends the e-mail again; only its link verifies
            notes = {k: v for k, v in auth_session.notes.items() if k != VERIFY_EMAIL_NOTE}
            auth_session = dataclasses.replace(auth_session, notes=notes)
        elif step == "required-action":  # the login's own action is done once its form is through
            auth_request = required_actions.leaving(auth_request, auth_session.step)
        user = await tx.users.get(auth_session.user_id) if auth_session.user_id else None
        outcome: login_outcomes.Outcome
        if step == "authenticate" and auth_session.step == AUTHENTICATE:  # credentials pending (checked above)
            outcome = await login_password.authenticate(
                tx,
                services,
                realm,
                client,
                auth_request,
                form.get("username") or "",
                form.get("password") or "",
                origin,
                remember_me=(form.get("rememberMe") or "").lower() == "on",  # equalsIgnoreCase("on")
                verdict=verdict,
                known=user,
            )
        elif step == "registration":
            if not realm.registration_allowed:
                return error_page(request, realm, registration.NOT_ALLOWED, auth_request=auth_request)
            ui = page_locale.language(request, realm, auth_request=auth_request)
            outcome = await registration.register(tx, services, realm, client, auth_request, form, origin, ui.tag)
        elif (
            user is not None and not user.enabled
        ):  # disabled mid-flow (LoginTest.testUserDisabledDuringRequiredAction)
            return error_page(request, realm, login_password.ACCOUNT_DISABLED)
        elif user is None:
            outcome = login_outcomes.NeedLogin()
        elif auth_session.step == login_flow.OTP_STEP:
            outcome = await login_otp.verify(
                StepContext(tx, services, realm, client, auth_request, user, origin),
                form.get("otp"),
                form.get("selectedCredentialId"),
                remember_me=auth_session.notes.get(REMEMBER_ME_NOTE) == "true",
            )
        elif step == "required-action":
            secret = auth_session.notes.get(TOTP_SECRET_NOTE) or otp.generate_secret()
            ctx = StepContext(tx, services, realm, client, auth_request, user, origin)
            outcome = await action_steps.submit(ctx, auth_session.step, form, totp_secret=secret)
        elif form.get("accept"):
            noted = auth_session.notes.get(CONSENT_SCOPES_NOTE)
            offered = frozenset(noted.split()) if noted is not None else None
            ctx = StepContext(tx, services, realm, client, auth_request, user, origin)
            outcome = await login_consent.grant_consent(ctx, offered)
        else:  # the user said no
            ctx = StepContext(tx, services, realm, client, auth_request, user, origin)
            outcome = await login_consent.deny_consent(ctx)
        return await render(request, tx, realm, client, auth_request, outcome, auth_session)

    try:
        return await in_transaction(request, work)
    except LinkSpent:
        return error_page(request, realm, action_tokens.EXPIRED_ACTION)


async def cookie_not_found(request: Request, tx: Tx, realm: Realm) -> Response:
    """SessionCodeChecks without the authentication session's cookie (nor KC_RESTART, which it stands for here):
    a LOGIN_ERROR ``cookie_not_found`` (LoginTest) and Messages.COOKIE_NOT_FOUND, with "Back to Application" for
    the enabled client the form's ``client_id`` names (its base URL)."""
    named = request.query_params.get("client_id")
    client = await tx.clients.get_by_client_id(realm.id, named) if named else None
    now = state(request).services.clock.now()
    known = client.client_id if client is not None else None
    await events.record(
        tx, realm, "LOGIN_ERROR", now=now, client_id=known, ip=client_ip(request), error="cookie_not_found"
    )
    back = login_completion.client_base(client) if client is not None and client.enabled else None
    return error_page(request, realm, COOKIE_NOT_FOUND, back_uri=back)


async def requester_disabled(
    request: Request, tx: Tx, realm: Realm, client: Client, auth_session: AuthSession, step: str
) -> Response:
    """The client was disabled while its login form was open (Keycloak's SessionCodeChecks): the
    authentication session is dropped and the error page shown; the login form's POST, a LOGIN
    event, records ``client_disabled``."""
    await tx.flows.delete_auth_session(auth_session.id)
    if step == "authenticate":
        now = state(request).services.clock.now()
        await events.record(
            tx,
            realm,
            "LOGIN_ERROR",
            now=now,
            client_id=client.client_id,
            ip=client_ip(request),
            error="client_disabled",
        )
    response = error_page(request, realm, REQUESTER_DISABLED)
    cookies.expire(request, response, realm, cookies.AUTH_SESSION_ID)
    return response


async def switch_language(request: Request) -> Response:
    """A GET of a login-actions URL, as the locale dropdown's links make: the page the login waits on, again,
    in the language ``kc_locale`` picks (LoginActionsService's processLocaleParam), with a fresh form code."""
    realm = await open_realm(request)
    if isinstance(realm, Response):
        return realm
    target = request.url.path.rsplit("/", 1)[-1]
    if target == "registration" and not realm.registration_allowed:  # LoginActionsService.registerPage
        return error_page(request, realm, registration.NOT_ALLOWED)
    now = state(request).services.clock.now()

    async def work(tx: Tx) -> Response:
        tx.config.bind(realm)
        auth_session = await tx.flows.get_auth_session(request.cookies.get(sso.AUTH_COOKIE, ""))
        if auth_session is None or auth_session.realm_id != realm.id or auth_session.expires <= now:
            return error_page(request, realm, TIMED_OUT)
        client = await tx.clients.get(auth_session.client_id)
        if client is None or not client.enabled:
            return error_page(request, realm, REQUESTER_DISABLED if client else "Client not found.")
        auth_request = AuthRequest.from_json(auth_session.request)
        pick = page_locale.requested(request, realm)
        if pick is not None:
            auth_request = dataclasses.replace(auth_request, kc_locale=pick)
            await tx.flows.replace_auth_request(auth_session.id, auth_request.to_json())
        user = await tx.users.get(auth_session.user_id) if auth_session.user_id else None
        step = auth_session.step
        if target == "registration":  # login.ftl's "Register" link
            step = REGISTER
        elif step == REGISTER and target == "authenticate":  # register.ftl's "Back to Login"
            step = AUTHENTICATE
        if step == required_actions.VERIFY_EMAIL and request.query_params.get("execution") == step:
            # VerifyEmail.processAction, login-verify-email.ftl's "Click here": send the e-mail again
            notes = {k: v for k, v in auth_session.notes.items() if k != VERIFY_EMAIL_NOTE}
            auth_session = dataclasses.replace(auth_session, notes=notes)
        remembered = auth_session.notes.get(REMEMBER_ME_NOTE) == "true"
        outcome = await login_flow.pending(tx, client, auth_request, step, user, remember_me=remembered)
        response = await render(request, tx, realm, client, auth_request, outcome, auth_session)
        response.headers["Cache-Control"] = NO_BACK
        return response

    return await in_transaction(request, work)


async def authenticate_action(request: Request) -> Response:
    return await _action(request, "authenticate")


async def required_action(request: Request) -> Response:
    return await _action(request, "required-action")


async def consent_action(request: Request) -> Response:
    return await _action(request, "consent")


async def registration_action(request: Request) -> Response:
    return await _action(request, "registration")
