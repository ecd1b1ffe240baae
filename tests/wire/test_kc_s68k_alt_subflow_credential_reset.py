"""Keycloak's AltSubflowForCredentialResetTest (testsuite/.../forms/) over HTTP: "Forgot Password?" with an e-mail
no user has ends on the login page with the e-mail-sent message, and the browser stays signed out.

The Java class first binds a reset credentials flow of its own, the built-in one's three steps (choose user,
send e-mail, reset password, each REQUIRED) inside one ALTERNATIVE sub-flow. Doorkeep runs a reset credentials
flow only as the built-in one's equal (realms/flow_support.py), so binding that flow is refused with a 400 that
says why, and nothing is silently run in its place (a deliberate difference, asserted below). The behaviour the
class guards (no sign-in from an unknown user's reset) is asserted on the built-in flow, whose first three steps
are the same ones (DefaultAuthenticationFlows.resetCredentialsFlow), with what Keycloak's steps record:
ResetCredentialChooseUser.action's RESET_PASSWORD_ERROR ``user_not_found`` naming the typed username, and
ResetCredentialEmail.authenticate sending no mail for no user (forkWithSuccessMessage EMAIL_SENT).
"""

from __future__ import annotations

import html
import re

import httpx
import pytest

from browser_flow import start, submit
from flow_builder import ALT, AUTH, REQ, add, add_flow, admin, bind
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
    user = {"username": "login-test", "email": "login@test.com", "enabled": True}
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


async def test_alternative_subflow_stay_signed_out_test(resettable: Env, mail: Sink) -> None:
    """AltSubflowForCredentialResetTest#alternativeSubflowStaySignedOutTest on the built-in flow: the unknown
    ``login@test.com.com`` gets the login page with the e-mail-sent message, no mail, and a new login form is
    the login page again (no session was made)."""
    env = resettable
    answer = await submit(env.http, await forgot_password(env), username="login@test.com.com")
    assert is_login_page(answer), answer.text[:600]
    assert SENT in html.unescape(answer.text)
    assert mail.received == []
    (error,) = await poll(env)
    assert (error["type"], error["error"], error["clientId"]) == ("RESET_PASSWORD_ERROR", "user_not_found", "test-app")
    assert error["details"]["username"] == "login@test.com.com"
    assert "userId" not in error or error["userId"] is None
    again = await start(env.http, "test", "test-app")
    assert is_login_page(again), (again.status_code, again.headers.get("location"))


async def test_the_alternative_subflow_reset_flow_is_refused_not_silently_run(resettable: Env) -> None:
    """``configureAlternativeResetCredentialsFlow``: the flow is made as the Java class makes it (one ALTERNATIVE
    sub-flow holding choose user, send e-mail and reset password, REQUIRED); binding it answers 400 naming the
    flow, and the realm keeps the built-in flow."""
    env = resettable
    body = {"alias": ALTERNATIVE, "providerId": "basic-flow", "topLevel": True, "builtIn": False}
    await admin(env, "POST", f"{AUTH}/flows", body, 201)
    inner = f"{ALTERNATIVE} sub-flow"
    await add_flow(env, ALTERNATIVE, inner, ALT)
    for provider in ("reset-credentials-choose-user", "reset-credential-email", "reset-password"):
        await add(env, inner, provider, REQ)
    refused = await bind(env, "resetCredentialsFlow", ALTERNATIVE, status=400)
    assert f"Doorkeep cannot run flow '{ALTERNATIVE}'" in refused.text
    realm = (await admin(env, "GET", "/admin/realms/test", None, 200)).json()
    assert realm["resetCredentialsFlow"] == "reset credentials"
