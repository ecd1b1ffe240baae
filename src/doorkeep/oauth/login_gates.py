"""The browser flow's steps after the password (oauth/flow_gates.py), as pages of the login: the OTP form for a
user who has an OTP credential, CONFIGURE_TOTP for one who must set it up (a REQUIRED OTP form:
SETUP_REQUIRED, OTPFormAuthenticator.setRequiredActions adds the action to the authentication session), the
WebAuthn authenticator's page (oauth/login_webauthn.py) for a user with a security key and webauthn-register for
one without (WebAuthnAuthenticator.setRequiredActions), and
DenyAccessAuthenticator's error page. The gate the OTP form stands for is kept on the request
(``AuthRequest.flow_gate``), so that the gates after it run once the code is right. In a passwordless flow the
passkey (WebAuthnPasswordlessAuthenticator, webauthn-register-passwordless for a user without one) is the first
gate, right after the username page. The login's step-up state
(oauth/loa.py) goes along on the request: the levels its sub-flows reach, and at the flow's end the check of an
essential ``acr`` (ConditionalLoaAuthenticator.onTopFlowSuccess).
"""

from __future__ import annotations

import dataclasses
import logging

from doorkeep.errors import UNEXPECTED_ERROR_HANDLING_REQUEST
from doorkeep.oauth import flow_gates, loa, login_events, session_limits
from doorkeep.oauth.login_outcomes import NeedLogin, NeedOtp, NeedRecoveryCode, NeedWebAuthn, Outcome, Refused
from doorkeep.oauth.login_step import StepContext
from doorkeep.realms import flow_plan
from doorkeep.realms import required_actions as realm_actions
from doorkeep.users import brute_force, recovery_codes

log = logging.getLogger(__name__)

ACCESS_DENIED = "Access denied"  # Messages.ACCESS_DENIED ("access-denied")
CREDENTIAL_SETUP_REQUIRED = "Cannot login, credential setup required."  # Messages.CREDENTIAL_SETUP_REQUIRED
CONFIGURE_TOTP = "CONFIGURE_TOTP"
WEBAUTHN_REGISTER = "webauthn-register"  # WebAuthnAuthenticator.setRequiredActions
PASSKEY_REGISTER = "webauthn-register-passwordless"  # WebAuthnPasswordlessAuthenticator.setRequiredActions
# The required action a REQUIRED authenticator adds for a user without its credential.
SETUP_ACTIONS = {
    flow_plan.OTP: CONFIGURE_TOTP,
    flow_plan.WEBAUTHN: WEBAUTHN_REGISTER,
    flow_plan.PASSKEY: PASSKEY_REGISTER,
    flow_plan.RECOVERY: recovery_codes.CONFIGURE,
}


def _plan(ctx: StepContext) -> flow_plan.Plan | None:
    """The plan of the login's way in: after a broker login the flow continues, the redirector's steps."""
    broker = ctx.request.broker_continuation is not None
    try:
        return flow_gates.plan(ctx.realm, ctx.client, flow_gates.BROWSER, ctx.request.requested_flow, broker=broker)
    except flow_gates.CannotRun as exc:
        log.warning("realm %s: the browser flow cannot run: %s", ctx.realm.name, exc)
        return None


async def _cannot_run(ctx: StepContext) -> Outcome:
    await login_events.login_event(ctx, ctx.user.username, error="invalid_user_credentials")
    return Refused(UNEXPECTED_ERROR_HANDLING_REQUEST)


async def sign_in(ctx: StepContext) -> tuple[Outcome | None, StepContext]:
    """The sign-in steps for the user the SSO cookie named (a step-up, or a re-authentication): the username and
    password form (the user known, the password alone asked) when its level sub-flow runs, else the gates after
    it; None when the flow is through without a page."""
    plan = _plan(ctx)
    if plan is None:
        return await _cannot_run(ctx), ctx
    levels = await loa.tracker(ctx.tx, ctx.client, ctx.realm, ctx.request, ctx.user, ctx.services.clock.now())
    info = _forwarded_info(ctx)
    # a passwordless flow's UsernameForm passes the known user, and its passkey, the first gate, asks
    password = plan.password is None or await flow_gates.group_holds(ctx.tx, ctx.realm, None, plan.password, levels)
    if password and not plan.passwordless:
        request = levels.into(ctx.request)
        return NeedLogin(username=ctx.user.username, user_id=ctx.user.id, request=request, info=info), ctx
    ctx = dataclasses.replace(ctx, request=levels.into(ctx.request))
    page, ctx = await after(ctx, 0, done=False)
    if isinstance(page, NeedOtp) and info:
        page = dataclasses.replace(page, info=info)
    return page, ctx


def broker_continues(ctx: StepContext) -> bool:
    """Whether the browser flow's steps after its Identity Provider Redirector run once a broker login names the
    user (``Plan.broker_gates``: the redirector in place of the sign-in form, or its sub-flow beside it)."""
    plan = _plan(ctx)
    return plan is not None and plan.broker_gates is not None


def _broker_signed_in(ctx: StepContext) -> bool:
    """The login's user is the provider's (a broker login the flow continues): no password was validated."""
    return ctx.request.broker_continuation is not None


def password_first(ctx: StepContext) -> bool:
    """Whether the browser flow's first factor is the password (its form before the gates), so that a passkey step
    after it is a second factor and the password was validated; not for a passkey given on the login form."""
    plan = _plan(ctx)
    signed_in = plan.passwordless or plan.usernameless or plan.broker_only if plan is not None else True
    return not (signed_in or ctx.request.passkey_signed_in or _broker_signed_in(ctx))


def _forwarded_info(ctx: StepContext) -> str | None:
    """CookieAuthenticator's forwarded info message: "reauthenticate" for a forced re-authentication (None: the
    login form's default for a known user); for a step-up, "authenticateStrong" when a ``kc_action`` asked for it
    (AUTHENTICATE_STRONG), else none."""
    if ctx.request.loa_forced_reauthentication:
        return None
    return "authenticateStrong" if ctx.request.kc_action is not None else ""


async def after(
    ctx: StepContext, start: int, *, remember_me: bool = False, done: bool = True, used: str | None = None
) -> tuple[Outcome | None, StepContext]:
    """The gates from ``start`` on for the login's user: a page to show, or None when the flow is through (then
    with the request as the gates left it: a CONFIGURE_TOTP to set up added to its actions, the level reached).
    ``done``: the step before ``start`` (the password form, or the gate before) ran and is through; ``used``: the
    credential type that step validated (``context.success(type)``), kept for conditional-credential."""
    if used is not None and used not in ctx.request.used_credentials:
        request = dataclasses.replace(ctx.request, used_credentials=(*ctx.request.used_credentials, used))
        ctx = dataclasses.replace(ctx, request=request)
    plan = _plan(ctx)
    if plan is None:
        return await _cannot_run(ctx), ctx
    levels = await loa.tracker(ctx.tx, ctx.client, ctx.realm, ctx.request, ctx.user, ctx.services.clock.now())
    running = (plan.password if start == 0 else plan.gates[start - 1].group) if done else None
    index = start
    disabled = ctx.services.disabled_features
    passwordless = plan.passwordless or ctx.request.passkey_signed_in or _broker_signed_in(ctx)
    validated = flow_gates.used_credentials(ctx.request.used_credentials, passwordless=passwordless)
    scopes = await _scopes(ctx, plan)
    while (
        found := await flow_gates.next_gate(
            ctx.tx, ctx.realm, ctx.user, plan, index, levels, running, disabled, validated, scopes, ctx.browser.headers
        )
    ) is not None:
        ctx = dataclasses.replace(ctx, request=levels.into(ctx.request))
        if found.step in (flow_plan.OTP, flow_plan.WEBAUTHN, flow_plan.PASSKEY, flow_plan.RECOVERY, flow_plan.PASSWORD):
            ctx = dataclasses.replace(ctx, request=dataclasses.replace(ctx.request, flow_gate=found.index))
            return await gate_page(ctx, found.step, remember_me), ctx
        if found.step == flow_plan.DENY_ACCESS:
            return await _denied(ctx, found.gate.message), ctx
        if found.step == flow_plan.LIMITS:
            refused = await _session_limits(ctx, found.gate)
            if refused is not None:
                return refused, ctx
            index, running = found.index + 1, found.gate.group
            continue
        if found.step == flow_gates.UNCONFIGURED:
            await login_events.login_event(ctx, ctx.user.username, error="invalid_user_credentials")
            return Refused(CREDENTIAL_SETUP_REQUIRED), ctx
        setup = SETUP_ACTIONS[found.gate.action]
        if setup == recovery_codes.CONFIGURE and recovery_codes.FEATURE in disabled:
            setup = ""  # RecoveryAuthnCodesAction not supported: no such action to set up
        if setup not in realm_actions.applicable(ctx.realm):  # SETUP_REQUIRED needs the action enabled
            await login_events.login_event(ctx, ctx.user.username, error="invalid_user_credentials")
            return Refused(CREDENTIAL_SETUP_REQUIRED), ctx
        if setup not in ctx.request.session_actions:
            actions = (*ctx.request.session_actions, setup)
            ctx = dataclasses.replace(ctx, request=dataclasses.replace(ctx.request, session_actions=actions))
        index, running = found.index + 1, found.gate.group
    ctx = dataclasses.replace(ctx, request=levels.into(ctx.request))
    return await _top_flow_end(ctx, levels.requested), ctx


async def gate_page(ctx: StepContext, step: str, remember_me: bool) -> Outcome:
    """The page of a credential step after the password (its gate noted on ``ctx.request``): the OTP form, the
    WebAuthn authenticator's (or the passkey's), or the recovery code page asking for the set's next code."""
    user_id, request = ctx.user.id, ctx.request
    if step == flow_plan.PASSWORD:  # identity-first's password page (login-password.ftl), the first gate's choice
        typed = request.attempted_username or ctx.user.username
        return NeedLogin(username=typed, remember_me=remember_me, user_id=user_id, request=request, info="")
    if step == flow_plan.OTP:
        return NeedOtp(user_id, remember_me=remember_me, request=request)
    if step == flow_plan.RECOVERY:
        cred = await recovery_codes.stored(ctx.tx, user_id)
        number = (recovery_codes.next_number(cred) if cred is not None else None) or 1
        return NeedRecoveryCode(user_id, number, remember_me=remember_me, request=request)
    passwordless = step == flow_plan.PASSKEY
    return NeedWebAuthn(user_id, remember_me=remember_me, request=request, passwordless=passwordless)


def password_gate(ctx: StepContext) -> int | None:
    """The index of the gate whose choice identity-first's password page is (the password, the passkey or the OTP) when
    the login waits on it, else None (the password form comes before the gates)."""
    index = ctx.request.flow_gate
    at = flow_gates.password_choice(ctx.realm, ctx.client, ctx.request.requested_flow, index)
    return index if at else None


async def _top_flow_end(ctx: StepContext, wanted: int) -> Outcome | None:
    """ConditionalLoaAuthenticator.onTopFlowSuccess: an essential ``acr`` the login fell short of ends it
    (AuthenticationFlowException GENERIC_AUTHENTICATION_ERROR: LOGIN_ERROR ``generic_authentication_error`` with
    the ``authentication_error_detail``, a 400 error page)."""
    detail = loa.unfulfilled(ctx.request, wanted)
    if detail is None:
        return None
    extra = {"authentication_error_detail": detail}
    await login_events.login_event(ctx, ctx.user.username, error="generic_authentication_error", extra=extra)
    return Refused(loa.ACR_NOT_FULFILLED)


async def _denied(ctx: StepContext, message: str | None) -> Outcome:
    """DenyAccessAuthenticator: LOGIN_ERROR ``access_denied`` naming the username but no user (the authenticator
    sends the event before the login has an authenticated user: ConditionalSubFlowExecutedAuthenticatorTest and
    ConditionalGroupAuthenticatorTest expect ``userId`` null), a failure Brute Force Detection counts
    (AuthenticationProcessor.logFailure), and a 401 error page with the configured message."""
    now = ctx.services.clock.now_ms()
    typed = ctx.request.attempted_username
    await brute_force.failed_login(ctx.tx, ctx.realm, ctx.user, ctx.browser.ip_address, now, attempted=typed)
    username = {"username": typed or ctx.user.username}
    await login_events.step_error(ctx.site, None, "access_denied", username)
    return Refused(message or ACCESS_DENIED, status=401)


async def _session_limits(ctx: StepContext, gate: flow_plan.Gate) -> Outcome | None:
    """The User Session Count Limiter (oauth/session_limits.py) for the login's user: the sessions it ended each
    a LOGOUT event, or its refusal: LOGIN_ERROR ``generic_authentication_error`` without a user, and a 403 error
    page with the configured message. A limiter Keycloak could not run ends the login as an unexpected error."""
    now = ctx.services.clock.now()
    try:
        new_user, new_client = await session_limits.is_new(
            ctx.tx, ctx.realm, ctx.client, ctx.request.user_session_id, now
        )
        verdict = await session_limits.enforce(
            ctx.tx, ctx.realm, ctx.user, ctx.client, gate.config,
            new_user_session=new_user, new_client_session=new_client, now=now,
        )  # fmt: skip
    except session_limits.Misconfigured as exc:
        log.warning("realm %s: the session limiter cannot run: %s", ctx.realm.name, exc)
        return await _cannot_run(ctx)
    for session_id in verdict.ended:
        await login_events.record(ctx, "LOGOUT", session_id=session_id)
    if verdict.denied is None:
        return None
    log.info("%s", verdict.detail)  # the event carries only the error (the authenticator sends it itself)
    username = {"username": ctx.request.attempted_username or ctx.user.username}
    await login_events.step_error(ctx.site, None, session_limits.EVENT_ERROR, username)
    return Refused(verdict.denied, status=403)


async def before_password(ctx: StepContext) -> Outcome | None:
    """Identity-first's gates between the username page and the password page (``Plan.before_password``), for the
    user the username named: Deny Access refuses the login (LOGIN_ERROR ``access_denied`` naming the typed
    username but no user, the user not being authenticated yet; a failure Brute Force Detection counts; a 401
    error page with the configured message), Allow Access and a gate whose conditions fail let the password page
    come. None: the password page is next."""
    plan = _plan(ctx)
    if plan is None or not plan.before_password:
        return None
    steps = flow_plan.Plan(False, plan.before_password)
    scopes = await _scopes(ctx, plan)
    found = await flow_gates.next_gate(ctx.tx, ctx.realm, ctx.user, steps, used=frozenset(), scopes=scopes)
    if found is None:
        return None
    return await _denied(ctx, found.gate.message)


async def _scopes(ctx: StepContext, plan: flow_plan.Plan) -> frozenset[str]:
    """The login's requested client scopes, read only when a condition of the plan asks (conditional-client-scope)."""
    if not flow_gates.asks_scopes(plan):
        return frozenset()
    return await flow_gates.requested_scopes(ctx.tx, ctx.client, ctx.request.scope)
