"""Keycloak's new-framework CustomAuthFlowOTPTest (tests/base/.../tests/account/custom/), the ``conditionalOTP*``
methods: a flow of the username and password form and the Conditional OTP Form (``auth-conditional-otp-form``,
oauth/conditional_otp.py), both REQUIRED, bound as the browser flow, its config deciding whether the OTP form
shows (the user's attribute, role, a request header, the default outcome). A user without OTP who would get the
form is sent to Configure OTP; one who would skip it signs in. The server takes no proxy headers here, so a header
pattern that would skip the OTP form does not count (conditionalOTPRequestHeaderSkipIgnoredWithoutProxy); the
proxied cases are test_kc_s68o_conditional_otp_proxy_allow.py and _deny.py.

``requireOTPTest``, ``reuseExistingOTP`` and ``notReuseExistingOTP`` are test_kc_new_custom_auth_flow_otp.py's."""

from __future__ import annotations

import pytest

import conditional_otp_port
import otp_port
from conditional_otp_port import (
    HOST,
    configure_otp,
    enable_unmanaged_attributes,
    grant_otp_role,
    join_otp_group,
    login_page,
    set_conditional_otp_form,
    signed_in,
    update_user,
)
from flow_builder import AUTH, admin
from keycloak_port import put
from otp_port import is_config_totp_page, is_login_totp_page
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = otp_port.anyio_backend, otp_port.shared_env
imported, kc = otp_port.imported, otp_port.kc
otp_realm, otp_users = conditional_otp_port.otp_realm, conditional_otp_port.otp_users
NO_SUCH = {  # the "WithChecks" methods' conditions, none of which applies
    "otpControlAttribute": "noSuchUserSkipAttribute",
    "skipOtpRole": "no_such_otp_role",
    "forceOtpRole": "no_such_otp_role",
    "noOtpRequiredForHeaderPattern": "NoSuchHost: nolocalhost:65536",
    "forceOtpForHeaderPattern": "NoSuchHost: nolocalhost:65536",
}


@pytest.fixture
async def env(kc: Env) -> Env:
    await enable_unmanaged_attributes(kc)
    return kc


async def otp_forced(env: Env) -> None:
    """Configure OTP on the first login, then the OTP form on the next."""
    assert is_config_totp_page(await login_page(env))
    env.http.cookies.clear()
    await configure_otp(env)
    assert is_login_totp_page(await login_page(env))


@pytest.mark.parametrize("checks", [False, True], ids=["plain", "with_checks"])
async def test_no_default(env: Env, checks: bool) -> None:
    """#conditionalOTPNoDefault, #conditionalOTPNoDefaultWithChecks: OTP set up (the user's CONFIGURE_TOTP on
    the built-in browser flow), then no condition decides: the OTP form."""
    await put(env, "", {"browserFlow": "browser"})  # the Java test's fresh realm: the built-in flow bound
    await update_user(env, requiredActions=["CONFIGURE_TOTP"])
    await configure_otp(env)
    await set_conditional_otp_form(env, dict(NO_SUCH) if checks else {})
    assert is_login_totp_page(await login_page(env))


@pytest.mark.parametrize("checks", [False, True], ids=["plain", "with_checks"])
async def test_default_skip(env: Env, checks: bool) -> None:
    """#conditionalOTPDefaultSkip, #conditionalOTPDefaultSkipWithChecks: a user without OTP signs in."""
    await set_conditional_otp_form(env, {**(NO_SUCH if checks else {}), "defaultOtpOutcome": "skip"})
    assert signed_in(await login_page(env))


@pytest.mark.parametrize("checks", [False, True], ids=["plain", "with_checks"])
async def test_default_force(env: Env, checks: bool) -> None:
    """#conditionalOTPDefaultForce, #conditionalOTPDefaultForceWithChecks."""
    await set_conditional_otp_form(env, {**(NO_SUCH if checks else {}), "defaultOtpOutcome": "force"})
    await otp_forced(env)


async def test_user_attribute_skip(env: Env) -> None:
    """#conditionalOTPUserAttributeSkip: the attribute says skip over a default of force."""
    await set_conditional_otp_form(env, {"otpControlAttribute": "userSkipAttribute", "defaultOtpOutcome": "force"})
    await update_user(env, attributes={"userSkipAttribute": ["skip"]})
    assert signed_in(await login_page(env))


async def test_user_attribute_force(env: Env) -> None:
    """#conditionalOTPUserAttributeForce: the attribute says force over a default of skip."""
    await set_conditional_otp_form(env, {"otpControlAttribute": "userSkipAttribute", "defaultOtpOutcome": "skip"})
    await update_user(env, attributes={"userSkipAttribute": ["force"]})
    await otp_forced(env)


async def test_role_skip(env: Env) -> None:
    """#conditionalOTPRoleSkip."""
    await set_conditional_otp_form(env, {"skipOtpRole": "otp_role", "defaultOtpOutcome": "force"})
    await grant_otp_role(env)
    assert signed_in(await login_page(env))


async def test_role_force(env: Env) -> None:
    """#conditionalOTPRoleForce."""
    await set_conditional_otp_form(env, {"forceOtpRole": "otp_role", "defaultOtpOutcome": "skip"})
    await grant_otp_role(env)
    await otp_forced(env)


async def test_role_force_via_group(env: Env) -> None:
    """#conditionalOTPRoleForceViaGroup: the role held through a group."""
    await set_conditional_otp_form(env, {"forceOtpRole": "otp_role", "defaultOtpOutcome": "skip"})
    await join_otp_group(env)
    await otp_forced(env)


async def test_empty_configuration(env: Env) -> None:
    """#conditionalOTPEmptyConfiguration: no config at all, the OTP form as the plain OTP Form."""
    await set_conditional_otp_form(env, None)
    await otp_forced(env)


async def test_request_header_skip_ignored_without_proxy(env: Env) -> None:
    """#conditionalOTPRequestHeaderSkipIgnoredWithoutProxy: the request's Host matches the skip pattern, but
    without --proxy-headers the client's own headers do not skip the OTP form ("Mobile Authenticator Setup")."""
    await set_conditional_otp_form(env, {"noOtpRequiredForHeaderPattern": HOST, "defaultOtpOutcome": "force"})
    page = await login_page(env)
    assert is_config_totp_page(page) and otp_port.element_text(page, "kc-page-title") == "Mobile Authenticator Setup"


async def test_request_header_force(env: Env) -> None:
    """#conditionalOTPRequestHeaderForce: the force pattern counts whoever sent the header."""
    await set_conditional_otp_form(env, {"forceOtpForHeaderPattern": HOST, "defaultOtpOutcome": "skip"})
    page = await login_page(env)
    assert otp_port.element_text(page, "kc-page-title") == "Mobile Authenticator Setup"
    env.http.cookies.clear()
    await configure_otp(env)
    assert is_login_totp_page(await login_page(env))


async def test_config_description(env: Env) -> None:
    """Not in the Java class: ``config-description/auth-conditional-otp-form`` as
    ConditionalOtpFormAuthenticatorFactory.getConfigProperties describes it (what the Admin Console's config dialog
    shows), and ``authenticator-providers`` lists the form (ProvidersTest.expectedAuthProviders)."""
    found = (await admin(env, "GET", f"{AUTH}/config-description/auth-conditional-otp-form", status=200)).json()
    assert found["name"] == "Conditional OTP Form" and found["providerId"] == "auth-conditional-otp-form"
    props = {p["name"]: p for p in found["properties"]}
    assert list(props) == [
        "otpControlAttribute",
        "skipOtpRole",
        "forceOtpRole",
        "noOtpRequiredForHeaderPattern",
        "forceOtpForHeaderPattern",
        "defaultOtpOutcome",
    ]
    assert [p["type"] for p in props.values()] == ["String", "Role", "Role", "String", "String", "List"]
    assert props["defaultOtpOutcome"]["defaultValue"] == ["skip", "force"]
    assert props["defaultOtpOutcome"]["label"] == "Fallback OTP handling"
    assert props["noOtpRequiredForHeaderPattern"]["defaultValue"] == ""
    listed = (await admin(env, "GET", f"{AUTH}/authenticator-providers", status=200)).json()
    assert "auth-conditional-otp-form" in {p["id"] for p in listed}
