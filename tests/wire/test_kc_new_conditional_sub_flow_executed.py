"""Keycloak's new-framework ConditionalSubFlowExecutedAuthenticatorTest (tests/base/.../tests/login/) over HTTP:
``browser`` copied as ``test``, a CONDITIONAL "2FA Executed" sub-flow added to its forms, holding the
``conditional-sub-flow-executed`` condition (ConditionalSubFlowExecutedAuthenticator: whether the named sub-flow ran
through earlier in the login, ``check_result`` ``executed`` or ``not-executed``; a flow that is not there did not)
over "test Browser - Conditional 2FA" and Deny Access. Doorkeep refused to bind the flow before (a condition it did
not evaluate). The users are the class's: one without OTP, one with one OTP credential, one with two."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import otp_port
from browser_flow import code_from, exchange, submit
from flow_builder import AUTH, COND, REQ, add, add_flow, admin, bind
from keycloak_port import poll, user_id
from otp_port import is_login_totp_page, login, open_login, otp_credential, totp, user_rep
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = otp_port.anyio_backend, otp_port.shared_env
imported, kc = otp_port.imported, otp_port.kc

TEST_USER, ONE_OTP, TWO_OTP = "test-user@localhost", "user-with-one-configured-otp", "user-with-two-configured-otp"
OTP_SECRET = "DJmQfC73VGFhw7D4QJ8A"  # UserWithOneConfiguredOtp.OTP_SECRET
TWO_FA = "test Browser - Conditional 2FA"


@pytest.fixture(scope="module")
def otp_realm() -> dict[str, Any]:
    return otp_port.realm_rep()


@pytest.fixture
def otp_users() -> list[dict[str, Any]]:
    return [
        user_rep(TEST_USER),
        user_rep(ONE_OTP, otp_credential(OTP_SECRET), email=f"{ONE_OTP}@localhost"),
        user_rep(
            TWO_OTP,
            otp_credential(OTP_SECRET, "first"),
            otp_credential("ABCDEFGHIJKLMNOPQRST", "second"),
            email=f"{TWO_OTP}@localhost",
        ),
    ]


@pytest.fixture
async def flows(kc: Env) -> Env:
    """No ``test`` flow left from another test; ``browser`` bound."""
    await bind(kc, "browserFlow", "browser")
    for flow in (await admin(kc, "GET", f"{AUTH}/flows", status=200)).json():
        if flow["alias"] == "test":
            await admin(kc, "DELETE", f"{AUTH}/flows/{flow['id']}", status=204)
    return kc


async def configure(env: Env, flow_name: str, check: str) -> None:
    """``configureConditionalSubFlowExecutedAuthenticatorInFlow``."""
    await admin(env, "POST", f"{AUTH}/flows/browser/copy", {"newName": "test"}, 201)
    await add_flow(env, "test forms", "2FA Executed", COND)
    await add(
        env, "2FA Executed", "conditional-sub-flow-executed", REQ, {"flow_to_check": flow_name, "check_result": check}
    )
    await add(env, "2FA Executed", "deny-access-authenticator", REQ)
    await bind(env, "browserFlow", "test")


async def check_denied(env: Env, page: httpx.Response) -> None:
    assert page.status_code == 401 and "Access denied" in page.text, (page.status_code, page.text[:300])
    (event,) = await poll(env)
    assert (event["type"], event.get("userId"), event["error"]) == ("LOGIN_ERROR", None, "access_denied")


async def check_allowed(env: Env, page: httpx.Response, username: str) -> None:
    code = code_from(page)["code"]
    tokens = await exchange(env.http, "test", otp_port.APP, code, otp_port.SECRET)
    assert tokens.status_code == 200 and "access_token" in tokens.json(), tokens.text
    login_event = next(e for e in await poll(env) if e["type"] == "LOGIN")
    assert login_event["userId"] == await user_id(env, username)
    assert login_event["details"]["username"] == username


async def otp_step(env: Env, username: str) -> httpx.Response:
    page = await login(env, await open_login(env), username, "password")
    assert is_login_totp_page(page), page.text[:300]
    return await submit(env.http, page, otp=totp(OTP_SECRET, env.clock.now()))


@pytest.mark.parametrize(
    ("check", "allowed"), [("executed", True), ("not-executed", False)], ids=["executed", "not-executed"]
)
async def test_without_otp_configured(flows: Env, check: str, allowed: bool) -> None:
    """ConditionalSubFlowExecutedAuthenticatorTest#testWithoutOtpConfiguredExecuted (no OTP: the 2FA sub-flow did
    not run, the check is false: allowed) and #testWithoutOtpConfiguredNotExecuted (denied)."""
    await configure(flows, TWO_FA, check)
    page = await login(flows, await open_login(flows), TEST_USER, "password")
    await (check_allowed(flows, page, TEST_USER) if allowed else check_denied(flows, page))


async def test_with_otp_configured_executed(flows: Env) -> None:
    """ConditionalSubFlowExecutedAuthenticatorTest#testWithOtpConfiguredExecuted: the OTP ran, so denied."""
    await configure(flows, TWO_FA, "executed")
    await check_denied(flows, await otp_step(flows, ONE_OTP))


async def test_with_otp_configured_not_executed(flows: Env) -> None:
    """ConditionalSubFlowExecutedAuthenticatorTest#testWithOtpConfiguredNotExecuted: the OTP ran, so allowed."""
    await configure(flows, TWO_FA, "not-executed")
    await check_allowed(flows, await otp_step(flows, TWO_OTP), TWO_OTP)


@pytest.mark.parametrize(
    ("check", "allowed"), [("executed", True), ("not-executed", False)], ids=["executed", "not-executed"]
)
async def test_with_invalid_flow(flows: Env, check: str, allowed: bool) -> None:
    """ConditionalSubFlowExecutedAuthenticatorTest#testWithInvalidFlowExecuted and #testWithInvalidFlowNotExecuted:
    a flow that is not there did not run."""
    await configure(flows, "invalid flow", check)
    page = await login(flows, await open_login(flows), TEST_USER, "password")
    await (check_allowed(flows, page, TEST_USER) if allowed else check_denied(flows, page))
