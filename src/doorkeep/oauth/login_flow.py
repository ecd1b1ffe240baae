"""The browser login as a small state machine: credentials, required actions, consent, then a code.

Each step returns an outcome the web layer renders (a page, or a redirect to the client).
"""

from __future__ import annotations

import asyncio
import dataclasses
import hmac
from dataclasses import dataclass
from typing import TYPE_CHECKING

from doorkeep import events
from doorkeep.errors import OAuthError
from doorkeep.model import (
    AUTH_TIME_NOTE,
    UPDATE_PASSWORD,
    Client,
    Consent,
    Realm,
    User,
    UserSession,
    with_password_update,
)
from doorkeep.oauth import authorize, device_verification, front_channel, login_events, required_actions
from doorkeep.oauth import consent as consent_screen
from doorkeep.oauth import scopes as scope_rules
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.oauth.consent import ConsentItem
from doorkeep.oauth.logout_others import logout_other_sessions
from doorkeep.sessions import resume, revocation_triggers, triggered
from doorkeep.users import account_profile, brute_force, otp, passwords
from doorkeep.users import locale as user_locale
from doorkeep.users.credentials import NO_CREDENTIAL, check_password, enforce_policy, find_user
from doorkeep.users.password_policy import PolicyViolation

if TYPE_CHECKING:
    from doorkeep.oauth.context import Services
    from doorkeep.store.tx import Tx

INVALID_CREDENTIALS = "Invalid username or password."
INVALID_PASSWORD = "Invalid password."  # Messages.INVALID_PASSWORD: the re-authentication form's only field
DIFFERENT_USER = "You are already authenticated as different user '{}' in this session. Please log out first."
ACCOUNT_DISABLED = "Account is disabled, contact your administrator."
INVALID_TOTP = "Invalid authenticator code."  # Messages.INVALID_TOTP
REJECTED_BY_USER = "rejected_by_user"  # Errors.REJECTED_BY_USER
OTP_STEP = "otp"  # the OTP Form of the browser flow, after the password
REGISTER = "register"  # the authentication session's step while the registration form is shown
_JAVA_TRIMMED = "".join(map(chr, range(0x21)))  # what Java's String.trim() strips: U+0000 to U+0020


def form_username(typed: str) -> str:
    """The login form's username as Keycloak's AbstractUsernameFormAuthenticator uses it: ``username.trim()``
    (the password grant's ValidateUsername does not trim)."""
    return typed.strip(_JAVA_TRIMMED)


@dataclass(frozen=True)
class Browser:
    """Where the login comes from: recorded on the session (device notes) and in events."""

    ip_address: str
    user_agent: str = ""


@dataclass(frozen=True)
class Done:
    session: UserSession
    response: front_channel.AuthorizationResponse  # the code and the implicit or hybrid flow's tokens


@dataclass(frozen=True)
class DeviceDone:
    """A device-flow login finished: the device authorization approved, or found gone (``approved`` False)."""

    session: UserSession
    approved: bool


@dataclass(frozen=True)
class NeedLogin:
    error: str | None = None
    username: str = ""
    remember_me: bool = False  # the form's Remember me box checked
    # A re-authentication: the SSO session's user, whose password alone the form asks for (Keycloak's
    # UsernamePasswordForm with the user set before it: USERNAME_HIDDEN, USER_SET_BEFORE_USERNAME_PASSWORD_AUTH).
    user_id: str | None = None
    success: str | None = None  # the page's success message (ResetCredentialEmail's forkWithSuccessMessage)


@dataclass(frozen=True)
class NeedPasswordUpdate:
    user_id: str
    error: str | None = None
    cancel: bool = False  # asked for by the client (kc_action): the page offers ``cancel-aia``
    request: AuthRequest | None = None  # the login request as it now stands, when a step changed it


@dataclass(frozen=True)
class NeedProfileUpdate:
    """Keycloak's login-update-profile.ftl: the form's values and an error per field (login-theme texts)."""

    user_id: str
    values: dict[str, str]
    errors: dict[str, str] = dataclasses.field(default_factory=dict)
    cancel: bool = False
    request: AuthRequest | None = None


@dataclass(frozen=True)
class NeedTerms:
    """Keycloak's terms.ftl: accept or decline."""

    user_id: str
    request: AuthRequest | None = None


@dataclass(frozen=True)
class NeedRegistration:
    """Keycloak's register.ftl: the values typed (never the passwords) and an error per field."""

    values: dict[str, str] = dataclasses.field(default_factory=dict)
    errors: dict[str, str] = dataclasses.field(default_factory=dict)
    user_id: None = None  # no user yet: the authentication session has none


@dataclass(frozen=True)
class NeedOtp:
    """The OTP Form (login-otp.ftl) for a user whose password was right and who has an OTP credential; the
    form's Remember me box is kept until the login ends."""

    user_id: str
    error: str | None = None
    selected: str | None = None  # the credential the form's radio buttons select (its ``selectedCredentialId``)
    remember_me: bool = False
    request: AuthRequest | None = None  # the request with the attempted username noted, to be kept


@dataclass(frozen=True)
class NeedTotpSetup:
    """The CONFIGURE_TOTP required action's page (login-config-totp.ftl); ``secret`` None: the authentication
    session's, or a new one; ``cancel``: asked for by the client, so the page offers ``cancel-aia``."""

    user_id: str
    error: str | None = None
    secret: str | None = None
    cancel: bool = False
    request: AuthRequest | None = None


@dataclass(frozen=True)
class NeedEmailVerification:
    """The VERIFY_EMAIL required action's page (login-verify-email.ftl); the web layer sends the e-mail."""

    user_id: str
    request: AuthRequest | None = None


@dataclass(frozen=True)
class NeedDeleteCredential:
    """DeleteCredentialAction's page (delete-credential.ftl): "Delete {label}", accept or ``cancel-aia``."""

    user_id: str
    label: str
    request: AuthRequest | None = None


@dataclass(frozen=True)
class AccountUpdated:
    """END_AFTER_REQUIRED_ACTIONS: the actions of an e-mailed link are done, the login ends on "Your account
    has been updated." with a link back to ``back_uri`` (AuthenticationManager.finishedRequiredActions)."""

    user_id: str
    back_uri: str | None


@dataclass(frozen=True)
class NeedDeleteAccount:
    """DeleteAccount's page (delete-account-confirm.ftl); ``cancel``: ``triggered_from_aia``."""

    user_id: str
    cancel: bool = False
    error: str | None = None
    request: AuthRequest | None = None


@dataclass(frozen=True)
class AccountDeleted:
    """DeleteAccount done: info.ftl's "User deleted successfully"; the login and the user are gone."""


@dataclass(frozen=True)
class NeedConsent:
    """The consent screen: the ``items`` still to grant; ``offered`` is every id the screen stands for, the
    client scopes the login resolved when it got there (the authentication session's client scopes)."""

    user_id: str
    items: tuple[ConsentItem, ...]
    request: AuthRequest | None = None
    offered: tuple[str, ...] = ()


@dataclass(frozen=True)
class Failed:
    """An error that goes back to the client's redirect URI."""

    error: str
    description: str


@dataclass(frozen=True)
class Refused:
    """An error page (400 unless a required action's challenge drew error.ftl: 200) that ends the login."""

    text: str
    status: int = 400


Outcome = (
    Done
    | DeviceDone
    | NeedLogin
    | NeedOtp
    | NeedPasswordUpdate
    | NeedTotpSetup
    | NeedProfileUpdate
    | NeedTerms
    | NeedEmailVerification
    | NeedRegistration
    | NeedDeleteCredential
    | NeedDeleteAccount
    | AccountDeleted
    | NeedConsent
    | AccountUpdated
    | Failed
    | Refused
)


async def _screen_items(tx: Tx, client: Client, user: User, request: AuthRequest) -> tuple[ConsentItem, ...]:
    """What the consent screen lists for this request: the requested scopes the user may be granted
    (isClientScopePermittedForUser), and the client itself where it is displayed. The screen and the
    consent stored when it is accepted are the same list."""
    granted = await scope_rules.permitted(tx, user, await scope_rules.resolve(tx, client, request.scope))
    return consent_screen.items(client, granted)


async def missing_consent(tx: Tx, client: Client, user: User, request: AuthRequest) -> tuple[ConsentItem, ...] | None:
    """The consent-screen lines the user has not yet granted this client, or None when there is nothing to
    ask (Keycloak's ``AuthenticationManager.nextRequiredAction``). The stored consent is ignored, so every line
    is asked again, for ``prompt=consent`` and for a device verification (``getEffectiveGrantedConsent``). A
    device verification always asks, even with nothing to list: ``getClientScopesToApproveOnConsentScreen``
    then puts the client itself on the screen, so a user who opens a ``verification_uri_complete`` an
    attacker sent must still click to hand over tokens (RFC 8628 §5.4)."""
    device = request.device_user_code is not None
    if not client.consent_required and not device:
        return None
    shown = await _screen_items(tx, client, user, request)
    if device:
        return shown or (consent_screen.client_item(client),)
    stored = None if has_prompt(request, "consent") else await tx.sessions.get_consent(user.id, client.id)
    have = set(stored.granted_scopes) if stored else set()
    return tuple(s for s in shown if s.id not in have) or None


def must_reauthenticate(request: AuthRequest, session: UserSession, now: int) -> bool:
    """OIDCLoginProtocol.requireReauthentication: ``prompt=login``, or ``max_age`` passed since the user last
    gave credentials (``isAuthTimeExpired``: the session's AUTH_TIME note); or ``kc_action=UPDATE_PASSWORD``
    past the action's max auth age (CookieAuthenticator)."""
    expired = request.max_age is not None and session.auth_time + request.max_age < now
    stale = required_actions.reauthentication_due(request, session.auth_time, now)
    return has_prompt(request, "login") or expired or stale


def pinned(request: AuthRequest, sso: tuple[UserSession, User] | None, now: int) -> AuthRequest:
    """The request with the SSO session it arrived with, kept for the whole login: Keycloak's
    AuthorizationEndpointBase.createAuthenticationSession gives the root authentication session the user
    session's id, and AuthenticationProcessor.attachSession finishes every later step in that session, a
    re-authentication included (same ``session_state``, a newer ``auth_time``)."""
    if sso is None:
        return request
    session, _ = sso
    return dataclasses.replace(
        request, user_session_id=session.id, sso_login=not must_reauthenticate(request, session, now)
    )


def has_prompt(request: AuthRequest, value: str) -> bool:
    """Keycloak's ``TokenUtil.hasPrompt``: ``prompt`` is a space-separated list (OIDC Core §3.1.2.1), so
    ``login consent`` asks for both."""
    return value in (request.prompt or "").split(" ")


async def _interaction_needed(tx: Tx, realm: Realm, client: Client, user: User, request: AuthRequest) -> bool:
    """Whether a passive login (``prompt=none``) over a valid SSO session must stop: a required action or a
    consent still to give. ``AuthorizationEndpointBase.handleBrowserAuthenticationRequest`` then sends
    ``PASSIVE_INTERACTION_REQUIRED``, which ``OIDCLoginProtocol`` translates to ``interaction_required``; a
    ``kc_action`` is such an action (AuthenticationManager.nextRequiredAction returns it); a disabled one is not."""
    if required_actions.pending(realm, user, request):
        return True
    return await missing_consent(tx, client, user, request) is not None


async def begin(
    tx: Tx,
    services: Services,
    realm: Realm,
    client: Client,
    request: AuthRequest,
    sso: tuple[UserSession, User] | None,
    browser: Browser,
    remembered: str | None = None,
) -> Outcome:
    """The authorization endpoint's decision on a ``pinned`` request: reuse the SSO session, ask its user to
    re-authenticate, or ask for credentials. The form is prefilled as UsernamePasswordForm.authenticate does:
    the ``login_hint``, else the remembered username (``KEYCLOAK_REMEMBER_ME``, read only while the realm has
    Remember Me on) with the box checked."""
    if sso is not None and request.sso_login:
        session, user = sso
        # AuthenticationManager.authenticateIdentityCookie: a login over the SSO cookie refreshes the session
        now = services.clock.now()
        await tx.sessions.touch_user_session(session.id, False, now)
        session = dataclasses.replace(session, last_session_refresh=now)
        if has_prompt(request, "none") and await _interaction_needed(tx, realm, client, user, request):
            return Failed("interaction_required", "")
        return await finish(tx, services, realm, client, request, user, session, fresh=False, browser=browser)
    if has_prompt(request, "none"):
        return Failed("login_required", "")
    if sso is not None:  # CookieAuthenticator: the user is known, only the password is asked again
        return NeedLogin(username=sso[1].username, user_id=sso[1].id)
    if request.login_hint:
        return NeedLogin(username=request.login_hint)
    if remembered is not None and realm.remember_me:
        return NeedLogin(username=remembered, remember_me=True)
    return NeedLogin()


async def pending(
    tx: Tx, client: Client, request: AuthRequest, step: str, user: User | None, *, remember_me: bool = False
) -> Outcome:
    """The page a login waits on (its authentication session's ``step``), shown again: the OTP form, a
    required action, the consent screen, the registration form, or the login form (for the known user of a
    re-authentication)."""
    if user is not None and step == OTP_STEP:
        return NeedOtp(user.id, remember_me=remember_me)
    if user is not None and step in (required_actions.DELETE_CREDENTIAL, required_actions.DELETE_ACCOUNT):
        from doorkeep.oauth import account_actions

        return await account_actions.page(tx, request, user, step)
    if user is not None and step in required_actions.HANDLED:
        return action_page(user, request, step)
    if step == REGISTER:
        return NeedRegistration(registration_prefill(request))
    if user is not None and step == "consent":
        offered = await _screen_items(tx, client, user, request)
        items = await missing_consent(tx, client, user, request) or offered
        return NeedConsent(user.id, items, offered=tuple(i.id for i in offered))
    if user is not None:
        return NeedLogin(username=user.username, user_id=user.id)
    return NeedLogin(username=request.login_hint or "")


async def precheck(
    tx: Tx,
    realm: Realm,
    auth_session_id: str,
    session_code: str,
    username: str,
    password: str,
    now: int,
) -> tuple[str, bool] | None:
    """Check the login form's password in a reading transaction, before the writing one opens.

    Argon2 then never runs under the write lock (SQLite's is global). Only a form of a live
    authentication session gets a password hashed. The verdict names the credential it was made
    against; ``authenticate`` reuses it only if that is still the user's credential.
    """
    auth_session = await tx.flows.get_auth_session(auth_session_id)
    if auth_session is None or auth_session.realm_id != realm.id or auth_session.expires <= now:
        return None
    if auth_session.step != "authenticate":  # the OTP form posts no password
        return None
    if not hmac.compare_digest(session_code.encode(), auth_session.form_token.encode()):
        return None
    username = form_username(username)
    if auth_session.user_id is not None:  # a re-authentication: the known user's password, as ``authenticate``
        user = await tx.users.get(auth_session.user_id)
    else:
        user = await find_user(tx, realm.id, username, realm.login_with_email_allowed) if username else None
    cred = await tx.users.password(user.id) if user else None
    ok = await check_password(tx, user, password)
    return (cred.id if cred else NO_CREDENTIAL, ok)


async def authenticate(
    tx: Tx,
    services: Services,
    realm: Realm,
    client: Client,
    request: AuthRequest,
    username: str,
    password: str,
    browser: Browser,
    remember_me: bool = False,
    verdict: tuple[str, bool] | None = None,
    known: User | None = None,
) -> Outcome:
    """The username and password form. Brute Force Detection is asked first: a locked user gets the
    wrong-password answer even with the right password, and that attempt is not counted. A re-authentication
    checks the ``known`` user's password whatever username is posted (UsernamePasswordForm.validateForm with
    the user set before it), so no other user can log in to the SSO session there."""
    user: User | None = known
    if known is not None:
        typed, username, wrong = known.username, known.username, INVALID_PASSWORD
    else:
        typed, username, wrong = username, form_username(username), INVALID_CREDENTIALS
        user = await find_user(tx, realm.id, username, realm.login_with_email_allowed) if username else None

    def again(error: str) -> NeedLogin:
        return NeedLogin(error, typed, remember_me, user_id=known.id if known else None)

    if user is not None:
        refused = await brute_force.refusal(tx, realm, user, services.clock.now())
        if refused is not None:
            await login_event(tx, services, realm, client, request, user, username, browser.ip_address, error=refused)
            return again(wrong)
    if not await check_password(tx, user, password, verdict) or user is None:
        error = "invalid_user_credentials" if user else "user_not_found"
        if user is not None and user.enabled and password:  # Keycloak counts no empty form password
            await brute_force.failed_login(tx, realm, user, browser.ip_address, services.clock.now_ms())
        await login_event(tx, services, realm, client, request, user, username, browser.ip_address, error=error)
        return again(wrong)
    if not user.enabled:
        await login_event(
            tx, services, realm, client, request, user, username, browser.ip_address, error="user_disabled"
        )
        return again(ACCOUNT_DISABLED)
    # The password is validated (AuthenticatorUtil.isPasswordValidated): UpdatePassword's trigger, shared with
    # the direct grant, gives a user whose password forceExpiredPasswordChange expired the UPDATE_PASSWORD page.
    user = await required_actions.password_validated(tx, realm, user, services.clock.now_ms())
    if known is None:
        request = dataclasses.replace(request, attempted_username=username)
    if await otp.stored(tx, user.id):  # the browser flow's conditional OTP Form: the user has an OTP credential
        return NeedOtp(user.id, remember_me=remember_me, request=request)
    return await proceed(tx, services, realm, client, request, user, browser, remember_me=remember_me)


async def proceed(
    tx: Tx,
    services: Services,
    realm: Realm,
    client: Client,
    request: AuthRequest,
    user: User,
    browser: Browser,
    *,
    remember_me: bool = False,
    consented: bool = False,
) -> Outcome:
    """``finish`` after a step of the login's forms, in the SSO session the request was ``pinned`` to while it is
    still valid (else a new one). As AuthenticationProcessor.attachSession, a valid session of another user
    ends the login on an error page; the login counts as fresh unless that session's cookie authenticated it."""
    session = await _pinned_session(tx, services, realm, request)
    if session is not None and session.user_id != user.id:
        other = await tx.users.get(session.user_id)
        return Refused(DIFFERENT_USER.format(other.username if other else ""))
    fresh = not (request.sso_login and session is not None)
    return await finish(
        tx,
        services,
        realm,
        client,
        request,
        user,
        session,
        fresh=fresh,
        browser=browser,
        remember_me=remember_me,
        consented=consented,
    )


async def _pinned_session(tx: Tx, services: Services, realm: Realm, request: AuthRequest) -> UserSession | None:
    if request.user_session_id is None:
        return None
    try:
        return await resume.user_session(tx, realm, request.user_session_id, False, services.clock.now(), write=False)
    except OAuthError:
        return None


async def finish(
    tx: Tx,
    services: Services,
    realm: Realm,
    client: Client,
    request: AuthRequest,
    user: User,
    session: UserSession | None,
    *,
    fresh: bool,
    browser: Browser,
    remember_me: bool = False,
    consented: bool = False,
) -> Outcome:
    """The user's locale pick stored, then required actions, then consent (unless the user ``consented`` just
    now), then the code. The pick is Keycloak's ``update_user_locale`` required action, whose triggers run
    first whenever a login reaches its required actions, an SSO login included."""
    if request.kc_locale is not None:
        now = services.clock.now()
        user = await user_locale.update_users_locale(
            tx, realm, user, request.kc_locale, now=now, client_id=client.client_id, ip=browser.ip_address
        )
    triggered_user = required_actions.verify_email_trigger(realm, user)
    if triggered_user is not user:
        user = triggered_user
        await tx.users.update(user)
    # In the order of the realm's required action priorities, then kc_action's; disabled ones are passed over.
    page, request = await _action_page(tx, services, realm, client, request, user, browser)
    if page is not None:
        return page
    if required_actions.unhandled(realm, user):
        return NeedLogin("Account is not fully set up")
    if request.end_after_actions:
        return AccountUpdated(user.id, request.redirect_uri or client_base(client))
    missing = None if consented else await missing_consent(tx, client, user, request)
    if missing is not None:
        offered = tuple(i.id for i in await _screen_items(tx, client, user, request))
        return NeedConsent(user.id, missing, request, offered)
    persisted = client.consent_required and not consented and not has_prompt(request, "consent")
    persisted = persisted and await tx.sessions.get_consent(user.id, client.id) is not None
    consent = consent_screen.event_detail(consented=consented, persisted=persisted)
    if fresh and session is not None:  # a re-authentication: the session's AUTH_TIME note moves
        notes = {**session.notes, AUTH_TIME_NOTE: str(services.clock.now())}
        await tx.sessions.update_user_session_notes(session.id, False, notes)
        session = dataclasses.replace(session, notes=notes)
    if request.device_user_code is not None:
        return await _approve_device(tx, services, realm, client, request, user, session, browser, remember_me, consent)
    response = await front_channel.respond(
        tx,
        services,
        realm,
        client,
        user,
        request,
        ip_address=browser.ip_address,
        session=session,
        fresh_login=fresh,
        remember_me=remember_me and realm.remember_me,
        user_agent=browser.user_agent,
    )
    if request.kc_action_status is not None:
        done = request.kc_action_done
        response = dataclasses.replace(response, kc_action=done, kc_action_status=request.kc_action_status)
    await _logged_in(tx, services, realm, client, request, user, response.session, browser, consent)
    return Done(response.session, response)


def client_base(client: Client) -> str | None:
    """The info and error pages' "Back to Application": the client's base URL, resolved against its root URL
    (ResolveRelative.resolveRelativeUri)."""
    base = client.base_url
    if base and base.startswith("/") and client.root_url:
        return client.root_url.rstrip("/") + base
    return base or None


async def _action_page(
    tx: Tx, services: Services, realm: Realm, client: Client, request: AuthRequest, user: User, browser: Browser
) -> tuple[Outcome | None, AuthRequest]:
    """The page of the next required action (None: none is left) and the request as it then stands. A challenge
    that passes over its action (delete_credential naming no credential of the user) answers ``error`` and the
    next action runs (AuthenticationManager.executeAction's IGNORE)."""
    from doorkeep.oauth import account_actions  # it finishes the login with this module's ``proceed``

    ignored: frozenset[str] = frozenset()
    while True:
        action, request = required_actions.next_action(realm, user, request, ignored)
        if action is None:
            return None, request
        if action not in account_actions.ACTIONS:
            return action_page(user, request, action), request
        page = await account_actions.challenge(tx, services, realm, client, request, user, action, browser)
        if page is not None:
            return page, request
        ignored |= {action}
        request = required_actions.settled(request, action, required_actions.ERROR)


def registration_prefill(request: AuthRequest) -> dict[str, str]:
    """RegistrationPage: the ``login_hint`` fills the username (the e-mail field takes it where the e-mail is
    the username: the page shows only one of them)."""
    hint = request.login_hint or ""
    return {"username": hint, "email": hint} if hint else {}


def action_page(user: User, request: AuthRequest, action: str) -> Outcome:
    """The page of a required action, with the cancel button when the client asked for it."""
    cancel = required_actions.app_initiated(request, user, action)
    if action == required_actions.UPDATE_PROFILE:
        values = {k: v or "" for k, v in account_profile.current(user).items()}
        return NeedProfileUpdate(user.id, values, cancel=cancel, request=request)
    if action == required_actions.TERMS_AND_CONDITIONS:
        return NeedTerms(user.id, request)
    if action == required_actions.CONFIGURE_TOTP:
        return NeedTotpSetup(user.id, cancel=cancel, request=request)
    if action == required_actions.VERIFY_EMAIL:
        return NeedEmailVerification(user.id, request)
    return NeedPasswordUpdate(user.id, cancel=cancel, request=request)


async def _approve_device(
    tx: Tx,
    services: Services,
    realm: Realm,
    client: Client,
    request: AuthRequest,
    user: User,
    session: UserSession | None,
    browser: Browser,
    remember_me: bool,
    consent: str,
) -> Outcome:
    """The device flow's end: the session and client session, then the device authorization approved."""
    assert request.device_user_code is not None
    now = services.clock.now()
    session = await authorize.attach_client(
        tx,
        realm,
        client,
        user,
        request,
        now=now,
        ip_address=browser.ip_address,
        session=session,
        remember_me=remember_me and realm.remember_me,
        user_agent=browser.user_agent,
    )
    approved = await device_verification.approve(tx, realm, request.device_user_code, session.id, now)
    await _logged_in(tx, services, realm, client, request, user, session, browser, consent)
    return DeviceDone(session, approved)


async def _logged_in(
    tx: Tx,
    services: Services,
    realm: Realm,
    client: Client,
    request: AuthRequest,
    user: User,
    session: UserSession,
    browser: Browser,
    consent: str,
) -> None:
    """The LOGIN event of a login that ended in ``session`` (a code issued, or a device approved), with its
    ``consent`` detail; and AuthenticationManager.logSuccess (in redirectAfterSuccessfulFlow): the user's failed
    logins are cleared only once the whole flow is through, its OTP form, required actions and consent included,
    whichever flow authenticated the user (a reset-credentials link too, BruteForceTest.testResetPassword)."""
    await brute_force.successful_login(tx, realm, user)
    await login_event(
        tx,
        services,
        realm,
        client,
        request,
        user,
        session.login_username,
        browser.ip_address,
        session_id=session.id,
        remember_me=session.remember_me,
        extra={"consent": consent},
    )


async def login_event(
    tx: Tx,
    services: Services,
    realm: Realm,
    client: Client,
    request: AuthRequest,
    user: User | None,
    username: str,
    ip_address: str,
    *,
    error: str | None = None,
    session_id: str | None = None,
    remember_me: bool = False,
    extra: dict[str, str] | None = None,
) -> None:
    """LOGIN when the code is issued, LOGIN_ERROR when the credentials are refused (``extra``: an
    authenticator's own details, the OTP form's ``selected_credential_id``)."""
    details = {
        "auth_method": "openid-connect",
        "auth_type": "code",
        "response_type": request.response_type or None,  # none of the three for a device's login
        "response_mode": request.response_mode or None,
        "redirect_uri": request.redirect_uri or None,
        "code_id": session_id,
        "username": username or None,
        "remember_me": "true" if remember_me else None,
        **(extra or {}),
    }
    await events.record(
        tx,
        realm,
        "LOGIN_ERROR" if error else "LOGIN",
        now=services.clock.now(),
        client_id=client.client_id,
        user_id=user.id if user else None,
        session_id=session_id,
        ip=ip_address,
        error=error,
        details=details,
    )


async def update_password(
    tx: Tx,
    services: Services,
    realm: Realm,
    client: Client,
    request: AuthRequest,
    user: User,
    new: str,
    confirm: str,
    browser: Browser,
    *,
    logout_others: bool = False,
) -> Outcome:
    """UpdatePassword.processAction; ``logout_others``: the page's "Sign out from other devices" box, acted on
    once both fields are filled in and equal, before the password is checked against the policy (as Keycloak)."""
    from doorkeep.realms.bootstrap import set_password

    def again(error: str) -> NeedPasswordUpdate:
        return NeedPasswordUpdate(user.id, error, required_actions.app_initiated(request, user, UPDATE_PASSWORD))

    if not new:
        return again("Please specify password.")
    if new != confirm:
        return again("Passwords don't match.")
    if logout_others:
        await logout_other_sessions(tx, services, realm, client, request, user, UPDATE_PASSWORD, browser.ip_address)
    cred = await tx.users.password(user.id)
    reused = False
    if cred is not None:
        reused = await asyncio.to_thread(passwords.verify, new, cred.secret_data, cred.credential_data)
    if reused:
        return again("Invalid password: must not be equal to any of last 1 passwords.")
    try:
        await enforce_policy(tx, realm, user, new)
    except PolicyViolation as refused:
        return again(refused.text)
    await set_password(tx, user, new, services.clock.now())
    await credential_updated(tx, services, realm, client, request, user, browser.ip_address, "password")
    user = with_password_update(user, False)
    await tx.users.update(user)
    await triggered.end_for_user(tx, realm, user.id, revocation_triggers.PASSWORD_CHANGE, now=services.clock.now())
    request = required_actions.settled(request, UPDATE_PASSWORD, required_actions.SUCCESS)
    return await proceed(tx, services, realm, client, request, user, browser)


DEPRECATED_EVENTS = {"password": "UPDATE_PASSWORD", otp.TYPE: "UPDATE_TOTP"}


async def credential_updated(
    tx: Tx,
    services: Services,
    realm: Realm,
    client: Client,
    request: AuthRequest,
    user: User,
    ip_address: str,
    credential_type: str,
) -> None:
    """Keycloak's UpdatePassword and UpdateTotp required actions record their deprecated event (UPDATE_PASSWORD,
    UPDATE_TOTP) and then UPDATE_CREDENTIAL, each with the ``credential_type`` (BruteForceTest.testResetPassword);
    each is kept if the realm keeps its type."""
    for type in (DEPRECATED_EVENTS[credential_type], "UPDATE_CREDENTIAL"):
        more = {"credential_type": credential_type}
        await login_events.record(tx, services, realm, client, request, user, ip_address, type, more=more)


async def grant_consent(
    tx: Tx,
    services: Services,
    realm: Realm,
    client: Client,
    request: AuthRequest,
    user: User,
    browser: Browser,
    offered: frozenset[str] | None = None,
) -> Outcome:
    """The screen accepted: what it stood for (``offered``: a client scope added to the client while it was
    open is not granted, LoginActionsService.processConsent grants the authentication session's scopes) is
    stored in the user's consent, then the login goes on."""
    now_ms = services.clock.now() * 1000
    granted = [i for i in await _screen_items(tx, client, user, request) if offered is None or i.id in offered]
    existing = await tx.sessions.get_consent(user.id, client.id)
    ids = set(existing.granted_scopes if existing else ()) | {s.id for s in granted}
    await tx.sessions.save_consent(
        Consent(user.id, client.id, tuple(sorted(ids)), existing.created_date if existing else now_ms, now_ms)
    )
    return await proceed(tx, services, realm, client, request, user, browser, consented=True)


async def deny_consent(
    tx: Tx, services: Services, realm: Realm, client: Client, request: AuthRequest, user: User, browser: Browser
) -> Outcome:
    """The screen cancelled: a LOGIN_ERROR ``rejected_by_user`` without a session (LoginActionsService
    .processConsent), and ``access_denied`` back to the client (Error.CONSENT_DENIED)."""
    await login_event(
        tx, services, realm, client, request, user, user.username, browser.ip_address, error=REJECTED_BY_USER
    )
    return Failed("access_denied", "")
