"""Keycloak's UserSessionLimitsResetPasswordTest (tests/base/.../tests/sessionlimits/) over HTTP: the User Session
Count Limiter in the reset credentials flow, run once the e-mailed link is followed, for the link's user and client.

The Java class adds the limiter to the built-in ``reset credentials`` flow on the server; the admin API refuses to
add an execution to a built-in flow, so the port copies the flow, adds the limiter (REQUIRED, after the copy's
steps) and binds the copy as the realm's reset credentials flow. ``deleteAllCookiesForRealm`` is the cookies
cleared; the mail server is the SMTP sink. The refusal's RESET_PASSWORD_ERROR names the link's user, as every
event of the link's handler does in Doorkeep (the Java test does not assert it).
"""

from __future__ import annotations

import httpx
import pytest

import session_limits_port
from browser_flow import start, submit
from flow_builder import AUTH, add, admin, bind
from keycloak_port import poll
from login_test_realm import error_page_text
from mail_sink import Sink
from session_limits_port import (
    DEFAULTS,
    ERROR_TO_DISPLAY,
    LIMITER,
    PASSWORD,
    RESET,
    RESET_URI,
    TERMINATE,
    USER,
    ask_reset,
    browser_login,
    configure,
    reset_flow_limited,
    sessions,
)
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, imported, kc, otp_realm, otp_users, limited = session_limits_port.FIXTURES

BASE = "http://localhost"
ACCOUNT = f"{BASE}/realms/test/account/"


@pytest.fixture
async def resetting(limited: Env, mail: Sink) -> Env:
    """``setupFlows``: the reset credentials flow with the limiter (DEFAULTS: deny, client limit 1), the realm's
    mail server the sink."""
    await reset_flow_limited(limited, mail)
    return limited


async def account_login(env: Env) -> httpx.Response:
    """``oauth.client("account"); oauth.doLogin(username, password)``."""
    page = await start(env.http, "test", "account", redirect_uri=ACCOUNT)
    return await submit(env.http, page, username=USER, password=PASSWORD)


def is_update_password_page(page: httpx.Response) -> bool:
    return page.status_code == 200 and 'id="kc-passwd-update-form"' in page.text


async def test_client_session_count_exceeded_and_new_session_denied_reset_password_flow(
    resetting: Env, mail: Sink
) -> None:
    """UserSessionLimitsResetPasswordTest#testClientSessionCountExceededAndNewSessionDeniedResetPasswordFlow: a
    session of ``account`` held elsewhere, the link opened in a browser without one: RESET_PASSWORD_ERROR
    ``generic_authentication_error`` at ``account``, the limiter's message on a 403 error page."""
    env = resetting
    assert (await account_login(env)).status_code == 302
    (login,) = await poll(env)
    assert (login["type"], login["clientId"], login["details"]["redirect_uri"]) == ("LOGIN", "account", ACCOUNT)
    env.http.cookies.clear()
    link = await ask_reset(env, mail)
    (sent,) = await poll(env)
    assert (sent["type"], sent["userId"], sent["clientId"], sent.get("sessionId")) == (
        "SEND_RESET_PASSWORD",
        login["userId"],
        "account",
        None,
    )
    assert (sent["details"]["redirect_uri"], sent["details"]["username"], sent["details"]["email"]) == (
        ACCOUNT,
        USER,
        USER,
    )
    assert "consent" not in sent["details"]
    page = await env.http.get(link)
    assert page.status_code == 403 and error_page_text(page) == ERROR_TO_DISPLAY
    (error,) = await poll(env)
    assert (error["type"], error["clientId"], error["error"]) == (
        "RESET_PASSWORD_ERROR",
        "account",
        "generic_authentication_error",
    )
    assert len(await sessions(env)) == 1


async def test_client_session_count_exceeded_and_oldest_session_removed_reset_password_flow(
    resetting: Env, mail: Sink
) -> None:
    """UserSessionLimitsResetPasswordTest#testClientSessionCountExceededAndOldestSessionRemovedResetPasswordFlow:
    the other browser's session of ``account`` logged out (LOGOUT), the update-password page, and once the
    password is set one session."""
    env = resetting
    await configure(env, RESET, behavior=TERMINATE)
    assert (await account_login(env)).status_code == 302
    (login,) = await poll(env)
    env.http.cookies.clear()
    env.clock.advance(2)
    page = await env.http.get(await ask_reset(env, mail))
    assert is_update_password_page(page), page.text[:600]
    sent, logout = await poll(env)
    assert (sent["type"], logout["type"], logout["sessionId"]) == ("SEND_RESET_PASSWORD", "LOGOUT", login["sessionId"])
    assert (logout["userId"], logout["clientId"]) == (login["userId"], "account")
    done = await submit(env.http, page, **{"password-new": "resetPassword", "password-confirm": "resetPassword"})
    assert done.status_code in (200, 302), done.text[:600]
    found = await sessions(env)
    assert len(found) == 1 and found[0]["id"] != login["sessionId"]


async def test_realm_session_count_exceeded_and_new_session_denied_reset_password_flow(
    resetting: Env, mail: Sink
) -> None:
    """UserSessionLimitsResetPasswordTest#testRealmSessionCountExceededAndNewSessionDeniedResetPasswordFlow: a
    session of ``test-app`` held elsewhere and a realm limit of one refuse the link's login."""
    env = resetting
    await configure(env, RESET, userRealmLimit="1", userClientLimit="0")
    assert (await browser_login(env)).status_code == 302
    (login,) = await poll(env)
    env.http.cookies.clear()
    page = await env.http.get(await ask_reset(env, mail))
    assert page.status_code == 403 and error_page_text(page) == ERROR_TO_DISPLAY
    sent, error = await poll(env)
    assert (sent["type"], sent["userId"], sent["clientId"]) == ("SEND_RESET_PASSWORD", login["userId"], "account")
    assert (error["type"], error["clientId"], error["error"]) == (
        "RESET_PASSWORD_ERROR",
        "account",
        "generic_authentication_error",
    )


async def test_realm_session_count_exceeded_and_oldest_session_removed_reset_password_flow(
    resetting: Env, mail: Sink
) -> None:
    """UserSessionLimitsResetPasswordTest#testRealmSessionCountExceededAndOldestSessionRemovedResetPasswordFlow."""
    env = resetting
    await configure(env, RESET, behavior=TERMINATE, userRealmLimit="1", userClientLimit="0")
    assert (await browser_login(env)).status_code == 302
    (login,) = await poll(env)
    env.http.cookies.clear()
    env.clock.advance(2)
    page = await env.http.get(await ask_reset(env, mail))
    assert is_update_password_page(page), page.text[:600]
    done = await submit(env.http, page, **{"password-new": "resetPassword", "password-confirm": "resetPassword"})
    assert done.status_code in (200, 302), done.text[:600]
    found = await sessions(env)
    assert len(found) == 1 and found[0]["id"] != login["sessionId"]


async def test_the_link_followed_in_the_browser_holding_the_session_is_no_new_session(
    resetting: Env, mail: Sink
) -> None:
    """authenticateIdentityCookie: the link opened in the browser whose SSO session already holds a session of
    ``account`` makes no new session, so a client limit of one lets it through (here the page skips the form: the
    SSO session's user is chosen at once)."""
    env = resetting
    assert (await account_login(env)).status_code == 302
    await poll(env)
    page = await env.http.get(RESET_URI)
    assert page.status_code == 200, page.text[:600]
    (sent,) = mail.received
    assert is_update_password_page(await env.http.get(sent.link()))
    assert [e["type"] for e in await poll(env) if e["type"].endswith("_ERROR")] == []


async def test_a_limiter_doorkeep_cannot_run_there_cannot_be_bound(resetting: Env) -> None:
    """Doorkeep runs the reset credentials flow's limiter REQUIRED (or DISABLED) after the e-mail step, where
    Keycloak's flow goes on once the link is followed; a flow with one it would not run as Keycloak does (here
    ALTERNATIVE) stays unbound, never silently skipped."""
    env = resetting
    alias = "reset limiter first"
    await admin(env, "POST", f"{AUTH}/flows/reset credentials/copy", {"newName": alias}, 201)
    try:
        await add(env, alias, LIMITER, "ALTERNATIVE", DEFAULTS)
        refused = await bind(env, "resetCredentialsFlow", alias, status=400)
        assert "Doorkeep cannot run flow 'reset limiter first'" in refused.text
    finally:
        await bind(env, "resetCredentialsFlow", RESET)
        flows = (await admin(env, "GET", f"{AUTH}/flows", status=200)).json()
        (flow,) = [f for f in flows if f["alias"] == alias]
        await admin(env, "DELETE", f"{AUTH}/flows/{flow['id']}", status=204)


async def test_a_limit_that_is_no_number_ends_the_reset_on_the_unexpected_error_page(
    resetting: Env, mail: Sink
) -> None:
    """getIntConfigProperty's Integer.parseInt failing in the reset flow: Keycloak's login fails (a 500 there);
    Doorkeep answers the unexpected-error page (RESET_PASSWORD_ERROR ``invalid_user_credentials``), never a 500,
    and asks for no new password."""
    env = resetting
    await configure(env, RESET, userClientLimit="many")
    page = await env.http.get(await ask_reset(env, mail))
    assert page.status_code == 400 and not is_update_password_page(page)
    assert error_page_text(page) == "Unexpected error when handling authentication request to identity provider."
    sent, error = await poll(env)
    assert (sent["type"], error["type"], error["error"]) == (
        "SEND_RESET_PASSWORD",
        "RESET_PASSWORD_ERROR",
        "invalid_user_credentials",
    )
