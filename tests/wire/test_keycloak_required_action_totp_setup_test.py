"""Keycloak's RequiredActionTotpSetupTest (testsuite/integration-arquillian/tests/base/.../actions/
RequiredActionTotpSetupTest.java) over HTTP: the Configure OTP required action (UpdateTotp) after a registration
or a login, its barcode and manual views (``mode``), its errors, the device name, the realm's OTP policy (8 digits,
HOTP, SHA256, look-ahead), the reuse of a code, the "Sign out from other devices" box, and the UPDATE_TOTP /
UPDATE_CREDENTIAL / LOGIN / LOGOUT events. One app and one realm for the module
(``group_port.shared_env``): CONFIGURE_TOTP the realm's only required action, a default one
(``configureTestRealm``); for each test (``otp_port.fresh_users``) ``test-user@localhost`` created again through
the admin API (so it starts with CONFIGURE_TOTP), as ``@Before`` does, and the users a test registered removed.

Keycloak 26 words the page "Open the application and scan this QR-Code:" and "Scan QR-Code?"
(messages_en.properties); the Java test's "scan the barcode" / "Scan barcode?" are an older theme's, so the
texts below are the current ones. Its "Sign out from other devices" box is unchecked since 26.3 (PR 40234).

Left: the Java test reads ``code_id`` off UPDATE_TOTP / UPDATE_CREDENTIAL and expects the LOGIN's session to
be that id (Keycloak's user session takes the root authentication session's id); Doorkeep's user session ids
are drawn afresh and those events carry no ``code_id``, so that equality is not asserted.

Ported in test_kc_new_required_action_totp_setup.py (from the new-framework class), since Doorkeep runs browser
flows as edited through the admin API; not here, where this note once said Doorkeep's browser flow was fixed:
* setupTotpEnforcedBySessionNotForUserInGeneral: the OTP form made REQUIRED, so a user without a device is sent
  to the setup by the authentication session alone.
* setupTotpRegisteredAfterTotpRemoval's last step: with the OTP form REQUIRED the user whose device was removed
  must set one up again; Doorkeep's conditional OTP form lets the password alone through. The steps before it
  are ported.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

import otp_port
from browser_flow import start, submit
from keycloak_port import get, update_realm, update_user, user_id
from otp_port import (
    ENTER_KEY,
    INVALID_TOTP,
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
    is_login_totp_page,
    login,
    open_login,
    otp_credentials,
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
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = otp_port.anyio_backend, otp_port.shared_env
imported, kc, events = otp_port.imported, otp_port.kc, otp_port.events


@pytest.fixture(scope="module")
def otp_realm() -> dict[str, Any]:
    """CONFIGURE_TOTP the realm's only required action, a default one (``configureTestRealm``)."""
    configure_totp = {
        "alias": "CONFIGURE_TOTP",
        "providerId": "CONFIGURE_TOTP",
        "name": "Configure Totp",
        "enabled": True,
        "defaultAction": True,
    }
    return realm_rep(registrationAllowed=True, resetPasswordAllowed=True, requiredActions=[configure_totp])


@pytest.fixture
def otp_users() -> list[dict[str, Any]]:
    return [user_rep(USER, firstName="Tom", lastName="Brady")]


def logout_sessions_checked(page: httpx.Response) -> bool:
    """``totpPage.isLogoutSessionsChecked()``."""
    found = re.search(r'<input type="checkbox" id="logout-sessions"[^>]*>', page.text)
    assert found, page.text[:800]
    return " checked" in found[0]


async def test_setup_totp_register(kc: Env, events: Events) -> None:
    """RequiredActionTotpSetupTest.setupTotpRegister."""
    page = await register(kc, "firstName", "lastName", "email@mail.com", "setupTotp", "password")
    await events.expect("REGISTER", user="setupTotp", username="setupTotp", email="email@mail.com")
    assert is_config_totp_page(page) and 'id="cancelTOTPBtn"' not in page.text  # isCancelDisplayed
    assert element_text(page, "kc-attempted-username") is None
    assert 'id="userLabel"' in page.text  # KEYCLOAK-11753
    secret = totp_secret(page)
    wrong = await configure(kc, page, "wrongOtp")
    assert is_config_totp_page(wrong) and input_error(wrong) == INVALID_TOTP
    assert totp_secret(wrong) == secret  # the secret does not change after a wrong submit
    done = await configure(kc, wrong, totp(secret, kc.clock.now()))
    assert "code" in auth_response(done)
    await events.expect_required_action("UPDATE_TOTP", user="setupTotp", username="setuptotp")
    await events.expect_required_action("UPDATE_CREDENTIAL", user="setupTotp", username="setuptotp")
    await events.expect_login(user="setupTotp", username="setuptotp")


async def test_setup_totp_register_manual(kc: Env, events: Events) -> None:
    """RequiredActionTotpSetupTest.setupTotpRegisterManual: the QR-code view, the manual one, back."""
    page = await register(kc, "firstName", "lastName", "checkQrCode@mail.com", "checkQrCode", "password")
    apps = ("FreeOTP", "Google Authenticator", "Microsoft Authenticator")
    assert shows(page, STEP1, *apps, SCAN, ENTER_KEY, UNABLE_TO_SCAN, SCAN_QR) == [*[True] * 5, False, True, False]
    manual = await click(kc, page, "mode-manual")
    assert shows(manual, STEP1, *apps, SCAN, ENTER_KEY, UNABLE_TO_SCAN, SCAN_QR) == [
        *[True] * 4,
        False,
        True,
        False,
        True,
    ]
    assert re.fullmatch(r"\w{4}( \w{4}){7}", element_text(manual, "kc-totp-secret-key") or "")
    assert element_text(manual, "kc-totp-type") == "Type: Time-based"
    assert element_text(manual, "kc-totp-algorithm") == "Algorithm: SHA1"
    assert element_text(manual, "kc-totp-digits") == "Digits: 6"
    assert element_text(manual, "kc-totp-period") == "Interval: 30"
    barcode = await click(kc, manual, "mode-barcode")
    assert shows(barcode, STEP1, *apps, SCAN, ENTER_KEY, UNABLE_TO_SCAN, SCAN_QR) == [*[True] * 5, False, True, False]
    assert 'id="userLabel"' in barcode.text


async def test_setup_totp_register_manual_mode_switches_on_bad_submit(kc: Env) -> None:
    """RequiredActionTotpSetupTest.setupTotpRegisterManualModeSwitchesOnBadSubmit (KEYCLOAK-7081): the manual
    view stays manual after a submit without a code."""
    page = await register(kc, "firstName", "lastName", "manual@mail.com", "manualBadSubmit", "password")
    assert shows(page, UNABLE_TO_SCAN, SCAN_QR) == [True, False]
    manual = await click(kc, page, "mode-manual")
    assert shows(manual, UNABLE_TO_SCAN, SCAN_QR) == [False, True]
    again = await submit(kc.http, manual)
    assert shows(again, UNABLE_TO_SCAN, SCAN_QR) == [False, True]
    assert input_error(again) == MISSING_TOTP


async def test_setup_totp_register_barcode_mode_switches_on_bad_submit(kc: Env) -> None:
    """RequiredActionTotpSetupTest.setupTotpRegisterBarcodeModeSwitchesOnBadSubmit (KEYCLOAK-7081)."""
    page = await register(kc, "firstName", "lastName", "barcode@mail.com", "barcodeBadSubmit", "password")
    assert shows(page, UNABLE_TO_SCAN, SCAN_QR) == [True, False]
    again = await submit(kc.http, page)
    assert shows(again, UNABLE_TO_SCAN, SCAN_QR) == [True, False]
    assert input_error(again) == MISSING_TOTP
    manual = await click(kc, again, "mode-manual")
    assert shows(manual, UNABLE_TO_SCAN, SCAN_QR) == [False, True]


async def test_setup_totp_register_verify_custom_otp_label_set_properly(kc: Env) -> None:
    """RequiredActionTotpSetupTest.setupTotpRegisterVerifyCustomOtpLabelSetProperly."""
    page = await register(kc, "firstName", "lastName", "setupTotpRegister@mail.com", "setupTotpRegister", "password")
    assert is_config_totp_page(page) and 'id="userLabel"' in page.text
    kc.clock.advance(30)
    done = await configure(kc, page, totp(totp_secret(page), kc.clock.now()), "my-custom-otp-label")
    assert "code" in auth_response(done)
    [device] = await otp_credentials(kc, "setupTotpRegister")  # AccountHelper.isTotpPresent
    assert device["userLabel"] == "my-custom-otp-label"  # AccountHelper.totpUserLabelComparator


async def test_setup_totp_modified_policy(kc: Env) -> None:
    """RequiredActionTotpSetupTest.setupTotpModifiedPolicy: 8 digits, HOTP, HmacSHA256 on the page."""
    await update_realm(kc, otpPolicyDigits=8, otpPolicyType="hotp", otpPolicyAlgorithm="HmacSHA256")
    page = await register(kc, "firstName", "lastName", "modified@mail.com", "setupTotpModifiedPolicy", "password")
    assert shows(page, "FreeOTP", "Google Authenticator", "Microsoft Authenticator") == [True, True, False]
    manual = await click(kc, page, "mode-manual")
    assert element_text(manual, "kc-totp-type") == "Type: Counter-based"
    assert element_text(manual, "kc-totp-algorithm") == "Algorithm: SHA256"
    assert element_text(manual, "kc-totp-digits") == "Digits: 8"
    assert element_text(manual, "kc-totp-counter") == "Counter: 0"


async def setup_totp_existing(kc: Env, events: Events, reusable: bool) -> None:
    """``setupTotpExisting(reusableCodesEnabled)``: the first code, spent on the setup, once more at the next
    login: refused unless the realm's policy lets codes be reused."""
    page = await login(kc, await open_login(kc))
    assert is_config_totp_page(page), page.text[:800]
    secret = totp_secret(page)
    first = totp(secret, kc.clock.now())
    params = auth_response(await configure(kc, page, first))
    await events.expect_required_action("UPDATE_TOTP")
    await events.expect_required_action("UPDATE_CREDENTIAL")
    await events.expect_login()
    await token_and_logout(kc, params["code"])
    await events.expect("CODE_TO_TOKEN")
    await events.expect("LOGOUT")
    again = await login(kc, await open_login(kc))
    assert is_login_totp_page(again)
    answer = await submit(kc.http, again, otp=first)
    if not reusable:
        assert is_login_totp_page(answer) and input_error(answer) == INVALID_TOTP
    else:
        assert "code" in auth_response(answer)
        await events.expect_login()


async def test_setup_totp_existing_reusable_code_enabled(kc: Env, events: Events) -> None:
    """RequiredActionTotpSetupTest.setupTotpExistingReusableCodeEnabled."""
    await update_realm(kc, otpPolicyCodeReusable=True)
    await setup_totp_existing(kc, events, reusable=True)


async def test_setup_totp_existing_reusable_code_disabled(kc: Env, events: Events) -> None:
    """RequiredActionTotpSetupTest.setupTotpExistingReusableCodeDisabled (the default policy)."""
    await setup_totp_existing(kc, events, reusable=False)


async def test_setup_totp_registered_after_totp_removal(kc: Env, events: Events) -> None:
    """RequiredActionTotpSetupTest.setupTotpRegisteredAfterTotpRemoval, up to the removal (see the module
    docstring): the device set up at registration is asked for at the next login; removed by the admin, with the
    user logged out, the user signs in again."""
    page = await register(kc, "firstName2", "lastName2", "email2@mail.com", "setupTotp2", "password2")
    await events.expect("REGISTER", user="setupTotp2", username="setupTotp2")
    secret = totp_secret(page)
    params = auth_response(await configure(kc, page, totp(secret, kc.clock.now())))
    await setup_done_then_logout(kc, events, params["code"], user="setupTotp2", username="setuptotp2")
    kc.clock.advance(30)
    again = await login(kc, await open_login(kc), "setupTotp2", "password2")
    assert is_login_totp_page(again) and not is_config_totp_page(again)
    assert "code" in auth_response(await submit(kc.http, again, otp=totp(secret, kc.clock.now())))
    await events.expect_login(user="setupTotp2", username="setupTotp2")  # as the login form took it
    await remove_device(kc, "setupTotp2")
    assert await otp_credentials(kc, "setupTotp2") == []


async def test_setup_otp_policy_changed_totp8_digits(kc: Env, events: Events) -> None:
    """RequiredActionTotpSetupTest.setupOtpPolicyChangedTotp8Digits."""
    await update_realm(kc, **TOTP8_POLICY)
    page = await login(kc, await open_login(kc))
    assert is_config_totp_page(page)
    secret = totp_secret(page)
    params = auth_response(await configure(kc, page, totp(secret, kc.clock.now(), digits=8)))
    await setup_done_then_logout(kc, events, params["code"])
    kc.clock.advance(30)
    again = await login(kc, await open_login(kc))
    token = totp(secret, kc.clock.now(), digits=8)
    assert len(token) == 8
    assert "code" in auth_response(await submit(kc.http, again, otp=token))
    await events.expect_login()


async def test_setup_otp_policy_changed_hotp(kc: Env, events: Events) -> None:
    """RequiredActionTotpSetupTest.setupOtpPolicyChangedHotp: counters 0 (the setup), 1, then 2 under a
    look-ahead of 5."""
    policy = {"otpPolicyDigits": 6, "otpPolicyPeriod": 30, "otpPolicyType": "hotp", "otpPolicyInitialCounter": 0}
    await update_realm(kc, otpPolicyLookAheadWindow=0, otpPolicyAlgorithm="HmacSHA1", **policy)
    page = await login(kc, await open_login(kc))
    assert is_config_totp_page(page)
    secret = totp_secret(page)
    params = auth_response(await configure(kc, page, hotp(secret, 0)))
    await events.expect_required_action("UPDATE_TOTP")
    await events.expect_required_action("UPDATE_CREDENTIAL")
    await events.expect_login()
    await token_and_logout(kc, params["code"])
    again = await login(kc, await open_login(kc))
    assert is_login_totp_page(again)
    params = auth_response(await submit(kc.http, again, otp=hotp(secret, 1)))
    await token_and_logout(kc, params["code"])
    await events.clear()
    await update_realm(kc, otpPolicyLookAheadWindow=5)
    again = await login(kc, await open_login(kc))
    assert is_login_totp_page(again)
    assert "code" in auth_response(await submit(kc.http, again, otp=hotp(secret, 2)))
    await events.expect_login()


async def totp_logout_other_sessions(kc: Env, events: Events, logout_others: bool) -> None:
    """``testTotpLogoutOtherSessions``: a session in a second browser, then the setup with the "Sign out from
    other devices" box (unchecked by default) checked or left."""
    await update_user(kc, USER, requiredActions=[])
    uid = await user_id(kc, USER)
    async with client_at(kc, "127.0.0.2") as second:
        page = await submit(second, await start(second, "test", "test-app"), username=USER, password="password")
        assert "code" in auth_response(page)
    first = await events.expect_login()
    assert [s["id"] for s in await get(kc, f"/users/{uid}/sessions")] == [first["sessionId"]]
    await update_user(kc, USER, requiredActions=["CONFIGURE_TOTP"])
    page = await login(kc, await open_login(kc))
    assert is_config_totp_page(page)
    assert logout_sessions_checked(page) is False
    fields = {"totp": totp(totp_secret(page), kc.clock.now())} | ({"logout-sessions": "on"} if logout_others else {})
    assert "code" in auth_response(await submit(kc.http, page, **fields))
    if logout_others:
        logout = await events.expect("LOGOUT", logout_triggered_by_required_action="CONFIGURE_TOTP")
        assert logout["sessionId"] == first["sessionId"]
    await events.expect_required_action("UPDATE_TOTP", username=USER)
    await events.expect_required_action("UPDATE_CREDENTIAL", username=USER)
    second_login = await events.expect_login(username=USER)
    sessions = {s["id"] for s in await get(kc, f"/users/{uid}/sessions")}
    expected = {second_login["sessionId"]} | (set() if logout_others else {first["sessionId"]})
    assert sessions == expected


async def test_totp_logout_other_sessions_checked(kc: Env, events: Events) -> None:
    """RequiredActionTotpSetupTest.testTotpLogoutOtherSessionsChecked."""
    await totp_logout_other_sessions(kc, events, logout_others=True)


async def test_totp_logout_other_sessions_not_checked(kc: Env, events: Events) -> None:
    """RequiredActionTotpSetupTest.testTotpLogoutOtherSessionsNotChecked."""
    await totp_logout_other_sessions(kc, events, logout_others=False)
