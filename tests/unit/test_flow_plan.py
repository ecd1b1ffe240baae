"""realms.flow_plan: Keycloak's flows compiled onto Doorkeep's login, and the flows it refuses."""

from __future__ import annotations

import dataclasses

import pytest

from doorkeep.model import Realm
from doorkeep.realms import auth_flows as af
from doorkeep.realms import flow_levels
from doorkeep.realms import flow_plan as fp
from doorkeep.realms.flow_model import AuthConfig, AuthFlow, Execution, FlowSet, built_in

REALM = Realm(id="r1", name="test")
Row = tuple[str, str] | tuple[str, str, dict[str, str]]


def flow_set(flows: dict[str, list[Row]]) -> FlowSet:
    """Flows by alias; each row (authenticator or ``@sub-flow alias``, requirement[, config])."""
    made, executions, configs = [], [], []
    for alias in flows:
        made.append(AuthFlow(f"id-{alias}", alias, None, af.BASIC, alias == "top", False))
    for alias, rows in flows.items():
        for index, row in enumerate(rows):
            name, requirement = row[0], row[1]
            config_id = None
            if len(row) == 3:
                config_id = f"cfg-{alias}-{index}"
                configs.append(AuthConfig(config_id, config_id, dict(row[2])))
            sub = name[1:] if name.startswith("@") else None
            executions.append(
                Execution(
                    f"e-{alias}-{index}",
                    f"id-{alias}",
                    requirement,
                    (index + 1) * 10,
                    None if sub else name,
                    f"id-{sub}" if sub else None,
                    config_id,
                )
            )
    return FlowSet(tuple(made), tuple(executions), tuple(configs))


def compile_top(flows: dict[str, list[Row]]) -> fp.Plan:
    found = flow_set(flows)
    top = found.by_alias("top")
    assert top is not None
    return fp.browser(found, top)


def kinds(plan: fp.Plan) -> list[tuple[str, bool, list[str]]]:
    return [(g.action, g.required, [c.kind for c in g.conditions]) for g in plan.gates]


def test_keycloaks_default_browser_flow_is_the_cookie_then_conditional_otp() -> None:
    flows = built_in(REALM)
    browser = flows.by_alias("browser")
    assert browser is not None
    plan = fp.browser(flows, browser)
    assert plan.cookie
    assert kinds(plan) == [(fp.OTP, False, [fp.USER_CONFIGURED, fp.CREDENTIAL])]
    configured = plan.gates[0].conditions[0]
    assert configured.needs_otp
    assert plan.gates[0].conditions[1].get("credentials") == "webauthn-passwordless"


def test_the_webauthn_authenticator_after_the_password() -> None:
    """REQUIRED: a gate for everyone (a user without a key registers one); in a CONDITIONAL sub-flow,
    conditional-user-configured asks whether the user has a key; ALTERNATIVE alone there, the same."""
    forms: dict[str, list[Row]] = {
        "top": [("@forms", af.ALT)],
        "forms": [(fp.PASSWORD_FORM, af.REQ), (fp.WEBAUTHN_FORM, af.REQ)],
    }
    assert kinds(compile_top(forms)) == [(fp.WEBAUTHN, True, [])]
    for requirement in (af.REQ, af.ALT):
        plan = compile_top(
            {
                "top": [("@forms", af.ALT)],
                "forms": [(fp.PASSWORD_FORM, af.REQ), ("@two", af.COND)],
                "two": [(fp.USER_CONFIGURED, af.REQ), (fp.WEBAUTHN_FORM, requirement)],
            }
        )
        assert kinds(plan) == [(fp.WEBAUTHN, requirement == af.REQ, [fp.USER_CONFIGURED])]
        condition = plan.gates[0].conditions[0]
        assert condition.needs_webauthn and not condition.needs_otp


def test_keycloaks_default_direct_grant_flow() -> None:
    flows = built_in(REALM)
    grant = flows.by_alias("direct grant")
    assert grant is not None
    plan = fp.direct_grant(flows, grant)
    assert not plan.cookie
    assert kinds(plan) == [(fp.OTP, True, [fp.USER_CONFIGURED])]
    assert plan.gates[0].conditions[0].needs_otp


def test_otp_required_for_everyone() -> None:
    plan = compile_top(
        {
            "top": [("auth-cookie", af.ALT), ("@forms", af.ALT)],
            "forms": [(fp.PASSWORD_FORM, af.REQ), (fp.OTP_FORM, af.REQ)],
        }
    )
    assert plan.cookie and kinds(plan) == [(fp.OTP, True, [])]


def test_conditional_otp_by_role_and_deny_by_attribute() -> None:
    role = {"condUserRole": "admins", "negate": "false"}
    attribute = {"attribute_name": "blocked", "attribute_expected_value": "yes"}
    plan = compile_top(
        {
            "top": [("auth-cookie", af.ALT), ("@forms", af.ALT)],
            "forms": [(fp.PASSWORD_FORM, af.REQ), ("@by-role", af.COND), ("@blocked", af.COND)],
            "by-role": [(fp.USER_ROLE, af.REQ, role), (fp.OTP_FORM, af.REQ)],
            "blocked": [(fp.USER_ATTRIBUTE, af.REQ, attribute), (fp.DENY, af.REQ, {"denyErrorMessage": "No."})],
        }
    )
    assert kinds(plan) == [(fp.OTP, True, [fp.USER_ROLE]), (fp.DENY_ACCESS, True, [fp.USER_ATTRIBUTE])]
    assert plan.gates[0].conditions[0].get("condUserRole") == "admins"
    assert plan.gates[1].message == "No."


def test_a_required_form_at_the_top_turns_the_cookie_off() -> None:
    """fillListsOfExecutions: REQUIRED beside ALTERNATIVE ignores the alternatives, the cookie among them."""
    plan = compile_top({"top": [("auth-cookie", af.ALT), ("@forms", af.REQ)], "forms": [(fp.PASSWORD_FORM, af.REQ)]})
    assert not plan.cookie and plan.gates == ()


def test_a_disabled_cookie_and_disabled_steps() -> None:
    plan = compile_top(
        {
            "top": [("auth-cookie", af.DIS), ("auth-spnego", af.DIS), ("@forms", af.ALT)],
            "forms": [(fp.PASSWORD_FORM, af.REQ), (fp.OTP_FORM, af.DIS), ("@gone", af.DIS)],
            "gone": [(fp.DENY, af.REQ)],
        }
    )
    assert not plan.cookie and plan.gates == ()


def test_nested_conditions_keep_their_own_scope() -> None:
    """The outer user-configured condition asks about everything in its sub-flow (the inner OTP form too); the
    inner one about the inner sub-flow's deny alone."""
    plan = compile_top(
        {
            "top": [("@forms", af.ALT)],
            "forms": [(fp.PASSWORD_FORM, af.REQ), ("@outer", af.COND)],
            "outer": [(fp.USER_CONFIGURED, af.REQ), (fp.OTP_FORM, af.REQ), ("@inner", af.COND)],
            "inner": [(fp.USER_CONFIGURED, af.REQ), (fp.DENY, af.REQ)],
        }
    )
    otp_gate, deny_gate = plan.gates
    assert [c.needs_otp for c in otp_gate.conditions] == [True]
    assert [c.needs_otp for c in deny_gate.conditions] == [True, False]


def test_a_conditional_sub_flow_without_a_condition_never_runs() -> None:
    plan = compile_top(
        {
            "top": [("@forms", af.ALT)],
            "forms": [(fp.PASSWORD_FORM, af.REQ), ("@empty", af.COND)],
            "empty": [(fp.DENY, af.REQ)],
        }
    )
    assert plan.gates == ()


@pytest.mark.parametrize(
    ("flows", "named"),
    [
        ({"top": [("auth-cookie", af.ALT)]}, "no username and password form"),
        ({"top": [("@forms", af.ALT)], "forms": [("auth-username-form", af.REQ)]}, "auth-username-form"),
        (
            {
                "top": [("@forms", af.ALT)],
                "forms": [(fp.PASSWORD_FORM, af.REQ), ("no-cookie-redirect", af.REQ)],
            },
            "no-cookie-redirect",
        ),
        (
            {
                "top": [("@forms", af.ALT)],
                "forms": [(fp.PASSWORD_FORM, af.REQ), ("@loa", af.REQ)],
                "loa": [
                    ("conditional-level-of-authentication", af.REQ, {"loa-condition-level": "1"}),
                    (fp.OTP_FORM, af.REQ),
                ],
            },
            "only in a CONDITIONAL sub-flow",
        ),
        (
            {
                "top": [("@forms", af.ALT)],
                "forms": [(fp.PASSWORD_FORM, af.REQ), ("@two", af.COND)],
                "two": [(fp.USER_ROLE, af.REQ, {"condUserRole": "x"}), (fp.OTP_FORM, af.ALT)],
            },
            "needs conditional-user-configured",
        ),
        (
            {
                "top": [("@forms", af.ALT), ("@other", af.ALT)],
                "forms": [(fp.PASSWORD_FORM, af.REQ)],
                "other": [(fp.PASSWORD_FORM, af.REQ)],
            },
            "one sign-in step",
        ),
    ],
)
def test_what_doorkeep_does_not_run_is_named(flows: dict[str, list[Row]], named: str) -> None:
    with pytest.raises(fp.Unsupported, match=named):
        compile_top(flows)


def test_a_direct_grant_must_start_with_username_and_password() -> None:
    flows = flow_set({"top": [(fp.DG_PASSWORD, af.REQ), (fp.DG_USERNAME, af.REQ)]})
    top = flows.by_alias("top")
    assert top is not None
    with pytest.raises(fp.Unsupported, match="must start with"):
        fp.direct_grant(flows, top)
    flows = flow_set({"top": [(fp.DG_USERNAME, af.REQ), (fp.DG_PASSWORD, af.REQ), (fp.OTP_FORM, af.REQ)]})
    top = flows.by_alias("top")
    assert top is not None
    with pytest.raises(fp.Unsupported, match="auth-otp-form"):
        fp.direct_grant(flows, top)


def test_a_direct_grant_runs_deny_and_allow_access_after_the_password() -> None:
    """DenyAccessAuthenticator and AllowAccessAuthenticator in the direct grant flow (AllowDenyAuthenticatorTest)."""
    flows = flow_set(
        {"top": [(fp.DG_USERNAME, af.REQ), (fp.DG_PASSWORD, af.REQ), (fp.ALLOW, af.REQ), (fp.DENY, af.REQ)]}
    )
    top = flows.by_alias("top")
    assert top is not None
    assert [g.action for g in fp.direct_grant(flows, top).gates] == [fp.ALLOW_ACCESS, fp.DENY_ACCESS]


def test_every_built_in_alias_kept_by_a_copy() -> None:
    """A copy of the default browser flow (new ids, new aliases) compiles to the same plan."""
    flows = built_in(REALM)
    browser = flows.by_alias("browser")
    assert browser is not None
    copy = dataclasses.replace(browser, id="copy", alias="my browser", built_in=False)
    moved = tuple(dataclasses.replace(e, parent_id="copy") for e in flows.children(browser.id))
    copied = dataclasses.replace(flows, flows=(*flows.flows, copy), executions=(*flows.executions, *moved))
    assert fp.browser(copied, copy) == fp.browser(flows, browser)


def test_conditions_outside_a_conditional_sub_flow_are_never_asked() -> None:
    """fillListsOfExecutions leaves conditions out and only isConditionalSubflowDisabled reads them: in a
    REQUIRED sub-flow the OTP form runs for everyone, whatever its conditions say."""
    plan = compile_top(
        {
            "top": [("auth-cookie", af.ALT), ("@forms", af.ALT)],
            "forms": [(fp.PASSWORD_FORM, af.REQ), ("@two", af.REQ)],
            "two": [(fp.USER_CONFIGURED, af.REQ), (fp.USER_ROLE, af.REQ, {"condUserRole": "x"}), (fp.OTP_FORM, af.REQ)],
        }
    )
    assert kinds(plan) == [(fp.OTP, True, [])]


LEVEL = "conditional-level-of-authentication"


def level(n: int, max_age: int) -> tuple[str, str, dict[str, str]]:
    return (LEVEL, af.REQ, {"loa-condition-level": str(n), "loa-max-age": str(max_age)})


STEP_UP: dict[str, list[Row]] = {
    "top": [("auth-cookie", af.ALT), ("@auth", af.ALT)],
    "auth": [("@l1", af.COND), ("@l2", af.COND), ("@l3", af.COND)],
    "l1": [level(1, 36000), (fp.PASSWORD_FORM, af.REQ)],
    "l2": [level(2, 0), (fp.OTP_FORM, af.REQ)],
    "l3": [level(3, 300), (fp.OTP_FORM, af.REQ), (fp.ALLOW, af.REQ)],
}


def test_keycloaks_documented_step_up_flow_compiles_into_level_groups() -> None:
    """Server admin guide, "Creating a browser login flow with step-up mechanism": the password form in the level 1
    sub-flow, the other levels' steps after it, each group with its own level and max age."""
    plan = compile_top(STEP_UP)
    assert plan.cookie and plan.password is not None
    assert plan.password.flow_id == "id-l1" and plan.password.levels() == [(1, 36000)]
    assert [(g.action, g.group.flow_id if g.group else None) for g in plan.gates] == [
        ("otp", "id-l2"),
        ("otp", "id-l3"),
        ("allow", "id-l3"),
    ]
    assert all(g.conditions == g.group.conditions for g in plan.gates if g.group)
    assert plan.gates[1].group is not None and plan.gates[1].group.levels() == [(3, 300)]


def test_a_level_sub_flow_may_hold_the_password_and_more() -> None:
    """The password form first, then the OTP form in the same level sub-flow: one group for both."""
    plan = compile_top({**STEP_UP, "l1": [level(1, 0), (fp.PASSWORD_FORM, af.REQ), (fp.OTP_FORM, af.REQ)]})
    assert plan.password is not None and plan.gates[0].group == plan.password


def test_keycloak_17_store_in_user_session_stands_for_the_max_age() -> None:
    """LoAUtil.getMaxAgeFromLoaConditionConfiguration: without loa-max-age, loa-store-in-user-session true is
    36000 seconds and false is 0; neither, 0."""
    flows: dict[str, list[Row]] = {
        **STEP_UP,
        "l1": [
            (LEVEL, af.REQ, {"loa-condition-level": "1", "loa-store-in-user-session": "true"}),
            (fp.PASSWORD_FORM, af.REQ),
        ],
        "l2": [
            (LEVEL, af.REQ, {"loa-condition-level": "2", "loa-store-in-user-session": "false"}),
            (fp.OTP_FORM, af.REQ),
        ],
        "l3": [(LEVEL, af.REQ, {"loa-condition-level": "3"}), (fp.OTP_FORM, af.REQ)],
    }
    plan = compile_top(flows)
    assert plan.password is not None and plan.password.levels() == [(1, 36000)]
    assert [g.group.levels() for g in plan.gates if g.group] == [[(2, 0)], [(3, 0)]]


def test_the_levels_a_flow_configures_include_disabled_conditions() -> None:
    """LoAUtil.getLoaMaxAgesConfiguredInRealmFlow finds the conditions by type (AuthenticatorUtil.getExecutionsByType),
    whatever their requirement; a level that is no number is left out."""
    found = flow_set(
        {
            **STEP_UP,
            "l3": [(LEVEL, af.DIS, {"loa-condition-level": "3"}), (LEVEL, af.REQ, {"loa-condition-level": "x"})],
        }
    )
    assert flow_levels.configured(found, "id-top") == {1: 36000, 2: 0, 3: 0}


def test_a_realm_without_level_conditions_has_levels_0_and_1() -> None:
    """LoAUtil.getLoAConfiguredInRealmBrowserFlow's fallback for acr_values_supported."""
    assert flow_levels.browser_levels(REALM) == [0, 1]


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"l2": [level(2, 0), ("@inner", af.REQ)], "inner": [(fp.OTP_FORM, af.REQ)]}, "no sub-flow"),
        ({"l2": [level(2, 0), (fp.OTP_FORM, af.ALT), (fp.ALLOW, af.ALT)]}, "no choice between"),
        ({"l2": [level(2, 0), (fp.OTP_FORM, af.ALT), (fp.OTP_FORM, af.ALT)]}, "no choice between"),
        ({"l2": [level(2, 0)]}, "no sub-flow"),
        (
            {"l1": [level(1, 0), (fp.USER_ROLE, af.REQ, {"condUserRole": "r"}), (fp.PASSWORD_FORM, af.REQ)]},
            "before the password",
        ),
        ({"l1": [level(1, 0), (fp.OTP_FORM, af.REQ)]}, "must start with a REQUIRED auth-username-password-form"),
        ({"top": [("auth-cookie", af.ALT), ("@auth", af.ALT), level(1, 0)]}, "only in a CONDITIONAL sub-flow"),
        (
            {
                "auth": [("@l1", af.COND), ("@outer", af.COND)],
                "outer": [(fp.USER_CONFIGURED, af.REQ), ("@l2", af.COND)],
            },
            "only in a CONDITIONAL sub-flow of the sign-in",
        ),
    ],
)
def test_level_sub_flows_doorkeep_does_not_run(changes: dict[str, list[Row]], named: str) -> None:
    with pytest.raises(fp.Unsupported, match=named):
        compile_top({**STEP_UP, **changes})


def test_a_level_of_alternative_credential_steps_is_one_gate_of_choices() -> None:
    """LevelOfAssuranceFlowTest.configureFlowsWithRecoveryCodes: level 2 the OTP form or the recovery code form,
    both ALTERNATIVE: one gate of the level's group whose choices are the two, in the flow's order."""
    plan = compile_top({**STEP_UP, "l2": [level(2, 0), (fp.OTP_FORM, af.ALT), (fp.RECOVERY_FORM, af.ALT)]})
    gate = plan.gates[0]
    assert [c.action for c in gate.choices] == [fp.OTP, fp.RECOVERY] and not gate.required
    assert gate.group is not None and gate.group.levels() == [(2, 0)]
    assert [g.group.levels() if g.group else None for g in plan.gates[1:]] == [[(3, 300)], [(3, 300)]]


def test_a_direct_grant_level_of_alternatives_is_not_run() -> None:
    flows = flow_set(
        {
            "top": [(fp.DG_USERNAME, af.REQ), (fp.DG_PASSWORD, af.REQ), ("@l2", af.COND)],
            "l2": [level(2, 0), (fp.DG_OTP, af.ALT)],
        }
    )
    top = flows.by_alias("top")
    assert top is not None
    with pytest.raises(fp.Unsupported, match="no choice between"):
        fp.direct_grant(flows, top)


def test_a_direct_grant_flow_with_a_level_sub_flow_compiles() -> None:
    flows = flow_set(
        {
            "top": [(fp.DG_USERNAME, af.REQ), (fp.DG_PASSWORD, af.REQ), ("@l2", af.COND)],
            "l2": [level(2, 0), (fp.DG_OTP, af.REQ)],
        }
    )
    top = flows.by_alias("top")
    assert top is not None
    plan = fp.direct_grant(flows, top)
    assert [(g.action, g.group.levels() if g.group else None) for g in plan.gates] == [("otp", [(2, 0)])]


def test_credential_types_take_the_level_of_the_condition_before_them() -> None:
    """LoAUtil.getCredentialTypesToLoAMap: the password form at level 1, the OTP form at level 2 (the last one
    found wins); outside a level sub-flow, -1."""
    assert flow_levels.credential_levels(flow_set(STEP_UP), "id-top") == {"password": 1, "otp": 3}
    flows = flow_set({"top": [("@forms", af.ALT)], "forms": [(fp.PASSWORD_FORM, af.REQ), (fp.OTP_FORM, af.REQ)]})
    assert flow_levels.credential_levels(flows, "id-top") == {"password": -1, "otp": -1}


def test_identity_first_forms_compile_to_two_pages() -> None:
    """UsernameForm then PasswordForm, both REQUIRED (MultiFactorAuthenticationTest's flows without their
    alternatives): the username page, then the password page, then the steps after it."""
    plan = compile_top(
        {
            "top": [(fp.COOKIE, af.ALT), ("@forms", af.ALT)],
            "forms": [(fp.USERNAME_FORM, af.REQ), (fp.PASSWORD_ONLY_FORM, af.REQ), ("@otp", af.COND)],
            "otp": [(fp.USER_CONFIGURED, af.REQ), (fp.OTP_FORM, af.REQ)],
        }
    )
    assert plan.cookie and plan.username_first
    assert kinds(plan) == [(fp.OTP, True, [fp.USER_CONFIGURED])]
    assert not compile_top({"top": [("@forms", af.ALT)], "forms": [(fp.PASSWORD_FORM, af.REQ)]}).username_first


def test_the_passwordless_flow_makes_the_passkey_the_first_gate() -> None:
    """UsernameForm then WebAuthnPasswordlessAuthenticator, both REQUIRED (Keycloak's passwordless browser flow): no
    password page; the passkey is a REQUIRED gate without conditions, before the steps after it."""
    plan = compile_top(
        {
            "top": [(fp.COOKIE, af.ALT), ("@forms", af.ALT)],
            "forms": [(fp.USERNAME_FORM, af.REQ), (fp.PASSKEY_FORM, af.REQ), (fp.DENY, af.REQ)],
        }
    )
    assert plan.username_first and plan.passwordless
    assert kinds(plan) == [(fp.PASSKEY, True, []), (fp.DENY_ACCESS, True, [])]


def test_the_password_or_the_otp_as_the_first_factor() -> None:
    """MultiFactorAuthenticationTest's flow: UsernameForm, then a REQUIRED sub-flow of PasswordForm and the OTP
    form, both ALTERNATIVE: one first gate whose choices are the two in the flow's order; the same step twice, a
    choice without the password, or one with a REQUIRED step beside it is refused."""
    alternatives: list[Row] = [(fp.PASSWORD_ONLY_FORM, af.ALT), (fp.OTP_FORM, af.ALT)]
    top: dict[str, list[Row]] = {
        "top": [(fp.COOKIE, af.ALT), ("@forms", af.ALT)],
        "forms": [(fp.USERNAME_FORM, af.REQ), ("@alt", af.REQ)],
    }
    plan = compile_top({**top, "alt": alternatives})
    assert plan.username_first and plan.passwordless
    [gate] = plan.gates
    assert [c.action for c in gate.choices] == [fp.PASSWORD, fp.OTP]
    refusals: list[list[Row]] = [
        [(fp.PASSWORD_ONLY_FORM, af.ALT), (fp.PASSWORD_ONLY_FORM, af.ALT)],
        [(fp.OTP_FORM, af.ALT), (fp.PASSKEY_FORM, af.ALT)],
        [*alternatives, (fp.DENY, af.REQ)],
    ]
    for refused in refusals:
        with pytest.raises(fp.Unsupported):
            compile_top({**top, "alt": refused})


def test_a_flow_that_starts_with_the_passkey_has_no_username_step() -> None:
    """WebAuthnPasswordlessAuthenticator first and REQUIRED (Keycloak's usernameless passkey login): the passkey
    names the user; the steps after it are the gates, as after a password."""
    plan = compile_top(
        {"top": [(fp.COOKIE, af.ALT), ("@forms", af.ALT)], "forms": [(fp.PASSKEY_FORM, af.REQ), (fp.DENY, af.REQ)]}
    )
    assert plan.usernameless and not plan.username_first and not plan.passwordless
    assert kinds(plan) == [(fp.DENY_ACCESS, True, [])]


@pytest.mark.parametrize(
    "rows",
    [
        [(fp.USERNAME_FORM, af.REQ), (fp.PASSKEY_FORM, af.ALT)],
        [(fp.PASSKEY_FORM, af.ALT)],
        [(fp.USERNAME_FORM, af.REQ)],
        [(fp.USERNAME_FORM, af.REQ), (fp.OTP_FORM, af.REQ)],
        [(fp.USERNAME_FORM, af.REQ), (fp.PASSWORD_ONLY_FORM, af.COND)],
        [(fp.USERNAME_FORM, af.COND), (fp.PASSWORD_ONLY_FORM, af.REQ)],
        [(fp.PASSWORD_ONLY_FORM, af.REQ)],
    ],
)
def test_identity_first_refuses_other_shapes(rows: list[Row]) -> None:
    """UsernameForm alone, or not followed by a REQUIRED PasswordForm, or PasswordForm without a user: refused."""
    with pytest.raises(fp.Unsupported):
        compile_top({"top": [("@forms", af.ALT)], "forms": rows})


def test_a_required_passkey_after_the_username_and_password_form_is_a_gate() -> None:
    """WebAuthnPwdLessPropertyTest's realm: the username and password form, then the WebAuthn Passwordless
    Authenticator, both REQUIRED: the passkey is a second factor, a REQUIRED gate after the password (the user
    known); in a conditional sub-flow it is refused."""
    plan = compile_top({"top": [("@forms", af.ALT)], "forms": [(fp.PASSWORD_FORM, af.REQ), (fp.PASSKEY_FORM, af.REQ)]})
    assert kinds(plan) == [(fp.PASSKEY, True, [])] and not plan.passwordless and not plan.usernameless
    with pytest.raises(fp.Unsupported):
        compile_top(
            {
                "top": [("@forms", af.ALT)],
                "forms": [(fp.PASSWORD_FORM, af.REQ), ("@c", af.COND)],
                "c": [(fp.USER_CONFIGURED, af.REQ), (fp.PASSKEY_FORM, af.REQ)],
            }
        )


def test_identity_first_with_the_username_and_password_form_second() -> None:
    """LoginErrorMessageTest's flow: UsernameForm then UsernamePasswordForm, both REQUIRED: two pages, the second
    the username and password form with the user set (Plan.user_set_form); PasswordForm second is not that."""
    plan = compile_top({"top": [("@forms", af.ALT)], "forms": [(fp.USERNAME_FORM, af.REQ), (fp.PASSWORD_FORM, af.REQ)]})
    assert plan.username_first and plan.user_set_form and not plan.passwordless and plan.gates == ()
    plan = compile_top(
        {"top": [("@forms", af.ALT)], "forms": [(fp.USERNAME_FORM, af.REQ), (fp.PASSWORD_ONLY_FORM, af.REQ)]}
    )
    assert plan.username_first and not plan.user_set_form
    with pytest.raises(fp.Unsupported):
        compile_top({"top": [("@forms", af.ALT)], "forms": [(fp.USERNAME_FORM, af.REQ), (fp.PASSWORD_FORM, af.ALT)]})


def test_the_organization_step_counts_only_before_the_sign_in_form() -> None:
    """Keycloak's Organization sub-flow (conditional-user-configured and ``organization``): reached before the
    username and password form it runs (Plan.organization); after it, never."""
    steps: dict[str, list[Row]] = {
        "org": [("@org-cond", af.COND)],
        "org-cond": [(fp.USER_CONFIGURED, af.REQ), (fp.ORGANIZATION, af.ALT)],
        "forms": [(fp.PASSWORD_FORM, af.REQ)],
    }
    assert compile_top({"top": [("@org", af.ALT), ("@forms", af.ALT)], **steps}).organization
    assert not compile_top({"top": [("@forms", af.ALT), ("@org", af.ALT)], **steps}).organization


def test_the_password_form_required_in_the_flow_itself_with_steps_after_it() -> None:
    """UserSessionLimitsTest's browser flow: the form and the session limiter, both REQUIRED at the top."""
    limits = {"behavior": "Deny new session", "userClientLimit": "1"}
    plan = compile_top({"top": [(fp.PASSWORD_FORM, af.REQ), (fp.SESSION_LIMITS, af.REQ, limits)]})
    assert not plan.cookie and not plan.username_first
    (gate,) = plan.gates
    assert (gate.action, gate.required, dict(gate.config or ())) == (fp.LIMITS, True, limits)


def test_required_steps_after_the_forms_sub_flow_are_gates() -> None:
    plan = compile_top(
        {"top": [("@forms", af.REQ), (fp.SESSION_LIMITS, af.REQ)], "forms": [(fp.PASSWORD_FORM, af.REQ)]}
    )
    assert [g.action for g in plan.gates] == [fp.LIMITS]
    assert plan.gates[0].config is None  # no config: the limiter ends the login as an unexpected error


def test_conditional_deny_between_the_username_and_the_password_pages() -> None:
    """ConditionalGroupAuthenticatorTest's flow: the gates before the password page, the password page next."""
    plan = compile_top(
        {
            "top": [("@forms", af.ALT)],
            "forms": [(fp.USERNAME_FORM, af.REQ), ("@deny", af.COND), (fp.PASSWORD_ONLY_FORM, af.REQ)],
            "deny": [(fp.USER_GROUP, af.REQ, {"condUserGroup": "/g"}), (fp.DENY, af.REQ)],
        }
    )
    assert plan.username_first and plan.gates == ()
    (gate,) = plan.before_password
    assert (gate.action, [c.kind for c in gate.conditions], gate.path) == (fp.DENY_ACCESS, [fp.USER_GROUP], ("deny",))


def test_an_otp_form_between_the_username_and_the_password_pages_is_refused() -> None:
    flows: dict[str, list[Row]] = {
        "top": [("@forms", af.ALT)],
        "forms": [(fp.USERNAME_FORM, af.REQ), ("@otp", af.COND), (fp.PASSWORD_ONLY_FORM, af.REQ)],
        "otp": [(fp.USER_ROLE, af.REQ, {"condUserRole": "r"}), (fp.OTP_FORM, af.REQ)],
    }
    with pytest.raises(fp.Unsupported, match="only Deny and Allow Access between"):
        compile_top(flows)


def test_username_form_then_level_sub_flows_the_first_holding_the_password() -> None:
    """LevelOfAssuranceEssentialAcrTest's step-up flow: the password page belongs to level 1."""
    plan = compile_top(
        {
            "top": [("@forms", af.ALT)],
            "forms": [(fp.USERNAME_FORM, af.REQ), ("@l1", af.COND), ("@l2", af.COND)],
            "l1": [
                ("conditional-level-of-authentication", af.REQ, {"loa-condition-level": "1"}),
                (fp.PASSWORD_ONLY_FORM, af.REQ),
            ],
            "l2": [
                ("conditional-level-of-authentication", af.REQ, {"loa-condition-level": "2"}),
                (fp.USER_CONFIGURED, af.REQ),
                (fp.OTP_FORM, af.REQ),
            ],
        }
    )
    assert plan.username_first and plan.password is not None and plan.password.flow_id == "id-l1"
    (otp,) = plan.gates
    assert otp.action == fp.OTP and otp.group is not None and otp.group.flow_id == "id-l2"


def test_sub_flow_executed_and_client_scope_conditions_compile_with_their_paths() -> None:
    plan = compile_top(
        {
            "top": [("@forms", af.ALT)],
            "forms": [(fp.PASSWORD_FORM, af.REQ), ("@2fa", af.COND), ("@check", af.COND)],
            "2fa": [(fp.CLIENT_SCOPE, af.REQ, {"client_scope": "profile"}), (fp.OTP_FORM, af.REQ)],
            "check": [(fp.SUB_FLOW, af.REQ, {"flow_to_check": "2fa"}), (fp.DENY, af.REQ)],
        }
    )
    assert [(g.action, g.path, [c.kind for c in g.conditions]) for g in plan.gates] == [
        (fp.OTP, ("2fa",), [fp.CLIENT_SCOPE]),
        (fp.DENY_ACCESS, ("check",), [fp.SUB_FLOW]),
    ]
