"""The conditions of a compiled flow (realms/flow_plan.py): which ConditionalAuthenticators Keycloak 26 ships,
which of them Doorkeep evaluates (oauth/flow_gates.py asks them), and how a flow's executions divide into its
conditions, its REQUIRED/CONDITIONAL executions and its ALTERNATIVE ones (DefaultAuthenticationFlow).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from doorkeep.realms import auth_flows as af
from doorkeep.realms.flow_levels import LEVEL_CONDITION
from doorkeep.realms.flow_model import Execution, FlowSet

USER_CONFIGURED, USER_ROLE = "conditional-user-configured", "conditional-user-role"
USER_ATTRIBUTE, CREDENTIAL = "conditional-user-attribute", "conditional-credential"
USER_GROUP = "conditional-user-group"  # ConditionalGroupAuthenticatorFactory.PROVIDER_ID
CLIENT_SCOPE = "conditional-client-scope"  # ConditionalClientScopeAuthenticatorFactory.PROVIDER_ID
SUB_FLOW = "conditional-sub-flow-executed"  # ConditionalSubFlowExecutedAuthenticatorFactory.PROVIDER_ID
CONDITIONS = frozenset({USER_CONFIGURED, USER_ROLE, USER_ATTRIBUTE, CREDENTIAL, USER_GROUP, CLIENT_SCOPE, SUB_FLOW})
# Every ConditionalAuthenticator Keycloak 26 ships: a condition, whether Doorkeep evaluates it or not.
ALL_CONDITIONS = CONDITIONS | {
    LEVEL_CONDITION,
    "conditional-user-session-state",
}


class Unsupported(Exception):
    """A flow Doorkeep cannot run; the message names the step."""


@dataclass(frozen=True)
class Condition:
    """A condition of a CONDITIONAL sub-flow. For conditional-user-configured, ``needs_otp``: whether the
    sub-flow's executions include the OTP form (ConditionalUserConfiguredAuthenticator asks whether each is
    configured for the user; Deny and Allow Access always are)."""

    kind: str
    config: tuple[tuple[str, str], ...] = ()
    needs_otp: bool = False
    needs_webauthn: bool = False  # the same for the WebAuthn authenticator
    needs_recovery: bool = False  # the same for the Recovery Authentication Code Form
    # the sub-flow's steps are ALTERNATIVE: one of them configured is enough (matchConditionInFlow's anyMatch)
    any_of: bool = False

    def get(self, key: str) -> str | None:
        return dict(self.config).get(key)


def enabled(e: Execution) -> bool:
    return e.requirement != af.DIS


def config_of(flows: FlowSet, e: Execution) -> tuple[tuple[str, str], ...]:
    found = flows.config(e.config_id)
    return tuple(sorted(found.config.items())) if found is not None else ()


def split(flows: FlowSet, flow_id: str) -> tuple[list[Condition], list[Execution], list[Execution]]:
    """DefaultAuthenticationFlow.fillListsOfExecutions: the enabled conditions, then the REQUIRED/CONDITIONAL
    executions, then the ALTERNATIVE ones (none when any of the former exists)."""
    conditions, required, alternative = [], [], []
    for e in flows.children(flow_id):
        if not enabled(e):
            continue
        if e.flow_id is None and e.authenticator in ALL_CONDITIONS:
            if e.authenticator not in CONDITIONS and e.authenticator != LEVEL_CONDITION:
                raise Unsupported(f"Doorkeep does not evaluate the condition {e.authenticator}")
            conditions.append(Condition(str(e.authenticator), config_of(flows, e)))
        elif e.requirement in (af.REQ, af.COND):
            required.append(e)
        else:
            alternative.append(e)
    return conditions, required, alternative if not required else []


def resolved(found: list[Condition], needs_otp: bool) -> list[Condition]:
    """The conditions with conditional-user-configured told whether its sub-flow holds the OTP form."""
    return [dataclasses.replace(c, needs_otp=needs_otp) if c.kind == USER_CONFIGURED else c for c in found]
