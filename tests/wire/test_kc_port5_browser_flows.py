"""Keycloak's BrowserFlowTest (testsuite/.../forms/BrowserFlowTest.java), the methods that build a browser flow of
their own, over HTTP: each test copies the browser flow as ``FlowUtil.copyBrowserFlow(...).inForms(forms ->
forms.clear()...)`` does (a new top-level flow: the Cookie step ALTERNATIVE, then a ``forms`` sub-flow ALTERNATIVE
holding the test's steps), binds it as the realm's browser flow and signs in as the Java test does. The realm is
``testrealm.json``'s slice (tests/browser_flow_realm.py).

The methods whose flow Doorkeep cannot run (realms/flow_plan.py: UsernameForm followed by anything but the
password step, a CONDITIONAL sub-flow around the password, a choice holding a sub-flow, the testsuite's own
authenticators) are refused as a binding with Keycloak's 400 and the old flow kept:
``test_flows_doorkeep_cannot_run_are_refused_as_a_binding`` names them. testLoginMultiFactorWithWrongCredentialsMessage
runs on MultiFactorAuthenticationTest's flow, with that class (test_kc_port5_multi_factor.py); testUserWith* and
testCredentialsOrder, which run the default flow, are in test_keycloak_browser_flow_test.py."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from browser_flow import form_action, start, submit
from browser_flow_copy import (
    CONFIGURED,
    FLOW,
    OTP,
    PF,
    ROLE,
    SETUP_REQUIRED,
    UF,
    UNEXPECTED,
    UPF,
    WEBAUTHN,
    Step,
    browser_flow,
    is_password_page,
    is_username_page,
)
from browser_flow_copy import kc as kc  # the realm fixture
from browser_flow_realm import (
    is_otp_page,
    offered,
    provide_username_password,
)
from flow_builder import ADMIN, ALT, AUTH, COND, DIS, REQ, admin, executions
from keycloak_port import user_id
from login_test_realm import APP, auth_response, error_page_text
from wire_env import Env

pytestmark = pytest.mark.anyio


def otp_needs_role(role: str) -> list[Step]:
    """configureBrowserFlowOTPNeedsRole: the username and password form, then a CONDITIONAL sub-flow of the role
    condition and the OTP form."""
    return [(REQ, UPF), (COND, [(REQ, ROLE, {"condUserRole": role}), (REQ, OTP)])]


async def assert_otp_only_for_the_role_holder(env: Env) -> None:
    """user-with-two-configured-otp holds the role: the OTP form with the selector; user-with-one-configured-otp
    does not: signed in without it."""
    page = await provide_username_password(env, "user-with-two-configured-otp")
    assert is_otp_page(page) and len(offered(page)) == 2
    done = await provide_username_password(env, "user-with-one-configured-otp")
    assert not is_otp_page(done) and "code" in auth_response(done)


async def test_conditional_role_authenticator(kc: Env) -> None:
    """testConditionalRoleAuthenticator: the OTP form for holders of the realm role ``user`` only."""
    await browser_flow(kc, otp_needs_role("user"))
    await assert_otp_only_for_the_role_holder(kc)


async def test_conditional_role_authenticator_with_realm_role_included_in_composite_realm_role(kc: Env) -> None:
    """testConditionalRoleAuthenticatorWithRealmRoleIncludedInCompositeRealmRole: the condition names
    ``child-realm-role-1``; the user holds ``composite-realm-role-1``, which includes it."""
    for name in ("composite-realm-role-1", "child-realm-role-1"):
        await admin(kc, "POST", f"{ADMIN}/roles", {"name": name}, 201)
    child = (await admin(kc, "GET", f"{ADMIN}/roles/child-realm-role-1", status=200)).json()
    composite = (await admin(kc, "GET", f"{ADMIN}/roles/composite-realm-role-1", status=200)).json()
    await admin(kc, "POST", f"{ADMIN}/roles/composite-realm-role-1/composites", [child], 204)
    user = await user_id(kc, "user-with-two-configured-otp")
    await admin(kc, "POST", f"{ADMIN}/users/{user}/role-mappings/realm", [composite], 204)
    await browser_flow(kc, otp_needs_role("child-realm-role-1"))
    await assert_otp_only_for_the_role_holder(kc)


async def test_conditional_role_authenticator_with_client_role_included_in_composite_client_role(kc: Env) -> None:
    """testConditionalRoleAuthenticatorWithClientRoleIncludedInCompositeClientRole: the condition names
    ``test-app.child-client-role-1``; the user holds test-app's ``composite-client-role-1``, which includes it."""
    [client] = (await admin(kc, "GET", f"{ADMIN}/clients?clientId={APP}", status=200)).json()
    roles = f"{ADMIN}/clients/{client['id']}/roles"
    for name in ("composite-client-role-1", "child-client-role-1"):
        await admin(kc, "POST", roles, {"name": name}, 201)
    child = (await admin(kc, "GET", f"{roles}/child-client-role-1", status=200)).json()
    composite = (await admin(kc, "GET", f"{roles}/composite-client-role-1", status=200)).json()
    await admin(kc, "POST", f"{roles}/composite-client-role-1/composites", [child], 204)
    user = await user_id(kc, "user-with-two-configured-otp")
    await admin(kc, "POST", f"{ADMIN}/users/{user}/role-mappings/clients/{client['id']}", [composite], 204)
    await browser_flow(kc, otp_needs_role(f"{APP}.child-client-role-1"))
    await assert_otp_only_for_the_role_holder(kc)


REQUIRED_PASSWORD_ALTERNATIVE_OTP: list[Step] = [(REQ, UF), (REQ, PF), (ALT, OTP)]


async def test_switch_execution_not_allowed_with_required_password_and_alternative_otp(kc: Env) -> None:
    """testSwitchExecutionNotAllowedWithRequiredPasswordAndAlternativeOTP: the ALTERNATIVE OTP form beside REQUIRED
    steps never runs; posting its execution id from the password page is the error page, not the OTP form."""
    await browser_flow(kc, REQUIRED_PASSWORD_ALTERNATIVE_OTP)
    page = await start(kc.http, "test", APP)
    assert is_username_page(page), page.text[:500]
    page = await submit(kc.http, page, username="user-with-one-configured-otp")
    assert is_password_page(page), page.text[:500]
    [otp] = [e["id"] for e in await executions(kc, FLOW) if e.get("providerId") == OTP]
    refused = await kc.http.post(form_action(page.text), data={"authenticationExecution": otp, "credentialId": ""})
    assert refused.status_code == 400 and error_page_text(refused) == UNEXPECTED, refused.text[:500]
    assert not is_otp_page(refused)


async def test_social_providers_present_on_login_username_only_page_if_configured(kc: Env) -> None:
    """testSocialProvidersPresentOnLoginUsernameOnlyPageIfConfigured: each provider added (GitHub, GitLab,
    Google, as SocialLoginTest.buildIdp makes them) has its ``social-{alias}`` button on the username page."""
    await browser_flow(kc, REQUIRED_PASSWORD_ALTERNATIVE_OTP)
    for provider in ("github", "gitlab", "google"):
        config = {"clientId": "dummy", "clientSecret": "dummy", "syncMode": "IMPORT"}
        rep = {"alias": provider, "providerId": provider, "enabled": True, "config": config}
        await admin(kc, "POST", f"{ADMIN}/identity-provider/instances", rep, 201)
        kc.http.cookies.clear()
        page = await start(kc.http, "test", APP)
        assert is_username_page(page) and f'id="social-{provider}"' in page.text, page.text[:800]


REQUIRED_OTP: list[Step] = [(REQ, UPF), (REQ, OTP)]


async def test_login_with_no_otp_credential_and_no_required_action_provider_registered(kc: Env) -> None:
    """testLoginWithWithNoOTPCredentialAndNoRequiredActionProviderRegistered: CONFIGURE_TOTP removed, the REQUIRED
    OTP form of a user without OTP is the error page (CREDENTIAL_SETUP_REQUIRED), not the setup page."""
    await browser_flow(kc, REQUIRED_OTP)
    await admin(kc, "DELETE", f"{AUTH}/required-actions/CONFIGURE_TOTP", None, 204)
    page = await provide_username_password(kc, "test-user@localhost")
    assert page.status_code == 400 and error_page_text(page) == SETUP_REQUIRED, page.text[:500]


async def test_login_with_no_otp_credential_and_required_action_provider_disabled(kc: Env) -> None:
    """testLoginWithWithNoOTPCredentialAndRequiredActionProviderDisabled: the same with CONFIGURE_TOTP disabled."""
    await browser_flow(kc, REQUIRED_OTP)
    action = (await admin(kc, "GET", f"{AUTH}/required-actions/CONFIGURE_TOTP", status=200)).json()
    await admin(kc, "PUT", f"{AUTH}/required-actions/CONFIGURE_TOTP", {**action, "enabled": False}, 204)
    page = await provide_username_password(kc, "test-user@localhost")
    assert page.status_code == 400 and error_page_text(page) == SETUP_REQUIRED, page.text[:500]


async def test_login_with_no_otp_credential(kc: Env) -> None:
    """testLoginWithWithNoOTPCredential: with CONFIGURE_TOTP enabled, the user is sent to the OTP setup, the
    required action ``required-action?execution=CONFIGURE_TOTP`` (the page Keycloak redirects to, which Doorkeep
    answers the password with at once: its form posts there)."""
    await browser_flow(kc, REQUIRED_OTP)
    page = await provide_username_password(kc, "test-user@localhost")
    assert page.status_code == 200 and 'name="totpSecret"' in page.text, page.text[:500]
    action = urlsplit(form_action(page.text))
    assert action.path.endswith("/login-actions/required-action"), action
    assert parse_qs(action.query)["execution"] == ["CONFIGURE_TOTP"], action


async def test_login_with_no_webauthn_credential_and_no_required_action_provider_registered(kc: Env) -> None:
    """testLoginWithWithNoWebAuthnCredentialAndNoRequiredActionProviderRegistered: webauthn-register not
    registered, the REQUIRED WebAuthn step of a user without a key is the error page. (Its siblings, the action
    disabled and the action enabled, are ported in test_webauthn_login.py.)"""
    await browser_flow(kc, [(REQ, UPF), (REQ, WEBAUTHN)])
    registered = (await admin(kc, "GET", f"{AUTH}/required-actions", status=200)).json()
    if any(a["alias"] == "webauthn-register" for a in registered):
        await admin(kc, "DELETE", f"{AUTH}/required-actions/webauthn-register", None, 204)
    page = await provide_username_password(kc, "test-user@localhost")
    assert page.status_code == 400 and error_page_text(page) == SETUP_REQUIRED, page.text[:500]


# The Java methods whose flows Doorkeep refuses to bind (it never ignores a step it was asked to run).
REFUSED: dict[str, list[Step]] = {
    # testFlowDisabledWhenConditionalAuthenticatorIsMissing (both of its flows)
    "conditional password with its condition": [(REQ, UF), (COND, [(REQ, CONFIGURED), (REQ, PF)])],
    "conditional password without a condition": [(REQ, UF), (COND, [(REQ, PF)])],
    # testFlowDisabledWhenConditionalAuthenticatorIsDisabled
    "conditional password, its condition disabled": [(REQ, UF), (COND, [(DIS, CONFIGURED), (REQ, PF)])],
    # testConditionalAuthenticatorInNonConditionalFlow
    "a condition in a REQUIRED sub-flow": [
        (REQ, UF),
        (REQ, [(REQ, ROLE, {"condUserRole": "non-existing-role"}), (REQ, PF)]),
    ],
    # testConditionalFlowWithConditionalAuthenticatorEvaluatingToFalseActsAsDisabled / ...ToTrueActsAsRequired
    "username then a conditional OTP form, no password": [(REQ, UF), (REQ, [(COND, [(REQ, CONFIGURED), (REQ, OTP)])])],
    # testConditionalFlowWithMultipleConditionalAuthenticatorsWithUserWithRoleAndOTP / ...RoleButNotOTP
    "a choice between the OTP form and a sub-flow": [
        (REQ, UPF),
        (COND, [(REQ, CONFIGURED), (REQ, ROLE, {"condUserRole": "user"}), (ALT, OTP), (ALT, [(DIS, OTP)])]),
    ],
    # testLoginWithWithNoOTPCredentialAndAlternativeActionProvider
    "a choice between the OTP form and a password sub-flow": [(REQ, UF), (REQ, [(ALT, OTP), (ALT, [(ALT, PF)])])],
    # testLoginWithWithNoWebAuthnCredentialAndAlternativeActionProvider
    "a choice between WebAuthn and a password sub-flow": [(REQ, UF), (REQ, [(ALT, WEBAUTHN), (ALT, [(ALT, PF)])])],
    # testLoginWithAlternativeOTPAndConditionalPassword
    "a choice between the OTP form and a conditional password": [
        (REQ, UF),
        (REQ, [(ALT, OTP), (ALT, [(COND, [(REQ, CONFIGURED), (REQ, PF)])])]),
    ],
}


@pytest.mark.parametrize("shape", list(REFUSED))
async def test_flows_doorkeep_cannot_run_are_refused_as_a_binding(kc: Env, shape: str) -> None:
    """Keycloak runs these; Doorkeep answers the binding with 400 "Doorkeep cannot run flow ..." and keeps the
    realm's browser flow, so the login still asks what the bound flow asks."""
    refused = await browser_flow(kc, REFUSED[shape], 400)
    assert refused.json()["errorMessage"].startswith(f"Doorkeep cannot run flow '{FLOW}'"), refused.text
    assert (await admin(kc, "GET", ADMIN, status=200)).json()["browserFlow"] == "browser"
    page = await provide_username_password(kc, "user-with-one-configured-otp")
    assert is_otp_page(page)  # the built-in browser flow's conditional OTP
