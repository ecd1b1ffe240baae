"""The post broker login flow (a provider's ``postBrokerLoginFlowAlias``, Keycloak's PostBrokerLoginAuthenticator
path in IdentityBrokerService): run after every login through that provider, first or not, before the login ends.
Doorkeep runs the flows realms/broker_flow_plan.py compiles: the OTP Form REQUIRED (a user without OTP sets it up
first, CONFIGURE_TOTP, as OTPFormAuthenticator.setRequiredActions asks) or under "Condition - user configured".

The OTP form is the browser login's (oauth/login_otp.py), the login noted ``post_broker`` so that a right code
ends it (no browser flow gate follows) and "Try another way" offers nothing. The provider's answer is good once
(its state is forgotten before this runs), so replaying it cannot reach the end of the login without the code.
"""

from __future__ import annotations

import dataclasses

from doorkeep.errors import UNEXPECTED_ERROR_HANDLING_REQUEST
from doorkeep.oauth.login_outcomes import NeedOtp, Outcome, Refused
from doorkeep.oauth.login_step import StepContext
from doorkeep.realms import broker_flow_plan, flow_model, flow_plan
from doorkeep.users import otp

UNRUNNABLE = "unrunnable"


def _plan(ctx: StepContext, alias: str) -> str:
    provider = next((p for p in ctx.realm.identity_providers if p.get("alias") == alias), None)
    named = provider.get("postBrokerLoginFlowAlias") if provider is not None else None
    flows = flow_model.of(ctx.realm)
    flow = flows.by_alias(named) if isinstance(named, str) and named else None
    if flow is None:
        return broker_flow_plan.NO_STEP
    try:
        return broker_flow_plan.post_login(flows, flow)
    except flow_plan.Unsupported:  # binding and edits refuse such a flow (realms/flow_support.py): never skip it
        return UNRUNNABLE


async def run(ctx: StepContext, alias: str) -> tuple[Outcome | None, StepContext]:
    """The OTP form to show (the login noted ``post_broker``), or None and the login to complete (CONFIGURE_TOTP
    added for a user who must set OTP up)."""
    plan = _plan(ctx, alias)
    if plan == UNRUNNABLE:
        return Refused(UNEXPECTED_ERROR_HANDLING_REQUEST), ctx
    if plan == broker_flow_plan.NO_STEP:
        return None, ctx
    if await otp.stored(ctx.tx, ctx.user.id):
        request = dataclasses.replace(ctx.request, post_broker=True)
        return NeedOtp(ctx.user.id, request=request), dataclasses.replace(ctx, request=request)
    if plan == broker_flow_plan.OTP_REQUIRED and otp.CONFIGURE_TOTP not in ctx.request.session_actions:
        request = dataclasses.replace(ctx.request, session_actions=(*ctx.request.session_actions, otp.CONFIGURE_TOTP))
        return None, dataclasses.replace(ctx, request=request)
    return None, ctx


def passed(ctx: StepContext) -> StepContext:
    """The post broker login flow's code was right: the login goes on to its end, OTP counted as used."""
    used = ctx.request.used_credentials
    request = dataclasses.replace(
        ctx.request, post_broker=False, used_credentials=used if otp.TYPE in used else (*used, otp.TYPE)
    )
    return dataclasses.replace(ctx, request=request)
