"""Keycloak's AppInitiatedActionTotpSetupTest (testsuite/integration-arquillian/tests/base/.../actions/
AppInitiatedActionTotpSetupTest.java) over HTTP: CONFIGURE_TOTP asked for by the client (``kc_action``, the Java
``doAIA()``) after a registration or a login, its views and errors, the realm's OTP policy, the
``kc_action_status`` the client gets back, and the UPDATE_TOTP / UPDATE_CREDENTIAL / LOGIN / LOGOUT events. One
app and one realm for the module (``group_port.shared_env``), with Keycloak's default required actions
(CONFIGURE_TOTP enabled, not a default one); for each test (``otp_port.fresh_users``) ``test-user@localhost``
created again through the admin API, as ``@Before`` does, and the users a test registered removed. The page texts are Keycloak 26's (see test_keycloak_required_action_totp_setup_
test.py), and, as there, the events' ``code_id`` is not compared with the LOGIN's session.

Already covered (not ported again): setupTotpRegisterDuplicateUserLabel is test_app_initiated_totp.py's
test_a_second_device_with_the_same_name_is_refused (a logged-in user's two setups, both named "otp").

cancelSetupTotp edits the browser flow as well (the conditional 2FA sub-flow with its "user configured"
condition disabled and the OTP form ALTERNATIVE, to emulate a pre-KEYCLOAK-11745 OPTIONAL OTP); Doorkeep runs a
fixed flow, which for a user without a device is what that emulation amounts to, so only the required action
is disabled here.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import otp_port
from browser_flow import start, submit
from keycloak_port import get, put, update_realm
from otp_port import (
    APP,
    ENTER_KEY,
    MISSING_TOTP,
    SCAN,
    SCAN_QR,
    STEP1,
    TOTP8_POLICY,
    UNABLE_TO_SCAN,
    USER,
    Events,
    auth_response,
    click,
    configure,
    element_text,
    hotp,
    input_error,
    is_config_totp_page,
    is_login_page,
    is_login_totp_page,
    login,
    open_login,
    realm_rep,
    register,
    remove_device,
    setup_done_then_logout,
    shows,
    token_and_logout,
    totp,
    totp_secret,
    user_rep,
)
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = otp_port.anyio_backend, otp_port.shared_env
imported, kc, events = otp_port.imported, otp_port.kc, otp_port.events

ACTION = "CONFIGURE_TOTP"
APPS = ("FreeOTP", "Google Authenticator")


@pytest.fixture(scope="module")
def otp_realm() -> dict[str, Any]:
    """Keycloak's default required actions: CONFIGURE_TOTP enabled, not a default one."""
    return realm_rep(registrationAllowed=True, resetPasswordAllowed=True)


@pytest.fixture
def otp_users() -> list[dict[str, Any]]:
    return [user_rep(USER, firstName="Tom", lastName="Brady")]


async def do_aia(kc: Env) -> httpx.Response:
    """``doAIA()``: the authorization request with ``kc_action=CONFIGURE_TOTP``."""
    return await start(kc.http, "test", APP, kc_action=ACTION)


def kc_action_status(response: httpx.Response) -> str | None:
    """``assertKcActionStatus``: the client got its code, and this ``kc_action_status`` (None: none)."""
    params = auth_response(response)
    assert "code" in params, params
    return params.get("kc_action_status")


async def registered_and_logged_in(kc: Env, email: str, username: str, password: str = "password") -> None:
    response = await register(kc, "firstName", "lastName", email, username, password)
    assert "code" in auth_response(response)


async def test_setup_totp_register(kc: Env, events: Events) -> None:
    """AppInitiatedActionTotpSetupTest.setupTotpRegister."""
    await registered_and_logged_in(kc, "email@mail.com", "setupTotp")
    await events.expect("REGISTER", user="setupTotp", username="setupTotp", email="email@mail.com")
    page = await do_aia(kc)
    assert is_config_totp_page(page)
    done = await configure(kc, page, totp(totp_secret(page), kc.clock.now()))
    await events.skip()  # events.poll(): the registration's LOGIN
    await events.expect_required_action("UPDATE_TOTP", user="setupTotp", username="setuptotp")
    await events.expect_required_action("UPDATE_CREDENTIAL", user="setupTotp", username="setuptotp")
    assert kc_action_status(done) == "success"
    await events.expect_login(user="setupTotp", username="setuptotp")


async def test_cancel_setup_totp(kc: Env) -> None:
    """AppInitiatedActionTotpSetupTest.cancelSetupTotp: CONFIGURE_TOTP disabled on the realm, the action the
    client asks for ends in ``kc_action_status=error`` after the login."""
    path = f"/authentication/required-actions/{ACTION}"
    action = await get(kc, path)
    await put(kc, path, {**action, "enabled": False})
    try:
        page = await do_aia(kc)
        assert is_login_page(page)
        assert kc_action_status(await login(kc, page)) == "error"
    finally:
        await put(kc, path, action)  # postConfigureRealmForCancelSetupTotpTest


async def test_setup_totp_register_manual(kc: Env) -> None:
    """AppInitiatedActionTotpSetupTest.setupTotpRegisterManual."""
    await registered_and_logged_in(kc, "checkQrCode@mail.com", "checkQrCode")
    page = await do_aia(kc)
    assert shows(page, STEP1, *APPS, SCAN, ENTER_KEY, UNABLE_TO_SCAN, SCAN_QR) == [True] * 4 + [False, True, False]
    manual = await click(kc, page, "mode-manual")
    assert shows(manual, STEP1, *APPS, SCAN, ENTER_KEY, UNABLE_TO_SCAN, SCAN_QR) == [True] * 3 + [
        False,
        True,
        False,
        True,
    ]
    assert element_text(manual, "kc-totp-type") == "Type: Time-based"
    assert element_text(manual, "kc-totp-algorithm") == "Algorithm: SHA1"
    assert element_text(manual, "kc-totp-digits") == "Digits: 6"
    assert element_text(manual, "kc-totp-period") == "Interval: 30"
    barcode = await click(kc, manual, "mode-barcode")
    assert shows(barcode, STEP1, *APPS, SCAN, ENTER_KEY, UNABLE_TO_SCAN, SCAN_QR) == [True] * 4 + [False, True, False]


async def test_setup_totp_register_manual_mode_switches_on_bad_submit(kc: Env) -> None:
    """AppInitiatedActionTotpSetupTest.setupTotpRegisterManualModeSwitchesOnBadSubmit (KEYCLOAK-7081)."""
    await registered_and_logged_in(kc, "manual@mail.com", "manualBadSubmit")
    page = await do_aia(kc)
    assert shows(page, UNABLE_TO_SCAN, SCAN_QR) == [True, False]
    manual = await click(kc, page, "mode-manual")
    assert shows(manual, UNABLE_TO_SCAN, SCAN_QR) == [False, True]
    again = await submit(kc.http, manual)
    assert shows(again, UNABLE_TO_SCAN, SCAN_QR) == [False, True] and input_error(again) == MISSING_TOTP


async def test_setup_totp_register_barcode_mode_switches_on_bad_submit(kc: Env) -> None:
    """AppInitiatedActionTotpSetupTest.setupTotpRegisterBarcodeModeSwitchesOnBadSubmit (KEYCLOAK-7081)."""
    await registered_and_logged_in(kc, "barcode@mail.com", "barcodeBadSubmit")
    page = await do_aia(kc)
    again = await submit(kc.http, page)
    assert shows(again, UNABLE_TO_SCAN, SCAN_QR) == [True, False] and input_error(again) == MISSING_TOTP
    manual = await click(kc, again, "mode-manual")
    assert shows(manual, UNABLE_TO_SCAN, SCAN_QR) == [False, True]


async def test_setup_totp_modified_policy(kc: Env) -> None:
    """AppInitiatedActionTotpSetupTest.setupTotpModifiedPolicy."""
    await update_realm(kc, otpPolicyDigits=8, otpPolicyType="hotp", otpPolicyAlgorithm="HmacSHA256")
    await registered_and_logged_in(kc, "modified@mail.com", "setupTotpModifiedPolicy")
    page = await do_aia(kc)
    assert shows(page, *APPS) == [True, True]
    manual = await click(kc, page, "mode-manual")
    assert element_text(manual, "kc-totp-type") == "Type: Counter-based"
    assert element_text(manual, "kc-totp-algorithm") == "Algorithm: SHA256"
    assert element_text(manual, "kc-totp-digits") == "Digits: 8"
    assert element_text(manual, "kc-totp-counter") == "Counter: 0"


async def test_setup_totp_existing(kc: Env, events: Events) -> None:
    """AppInitiatedActionTotpSetupTest.setupTotpExisting: the setup asked for before the login comes after
    the login form; the next login asks for the device's code."""
    page = await login(kc, await do_aia(kc))
    assert is_config_totp_page(page)
    secret = totp_secret(page)
    done = await configure(kc, page, totp(secret, kc.clock.now()))
    assert kc_action_status(done) == "success"
    await setup_done_then_logout(kc, events, auth_response(done)["code"])
    kc.clock.advance(30)
    again = await login(kc, await open_login(kc))
    assert is_login_totp_page(again)
    assert kc_action_status(await submit(kc.http, again, otp=totp(secret, kc.clock.now()))) is None
    await events.expect_login()


async def test_setup_totp_registered_after_totp_removal(kc: Env, events: Events) -> None:
    """AppInitiatedActionTotpSetupTest.setupTotpRegisteredAfterTotpRemoval."""
    await registered_and_logged_in(kc, "email2@mail.com", "setupTotp2", "password2")
    page = await do_aia(kc)
    assert is_config_totp_page(page)
    secret = totp_secret(page)
    done = await configure(kc, page, totp(secret, kc.clock.now()))
    assert kc_action_status(done) == "success"
    await events.skip()  # events.poll(): REGISTER
    await events.skip()  # the registration's LOGIN
    await setup_done_then_logout(kc, events, auth_response(done)["code"], user="setupTotp2", username="setuptotp2")
    again = await login(kc, await open_login(kc), "setupTotp2", "password2")
    assert is_login_totp_page(again) and not is_config_totp_page(again)
    kc.clock.advance(30)
    assert "code" in auth_response(await submit(kc.http, again, otp=totp(secret, kc.clock.now())))
    await events.expect_login(user="setupTotp2", username="setupTotp2")
    await remove_device(kc, "setupTotp2")
    after = await login(kc, await open_login(kc), "setupTotp2", "password2")
    assert "code" in auth_response(after)  # no device left: the password alone signs in


async def test_setup_otp_policy_changed_totp8_digits(kc: Env, events: Events) -> None:
    """AppInitiatedActionTotpSetupTest.setupOtpPolicyChangedTotp8Digits."""
    await update_realm(kc, **TOTP8_POLICY)
    page = await login(kc, await do_aia(kc))
    assert is_config_totp_page(page)
    secret = totp_secret(page)
    done = await configure(kc, page, totp(secret, kc.clock.now(), digits=8))
    assert kc_action_status(done) == "success"
    await setup_done_then_logout(kc, events, auth_response(done)["code"])
    kc.clock.advance(30)
    again = await login(kc, await open_login(kc))
    token = totp(secret, kc.clock.now(), digits=8)
    assert len(token) == 8
    assert kc_action_status(await submit(kc.http, again, otp=token)) is None
    await events.expect_login()


async def test_setup_otp_policy_changed_hotp(kc: Env, events: Events) -> None:
    """AppInitiatedActionTotpSetupTest.setupOtpPolicyChangedHotp: counters 0 (the setup) and 1 under a
    look-ahead of 0, then 4 (two ahead of the next) under one of 5."""
    policy = {"otpPolicyDigits": 6, "otpPolicyPeriod": 30, "otpPolicyType": "hotp", "otpPolicyInitialCounter": 0}
    await update_realm(kc, otpPolicyLookAheadWindow=0, otpPolicyAlgorithm="HmacSHA1", **policy)
    page = await login(kc, await do_aia(kc))
    assert is_config_totp_page(page)
    secret = totp_secret(page)
    done = await configure(kc, page, hotp(secret, 0))
    await events.expect_required_action("UPDATE_TOTP")
    await events.expect_required_action("UPDATE_CREDENTIAL")
    assert kc_action_status(done) == "success"
    await events.expect_login()
    await token_and_logout(kc, auth_response(done)["code"])
    again = await login(kc, await open_login(kc))
    answer = await submit(kc.http, again, otp=hotp(secret, 1))
    assert kc_action_status(answer) is None
    await token_and_logout(kc, auth_response(answer)["code"])
    await events.clear()
    await update_realm(kc, otpPolicyLookAheadWindow=5)
    again = await login(kc, await open_login(kc))
    assert is_login_totp_page(again)
    assert kc_action_status(await submit(kc.http, again, otp=hotp(secret, 4))) is None
    await events.expect_login()
