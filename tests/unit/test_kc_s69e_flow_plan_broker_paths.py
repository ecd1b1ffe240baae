"""realms.flow_plan for KcOidcBrokerFlowContinuationTest's last two flows: the provider's sub-flow beside a password
form (two ways in, each with its own steps after it) and the redirector alone under conditional-user-configured
(which holds before any user is known); and the neighbouring shapes still refused."""

from __future__ import annotations

import pytest

from doorkeep.realms import auth_flows as af
from doorkeep.realms import flow_plan as fp
from flow_plan_rows import DEFAULT, IDP, Row, compile_top, kinds

WITH_FORMS: dict[str, list[Row]] = {
    "top": [(fp.COOKIE, af.ALT), ("@idp otp", af.ALT), (fp.PASSWORD_FORM, af.ALT)],
    "idp otp": [(IDP, af.REQ, DEFAULT), (fp.OTP_FORM, af.REQ)],
}


def test_a_password_form_beside_the_provider_sub_flow_is_two_ways_in() -> None:
    """The password path has no step after the form; the broker path continues with the sub-flow's OTP form."""
    plan = compile_top(WITH_FORMS)
    assert not plan.broker_only and plan.redirector and plan.default_provider == "kc" and plan.cookie
    assert plan.gates == ()
    assert plan.broker_gates is not None and [g.action for g in plan.broker_gates] == [fp.OTP]
    after = fp.after_broker(plan)
    assert kinds(after) == [(fp.OTP, True, [])] and after.password is None


def test_a_forms_sub_flow_keeps_its_own_steps_on_the_password_path() -> None:
    plan = compile_top(
        {
            "top": [(fp.COOKIE, af.ALT), ("@idp", af.ALT), ("@forms", af.ALT)],
            "idp": [(IDP, af.REQ), (fp.OTP_FORM, af.REQ)],
            "forms": [(fp.PASSWORD_FORM, af.REQ), ("@2fa", af.COND)],
            "2fa": [(fp.USER_CONFIGURED, af.REQ), (fp.OTP_FORM, af.REQ)],
        }
    )
    assert kinds(plan) == [(fp.OTP, True, [fp.USER_CONFIGURED])]
    assert kinds(fp.after_broker(plan)) == [(fp.OTP, True, [])] and plan.default_provider is None


def test_a_flow_with_no_provider_sub_flow_is_not_continued_after_a_broker_login() -> None:
    plan = compile_top({"top": [(fp.COOKIE, af.ALT), (IDP, af.ALT, DEFAULT), (fp.PASSWORD_FORM, af.ALT)]})
    assert plan.broker_gates is None and fp.after_broker(plan) == plan


@pytest.mark.parametrize("requirement", [af.ALT, af.REQ])
def test_the_redirector_alone_under_user_configured_runs_before_any_user(requirement: str) -> None:
    """configureBrowserFlowWithConditionalIdpAndOtp: the condition holds with no user (the redirector's
    configuredFor), so the redirector runs, and the OTP form after the parent sub-flow's condition is the gate."""
    plan = compile_top(
        {
            "top": [(fp.COOKIE, af.ALT), ("@auth", af.ALT)],
            "auth": [("@cond idp", af.COND), (fp.OTP_FORM, af.REQ)],
            "cond idp": [(fp.USER_CONFIGURED, af.REQ), (IDP, requirement, DEFAULT)],
        }
    )
    assert plan.broker_only and plan.default_provider == "kc" and kinds(plan) == [(fp.OTP, True, [])]


@pytest.mark.parametrize(
    "flows",
    [
        {  # the redirector beside the form and beside the provider's sub-flow
            "top": [(fp.COOKIE, af.ALT), (IDP, af.ALT), ("@idp otp", af.ALT), (fp.PASSWORD_FORM, af.ALT)],
            "idp otp": [(IDP, af.REQ, DEFAULT), (fp.OTP_FORM, af.REQ)],
        },
        {  # the provider's sub-flow after the form: never reached before it
            "top": [(fp.COOKIE, af.ALT), (fp.PASSWORD_FORM, af.ALT), ("@idp otp", af.ALT)],
            "idp otp": [(IDP, af.REQ, DEFAULT), (fp.OTP_FORM, af.REQ)],
        },
        {  # another condition on the redirector: false with no user, the OTP form would run with none
            "top": [(fp.COOKIE, af.ALT), ("@auth", af.ALT)],
            "auth": [("@cond idp", af.COND), (fp.OTP_FORM, af.REQ)],
            "cond idp": [(fp.USER_ROLE, af.REQ, {"condUserRole": "admin"}), (IDP, af.ALT, DEFAULT)],
        },
        {  # no condition: the CONDITIONAL sub-flow never runs
            "top": [(fp.COOKIE, af.ALT), ("@auth", af.ALT)],
            "auth": [("@cond idp", af.COND), (fp.OTP_FORM, af.REQ)],
            "cond idp": [(IDP, af.ALT, DEFAULT)],
        },
    ],
)
def test_neighbouring_shapes_are_refused(flows: dict[str, list[Row]]) -> None:
    with pytest.raises(fp.Unsupported):
        compile_top(flows)
