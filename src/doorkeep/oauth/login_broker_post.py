"""The post broker login flow (a provider's ``postBrokerLoginFlowAlias``, Keycloak's PostBrokerLoginAuthenticator
path in IdentityBrokerService): run after every login through that provider, first or not, before the login ends.
Doorkeep runs the flows realms/broker_flow_plan.py compiles: the OTP Form REQUIRED (a user without OTP sets it up
first, CONFIGURE_TOTP, as OTPFormAuthenticator.setRequiredActions asks) or under "Condition - user configured".

The OTP form is the browser login's (oauth/login_otp.py), the login noted ``post_broker`` so that a right code
ends it (no browser flow gate follows) and "Try another way" offers nothing. The provider's answer is good once
(its state is forgotten before this runs), so replaying it cannot reach the end of the login without the code.

Events, as LoginActionsService.brokerLoginFlow records them for each request the flow handles: the flow's run
(Keycloak's redirect to ``post-broker-login``) and each OTP form posted record IDENTITY_PROVIDER_POST_LOGIN, no
user named (the flow's processor never sets one); a refusal (a wrong or missing-policy code, a user locked by Brute
Force Detection) records IDENTITY_PROVIDER_POST_LOGIN_ERROR naming the user, twice: the authenticator's
``event.error()`` sends it and brokerLoginFlow's ``event.success()`` then sends the same builder, now of the
``_ERROR`` type, again. No LOGIN_ERROR: the login's events begin again with its LOGIN once the flow is passed.
Keycloak's ``code_id`` there is the form's session code; Doorkeep never records a code and gives the login's
``code_id`` (its authentication session) instead.
"""

from __future__ import annotations

import dataclasses

from doorkeep import events
from doorkeep.errors import UNEXPECTED_ERROR_HANDLING_REQUEST
from doorkeep.oauth import login_events, session_limits
from doorkeep.oauth.login_events import code_id
from doorkeep.oauth.login_outcomes import NeedOtp, Outcome, Refused
from doorkeep.oauth.login_step import StepContext
from doorkeep.realms import broker_flow_plan, flow_model, flow_plan
from doorkeep.users import otp

UNRUNNABLE = "unrunnable"
ABSENT = "absent"  # the provider names no post broker login flow: nothing runs, nothing is recorded
POST_LOGIN = "IDENTITY_PROVIDER_POST_LOGIN"


def _plan(ctx: StepContext, alias: str) -> tuple[str, tuple[tuple[str, str], ...] | None]:
    """The flow's plan (broker_flow_plan.post_login, ABSENT or UNRUNNABLE) and, for LIMITS, the limiter's config."""
    provider = next((p for p in ctx.realm.identity_providers if p.get("alias") == alias), None)
    named = provider.get("postBrokerLoginFlowAlias") if provider is not None else None
    flows = flow_model.of(ctx.realm)
    flow = flows.by_alias(named) if isinstance(named, str) and named else None
    if flow is None:
        return ABSENT, None
    try:
        plan = broker_flow_plan.post_login(flows, flow)
    except flow_plan.Unsupported:  # binding and edits refuse such a flow (realms/flow_support.py): never skip it
        return UNRUNNABLE, None
    return plan, broker_flow_plan.limiter_config(flows, flow) if plan == broker_flow_plan.LIMITS else None


async def run(ctx: StepContext, alias: str) -> tuple[Outcome | None, StepContext]:
    """The OTP form to show (the login noted ``post_broker``), or the session limiter's refusal, or None and the
    login to complete (CONFIGURE_TOTP added for a user who must set OTP up)."""
    plan, config = _plan(ctx, alias)
    if plan == ABSENT:
        return None, ctx
    if plan == UNRUNNABLE:  # handleBrowserException's INTERNAL_ERROR
        await record(ctx, error="invalid_user_credentials")
        return Refused(UNEXPECTED_ERROR_HANDLING_REQUEST), ctx
    if plan == broker_flow_plan.LIMITS:
        return await _limits(ctx, config), ctx
    await record(ctx)
    if plan == broker_flow_plan.NO_STEP:
        return None, ctx
    if await otp.stored(ctx.tx, ctx.user.id):
        request = dataclasses.replace(ctx.request, post_broker=True)
        return NeedOtp(ctx.user.id, request=request), dataclasses.replace(ctx, request=request)
    if plan == broker_flow_plan.OTP_REQUIRED and otp.CONFIGURE_TOTP not in ctx.request.session_actions:
        request = dataclasses.replace(ctx.request, session_actions=(*ctx.request.session_actions, otp.CONFIGURE_TOTP))
        return None, dataclasses.replace(ctx, request=request)
    return None, ctx


async def _limits(ctx: StepContext, config: tuple[tuple[str, str], ...] | None) -> Outcome | None:
    """The User Session Count Limiter as the post broker login flow (oauth/session_limits.py, as the browser flow
    runs it, the login's SSO session deciding what is new): the sessions it ended each a LOGOUT event and the
    flow's IDENTITY_PROVIDER_POST_LOGIN; a refusal is its 403 error page with the configured message and
    IDENTITY_PROVIDER_POST_LOGIN_ERROR ``generic_authentication_error`` (no user: the limiter names none); a limiter
    Keycloak could not run ends the login as an unexpected error."""
    now = ctx.services.clock.now()
    try:
        new_user, new_client = await session_limits.is_new(
            ctx.tx, ctx.realm, ctx.client, ctx.request.user_session_id, now
        )
        verdict = await session_limits.enforce(
            ctx.tx, ctx.realm, ctx.user, ctx.client, config,
            new_user_session=new_user, new_client_session=new_client, now=now,
        )  # fmt: skip
    except session_limits.Misconfigured:
        await record(ctx, error="invalid_user_credentials")
        return Refused(UNEXPECTED_ERROR_HANDLING_REQUEST)
    if verdict.denied is not None:
        await record(ctx, error=session_limits.EVENT_ERROR)
        return Refused(verdict.denied, status=403)
    for session_id in verdict.ended:
        await login_events.record(ctx, "LOGOUT", session_id=session_id)
    await record(ctx)
    return None


async def record(
    ctx: StepContext, *, error: str | None = None, user_id: str | None = None, extra: dict[str, str] | None = None
) -> None:
    """brokerLoginFlow's event for one request of the flow (module docstring): IDENTITY_PROVIDER_POST_LOGIN, or
    its ``_ERROR`` twice naming ``user_id``; ``extra``: the authenticator's details (``selected_credential_id``)."""
    request = ctx.request
    details = {
        "auth_method": "openid-connect",
        "auth_type": "code",
        "redirect_uri": request.redirect_uri or None,
        "code_id": code_id(request, ctx.browser),
        "identity_provider": request.identity_provider,
        "identity_provider_identity": request.identity_provider_identity,
        "identity_provider_broker_session_id": request.identity_provider_session,
        **(extra or {}),
    }
    for _ in range(2 if error else 1):
        await events.record(
            ctx.tx,
            ctx.realm,
            f"{POST_LOGIN}_ERROR" if error else POST_LOGIN,
            now=ctx.services.clock.now(),
            client_id=ctx.client.client_id,
            user_id=user_id,
            ip=ctx.browser.ip_address,
            error=error,
            details=details,
        )


def passed(ctx: StepContext) -> StepContext:
    """The post broker login flow's code was right: the login goes on to its end, OTP counted as used."""
    used = ctx.request.used_credentials
    request = dataclasses.replace(
        ctx.request, post_broker=False, used_credentials=used if otp.TYPE in used else (*used, otp.TYPE)
    )
    return dataclasses.replace(ctx, request=request)
