"""Keycloak's new-framework RequiredActionTotpSetupTest (tests/base/.../tests/actions/RequiredActionTotpSetupTest.java)
over HTTP: the methods the old-testsuite port (test_keycloak_required_action_totp_setup_test.py) left out because
they edit the browser flow, which Doorkeep now runs as edited through the admin API, and the two recovery-code
methods the new class adds. The realm is the class's: CONFIGURE_TOTP a default action, CONFIGURE_RECOVERY_AUTHN_CODES
enabled (``RequiredActionTotpSetupRealmConfig``); ``test-user@localhost`` created again for each test (``@BeforeEach``).

* setupTotpEnforcedBySessionNotForUserInGeneral (KEYCLOAK-15511): "Browser - Conditional 2FA" and its OTP Form
  REQUIRED; a user without a device is sent to the setup by the login alone (OTPFormAuthenticator.setRequiredActions
  puts CONFIGURE_TOTP on the authentication session), the user keeps no such required action.
* setupTotpRegisteredAfterTotpRemoval, its last step: with the OTP Form REQUIRED the user whose device the admin
  removed must set one up again.
* setupTotpRegisterVerifyRecoveryCodesSetupEnabled / ...Disabled: CONFIGURE_TOTP's ``add-recovery-codes`` and the
  recovery code form ALTERNATIVE in the browser flow (both written as the class writes them: the config in the
  required action's representation, the execution's requirement) lead from the OTP setup to the recovery codes
  setup; off (and the form DISABLED), the login completes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

import otp_port
from browser_flow import submit
from flow_builder import AUTH, admin, executions, set_requirement
from otp_port import (
    USER,
    Events,
    auth_response,
    configure,
    is_config_totp_page,
    is_login_totp_page,
    login,
    open_login,
    otp_credentials,
    realm_rep,
    register,
    remove_device,
    setup_done_then_logout,
    totp,
    totp_secret,
    user_rep,
)
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = otp_port.anyio_backend, otp_port.shared_env
imported, kc, events = otp_port.imported, otp_port.kc, otp_port.events
TWO_FA = "Browser - Conditional 2FA"
RECOVERY_FORM = "auth-recovery-authn-code-form"


@pytest.fixture(scope="module")
def otp_realm() -> dict[str, Any]:
    """RequiredActionTotpSetupRealmConfig: CONFIGURE_TOTP enabled and a default action, recovery codes enabled."""
    actions = [
        {"alias": "CONFIGURE_TOTP", "providerId": "CONFIGURE_TOTP", "name": "Configure Totp", "enabled": True,
         "defaultAction": True},
        {"alias": "CONFIGURE_RECOVERY_AUTHN_CODES", "providerId": "CONFIGURE_RECOVERY_AUTHN_CODES",
         "name": "Recovery codes", "enabled": True},
    ]  # fmt: skip
    return realm_rep(registrationAllowed=True, resetPasswordAllowed=True, requiredActions=actions)


@pytest.fixture
def otp_users() -> list[dict[str, Any]]:
    return [user_rep(USER, firstName="Tom", lastName="Brady")]


async def execution(env: Env, flow: str, *, name: str | None = None, provider: str | None = None) -> dict[str, Any]:
    [found] = [
        e
        for e in await executions(env, flow)
        if (name is None or e.get("displayName") == name) and (provider is None or e.get("providerId") == provider)
    ]
    return found


async def set_otp_requirement(env: Env, conditional: str, otp: str) -> None:
    """``setOTPAuthRequirement``: the 2FA sub-flow's and its OTP Form's requirements. The Java test writes the
    sub-flow first; Doorkeep refuses a bound browser flow it cannot run, and a REQUIRED 2FA sub-flow around an
    ALTERNATIVE OTP Form is one, so going to REQUIRED the OTP Form is written first (and last coming back)."""
    sub_flow = await execution(env, "browser", name=TWO_FA)
    otp_form = await execution(env, TWO_FA, provider="auth-otp-form")
    steps = [(sub_flow, conditional), (otp_form, otp)]
    for step, requirement in steps if otp == "ALTERNATIVE" else reversed(steps):
        await set_requirement(env, "browser", step, requirement)


@pytest.fixture
async def otp_required(kc: Env) -> AsyncIterator[Env]:
    """``setOTPAuthRequirement(REQUIRED, REQUIRED)``, and its ``finally``: back to CONDITIONAL / ALTERNATIVE."""
    await set_otp_requirement(kc, "REQUIRED", "REQUIRED")
    yield kc
    await set_otp_requirement(kc, "CONDITIONAL", "ALTERNATIVE")


async def required_actions(env: Env, username: str) -> list[str]:
    [user] = (await admin(env, "GET", f"/admin/realms/test/users?username={username}&exact=true", status=200)).json()
    found: list[str] = user["requiredActions"]
    return found


async def remove_configure_totp(env: Env, username: str) -> None:
    [user] = (await admin(env, "GET", f"/admin/realms/test/users?username={username}&exact=true", status=200)).json()
    user["requiredActions"] = [a for a in user["requiredActions"] if a != "CONFIGURE_TOTP"]
    await admin(env, "PUT", f"/admin/realms/test/users/{user['id']}", user, 204)


async def test_setup_totp_enforced_by_session_not_for_user_in_general(otp_required: Env) -> None:
    """RequiredActionTotpSetupTest#setupTotpEnforcedBySessionNotForUserInGeneral (KEYCLOAK-15511)."""
    kc = otp_required
    await remove_configure_totp(kc, USER)
    assert await required_actions(kc, USER) == []
    page = await login(kc, await open_login(kc))
    assert is_config_totp_page(page), page.text[:500]  # enforced for this authentication session
    assert await required_actions(kc, USER) == []  # not for the user in general


async def test_setup_totp_registered_after_totp_removal(otp_required: Env, events: Events) -> None:
    """RequiredActionTotpSetupTest#setupTotpRegisteredAfterTotpRemoval: with the OTP Form REQUIRED, the device
    set up at registration is asked for at the next login; removed by the admin (the user logged out), the next
    login sets one up again, with UPDATE_TOTP / UPDATE_CREDENTIAL / LOGIN."""
    kc = otp_required
    page = await register(kc, "firstName2", "lastName2", "email2@mail.com", "setupTotp2", "password2")
    await events.expect("REGISTER", user="setupTotp2", username="setupTotp2", email="email2@mail.com")
    assert is_config_totp_page(page), page.text[:500]
    secret = totp_secret(page)
    params = auth_response(await configure(kc, page, totp(secret, kc.clock.now())))
    await setup_done_then_logout(kc, events, params["code"], user="setupTotp2", username="setuptotp2")
    kc.clock.advance(30)
    again = await login(kc, await open_login(kc), "setupTotp2", "password2")
    assert is_login_totp_page(again) and not is_config_totp_page(again)
    assert "code" in auth_response(await submit(kc.http, again, otp=totp(secret, kc.clock.now())))
    await events.expect_login(user="setupTotp2", username="setupTotp2")
    await remove_device(kc, "setupTotp2")
    assert await otp_credentials(kc, "setupTotp2") == []
    kc.clock.advance(30)
    kc.http.cookies.clear()
    page = await login(kc, await open_login(kc), "setupTotp2", "password2")
    assert is_config_totp_page(page), page.text[:500]  # the authenticator was removed: set up again
    done = await configure(kc, page, totp(totp_secret(page), kc.clock.now()))
    assert "code" in auth_response(done)
    await events.expect_required_action("UPDATE_TOTP", user="setupTotp2", username="setupTotp2")
    await events.expect_required_action("UPDATE_CREDENTIAL", user="setupTotp2", username="setupTotp2")
    await events.expect_login(user="setupTotp2", username="setupTotp2")


async def enforce_recovery_codes(env: Env, on: bool) -> None:
    """``configureTotpActionToEnforceRecoveryCodes``: CONFIGURE_TOTP's config written in its representation, the
    browser flow's recovery code form ALTERNATIVE (on) or DISABLED."""
    rep = (await admin(env, "GET", f"{AUTH}/required-actions/CONFIGURE_TOTP", status=200)).json()
    rep["config"] = {"add-recovery-codes": "true" if on else "false"}
    await admin(env, "PUT", f"{AUTH}/required-actions/CONFIGURE_TOTP", rep, 204)
    step = await execution(env, TWO_FA, provider=RECOVERY_FORM)
    await set_requirement(env, "browser", step, "ALTERNATIVE" if on else "DISABLED")


@pytest.fixture
async def recovery_codes_reset(kc: Env) -> AsyncIterator[Env]:
    """The ``finally`` of ``setupTotpRegisterVerifyRecoveryCodesSetup``: the option off again."""
    yield kc
    await enforce_recovery_codes(kc, False)


def is_recovery_codes_setup(page: Any) -> bool:
    return page.status_code == 200 and 'id="kc-recovery-codes-list"' in page.text


@pytest.mark.parametrize("enforced", [True, False], ids=["enabled", "disabled"])
async def test_setup_totp_register_verify_recovery_codes_setup(recovery_codes_reset: Env, enforced: bool) -> None:
    """RequiredActionTotpSetupTest#setupTotpRegisterVerifyRecoveryCodesSetupEnabled and ...Disabled (the latter
    expects the recovery codes page not to follow: ``assertThrows(AssertionError...)``)."""
    kc = recovery_codes_reset
    await enforce_recovery_codes(kc, enforced)
    page = await login(kc, await open_login(kc))
    assert is_config_totp_page(page), page.text[:500]
    after = await configure(kc, page, totp(totp_secret(page), kc.clock.now()))
    assert is_recovery_codes_setup(after) is enforced, after.text[:500]
    if not enforced:
        assert "code" in auth_response(after)
