"""``/realms/{realm}/login-actions/reset-credentials``: the "Forgot Password?" page and its form
(LoginActionsService.resetCredentialsGET/POST with ResetCredentialChooseUser and ResetCredentialEmail).

A GET opens the page in the login's authentication session, or, linked to directly, in a new one for
``client_id`` (else the account console, ``account``, or without it SystemClientUtil's ``_system``), ending on
"Your account has been updated." unless a ``redirect_uri`` was given (createAuthenticationSessionForClient).
The POST answers the login page with "You should receive an email shortly with further instructions."
whatever the username: the same page, the same work (a token signed and a mail rendered for an unknown user
too), the mail sent after the answer. A service account's name is refused as AuthenticationProcessor.validateUser
does ("Invalid username or password.").

A browser with a valid SSO session skips the form (reset_credentials.choose_by_session): the GET mails the
session's user at once and answers the same login page (ResetPasswordTest.resetPasswordLoggedUser). A bound reset
credentials flow without Choose User skips it too, mailing the user the tab's username step identified
(ResetCredentialsAlternativeFlowsTest.testResetCredentialsFlowWithUsernameProvidedFromBrowserFlow).
"""

from __future__ import annotations

import hmac
import secrets
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from doorkeep.console import pages
from doorkeep.email import action_tokens, messages, smtp
from doorkeep.model import AuthSession, Client, Realm, User
from doorkeep.oauth import login_actions, login_flow, login_outcomes, login_session, redirect_uris, reset_credentials
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.oauth.reset_credentials import NOT_ALLOWED, STEP
from doorkeep.realms import flow_support
from doorkeep.sessions import sso
from doorkeep.web import email_links, login, login_pages, login_responses, login_tabs
from doorkeep.web import locale as page_locale
from doorkeep.web.admin import emails
from doorkeep.web.http import base_url, client_ip, in_transaction, issuer, state

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

_NOBODY = User(id="", realm_id="", username="", email="nobody@invalid.example")  # for the same work


async def _current(request: Request, tx: Tx, realm: Realm, code: str | None = None) -> AuthSession | None:
    found = await login_pages.current_tab(request, tx, realm, code=code)
    now = state(request).services.clock.now()
    return found if found is not None and found.expires > now else None


def _active(request: Request, realm: Realm, auth_session: AuthSession) -> bool:
    """LoginActionsService.resetCredentials: verifyActiveAndValidAction(AUTHENTICATE, USER), the Login Action
    timeout from the login's last step."""
    now = state(request).services.clock.now()
    return login_session.action_active(realm, auth_session, login_session.USER_ACTION, now)


async def _fresh(request: Request, tx: Tx, realm: Realm) -> tuple[AuthSession, Client] | Response:
    """createAuthenticationSessionForClient: the client asked for (or ``account``), its checks and texts."""
    client_id, redirect_uri = request.query_params.get("client_id"), request.query_params.get("redirect_uri")
    client: Client | None
    if client_id is None:
        if redirect_uri is not None:
            return login_pages.error_page(request, realm, "Missing parameters: client_id")
        client = await emails.page_client(tx, realm, state(request).services.clock.now())
        redirect_uri = f"{base_url(request)}/realms/{realm.name}/account/"
    else:
        client = await tx.clients.get_by_client_id(realm.id, client_id)
        if client is not None and client.enabled and redirect_uri is not None:
            redirect_uri = redirect_uris.resolve(redirect_uri, client, base_url(request))
            if redirect_uri is None:
                return login_pages.error_page(request, realm, "Invalid parameter: redirect_uri")
    if client is None:
        return login_pages.error_page(request, realm, "Client not found.")
    if not client.enabled:
        return login_pages.error_page(request, realm, "Client disabled.")
    auth_request = AuthRequest(
        client.client_id, redirect_uri or "", "code", "query", "openid", end_after_actions=redirect_uri is None
    )
    auth_session = await _new_tab(request, tx, realm, client, auth_request)
    return auth_session, client


async def _not_allowed(request: Request, tx: Tx, realm: Realm, client: Client | None) -> Response:
    services = state(request).services
    await reset_credentials.event(tx, services, realm, client, client_ip(request), error="not_allowed")
    return login_pages.error_page(request, realm, NOT_ALLOWED)


async def _page(
    request: Request, tx: Tx, realm: Realm, client: Client, auth_session: AuthSession, error: str | None = None
) -> Response:
    """The form, on a fresh form code; the authentication session now waits for it, keeping the user an earlier
    step of the tab identified (UsernameForm's: the flow switch keeps the authenticated user)."""
    form_token = secrets.token_urlsafe(24)
    await tx.flows.advance_auth_session(auth_session.id, auth_session.user_id, STEP, form_token)
    await login_session.touch(tx, realm, auth_session, state(request).services.clock.now())  # generateCode
    auth_request = AuthRequest.from_json(auth_session.request)
    tab = login_pages.tab_params(auth_session, client)
    back = redirect_uris.with_params(login_pages.action_url(request, realm, "authenticate"), tab)
    ui = page_locale.language(
        request, realm, auth_request=auth_request, switch_to=login_pages.action_url(request, realm, STEP)
    )
    forgot = auth_request.app_initiated_flow == login_flow.RESET_CREDENTIALS
    body = pages.reset_password(
        login_pages.display(realm),
        redirect_uris.with_params(login_pages.action_url(request, realm, STEP), tab),
        form_token,
        login_url=back,
        with_email=realm.login_with_email_allowed,
        username=(auth_request.login_hint or "") if forgot else "",  # ResetPasswordTest.resetPasswordWithLoginHint
        error=error,
        duplicate_emails=realm.duplicate_emails_allowed,
        ui=ui,
    )
    response = login_pages.html(body)
    await login_pages.set_auth_cookie(response, request, tx, realm, auth_session)
    response.headers["Cache-Control"] = login_pages.NO_BACK
    return response


async def forgot_credentials_endpoint(request: Request) -> Response:
    """``.../protocol/openid-connect/forgot-credentials``: an authorization request that opens the "Forgot
    Password?" form instead of the login form (OIDCLoginProtocolService.forgotCredentialsPage). As
    AuthorizationEndpoint.forgotCredentials, a realm that does not allow resetting answers its error page
    before the request is read (no event); otherwise the request is checked as the authorization endpoint
    checks it, and buildForgotCredential starts the reset-credentials flow in a new authentication session
    with the SSO cookies expired, its username field holding the request's ``login_hint``."""
    realm = await login_pages.open_realm(request)
    if isinstance(realm, Response):
        return realm
    if not realm.reset_password_allowed:
        return login_pages.error_page(request, realm, NOT_ALLOWED)
    return await login.authorize_request(request, forgot=_first_form)


async def _new_tab(request: Request, tx: Tx, realm: Realm, client: Client, auth_request: AuthRequest) -> AuthSession:
    """A new login tab of the browser for ``auth_request``, at the flow's first step."""
    now = state(request).services.clock.now()
    auth_session = AuthSession(
        login_session.new_tab_id(),
        realm.id,
        client.id,
        secrets.token_urlsafe(24),
        auth_request.to_json(),
        None,
        now + login_session.lifespan(realm),
        login_session.AUTHENTICATE,
        root_id=await login_pages.root_for_new_tab(request, tx, realm),
        started=now,
        step_time=now,
    )
    await tx.flows.create_auth_session(auth_session)
    return auth_session


async def _first_form(request: Request, tx: Tx, realm: Realm, client: Client, auth_request: AuthRequest) -> Response:
    """The reset-credentials flow's first form for a checked authorization request, in a new tab."""
    auth_session = await _new_tab(request, tx, realm, client, auth_request)
    if not flow_support.reset_chooses_user(realm):
        return await _tab_user_mailed(request, tx, realm, client, auth_session)
    return await _page(request, tx, realm, client, auth_session)


async def page(request: Request) -> Response:
    """``GET reset-credentials``: the "Forgot Password?" form."""
    realm = await login_pages.open_realm(request)
    if isinstance(realm, Response):
        return realm

    async def work(tx: Tx) -> Response:
        tx.config.bind(realm)
        auth_session = await _current(request, tx, realm)
        if auth_session is None and request.query_params.get(login_pages.TAB_ID) is not None:
            gone = await login_pages.current_tab(request, tx, realm)  # the tab's login expired or is over
            answered = await login_tabs.already_logged_in(request, tx, realm, STEP, gone)
            if answered is not None:
                return answered
        client = await tx.clients.get(auth_session.client_id) if auth_session is not None else None
        if auth_session is None or client is None:
            if not realm.reset_password_allowed:
                return await _not_allowed(request, tx, realm, None)
            fresh = await _fresh(request, tx, realm)
            if isinstance(fresh, Response):
                return fresh
            auth_session, client = fresh
        elif not client.enabled:
            return await login.requester_disabled(request, tx, realm, client, auth_session, STEP)
        elif not _active(request, realm, auth_session):
            return await login_tabs.timed_out(request, tx, realm, login_actions.TimedOut(auth_session, client), STEP)
        elif not realm.reset_password_allowed:
            return await _not_allowed(request, tx, realm, client)
        if not flow_support.reset_chooses_user(realm):
            return await _tab_user_mailed(request, tx, realm, client, auth_session)
        services = state(request).services
        cookie, iss = request.cookies.get(sso.IDENTITY_COOKIE), issuer(request, realm.name)
        chosen = await reset_credentials.choose_by_session(
            tx, services, realm, client, auth_session, client_ip(request), issuer=iss, cookie=cookie
        )
        if chosen is not None:
            return await _mailed(request, tx, realm, client, auth_session, chosen.request, chosen.user, chosen.username)
        return await _page(request, tx, realm, client, auth_session)

    return await in_transaction(request, work)


async def submit(request: Request) -> Response:
    """``POST reset-credentials``: the username or e-mail; the login page with "You should receive an email
    shortly with further instructions." whoever it names."""
    opened = await login_pages.open_form(request)
    if isinstance(opened, Response):
        return opened
    realm, form = opened
    services = state(request).services

    async def work(tx: Tx) -> Response:
        tx.config.bind(realm)
        auth_session = await _current(request, tx, realm, form.get("session_code"))
        if auth_session is None:  # SessionCodeChecks.initialVerifyAuthSession: restarted from KC_RESTART
            gone = await login_pages.current_tab(request, tx, realm, code=form.get("session_code"))
            answered = await login_tabs.already_logged_in(request, tx, realm, STEP, gone)
            if answered is not None:
                return answered
            return await login.restart_from_cookie(request, tx, realm, gone, STEP)
        client = await tx.clients.get(auth_session.client_id)
        if client is None:
            return login_pages.error_page(request, realm, "Client not found.")
        if not client.enabled:
            return await login.requester_disabled(request, tx, realm, client, auth_session, STEP)
        given = form.get("session_code") or ""
        if not hmac.compare_digest(given.encode(), auth_session.form_token.encode()):
            return login_pages.error_page(request, realm, login_actions.BAD_CODE)
        if not _active(request, realm, auth_session):
            return await login_tabs.timed_out(request, tx, realm, login_actions.TimedOut(auth_session, client), STEP)
        if auth_session.step != STEP:
            return login_pages.error_page(request, realm, login_actions.EXPIRED_CODE)
        if not realm.reset_password_allowed:
            return await _not_allowed(request, tx, realm, client)
        auth_request = AuthRequest.from_json(auth_session.request)
        ip, typed = client_ip(request), form.get("username") or ""
        if not typed:  # ResetCredentialChooseUser: USERNAME_MISSING, the form again
            await reset_credentials.event(tx, services, realm, client, ip, error="username_missing")
            return await _page(request, tx, realm, client, auth_session, reset_credentials.MISSING_USERNAME)
        # ATTEMPTED_USERNAME: the events of the login this flow goes on with name the user as typed
        auth_request = await reset_credentials.attempted(tx, auth_session, reset_credentials.trimmed(typed))
        try:
            user = await reset_credentials.choose_user(tx, services, realm, client, auth_request, typed, ip)
        except reset_credentials.ServiceAccountNamed:
            outcome = login_outcomes.NeedLogin(error=reset_credentials.INVALID_USER)
            return await login_responses.render(request, tx, realm, client, auth_request, outcome, auth_session)
        conflict = await reset_credentials.other_user(tx, services, realm, client, auth_session, user, ip)
        if conflict is not None:
            return login_pages.error_page(request, realm, conflict, auth_request=auth_request)
        return await _mailed(request, tx, realm, client, auth_session, auth_request, user, typed)

    return await in_transaction(request, work)


async def _tab_user_mailed(
    request: Request, tx: Tx, realm: Realm, client: Client, auth_session: AuthSession
) -> Response:
    """A reset credentials flow without ResetCredentialChooseUser: ResetCredentialEmail at once, for the user an
    earlier step of the tab identified (UsernameForm's) under the username typed there (ATTEMPTED_USERNAME); with
    none, the same e-mail-sent page and no mail."""
    auth_request = AuthRequest.from_json(auth_session.request)
    found = await tx.users.get(auth_session.user_id) if auth_session.user_id is not None else None
    services, ip = state(request).services, client_ip(request)
    user = await reset_credentials.email_check(tx, services, realm, client, auth_request, found, ip) if found else None
    return await _mailed(
        request, tx, realm, client, auth_session, auth_request, user, auth_request.attempted_username or ""
    )


async def _mailed(
    request: Request,
    tx: Tx,
    realm: Realm,
    client: Client,
    auth_session: AuthSession,
    auth_request: AuthRequest,
    user: User | None,
    typed: str,
) -> Response:
    """ResetCredentialEmail: the login page with "You should receive an email shortly ..." in a fork of the tab,
    the mail (to ``user``, when there is one) sent after the answer; the same work either way."""
    # ResetCredentialEmail.authenticate: a ResetCredentialsActionToken naming this authentication session
    kind, compose = action_tokens.RESET_CREDENTIALS, messages.password_reset
    mail = await email_links.session_mail(request, tx, realm, client, user or _NOBODY, auth_session, kind, compose)
    outcome = login_outcomes.NeedLogin(success=reset_credentials.EMAIL_SENT)
    now = state(request).services.clock.now()
    forked = await reset_credentials.fork(tx, realm, auth_session, user, now)  # the page is the fork's
    response = await login_responses.render(request, tx, realm, client, auth_request, outcome, forked)
    response.headers["Cache-Control"] = login_pages.NO_BACK
    if user is not None:
        _send(request, response, realm, client, user, auth_session, auth_request, typed, mail)
    return response


def _send(
    request: Request,
    response: Response,
    realm: Realm,
    client: Client,
    user: User,
    auth_session: AuthSession,
    auth_request: AuthRequest,
    typed: str,
    mail: smtp.Mail,
) -> None:
    details = {
        **reset_credentials.details(auth_request, typed.strip()),
        "email": user.email,
        "code_id": auth_session.root,
    }
    email_links.send_after(
        request,
        response,
        realm,
        mail,
        "SEND_RESET_PASSWORD",
        client_id=client.client_id,
        user_id=user.id,
        details=details,
    )
