"""The browser flow's steps after the password (oauth/flow_gates.py), as pages of the login: the OTP form for a
user who has an OTP credential, CONFIGURE_TOTP for one who must set it up (a REQUIRED OTP form:
SETUP_REQUIRED, OTPFormAuthenticator.setRequiredActions adds the action to the authentication session), the
WebAuthn authenticator's page (oauth/login_webauthn.py) for a user with a security key and webauthn-register for
one without (WebAuthnAuthenticator.setRequiredActions), and
DenyAccessAuthenticator's error page. The gate the OTP form stands for is kept on the request
(``AuthRequest.flow_gate``), so that the gates after it run once the code is right.
"""

from __future__ import annotations

import dataclasses
import logging

from doorkeep.errors import UNEXPECTED_ERROR_HANDLING_REQUEST
from doorkeep.oauth import flow_gates, login_events
from doorkeep.oauth.login_outcomes import NeedOtp, NeedWebAuthn, Outcome, Refused
from doorkeep.oauth.login_step import StepContext
from doorkeep.realms import flow_plan
from doorkeep.realms import required_actions as realm_actions
from doorkeep.users import brute_force

log = logging.getLogger(__name__)

ACCESS_DENIED = "Access denied"  # Messages.ACCESS_DENIED ("access-denied")
CREDENTIAL_SETUP_REQUIRED = "Cannot login, credential setup required."  # Messages.CREDENTIAL_SETUP_REQUIRED
CONFIGURE_TOTP = "CONFIGURE_TOTP"
WEBAUTHN_REGISTER = "webauthn-register"  # WebAuthnAuthenticator.setRequiredActions
# The required action a REQUIRED authenticator adds for a user without its credential.
SETUP_ACTIONS = {flow_plan.OTP: CONFIGURE_TOTP, flow_plan.WEBAUTHN: WEBAUTHN_REGISTER}


async def after(ctx: StepContext, start: int, *, remember_me: bool = False) -> tuple[Outcome | None, StepContext]:
    """The gates from ``start`` on for the login's user: a page to show, or None when the flow is through (then
    with the request as the gates left it: a CONFIGURE_TOTP to set up added to its actions)."""
    try:
        plan = flow_gates.plan(ctx.realm, ctx.client, flow_gates.BROWSER)
    except flow_gates.CannotRun as exc:
        log.warning("realm %s: the browser flow cannot run: %s", ctx.realm.name, exc)
        await login_events.login_event(ctx, ctx.user.username, error="invalid_user_credentials")
        return Refused(UNEXPECTED_ERROR_HANDLING_REQUEST), ctx
    index = start
    while (found := await flow_gates.next_gate(ctx.tx, ctx.realm, ctx.user, plan, index)) is not None:
        if found.step == flow_plan.OTP:
            request = dataclasses.replace(ctx.request, flow_gate=found.index)
            return NeedOtp(ctx.user.id, remember_me=remember_me, request=request), ctx
        if found.step == flow_plan.WEBAUTHN:
            request = dataclasses.replace(ctx.request, flow_gate=found.index)
            return NeedWebAuthn(ctx.user.id, remember_me=remember_me, request=request), ctx
        if found.step == flow_plan.DENY_ACCESS:
            return await _denied(ctx, found.gate.message), ctx
        setup = SETUP_ACTIONS[found.gate.action]
        if setup not in realm_actions.applicable(ctx.realm):  # SETUP_REQUIRED needs the action enabled
            await login_events.login_event(ctx, ctx.user.username, error="invalid_user_credentials")
            return Refused(CREDENTIAL_SETUP_REQUIRED), ctx
        if setup not in ctx.request.session_actions:
            actions = (*ctx.request.session_actions, setup)
            ctx = dataclasses.replace(ctx, request=dataclasses.replace(ctx.request, session_actions=actions))
        index = found.index + 1
    return None, ctx


async def _denied(ctx: StepContext, message: str | None) -> Outcome:
    """DenyAccessAuthenticator: LOGIN_ERROR ``access_denied``, a failure Brute Force Detection counts
    (AuthenticationProcessor.logFailure), and a 401 error page with the configured message."""
    now = ctx.services.clock.now_ms()
    await brute_force.failed_login(ctx.tx, ctx.realm, ctx.user, ctx.browser.ip_address, now)
    await login_events.login_event(ctx, ctx.user.username, error="access_denied")
    return Refused(message or ACCESS_DENIED, status=401)
