"""Identity-first login's first page (Keycloak's UsernameForm, ``auth-username-form``): the username alone.

UsernameForm.validateForm is AbstractUsernameFormAuthenticator.validateUser: an empty username or one that names
no user is LOGIN_ERROR ``user_not_found`` with the form's own message (getDefaultChallengeMessage:
``invalidUsernameOrEmailMessage`` while the realm allows login with e-mail, else ``invalidUsernameMessage``);
an e-mail several users share is ``username_in_use``; a user Brute Force Detection locks out is refused
(isDisabledByBruteForce, not counted) and a disabled one gets ``accountDisabledMessage`` (enabledUser). A known
user's Remember me box is kept for the login (the REMEMBER_ME note), and the typed username is the login's
ATTEMPTED_USERNAME; the password page (PasswordForm, ``auth-password-form``) follows, naming that username with
the "Restart login" link (login-password.ftl), and checks the password as the re-authentication form does
(oauth/login_password.py: ``invalidPasswordMessage``). In a passwordless flow the steps after the username run at
once, the passkey (WebAuthnPasswordlessAuthenticator) first (oauth/login_gates.py).
"""

from __future__ import annotations

import dataclasses

from doorkeep.model import Realm
from doorkeep.oauth import login_completion, login_events, login_gates
from doorkeep.oauth.login_outcomes import NeedLogin, Outcome
from doorkeep.oauth.login_password import ACCOUNT_DISABLED, USERNAME_EXISTS, form_username
from doorkeep.oauth.login_step import LoginSite, StepContext
from doorkeep.users import brute_force
from doorkeep.users.credentials import SharedEmail, Verdict, check_password, find_login_user

INVALID_USERNAME = "Invalid username."  # Messages.INVALID_USERNAME ("invalidUsernameMessage")
INVALID_USERNAME_OR_EMAIL = "Invalid username or email."  # Messages.INVALID_USERNAME_OR_EMAIL


def default_message(realm: Realm) -> str:
    """UsernameForm.getDefaultChallengeMessage."""
    return INVALID_USERNAME_OR_EMAIL if realm.login_with_email_allowed else INVALID_USERNAME


async def identify(
    site: LoginSite,
    typed: str,
    *,
    remember_me: bool = False,
    verdict: Verdict | None = None,
    passkey: bool = False,
) -> Outcome:
    """The username page's POST: the password page for the user it names (``passkey``: the steps after the
    username, the passkey first), else the username page again with the error. ``verdict``: the reading
    transaction's dummy hash for an unknown user (AuthenticatorUtils.dummyHash, so that an unknown name costs the
    time a known one does), reused here."""
    tx, services, realm = site.tx, site.services, site.realm
    username = form_username(typed)
    wrong = default_message(realm)

    def again(error: str) -> NeedLogin:
        return NeedLogin(error, typed, remember_me)

    try:
        user = await find_login_user(tx, realm.id, username, realm.login_with_email_allowed) if username else None
    except SharedEmail:  # setDuplicateUserChallenge
        await login_events.duplicate_user(site, username)
        return again(USERNAME_EXISTS)
    if user is None:
        await check_password(tx, None, "", verdict, realm=realm)
        await login_events.unknown_user(site, username)
        return again(wrong)
    ctx = StepContext(tx, services, realm, site.client, site.request, user, site.browser)
    # the organization step (USERNAME_HIDDEN) leaves Brute Force Detection to the password page, as
    # OrganizationAuthenticator does: a locked user is not told apart before a password is sent
    hidden = site.request.username_hidden
    refused = None if hidden else await brute_force.refusal(tx, realm, user, services.clock.now())
    if refused is not None:  # isDisabledByBruteForce: forceChallenge, no failure counted
        await login_events.login_event(ctx, username, error=refused)
        return again(wrong)
    if not user.enabled:
        await login_events.login_event(ctx, username, error="user_disabled")
        return again(ACCOUNT_DISABLED)
    remember = realm.remember_me and remember_me
    request = dataclasses.replace(site.request, attempted_username=username)
    if passkey:  # WebAuthnPasswordlessAuthenticator, then the rest of the flow: no password validated
        ctx = dataclasses.replace(ctx, request=request)
        page, ctx = await login_gates.after(ctx, 0, remember_me=remember)
        return page if page is not None else await login_completion.proceed(ctx, remember_me=remember)
    denied = await login_gates.before_password(dataclasses.replace(ctx, request=request))
    if denied is not None:  # Deny Access in a CONDITIONAL sub-flow before the password page
        return denied
    return NeedLogin(username=username, remember_me=remember, user_id=user.id, request=request, info="")
