"""Keycloak's LoginTotpTest (testsuite/integration-arquillian/tests/base/.../forms/LoginTotpTest.java) over HTTP:
the OTP form of the browser login after the password, its "Invalid authenticator code." and LOGIN_ERROR
``invalid_user_credentials``, the attempted username with its "Restart login" link, the direct grant's ``otp`` /
``totp`` parameters, and an OTP credential whose secret is stored in Base32 (OTPCredentialData's
``secretEncoding``). One app and one realm for the module (``group_port.shared_env``, ``otp_port.fresh_users``):
``test-user@localhost`` (password ``password``) with the OTP secret ``totpSecret`` (``configureTestRealm``), made
again for each test.

Codes are computed as the Java test's TimeBasedOTP does, at the server's (fake) time; ``setOtpTimeOffset(30)``
moves that clock by one period, so a code is never one an earlier test spent.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

import otp_port
from browser_flow import REDIRECT, form_action, submit
from keycloak_port import ADMIN, admin_headers, update_realm
from otp_port import (
    INVALID_TOTP,
    USER,
    Events,
    auth_response,
    click,
    element_text,
    input_error,
    is_login_page,
    is_login_totp_page,
    login,
    open_login,
    otp_credential,
    realm_rep,
    totp,
    user_rep,
)
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = otp_port.anyio_backend, otp_port.shared_env
imported, kc, events = otp_port.imported, otp_port.kc, otp_port.events

TOTP_SECRET = "totpSecret"
INVALID_USER = "Invalid username or password."  # Messages.INVALID_USER


@pytest.fixture(scope="module")
def otp_realm() -> dict[str, Any]:
    return realm_rep()


@pytest.fixture
def otp_users() -> list[dict[str, Any]]:
    return [user_rep(USER, otp_credential(TOTP_SECRET))]


async def expect_login_error(events: Events) -> None:
    """``events.expectLogin().error("invalid_user_credentials").session((String) null)``."""
    event = await events.expect(
        "LOGIN_ERROR", error="invalid_user_credentials", username=USER, auth_method="openid-connect"
    )
    assert event.get("sessionId") is None and event["details"]["redirect_uri"] == REDIRECT, event


async def test_login_with_totp_failure(kc: Env, events: Events) -> None:
    """LoginTotpTest.loginWithTotpFailure."""
    page = await login(kc, await open_login(kc))
    assert is_login_totp_page(page)
    wrong = "123456" if totp(TOTP_SECRET, kc.clock.now()) != "123456" else "654321"
    again = await submit(kc.http, page, otp=wrong)
    assert is_login_totp_page(again) and input_error(again) == INVALID_TOTP
    await expect_login_error(events)
    await events.none_left()


async def test_login_with_missing_totp(kc: Env, events: Events) -> None:
    """LoginTotpTest.loginWithMissingTotp: the field sent empty (``loginTotpPage.login(null)``)."""
    page = await login(kc, await open_login(kc))
    assert is_login_totp_page(page)
    again = await submit(kc.http, page, otp="")
    assert is_login_totp_page(again) and input_error(again) == INVALID_TOTP
    await expect_login_error(events)


async def test_login_with_totp_success(kc: Env, events: Events) -> None:
    """LoginTotpTest.loginWithTotpSuccess."""
    page = await login(kc, await open_login(kc))
    assert is_login_totp_page(page)
    kc.clock.advance(30)  # setOtpTimeOffset(TimeBasedOTP.DEFAULT_INTERVAL_SECONDS, totp)
    assert "code" in auth_response(await submit(kc.http, page, otp=totp(TOTP_SECRET, kc.clock.now())))
    await events.expect_login(username=USER)


async def test_login_with_totp_refresh_totp_page(kc: Env, events: Events) -> None:
    """LoginTotpTest.loginWithTotpRefreshTotpPage (KEYCLOAK-3835): the OTP page reloaded is the OTP page still,
    and its code signs in. Keycloak's BrowserHistoryHelper puts the step's GET URL in the address bar (the form's
    action without its ``session_code``), so the browser's refresh is a GET of that."""
    page = await login(kc, await open_login(kc))
    assert is_login_totp_page(page)
    action = httpx.URL(form_action(page.text))
    refreshed = await kc.http.get(action.copy_remove_param("session_code"))
    assert is_login_totp_page(refreshed), (refreshed.status_code, refreshed.text[:800])
    assert "code" in auth_response(await submit(kc.http, refreshed, otp=totp(TOTP_SECRET, kc.clock.now())))
    await events.expect_login(username=USER)


async def test_login_with_totp_invalid_password(kc: Env, events: Events) -> None:
    """LoginTotpTest.loginWithTotpInvalidPassword."""
    page = await login(kc, await open_login(kc), password="invalid")
    assert is_login_page(page) and input_error(page) == INVALID_USER
    await expect_login_error(events)


async def test_login_with_totp_test_attempted_username_and_reset_login(kc: Env) -> None:
    """LoginTotpTest.loginWithTotp_testAttemptedUsernameAndResetLogin: the OTP page names the user (template.ftl's
    ``kc-attempted-username``) and its "Restart login" link leads back to the login form."""
    first = await open_login(kc)
    assert element_text(first, "kc-attempted-username") is None
    page = await login(kc, first)
    assert is_login_totp_page(page)
    assert element_text(page, "kc-attempted-username") == USER
    restarted = await click(kc, page, "reset-login")
    assert is_login_page(restarted), (restarted.status_code, restarted.text[:800])
    assert element_text(restarted, "kc-attempted-username") is None


async def test_login_with_totp_get_token_check_compatibility_cli(kc: Env) -> None:
    """LoginTotpTest.loginWithTotp_getToken_checkCompatibilityCLI (KEYCLOAK-12908): admin-cli's password grant
    takes the code as ``otp`` and as ``totp`` (a reusable code, so the same one twice)."""
    await update_realm(kc, otpPolicyCodeReusable=True)
    form = {"grant_type": "password", "username": USER, "password": "password", "client_id": "admin-cli"}
    code = totp(TOTP_SECRET, kc.clock.now())
    url = "/realms/test/protocol/openid-connect/token"
    assert (await kc.http.post(url, data={**form, "otp": code})).status_code == 200
    both = urlencode([*form.items(), ("otp", code), ("totp", code)])  # the Java Form keeps "otp" and adds "totp"
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    assert (await kc.http.post(url, content=both, headers=headers)).status_code == 200


async def test_base32_encoded_secret(kc: Env) -> None:
    """LoginTotpTest.testBase32EncodedSecret: a user created with an ``otp`` credential whose
    ``credentialData`` says ``"secretEncoding":"BASE32"`` is asked for codes of the decoded key."""
    raw = "JXGDDKNLXTBKGTA2KV6QJGAF4SS4R75X"
    data = '{"subType":"totp","digits":6,"counter":0,"period":30,"algorithm":"HmacSHA1","secretEncoding":"BASE32"}'
    credential = {
        "type": "otp",
        "temporary": False,
        "userLabel": "my-otp",
        "credentialData": data,
        "secretData": '{"value":"' + raw + '"}',
    }
    rep = user_rep("test-otp-user@localhost", credential)
    created = await kc.http.post(f"{ADMIN}/users", json=rep, headers=await admin_headers(kc))
    assert created.status_code == 201, created.text
    page = await login(kc, await open_login(kc), "test-otp-user@localhost")
    assert is_login_totp_page(page), page.text[:800]
    kc.clock.advance(30)
    done = await submit(kc.http, page, otp=totp(base64.b32decode(raw), kc.clock.now()))
    assert "code" in auth_response(done)
