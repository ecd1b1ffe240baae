"""Identity-first login (realms/flow_plan.py, oauth/login_username.py): a browser flow whose forms are Keycloak's
UsernameForm (``auth-username-form``) then PasswordForm (``auth-password-form``) runs as two pages, the username
page (login-username.ftl) and the password page naming the attempted username with "Restart login"
(login-password.ftl), with the UsernameForm's and PasswordForm's errors and events. Ported from Keycloak's
MultiFactorAuthenticationTest (testUsernameLabelAndResetLogin), BrowserFlowTest and LoginTest where they apply
to these two forms.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from browser_flow import attempted, code_from, is_password_page, is_username_page, start, submit
from flow_builder import ALT, AUTH, COND, REQ, add, add_flow, add_otp, admin, bind, events, is_otp_form, totp
from support import seed_login_realm, seed_user, update_realm, update_user
from wire_env import Env

pytestmark = pytest.mark.anyio
FLOW = "identity first"
FORMS = f"{FLOW} forms"


async def identity_first_flow(env: Env, alias: str = FLOW) -> str:
    """A top-level flow: the Cookie step, then a ``forms`` sub-flow with UsernameForm and PasswordForm, both
    REQUIRED (MultiFactorAuthenticationTest's ``inForms(forms -> forms.clear().addAuthenticatorExecution(...))``);
    returns the sub-flow's alias."""
    body = {"alias": alias, "providerId": "basic-flow", "topLevel": True, "builtIn": False, "description": alias}
    await admin(env, "POST", f"{AUTH}/flows", body, 201)
    await add(env, alias, "auth-cookie", ALT)
    forms = f"{alias} forms"
    await add_flow(env, alias, forms, ALT)
    await add(env, forms, "auth-username-form", REQ)
    await add(env, forms, "auth-password-form", REQ)
    return forms


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_login_realm(env.db, env.clock, events=True)
    await update_user(env.db, "test", "user1", email="user1@example.com")
    await identity_first_flow(env)
    await bind(env, "browserFlow", FLOW)
    return env


def link(page: httpx.Response, element_id: str) -> str:
    found = re.search(rf'id="{element_id}" href="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1).replace("&amp;", "&")


def error_text(page: httpx.Response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text))


async def username_page(env: Env, **params: str) -> httpx.Response:
    page = await start(env.http, "test", "app", **params)
    assert is_username_page(page), page.text[:500]
    return page


async def test_username_label_and_reset_login(realm: Env) -> None:
    """MultiFactorAuthenticationTest.testUsernameLabelAndResetLogin: no attempted username on the username page;
    the password page names the user and has no username field; "Restart login" goes back to the username page;
    a login by e-mail names the e-mail."""
    page = await username_page(realm)
    assert attempted(page) is None and 'id="reset-login"' not in page.text
    assert 'id="kc-forgot-password"' not in page.text  # login-username.ftl has no "Forgot Password?"
    password = await submit(realm.http, page, username="user1")
    assert is_password_page(password)
    assert attempted(password) == "user1"
    assert "Please re-authenticate" not in password.text
    restarted = await realm.http.get(link(password, "reset-login"), follow_redirects=True)
    assert is_username_page(restarted)
    by_email = await submit(realm.http, restarted, username="user1@example.com")
    assert is_password_page(by_email) and attempted(by_email) == "user1@example.com"
    done = await submit(realm.http, by_email, password="password")
    assert "code" in code_from(done)
    [login] = await events(realm, "LOGIN")
    assert login.details["username"] == "user1@example.com"


async def test_the_two_pages_sign_in_with_the_login_event(realm: Env) -> None:
    """BrowserFlowTest's identity-first logins: the username, then the password, then the code; one LOGIN with
    the typed username, no error on the way."""
    page = await username_page(realm)
    password = await submit(realm.http, page, username=" user1 ")  # trimmed, as AbstractUsernameFormAuthenticator
    assert attempted(password) == "user1"
    assert "code" in code_from(await submit(realm.http, password, password="password"))
    [login] = await events(realm, "LOGIN")
    assert login.details["username"] == "user1" and login.user_id is not None
    assert await events(realm, "LOGIN_ERROR") == []


async def test_an_unknown_username_gets_the_username_forms_message(realm: Env) -> None:
    """UsernameForm.getDefaultChallengeMessage: ``invalidUsernameOrEmailMessage`` while login with e-mail is
    allowed, ``invalidUsernameMessage`` otherwise; LOGIN_ERROR ``user_not_found`` with the username; an empty
    username is the same error."""
    page = await username_page(realm)
    again = await submit(realm.http, page, username="nobody")
    assert is_username_page(again) and "Invalid username or email." in again.text
    assert 'value="nobody"' in again.text
    [error] = await events(realm, "LOGIN_ERROR")
    assert error.error == "user_not_found" and error.details["username"] == "nobody"
    await update_realm(realm.db, "test", login_with_email_allowed=False)
    empty = await submit(realm.http, again, username="")
    assert is_username_page(empty) and "Invalid username." in empty.text
    assert "Invalid username or email." not in empty.text


async def test_a_wrong_password_gets_invalid_password(realm: Env) -> None:
    """PasswordForm.getDefaultChallengeMessage: ``invalidPasswordMessage``; the password page again, naming the
    user (PasswordForm does not clear the user); LOGIN_ERROR ``invalid_user_credentials`` for that user."""
    password = await submit(realm.http, await username_page(realm), username="user1")
    wrong = await submit(realm.http, password, password="nope")
    assert is_password_page(wrong) and "Invalid password." in wrong.text
    assert attempted(wrong) == "user1"
    [error] = await events(realm, "LOGIN_ERROR")
    assert error.error == "invalid_user_credentials" and error.user_id is not None
    assert error.details["username"] == "user1"
    assert "code" in code_from(await submit(realm.http, wrong, password="password"))


async def test_a_disabled_user_is_told_on_the_username_page(realm: Env) -> None:
    """AbstractUsernameFormAuthenticator.enabledUser: ``accountDisabledMessage`` and LOGIN_ERROR
    ``user_disabled`` as soon as the username names a disabled user."""
    await update_user(realm.db, "test", "user1", enabled=False)
    again = await submit(realm.http, await username_page(realm), username="user1")
    assert is_username_page(again) and "Account is disabled, contact your administrator." in again.text
    [error] = await events(realm, "LOGIN_ERROR")
    assert error.error == "user_disabled"


async def test_login_hint_and_remember_me(realm: Env) -> None:
    """UsernamePasswordForm.authenticate fills the username page from ``login_hint``; its Remember me box is kept
    through the password page (the REMEMBER_ME note) and sets KEYCLOAK_REMEMBER_ME, which fills the next login's
    username page with the box checked."""
    hinted = await username_page(realm, login_hint="user1@example.com")
    assert 'name="username" value="user1@example.com"' in hinted.text
    await update_realm(realm.db, "test", remember_me=True)
    page = await username_page(realm)
    assert 'name="rememberMe"' in page.text
    password = await submit(realm.http, page, username="user1", rememberMe="on")
    assert is_password_page(password) and 'name="rememberMe"' not in password.text
    done = await submit(realm.http, password, password="password")
    code_from(done)
    assert any(h.startswith("KEYCLOAK_REMEMBER_ME=username:user1;") for h in done.headers.get_list("set-cookie"))
    [login] = await events(realm, "LOGIN")
    assert login.details.get("remember_me") == "true"
    realm.http.cookies.delete("KEYCLOAK_IDENTITY")
    again = await username_page(realm)
    assert 'name="username" value="user1"' in again.text and 'name="rememberMe" checked' in again.text


async def test_the_password_page_shown_again_keeps_its_user(realm: Env) -> None:
    """A refresh of the password page (its login-actions URL without a code) shows the same page for the same
    attempted username."""
    password = await submit(realm.http, await username_page(realm), username="user1@example.com")
    again = await realm.http.get(f"/realms/test/login-actions/authenticate?client_id=app&tab_id={tab_id(password)}")
    assert is_password_page(again) and attempted(again) == "user1@example.com"
    assert "Please re-authenticate" not in again.text
    assert "code" in code_from(await submit(realm.http, again, password="password"))


def tab_id(page: httpx.Response) -> str:
    found = re.search(r"tab_id=([^&\"]+)", page.text)
    assert found, page.text
    return found.group(1)


async def test_a_locked_out_user_is_refused_on_the_username_page(realm: Env) -> None:
    """Brute Force Detection counts the password page's failures; a locked-out user is then refused at the
    username page (isDisabledByBruteForce: LOGIN_ERROR ``user_temporarily_disabled``, not counted), with the
    username form's message."""
    locking: dict[str, Any] = dict(brute_force_protected=True, failure_factor=2, quick_login_check_milli_seconds=0)
    await update_realm(realm.db, "test", **locking)
    for _ in range(2):
        password = await submit(realm.http, await username_page(realm), username="user1")
        assert "Invalid password." in (await submit(realm.http, password, password="nope")).text
    refused = await submit(realm.http, await username_page(realm), username="user1")
    assert is_username_page(refused) and "Invalid username or email." in refused.text
    errors = sorted(e.error for e in await events(realm, "LOGIN_ERROR"))
    assert errors == ["invalid_user_credentials"] * 2 + ["user_temporarily_disabled"]


async def test_the_otp_form_after_the_password_page(realm: Env) -> None:
    """Steps after PasswordForm run as after the username and password form: a conditional OTP sub-flow for a
    user with OTP."""
    await add_flow(realm, FORMS, "otp if configured", COND)
    await add(realm, "otp if configured", "conditional-user-configured", REQ)
    await add(realm, "otp if configured", "auth-otp-form", REQ)
    await add_otp(realm)
    password = await submit(realm.http, await username_page(realm), username="user1")
    otp_page = await submit(realm.http, password, password="password")
    assert is_otp_form(otp_page) and attempted(otp_page) == "user1"
    assert "code" in code_from(await submit(realm.http, otp_page, otp=totp(realm.clock.now())))


async def test_a_re_authentication_asks_the_password_alone(realm: Env) -> None:
    """``prompt=login`` over an SSO session: UsernameForm passes (the user is known), PasswordForm asks."""
    password = await submit(realm.http, await username_page(realm), username="user1")
    code_from(await submit(realm.http, password, password="password"))
    again = await start(realm.http, "test", "app", prompt="login")
    assert is_password_page(again) and attempted(again) == "user1"
    assert "code" in code_from(await submit(realm.http, again, password="password"))


async def test_a_username_form_without_the_password_form_is_refused(realm: Env) -> None:
    """Doorkeep runs UsernameForm only followed by PasswordForm (REQUIRED, in the same sub-flow): another shape
    cannot be bound rather than run with a step left out."""
    await seed_user(realm.db, realm.clock, "test", "user2")
    body = {"alias": "username only", "providerId": "basic-flow", "topLevel": True, "builtIn": False}
    await admin(realm, "POST", f"{AUTH}/flows", body, 201)
    await add_flow(realm, "username only", "only forms", ALT)
    await add(realm, "only forms", "auth-username-form", REQ)
    refused = await bind(realm, "browserFlow", "username only", status=400)
    assert "auth-password-form" in refused.text
    flows = (await admin(realm, "GET", f"{AUTH}/flows/{quote('only forms')}/executions", status=200)).json()
    assert [e["providerId"] for e in flows] == ["auth-username-form"]
