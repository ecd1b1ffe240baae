"""Keycloak's new-framework AppInitiatedActionTotpSetupTest (tests/base/.../tests/actions/
AppInitiatedActionTotpSetupTest.java) over HTTP: what the old-testsuite port
(test_keycloak_app_initiated_action_totp_setup_test.py) did not run.

* cancelSetupTotp with its browser flow edits (the old port disabled only the required action): CONFIGURE_TOTP
  disabled, "Browser - Conditional 2FA" CONDITIONAL with both its conditions DISABLED and the OTP Form
  ALTERNATIVE (a pre-KEYCLOAK-11745 OPTIONAL OTP); ``kc_action=CONFIGURE_TOTP`` ends in ``kc_action_status=error``
  after the login, and the flow is written back to REQUIRED as ``postConfigureRealmForCancelSetupTotpTest`` does.
* setupTotpRegisterVerifyRecoveryCodesSetupEnabled / ...Disabled, new in this class: CONFIGURE_TOTP run as an
  application-initiated action, with ``add-recovery-codes`` on and the recovery code form ALTERNATIVE, leads to the
  recovery codes setup; saved, a second ``kc_action`` setup does not (the user has codes). Off, it never does.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

import otp_port
from browser_flow import start, submit
from flow_builder import AUTH, admin, executions, set_requirement
from otp_port import (
    APP,
    USER,
    auth_response,
    configure,
    input_error,
    is_config_totp_page,
    is_login_page,
    login,
    open_login,
    realm_rep,
    totp,
    totp_secret,
    user_rep,
)
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = otp_port.anyio_backend, otp_port.shared_env
imported, kc, events = otp_port.imported, otp_port.kc, otp_port.events
ACTION = "CONFIGURE_TOTP"
TWO_FA = "Browser - Conditional 2FA"
RECOVERY_FORM = "auth-recovery-authn-code-form"


@pytest.fixture(scope="module")
def otp_realm() -> dict[str, Any]:
    """LegacyRealmConfig's test realm: Keycloak's default required actions (CONFIGURE_TOTP enabled, not a default
    one; CONFIGURE_RECOVERY_AUTHN_CODES enabled)."""
    return realm_rep(registrationAllowed=True, resetPasswordAllowed=True)


@pytest.fixture
def otp_users() -> list[dict[str, Any]]:
    return [user_rep(USER, firstName="Tom", lastName="Brady")]


async def do_aia(kc: Env) -> httpx.Response:
    """``doAIA()``: the authorization request with ``kc_action=CONFIGURE_TOTP``."""
    return await start(kc.http, "test", APP, kc_action=ACTION)


def kc_action_status(response: httpx.Response) -> str | None:
    params = auth_response(response)
    assert "code" in params, params
    return params.get("kc_action_status")


async def by_name(env: Env, flow: str, name: str) -> dict[str, Any]:
    [found] = [e for e in await executions(env, flow) if e.get("displayName") == name]
    return found


async def enable_totp_action(env: Env, on: bool) -> None:
    """``configureRealmEnableRequiredActionByAlias("CONFIGURE_TOTP", on)``."""
    rep = (await admin(env, "GET", f"{AUTH}/required-actions/{ACTION}", status=200)).json()
    await admin(env, "PUT", f"{AUTH}/required-actions/{ACTION}", {**rep, "enabled": on}, 204)


async def set_by_name(env: Env, name: str, requirement: str) -> None:
    """``configureRealmSetExecutionRequirementByDisplayName("browser", name, requirement)``, within the 2FA
    sub-flow (or the sub-flow itself). The Java method sets every execution of the browser flow so named, which
    also disables the "Browser - Conditional Organization" sub-flow's "Condition - user configured"; Doorkeep
    refuses that flow (the Organization step would run unconditionally beside the forms, and Doorkeep runs one
    sign-in step), so only the 2FA sub-flow's condition is written, the one the test is about."""
    flow = "browser" if name == TWO_FA else TWO_FA
    [step] = [e for e in await executions(env, flow) if e.get("displayName") == name]
    await set_requirement(env, "browser", step, requirement)


@pytest.fixture
async def optional_otp(kc: Env) -> AsyncIterator[Env]:
    """``preConfigureRealmForCancelSetupTotpTest`` and, after, ``postConfigureRealmForCancelSetupTotpTest``."""
    # The Java order disables "Condition - user configured" before "Condition - credential": in between, the
    # ALTERNATIVE OTP Form is guarded by the credential condition alone, a flow Doorkeep refuses to bind (400 "needs
    # conditional-user-configured beside it") where Keycloak stores it. The two are disabled the other way round;
    # the flow reached is the same, and with no condition left the 2FA sub-flow is skipped in both.
    changes = [
        (TWO_FA, "CONDITIONAL"),
        ("Condition - credential", "DISABLED"),
        ("Condition - user configured", "DISABLED"),
        ("OTP Form", "ALTERNATIVE"),
    ]
    before = {
        name: (await by_name(kc, "browser" if name == TWO_FA else TWO_FA, name))["requirement"] for name, _ in changes
    }
    await enable_totp_action(kc, False)
    try:
        for name, requirement in changes:
            await set_by_name(kc, name, requirement)
        yield kc
    finally:
        await enable_totp_action(kc, True)
        for name, _ in reversed(changes):
            await set_by_name(kc, name, before[name])


async def test_cancel_setup_totp(optional_otp: Env) -> None:
    """AppInitiatedActionTotpSetupTest#cancelSetupTotp, with the browser flow edited as the class edits it."""
    kc = optional_otp
    page = await do_aia(kc)
    assert is_login_page(page), page.text[:500]
    assert kc_action_status(await login(kc, page)) == "error"


async def enforce_recovery_codes(env: Env, on: bool) -> None:
    """``configureTotpActionToEnforceRecoveryCodes``."""
    rep = (await admin(env, "GET", f"{AUTH}/required-actions/{ACTION}", status=200)).json()
    rep["config"] = {"add-recovery-codes": "true" if on else "false"}
    await admin(env, "PUT", f"{AUTH}/required-actions/{ACTION}", rep, 204)
    [step] = [e for e in await executions(env, TWO_FA) if e.get("providerId") == RECOVERY_FORM]
    await set_requirement(env, "browser", step, "ALTERNATIVE" if on else "DISABLED")


@pytest.fixture
async def recovery_codes_reset(kc: Env) -> AsyncIterator[Env]:
    yield kc
    await enforce_recovery_codes(kc, False)


def is_recovery_codes_setup(page: httpx.Response) -> bool:
    return page.status_code == 200 and 'id="kc-recovery-codes-list"' in page.text


@pytest.mark.parametrize("enforced", [True, False], ids=["enabled", "disabled"])
async def test_setup_totp_register_verify_recovery_codes_setup(recovery_codes_reset: Env, enforced: bool) -> None:
    """AppInitiatedActionTotpSetupTest#setupTotpRegisterVerifyRecoveryCodesSetupEnabled and ...Disabled (the
    latter expects the recovery codes page not to follow the first setup: ``assertThrows(AssertionError...)``)."""
    kc = recovery_codes_reset
    await enforce_recovery_codes(kc, enforced)
    assert "code" in auth_response(await login(kc, await open_login(kc)))
    page = await do_aia(kc)
    assert is_config_totp_page(page), page.text[:500]
    after = await configure(kc, page, totp(totp_secret(page), kc.clock.now()))
    assert is_recovery_codes_setup(after) is enforced, after.text[:500]
    if not enforced:
        assert kc_action_status(after) == "success"
        return
    saved = await submit(kc.http, after)  # clickSaveRecoveryAuthnCodesButton
    assert "code" in auth_response(saved)
    kc.clock.advance(30)
    page = await do_aia(kc)
    assert is_config_totp_page(page), page.text[:500]
    # The Java test configures without a device name: with a device already set up Keycloak asks for one
    # (Messages.MISSING_TOTP_DEVICE_NAME), so the page after is that error, not the recovery codes setup.
    again = await configure(kc, page, totp(totp_secret(page), kc.clock.now()))
    assert is_config_totp_page(again) and input_error(again) == "Please specify device name."
    named = await configure(kc, again, totp(totp_secret(again), kc.clock.now()), "second")
    assert not is_recovery_codes_setup(named) and kc_action_status(named) == "success"
