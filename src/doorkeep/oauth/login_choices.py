""" "Try Another Way": the choice between a sub-flow's ALTERNATIVE steps after the password (Keycloak 26's
DefaultAuthenticationFlow.processAction, AuthenticationSelectionResolver, select-authenticator.ftl).

The steps a user may take are those of the gate the login waits on whose credential the user holds, in the order
of the user's credentials (oauth/flow_gates.py ``options``); the preferred one runs first, and its page shows the
"Try Another Way" link while there is another. A form of that gate posted with ``tryAnotherWay`` shows the list
(no failure counted, no event); one posted with ``authenticationExecution`` runs the step of that execution when
it is one of the list. Any other execution id (a step not offered, one of another flow, junk) is Keycloak's
AuthenticationFlowException INTERNAL_ERROR "Requested authentication execution is not allowed", which
AuthenticationProcessor.handleBrowserException answers with a LOGIN_ERROR ``invalid_user_credentials`` and the
400 page "Unexpected error when handling authentication request to identity provider.", ending the login.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from doorkeep.errors import UNEXPECTED_ERROR_HANDLING_REQUEST
from doorkeep.model import Client, Realm
from doorkeep.oauth import flow_gates, login_events, login_flow, login_gates
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.oauth.login_outcomes import NeedSelection, Outcome, Refused
from doorkeep.oauth.login_step import StepContext
from doorkeep.realms import flow_plan
from doorkeep.realms.flow_plan import Choice

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

log = logging.getLogger(__name__)

TRY_ANOTHER_WAY = "tryAnotherWay"  # the form parameter template.ftl's link posts
EXECUTION = "authenticationExecution"  # Constants.AUTHENTICATION_EXECUTION
MAX_EXECUTION_ID = 64  # longer is never an execution id; it is not logged
PASSWORD_PAGE = "authenticate"  # the login form's step (oauth/login_session.py AUTHENTICATE)
# the gate pages a "Try Another Way" form may be posted from, and the step each shows
STEP_ACTIONS = {
    login_flow.OTP_STEP: flow_plan.OTP,
    login_flow.WEBAUTHN_STEP: flow_plan.WEBAUTHN,
    login_flow.RECOVERY_STEP: flow_plan.RECOVERY,
    login_flow.PASSKEY_STEP: flow_plan.PASSKEY,
    PASSWORD_PAGE: flow_plan.PASSWORD,  # identity-first's password page, while it is the first gate's choice
}


async def options_for(
    tx: Tx, realm: Realm, client: Client, request: AuthRequest, user_id: str, disabled: frozenset[str]
) -> tuple[Choice, ...]:
    """The steps the user may take at the gate the login waits on (``request.flow_gate``), preferred first; none
    when that gate is no choice (or the flow cannot run). ``disabled``: the server's features turned off."""
    broker = request.broker_continuation is not None  # the gates of the redirector's sub-flow
    try:
        plan = flow_gates.plan(realm, client, flow_gates.BROWSER, request.requested_flow, broker=broker)
    except flow_gates.CannotRun:
        return ()
    index = request.flow_gate
    if not 0 <= index < len(plan.gates) or not plan.gates[index].choices:
        return ()
    types = [c.type for c in await tx.users.credentials(user_id)]
    return flow_gates.options(plan.gates[index], types, disabled)


async def offered(ctx: StepContext) -> tuple[Choice, ...]:
    return await options_for(ctx.tx, ctx.realm, ctx.client, ctx.request, ctx.user.id, ctx.services.disabled_features)


async def answer(
    ctx: StepContext,
    step: str,
    try_another_way: str | None,
    execution: str | None,
    *,
    remember_me: bool = False,
) -> Outcome:
    """The list (``tryAnotherWay``, or the list's own form posted without a pick), or the step of the execution
    the user picked; ``step``: the page the form was (a gate with nothing to choose shows its own page again)."""
    options = await offered(ctx)
    if (try_another_way is not None or execution is None) and options:
        return NeedSelection(ctx.user.id, remember_me, ctx.request)
    if (try_another_way is not None or execution is None) and step in STEP_ACTIONS:
        return await login_gates.gate_page(ctx, STEP_ACTIONS[step], remember_me)
    picked = next((o for o in options if o.execution == execution), None)
    if picked is None and not options and step in STEP_ACTIONS and await _own_gate(ctx, execution):
        return await login_gates.gate_page(ctx, STEP_ACTIONS[step], remember_me)  # the page's own step, again
    if picked is None:
        return await _not_allowed(ctx, execution)
    return await login_gates.gate_page(ctx, picked.action, remember_me)


async def password_page(ctx: StepContext, execution: str, *, remember_me: bool) -> Outcome:
    """``authenticationExecution`` posted from identity-first's password page while it is no choice: PasswordForm
    is REQUIRED after UsernameForm, so AuthenticationSelectionResolver lists it alone (for a user holding a
    password; the username and password form, no credential validator, always). Its own execution runs it again:
    the page once more, nothing checked (processSingleFlowExecutionModel's ``authenticate``). Any other, the next
    gate's steps included, is not allowed: they come after the password, never in its place."""
    plan = flow_gates.username_first(ctx.realm, ctx.client, ctx.request.requested_flow)
    if plan is None or not plan.password_execution or execution != plan.password_execution:
        return await _not_allowed(ctx, execution)
    if not plan.user_set_form and not await _holds(ctx, flow_gates.CHOICE_TYPES[flow_plan.PASSWORD]):
        return await _not_allowed(ctx, execution)
    return await login_gates.gate_page(ctx, flow_plan.PASSWORD, remember_me)


async def _own_gate(ctx: StepContext, execution: str | None) -> bool:
    """Whether ``execution`` is the single step of the gate the login waits on, for a user holding its credential
    (AuthenticationSelectionResolver.addSimpleAuthenticationExecution: a REQUIRED step lists itself)."""
    broker = ctx.request.broker_continuation is not None
    try:
        plan = flow_gates.plan(ctx.realm, ctx.client, flow_gates.BROWSER, ctx.request.requested_flow, broker=broker)
    except flow_gates.CannotRun:
        return False
    index = ctx.request.flow_gate
    if not execution or not 0 <= index < len(plan.gates) or plan.gates[index].execution != execution:
        return False
    wanted = flow_gates.CREDENTIAL_TYPES.get(plan.gates[index].action)
    return wanted is not None and await _holds(ctx, wanted)


async def _holds(ctx: StepContext, credential_type: str) -> bool:
    return any(c.type == credential_type for c in await ctx.tx.users.credentials(ctx.user.id))


async def _not_allowed(ctx: StepContext, execution: str | None) -> Outcome:
    """AuthenticationFlowException "Requested authentication execution is not allowed" (INTERNAL_ERROR)."""
    execution = execution or ""
    shown = execution if len(execution) <= MAX_EXECUTION_ID and execution.isprintable() else "(not an id)"
    log.warning("realm %s: requested authentication execution %r is not allowed", ctx.realm.name, shown)
    await login_events.login_event(ctx, ctx.user.username, error="invalid_user_credentials")
    return Refused(UNEXPECTED_ERROR_HANDLING_REQUEST)


def others(options: tuple[Choice, ...]) -> bool:
    """AuthenticationContextBean.showTryAnotherWayLink: more than one step to choose from."""
    return len(options) > 1


DISPLAY = {  # AuthenticationSelectionOption's message keys: the credential type's metadata
    flow_plan.OTP: ("otp-display-name", "otp-help-text"),
    flow_plan.WEBAUTHN: ("webauthn-display-name", "webauthn-help-text"),
    flow_plan.RECOVERY: ("auth-recovery-authn-code-form-display-name", "auth-recovery-authn-code-form-help-text"),
    flow_plan.PASSWORD: ("password-display-name", "password-help-text"),
    flow_plan.PASSKEY: ("webauthn-passwordless-display-name", "webauthn-passwordless-help-text"),
}
