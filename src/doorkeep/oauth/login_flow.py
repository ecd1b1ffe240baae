"""The browser login as a small state machine: credentials, required actions, consent, then a code.

Each step returns an outcome the web layer renders (a page, or a redirect to the client).
"""

from __future__ import annotations

import asyncio
import hmac
from dataclasses import dataclass
from typing import TYPE_CHECKING

from doorkeep import events
from doorkeep.model import UPDATE_PASSWORD, Client, Consent, Realm, User, UserSession, with_password_update
from doorkeep.oauth import authorize, device_verification
from doorkeep.oauth import consent as consent_screen
from doorkeep.oauth import scopes as scope_rules
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.oauth.consent import ConsentItem
from doorkeep.sessions import revocation_triggers, triggered
from doorkeep.users import brute_force, passwords
from doorkeep.users.credentials import NO_CREDENTIAL, check_password, enforce_policy, find_user
from doorkeep.users.password_policy import PolicyViolation

if TYPE_CHECKING:
    from doorkeep.oauth.context import Services
    from doorkeep.store.tx import Tx

INVALID_CREDENTIALS = "Invalid username or password."
ACCOUNT_DISABLED = "Account is disabled, contact your administrator."
SUPPORTED_ACTIONS = {UPDATE_PASSWORD}
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
    code: str


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


@dataclass(frozen=True)
class NeedPasswordUpdate:
    user_id: str
    error: str | None = None


@dataclass(frozen=True)
class NeedConsent:
    user_id: str
    items: tuple[ConsentItem, ...]


@dataclass(frozen=True)
class Failed:
    """An error that goes back to the client's redirect URI."""

    error: str
    description: str


Outcome = Done | DeviceDone | NeedLogin | NeedPasswordUpdate | NeedConsent | Failed


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
    shown = consent_screen.items(
        client, await scope_rules.permitted(tx, user, await scope_rules.resolve(tx, client, request.scope))
    )
    if device:
        return shown or (consent_screen.client_item(client),)
    stored = None if has_prompt(request, "consent") else await tx.sessions.get_consent(user.id, client.id)
    have = set(stored.granted_scopes) if stored else set()
    return tuple(s for s in shown if s.id not in have) or None


def has_prompt(request: AuthRequest, value: str) -> bool:
    """Keycloak's ``TokenUtil.hasPrompt``: ``prompt`` is a space-separated list (OIDC Core §3.1.2.1), so
    ``login consent`` asks for both."""
    return value in (request.prompt or "").split(" ")


async def _interaction_needed(tx: Tx, client: Client, user: User, request: AuthRequest) -> bool:
    """Whether a passive login (``prompt=none``) over a valid SSO session must stop: a required action or a
    consent still to give. ``AuthorizationEndpointBase.handleBrowserAuthenticationRequest`` then sends
    ``PASSIVE_INTERACTION_REQUIRED``, which ``OIDCLoginProtocol`` translates to ``interaction_required``."""
    if user.required_actions:
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
    """The authorization endpoint's decision: reuse the SSO session, or ask for credentials. The form is
    prefilled as UsernamePasswordForm.authenticate does: the ``login_hint``, else the remembered username
    (``KEYCLOAK_REMEMBER_ME``, read only while the realm has Remember Me on) with the box checked."""
    now = services.clock.now()
    if sso is not None and not has_prompt(request, "login"):
        session, user = sso
        if request.max_age is None or now - session.started <= request.max_age:
            if has_prompt(request, "none") and await _interaction_needed(tx, client, user, request):
                return Failed("interaction_required", "")
            return await finish(tx, services, realm, client, request, user, session, fresh=False, browser=browser)
    if has_prompt(request, "none"):
        return Failed("login_required", "")
    if request.login_hint:
        return NeedLogin(username=request.login_hint)
    if remembered is not None and realm.remember_me:
        return NeedLogin(username=remembered, remember_me=True)
    return NeedLogin()


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
    if not hmac.compare_digest(session_code.encode(), auth_session.form_token.encode()):
        return None
    username = form_username(username)
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
) -> Outcome:
    """The username and password form. Brute Force Detection is asked first: a locked user gets the
    wrong-password answer even with the right password, and that attempt is not counted."""
    typed, username = username, form_username(username)
    user = await find_user(tx, realm.id, username, realm.login_with_email_allowed) if username else None
    if user is not None:
        refused = await brute_force.refusal(tx, realm, user, services.clock.now())
        if refused is not None:
            await _login_event(tx, services, realm, client, request, user, username, browser.ip_address, error=refused)
            return NeedLogin(INVALID_CREDENTIALS, typed, remember_me)
    if not await check_password(tx, user, password, verdict) or user is None:
        error = "invalid_user_credentials" if user else "user_not_found"
        if user is not None and user.enabled and password:  # Keycloak counts no empty form password
            await brute_force.failed_login(tx, realm, user, browser.ip_address, services.clock.now_ms())
        await _login_event(tx, services, realm, client, request, user, username, browser.ip_address, error=error)
        return NeedLogin(INVALID_CREDENTIALS, typed, remember_me)
    if not user.enabled:
        await _login_event(
            tx, services, realm, client, request, user, username, browser.ip_address, error="user_disabled"
        )
        return NeedLogin(ACCOUNT_DISABLED, typed, remember_me)
    await brute_force.successful_login(tx, realm, user)
    return await finish(
        tx, services, realm, client, request, user, None, fresh=True, browser=browser, remember_me=remember_me
    )


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
    """Required actions, then consent (unless the user ``consented`` just now), then the code."""
    if UPDATE_PASSWORD in user.required_actions:
        return NeedPasswordUpdate(user.id)
    if set(user.required_actions) - SUPPORTED_ACTIONS:
        return NeedLogin("Account is not fully set up")
    missing = None if consented else await missing_consent(tx, client, user, request)
    if missing is not None:
        return NeedConsent(user.id, missing)
    if request.device_user_code is not None:
        return await _approve_device(tx, services, realm, client, request, user, session, browser, remember_me)
    session, code = await authorize.issue_code(
        tx,
        realm,
        client,
        user,
        request,
        now=services.clock.now(),
        ip_address=browser.ip_address,
        session=session,
        fresh_login=fresh,
        remember_me=remember_me and realm.remember_me,
        user_agent=browser.user_agent,
    )
    await _logged_in(tx, services, realm, client, request, user, session, browser)
    return Done(session, code)


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
    await _logged_in(tx, services, realm, client, request, user, session, browser)
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
) -> None:
    """The LOGIN event of a login that ended in ``session`` (a code issued, or a device approved)."""
    await _login_event(
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
    )


async def _login_event(
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
) -> None:
    """LOGIN when the code is issued, LOGIN_ERROR when the credentials are refused."""
    details = {
        "auth_method": "openid-connect",
        "auth_type": "code",
        "response_type": request.response_type or None,  # none of the three for a device's login
        "response_mode": request.response_mode or None,
        "redirect_uri": request.redirect_uri or None,
        "code_id": session_id,
        "username": username or None,
        "remember_me": "true" if remember_me else None,
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
) -> Outcome:
    from doorkeep.realms.bootstrap import set_password

    if not new:
        return NeedPasswordUpdate(user.id, "Please specify password.")
    if new != confirm:
        return NeedPasswordUpdate(user.id, "Passwords don't match.")
    cred = await tx.users.password(user.id)
    reused = False
    if cred is not None:
        reused = await asyncio.to_thread(passwords.verify, new, cred.secret_data, cred.credential_data)
    if reused:
        return NeedPasswordUpdate(user.id, "Invalid password: must not be equal to any of last 1 passwords.")
    try:
        await enforce_policy(tx, realm, user, new)
    except PolicyViolation as refused:
        return NeedPasswordUpdate(user.id, refused.text)
    await set_password(tx, user, new, services.clock.now())
    await _password_updated(tx, services, realm, client, request, user, browser.ip_address)
    user = with_password_update(user, False)
    await tx.users.update(user)
    await triggered.end_for_user(tx, realm, user.id, revocation_triggers.PASSWORD_CHANGE, now=services.clock.now())
    return await finish(tx, services, realm, client, request, user, None, fresh=True, browser=browser)


async def _password_updated(
    tx: Tx, services: Services, realm: Realm, client: Client, request: AuthRequest, user: User, ip_address: str
) -> None:
    """Keycloak's UpdatePassword required action records UPDATE_PASSWORD and UPDATE_CREDENTIAL, each with
    ``credential_type=password`` (BruteForceTest.testResetPassword); each is kept if the realm keeps its type."""
    details = {
        "auth_method": "openid-connect",
        "redirect_uri": request.redirect_uri or None,
        "username": user.username,
        "credential_type": "password",
    }
    for type in ("UPDATE_PASSWORD", "UPDATE_CREDENTIAL"):
        await events.record(
            tx,
            realm,
            type,
            now=services.clock.now(),
            client_id=client.client_id,
            user_id=user.id,
            ip=ip_address,
            details=details,
        )


async def grant_consent(
    tx: Tx,
    services: Services,
    realm: Realm,
    client: Client,
    request: AuthRequest,
    user: User,
    browser: Browser,
) -> Outcome:
    now_ms = services.clock.now() * 1000
    granted = consent_screen.items(
        client, await scope_rules.permitted(tx, user, await scope_rules.resolve(tx, client, request.scope))
    )
    existing = await tx.sessions.get_consent(user.id, client.id)
    ids = set(existing.granted_scopes if existing else ()) | {s.id for s in granted}
    await tx.sessions.save_consent(
        Consent(user.id, client.id, tuple(sorted(ids)), existing.created_date if existing else now_ms, now_ms)
    )
    return await finish(tx, services, realm, client, request, user, None, fresh=True, browser=browser, consented=True)
