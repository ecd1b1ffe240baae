"""Keycloak's old-testsuite login/LoginErrorMessageTest over HTTP: a wrong password must not tell that the username
is valid. ``browser`` copied as ``identity-first-browser``, its forms UsernameForm then the username and password
form (UsernamePasswordForm), both REQUIRED: the username page identifies the user, the second page asks the
password alone (USER_SET_BEFORE_USERNAME_PASSWORD_AUTH, the username hidden), and a wrong one there is the generic
"Invalid username or password." (AbstractUsernameFormAuthenticator.getDefaultChallengeMessage, keycloak@b137016c),
not PasswordForm's "Invalid password.". Doorkeep refused to bind that flow before.

Beside the class: the right password then signs the user in; the wrong password is LOGIN_ERROR
``invalid_user_credentials``; an unknown name still gets UsernameForm's own error on the first page; and
PasswordForm in the same place keeps "Invalid password." (ReAuthenticationTest#identityFirstFormReauthentication
reads it). ReAuthenticationTest#usernamePasswordFormReauthentication (the same form, the user set by the SSO
cookie) reads "Invalid username or password." too, as the same getDefaultChallengeMessage answers it; the older
ports (test_keycloak_re_authentication_test.py, test_reauthentication_parity.py,
test_keycloak_change_password_test.py), which pinned "Invalid password." there after 898fdedc, now read it too."""

from __future__ import annotations

import html
import re

import httpx
import pytest

from browser_flow import code_from, exchange, start, submit
from flow_builder import AUTH, REQ, add, admin, bind, events, executions
from support import seed_login_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio
FLOW = "identity-first-browser"
FORMS = f"{FLOW} forms"
INVALID_USER = "Invalid username or password."  # Messages.INVALID_USER
INVALID_PASSWORD = "Invalid password."  # Messages.INVALID_PASSWORD


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_login_realm(env.db, env.clock, events=True)
    await seed_user(env.db, env.clock, "test", "basic-user", email="basic@localhost", first_name="First")
    return env


async def identity_first_flow(env: Env, second: str = "auth-username-password-form") -> None:
    """``configureIdentityFirstFlow``: ``browser`` copied, its forms cleared, UsernameForm and ``second`` added
    REQUIRED, bound as the browser flow."""
    await admin(env, "POST", f"{AUTH}/flows/browser/copy", {"newName": FLOW}, 201)
    for execution in await executions(env, FORMS):
        if execution["level"] == 0:
            await admin(env, "DELETE", f"{AUTH}/executions/{execution['id']}", status=204)
    assert await executions(env, FORMS) == []
    await add(env, FORMS, "auth-username-form", REQ)
    await add(env, FORMS, second, REQ)
    await bind(env, "browserFlow", FLOW)


def input_error(page: httpx.Response) -> str | None:
    """``passwordPage.getPasswordError()``: the form's field error."""
    found = re.search(r'<div id="input-error" class="error">([^<]*)</div>', page.text)
    return html.unescape(found[1]) if found else None


async def password_page(env: Env, username: str = "basic-user") -> httpx.Response:
    """The username page, the username sent: the page asking the password alone."""
    page = await start(env.http, "test", "app")
    assert page.status_code == 200 and 'name="username"' in page.text and 'name="password"' not in page.text
    second = await submit(env.http, page, username=username)
    assert second.status_code == 200 and 'name="password"' in second.text, second.text[:400]
    assert 'name="username"' not in second.text  # the username hidden
    return second


async def test_wrong_password_shows_generic_error_when_user_pre_established(realm: Env) -> None:
    """LoginErrorMessageTest#testWrongPasswordShowsGenericErrorWhenUserPreEstablished: the generic error, not
    "Invalid password."; the failure recorded as a wrong password of the user; the right password signs in."""
    await identity_first_flow(realm)
    page = await password_page(realm)
    refused = await submit(realm.http, page, password="wrong-password")
    assert refused.status_code == 200 and 'name="password"' in refused.text
    assert input_error(refused) == INVALID_USER
    assert INVALID_PASSWORD not in refused.text
    [failed] = await events(realm, "LOGIN_ERROR")
    assert (failed.error, failed.details.get("username")) == ("invalid_user_credentials", "basic-user")
    code = code_from(await submit(realm.http, refused, password="password"))["code"]
    tokens = await exchange(realm.http, "test", "app", code)
    assert tokens.status_code == 200, tokens.text


async def test_an_unknown_username_gets_the_username_form_error(realm: Env) -> None:
    """UsernameForm runs first: a name no user has is its own error on the username page, no password asked."""
    await identity_first_flow(realm)
    page = await start(realm.http, "test", "app")
    refused = await submit(realm.http, page, username="nobody")
    assert refused.status_code == 200 and 'name="password"' not in refused.text
    assert input_error(refused) == "Invalid username or email."


async def test_the_password_form_after_the_username_form_keeps_its_own_error(realm: Env) -> None:
    """PasswordForm overrides getDefaultChallengeMessage: "Invalid password." after UsernameForm."""
    await identity_first_flow(realm, "auth-password-form")
    refused = await submit(realm.http, await password_page(realm), password="wrong-password")
    assert input_error(refused) == INVALID_PASSWORD


async def test_a_re_authentication_on_the_username_and_password_form_gets_the_generic_error(realm: Env) -> None:
    """ReAuthenticationTest#usernamePasswordFormReauthentication: ``prompt=login`` over the SSO session, the form
    with the username hidden, a wrong password: "Invalid username or password."."""
    page = await start(realm.http, "test", "app")
    code_from(await submit(realm.http, page, username="basic-user", password="password"))
    again = await start(realm.http, "test", "app", prompt="login")
    refused = await submit(realm.http, again, password="wrong-password")
    assert input_error(refused) == INVALID_USER
