"""Keycloak's old-testsuite ResetCredentialsAlternativeFlowsTest (testsuite/.../forms/) over HTTP, its methods on the
default reset-credentials flow: with an identity-first browser flow (UsernameForm, then the password page), the
user types a username, then follows "Forgot Password?" from the password page; in the reset form, a username that
names nobody clears the user and sends no mail (the usual "You should receive an email shortly" page), another
existing user's is the "already authenticated as different user" error page (AuthenticationProcessor's USER_CONFLICT)
and no mail, and the same user's gets the mail.

MultiFactorAuthenticationTest.configureBrowserFlowWithAlternativeCredentials puts the password and OTP forms as
ALTERNATIVE steps after UsernameForm; Doorkeep binds UsernameForm followed by the password page (or the passkey),
so the port's flow is UsernameForm then PasswordForm, the password page being the one the Java class clicks
"Forgot Password?" on.

testResetCredentialsFlowWithUsernameProvidedFromBrowserFlow binds "resetcred - alternative", a copy of the
reset-credentials flow without ResetCredentialChooseUser (``configureResetCredentialsRemoveExecutionsAndBindTheFlow``:
the admin API's copy, then the execution deleted): "Forgot Password?" on the password page goes straight to
ResetCredentialEmail for the user the username page identified, the e-mail-sent page, the mail, and its link's
update-password form ending on the client with a code.

Not ported, a deliberate difference: resetCredentialsVerifyCustomOtpLabelSetProperly and
deviceNameOptionalForFirstOTPCredentialButRequiredForEachNextOne bind a copy without Send Reset Email and Reset
Password, which Keycloak runs as Choose User then ResetOTP with nothing proving who asks: whoever types a username
is signed in as that user once the OTP page is filled. Doorkeep refuses to bind that flow (a 400 naming it,
test_hostile_s68q_reset_without_choose_user.py); the two methods also drive the old account console's OTP page
(``@DisableFeature(ACCOUNT2)``), which Doorkeep does not serve."""

from __future__ import annotations

import html
import re

import httpx
import pytest

from browser_flow import code_from, form_action, form_fields, start, submit
from flow_builder import ALT, AUTH, REQ, add, add_flow, admin, bind, events, executions
from mail_sink import Sink
from support import seed_client, seed_realm, seed_user, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
SENT = "You should receive an email shortly with further instructions."
DIFFERENT_USER = "You are already authenticated as different user 'login-test' in this session. Please log out first."
FLOW = "browser - alternative"
RESET_FLOW = "resetcred - alternative"


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


async def reset_flow_without(env: Env, alias: str, *providers: str) -> None:
    """configureResetCredentialsRemoveExecutionsAndBindTheFlow: a copy of the built-in reset-credentials flow, the
    executions of ``providers`` deleted, bound as the realm's reset credentials flow."""
    await admin(env, "POST", f"{AUTH}/flows/reset credentials/copy", {"newName": alias}, 201)
    for provider in providers:
        (row,) = [e for e in await executions(env, alias) if e.get("providerId") == provider]
        await admin(env, "DELETE", f"{AUTH}/executions/{row['id']}", None, 204)
    await bind(env, "resetCredentialsFlow", alias)


async def forgot_after_username(env: Env, username: str) -> httpx.Response:
    """The username page, the password page, and its "Forgot Password?" link followed."""
    page = await start(env.http, "test", "app")
    password_page = await submit(env.http, page, username=username)
    assert password_page.status_code == 200 and 'name="password"' in password_page.text, password_page.text[:500]
    found = re.search(r'id="kc-forgot-password" href="([^"]+)"', password_page.text)
    assert found is not None, password_page.text[:800]
    return await env.http.get(html.unescape(found[1]))


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


async def test_reset_credentials_flow_with_username_provided_from_browser_flow(realm: Env, mail: Sink) -> None:
    """ResetCredentialsAlternativeFlowsTest#testResetCredentialsFlowWithUsernameProvidedFromBrowserFlow: no reset
    form, the username-only page with the e-mail-sent message, one mail, and its link's update-password form ends
    on the client with a code. ResetCredentialEmail's SEND_RESET_PASSWORD names the username typed on the username
    page; the new password is the one the next login takes."""
    await reset_flow_without(realm, RESET_FLOW, "reset-credentials-choose-user")
    answer = await forgot_after_username(realm, "login-test")
    assert answer.status_code == 200 and success(answer) == SENT, answer.text[:800]
    assert 'name="username"' in answer.text and 'name="password"' not in answer.text  # loginUsernameOnlyPage
    (sent,) = mail.received
    assert sent.recipients == ["login@test.com"]
    [event] = await events(realm, "SEND_RESET_PASSWORD")
    assert (event.details.get("username"), event.details.get("email")) == ("login-test", "login@test.com")
    update = await realm.http.get(sent.link())
    assert update.status_code == 200 and 'name="password-new"' in update.text, update.text[:600]
    done = await submit(realm.http, update, **{"password-new": "resetPassword", "password-confirm": "resetPassword"})
    assert "code" in code_from(done), done.text[:600]
    realm.http.cookies.clear()
    page = await submit(realm.http, await start(realm.http, "test", "app"), username="login-test")
    assert "code" in code_from(await submit(realm.http, page, password="resetPassword"))
