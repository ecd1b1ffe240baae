"""Keycloak's new-framework CustomAuthFlowOTPTest (tests/base/.../tests/account/custom/) over HTTP, the methods on the
built-in browser flow: its "Browser - Conditional 2FA" sub-flow made REQUIRED and its OTP Form REQUIRED, so a user
without OTP is sent to Configure OTP, and once configured gets the OTP form; with ``otpPolicyCodeReusable`` on or
off, the code used to configure OTP signs the user in again or not (``reuseExistingOTP``/``notReuseExistingOTP``).

The ``conditionalOTP*`` methods, which run the deprecated Conditional OTP Form (``auth-conditional-otp-form``:
skip/force by attribute, role, request header), are test_kc_s68o_conditional_otp.py's. Doorkeep refuses the Java order of the two requirement changes (the sub-flow
REQUIRED while its OTP Form is still ALTERNATIVE beside the condition: "cannot run flow 'browser'"), a state
Keycloak accepts; the port sets the OTP Form first, reaching the same flow."""

from __future__ import annotations

import pytest

import conditional_otp_port
import otp_port
from browser_flow import code_from, submit
from flow_builder import REQ, executions, set_requirement
from keycloak_port import poll, put, user_id
from otp_port import (
    configure,
    input_error,
    is_config_totp_page,
    is_login_totp_page,
    login,
    open_login,
    totp,
    totp_secret,
)
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = otp_port.anyio_backend, otp_port.shared_env
imported, kc = otp_port.imported, otp_port.kc
otp_realm, otp_users = conditional_otp_port.otp_realm, conditional_otp_port.otp_users
TWO_FA = "Browser - Conditional 2FA"


async def require_otp(env: Env) -> None:
    """``updateRequirement("browser", REQUIRED, 2FA sub-flow)`` and ``updateRequirement(2FA, auth-otp-form,
    REQUIRED)``, the browser flow bound."""
    await put(env, "", {"browserFlow": "browser"})
    (otp,) = [e for e in await executions(env, TWO_FA) if e.get("providerId") == "auth-otp-form"]
    await set_requirement(env, TWO_FA, otp, REQ)
    (sub,) = [e for e in await executions(env, "browser") if e.get("displayName") == TWO_FA]
    await set_requirement(env, "browser", sub, REQ)


async def reset_otp_requirements(env: Env) -> None:
    """The built-in flow back as imported: the module's other tests run on the same realm."""
    (sub,) = [e for e in await executions(env, "browser") if e.get("displayName") == TWO_FA]
    await set_requirement(env, "browser", sub, "CONDITIONAL")
    (otp,) = [e for e in await executions(env, TWO_FA) if e.get("providerId") == "auth-otp-form"]
    await set_requirement(env, TWO_FA, otp, "ALTERNATIVE")


async def configure_otp(env: Env) -> str:
    """``configureOTP``: a login, Configure OTP with a code of the page's secret, then (AccountHelper.logout) no
    session left; the code used."""
    page = await login(env, await open_login(env))
    assert is_config_totp_page(page), page.text[:500]
    code = totp(totp_secret(page), env.clock.now())
    assert "code" in code_from(await configure(env, page, code))
    env.http.cookies.clear()
    await poll(env)
    return code


async def test_require_otp(kc: Env) -> None:
    """CustomAuthFlowOTPTest#requireOTPTest."""
    await require_otp(kc)
    try:
        assert is_config_totp_page(await login(kc, await open_login(kc)))
        kc.http.cookies.clear()
        await configure_otp(kc)
        assert is_login_totp_page(await login(kc, await open_login(kc)))
    finally:
        await reset_otp_requirements(kc)


@pytest.mark.parametrize("reusable", [True, False])
async def test_reuse_existing_otp(kc: Env, reusable: bool) -> None:
    """CustomAuthFlowOTPTest#reuseExistingOTP and #notReuseExistingOTP: the Java methods only type the code; the
    port checks the outcome, a login (reusable) or "Invalid authenticator code." (not)."""
    await put(kc, "", {"otpPolicyCodeReusable": reusable})
    await require_otp(kc)
    try:
        code = await configure_otp(kc)
        page = await login(kc, await open_login(kc))
        assert is_login_totp_page(page)
        answer = await submit(kc.http, page, otp=code)
        if reusable:
            assert "code" in code_from(answer)
        else:
            assert is_login_totp_page(answer) and input_error(answer) == "Invalid authenticator code."
        assert await user_id(kc, "test-user@localhost")
    finally:
        await reset_otp_requirements(kc)
