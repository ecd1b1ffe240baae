"""Keycloak's BrowserFlowTest (testsuite/integration-arquillian/tests/base/.../forms/BrowserFlowTest.java), the
methods that run Keycloak's default browser flow, over HTTP.

The realm is the part of ``testrealm.json`` they read: ``test-app``, ``test-user@localhost`` (no OTP),
``user-with-one-configured-otp`` (one TOTP credential) and ``user-with-two-configured-otp`` (a TOTP labelled
``first``, the password, then an unlabelled TOTP, in that order), every password ``password``. The OTP secrets
are used as their ASCII bytes, as Keycloak's TimeBasedOTP uses them; the fake clock gives the codes' time.

The methods that build a browser flow of their own are ported in test_kc_port5_browser_flows.py (and
testLoginMultiFactorWithWrongCredentialsMessage, on MultiFactorAuthenticationTest's flow, in
test_kc_port5_multi_factor.py), which also names those whose flow Doorkeep refuses to bind. DirectGrantFlowTest's
one method (testDirectGrantLoginWithOTPFormShouldFail) is not ported: it puts the browser's OTP form in a copy of
the direct grant flow, which Doorkeep refuses to bind (realms/flow_plan.py runs the direct grant's own steps).
"""

from __future__ import annotations

import pytest

from browser_flow import submit
from browser_flow_realm import (
    FIRST_KEY,
    INVALID_AUTH_CODE,
    PASSWORD,
    SECOND_KEY,
    UNNAMED,
    code,
    credential_id,
    is_otp_page,
    kc,
    offered,
    otp_credential,
    provide_username_password,
    realm_rep,
    selected_label,
)
from keycloak_port import ADMIN, admin_headers, import_realm, poll
from login_test_realm import INVALID_USER, auth_response, error, expect_login, is_login_page, login, open_login_form
from wire_env import Env

pytestmark = pytest.mark.anyio
__all__ = ["kc"]  # the fixture


async def test_user_without_additional_factor_connection(kc: Env) -> None:
    """BrowserFlowTest.testUserWithoutAdditionalFactorConnection: no OTP form, no credential selector."""
    done = await provide_username_password(kc, "test-user@localhost")
    assert not is_otp_page(done) and not offered(done)
    assert "code" in auth_response(done)


async def test_user_with_one_additional_factor_otp_fails(kc: Env) -> None:
    """BrowserFlowTest.testUserWithOneAdditionalFactorOtpFails: one credential, no selector; a seven-digit code
    is refused on the same form."""
    page = await provide_username_password(kc, "user-with-one-configured-otp")
    assert is_otp_page(page) and not offered(page)
    again = await submit(kc.http, page, otp="1234567")
    assert is_otp_page(again) and error(again) == INVALID_AUTH_CODE


async def test_user_with_one_additional_factor_otp_success(kc: Env) -> None:
    """BrowserFlowTest.testUserWithOneAdditionalFactorOtpSuccess."""
    page = await provide_username_password(kc, "user-with-one-configured-otp")
    assert is_otp_page(page) and not offered(page)
    done = await submit(kc.http, page, otp=code(kc, FIRST_KEY))
    assert not is_otp_page(done) and "code" in auth_response(done)


async def test_user_with_two_additional_factors(kc: Env) -> None:
    """BrowserFlowTest.testUserWithTwoAdditionalFactors: ``first`` is selected; a code is checked against the
    selected credential only."""
    page = await provide_username_password(kc, "user-with-two-configured-otp")
    assert is_otp_page(page) and len(offered(page)) == 2
    assert selected_label(page) == "first"
    first, second = credential_id(page, "first"), credential_id(page, UNNAMED)
    page = await submit(kc.http, page, selectedCredentialId=second, otp=code(kc, FIRST_KEY))
    assert is_otp_page(page) and error(page) == INVALID_AUTH_CODE
    page = await submit(kc.http, page, selectedCredentialId=first, otp=code(kc, SECOND_KEY))
    assert is_otp_page(page) and error(page) == INVALID_AUTH_CODE
    done = await submit(kc.http, page, selectedCredentialId=second, otp=code(kc, SECOND_KEY))
    assert not is_otp_page(done) and "code" in auth_response(done)


async def credentials_order(env: Env, expected: list[str]) -> None:
    page = await provide_username_password(env, "user-with-two-configured-otp")
    assert is_otp_page(page)
    assert selected_label(page) == expected[0]  # the preferred credential is selected
    assert [label for _, label, _ in offered(page)] == expected


async def test_credentials_order(kc: Env) -> None:
    """BrowserFlowTest.testCredentialsOrder: the selector lists the OTP credentials by priority, which an import
    gives in the order of the user's ``credentials``; the realm imported again with ``first`` moved last lists
    (and selects) the unnamed one first."""
    await credentials_order(kc, ["first", UNNAMED])
    response = await kc.http.delete(ADMIN, headers=await admin_headers(kc))
    assert response.status_code == 204, response.text
    await import_realm(kc, realm_rep([PASSWORD, otp_credential(SECOND_KEY), otp_credential(FIRST_KEY, "first")]))
    await credentials_order(kc, [UNNAMED, "first"])


async def test_login_with_wrong_credentials_message(kc: Env) -> None:
    """BrowserFlowTest.testLoginWithWrongCredentialsMessage: a wrong password says INVALID_USER; the right one
    on the same form logs in, with a LOGIN event naming the user."""
    page = await login(kc, await open_login_form(kc), "test-user@localhost", "wrong_password")
    assert is_login_page(page) and error(page) == INVALID_USER
    await poll(kc)  # events.clear()
    assert "code" in auth_response(await login(kc, page, "test-user@localhost"))
    await expect_login(kc, "test-user@localhost", username="test-user@localhost")
