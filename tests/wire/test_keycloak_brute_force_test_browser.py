"""Keycloak's BruteForceTest, the browser-form methods (testsuite/integration-arquillian/tests/base/.../forms/
BruteForceTest.java): the username/password form, the OTP form, registration and reset password under Brute
Force Detection. The other methods are in ``test_keycloak_brute_force_test.py``; the realm and the page
helpers are in ``tests/brute_force_realm.py``.

Not ported: BruteForceDisplayLockoutTest, the subclass that sets ``displayLockoutOnLogin`` and expects "Account
is temporarily disabled, contact admin or try again later." on the form. The setting is not in Keycloak 26 (its
RealmRepresentation has no such property), whose form answers a locked user with "Invalid username or
password." as ``expect_temporarily_disabled`` asserts here.
"""

from __future__ import annotations

import html
import re
import socket
from collections.abc import AsyncIterator, Iterator

import pytest

from browser_flow import code_from, form_action, form_fields
from brute_force_realm import (
    PASSWORD,
    add_otp,
    assert_login_error,
    code,
    expect_temporarily_disabled,
    is_login_page,
    login_invalid_password,
    login_missing_password,
    login_page,
    login_success,
    login_with_missing_totp,
    login_with_totp_failure,
    mark_start,
    otp_refused,
    realm_rep,
    shown,
    status,
    user_rep,
    wrong_code,
)
from keycloak_port import ADMIN, admin_headers, forget, import_realm, one_event, poll, update_realm
from mail_sink import Sink
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def bf(env: Env) -> AsyncIterator[Env]:
    """BruteForceTest's realm, imported through the admin API, with no events pending."""
    await import_realm(env, realm_rep())
    await add_otp(env)
    await poll(env)
    mark_start(env)
    yield env
    forget(env)


async def clear_user_failures(env: Env, username: str = "test-user@localhost") -> None:
    """``attackDetection().clearBruteForceForUser(id)``."""
    uid = (await user_rep(env, username))["id"]
    response = await env.http.delete(
        f"{ADMIN}/attack-detection/brute-force/users/{uid}", headers=await admin_headers(env)
    )
    assert response.status_code == 204


async def clear_all_user_failures(env: Env) -> None:
    """``attackDetection().clearAllBruteForce()``."""
    response = await env.http.delete(f"{ADMIN}/attack-detection/brute-force/users", headers=await admin_headers(env))
    assert response.status_code == 204


# --- the username and password form ---------------------------------------------------------------------


async def test_browser_invalid_password(bf: Env) -> None:
    """BruteForceTest.testBrowserInvalidPassword: locked after two wrong passwords, with the right or a wrong
    password; released by clearing the user's failures, then by clearing everyone's."""
    for clear in (clear_user_failures, clear_all_user_failures):
        await login_success(bf)
        await login_invalid_password(bf)
        await login_invalid_password(bf)
        await expect_temporarily_disabled(bf)
        await expect_temporarily_disabled(bf, password="invalid")
        await clear(bf)
    await login_success(bf)


async def test_browser_invalid_password_different_case(bf: Env) -> None:
    """BruteForceTest.testBrowserInvalidPasswordDifferentCase: other spellings count against the same user."""
    await login_success(bf, "test-user@localhost")
    await login_invalid_password(bf, "test-User@localhost")
    await login_invalid_password(bf, "Test-user@localhost")
    await expect_temporarily_disabled(bf)
    await expect_temporarily_disabled(bf, password="invalid")


async def test_email(bf: Env) -> None:
    """BruteForceTest.testEmail: ``user2`` (no OTP) is locked by name, and its LOGIN_ERROR names the user."""
    uid = (await user_rep(bf, "user2"))["id"]
    await login_invalid_password(bf, "user2")
    await login_invalid_password(bf, "user2")
    await expect_temporarily_disabled(bf, "user2", uid)


async def test_browser_missing_password(bf: Env) -> None:
    """BruteForceTest.testBrowserMissingPassword: an empty password is refused but not counted."""
    await login_success(bf)
    await login_missing_password(bf)
    await login_missing_password(bf)
    await login_success(bf)
    assert (await status(bf))["numFailures"] == 0


# --- the OTP form ------------------------------------------------------------------------------------------


async def test_browser_invalid_totp(bf: Env) -> None:
    """BruteForceTest.testBrowserInvalidTotp: a wrong password then a wrong code lock the user; the right code
    on the same OTP form is then refused with the form's own message."""
    await login_success(bf)
    await login_invalid_password(bf)
    page = await login_with_totp_failure(bf)
    await otp_refused(bf, page, code(bf))  # continueLoginWithCorrectTotpExpectFailure
    await poll(bf)


async def test_browser_missing_totp(bf: Env) -> None:
    """BruteForceTest.testBrowserMissingTotp: an empty code counts; the third attempt meets the lockout."""
    await login_success(bf)
    await login_with_missing_totp(bf)
    page = await login_with_missing_totp(bf)
    await otp_refused(bf, page, "")  # continueLoginWithMissingTotp
    assert (await status(bf))["disabled"] is True


async def test_browser_totp_session_invalid_after_lockout(bf: Env) -> None:
    """BruteForceTest.testBrowserTotpSessionInvalidAfterLockout: wrong codes on one OTP form lock the user,
    and the next code sent there is a LOGIN_ERROR ``user_temporarily_disabled``."""
    page = await login_with_totp_failure(bf)
    page = await otp_refused(bf, page, wrong_code(bf))
    page = await otp_refused(bf, page, wrong_code(bf))
    await poll(bf)
    await otp_refused(bf, page, wrong_code(bf))
    await assert_login_error(bf, "user_temporarily_disabled")


# --- registration and reset password -----------------------------------------------------------------


async def test_non_existing_accounts(bf: Env) -> None:
    """BruteForceTest.testNonExistingAccounts: failures of an unknown username do not stop registering it."""
    for _ in range(3):
        await login_invalid_password(bf, "non-existent-user")
    login = await login_page(bf)
    found = re.search(r'<div id="kc-registration"><span>[^<]*<a href="([^"]+)"', login.text)
    assert found, login.text[:500]
    page = await bf.http.get(html.unescape(found[1]))
    assert page.status_code == 200 and 'id="kc-register-form"' in page.text
    form = {
        "firstName": "user",
        "lastName": "name",
        "email": "non-existent-user@localhost",
        "username": "non-existent-user",
        "password": "Str0ng-pass!",
        "password-confirm": "Str0ng-pass!",
    }
    done = await bf.http.post(form_action(page.text), data={**form_fields(page.text), **form})
    assert "code" in code_from(done)  # registerPage.getInstruction() is null: no page asked for more
    await poll(bf)


def _port_in_range() -> int:
    """A free port of the range this suite's servers may bind (19800-19899)."""
    for port in range(19800, 19900):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 19800-19899")


@pytest.fixture
def smtp() -> Iterator[Sink]:
    from aiosmtpd.controller import Controller

    sink = Sink(port=_port_in_range())
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


async def test_reset_password(bf: Env, smtp: Sink) -> None:
    """BruteForceTest.testResetPassword: a locked user can ask for the reset e-mail; the link's update-password
    page still finds it locked (yet enabled); the new password completes the login and clears the lockout."""
    # Keycloak's AssertEvents sees every event its test listener gets; the store keeps UPDATE_CREDENTIAL only
    # when the realm lists it, so the realm lists what this test reads.
    kept = ["LOGIN", "LOGIN_ERROR", "SEND_RESET_PASSWORD", "UPDATE_PASSWORD", "UPDATE_CREDENTIAL", "CODE_TO_TOKEN"]
    await update_realm(bf, smtpServer=smtp.settings(), enabledEventTypes=kept)
    uid = (await user_rep(bf, "user2"))["id"]
    await login_invalid_password(bf, "user2")
    await login_invalid_password(bf, "user2")
    await expect_temporarily_disabled(bf, "user2", uid, password="invalid")
    login = await login_page(bf)
    found = re.search(r'id="kc-forgot-password" href="([^"]+)"', login.text)
    assert found, login.text[:500]
    reset = await bf.http.get(html.unescape(found[1]))
    assert reset.status_code == 200 and 'id="kc-reset-password-form"' in reset.text
    sent = await bf.http.post(form_action(reset.text), data={**form_fields(reset.text), "username": "user2"})
    assert is_login_page(sent), sent.text[:500]
    assert shown(sent) == ("success", "You should receive an email shortly with further instructions.")
    event = await one_event(bf)
    assert (event["type"], event["userId"]) == ("SEND_RESET_PASSWORD", uid), event
    [message] = smtp.received
    form = await bf.http.get(message.link())
    assert form.status_code == 200 and 'name="password-new"' in form.text, form.text[:500]
    assert (await user_rep(bf, "user2"))["enabled"] is True
    assert (await status(bf, "user2"))["disabled"] is True
    new = "n3w-" + PASSWORD
    done = await bf.http.post(
        form_action(form.text), data={**form_fields(form.text), "password-new": new, "password-confirm": new}
    )
    events = await poll(bf)
    for kind in ("UPDATE_PASSWORD", "UPDATE_CREDENTIAL"):
        [changed] = [e for e in events if e["type"] == kind]
        assert (changed["userId"], changed["details"]["credential_type"]) == (uid, "password"), changed
    assert (await user_rep(bf, "user2"))["enabled"] is True
    assert (await status(bf, "user2"))["disabled"] is False
    assert "code" in code_from(done)
