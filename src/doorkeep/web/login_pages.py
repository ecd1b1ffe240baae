"""The login's pages and the pieces every browser endpoint shares: the realm opened (or its error page), the
themed page and the error page in the request's language, the login-actions URLs, and the body of the page a
login waits on (login.ftl, login-otp.ftl, login-config-totp.ftl, login-update-password.ftl, the required
actions', login-verify-email.ftl, login-oauth-grant.ftl).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from doorkeep.console import pages
from doorkeep.errors import OAuthError
from doorkeep.model import AuthSession, Client, Realm
from doorkeep.oauth import (
    action_redirect,
    client_data,
    flow_gates,
    login_organization,
    login_outcomes,
    login_tabs,
    redirect_uris,
    registration,
)
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.oauth.conditional_otp import RequestHeaders
from doorkeep.oauth.context import Form
from doorkeep.oauth.login_session import TOTP_SECRET_NOTE, VERIFY_EMAIL_NOTE, Waiting
from doorkeep.oauth.reset_credentials import STEP as RESET_STEP
from doorkeep.sessions import sso
from doorkeep.users import otp
from doorkeep.users.account import effective_url
from doorkeep.web import action_pages, broker_links, cookies
from doorkeep.web import locale as page_locale
from doorkeep.web.http import (
    RealmNotFound,
    base_url,
    client_ip,
    in_transaction,
    is_secure,
    issuer,
    proxy_trusted,
    read_form,
    state,
    wants_html,
)
from doorkeep.web.recovery_pages import ChoicePage, another_way, choice_page
from doorkeep.web.webauthn_pages import passkey_login_page, passkeys_options, webauthn_page

if TYPE_CHECKING:
    from doorkeep.console.i18n import Language
    from doorkeep.store.tx import Tx

CLIENT_LINKS = frozenset({"logoUri", "tosUri", "policyUri"})  # ClientModel.LOGO_URI, TOS_URI, POLICY_URI
NO_BACK = "no-store, must-revalidate, max-age=0"  # CacheControlUtil.noBackButtonCacheControlHeader
TAB_ID, EXECUTION = "tab_id", "execution"  # Constants.TAB_ID, Constants.EXECUTION
THEMED_PAGE = '<!DOCTYPE html><html lang="'  # how templates/login/base.html begins, its language next
AUTH_SESSION_COOKIE_LIMIT = 3  # AuthenticationSessionManager: the AUTH_SESSION_ID values looked at


def html(body: str, status: int = 200) -> HTMLResponse:
    """A themed page, its ``Content-Language`` the ``<html lang>`` it was rendered in (FreeMarkerLoginFormsProvider's
    ``.language(locale)``); the security headers are added by ``headers.SecurityHeaders``."""
    response = HTMLResponse(body, status_code=status)
    if body.startswith(THEMED_PAGE):
        start = len(THEMED_PAGE)
        response.headers["Content-Language"] = body[start : body.index('"', start)]
    return response


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


def browser(request: Request, tab: AuthSession | None = None) -> login_outcomes.Browser:
    """Where the request comes from; with the login's ``tab``, its root authentication session too."""
    root = tab.root if tab is not None else None
    headers = RequestHeaders(tuple(request.headers.items()), proxy_trusted(request))
    agent = request.headers.get("user-agent", "")
    return login_outcomes.Browser(client_ip(request), agent, root, base_url(request), headers)


def display(realm: Realm) -> str:
    return realm.display_name or realm.name


async def open_realm(request: Request) -> Realm | Response:
    """The path's realm, or the error page: unknown (404; a browser's is Keycloak's "Page not found"), then
    Keycloak's checkSsl and checkRealm (400)."""

    async def load(tx: Tx) -> Realm | None:
        return await tx.realms.get_by_name(request.path_params["realm"])

    realm = await in_transaction(request, load, write=False)
    if realm is None and wants_html(request):
        raise RealmNotFound  # KeycloakErrorHandler: a browser gets "Page not found" (web/error_pages.py)
    if realm is None:
        return html(pages.error("Doorkeep", "Realm does not exist.", ui=page_locale.plain(request)), 404)
    if not is_secure(request, realm):
        return error_page(request, realm, "HTTPS required")
    if not realm.enabled:
        return error_page(request, realm, "Realm not enabled.")
    return realm


async def open_form(request: Request) -> tuple[Realm, Form] | Response:
    """``open_realm``, then the posted form (or the query); a body that cannot be read is the error page."""
    realm = await open_realm(request)
    if isinstance(realm, Response):
        return realm
    try:
        return realm, await read_form(request)
    except OAuthError as err:
        return error_page(request, realm, err.description)


def action_url(request: Request, realm: Realm, action: str) -> str:
    return f"{base_url(request)}/realms/{realm.name}/login-actions/{action}"


def tab_params(auth_session: AuthSession | None, client: Client, **first: str) -> dict[str, str]:
    """The query every login-actions URL of a tab carries after its own parameters: the client, the tab and the
    client's redirect (Keycloak's ``client_id``, ``tab_id`` and ``client_data``)."""
    params = {**first, "client_id": client.client_id}
    if auth_session is not None:
        params[TAB_ID] = auth_session.id
        params[client_data.PARAM] = client_data.encode(AuthRequest.from_json(auth_session.request))
    return params


def required_action_url(request: Request, realm: Realm, auth_session: AuthSession, client: Client) -> str:
    """redirectToRequiredActions' target: ``login-actions/required-action`` with the ``execution`` the tab waits on,
    then its ``client_id``, ``tab_id`` and ``client_data`` (``oauth.action_redirect``)."""
    first = {EXECUTION: action_redirect.execution(auth_session.step)}
    return redirect_uris.with_params(
        action_url(request, realm, action_redirect.PATH), tab_params(auth_session, client, **first)
    )


def login_action(request: Request, realm: Realm, auth_session: AuthSession, client: Client) -> str:
    """The login forms' target as Keycloak's ``url.loginAction``: the session code first in its query, then the
    step the form answers (``execution``), the client and the tab (scrapers such as python-keycloak's tests
    post there with the username and password alone)."""
    return step_url(request, realm, "authenticate", auth_session, client)


def step_url(request: Request, realm: Realm, action: str, auth_session: AuthSession, client: Client) -> str:
    """A form's target for the step its tab waits on: ``session_code``, ``execution``, ``client_id``, ``tab_id``."""
    first = {"session_code": auth_session.form_token, EXECUTION: auth_session.step}
    return redirect_uris.with_params(action_url(request, realm, action), tab_params(auth_session, client, **first))


def session_code(request: Request, form: Form) -> str:
    """LoginActionsService reads the code from the action's query; the form's hidden field is taken too."""
    return request.query_params.get("session_code") or form.get("session_code") or ""


async def set_auth_cookie(
    response: Response, request: Request, tx: Tx, realm: Realm, auth_session: AuthSession
) -> None:
    """AUTH_SESSION_ID: the browser's root authentication session, for the realm's path only, signed as
    Keycloak signs it (AuthenticationSessionManager.setAuthSessionCookie). The root's id is the user session's
    too, which every client sees as ``sid``: unsigned, knowing a ``sid`` would be enough to name the root."""
    now = state(request).services.clock.now()
    value = await state(request).services.codec.sign_id(tx, realm.id, auth_session.root, now)
    cookies.write(request, response, realm, cookies.AUTH_SESSION_ID, value)


async def auth_root(request: Request, tx: Tx, realm: Realm) -> str | None:
    """The root authentication session the AUTH_SESSION_ID cookie names, when its signature holds; a cookie
    without one counts as none (AuthenticationSessionManager.getAuthSessionCookies). A browser holding more
    than one (an old one on another path) sends the most specific first: the first of three that holds."""
    now = state(request).services.clock.now()
    for cookie in cookies.values(request, sso.AUTH_COOKIE)[:AUTH_SESSION_COOKIE_LIMIT]:
        root = await state(request).services.codec.signed_id(tx, realm.id, cookie, now) if cookie else None
        if root is not None:
            return root
    return None


async def current_tab(
    request: Request, tx: Tx, realm: Realm, *, tab_id: str | None = None, code: str | None = None
) -> AuthSession | None:
    """The login of this tab: the tab ``tab_id`` (the URL's, unless given) of the root authentication session
    AUTH_SESSION_ID names; without a tab id, its tab whose form code is ``code``, else its tab opened last."""
    root = await auth_root(request, tx, realm)
    if not root:
        return None
    return await tx.flows.get_tab(realm.id, root, tab_id or request.query_params.get(TAB_ID), code)


async def root_for_new_tab(request: Request, tx: Tx, realm: Realm) -> str:
    """The root authentication session a new tab joins (``oauth.login_tabs.root_for_new_tab``): the
    AUTH_SESSION_ID cookie's, at most ``--spi-authentication-sessions-infinispan-auth-sessions-limit`` tabs."""
    cookie = await auth_root(request, tx, realm)
    return await login_tabs.root_for_new_tab(tx, realm, cookie, state(request).settings.auth_sessions_limit)


async def root_for_authorization(request: Request, tx: Tx, realm: Realm) -> str:
    """The root a new tab of the authorization endpoint joins (``oauth.login_tabs.root_for_authorization``): as
    ``root_for_new_tab``, but without such a root the tab goes in that of the identity cookie's session."""
    cookie = await auth_root(request, tx, realm)
    services, limit = state(request).services, state(request).settings.auth_sessions_limit
    identity, iss = request.cookies.get(sso.IDENTITY_COOKIE), issuer(request, realm.name)
    return await login_tabs.root_for_authorization(tx, services, realm, cookie, identity, iss, limit)


def reset_link(request: Request, realm: Realm, client: Client, tab: AuthSession | None = None) -> str | None:
    """login.ftl's "Forgot Password?" (``url.loginResetCredentialsUrl``), while the realm allows it."""
    if not realm.reset_password_allowed:
        return None
    return redirect_uris.with_params(action_url(request, realm, RESET_STEP), tab_params(tab, client))


def restart_link(request: Request, realm: Realm, client: Client, tab: AuthSession | None = None) -> str:
    """template.ftl's "Restart login" (``url.loginRestartFlowUrl``): the login begun again, its SSO session out."""
    return redirect_uris.with_params(action_url(request, realm, "restart"), tab_params(tab, client))


def totp_mode_url(request: Request, realm: Realm, client: Client, mode: str, tab: AuthSession | None = None) -> str:
    """TotpBean's ``manualUrl`` / ``qrUrl``: the Configure OTP page again, in the view ``mode`` names."""
    params = {**tab_params(tab, client, execution=otp.CONFIGURE_TOTP), "mode": mode}
    return redirect_uris.with_params(action_url(request, realm, "required-action"), params)


def registration_link(request: Request, realm: Realm, client: Client, tab: AuthSession | None = None) -> str | None:
    """The login page's "Register" link (login.ftl's ``url.registrationUrl``), while registration is allowed."""
    if not realm.registration_allowed:
        return None
    return redirect_uris.with_params(action_url(request, realm, "registration"), tab_params(tab, client))


async def _buttons(
    request: Request, tx: Tx, realm: Realm, tab: AuthSession, client: Client, user_id: str | None, forced: bool
) -> list[dict[str, str]]:
    """The login page's provider buttons: the realm's, or for a known user those it is linked to (hidden ones
    too in a ``forced`` re-authentication)."""
    if user_id is None:
        return broker_links.buttons(request, realm, tab, client)
    linked = {f.alias for f in await tx.federated.of_user(user_id)}
    return broker_links.linked_buttons(request, realm, tab, client, linked, forced=forced)


def _forced(outcome: login_outcomes.NeedLogin, waiting: Waiting) -> bool:
    """Whether the page is a forced re-authentication (the FORCED_REAUTHENTICATION note of the login)."""
    return (outcome.request or waiting.request).loa_forced_reauthentication


async def page_body(
    request: Request,
    tx: Tx,
    realm: Realm,
    client: Client,
    outcome: login_outcomes.Outcome,
    waiting: Waiting,
    ui: Language,
) -> str:
    """The page of the step ``waiting`` stands for, its forms posting its code."""
    tab = waiting.auth_session
    token, user = tab.form_token, waiting.user
    if isinstance(outcome, login_outcomes.NeedLogin) and flow_gates.usernameless(
        realm, client, waiting.request.requested_flow
    ):
        return await passkey_login_page(request, tx, realm, client, outcome, waiting, ui)
    if isinstance(outcome, login_outcomes.NeedLogin):
        known = outcome.user_id is not None
        # identity-first (UsernameForm, PasswordForm): login-username.ftl, then login-password.ftl for the known user
        stage = (
            ("password" if known else "username")
            if flow_gates.username_first(realm, client, waiting.request.requested_flow)
            else await login_organization.page_stage(tx, realm, client, waiting.request, known)
        )
        org_buttons = broker_links.organization_buttons(request, realm, tab, client, outcome.organization)
        return pages.login(
            display(realm),
            login_action(request, realm, tab, client),
            token,
            username=outcome.username,
            error=outcome.error,
            remember_me=realm.remember_me,
            remember_me_checked=outcome.remember_me,
            reauthenticate=known or stage == "password",  # the name fixed: a known user's, or USERNAME_HIDDEN
            register=registration_link(request, realm, client, tab) if not (known or org_buttons) else None,
            reset=reset_link(request, realm, client, tab) if stage == "password" or not (known or stage) else None,
            stage=stage,
            success=outcome.success,
            username_label=pages.username_label(realm.login_with_email_allowed, realm.registration_email_as_username),
            restart=restart_link(request, realm, client, tab) if known or stage == "password" else None,
            ui=ui,
            providers=org_buttons
            or await _buttons(request, tx, realm, tab, client, outcome.user_id, _forced(outcome, waiting)),
            info=outcome.info if outcome.info is not None else ("reauthenticate" if outcome.user_id else None),
            passkeys=await passkeys_options(request, tx, realm, client, waiting, ui),
            another=await another_way(request, tx, realm, client, waiting, password=True) if known else "",
        )
    if isinstance(outcome, login_outcomes.NeedOtp):
        creds = [(c.id, c.user_label) for c in await otp.stored(tx, outcome.user_id)]
        selected = outcome.selected or (creds[0][0] if creds else "")
        attempted = waiting.request.attempted_username or (user.username if user else "")
        return pages.login_otp(
            display(realm),
            login_action(request, realm, tab, client),
            token,
            creds,
            selected,
            outcome.error,
            username=attempted,
            restart=restart_link(request, realm, client, tab),
            ui=ui,
            info=outcome.info,
            another=await another_way(request, tx, realm, client, waiting),
        )
    if isinstance(outcome, login_outcomes.NeedWebAuthn | login_outcomes.NeedWebAuthnRegister):
        return await webauthn_page(request, tx, realm, client, outcome, waiting, ui)
    if isinstance(outcome, ChoicePage):
        return await choice_page(request, tx, realm, client, outcome, waiting, ui)
    if isinstance(outcome, login_outcomes.NeedTotpSetup):
        assert user is not None
        secret = waiting.auth_session.notes[TOTP_SECRET_NOTE]
        mode = outcome.mode or request.query_params.get("mode")
        return pages.config_totp(
            display(realm),
            step_url(request, realm, "required-action", tab, client),
            token,
            otp.policy(realm),
            otp.key_uri(otp.policy(realm), display(realm), otp.account_name(realm, user), secret),
            secret,
            has_otp=bool(await otp.stored(tx, user.id)),
            error=outcome.error,
            cancel=outcome.cancel,
            mode=mode,
            mode_urls=(
                totp_mode_url(request, realm, client, "manual", tab),
                totp_mode_url(request, realm, client, "qr", tab),
            ),
            ui=ui,
        )
    if isinstance(outcome, login_outcomes.NeedEmailUpdate):
        target = step_url(request, realm, "required-action", tab, client)
        return pages.update_email(
            display(realm),
            target,
            token,
            outcome.email,
            error=outcome.error,
            pending=outcome.pending,
            cancel=outcome.cancel,
            cooldown=outcome.cooldown,
            ui=ui,
        )
    if isinstance(outcome, login_outcomes.EmailUpdateSent):  # info.ftl, no form: the link goes on
        text = ui.text("emailUpdateConfirmationSent", outcome.email)
        header = ui.text("emailUpdateConfirmationSentTitle")
        back = effective_url(client, base_url(request))  # info.ftl's client.baseUrl "Back to Application"
        return pages.action_info(display(realm), text, back_uri=back, header=header, ui=ui)
    if isinstance(outcome, login_outcomes.NeedPasswordUpdate):
        target = step_url(request, realm, "required-action", tab, client)
        return pages.update_password(display(realm), target, token, outcome.error, cancel=outcome.cancel, ui=ui)
    if isinstance(
        outcome,
        login_outcomes.NeedProfileUpdate
        | login_outcomes.NeedTerms
        | login_outcomes.NeedRegistration
        | login_outcomes.NeedDeleteCredential
        | login_outcomes.NeedDeleteAccount
        | login_outcomes.NeedIdpLink,
    ):
        action = "registration" if isinstance(outcome, login_outcomes.NeedRegistration) else "required-action"
        target = step_url(request, realm, action, tab, client)
        back = redirect_uris.with_params(action_url(request, realm, "authenticate"), tab_params(tab, client))
        asked = frozenset[str]()
        if isinstance(outcome, login_outcomes.NeedRegistration | login_outcomes.NeedProfileUpdate):
            asked = await registration.requested_scopes(tx, client, waiting.request)
        invited = waiting.request.invitation_org if isinstance(outcome, login_outcomes.NeedRegistration) else None
        heading = ui.text("organization.member.register.title", invited) if invited is not None else None
        return action_pages.page(realm, outcome, token, ui, target=target, back=back, scopes=asked, heading=heading)
    if isinstance(outcome, login_outcomes.NeedEmailVerification):
        assert user is not None
        # "Click here" is url.loginAction: the page's code, so its GET is the action's (VerifyEmail.processAction
        # sends the e-mail again), unlike the redirect's GET of the page (no code: the challenge, nothing sent)
        resend = step_url(request, realm, "required-action", tab, client)
        form = step_url(request, realm, "required-action", tab, client) if outcome.cancel else None
        sent = bool(tab.notes.get(VERIFY_EMAIL_NOTE))
        page = pages.VerifyEmailForm(form, token, sent) if form else None
        return pages.verify_email(display(realm), user.email or "", resend, cooldown=outcome.cooldown, form=page, ui=ui)
    assert isinstance(outcome, login_outcomes.NeedConsent)
    return pages.consent(
        display(realm),
        redirect_uris.with_params(action_url(request, realm, "consent"), tab_params(tab, client)),
        token,
        client.name or client.client_id,
        [item.text for item in outcome.items],
        client_links={k: v for k, v in client.attributes.items() if k in CLIENT_LINKS and v},
        ui=ui,
    )
