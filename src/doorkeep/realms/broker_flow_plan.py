"""An edited first broker login flow compiled to what Doorkeep runs after a new brokered identity.

Keycloak's default flow (Review Profile, then create the user if unique, else "Account already exists" and the
account's verification) runs whenever the flow is its equal (realms/flow_support.py decides that). Besides it,
Doorkeep runs the two flows the Keycloak Server Administration Guide builds for automatic linking, each with an
optional Review Profile first and the default's Conditional Organization sub-flow last:

- "Automatically link existing first login flow": Create User If Unique (``idp-create-user-if-unique``) and
  Automatically Set Existing User (``idp-auto-link``), both ALTERNATIVE: a new identity whose e-mail or username
  an account already has is linked to that account without asking anything.
- "Disabling automatic user creation": Detect Existing Broker User (``idp-detect-existing-broker-user``) and
  Automatically Set Existing User, both REQUIRED: only an identity matching an existing account gets in.

Either pair may stand in a sub-flow of its own (REQUIRED); DISABLED executions are skipped as Keycloak skips
them. Anything else raises ``Unsupported`` naming the first execution Doorkeep does not run there, so the flow is
refused when bound, never half-run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NoReturn

from doorkeep.realms import auth_flows as af
from doorkeep.realms.flow_conditions import Unsupported, config_of
from doorkeep.realms.flow_model import AuthFlow, Execution, FlowSet

REVIEW = "idp-review-profile"
CREATE = "idp-create-user-if-unique"
DETECT = "idp-detect-existing-broker-user"
AUTO_LINK = "idp-auto-link"
REVIEW_MODE = "update.profile.on.first.login"
ORGANIZATION = ("conditional-user-configured", "idp-add-organization-member")
# What happens to an identity matching an existing account: IdpConfirmLinkAuthenticator's page, a link made at
# once (IdpAutoLinkAuthenticator), and whether an identity matching no account is refused (Detect Existing).
CONFIRM, AUTO = "confirm", "auto-link"


@dataclass(frozen=True)
class BrokerPlan:
    """``create``: a new identity matching no account becomes a user (else it is refused, as Detect Existing Broker
    User refuses it); ``existing``: CONFIRM or AUTO; ``review``: Review Profile's mode (``off`` when absent)."""

    create: bool = True
    existing: str = CONFIRM
    review: str = "missing"


DEFAULT = BrokerPlan()


def _enabled(flows: FlowSet, flow_id: str) -> list[Execution]:
    return [e for e in flows.children(flow_id) if e.requirement != af.DIS]


def _review_mode(flows: FlowSet, e: Execution, where: str) -> str:
    config = flows.config(e.config_id)
    settings = dict(config.config) if config is not None else {}
    mode = settings.get(REVIEW_MODE, "missing")
    if e.requirement != af.REQ or mode not in ("missing", "on", "off") or set(settings) - {REVIEW_MODE}:
        raise Unsupported(f"{REVIEW} in '{where}' runs only REQUIRED with {REVIEW_MODE} missing, on or off")
    return mode


def _is_organization(flows: FlowSet, e: Execution) -> bool:
    """The default flow's First Broker Login - Conditional Organization (organizations/brokers.py runs it)."""
    if e.flow_id is None or e.requirement != af.COND:
        return False
    inside = [(x.authenticator, x.requirement) for x in flows.children(e.flow_id)]
    return inside == [(ORGANIZATION[0], af.REQ), (ORGANIZATION[1], af.REQ)]


def _pair(flows: FlowSet, rows: list[Execution], where: str) -> BrokerPlan:
    """The automatic linking pair, directly or as the one REQUIRED sub-flow of ``rows``."""
    if len(rows) == 1 and rows[0].flow_id is not None and rows[0].requirement == af.REQ:
        sub = flows.flow(rows[0].flow_id)
        if sub is None:
            raise Unsupported("an execution names a sub-flow that does not exist")
        return _pair(flows, _enabled(flows, sub.id), sub.alias)
    shape = [(e.authenticator, e.requirement) for e in rows]
    if shape == [(CREATE, af.ALT), (AUTO_LINK, af.ALT)]:
        return BrokerPlan(create=True, existing=AUTO)
    if shape == [(DETECT, af.REQ), (AUTO_LINK, af.REQ)]:
        return BrokerPlan(create=False, existing=AUTO)
    for e in rows:
        if e.authenticator not in (CREATE, DETECT, AUTO_LINK):
            _refuse(e, where)
    raise Unsupported(
        f"'{where}' runs {', '.join(f'{a} {r}' for a, r in shape) or 'nothing'} where Doorkeep runs "
        f"{CREATE} and {AUTO_LINK} both ALTERNATIVE, or {DETECT} and {AUTO_LINK} both REQUIRED"
    )


def _refuse(e: Execution, where: str) -> NoReturn:
    name = e.authenticator or "a sub-flow"
    raise Unsupported(f"{name} ({e.requirement}) in '{where}' is not a step Doorkeep runs there")


def automatic_linking(flows: FlowSet, flow: AuthFlow) -> BrokerPlan:
    """The plan of one of the two automatic linking flows; ``Unsupported`` naming the step otherwise."""
    if flow.provider_id != "basic-flow":
        raise Unsupported(f"'{flow.alias}' is a {flow.provider_id} where Doorkeep runs a basic-flow")
    rows = _enabled(flows, flow.id)
    review = "off"
    if rows and rows[0].authenticator == REVIEW:
        review = _review_mode(flows, rows[0], flow.alias)
        rows = rows[1:]
    if rows and _is_organization(flows, rows[-1]):
        rows = rows[:-1]
    plan = _pair(flows, rows, flow.alias)
    return BrokerPlan(create=plan.create, existing=plan.existing, review=review)


# A post broker login flow (PostBrokerLoginAuthenticator runs it after every login through the provider): the OTP
# Form REQUIRED (a user without OTP sets it up, CONFIGURE_TOTP), or in a CONDITIONAL sub-flow under "Condition -
# user configured" (only users with OTP are asked), or the User Session Count Limiter REQUIRED (its config read by
# ``limiter_config``). NO_STEP: a flow whose executions are all DISABLED.
OTP_FORM, USER_CONFIGURED = "auth-otp-form", "conditional-user-configured"
SESSION_LIMITER = "user-session-limits"  # UserSessionLimitsAuthenticatorFactory.USER_SESSION_LIMITS
NO_STEP, OTP_REQUIRED, OTP_IF_CONFIGURED, LIMITS = "none", "otp", "otp-if-configured", "session-limits"


def post_login(flows: FlowSet, flow: AuthFlow) -> str:
    """What a post broker login flow runs (NO_STEP, OTP_REQUIRED, OTP_IF_CONFIGURED, LIMITS); ``Unsupported``
    naming the step Doorkeep does not run there otherwise."""
    if flow.provider_id != "basic-flow":
        raise Unsupported(f"'{flow.alias}' is a {flow.provider_id} where Doorkeep runs a basic-flow")
    rows = _enabled(flows, flow.id)
    if not rows:
        return NO_STEP
    [e, *rest] = rows
    if rest:
        _refuse(rest[0], flow.alias)
    if e.authenticator == OTP_FORM and e.requirement == af.REQ:
        return OTP_REQUIRED
    if e.authenticator == SESSION_LIMITER and e.requirement == af.REQ:
        return LIMITS
    if e.flow_id is not None and e.requirement == af.COND:
        inside = _enabled(flows, e.flow_id)
        if [(x.authenticator, x.requirement) for x in inside] == [(USER_CONFIGURED, af.REQ), (OTP_FORM, af.REQ)]:
            return OTP_IF_CONFIGURED
        sub = flows.flow(e.flow_id)
        odd = next(
            (x for x in inside if x.authenticator not in (USER_CONFIGURED, OTP_FORM)), inside[0] if inside else e
        )
        _refuse(odd, sub.alias if sub is not None else flow.alias)
    _refuse(e, flow.alias)


def limiter_config(flows: FlowSet, flow: AuthFlow) -> tuple[tuple[str, str], ...] | None:
    """The config of the session limiter a LIMITS post broker login flow runs (None: it has none, which ends the
    login as an unexpected error, as in the browser flow)."""
    [e] = _enabled(flows, flow.id)
    return config_of(flows, e) if e.config_id else None
