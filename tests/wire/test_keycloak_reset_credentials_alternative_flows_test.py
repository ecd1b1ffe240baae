"""Keycloak's old-testsuite ResetCredentialsAlternativeFlowsTest (testsuite/.../forms/) over HTTP, its methods on the
default reset-credentials flow: with an identity-first browser flow (UsernameForm, then the password page), the
user types a username, then follows "Forgot Password?" from the password page; in the reset form, a username that
names nobody clears the user and sends no mail (the usual "You should receive an email shortly" page), another
existing user's is the "already authenticated as different user" error page (AuthenticationProcessor's USER_CONFLICT)
and no mail, and the same user's gets the mail.

MultiFactorAuthenticationTest.configureBrowserFlowWithAlternativeCredentials puts the password and OTP forms as
ALTERNATIVE steps after UsernameForm; Doorkeep binds UsernameForm followed by the password page (or the passkey),
so the port's flow is UsernameForm then PasswordForm, the password page being the one the Java class clicks
"Forgot Password?" on. Not ported: testResetCredentialsFlowWithUsernameProvidedFromBrowserFlow and the OTP-label and
device-name methods, which bind a copy of the reset-credentials flow with steps removed (Doorkeep runs only the
built-in reset-credentials flow), and the account-console OTP pages they use."""

from __future__ import annotations

import html
import re

import httpx
import pytest

from browser_flow import form_action, form_fields, start, submit
from flow_builder import ALT, AUTH, REQ, add, add_flow, admin, bind, events
from mail_sink import Sink
from support import seed_client, seed_realm, seed_user, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
SENT = "You should receive an email shortly with further instructions."
DIFFERENT_USER = "You are already authenticated as different user 'login-test' in this session. Please log out first."
FLOW = "browser - alternative"


@pytest.fixture
async def realm(env: Env, mail: Sink) -> Env:
    await seed_realm(env.db, env.clock, events_enabled=True, reset_password_allowed=True)
    await update_realm(env.db, "test", smtp_server=mail.settings())
    await seed_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    await seed_user(env.db, env.clock, "test", "login-test", email="login@test.com")
    await seed_user(env.db, env.clock, "test", "test-user@localhost", email="test-user@localhost")
    body = {"alias": FLOW, "providerId": "basic-flow", "topLevel": True, "builtIn": False, "description": FLOW}
    await admin(env, "POST", f"{AUTH}/flows", body, 201)
    await add(env, FLOW, "auth-cookie", ALT)
    forms = f"{FLOW} forms"
    await add_flow(env, FLOW, forms, ALT)
    await add(env, forms, "auth-username-form", REQ)
    await add(env, forms, "auth-password-form", REQ)
    await bind(env, "browserFlow", FLOW)
    return env


async def reset_page_after_username(env: Env, username: str) -> httpx.Response:
    """provideUsernameAndClickResetPassword: the username page, the password page, its "Forgot Password?"."""
    page = await start(env.http, "test", "app")
    assert page.status_code == 200 and 'name="password"' not in page.text, page.text[:500]
    password_page = await submit(env.http, page, username=username)
    assert password_page.status_code == 200 and 'name="password"' in password_page.text, password_page.text[:500]
    found = re.search(r'id="kc-forgot-password" href="([^"]+)"', password_page.text)
    assert found is not None, password_page.text[:800]
    reset = await env.http.get(html.unescape(found[1]))
    assert reset.status_code == 200 and 'id="kc-reset-password-form"' in reset.text, reset.text[:500]
    return reset


async def ask(env: Env, page: httpx.Response, username: str) -> httpx.Response:
    return await env.http.post(form_action(page.text), data={**form_fields(page.text), "username": username})


def success(page: httpx.Response) -> str | None:
    found = re.search(r'<div id="input-error" class="success">([^<]*)</div>', page.text)
    return html.unescape(found[1]) if found else None


async def test_not_existing_user_provided_in_reset_credentials_flow(realm: Env, mail: Sink) -> None:
    """ResetCredentialsAlternativeFlowsTest#testNotExistingUserProvidedInResetCredentialsFlow."""
    answer = await ask(realm, await reset_page_after_username(realm, "login-test"), "non-existent")
    assert answer.status_code == 200 and success(answer) == SENT, answer.text[:800]
    assert 'name="username"' in answer.text  # loginUsernameOnlyPage
    assert mail.received == []


async def test_different_user_provided_in_reset_credentials_flow(realm: Env, mail: Sink) -> None:
    """ResetCredentialsAlternativeFlowsTest#testDifferentUserProvidedInResetCredentialsFlow."""
    answer = await ask(realm, await reset_page_after_username(realm, "login-test"), "test-user@localhost")
    assert answer.status_code == 400, answer.text[:800]
    found = re.search(r'<p id="kc-error-message"[^>]*>(.*?)</p>', answer.text)
    assert found is not None and html.unescape(found[1]) == DIFFERENT_USER
    assert mail.received == []
    [error] = await events(realm, "RESET_PASSWORD_ERROR")
    assert (error.error, error.details.get("username")) == ("different_user_authenticated", "test-user@localhost")


async def test_same_user_provided_in_reset_credentials_flow(realm: Env, mail: Sink) -> None:
    """ResetCredentialsAlternativeFlowsTest#testSameUserProvidedInResetCredentialsFlow."""
    answer = await ask(realm, await reset_page_after_username(realm, "login-test"), "login-test")
    assert answer.status_code == 200 and success(answer) == SENT, answer.text[:800]
    assert [m.recipients for m in mail.received] == [["login@test.com"]]
