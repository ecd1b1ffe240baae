"""A 2FA sub-flow of ALTERNATIVE steps compiled into one choice gate (realms/flow_plan.py), and which of its steps a
user is offered, in which order (oauth/flow_gates.options: AuthenticationSelectionResolver)."""

from __future__ import annotations

import pytest

from doorkeep.oauth import flow_gates
from doorkeep.realms import auth_flows as af
from doorkeep.realms import flow_plan as fp
from doorkeep.realms.flow_model import AuthFlow, Execution, FlowSet


def compile_top(flows: dict[str, list[tuple[str, str]]]) -> fp.Plan:
    """Flows by alias, each row (authenticator or ``@sub-flow alias``, requirement); ``top`` compiled. Execution
    ids are ``e-{flow}-{row}``."""
    made = tuple(AuthFlow(f"id-{alias}", alias, None, af.BASIC, alias == "top", False) for alias in flows)
    executions = tuple(
        Execution(
            f"e-{alias}-{index}",
            f"id-{alias}",
            requirement,
            (index + 1) * 10,
            None if name.startswith("@") else name,
            f"id-{name[1:]}" if name.startswith("@") else None,
        )
        for alias, rows in flows.items()
        for index, (name, requirement) in enumerate(rows)
    )
    found = FlowSet(made, executions, ())
    top = found.by_alias("top")
    assert top is not None
    return fp.browser(found, top)


TWO_FA = {
    "top": [("auth-cookie", af.ALT), ("@forms", af.ALT)],
    "forms": [(fp.PASSWORD_FORM, af.REQ), ("@2fa", af.COND)],
    "2fa": [
        ("conditional-user-configured", af.REQ),
        (fp.OTP_FORM, af.ALT),
        (fp.WEBAUTHN_FORM, af.ALT),
        (fp.RECOVERY_FORM, af.ALT),
    ],
}


def test_alternative_steps_become_one_gate_with_their_execution_ids_in_flow_order() -> None:
    plan = compile_top(TWO_FA)
    [gate] = plan.gates
    assert [(c.execution, c.action) for c in gate.choices] == [
        ("e-2fa-1", fp.OTP),
        ("e-2fa-2", fp.WEBAUTHN),
        ("e-2fa-3", fp.RECOVERY),
    ]
    assert gate.actions == {fp.OTP, fp.WEBAUTHN, fp.RECOVERY} and not gate.required
    [condition] = gate.conditions
    assert (condition.needs_otp, condition.needs_webauthn, condition.needs_recovery, condition.any_of) == (
        True,
        True,
        True,
        True,
    )


def test_required_steps_keep_every_one_configured_as_the_condition() -> None:
    flows = {
        **TWO_FA,
        "2fa": [("conditional-user-configured", af.REQ), (fp.OTP_FORM, af.REQ), (fp.RECOVERY_FORM, af.REQ)],
    }
    gates = compile_top(flows).gates
    assert [g.action for g in gates] == [fp.OTP, fp.RECOVERY]
    assert all(not g.choices for g in gates)
    assert not gates[0].conditions[0].any_of and gates[0].conditions[0].needs_recovery


@pytest.mark.parametrize(
    "steps",
    [
        [(fp.OTP_FORM, af.ALT), (fp.OTP_FORM, af.ALT)],  # the same step twice
        [(fp.OTP_FORM, af.ALT), (fp.ALLOW, af.ALT)],  # a step that checks no credential
    ],
)
def test_choices_doorkeep_does_not_run_are_named(steps: list[tuple[str, str]]) -> None:
    with pytest.raises(fp.Unsupported, match="no choice between"):
        compile_top({**TWO_FA, "2fa": [("conditional-user-configured", af.REQ), *steps]})


def test_options_follow_the_users_credential_order_and_skip_what_the_user_lacks() -> None:
    [gate] = compile_top(TWO_FA).gates
    order = ["password", "recovery-authn-codes", "otp", "otp"]
    assert [o.action for o in flow_gates.options(gate, order)] == [fp.RECOVERY, fp.OTP]
    assert [o.action for o in flow_gates.options(gate, ["password", "webauthn"])] == [fp.WEBAUTHN]
    assert flow_gates.options(gate, ["password"]) == ()


def test_options_leave_out_recovery_codes_while_the_feature_is_off() -> None:
    [gate] = compile_top(TWO_FA).gates
    off = frozenset({"recovery-codes"})
    assert [o.action for o in flow_gates.options(gate, ["recovery-authn-codes", "otp"], off)] == [fp.OTP]
