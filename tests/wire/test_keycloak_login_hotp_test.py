"""Keycloak's LoginHotpTest (testsuite/integration-arquillian/tests/base/.../forms/LoginHotpTest.java) over
HTTP: the OTP form of the browser login for a user whose OTP credential is counter-based (``hotp``, secret
``hotpSecret``, counter 0, as UserBuilder.hotpSecret makes it), on a realm whose OTP policy the Java ``before()``
sets to ``hotp`` with a look-ahead window of 2. One app and one realm for the module (``otp_port``): the user
made again and the policy set for each test.

The Java class counts its codes with a static counter across its methods; here each test has a new credential,
so the success case spends counter 0.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

import otp_port
from browser_flow import REDIRECT, submit
from keycloak_port import update_realm
from otp_port import (
    INVALID_TOTP,
    USER,
    Events,
    auth_response,
    hotp,
    input_error,
    is_login_page,
    is_login_totp_page,
    login,
    open_login,
    realm_rep,
    user_rep,
)
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, imported, events = (
    otp_port.anyio_backend,
    otp_port.shared_env,
    otp_port.imported,
    otp_port.events,
)

HOTP_SECRET = "hotpSecret"
INVALID_USER = "Invalid username or password."  # Messages.INVALID_USER


def hotp_credential(secret: str) -> dict[str, Any]:
    """OTPCredentialModel.createHOTP(secret, 6, 0, HmacSHA1) as ModelToRepresentation gives it."""
    data = '{"subType":"hotp","digits":6,"counter":0,"period":0,"algorithm":"HmacSHA1"}'
    return {"type": "otp", "secretData": '{"value":"' + secret + '"}', "credentialData": data}


@pytest.fixture(scope="module")
def otp_realm() -> dict[str, Any]:
    return realm_rep()


@pytest.fixture
def otp_users() -> list[dict[str, Any]]:
    return [user_rep(USER, hotp_credential(HOTP_SECRET))]


@pytest.fixture
async def kc(imported: Env, otp_users: list[dict[str, Any]]) -> AsyncIterator[Env]:
    """``otp_port.kc``, then the Java ``before()``: the realm's OTP policy ``hotp``, look-ahead window 2."""
    await otp_port.fresh_users(imported, *otp_users)
    await update_realm(imported, otpPolicyType="hotp", otpPolicyLookAheadWindow=2)
    yield imported
    imported.http.cookies.clear()


async def expect_login_error(events: Events) -> None:
    """``events.expectLogin().error("invalid_user_credentials").session((String) null)``."""
    event = await events.expect(
        "LOGIN_ERROR", error="invalid_user_credentials", username=USER, auth_method="openid-connect"
    )
    assert event.get("sessionId") is None and event["details"]["redirect_uri"] == REDIRECT, event


async def test_login_with_hotp_failure(kc: Env, events: Events) -> None:
    """loginWithHotpFailure: a wrong code is "Invalid authenticator code." on the OTP page again."""
    page = await login(kc, await open_login(kc))
    assert is_login_totp_page(page)
    valid = {hotp(HOTP_SECRET, counter) for counter in range(3)}  # what the look-ahead window would accept
    again = await submit(kc.http, page, otp="123456" if "123456" not in valid else "654321")
    assert is_login_totp_page(again) and input_error(again) == INVALID_TOTP
    await expect_login_error(events)
    await events.none_left()


async def test_login_with_missing_hotp(kc: Env, events: Events) -> None:
    """loginWithMissingHotp: the field sent empty (``loginTotpPage.login(null)``)."""
    page = await login(kc, await open_login(kc))
    assert is_login_totp_page(page)
    again = await submit(kc.http, page, otp="")
    assert is_login_totp_page(again) and input_error(again) == INVALID_TOTP
    await expect_login_error(events)


async def test_login_with_hotp_success(kc: Env, events: Events) -> None:
    """loginWithHotpSuccess: the code of counter 0 signs in."""
    page = await login(kc, await open_login(kc))
    assert is_login_totp_page(page)
    assert "code" in auth_response(await submit(kc.http, page, otp=hotp(HOTP_SECRET, 0)))
    await events.expect_login(username=USER)


async def test_login_with_hotp_invalid_password(kc: Env, events: Events) -> None:
    """loginWithHotpInvalidPassword: a wrong password stops at the login form, before any OTP."""
    page = await login(kc, await open_login(kc), password="invalid")
    assert is_login_page(page) and input_error(page) == INVALID_USER
    await expect_login_error(events)
