"""Keycloak's ChangePasswordTest of the account tests (testsuite/integration-arquillian/tests/base/.../account/
ChangePasswordTest.java) over HTTP, on Keycloak 26's Account Console.

The Java class drives the old account form (``/account/password``: current, new and confirmed password), which
Keycloak 26 no longer has: its console changes the password with the UPDATE_PASSWORD application-initiated action
(``kc_action``, Account security → Signing in → Update), whose page asks for the new password twice and, when the
sign-in is older than the action's maximum age (300 s, UpdatePassword's maxAuthAge), for the current one first
(the re-authentication form). Each Java method is ported onto that: an empty save and a mismatch are refused on
the update-password page, a wrong current password on the re-authentication form; a change succeeds, the console
says so, and the new password signs in. The page objects are in ``tests/account_forms_port.py``.
"""

from __future__ import annotations

import httpx
import pytest

from account_forms_port import ACCOUNT, follow, is_console, is_login_form, log_in, open_console, sign_out
from browser_flow import form_action, form_fields
from console_support import act
from login_test_realm import error
from wire_env import Env

pytestmark = pytest.mark.anyio

SIGNING_IN = f"{ACCOUNT}/account-security/signing-in"
NEW_PASSWORD = "newpassword"
WRONG_PASSWORD = "wrongpassword"
MAX_AUTH_AGE = 300  # UpdatePassword's default maxAuthAge


async def password_page(env: Env) -> httpx.Response:
    """``testRealmAccountManagementPage.password()``: Signing in → Update of the password, and its page."""
    page = await follow(env.http, await env.http.get(SIGNING_IN))
    assert is_console(page)
    return await follow(env.http, await act(env.http, page, f"{SIGNING_IN}/action", action="UPDATE_PASSWORD"))


def is_update_password(page: httpx.Response) -> bool:
    return page.status_code == 200 and 'name="password-new"' in page.text


async def change_passwords(page: httpx.Response, env: Env, new: str, confirm: str) -> httpx.Response:
    """``changePasswords(..., new, confirm)`` on the update-password page, and where it leads."""
    form = {**form_fields(page.text), "password-new": new, "password-confirm": confirm}
    return await follow(env.http, await env.http.post(form_action(page.text), data=form))


@pytest.fixture
async def signed_in(realm: Env) -> Env:
    """``beforeChangePasswordTest``: user1 signed in to the console."""
    assert is_console(await log_in(realm.http, await open_console(realm.http)))
    return realm


async def test_invalid_change_attempts(signed_in: Env) -> None:
    """ChangePasswordTest.invalidChangeAttempts: nothing typed, then a wrong current password (asked for once the
    sign-in is older than the action's maximum age), then a confirmation that does not match: each refused."""
    env = signed_in
    page = await password_page(env)
    assert is_update_password(page)
    page = await change_passwords(page, env, "", "")
    assert is_update_password(page) and error(page) == "Please specify password."

    env.clock.advance(MAX_AUTH_AGE + 1)
    reauth = await password_page(env)
    assert is_login_form(reauth) and 'name="username"' not in reauth.text, reauth.text[:600]
    form = {**form_fields(reauth.text), "password": WRONG_PASSWORD}
    refused = await follow(env.http, await env.http.post(form_action(reauth.text), data=form))
    # the username and password form's generic error, the user set or not (keycloak@b137016c, CVE-2026-4633)
    assert is_login_form(refused) and error(refused) == "Invalid username or password."

    form = {**form_fields(refused.text), "password": "password"}
    page = await follow(env.http, await env.http.post(form_action(refused.text), data=form))
    assert is_update_password(page)
    page = await change_passwords(page, env, NEW_PASSWORD, NEW_PASSWORD + "-mismatch")
    assert is_update_password(page) and error(page) == "Passwords don't match."


async def test_successful_change_attempts(signed_in: Env) -> None:
    """ChangePasswordTest.successfulChangeAttempts: the change is confirmed on the console, the new password
    signs in after a sign-out, and the password changes back."""
    env = signed_in
    console = await change_passwords(await password_page(env), env, NEW_PASSWORD, NEW_PASSWORD)
    assert is_console(console) and "Your password has been updated." in console.text

    login = await sign_out(env.http, console)
    assert is_login_form(login)
    assert is_login_form(await log_in(env.http, login, "password"))  # the old one no longer works
    assert is_console(await log_in(env.http, await open_console(env.http), NEW_PASSWORD))

    console = await change_passwords(await password_page(env), env, "password", "password")
    assert is_console(console) and "Your password has been updated." in console.text
