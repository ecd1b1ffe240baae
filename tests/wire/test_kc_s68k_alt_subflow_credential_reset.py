"""Keycloak's AltSubflowForCredentialResetTest (testsuite/.../forms/) over HTTP: with a reset credentials flow whose
steps (choose user, send e-mail, reset password, each REQUIRED) sit in one ALTERNATIVE sub-flow, "Forgot
Password?" with an e-mail no user has ends on the login page with the e-mail-sent message, and the browser stays
signed out.

The flow is made over the admin API as the class's ``configureAlternativeResetCredentialsFlow`` makes it on the
server (a new top-level flow, one ALTERNATIVE sub-flow, the three steps) and bound as the realm's reset
credentials flow. DefaultAuthenticationFlow runs a lone alternative as a required step, and the flow has no
"Reset - Conditional OTP" sub-flow, so ResetOTP never runs: the link asks a user with OTP for the new password
only. What Keycloak's steps record is asserted too: ResetCredentialChooseUser.action's RESET_PASSWORD_ERROR
``user_not_found`` naming the typed username, and ResetCredentialEmail.authenticate sending no mail for no user
(forkWithSuccessMessage EMAIL_SENT).
"""

from __future__ import annotations

import html
import re

import httpx
import pytest

from browser_flow import code_from, start, submit
from flow_builder import (
    ALT,
    AUTH,
    DIS,
    REQ,
    add,
    add_flow,
    add_otp,
    admin,
    bind,
    executions,
    is_otp_form,
    set_requirement,
)
from keycloak_port import poll
from login_test_realm import is_login_page
from mail_sink import Sink
from support import seed_client, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

SENT = "You should receive an email shortly with further instructions."
ALTERNATIVE = "reset credentials - alternative"


@pytest.fixture
async def resettable(realm: Env, mail: Sink) -> Env:
    """``setup``: the user ``login-test`` (``login@test.com``, password ``password``); resets allowed, mail to the
    sink, events kept; testrealm.json's ``test-app``."""
    await update_realm(realm.db, "test", reset_password_allowed=True, smtp_server=mail.settings(), events_enabled=True)
    await seed_client(realm.db, "test", "test-app", redirect_uris=("http://127.0.0.1:9999/*",))
    user = {
        "username": "login-test",
        "email": "login@test.com",
        "firstName": "Login",
        "lastName": "Test",
        "enabled": True,
    }
    await admin(realm, "POST", "/admin/realms/test/users", user, 201)
    (found,) = (await admin(realm, "GET", "/admin/realms/test/users?username=login-test&exact=true", None, 200)).json()
    password = {"type": "password", "value": "password", "temporary": False}
    await admin(realm, "PUT", f"/admin/realms/test/users/{found['id']}/reset-password", password, 204)
    await poll(realm)
    return realm


async def forgot_password(env: Env) -> httpx.Response:
    """``oauth.openLoginForm(); loginPage.resetPassword()``: the reset credentials page."""
    login = await start(env.http, "test", "test-app")
    assert is_login_page(login), login.text[:600]
    link = re.search(r'<a[^>]*href="([^"]+)"[^>]*>Forgot Password\?', login.text)
    assert link, login.text[:1500]
    page = await env.http.get(html.unescape(link[1]))
    assert page.status_code == 200 and 'id="kc-reset-password-form"' in page.text, page.text[:600]
    return page


async def alternative_flow(env: Env) -> None:
    """``configureAlternativeResetCredentialsFlow``: the flow made and bound (204)."""
    body = {"alias": ALTERNATIVE, "providerId": "basic-flow", "topLevel": True, "builtIn": False}
    await admin(env, "POST", f"{AUTH}/flows", body, 201)
    inner = f"{ALTERNATIVE} sub-flow"
    await add_flow(env, ALTERNATIVE, inner, ALT)
    for provider in ("reset-credentials-choose-user", "reset-credential-email", "reset-password"):
        await add(env, inner, provider, REQ)
    await bind(env, "resetCredentialsFlow", ALTERNATIVE)
    realm = (await admin(env, "GET", "/admin/realms/test", None, 200)).json()
    assert realm["resetCredentialsFlow"] == ALTERNATIVE


async def test_alternative_subflow_stay_signed_out_test(resettable: Env, mail: Sink) -> None:
    """AltSubflowForCredentialResetTest#alternativeSubflowStaySignedOutTest: the unknown ``login@test.com.com``
    gets the login page with the e-mail-sent message, no mail, and a new login form is the login page again (no
    session was made)."""
    env = resettable
    await alternative_flow(env)
    answer = await submit(env.http, await forgot_password(env), username="login@test.com.com")
    assert is_login_page(answer), answer.text[:600]
    assert SENT in html.unescape(answer.text)
    assert mail.received == []
    (error,) = await poll(env)
    assert (error["type"], error["error"], error["clientId"]) == ("RESET_PASSWORD_ERROR", "user_not_found", "test-app")
    assert error["details"]["username"] == "login@test.com.com"
    assert error.get("userId") is None
    again = await start(env.http, "test", "test-app")
    assert is_login_page(again), (again.status_code, again.headers.get("location"))


async def test_the_alternative_subflow_resets_a_known_user_s_password_without_asking_for_otp(
    resettable: Env, mail: Sink
) -> None:
    """The same flow for ``login@test.com``, who has an authenticator app: the mail is sent, the link asks for the
    new password and nothing else (the flow holds no ResetOTP), and the new password is the one the login takes
    (its OTP form follows)."""
    env = resettable
    await alternative_flow(env)
    await add_otp(env, "login-test")
    answer = await submit(env.http, await forgot_password(env), username="login@test.com")
    assert is_login_page(answer) and SENT in html.unescape(answer.text), answer.text[:600]
    (sent,) = mail.received
    page = await env.http.get(sent.link())
    assert page.status_code == 200 and 'name="password-new"' in page.text, page.text[:600]
    done = await submit(env.http, page, **{"password-new": "new-password", "password-confirm": "new-password"})
    assert "code" in code_from(done), done.text[:600]
    env.http.cookies.clear()
    login = await start(env.http, "test", "test-app")
    assert is_otp_form(await submit(env.http, login, username="login-test", password="new-password"))


async def test_the_built_in_flow_still_asks_a_user_with_otp_for_a_new_one(resettable: Env, mail: Sink) -> None:
    """Beside it, the built-in flow's CONDITIONAL "Reset - Conditional OTP" sub-flow still adds CONFIGURE_TOTP for
    a user with OTP (ResetOTP without a configuration): its page comes before the password's."""
    env = resettable
    await add_otp(env, "login-test")
    await submit(env.http, await forgot_password(env), username="login@test.com")
    (sent,) = mail.received
    page = await env.http.get(sent.link())
    assert page.status_code == 200 and 'name="totp"' in page.text, page.text[:600]


async def test_an_alternative_sub_flow_beside_other_steps_is_still_refused(resettable: Env) -> None:
    """Only a lone sub-flow stands for its steps: the same sub-flow after another top-level step is no flow
    Doorkeep runs, and binding it answers 400 naming the flow."""
    env = resettable
    alias = "reset credentials - two steps"
    body = {"alias": alias, "providerId": "basic-flow", "topLevel": True, "builtIn": False}
    await admin(env, "POST", f"{AUTH}/flows", body, 201)
    await add(env, alias, "reset-credentials-choose-user", REQ)
    inner = f"{alias} sub-flow"
    await add_flow(env, alias, inner, ALT)
    for provider in ("reset-credential-email", "reset-password"):
        await add(env, inner, provider, REQ)
    refused = await bind(env, "resetCredentialsFlow", alias, status=400)
    assert f"Doorkeep cannot run flow '{alias}'" in refused.text
    realm = (await admin(env, "GET", "/admin/realms/test", None, 200)).json()
    assert realm["resetCredentialsFlow"] == "reset credentials"


async def test_a_copy_with_its_otp_sub_flow_disabled_asks_for_the_password_only(resettable: Env, mail: Sink) -> None:
    """A copy of the built-in flow with "Reset - Conditional OTP" DISABLED binds, and its link asks a user with OTP
    for the new password only (a DISABLED sub-flow runs nothing in DefaultAuthenticationFlow)."""
    env = resettable
    alias = "reset credentials without otp"
    await admin(env, "POST", f"{AUTH}/flows/reset credentials/copy", {"newName": alias}, 201)
    (otp_flow,) = [e for e in await executions(env, alias) if e.get("authenticationFlow") and e["level"] == 0]
    await set_requirement(env, alias, otp_flow, DIS)
    await bind(env, "resetCredentialsFlow", alias)
    await add_otp(env, "login-test")
    await submit(env.http, await forgot_password(env), username="login-test")
    (sent,) = mail.received
    page = await env.http.get(sent.link())
    assert page.status_code == 200 and 'name="password-new"' in page.text, page.text[:600]
