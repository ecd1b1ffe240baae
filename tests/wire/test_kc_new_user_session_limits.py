"""Keycloak's new-framework UserSessionLimitsTest (tests/base/.../tests/sessionlimits/, also the old
testsuite's sessionlimits/UserSessionLimitsTest) over HTTP: the User Session Count Limiter
(``user-session-limits``) REQUIRED after the username and password form in the browser flow and after the
password in the direct grant flow; ``Deny new session`` and ``Terminate oldest session`` at the realm and the
client limit.

The Java class rebuilds the realm's built-in ``browser`` flow in place (its executions removed, then the form and
the limiter added); Doorkeep refuses to leave a bound flow it cannot run, so the port builds the same flow under
another alias and binds it, and a copy of ``direct grant`` with the limiter. ``setAuthenticatorConfigItem``
(run-on-server) is the admin API's ``PUT authentication/config/{id}``; ``assertSessionCount`` reads the user's
sessions over the admin API. The direct grant asks for JSON (``Accept: application/json``), whose refusal
FreeMarkerLoginFormsProvider.createErrorPage writes as ``{"error": message}``.

The reset-password methods are ported in test_kc_s68a_user_session_limits_reset.py
(UserSessionLimitsResetPasswordTest), the split classes' other methods in test_kc_s68a_user_session_limits.py;
``testRealmSessionCountAndClientSessionCountExceededAndDecreaseLimits…`` carries no ``@Test`` in the Java class.
"""

from __future__ import annotations

import pytest

import session_limits_port
from flow_builder import AUTH, REQ, add, add_flow, admin, bind
from keycloak_port import poll
from login_test_realm import error_page_text
from otp_port import APP, is_login_page, open_login
from session_limits_port import (
    BROWSER,
    DENY,
    DIRECT,
    ERROR_TO_DISPLAY,
    LIMITER,
    PASSWORD,
    TERMINATE,
    USER,
    browser_login,
    client_session_count,
    configure,
    password_grant,
    sessions,
)
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, imported, kc, otp_realm, otp_users, limited = session_limits_port.FIXTURES


async def test_client_session_count_exceeded_and_new_session_denied_browser_flow(limited: Env) -> None:
    """UserSessionLimitsTest#testClientSessionCountExceededAndNewSessionDeniedBrowserFlow."""
    assert (await browser_login(limited)).status_code == 302
    assert [e["type"] for e in await poll(limited)] == ["LOGIN"]
    limited.http.cookies.clear()
    page = await browser_login(limited)
    assert page.status_code == 403 and error_page_text(page) == ERROR_TO_DISPLAY
    (error,) = await poll(limited)
    assert (error["type"], error.get("userId"), error["error"]) == ("LOGIN_ERROR", None, "generic_authentication_error")
    assert len(await sessions(limited)) == 1


async def test_client_session_count_not_exceeded_on_re_authentication(limited: Env) -> None:
    """UserSessionLimitsTest#testClientSessionCountNotExceededOnReAuthentication: prompt=login goes on in the
    browser's session, which already holds the client's: no new session."""
    assert (await browser_login(limited)).status_code == 302
    assert (await browser_login(limited, prompt="login")).status_code == 302
    assert [e["type"] for e in await poll(limited)] == ["LOGIN", "LOGIN"]
    assert len(await sessions(limited)) == 1


@pytest.mark.parametrize("realm_limit", [False, True])
async def test_session_count_exceeded_and_oldest_session_removed_browser_flow(limited: Env, realm_limit: bool) -> None:
    """UserSessionLimitsTest#testClientSessionCountExceededAndOldestSessionRemovedBrowserFlow and
    #testRealmSessionCountExceededAndOldestSessionRemovedBrowserFlow: the first session logged out (LOGOUT),
    then the LOGIN of a new one."""
    await configure(limited, BROWSER, behavior=TERMINATE)
    if realm_limit:
        await configure(limited, BROWSER, userRealmLimit="1", userClientLimit="0")
    assert (await browser_login(limited)).status_code == 302
    (first,) = await poll(limited)
    limited.http.cookies.clear()
    limited.clock.advance(2)
    assert (await browser_login(limited)).status_code == 302
    logout, login_event = await poll(limited)
    assert (logout["type"], logout["userId"], logout["sessionId"]) == ("LOGOUT", first["userId"], first["sessionId"])
    assert login_event["type"] == "LOGIN" and login_event["sessionId"] != first["sessionId"]
    assert [s["id"] for s in await sessions(limited)] == [login_event["sessionId"]]


async def test_realm_session_count_exceeded_and_new_session_denied_browser_flow(limited: Env) -> None:
    """UserSessionLimitsTest#testRealmSessionCountExceededAndNewSessionDeniedBrowserFlow."""
    await configure(limited, BROWSER, userRealmLimit="1", userClientLimit="0")
    assert (await browser_login(limited)).status_code == 302
    await poll(limited)
    limited.http.cookies.clear()
    page = await browser_login(limited)
    assert page.status_code == 403 and ERROR_TO_DISPLAY in page.text
    (error,) = await poll(limited)
    assert (error["type"], error.get("userId"), error["error"]) == ("LOGIN_ERROR", None, "generic_authentication_error")


async def test_client_session_count_exceeded_and_new_session_denied_direct_grant_flow(limited: Env) -> None:
    """UserSessionLimitsTest#testClientSessionCountExceededAndNewSessionDeniedDirectGrantFlow."""
    assert (await password_grant(limited)).status_code == 200
    refused = await password_grant(limited)
    assert refused.status_code == 403 and refused.json() == {"error": ERROR_TO_DISPLAY}
    assert len(await sessions(limited)) == 1


async def test_direct_grant_refusal_without_json_accept_is_the_error_page(limited: Env) -> None:
    """FreeMarkerLoginFormsProvider.createErrorPage for a request that asks for no JSON: the error page, 403."""
    assert (await password_grant(limited)).status_code == 200
    data = {"grant_type": "password", "client_id": APP, "client_secret": PASSWORD, "username": USER}
    refused = await limited.http.post("/realms/test/protocol/openid-connect/token", data={**data, "password": PASSWORD})
    assert refused.status_code == 403 and "text/html" in refused.headers["content-type"]
    assert ERROR_TO_DISPLAY in refused.text


async def test_realm_session_limit_exceeded_but_client_limit_not_exceeded_should_not_throw(limited: Env) -> None:
    """UserSessionLimitsTest#testRealmSessionLimitExceededButClientLimitNotExceededShouldNotThrow."""
    await configure(limited, DIRECT, behavior=TERMINATE, userRealmLimit="2", userClientLimit="3")
    for client_id in ("direct-grant-1", "direct-grant-1", "direct-grant-2"):
        assert (await password_grant(limited, client_id)).status_code == 200
        limited.clock.advance(2)
    assert len(await sessions(limited)) == 2
    assert await client_session_count(limited, "direct-grant-1") == 1
    assert await client_session_count(limited, "direct-grant-2") == 1


async def test_realm_and_client_session_count_exceeded_and_oldest_client_session_prioritized(limited: Env) -> None:
    """UserSessionLimitsTest#testRealmSessionCountAndClientSessionCountExceededAndOldestClientSessionShouldBe
    Prioritized."""
    await configure(limited, DIRECT, behavior=TERMINATE, userRealmLimit="2", userClientLimit="1")
    for client_id in ("direct-grant-1", "direct-grant-2"):
        assert (await password_grant(limited, client_id)).status_code == 200
        limited.clock.advance(2)
    assert len(await sessions(limited)) == 2
    assert (await password_grant(limited, "direct-grant-2")).status_code == 200
    assert len(await sessions(limited)) == 2
    assert await client_session_count(limited, "direct-grant-1") == 1
    assert await client_session_count(limited, "direct-grant-2") == 1


async def test_client_session_count_exceeded_and_oldest_session_removed_direct_grant_flow(limited: Env) -> None:
    """UserSessionLimitsTest#testClientSessionCountExceededAndOldestSessionRemovedDirectGrantFlow: the limit
    lowered below the sessions there are logs out all but room for one."""
    await configure(limited, DIRECT, behavior=TERMINATE, userClientLimit="2")
    for _ in range(2):
        assert (await password_grant(limited)).status_code == 200
        limited.clock.advance(2)
    assert len(await sessions(limited)) == 2
    await configure(limited, DIRECT, userClientLimit="1")
    assert (await password_grant(limited)).status_code == 200
    assert len(await sessions(limited)) == 1
    assert [e["type"] for e in await poll(limited)].count("LOGOUT") == 2


async def test_realm_session_count_exceeded_and_new_session_denied_direct_grant_flow(limited: Env) -> None:
    """UserSessionLimitsTest#testRealmSessionCountExceededAndNewSessionDeniedDirectGrantFlow."""
    await configure(limited, DIRECT, userRealmLimit="1", userClientLimit="0")
    assert (await password_grant(limited)).status_code == 200
    refused = await password_grant(limited, "direct-grant-1")
    assert refused.status_code == 403 and refused.json() == {"error": ERROR_TO_DISPLAY}


async def test_realm_session_count_exceeded_and_oldest_session_removed_direct_grant_flow(limited: Env) -> None:
    """UserSessionLimitsTest#testRealmSessionCountExceededAndOldestSessionRemovedDirectGrantFlow."""
    await configure(limited, DIRECT, behavior=TERMINATE, userRealmLimit="1", userClientLimit="0")
    assert (await password_grant(limited)).status_code == 200
    limited.clock.advance(2)
    assert (await password_grant(limited)).status_code == 200
    assert len(await sessions(limited)) == 1


async def test_offline_sessions_do_not_count(limited: Env) -> None:
    """getUserSessionsStream reads the online sessions: an offline token (whose grant drops its online session)
    leaves room for the next login."""
    data = {"grant_type": "password", "client_id": APP, "client_secret": PASSWORD, "username": USER}
    offline = await limited.http.post(
        "/realms/test/protocol/openid-connect/token", data={**data, "password": PASSWORD, "scope": "offline_access"}
    )
    assert offline.status_code == 200, offline.text
    assert (await password_grant(limited)).status_code == 200


async def test_sso_login(limited: Env) -> None:
    """UserSessionLimitsTest#testSSOLogin (issue 17374): the Cookie step before a sub-flow of the form and the
    limiter (realm limit 1, no client limit): the cookie's login is no new session, another browser's is refused
    with the default message."""
    alias = "browser-session-limits"
    body = {"alias": alias, "providerId": "basic-flow", "topLevel": True, "builtIn": False}
    await admin(limited, "POST", f"{AUTH}/flows", body, 201)
    try:
        await add(limited, alias, "auth-cookie", "ALTERNATIVE")
        await add_flow(limited, alias, f"{alias} forms", "ALTERNATIVE")
        await add(limited, f"{alias} forms", "auth-username-password-form", REQ)
        await add(limited, f"{alias} forms", LIMITER, REQ, {"behavior": DENY, "userRealmLimit": "1"})
        await bind(limited, "browserFlow", alias)
        assert (await browser_login(limited)).status_code == 302
        (first,) = await poll(limited)
        again = await open_login(limited)
        assert again.status_code == 302
        (second,) = await poll(limited)
        assert (second["type"], second["sessionId"], second["clientId"]) == ("LOGIN", first["sessionId"], APP)
        assert len(await sessions(limited)) == 1
        limited.http.cookies.clear()
        page = await browser_login(limited)
        assert page.status_code == 403 and "There are too many sessions" in page.text
        assert [(e["type"], e["error"]) for e in await poll(limited)] == [
            ("LOGIN_ERROR", "generic_authentication_error")
        ]
    finally:
        await bind(limited, "browserFlow", BROWSER)
        flows = (await admin(limited, "GET", f"{AUTH}/flows", status=200)).json()
        (flow,) = [f for f in flows if f["alias"] == alias]
        await admin(limited, "DELETE", f"{AUTH}/flows/{flow['id']}", status=204)


async def test_a_limit_that_is_no_number_ends_the_login_as_an_error(limited: Env) -> None:
    """getIntConfigProperty's Integer.parseInt on a value that is no number: Keycloak's login fails (a 500 there);
    Doorkeep answers the unexpected-error page and issues no session, never a 500."""
    await configure(limited, BROWSER, userClientLimit="many")
    page = await browser_login(limited)
    assert page.status_code == 400 and not await sessions(limited)
    assert is_login_page(await open_login(limited))


async def test_a_configured_message_is_shown_as_text_never_as_markup(limited: Env) -> None:
    """The hostile variant: an admin's errorMessage with markup is escaped on the error page (and is JSON text in
    the direct grant's answer)."""
    message = '<script>alert("x")</script>'
    await configure(limited, BROWSER, errorMessage=message)
    await configure(limited, DIRECT, errorMessage=message)
    assert (await browser_login(limited)).status_code == 302
    limited.http.cookies.clear()
    page = await browser_login(limited)
    assert page.status_code == 403 and message not in page.text and "&lt;script&gt;" in page.text
    refused = await password_grant(limited)
    assert refused.status_code == 403 and refused.json() == {"error": message}
