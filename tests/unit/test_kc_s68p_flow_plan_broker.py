"""realms.flow_plan for browser flows whose way in is the Identity Provider Redirector (KcOidcBrokerFlowContinuationTest's
flows): what binds, the steps continued after the broker login, and the shapes still refused."""

from __future__ import annotations

import pytest

from doorkeep.realms import auth_flows as af
from doorkeep.realms import flow_plan as fp
from flow_plan_rows import DEFAULT, IDP, Row, compile_top, kinds


def test_the_redirector_alone_beside_the_cookie_is_a_flow_without_a_form() -> None:
    plan = compile_top({"top": [(fp.COOKIE, af.ALT), (IDP, af.ALT, DEFAULT)]})
    assert plan.broker_only and plan.broker_gates == () and plan.redirector
    assert plan.cookie and plan.default_provider == "kc" and plan.gates == ()


def test_a_sub_flow_of_the_redirector_then_otp_continues_with_the_otp_form() -> None:
    plan = compile_top(
        {
            "top": [(fp.COOKIE, af.ALT), ("@auth", af.ALT)],
            "auth": [(IDP, af.REQ, DEFAULT), (fp.OTP_FORM, af.REQ)],
        }
    )
    assert plan.broker_only and plan.broker_gates == plan.gates and plan.default_provider == "kc"
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
        {  # a condition in the redirector's own sub-flow, asked before any user is known
            "top": [(fp.COOKIE, af.ALT), ("@auth", af.ALT)],
            "auth": [(fp.USER_CONFIGURED, af.REQ), (IDP, af.REQ, DEFAULT), (fp.OTP_FORM, af.REQ)],
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
