"""Browser endpoints: the authorization endpoint and the login-actions forms (LoginActionsService).

Each handler parses the request, calls the core (``oauth.login_start``, ``oauth.login_actions``) and renders
what it answers (``web.login_responses``). The forms' cross-site request forgery defence, Keycloak's
SessionCodeChecks, is ``oauth.login_actions.check``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from doorkeep.broker import provider_logout
from doorkeep.email import action_tokens
from doorkeep.errors import OAuthError
from doorkeep.model import AuthSession, Client, Realm, UserSession
from doorkeep.oauth import (
    action_redirect,
    client_data,
    login_actions,
    login_broker,
    login_completion,
    login_password,
    login_rerun,
    login_restart,
    login_start,
    login_webauthn,
    registration,
    restart_cookie,
    verify_profile,
)
from doorkeep.oauth import login_tabs as tabs
from doorkeep.oauth.authorize import AuthRequest, RedirectingError
from doorkeep.oauth.login_actions import ClientDisabled, ErrorPage, Stale, TimedOut, ToCurrentAction
from doorkeep.oauth.login_outcomes import Failed, NeedLogin, NeedProfileUpdate, NeedWebAuthn
from doorkeep.oauth.login_session import LinkSpent, done_elsewhere
from doorkeep.oauth.login_step import LoginSite, StepContext
from doorkeep.sessions import remember_me, sso
from doorkeep.web import broker, cookies, login_tabs
from doorkeep.web import locale as page_locale
from doorkeep.web.client_redirect import resolved
from doorkeep.web.http import admin_url, base_url, client_ip, in_transaction, issuer, json_response, state
from doorkeep.web.login_pages import (
    EXECUTION,
    NO_BACK,
    TAB_ID,
    auth_root,
    browser,
    current_tab,
    error_page,
    open_form,
    open_realm,
    session_code,
)
from doorkeep.web.login_responses import error_redirect, redirect_to_first_page, render

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx
    from doorkeep.users.credentials import Verdict

log = logging.getLogger(__name__)

COOKIE_NOT_FOUND = "Cookie not found. Please make sure cookies are enabled in your browser."  # cookieNotFoundMessage


# AuthorizationEndpoint.AUTHORIZATION_PREFER_ERROR_ON_REDIRECT (Keycloak 26.8, PR 48553): a realm attribute for headless
# clients (conformance runs); an error that cannot be redirected to the client is answered as JSON, not as a page.
PREFER_ERROR_ON_REDIRECT = "authorization.preferErrorOnRedirect"


async def authorize_endpoint(request: Request) -> Response:
    return await authorize_request(request)


# The forgot-credentials endpoint's answer for a checked request (web.reset_credentials): the first form, in a new tab.
ForgotForm = Callable[[Request, "Tx", Realm, Client, AuthRequest], Awaitable[Response]]


async def authorize_request(
    request: Request,
    *,
    register: bool = False,
    invitation: login_start.Invitation | None = None,
    forgot: ForgotForm | None = None,
) -> Response:
    """An authorization request: the login, or the registration form for the registrations endpoint and for
    ``prompt=create`` (AuthorizationEndpoint.buildRegister, which expires the SSO cookies: a registration
    starts a new session), or with ``forgot`` the "Forgot Password?" form (buildForgotCredential, which expires
    them too)."""
    opened = await open_form(request)
    if isinstance(opened, Response):
        return opened
    realm, params = opened
    services, base = state(request).services, base_url(request)
    parsed = await in_transaction(
        request, lambda tx: login_start.parse_request(tx, services, realm, params, base), write=False
    )
    browsing = login_start.Browsing(
        browser(request),
        request.cookies.get(sso.IDENTITY_COOKIE),
        request.cookies.get(remember_me.COOKIE),
        page_locale.requested(request, realm),
    )

    ended: list[UserSession] = []  # sessions the identity cookie's check logged out, for their identity provider

    async def work(tx: Tx) -> Response:
        ended.clear()  # a run again (fetch_outside) starts over
        tx.config.bind(realm)
        iss = issuer(request, realm.name)
        started = await login_start.start(
            tx,
            services,
            realm,
            params,
            parsed,
            browsing,
            base_url=base,
            issuer=iss,
            register=register,
            admin_base=admin_url(request),
            invitation=invitation,
            forgot=forgot is not None,
        )
        if isinstance(started, RedirectingError):
            return await error_redirect(request, tx, realm, started)
        if isinstance(started, OAuthError):
            if started.detail:  # ServicesLogger.invalidRequest: why a request object or pushed request was refused
                log.warning("invalid authorization request for client %s: %s", params.get("client_id"), started.detail)
            if str(realm.attributes.get(PREFER_ERROR_ON_REDIRECT, "")).lower() == "true":
                return json_response(started.body(), 400)  # no redirect URI to take it: the error as JSON
            return error_page(request, realm, started.description)
        return await answer(tx, realm, started)

    async def answer(tx: Tx, realm: Realm, started: login_start.Started | ErrorPage) -> Response:
        """The flow's answer to a request past its checks; an identity cookie that names no valid session expires
        in it (authenticateIdentityCookie's expireIdentityCookie), whatever it is."""
        if isinstance(started, ErrorPage):
            return error_page(request, realm, started.text, auth_request=started.request)
        if started.identity.ended is not None:
            ended.append(started.identity.ended)
        response = await flow_answer(tx, realm, started)
        if started.identity.expire:
            cookies.expire(request, response, realm, cookies.IDENTITY, cookies.SESSION)
        return response

    async def flow_answer(tx: Tx, realm: Realm, started: login_start.Started) -> Response:
        """The flow's answer: the provider's login, or the page."""
        if started.forgetting and forgot is not None:
            response = await forgot(request, tx, realm, started.client, started.request)
            cookies.expire(request, response, realm, cookies.IDENTITY, cookies.SESSION)  # expireIdentityCookie
            return response
        if isinstance(started.outcome, NeedLogin) and not started.registering:
            hinted = await broker.redirector(request, tx, realm, started.client, started.request)
            if hinted is not None:  # IdentityProviderAuthenticator: on to the provider's login
                return hinted
        outcome = started.outcome
        if isinstance(outcome, NeedLogin) and not started.registering:  # no sign-in form to show instead
            site = LoginSite(tx, state(request).services, realm, started.client, started.request, browser(request))
            outcome = await login_broker.no_provider(site) or outcome
        if isinstance(outcome, Failed) and outcome.no_session:  # prompt=none, perhaps forwarded to a provider
            forwarded = await broker.forward_passive(request, tx, realm, started.client, started.request)
            if forwarded is not None:
                return forwarded
        args = (request, tx, realm, started.client, started.request, outcome, None)
        response = await render(*args, authorization=True, completes_flow=True)
        await set_restart_cookie(request, response, tx, realm, started)
        response.headers["Cache-Control"] = NO_BACK  # every answer once the request is checked
        if started.registering:
            cookies.expire(request, response, realm, cookies.IDENTITY, cookies.SESSION)  # expireIdentityCookie
        return response

    response = await in_transaction(request, work)
    for plan in provider_logout.backchannel_plans(realm, ended):  # backchannelLogout's logoutBroker, once committed
        await provider_logout.call(plan)
    return response


async def restart_from_cookie(
    request: Request, tx: Tx, realm: Realm, expired: AuthSession | None, action: str = "authenticate"
) -> Response:
    """A login-actions request (of ``action``) whose tab has no live login: the login begun again from
    KC_RESTART (``oauth.login_restart``) and the browser sent to its first page, which says why
    (restartAuthenticationSessionFromCookie's FORWARDED_ERROR_MESSAGE_NOTE and 302), or the error page
    (COOKIE_NOT_FOUND without the cookie)."""
    event_type = tabs.EVENT_TYPES.get(action, "LOGIN")
    value = request.cookies.get(cookies.RESTART.name)
    if not value:
        return await cookie_not_found(request, tx, realm, event_type)
    browsed = login_restart.Browsed(
        request.query_params.get("client_id"),
        request.query_params.get(client_data.PARAM),
        request.cookies.get(sso.IDENTITY_COOKIE),
        request.cookies.get(remember_me.COOKIE),
        browser(request),
        issuer(request, realm.name),
        base_url(request),
        event_type,
    )
    restarted = await login_restart.restart_from_cookie(tx, state(request).services, realm, value, browsed, expired)
    if isinstance(restarted, str):
        return error_page(request, realm, restarted)
    args = (request, tx, realm, restarted.client, restarted.request, restarted.outcome)
    forwarded = restarted.outcome.error if isinstance(restarted.outcome, NeedLogin) else None
    return await redirect_to_first_page(*args, forwarded=forwarded) or await render(*args, None)


async def set_restart_cookie(
    request: Request, response: Response, tx: Tx, realm: Realm, started: login_start.Started
) -> None:
    """RestartLoginCookie.setRestartCookie, as AuthorizationEndpointBase.handleBrowserAuthenticationRequest calls
    it for a login that is not passive: KC_RESTART holds the request, for a login that waits on a page."""
    if not restart_cookie.wanted(started.request, started.outcome):
        return
    services = state(request).services
    content = restart_cookie.of_request(started.request)
    value = await restart_cookie.encode(tx, services.keyring, realm.id, content, services.clock.now())
    cookies.write(request, response, realm, cookies.RESTART, value)


async def restart_login(request: Request) -> Response:
    """GET ``login-actions/restart``, the "Restart login" link: the login of AUTH_SESSION_ID begun again with its
    SSO session logged out (``oauth.login_restart.restart_flow``), the browser sent to its first page (302)."""
    realm = await open_realm(request)
    if isinstance(realm, Response):
        return realm

    async def work(tx: Tx) -> Response:
        tx.config.bind(realm)
        foreign = await login_tabs.named_elsewhere(request, tx, realm, "restart")
        if foreign is not None:
            return foreign
        found = await current_tab(request, tx, realm)
        if found is None or found.expires <= state(request).services.clock.now():  # initialVerifyAuthSession
            answered = await login_tabs.already_logged_in(request, tx, realm, "restart", found)
            if answered is not None:
                return answered
            return await restart_from_cookie(request, tx, realm, found, "restart")
        services = state(request).services
        skip_logout = request.query_params.get("skip_logout", "").lower() == "true"  # Boolean.parseBoolean
        current = None
        if skip_logout:
            identity = request.cookies.get(sso.IDENTITY_COOKIE)
            current = await sso.current_session(tx, services, realm, issuer(request, realm.name), identity)
        restarted = await login_restart.restart_flow(
            tx,
            services,
            realm,
            found,
            remember_me_cookie=request.cookies.get(remember_me.COOKIE),
            browser=browser(request),
            skip_logout=skip_logout,
            current=current,
        )
        if restarted is None:
            return error_page(request, realm, login_actions.TIMED_OUT)
        args = (request, tx, realm, restarted.client, restarted.request, restarted.outcome)
        response = await redirect_to_first_page(*args, restarted.tab) or await render(*args, None)
        if not skip_logout:
            cookies.expire(request, response, realm, cookies.IDENTITY, cookies.SESSION)
        return response

    return await in_transaction(request, work)


async def _action(request: Request, action: str) -> Response:
    """The POST target of the login, required-action, consent and registration forms."""
    opened = await open_form(request)
    if isinstance(opened, Response):
        return opened
    realm, form = opened
    services, code = state(request).services, session_code(request, form)
    tab_id = request.query_params.get(TAB_ID)
    execution = request.query_params.get(EXECUTION)
    verdict = None
    if action == "authenticate":  # the password is hashed outside the write transaction (L5)
        username, password = form.get("username") or "", form.get("password") or ""

        async def precheck(tx: Tx) -> Verdict | None:
            tab = (await auth_root(request, tx, realm) or "", tab_id)
            return await login_password.precheck(tx, realm, tab, code, username, password, services.clock.now())

        verdict = await in_transaction(request, precheck, write=False)

    async def work(tx: Tx) -> Response:
        tx.config.bind(realm)
        foreign = await login_tabs.named_elsewhere(request, tx, realm, action)
        if foreign is not None:
            return foreign
        auth_session = await current_tab(request, tx, realm, code=code)
        if auth_session is None or auth_session.expires <= services.clock.now():  # no live login in this tab
            answered = await login_tabs.already_logged_in(request, tx, realm, action, auth_session)
            if answered is not None:
                return answered
            return await restart_from_cookie(request, tx, realm, auth_session, action)
        posted = await login_actions.check(tx, services, realm, action, auth_session, code, execution)
        if isinstance(posted, ClientDisabled):
            return await requester_disabled(request, tx, realm, posted.client, posted.auth_session, action)
        if isinstance(posted, Stale):
            return await login_tabs.stale(request, tx, realm, posted)
        if isinstance(posted, TimedOut):
            return await login_tabs.timed_out(request, tx, realm, posted, action)
        if isinstance(posted, ToCurrentAction):
            return login_tabs.to_current_action(request, realm, posted)
        if isinstance(posted, ErrorPage):
            return error_page(request, realm, posted.text)
        locale = None
        if action == "registration":  # the new user's locale: the registration page's language
            locale = page_locale.language(request, realm, auth_request=posted.request).tag
        outcome = await login_actions.submit(
            tx, services, realm, posted, action, form, browser(request), verdict=verdict, locale=locale
        )
        if isinstance(outcome, ErrorPage):
            return error_page(request, realm, outcome.text, auth_request=outcome.request)
        args = (request, tx, realm, posted.client, posted.request, outcome, posted.auth_session)
        return await render(*args, completes_flow=True)  # from a login or registration form, into the actions

    try:
        return await in_transaction(request, work)
    except LinkSpent:
        return error_page(request, realm, action_tokens.EXPIRED_ACTION)


async def cookie_not_found(request: Request, tx: Tx, realm: Realm, event_type: str = "LOGIN") -> Response:
    """SessionCodeChecks without the authentication session's cookie: Messages.COOKIE_NOT_FOUND, with "Back to
    Application" for the client the form names (``login_actions.without_cookie``)."""
    named, ip = request.query_params.get("client_id"), client_ip(request)
    back = await login_actions.without_cookie(tx, state(request).services, realm, named, ip, event_type)
    back = resolved(back, base_url(request))
    return error_page(request, realm, COOKIE_NOT_FOUND, back_uri=back)


async def requester_disabled(
    request: Request, tx: Tx, realm: Realm, client: Client, auth_session: AuthSession, action: str
) -> Response:
    """The client was disabled while its login form was open (Keycloak's SessionCodeChecks): the
    authentication session is dropped and the error page shown, its cookie and KC_RESTART expired
    (removeAuthenticationSession with expireRestartCookie)."""
    disabled = ClientDisabled(client, auth_session)
    await login_actions.drop_for_disabled_client(
        tx, state(request).services, realm, disabled, action, client_ip(request)
    )
    response = error_page(request, realm, login_actions.REQUESTER_DISABLED)
    cookies.expire(request, response, realm, cookies.AUTH_SESSION_ID, cookies.RESTART)
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
    pick, execution = page_locale.requested(request, realm), request.query_params.get(EXECUTION)
    code = request.query_params.get("session_code")

    async def work(tx: Tx) -> Response:
        tx.config.bind(realm)
        foreign = await login_tabs.named_elsewhere(request, tx, realm, target)
        if foreign is not None:
            return foreign
        auth_session = await current_tab(request, tx, realm)
        if auth_session is None or auth_session.expires <= now:  # SessionCodeChecks.initialVerifyAuthSession
            answered = await login_tabs.already_logged_in(request, tx, realm, target, auth_session)
            if answered is not None:
                return answered
            return await restart_from_cookie(request, tx, realm, auth_session, target)
        if target == "registration":  # RegistrationUserCreation.buildPage: no form for a tab with a user
            refused = await registration.other_user(tx, state(request).services, realm, auth_session, browser(request))
            if refused is not None:
                return error_page(request, realm, refused)
        shown = await login_actions.shown_again(
            tx, realm, auth_session, target, pick=pick, execution=execution, now=now, code=code
        )
        if isinstance(shown, Stale):
            return await login_tabs.stale(request, tx, realm, shown)
        if isinstance(shown, TimedOut):
            return await login_tabs.timed_out(request, tx, realm, shown, target)
        if isinstance(shown, ErrorPage):
            return error_page(request, realm, shown.text)
        rerun = None
        if target == "authenticate" and code is None and execution is None:  # processFlow after a resetFlow
            browsed = login_rerun.Browsed(
                request.cookies.get(sso.IDENTITY_COOKIE),
                request.cookies.get(remember_me.COOKIE),
                issuer(request, realm.name),
                browser(request),
            )
            rerun = await login_rerun.rerun(tx, state(request).services, realm, shown, browsed)
            shown = rerun or shown
        outcome = shown.outcome
        if code is None and shown.user is not None:
            services, seen = state(request).services, browser(request, shown.auth_session)
            step = StepContext(tx, services, realm, shown.client, shown.request, shown.user, seen)
            if done_elsewhere(shown.auth_session, shown.user):
                outcome = await login_completion.proceed(step)  # nextActionAfterAuthentication: the next one, or done
            elif isinstance(outcome, NeedProfileUpdate) and outcome.action == verify_profile.VERIFY_PROFILE:
                outcome = await verify_profile.shown_again(step) or outcome  # its challenge's errors
            elif isinstance(outcome, NeedWebAuthn):
                outcome = await login_webauthn.shown_again(step, outcome)  # the keys an admin removed meanwhile
        # requiredActionGET's page posts with the code an earlier GET of it drew (getOrGenerateCode)
        keep = target == action_redirect.PATH
        args = (request, tx, realm, shown.client, shown.request, outcome, shown.auth_session)
        response = await render(*args, keep_code=keep, completes_flow=rerun is not None)
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
