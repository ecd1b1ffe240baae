"""realms.flow_plan for browser flows whose way in is the Identity Provider Redirector (KcOidcBrokerFlowContinuationTest's
flows): what binds, the steps continued after the broker login, and the shapes still refused."""

from __future__ import annotations

import pytest

from doorkeep.realms import auth_flows as af
from doorkeep.realms import flow_plan as fp
from doorkeep.realms.flow_model import AuthConfig, AuthFlow, Execution, FlowSet

Row = tuple[str, str] | tuple[str, str, dict[str, str]]


def compile_top(flows: dict[str, list[Row]]) -> fp.Plan:
    """Flows by alias, each row (authenticator or ``@sub-flow alias``, requirement[, config]); "top" compiled."""
    made = tuple(AuthFlow(f"id-{alias}", alias, None, af.BASIC, alias == "top", False) for alias in flows)
    executions, configs = [], []
    for alias, rows in flows.items():
        for index, row in enumerate(rows):
            config_id = f"cfg-{alias}-{index}" if len(row) == 3 else None
            if len(row) == 3 and config_id is not None:
                configs.append(AuthConfig(config_id, config_id, dict(row[2])))
            sub = row[0][1:] if row[0].startswith("@") else None
            executions.append(
                Execution(
                    f"e-{alias}-{index}",
                    f"id-{alias}",
                    row[1],
                    (index + 1) * 10,
                    None if sub else row[0],
                    f"id-{sub}" if sub else None,
                    config_id,
                )
            )
    found = FlowSet(made, tuple(executions), tuple(configs))
    top = found.by_alias("top")
    assert top is not None
    return fp.browser(found, top)


def kinds(plan: fp.Plan) -> list[tuple[str, bool, list[str]]]:
    return [(g.action, g.required, [c.kind for c in g.conditions]) for g in plan.gates]


IDP = fp.IDP_REDIRECTOR
DEFAULT = {"defaultProvider": "kc"}


def test_the_redirector_alone_beside_the_cookie_is_a_flow_without_a_form() -> None:
    plan = compile_top({"top": [(fp.COOKIE, af.ALT), (IDP, af.ALT, DEFAULT)]})
    assert plan.broker_only and not plan.broker_required and plan.redirector
    assert plan.cookie and plan.default_provider == "kc" and plan.gates == ()


def test_a_sub_flow_of_the_redirector_then_otp_continues_with_the_otp_form() -> None:
    plan = compile_top(
        {
            "top": [(fp.COOKIE, af.ALT), ("@auth", af.ALT)],
            "auth": [(IDP, af.REQ, DEFAULT), (fp.OTP_FORM, af.REQ)],
        }
    )
    assert plan.broker_only and plan.broker_required and plan.default_provider == "kc"
    assert kinds(plan) == [(fp.OTP, True, [])]


def test_conditional_steps_after_the_redirector_are_gates_under_their_conditions() -> None:
    plan = compile_top(
        {
            "top": [(fp.COOKIE, af.ALT), ("@auth", af.ALT)],
            "auth": [(IDP, af.REQ), ("@2fa", af.COND)],
            "2fa": [(fp.USER_CONFIGURED, af.REQ), (fp.OTP_FORM, af.REQ)],
        }
    )
    assert plan.broker_only and plan.default_provider is None
    assert kinds(plan) == [(fp.OTP, True, [fp.USER_CONFIGURED])]


@pytest.mark.parametrize(
    "flows",
    [
        {  # a password form beside the provider's sub-flow
            "top": [(fp.COOKIE, af.ALT), ("@auth", af.ALT), (fp.PASSWORD_FORM, af.ALT)],
            "auth": [(IDP, af.REQ, DEFAULT), (fp.OTP_FORM, af.REQ)],
        },
        {  # a condition in the redirector's own sub-flow, asked before any user is known
            "top": [(fp.COOKIE, af.ALT), ("@auth", af.ALT)],
            "auth": [(fp.USER_CONFIGURED, af.REQ), (IDP, af.REQ, DEFAULT), (fp.OTP_FORM, af.REQ)],
        },
        {  # the redirector under a condition (testBrokerLoginInConditionalSubflow)
            "top": [(fp.COOKIE, af.ALT), ("@auth", af.ALT)],
            "auth": [("@cond", af.COND), (fp.OTP_FORM, af.REQ)],
            "cond": [(fp.USER_CONFIGURED, af.REQ), (IDP, af.ALT, DEFAULT)],
        },
        {  # the redirector ALTERNATIVE beside its sub-flow
            "top": [(fp.COOKIE, af.ALT), (IDP, af.ALT), ("@auth", af.ALT)],
            "auth": [(IDP, af.REQ, DEFAULT), (fp.OTP_FORM, af.REQ)],
        },
        {  # a level step after the redirector
            "top": [(fp.COOKIE, af.ALT), ("@auth", af.ALT)],
            "auth": [(IDP, af.REQ, DEFAULT), ("@level", af.COND)],
            "level": [("conditional-level-of-authentication", af.REQ, {"loa-condition-level": "1"})],
        },
        {  # the cookie and the redirector DISABLED: no way in at all
            "top": [(fp.COOKIE, af.ALT), (IDP, af.DIS)],
        },
    ],
)
def test_shapes_that_could_end_without_a_user_or_skip_a_step_are_refused(flows: dict[str, list[Row]]) -> None:
    with pytest.raises(fp.Unsupported):
        compile_top(flows)
