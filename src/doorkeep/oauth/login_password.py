"""The browser login's username and password form (Keycloak's UsernamePasswordForm), and its
re-authentication variant, which asks the SSO session's user for the password alone.
"""

from __future__ import annotations

import dataclasses
import hmac
from typing import TYPE_CHECKING

from doorkeep.model import Client, Realm, User
from doorkeep.oauth import login_completion, login_events, login_gates, required_actions
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.oauth.login_outcomes import Browser, NeedLogin, Outcome
from doorkeep.oauth.login_step import LoginSite, StepContext
from doorkeep.users import brute_force
from doorkeep.users.credentials import SharedEmail, Verdict, assess, check_password, find_login_user

PASSWORD_TYPE = "password"  # PasswordCredentialModel.TYPE: what the password step validates (context.success)

if TYPE_CHECKING:
    from doorkeep.oauth.context import Services
    from doorkeep.store.tx import Tx

INVALID_CREDENTIALS = "Invalid username or password."

USERNAME_EXISTS = "Username already exists."  # Messages.USERNAME_EXISTS, for an e-mail several users share

INVALID_PASSWORD = "Invalid password."  # Messages.INVALID_PASSWORD: PasswordForm's only field

ACCOUNT_DISABLED = "Account is disabled, contact your administrator."

_JAVA_TRIMMED = "".join(map(chr, range(0x21)))  # what Java's String.trim() strips: U+0000 to U+0020


def form_username(typed: str) -> str:
    """The login form's username as Keycloak's AbstractUsernameFormAuthenticator uses it: ``username.trim()``
    (the password grant's ValidateUsername does not trim)."""
    return typed.strip(_JAVA_TRIMMED)


async def precheck(
    tx: Tx,
    realm: Realm,
    tab: tuple[str, str | None],
    session_code: str,
    username: str,
    password: str,
    now: int,
) -> Verdict | None:
    """Check the login form's password in a reading transaction, before the writing one opens.

    Argon2 then never runs under the write lock (SQLite's is global). Only a form of a live
    authentication session gets a password hashed. The verdict names the credential it was made
    against, and the password hashed again if the realm's policy asks (``credentials.assess``); ``authenticate``
    reuses it only if that is still the user's credential. ``tab``: the root
    authentication session (the AUTH_SESSION_ID cookie) and the form's ``tab_id``.
    """
    root, tab_id = tab
    auth_session = await tx.flows.get_tab(realm.id, root, tab_id, session_code) if root else None
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
        try:
            user = await find_login_user(tx, realm.id, username, realm.login_with_email_allowed) if username else None
        except SharedEmail:
            return None
    return await assess(tx, realm, user, password)


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
    verdict: Verdict | None = None,
    known: User | None = None,
    password_form: bool = False,
) -> Outcome:
    """The username and password form. Brute Force Detection is asked first: a locked user gets the
    wrong-password answer even with the right password, and that attempt is not counted. A re-authentication
    checks the ``known`` user's password whatever username is posted (UsernamePasswordForm.validateForm with
    the user set before it), so no other user can log in to the SSO session there. A wrong password is the
    generic "Invalid username or password." on every username and password form, the known user's too (the
    re-authentication, the form after UsernameForm, the organization step's): AbstractUsernameFormAuthenticator.
    getDefaultChallengeMessage answers Messages.INVALID_USER whether or not the user was set before the form
    (keycloak@b137016c, the CVE-2026-4633 fix). ``password_form``: the known user's page is PasswordForm (an
    identity-first flow's password page), which overrides it and keeps "Invalid password."."""
    user: User | None = known
    if known is not None:  # identity-first's password page names the username the login typed (ATTEMPTED_USERNAME)
        shown = request.attempted_username or known.username
        typed, username = shown, shown
        wrong = INVALID_PASSWORD if password_form and not request.username_hidden else INVALID_CREDENTIALS
    else:
        typed, username, wrong = username, form_username(username), INVALID_CREDENTIALS

    def again(error: str) -> NeedLogin:
        info = "" if known is not None and request.attempted_username else None  # not a re-authentication
        return NeedLogin(error, typed, remember_me, user_id=known.id if known else None, info=info)

    if known is None:
        try:
            user = await find_login_user(tx, realm.id, username, realm.login_with_email_allowed) if username else None
        except SharedEmail:  # setDuplicateUserChallenge: USERNAME_IN_USE and "Username already exists."
            await login_events.duplicate_user(LoginSite(tx, services, realm, client, request, browser), username)
            return again(USERNAME_EXISTS)

    if user is None:  # no user to check a password of: the same answer as a wrong password
        await check_password(tx, user, password, verdict, realm=realm)
        await login_events.unknown_user(LoginSite(tx, services, realm, client, request, browser), username)
        return again(wrong)
    ctx = StepContext(tx, services, realm, client, request, user, browser)
    refused = await brute_force.refusal(tx, realm, user, services.clock.now())
    if refused is not None:
        await login_events.login_event(ctx, username, error=refused)
        return again(wrong)
    if not await check_password(tx, user, password, verdict, realm=realm):
        if user.enabled and password:  # Keycloak counts no empty form password
            now = services.clock.now_ms()
            await brute_force.failed_login(tx, realm, user, browser.ip_address, now, attempted=username)
        await login_events.login_event(ctx, username, error="invalid_user_credentials")
        return again(wrong)
    if not user.enabled:
        await login_events.login_event(ctx, username, error="user_disabled")
        return again(ACCOUNT_DISABLED)
    if known is None:
        ctx = dataclasses.replace(ctx, request=dataclasses.replace(request, attempted_username=username))
    gate = login_gates.password_gate(ctx) if known is not None else None  # the password as the first gate's choice
    start, used = (0, None) if gate is None else (gate + 1, PASSWORD_TYPE)
    page, ctx = await login_gates.after(ctx, start, remember_me=remember_me, used=used)  # the flow's steps after it
    if page is not None:
        return page
    user = await password_validated(tx, services, realm, user)
    return await login_completion.proceed(dataclasses.replace(ctx, user=user), remember_me=remember_me)


async def password_validated(tx: Tx, services: Services, realm: Realm, user: User) -> User:
    """The browser flow is through and its password form validated the password (AuthenticatorUtil
    .isPasswordValidated): AuthenticationProcessor evaluates the required-action triggers only now, at the flow's
    end, so UpdatePassword's (forceExpiredPasswordChange) gives UPDATE_PASSWORD to no user who stopped at the OTP
    form. Shared with the direct grant through ``required_actions.password_validated``."""
    return await required_actions.password_validated(tx, realm, user, services.clock.now_ms())
