"""The start of the browser login (AuthorizationEndpoint's authentication session): the SSO session reused,
its user asked to re-authenticate (``prompt=login``, ``max_age``), or the login form; and the page a login
waits on, shown again.

The steps after it: ``login_password`` (the username and password form), ``login_otp`` (the OTP form),
``login_completion`` (required actions, consent, then the code), ``login_consent`` (the consent screen's
answer). Each returns a ``login_outcomes.Outcome``.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from doorkeep.model import Client, Realm, User, UserSession
from doorkeep.oauth import (
    account_actions,
    flow_gates,
    loa,
    login_broker,
    login_completion,
    login_gates,
    login_organization,
    required_actions,
)
from doorkeep.oauth import consent as consent_screen
from doorkeep.oauth.authorize import AuthRequest, has_prompt
from doorkeep.oauth.login_outcomes import (
    Browser,
    Failed,
    NeedConsent,
    NeedLogin,
    NeedOrganization,
    NeedOtp,
    NeedRecoveryCode,
    NeedRegistration,
    NeedSelection,
    NeedWebAuthn,
    Outcome,
    Refused,
)
from doorkeep.oauth.login_step import LoginSite, StepContext
from doorkeep.realms import flow_levels
from doorkeep.realms.flow_model import of
from doorkeep.users import recovery_codes

if TYPE_CHECKING:
    from doorkeep.oauth.context import Services
    from doorkeep.store.tx import Tx

OTP_STEP = "otp"  # the OTP Form of the browser flow, after the password
WEBAUTHN_STEP = "webauthn-authenticator"  # the WebAuthn authenticator of the browser flow, after the password
# WebAuthnPasswordlessAuthenticator, after the username page (its provider id is longer than the step column's 32)
PASSKEY_STEP = "webauthn-passwordless"
RECOVERY_STEP = "auth-recovery-authn-code-form"  # RecoveryAuthnCodesFormAuthenticator, after the password
SELECT_STEP = "select-authenticator"  # select-authenticator.ftl: "Try Another Way"'s list
ORGANIZATION_STEP = "organization"  # select-organization.ftl: the organization step's pick among the user's
# the pages of a gate's choice (the passkey's: identity-first's choice of the password or the passkey)
GATE_STEPS = frozenset({OTP_STEP, WEBAUTHN_STEP, RECOVERY_STEP, SELECT_STEP, PASSKEY_STEP})
REGISTER = "register"  # the authentication session's step while the registration form is shown
# APP_INITIATED_FLOW of a login begun at the forgot-credentials endpoint (LoginActionsService.RESET_CREDENTIALS_PATH)
RESET_CREDENTIALS = "reset-credentials"


def must_reauthenticate(
    realm: Realm, request: AuthRequest, session: UserSession, now: int, off: frozenset[str] = frozenset()
) -> bool:
    """OIDCLoginProtocol.requireReauthentication: ``prompt=login``, or ``max_age`` passed since the user last
    gave credentials (``isAuthTimeExpired``: the session's AUTH_TIME note); or ``kc_action=UPDATE_PASSWORD``
    past the action's max auth age (CookieAuthenticator)."""
    expired = request.max_age is not None and session.auth_time + request.max_age < now
    stale = required_actions.reauthentication_due(realm, request, session.auth_time, now, off)
    return has_prompt(request, "login") or expired or stale


def pinned(
    realm: Realm,
    request: AuthRequest,
    sso: tuple[UserSession, User] | None,
    now: int,
    disabled: frozenset[str] = frozenset(),
) -> AuthRequest:
    """The request with the SSO session it arrived with, kept for the whole login: Keycloak's
    AuthorizationEndpointBase.createAuthenticationSession gives the root authentication session the user
    session's id, and AuthenticationProcessor.attachSession finishes every later step in that session, a
    re-authentication included (same ``session_state``, a newer ``auth_time``). ``disabled``: the server's
    features turned off."""
    if sso is None:
        return request
    session, _ = sso
    return dataclasses.replace(
        request,
        user_session_id=session.id,
        sso_login=not must_reauthenticate(realm, request, session, now, required_actions.unavailable(disabled)),
    )


async def _interaction_needed(step: StepContext) -> tuple[bool, StepContext]:
    """Whether a passive login (``prompt=none``) over a valid SSO session must stop: a required action or a
    consent still to give. ``AuthorizationEndpointBase.handleBrowserAuthenticationRequest`` then sends
    ``PASSIVE_INTERACTION_REQUIRED``, which ``OIDCLoginProtocol`` translates to ``interaction_required``; a
    ``kc_action`` is such an action (AuthenticationManager.nextRequiredAction returns it); a disabled one is not.
    nextRequiredAction evaluates the triggers first (``login_completion.triggered``): a profile VERIFY_PROFILE
    finds failing stops the login, an administrator's VERIFY_PROFILE on a user whose profile passes does not.
    The step as the triggers left it goes on."""
    step = await login_completion.triggered(step)
    user, request = step.user, step.request
    off = required_actions.unavailable(step.services.disabled_features)
    if required_actions.pending(step.realm, user, request, off):
        return True, step
    return await consent_screen.missing_consent(step.tx, step.client, user, request) is not None, step


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
    re-authenticate (or step up to a higher level), or ask for credentials. The form is prefilled as
    UsernamePasswordForm.authenticate does: the ``login_hint``, else the remembered username
    (``KEYCLOAK_REMEMBER_ME``, read only while the realm has Remember Me on) with the box checked."""
    if sso is not None and not _cookie_runs(realm, client, request):
        sso = None  # the flow's SSO cookie step (auth-cookie) is off: the forms ask again
    if sso is not None:
        request = await _cookie_levels(tx, realm, client, request, sso, services.clock.now())
    if sso is not None and request.sso_login:
        session, user = sso
        # AuthenticationManager.authenticateIdentityCookie: a login over the SSO cookie refreshes the session
        now = services.clock.now()
        await tx.sessions.touch_user_session(session.id, False, now)
        session = dataclasses.replace(session, last_session_refresh=now)
        # CookieAuthenticator (Keycloak 26.1) leaves a login asking for an organization scope to the Organization
        # step: a member of several picks again, a non-member of a members-only one is refused; without
        # interaction either is login_required
        held = await login_organization.over_cookie(LoginSite(tx, services, realm, client, request, browser), user)
        if held is not None:
            return Failed("login_required", "") if has_prompt(request, "none") else held
        step = StepContext(tx, services, realm, client, request, user, browser)
        if has_prompt(request, "none"):
            needed, step = await _interaction_needed(step)
            if needed:
                return Failed("interaction_required", "")
        return await login_completion.finish(step, session, fresh=False)
    if has_prompt(request, "none") and sso is not None and not request.loa_forced_reauthentication:
        return await _passive_step_up(tx, services, realm, client, request, sso, browser)
    if has_prompt(request, "none"):
        return Failed("login_required", "", no_session=True)
    if sso is not None:  # CookieAuthenticator attempted: the user is known, the forms ask what is missing
        step = StepContext(tx, services, realm, client, request, sso[1], browser)
        page, step = await login_gates.sign_in(step)
        if page is not None:
            return page
        return await login_completion.proceed(step)
    # OrganizationAuthenticator takes the hint as typed, unless the Identity Provider Redirector before it sends the
    # login to the provider ``kc_idp_hint`` names; a hint sent (empty or naming no usable provider) keeps a redirector
    # after the Organization step from its default provider too (it reads the same query parameter)
    hint_taken = bool(request.kc_idp_hint) and login_broker.redirector_target(realm, client, request, True) is not None
    if request.login_hint and not hint_taken and await login_organization.runs(tx, realm, client, request):
        site = LoginSite(tx, services, realm, client, request, browser)
        return await login_organization.identify(site, request.login_hint, hint_sent=request.kc_idp_hint is not None)
    if request.login_hint:
        return NeedLogin(username=request.login_hint)
    # OrganizationAuthenticator.authenticate: the organization an ``organization:<alias>`` scope names offers its
    # providers on the first page (unknownUserChallenge without a name)
    named = await login_organization.scope_named(tx, realm, client, request)
    if remembered is not None and realm.remember_me:
        return NeedLogin(username=remembered, remember_me=True, organization=named)
    return NeedLogin(organization=named)


async def _cookie_levels(
    tx: Tx, realm: Realm, client: Client, request: AuthRequest, sso: tuple[UserSession, User], now: int
) -> AuthRequest:
    """CookieAuthenticator's step-up: the SSO session's levels (its LOA_MAP note) copied to the login; a forced
    re-authentication starts with no level; otherwise the highest level the session still holds (under the
    flow's max ages) is the login's, and when the client asks for more, the forms run for the rest (a step-up:
    not an SSO login, the session's auth time moves)."""
    session, user = sso
    noted = session.notes.get(loa.LOA_MAP_NOTE)
    request = dataclasses.replace(request, loa_map=noted if isinstance(noted, str) else None)
    if not request.sso_login:
        return dataclasses.replace(request, loa_level=loa.NO_LOA, loa_forced_reauthentication=True)
    flow = flow_gates.bound(realm, client, flow_gates.BROWSER, request.requested_flow)
    max_ages = flow_levels.configured(of(realm), flow.id) if flow is not None else {}
    reached = loa.previous_level(loa.read_map(request.loa_map), max_ages, now)
    # The SSO session is level 0 at least, levels map or not (LevelOfAssuranceEssentialAcrTest: an essential acr
    # of 0 is answered by the cookie after a login through a flow without level conditions).
    held = max(reached, loa.MINIMUM_LOA)
    stepping_up = (await loa.tracker(tx, client, realm, request, user, now)).requested > held
    return dataclasses.replace(request, loa_level=reached, sso_login=not stepping_up)


async def _passive_step_up(
    tx: Tx,
    services: Services,
    realm: Realm,
    client: Client,
    request: AuthRequest,
    sso: tuple[UserSession, User],
    browser: Browser,
) -> Outcome:
    """A step-up under ``prompt=none``: the flow runs on from the cookie's user (AuthenticationProcessor in passive
    mode); the first page it would show is ``login_required``, an essential ``acr`` it ends short of without
    asking anything is ``unmet_authentication_requirements`` (its LOGIN_ERROR recorded), a required action or
    consent still to give ``interaction_required``; else the login completes."""
    step = StepContext(tx, services, realm, client, request, sso[1], browser)
    page, step = await login_gates.sign_in(step)
    if isinstance(page, Refused) and page.text == loa.ACR_NOT_FULFILLED:
        return Failed("unmet_authentication_requirements", "")
    if page is not None:
        return Failed("login_required", "")
    needed, step = await _interaction_needed(step)
    if needed:
        return Failed("interaction_required", "")
    return await login_completion.proceed(step)


def _cookie_runs(realm: Realm, client: Client, request: AuthRequest) -> bool:
    """Whether the browser flow's Cookie step runs (ALTERNATIVE and reached before the forms); a flow Doorkeep
    cannot run asks for credentials, and its password step then stops the login (oauth/login_gates.py)."""
    try:
        return flow_gates.plan(realm, client, flow_gates.BROWSER, request.requested_flow).cookie
    except flow_gates.CannotRun:
        return False


async def pending(
    tx: Tx, client: Client, request: AuthRequest, step: str, user: User | None, *, remember_me: bool = False
) -> Outcome:
    """The page a login waits on (its authentication session's ``step``), shown again: the OTP form, a
    required action, the consent screen, the registration form, or the login form (for the known user of a
    re-authentication)."""
    if user is not None and step == OTP_STEP:
        return NeedOtp(user.id, remember_me=remember_me)
    if user is not None and step in (WEBAUTHN_STEP, PASSKEY_STEP):
        return NeedWebAuthn(user.id, remember_me=remember_me, passwordless=step == PASSKEY_STEP)
    if user is not None and step == RECOVERY_STEP:
        cred = await recovery_codes.stored(tx, user.id)
        number = (recovery_codes.next_number(cred) if cred is not None else None) or 1
        return NeedRecoveryCode(user.id, number, remember_me=remember_me)
    if user is not None and step == SELECT_STEP:
        return NeedSelection(user.id, remember_me)
    if user is not None and step == ORGANIZATION_STEP:
        return NeedOrganization(user.id, remember_me)
    if user is not None and step in (
        required_actions.DELETE_CREDENTIAL,
        required_actions.DELETE_ACCOUNT,
        required_actions.IDP_LINK,
    ):
        return await account_actions.page(tx, request, user, step)
    if user is not None and step in required_actions.HANDLED:
        return login_completion.action_page(user, request, step)
    if step == REGISTER:
        return NeedRegistration(registration_prefill(request))
    if user is not None and step == "consent":
        offered = await consent_screen.screen_items(tx, client, user, request)
        items = await consent_screen.missing_consent(tx, client, user, request) or offered
        return NeedConsent(user.id, items, offered=tuple(i.id for i in offered))
    if user is not None:  # a re-authentication, or identity-first's password page (the username the login typed)
        typed = request.attempted_username
        return NeedLogin(
            username=typed or user.username, remember_me=remember_me, user_id=user.id, info="" if typed else None
        )
    return NeedLogin(username=request.login_hint or "")


def registration_prefill(request: AuthRequest) -> dict[str, str]:
    """RegistrationPage: the ``login_hint`` fills the username (the e-mail field takes it where the e-mail is
    the username: the page shows only one of them)."""
    hint = request.login_hint or ""
    return {"username": hint, "email": hint} if hint else {}
