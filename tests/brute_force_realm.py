"""Keycloak's BruteForceTest realm and its page-object helpers, for the wire port of
``org.keycloak.testsuite.forms.BruteForceTest`` (testsuite/integration-arquillian/tests/base).

The realm is the part of Keycloak's ``testrealm.json`` the test reads, with ``configureTestRealm`` and the
``@Before config()`` settings applied: Brute Force Detection on with the MULTIPLE strategy, failure factor 2,
``maxDeltaTimeSeconds`` 60, ``maxFailureWaitSeconds`` 100, ``waitIncrementSeconds`` 20, and Keycloak's defaults
for the quick-login check (1000 ms, 60 s); ``test-user@localhost`` has an OTP credential (secret ``totpSecret``),
``user2`` has none. Keycloak's ``setTimeOffset`` is the fake clock, its ``events.poll()`` the admin events API,
and ``appPage.logout`` a browser whose cookies are cleared.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from browser_flow import code_from, exchange, start, submit
from keycloak_port import add_totp, get, one_event, poll, user_id
from totp_codes import totp
from wire_env import Env

APP = "test-app"
SECRET = "password"
TEST_USER = "test-user@localhost"
PASSWORD = "password"
OTP_SECRET = "totpSecret"
FAILURE_FACTOR = 2
INVALID_USER = "Invalid username or password."  # Messages.INVALID_USER (invalidUserMessage)
INVALID_TOTP = "Invalid authenticator code."  # Messages.INVALID_TOTP (invalidTotpMessage)
INVALID_GRANT = ("invalid_grant", "Invalid user credentials")
ATTACK = "/attack-detection/brute-force/users"
_BASE: dict[int, int] = {}


def realm_rep() -> dict[str, Any]:
    def user(username: str, email: str, **extra: Any) -> dict[str, Any]:
        credentials = [{"type": "password", "value": PASSWORD, "temporary": False}]
        return {"username": username, "email": email, "enabled": True, "credentials": credentials, **extra}

    return {
        "realm": "test",
        "enabled": True,
        "eventsEnabled": True,
        "registrationAllowed": True,
        "resetPasswordAllowed": True,
        "bruteForceProtected": True,
        "bruteForceStrategy": "MULTIPLE",
        "failureFactor": FAILURE_FACTOR,
        "maxDeltaTimeSeconds": 60,
        "maxFailureWaitSeconds": 100,
        "waitIncrementSeconds": 20,
        "otpPolicyCodeReusable": True,
        "clients": [
            {
                "clientId": APP,
                "secret": SECRET,
                "redirectUris": ["http://127.0.0.1:9999/*"],
                "directAccessGrantsEnabled": True,
            }
        ],
        "users": [
            user(TEST_USER, TEST_USER, firstName="Tom", lastName="Brady", emailVerified=True),
            user("user2", "user2@localhost"),
        ],
    }


async def add_otp(env: Env, username: str = TEST_USER) -> None:
    """UserBuilder's ``totpSecret``: the OTP credential goes into the store (the realm import reads passwords)."""
    await add_totp(env, username, OTP_SECRET)


def mark_start(env: Env) -> None:
    _BASE[id(env)] = env.clock.now()


def set_time_offset(env: Env, seconds: int) -> None:
    """``setTimeOffset(seconds)``: the server's time that many seconds after the test began."""
    env.clock.set(_BASE[id(env)] + seconds)


def code(env: Env) -> str:
    return totp(OTP_SECRET.encode(), now=env.clock.now())


def shown(page: httpx.Response) -> tuple[str, str] | None:
    """The page's message box: (kind, text), as ``loginPage.getInputError`` / ``getSuccessMessage`` read it."""
    found = re.search(r'<div id="input-error" class="(\w+)">([^<]*)</div>', page.text)
    return (found[1], found[2]) if found else None


def input_error(page: httpx.Response) -> str | None:
    message = shown(page)
    return message[1] if message and message[0] == "error" else None


def is_otp_page(page: httpx.Response) -> bool:
    return page.status_code == 200 and 'name="otp"' in page.text and 'name="password"' not in page.text


def is_login_page(page: httpx.Response) -> bool:
    return page.status_code == 200 and 'name="password"' in page.text and 'name="username"' in page.text


# --- the password grant --------------------------------------------------------------------------------


async def get_test_token(env: Env, password: str, totp_code: str | None, username: str = TEST_USER) -> httpx.Response:
    """``oauth.passwordGrantRequest(username, password).otp(totp).send()``."""
    form = {"grant_type": "password", "client_id": APP, "client_secret": SECRET}
    form |= {"username": username, "password": password}
    if totp_code is not None:
        form["otp"] = totp_code
    return await env.http.post("/realms/test/protocol/openid-connect/token", data=form)


def assert_refused(response: httpx.Response, description: str = INVALID_GRANT[1]) -> None:
    body = response.json()
    assert "access_token" not in body and body["error"] == "invalid_grant", body
    assert body["error_description"] == description, body


async def send_invalid_password_password_grant(env: Env) -> None:
    assert_refused(await get_test_token(env, "invalid", code(env)))
    await poll(env)


async def lock_user_with_password_grant(env: Env) -> None:
    response = await get_test_token(env, PASSWORD, code(env))
    assert response.status_code == 200, response.text
    await poll(env)
    for _ in range(FAILURE_FACTOR):
        await send_invalid_password_password_grant(env)


# --- the admin side ------------------------------------------------------------------------------------


async def status(env: Env, username: str = TEST_USER) -> dict[str, Any]:
    """``attackDetection().bruteForceUserStatus(id)``."""
    found: dict[str, Any] = await get(env, f"{ATTACK}/{await user_id(env, username)}")
    return found


async def assert_user_number_of_failures(env: Env, failures: int, username: str = TEST_USER) -> None:
    assert (await status(env, username))["numFailures"] == failures


async def user_rep(env: Env, username: str = TEST_USER) -> dict[str, Any]:
    found: dict[str, Any] = await get(env, f"/users/{await user_id(env, username)}")
    return found


async def searched(env: Env, username: str = TEST_USER) -> dict[str, Any]:
    """``users().search(username, true).get(0)`` (an exact search, full representations)."""
    (found,) = await get(env, "/users", username=username, exact="true")
    return dict(found)


async def assert_user_disabled_reason(env: Env, expected: str | None) -> None:
    """``firstAttribute(DISABLED_REASON)`` of the searched user."""
    reason = ((await searched(env)).get("attributes") or {}).get("disabledReason")
    assert (reason[0] if reason else None) == expected, reason


# --- the login pages -----------------------------------------------------------------------------------


async def login_page(env: Env) -> httpx.Response:
    """``loginPage.open()``."""
    page = await start(env.http, "test", APP)
    assert is_login_page(page), page.text[:500]
    return page


async def login_success(env: Env, username: str = TEST_USER) -> None:
    """The password, then the OTP form, then the code exchanged; a LOGIN event; then the browser logs out."""
    page = await submit(env.http, await login_page(env), username=username, password=PASSWORD)
    assert is_otp_page(page), (page.status_code, input_error(page))
    code_params = code_from(await submit(env.http, page, otp=code(env)))
    assert (await exchange(env.http, "test", APP, code_params["code"], secret=SECRET)).status_code == 200
    assert "LOGIN" in [e["type"] for e in await poll(env)]
    env.http.cookies.clear()  # appPage.logout


async def login_invalid_password(env: Env, username: str = TEST_USER, clear_events: bool = True) -> None:
    page = await submit(env.http, await login_page(env), username=username, password="invalid")
    assert is_login_page(page) and input_error(page) == INVALID_USER, input_error(page)
    if clear_events:
        await poll(env)


async def login_missing_password(env: Env) -> None:
    """``loginPage.missingPassword(username)``: the form sent with an empty password."""
    page = await submit(env.http, await login_page(env), username=TEST_USER, password="")
    assert is_login_page(page) and input_error(page) == INVALID_USER, input_error(page)
    await poll(env)


async def _refused_login(env: Env, username: str, password: str, error: str, uid: str | None) -> None:
    page = await submit(env.http, await login_page(env), username=username, password=password)
    assert is_login_page(page) and input_error(page) == INVALID_USER, input_error(page)
    event = await one_event(env)
    assert (event["type"], event.get("error"), event.get("sessionId")) == ("LOGIN_ERROR", error, None), event
    assert event["details"]["username"] == username, event
    if uid is not None:
        assert event["userId"] == uid, event


async def expect_temporarily_disabled(
    env: Env, username: str = TEST_USER, uid: str | None = None, password: str = PASSWORD
) -> None:
    await _refused_login(env, username, password, "user_temporarily_disabled", uid)


async def expect_permanently_disabled(env: Env, username: str = TEST_USER) -> None:
    await _refused_login(env, username, PASSWORD, "user_disabled", None)
    attributes = (await user_rep(env, username)).get("attributes") or {}
    assert attributes.get("disabledReason") == ["permanentLockout"], attributes


async def login_to_otp_form(env: Env) -> httpx.Response:
    page = await submit(env.http, await login_page(env), username=TEST_USER, password=PASSWORD)
    assert is_otp_page(page), (page.status_code, input_error(page))
    return page


async def otp_refused(env: Env, page: httpx.Response, otp_code: str) -> httpx.Response:
    """The OTP form sent with ``otp_code``: the form again, with Keycloak's invalid-code message."""
    again = await submit(env.http, page, otp=otp_code)
    assert is_otp_page(again) and input_error(again) == INVALID_TOTP, input_error(again)
    return again


def wrong_code(env: Env) -> str:
    return "123456" if code(env) != "123456" else "654321"


async def login_with_totp_failure(env: Env) -> httpx.Response:
    again = await otp_refused(env, await login_to_otp_form(env), wrong_code(env))
    await poll(env)
    return again


async def login_with_missing_totp(env: Env) -> httpx.Response:
    """``loginTotpPage.login(null)``: the OTP field sent empty."""
    again = await otp_refused(env, await login_to_otp_form(env), "")
    await poll(env)
    return again


async def assert_login_error(env: Env, error: str) -> None:
    """``events.expect(LOGIN_ERROR).error(error).assertEvent()``."""
    event = await one_event(env)
    assert (event["type"], event.get("error")) == ("LOGIN_ERROR", error), event
