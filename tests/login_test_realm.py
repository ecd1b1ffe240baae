"""Keycloak's LoginTest realm and its page-object helpers, for the wire port of
``org.keycloak.testsuite.forms.LoginTest`` (testsuite/integration-arquillian/tests/base).

The realm is the part of Keycloak's ``testrealm.json`` the test reads, with ``configureTestRealm`` applied:
the users ``login-test`` (``login@test.com``) and ``login-test2`` (``login2@test.com``) beside
``test-user@localhost`` and ``keycloak-user@localhost``; the clients ``test-app``, ``third-party`` (with a base
URL) and ``root-url-client``. Every password is ``password`` (Keycloak generates them). Keycloak's
``setTimeOffset`` is the fake clock, ``events.poll()`` the admin events API, and ``loginPage`` reads the HTML.
"""

from __future__ import annotations

import html
import re
from typing import Any

import httpx

from browser_flow import REDIRECT, exchange, start, submit
from doorkeep.oauth import email_cooldown
from keycloak_port import admin_headers, one_event, user_id
from wire_env import Env

APP = "test-app"
SECRET = "password"
PASSWORD = "password"
INVALID_USER = "Invalid username or password."  # Messages.INVALID_USER (invalidUserMessage)
ACCOUNT_DISABLED = "Account is disabled, contact your administrator."  # Messages.ACCOUNT_DISABLED
LOGIN_TIMEOUT = "Your login attempt timed out. Login will start from the beginning."  # Messages.LOGIN_TIMEOUT
COOKIE_NOT_FOUND = "Cookie not found. Please make sure cookies are enabled in your browser."  # cookieNotFoundMessage
APP_BASE = "http://127.0.0.1:9999/app"
THIRD_PARTY_BASE = "http://127.0.0.1:9999/third-party"
_BASE: dict[int, int] = {}


def _user(username: str, email: str, **extra: Any) -> dict[str, Any]:
    credentials = [{"type": "password", "value": PASSWORD, "temporary": False}]
    return {"username": username, "email": email, "enabled": True, "credentials": credentials, **extra}


def realm_rep() -> dict[str, Any]:
    return {
        "realm": "test",
        "enabled": True,
        "eventsEnabled": True,
        "clients": [
            {
                "clientId": APP,
                "secret": SECRET,
                "baseUrl": APP_BASE,
                "redirectUris": ["http://127.0.0.1:9999/*"],
                "directAccessGrantsEnabled": True,
            },
            {
                "clientId": "third-party",
                "secret": SECRET,
                "baseUrl": THIRD_PARTY_BASE,
                "redirectUris": ["http://127.0.0.1:9999/*"],
            },
            {
                "clientId": "root-url-client",
                "secret": SECRET,
                "rootUrl": "http://127.0.0.1:9999",
                "redirectUris": ["/foo/bar/*"],
            },
        ],
        "users": [
            _user("test-user@localhost", "test-user@localhost", firstName="Tom", lastName="Brady", emailVerified=True),
            _user("keycloak-user@localhost", "keycloak-user@localhost"),
            _user("login-test", "login@test.com"),
            _user("login-test2", "login2@test.com"),
        ],
    }


def mark_start(env: Env) -> None:
    _BASE[id(env)] = env.clock.now()


def set_time_offset(env: Env, seconds: int) -> None:
    """``setTimeOffset(seconds)``: the server's time that many seconds after the test began."""
    env.clock.set(_BASE[id(env)] + seconds)


# --- loginPage ------------------------------------------------------------------------------------------


async def open_login_form(env: Env, client_id: str = APP, **params: str) -> httpx.Response:
    """``oauth.openLoginForm()``: the authorization endpoint with the test's client and redirect URI."""
    return await start(env.http, "test", client_id, **params)


async def login(env: Env, page: httpx.Response, username: str, password: str = PASSWORD, **more: str) -> httpx.Response:
    """``loginPage.login(username, password)``: the form as the page has it, these fields filled in."""
    return await submit(env.http, page, username=username, password=password, **more)


async def change_password(env: Env, page: httpx.Response, new: str) -> httpx.Response:
    """``updatePasswordPage.changePassword(new, new)``."""
    return await submit(env.http, page, **{"password-new": new, "password-confirm": new})


def is_login_page(page: httpx.Response) -> bool:
    return page.status_code == 200 and 'id="kc-form-login"' in page.text and 'name="password"' in page.text


def is_config_totp_page(page: httpx.Response) -> bool:
    """``configTotpPage.assertCurrent()``: the Configure OTP required action's form."""
    return page.status_code == 200 and 'name="totp"' in page.text


def username_value(page: httpx.Response) -> str:
    """``loginPage.getUsername()``: the username input's value."""
    found = re.search(r'<input type="text" id="username" name="username" value="([^"]*)"', page.text)
    assert found, page.text[:800]
    return html.unescape(found[1])


def password_value(page: httpx.Response) -> str:
    """``loginPage.getPassword()``: the password input is never prefilled."""
    found = re.search(r'<input type="password" id="password" name="password"([^>]*)>', page.text)
    assert found, page.text[:800]
    value = re.search(r'value="([^"]*)"', found[1])
    return value[1] if value else ""


def error(page: httpx.Response) -> str | None:
    """``loginPage.getInputError()`` / ``getError()``: the page's error message."""
    found = re.search(r'<div id="input-error" class="error">([^<]*)</div>', page.text)
    return html.unescape(found[1]) if found else None


def error_page_text(page: httpx.Response) -> str | None:
    """``errorPage.getError()``."""
    found = re.search(r'<p id="kc-error-message" class="error">([^<]*)</p>', page.text)
    return html.unescape(found[1]) if found else None


def back_to_application(page: httpx.Response) -> str | None:
    """``errorPage.getBackToApplicationLink()``."""
    found = re.search(r'<a id="backToApplication" href="([^"]*)"', page.text)
    return html.unescape(found[1]) if found else None


def remember_me_present(page: httpx.Response) -> bool:
    return 'name="rememberMe"' in page.text


def remember_me_checked(page: httpx.Response) -> bool:
    return re.search(r'name="rememberMe" checked', page.text) is not None


def auth_response(response: httpx.Response) -> dict[str, str]:
    """``appPage.getRequestType() == AUTH_RESPONSE``: a redirect to the client's redirect URI with the code."""
    assert response.status_code == 302, (response.status_code, response.text[:800])
    location = httpx.URL(response.headers["location"])
    assert str(location).startswith(REDIRECT.rsplit("/", 1)[0]), location
    return dict(location.params)


async def code_to_token(env: Env, code: str) -> httpx.Response:
    """``oauth.accessTokenRequest(code).send()``."""
    return await exchange(env.http, "test", APP, code, secret=SECRET)


async def refresh(env: Env, refresh_token: str) -> httpx.Response:
    """``oauth.refreshRequest(token).send()``."""
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    return await env.http.post("/realms/test/protocol/openid-connect/token", data=form, auth=(APP, SECRET))


async def remove_user_session(env: Env, session_id: str) -> None:
    """``testingClient.testing().removeUserSession("test", id)``: the SSO session gone, the cookies kept."""
    response = await env.http.delete(f"/admin/realms/test/sessions/{session_id}", headers=await admin_headers(env))
    assert response.status_code == 204, response.text


# --- events ---------------------------------------------------------------------------------------------


async def expect_login(env: Env, user: str | None = None, **details: str) -> dict[str, Any]:
    """``events.expectLogin().user(id).detail(USERNAME, name).assertEvent()``."""
    event = await one_event(env)
    assert event["type"] == "LOGIN", event
    assert event["realmId"] and event["clientId"] == details.pop("client_id", APP), event
    assert event.get("sessionId"), event
    if user is not None:
        assert event["userId"] == await user_id(env, user), event
    for name, value in details.items():
        assert event["details"].get(name) == value, (name, event)
    assert event["details"]["auth_method"] == "openid-connect", event
    return event


async def expect_login_error(env: Env, error: str, user: str | None, **details: str) -> dict[str, Any]:
    """``events.expectLogin().user(user).session(null).error(error)...assertEvent()``."""
    event = await one_event(env)
    assert event["type"] == "LOGIN_ERROR" and event["error"] == error, event
    assert event.get("sessionId") is None, event
    expected_user = await user_id(env, user) if user else None
    assert event.get("userId") == expected_user, event
    for name, value in details.items():
        assert event["details"].get(name) == value, (name, event)
    return event


async def clear_cooldown(env: Env, user_id: str) -> None:
    """``clearCooldownForUser()``: the user's verification e-mail cooldown removed, so a resend goes at once."""
    async with env.db.transaction() as tx:
        await tx.action_tokens.remove(email_cooldown.KEY_PREFIX + user_id)
