"""Keycloak's LoginTest (testsuite/integration-arquillian/tests/base/.../forms/LoginTest.java) over HTTP: the
username/password form, its messages and kept fields, the LOGIN / LOGIN_ERROR events, remember-me, the login
timeouts and the cookies. The realm and the page helpers are in ``tests/login_test_realm.py``.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator

import pytest

from keycloak_port import forget, import_realm, poll, update_realm, update_user, user_id
from login_test_realm import (
    ACCOUNT_DISABLED,
    INVALID_USER,
    PASSWORD,
    auth_response,
    change_password,
    error,
    expect_login,
    expect_login_error,
    is_login_page,
    login,
    mark_start,
    open_login_form,
    password_value,
    realm_rep,
    set_time_offset,
    username_value,
)
from wire_env import Env

pytestmark = pytest.mark.anyio

DEFAULT_HEADERS = {
    "X-Frame-Options": "SAMEORIGIN",
    "Content-Security-Policy": "frame-src 'self'; frame-ancestors 'self'; object-src 'none';",
    "X-Content-Type-Options": "nosniff",
    "X-Robots-Tag": "none",
    "Referrer-Policy": "no-referrer",
}


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    """LoginTest's realm, imported through the admin API, with no events pending."""
    await import_realm(env, realm_rep())
    await poll(env)
    mark_start(env)
    yield env
    forget(env)


async def test_browser_security_headers(kc: Env) -> None:
    """LoginTest.testBrowserSecurityHeaders: the login page carries Keycloak's default security headers."""
    page = await open_login_form(kc)
    assert page.status_code == 200
    for name, value in DEFAULT_HEADERS.items():
        assert page.headers.get(name) == value, name
    assert "Content-Security-Policy-Report-Only" not in page.headers  # its default is empty: not sent


async def test_post_authentication_request(kc: Env) -> None:
    """LoginTest.testPOSTAuthenticationRequest: the authorization request as a form POST shows the login page."""
    form = {"scope": "openid", "client_id": "test-app", "response_type": "code", "state": "123456"}
    form["redirect_uri"] = "http://127.0.0.1:9999/callback"
    page = await kc.http.post("/realms/test/protocol/openid-connect/auth", data=form)
    assert page.status_code == 200 and "Sign in" in page.text


async def test_login_with_long_redirect_uri(kc: Env) -> None:
    """LoginTest.loginWithLongRedirectUri: a 2500-character query survives into the LOGIN event."""
    long_uri = "http://127.0.0.1:9999/callback?longQueryParameterValue=" + secrets.token_hex(1250)
    page = await open_login_form(kc, redirect_uri=long_uri)
    assert is_login_page(page)
    auth_response(await login(kc, page, "login-test"))
    await expect_login(kc, "login-test", redirect_uri=long_uri)


async def test_login_change_user_after_invalid_password(kc: Env) -> None:
    """LoginTest.loginChangeUserAfterInvalidPassword: a refused login-test2, then login-test on the same form."""
    page = await login(kc, await open_login_form(kc), "login-test2", "invalid")
    assert is_login_page(page)
    assert (username_value(page), password_value(page), error(page)) == ("login-test2", "", INVALID_USER)
    event = await expect_login_error(kc, "invalid_user_credentials", "login-test2", username="login-test2")
    assert "consent" not in event["details"]
    assert "code" in auth_response(await login(kc, page, "login-test"))
    await expect_login(kc, "login-test", username="login-test")


async def test_login_invalid_password(kc: Env) -> None:
    """LoginTest.loginInvalidPassword: the username is kept, the password emptied, the message shown."""
    page = await login(kc, await open_login_form(kc), "login-test", "invalid")
    assert is_login_page(page)
    assert (username_value(page), password_value(page), error(page)) == ("login-test", "", INVALID_USER)
    await expect_login_error(kc, "invalid_user_credentials", "login-test", username="login-test")


async def test_login_missing_password(kc: Env) -> None:
    """LoginTest.loginMissingPassword: an empty password is invalid_user_credentials for the named user."""
    page = await login(kc, await open_login_form(kc), "login-test", "")
    assert is_login_page(page)
    assert (username_value(page), password_value(page), error(page)) == ("login-test", "", INVALID_USER)
    await expect_login_error(kc, "invalid_user_credentials", "login-test", username="login-test")


async def test_login_invalid_password_disabled_user(kc: Env) -> None:
    """LoginTest.loginInvalidPasswordDisabledUser: a wrong password hides that the user is disabled."""
    await update_user(kc, "login-test", enabled=False)
    page = await login(kc, await open_login_form(kc), "login-test", "invalid")
    assert is_login_page(page)
    assert (username_value(page), password_value(page), error(page)) == ("login-test", "", INVALID_USER)
    await expect_login_error(kc, "invalid_user_credentials", "login-test", username="login-test")


async def test_login_disabled_user(kc: Env) -> None:
    """LoginTest.loginDisabledUser: the right password of a disabled user says the account is disabled."""
    await update_user(kc, "login-test", enabled=False)
    page = await login(kc, await open_login_form(kc), "login-test")
    assert is_login_page(page)
    assert (username_value(page), password_value(page), error(page)) == ("login-test", "", ACCOUNT_DISABLED)
    await expect_login_error(kc, "user_disabled", "login-test", username="login-test")


async def test_login_different_user_after_disabled_user_thrown_out(kc: Env) -> None:
    """LoginTest.loginDifferentUserAfterDisabledUserThrownOut: the SSO session of a user disabled since is
    no session; the login form is shown and another user logs in."""
    auth_response(await login(kc, await open_login_form(kc), "test-user@localhost"))
    await update_user(kc, "test-user@localhost", enabled=False)
    page = await open_login_form(kc)
    assert is_login_page(page)
    assert "code" in auth_response(await login(kc, page, "keycloak-user@localhost"))


async def test_login_invalid_username(kc: Env) -> None:
    """LoginTest.loginInvalidUsername: user_not_found with the typed name, then a good login on the form."""
    page = await login(kc, await open_login_form(kc), "invalid", "invalid")
    assert is_login_page(page)
    assert (username_value(page), password_value(page), error(page)) == ("invalid", "", INVALID_USER)
    await expect_login_error(kc, "user_not_found", None, username="invalid")
    assert "code" in auth_response(await login(kc, page, "login-test"))
    await expect_login(kc, "login-test", username="login-test")


async def test_login_missing_username(kc: Env) -> None:
    """LoginTest.loginMissingUsername: an empty username is user_not_found."""
    page = await login(kc, await open_login_form(kc), "", "")
    assert is_login_page(page) and error(page) == INVALID_USER
    await expect_login_error(kc, "user_not_found", None)


async def test_login_user_with_email_as_username(kc: Env) -> None:
    """LoginTest.loginUserWithEmailAsUsername: the email logs in, and the event names what was typed."""
    assert "code" in auth_response(await login(kc, await open_login_form(kc), "login@test.com"))
    await expect_login(kc, "login-test", username="login@test.com")


async def test_login_success(kc: Env) -> None:
    """LoginTest.loginSuccess."""
    assert "code" in auth_response(await login(kc, await open_login_form(kc), "login-test"))
    await expect_login(kc, "login-test", username="login-test")


async def test_login_with_whitespace_success(kc: Env) -> None:
    """LoginTest.loginWithWhitespaceSuccess: the typed username is trimmed, and so is the event's."""
    assert "code" in auth_response(await login(kc, await open_login_form(kc), " login-test \t "))
    await expect_login(kc, "login-test", username="login-test")


async def test_login_with_email_whitespace_success(kc: Env) -> None:
    """LoginTest.loginWithEmailWhitespaceSuccess."""
    assert "code" in auth_response(await login(kc, await open_login_form(kc), "    login@test.com    "))
    await expect_login(kc, "login-test")


async def test_login_login_hint(kc: Env) -> None:
    """LoginTest.loginLoginHint: login_hint prefills the username."""
    page = await open_login_form(kc, login_hint="login-test")
    assert username_value(page) == "login-test"
    assert "code" in auth_response(await login(kc, page, "login-test"))
    await expect_login(kc, "login-test", username="login-test")


async def test_login_with_email_success(kc: Env) -> None:
    """LoginTest.loginWithEmailSuccess."""
    assert "code" in auth_response(await login(kc, await open_login_form(kc), "login@test.com"))
    await expect_login(kc, "login-test")


async def test_login_with_force_password_change_policy(kc: Env) -> None:
    """LoginTest.loginWithForcePasswordChangePolicy: a password older than a day must be changed."""
    # AssertEvents sees every event; the store keeps UPDATE_CREDENTIAL only when the realm lists it.
    kept = ["LOGIN", "UPDATE_PASSWORD", "UPDATE_CREDENTIAL"]
    await update_realm(kc, passwordPolicy="forceExpiredPasswordChange(1)", enabledEventTypes=kept)
    set_time_offset(kc, 86405)
    page = await login(kc, await open_login_form(kc), "login-test")
    assert page.status_code == 200 and 'name="password-new"' in page.text, page.text[:800]
    done = await change_password(kc, page, "n3w-Passw0rd")
    uid = await user_id(kc, "login-test")
    found = await poll(kc)
    assert [e["type"] for e in found] == ["UPDATE_PASSWORD", "UPDATE_CREDENTIAL", "LOGIN"], found
    for event in found:
        assert event["userId"] == uid and event["details"]["username"] == "login-test", event
    for event in found[:2]:
        assert event["details"]["credential_type"] == "password", event
    assert "code" in auth_response(done)


async def test_login_without_force_password_change_policy(kc: Env) -> None:
    """LoginTest.loginWithoutForcePasswordChangePolicy: a password younger than a day is left alone."""
    await update_realm(kc, passwordPolicy="forceExpiredPasswordChange(1)")
    set_time_offset(kc, 86205)
    assert "code" in auth_response(await login(kc, await open_login_form(kc), "login-test"))
    await expect_login(kc, "login-test", username="login-test")


async def test_login_no_timeout_with_long_wait(kc: Env) -> None:
    """LoginTest.loginNoTimeoutWithLongWait: 1700 s on the form is within accessCodeLifespanLogin (1800 s)."""
    page = await open_login_form(kc)
    set_time_offset(kc, 1700)
    auth_response(await login(kc, page, "login-test"))
    await expect_login(kc, "login-test", username="login-test")


__all__ = ["PASSWORD"]
