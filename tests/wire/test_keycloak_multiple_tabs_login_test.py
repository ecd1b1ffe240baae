"""Keycloak 26's MultipleTabsLoginTest (testsuite/integration-arquillian/tests/base/.../forms/MultipleTabsLoginTest.java)
over HTTP: one cookie jar is the browser, each tab the page it last got. A browser keeps one root authentication
session (the ``AUTH_SESSION_ID`` cookie) with one authentication session per tab (``tab_id`` in every
login-actions URL), so logins in two tabs, of one client or two, each finish with their own request; a tab whose
login expired after another tab logged in is sent back to its client with ``temporarily_unavailable`` /
``authentication_expired``; a tab's spent page gets "Page has expired" or "Action expired". ``setTimeOffset`` is
the fake clock; ``driver.navigate().refresh()`` of a login-actions page is a GET of the URL Keycloak puts in the
browser's history (the form's action without its ``session_code``, BrowserHistoryHelper), of an authorization
page the authorization request again. The realm is LoginTest's (``tests/sso_port.py``), imported anew for each
test, ``login-test`` with the UPDATE_PROFILE and UPDATE_PASSWORD required actions as the Java ``setup``.

Left out, with the reason:

- testRestartFailureWithDifferentClientAfterAuthSessionExpiration, in part: a tab whose login expired restarts
  from the one KC_RESTART cookie, which holds the request of the tab opened last, so another client's tab is
  refused with ``invalid_code``. Keycloak's test expects a second LOGIN_ERROR, ``cookie_not_found``, after that
  one; the form's POST records only ``invalid_code`` in Doorkeep, and which further request of Keycloak's browser
  records the second was not pinned down, so the port checks the first.

testLogoutDifferentBrowserWithAuthenticationSessionStillPresent: a login's user session takes the root
authentication session's id; once the online session is logged out, an offline session of that id is left, and
another user's login in a tab of that root gets a session of its own, not the offline one.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

import sso_port
import tabs_port
from browser_flow import REDIRECT, followed, form_action, start, submit
from keycloak_port import admin_headers, get, poll, post, update_client, user_id
from login_test_realm import APP, LOGIN_TIMEOUT, error, error_page_text, is_login_page
from login_test_realm import set_time_offset as set_offset
from sso_port import logout_form, token
from tabs_port import (
    PASSWORD,
    PROFILE,
    USER,
    is_register_page,
    is_update_password_page,
    is_update_profile_page,
    link,
    registration_link,
)
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env, kc = tabs_port.anyio_backend, tabs_port.shared_env, tabs_port.env, tabs_port.kc
# testLogoutDifferentBrowserWithAuthenticationSessionStillPresent's test-user@localhost and
# non-duplicate-email-user: two users without required actions
USER2, USER3 = "test-user@localhost", "login-test2"
OFFLINE = "openid offline_access"
EXPIRED_ACTION = "Action expired. Please continue with login now."  # Messages.EXPIRED_ACTION
INVALID_CODE = "An error occurred, please login again through your application."  # Messages.INVALID_CODE
SUFFIX1, SUFFIX2 = "http://127.0.0.1:9999/auth/suffix1", "http://127.0.0.1:9999/auth/suffix2"
ROOT_URL_REDIRECT = "http://127.0.0.1:9999/foo/bar/baz"  # root-url-client's /foo/bar/* under its root URL


@pytest.fixture
def tabs_realm() -> dict[str, Any]:
    return tabs_port.required_actions_realm()


# --- pages ----------------------------------------------------------------------------------------------


def action_url(page: httpx.Response) -> str:
    """``ActionURIUtils.getActionURIFromPageSource``: the form's action."""
    return form_action(page.text)


def without(url: str, name: str) -> str:
    """``ActionURIUtils.removeQueryParamFromURI``."""
    parts = urlsplit(url)
    query = [(k, v) for k, values in parse_qs(parts.query).items() for v in values if k != name]
    return parts._replace(query=urlencode(query)).geturl()


def history_url(page: httpx.Response) -> str:
    """The page's URL as the browser's history has it: its form's action without the session code."""
    return without(action_url(page), "session_code")


def is_login_expired_page(page: httpx.Response) -> bool:
    """``loginExpiredPage.assertCurrent()``: login-page-expired.ftl."""
    return page.status_code == 200 and "Page has expired" in page.text and 'id="loginContinueLink"' in page.text


def claims(jwt: str) -> dict[str, Any]:
    """``oauth.parseRefreshToken`` / ``verifyToken``: the token's payload."""
    payload = jwt.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def app_page(response: httpx.Response, redirect: str = REDIRECT) -> dict[str, str]:
    """``appPage.assertCurrent()``: the redirect back to the client at ``redirect``; its parameters."""
    assert response.status_code == 302, (response.status_code, response.text[:1500])
    assert response.headers["location"].startswith(redirect), response.headers["location"]
    return dict(httpx.URL(response.headers["location"]).params)


async def login(kc: Env, page: httpx.Response, password: str = "password") -> httpx.Response:
    """``loginPage.login("login-test", password)``."""
    assert is_login_page(page), page.text[:1500]
    return await submit(kc.http, page, username=USER, password=password)


async def finish_required_actions(kc: Env, update_password: httpx.Response) -> httpx.Response:
    """``updatePasswordPage.changePassword`` then ``updateProfilePage...submit()``: the answer of the last."""
    assert is_update_password_page(update_password), update_password.text[:1500]
    profile = await submit(kc.http, update_password, **PASSWORD)
    assert is_update_profile_page(profile), profile.text[:1500]
    return await submit(kc.http, profile, **PROFILE)


async def login_success_and_do_required_actions(
    kc: Env, page: httpx.Response, redirect: str = REDIRECT
) -> dict[str, str]:
    """``loginSuccessAndDoRequiredActions``: the login, both required actions, the app page; its parameters."""
    return app_page(await finish_required_actions(kc, await login(kc, page)), redirect)


async def assert_already_logged_in(kc: Env, response: httpx.Response, event_type: str) -> None:
    """``assertOnAppPageWithAlreadyLoggedInError``: the app gets ``temporarily_unavailable`` /
    ``authentication_expired``, the event says ``already_logged_in`` and that the client was redirected to."""
    params = app_page(response)
    assert params["error"] == "temporarily_unavailable" and params["error_description"] == "authentication_expired"
    events = [e for e in await poll(kc) if e.get("error")]
    assert len(events) == 1, events
    event = events[0]
    assert event["type"] == f"{event_type}_ERROR" and event["error"] == "already_logged_in", event
    assert event.get("userId") is None and event["clientId"] == APP, event
    expected = {"redirect_uri": REDIRECT, "redirected_to_client": "true", "response_type": "code"}
    assert {k: event["details"].get(k) for k in expected} == expected, event
    assert event["details"]["response_mode"] == "query", event


async def multiple_tabs_parallel_login(kc: Env) -> httpx.Response:
    """``multipleTabsParallelLogin``: the login form in two tabs, both expire, tab 2 restarts and logs in; tab 1's
    login form."""
    tab1 = await start(kc.http, "test", APP)
    tab2 = await start(kc.http, "test", APP)
    assert is_login_page(tab1) and is_login_page(tab2)
    set_offset(kc, 7200)
    restarted = await followed(kc.http, await login(kc, tab2))
    assert is_login_page(restarted) and error(restarted) == LOGIN_TIMEOUT
    await poll(kc)  # events.clear()
    await login_success_and_do_required_actions(kc, restarted)
    return tab1


# --- MultipleTabsLoginTest --------------------------------------------------------------------------------


async def test_multiple_tabs_parallel_login_test(kc: Env) -> None:
    tab1 = await login(kc, await start(kc.http, "test", APP))
    assert is_update_password_page(tab1)
    tab2 = await start(kc.http, "test", APP)  # the login page again in a new tab
    await login_success_and_do_required_actions(kc, tab2)
    # back in tab 1, a refresh: logged in automatically, its required actions done in tab 2
    assert "code" in app_page(await kc.http.get(history_url(tab1)))


async def test_multiple_tabs_parallel_login_test_with_auth_session_expired_in_the_middle(kc: Env) -> None:
    tab1 = await multiple_tabs_parallel_login(kc)
    await assert_already_logged_in(kc, await login(kc, tab1), "LOGIN")


async def test_multiple_tabs_parallel_login_test_with_auth_session_expired_and_register_click(kc: Env) -> None:
    tab1 = await multiple_tabs_parallel_login(kc)
    await assert_already_logged_in(kc, await kc.http.get(registration_link(tab1)), "REGISTER")


async def test_multiple_tabs_parallel_login_test_with_auth_session_expired_and_reset_password_click(kc: Env) -> None:
    tab1 = await multiple_tabs_parallel_login(kc)
    await assert_already_logged_in(kc, await kc.http.get(link(tab1, "kc-forgot-password")), "RESET_PASSWORD")


async def test_multiple_tabs_parallel_login_test_with_auth_session_expired_and_required_action(kc: Env) -> None:
    tab1 = await login(kc, await start(kc.http, "test", APP))
    assert is_update_password_page(tab1)
    tab2 = await start(kc.http, "test", APP)
    set_offset(kc, 7200)
    restarted = await followed(kc.http, await login(kc, tab2))
    assert error(restarted) == LOGIN_TIMEOUT
    await login_success_and_do_required_actions(kc, restarted)
    await poll(kc)
    changed = await submit(kc.http, tab1, **PASSWORD)
    await assert_already_logged_in(kc, changed, "CUSTOM_REQUIRED_ACTION")


async def test_multiple_tabs_parallel_login_test_with_auth_session_expired_and_refresh_in_tab1(kc: Env) -> None:
    tab1 = await login(kc, await start(kc.http, "test", APP), "bad-password")
    assert is_login_page(tab1)
    tab2 = await start(kc.http, "test", APP)
    set_offset(kc, 7200)
    restarted = await followed(kc.http, await login(kc, tab2))
    assert error(restarted) == LOGIN_TIMEOUT
    await login_success_and_do_required_actions(kc, restarted)
    await poll(kc)
    await assert_already_logged_in(kc, await kc.http.get(history_url(tab1)), "LOGIN")


async def test_with_auth_session_expired_in_the_middle_bad_redirect_uri(kc: Env) -> None:
    failed = await submit(kc.http, await start(kc.http, "test", APP), username="invalid", password="invalid")
    assert is_login_page(failed)
    login_url = history_url(failed)  # a login-actions URL, naming its tab
    assert "tab_id=" in login_url
    again = await start(kc.http, "test", APP)
    set_offset(kc, 7200)
    restarted = await followed(kc.http, await login(kc, again))
    assert is_login_page(restarted) and error(restarted) == LOGIN_TIMEOUT
    await login_success_and_do_required_actions(kc, restarted)
    await update_client(kc, APP, redirectUris=["https://foo"])
    await poll(kc)
    refused = await kc.http.get(login_url)
    assert refused.status_code == 400 and error_page_text(refused) == "Invalid parameter: redirect_uri"
    [event] = await poll(kc)
    assert event["type"] == "LOGIN_ERROR" and event["error"] == "invalid_redirect_uri", event
    assert event.get("userId") is None and event.get("sessionId") is None, event
    assert event["details"]["response_type"] == "code" and event["details"]["response_mode"] == "query", event


async def test_login_after_logout_from_different_tab(kc: Env) -> None:
    code = (await login_success_and_do_required_actions(kc, await start(kc.http, "test", APP)))["code"]
    tokens = await token(kc.http, code)
    # seamless login in the second tab, the user already authenticated
    assert "code" in app_page(await start(kc.http, "test", APP))
    await poll(kc)
    logged_out = await logout_form(kc.http, tokens["id_token"])  # logout in the second tab
    assert logged_out.status_code == 302
    assert [e["type"] for e in await poll(kc)] == ["LOGOUT"]
    assert "code" in app_page(await login(kc, await start(kc.http, "test", APP)))  # re-login in the second tab
    assert "code" in app_page(await start(kc.http, "test", APP))  # seamless authentication in the first tab


async def test_multiple_tabs_login_and_passive_check(kc: Env) -> None:
    tab1 = await start(kc.http, "test", APP)
    assert is_login_page(tab1)
    passive = await start(kc.http, "test", APP, response_type="none", prompt="none")
    assert "error=login_required" in urlsplit(passive.headers["location"]).query
    assert is_update_password_page(await login(kc, tab1))  # the login goes on in the first tab


async def test_expired_authentication_action_current_code_expired_execution(kc: Env) -> None:
    page = await start(kc.http, "test", APP)
    action_url1 = action_url(page)
    register = await kc.http.get(registration_link(page))  # "register" clicked in tab 2
    assert is_register_page(register)
    expired = await kc.http.get(action_url1)  # tab 1's login form, its code spent
    assert is_login_expired_page(expired)
    register = await kc.http.get(link(expired, "loginContinueLink"))
    assert is_register_page(register)
    back = register.text.split('<div id="kc-form-options"><a href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    await login_success_and_do_required_actions(kc, await kc.http.get(back))  # "Back to login", then the login


async def test_expired_authentication_action_expired_code_current_execution(kc: Env) -> None:
    page = await start(kc.http, "test", APP)
    action_url1 = action_url(page)
    failed = await submit(kc.http, page, username="invalid", password="invalid")
    assert is_login_page(failed) and error(failed) == "Invalid username or password."
    again = await kc.http.get(action_url1)
    assert again.status_code == 302  # the tab's login page, by its URL
    page = await kc.http.get(again.headers["location"])
    assert is_login_page(page) and error(page) == EXPIRED_ACTION
    await login_success_and_do_required_actions(kc, page)


async def test_expired_authentication_action_expired_code_expired_execution(kc: Env) -> None:
    page = await start(kc.http, "test", APP)
    action_url1 = action_url(page)
    update = await login(kc, page)
    assert is_update_password_page(update)
    expired = await kc.http.get(action_url1)
    assert is_login_expired_page(expired)
    update = await kc.http.get(link(expired, "loginContinueLink"))
    app_page(await finish_required_actions(kc, update))


async def test_login_action_without_execution(kc: Env) -> None:
    page = await start(kc.http, "test", APP)
    assert is_login_expired_page(await kc.http.get(without(action_url(page), "execution")))


async def test_login_action_without_execution_in_required_actions(kc: Env) -> None:
    update = await login(kc, await start(kc.http, "test", APP))
    assert is_update_password_page(update)
    again = await kc.http.get(without(action_url(update), "execution"))
    app_page(await finish_required_actions(kc, again))  # back on the update-password page


async def test_login_with_different_clients(kc: Env) -> None:
    tab1 = await login(kc, await start(kc.http, "test", APP), "bad-password")
    tab1_url = history_url(tab1)
    tab2 = await start(kc.http, "test", "root-url-client", redirect_uri=ROOT_URL_REDIRECT)
    assert is_login_page(tab2)
    await login_success_and_do_required_actions(kc, await kc.http.get(tab1_url))  # back to tab 1, finished there
    # tab 2 again (its URL, the authorization request): on the root-url-client's page
    app_page(await start(kc.http, "test", "root-url-client", redirect_uri=ROOT_URL_REDIRECT), ROOT_URL_REDIRECT)


async def test_login_with_same_client_different_states_login_in_tab1(kc: Env) -> None:
    tab1 = await login(kc, await start(kc.http, "test", APP, redirect_uri=SUFFIX1, state="state1"), "bad-password")
    tab1_url = history_url(tab1)
    tab2 = await start(kc.http, "test", APP, redirect_uri=SUFFIX2, state="state2")
    assert is_login_page(tab2)
    params = await login_success_and_do_required_actions(kc, await kc.http.get(tab1_url), SUFFIX1)
    assert params["state"] == "state1"


async def test_login_with_same_client_different_states_login_in_tab2(kc: Env) -> None:
    tab1 = await login(kc, await start(kc.http, "test", APP, redirect_uri=SUFFIX1, state="state1"), "bad-password")
    assert is_login_page(tab1)
    tab2 = await start(kc.http, "test", APP, redirect_uri=SUFFIX2, state="state2")
    params = await login_success_and_do_required_actions(kc, tab2, SUFFIX2)
    assert params["state"] == "state2"


async def test_empty_base_url(kc: Env) -> None:
    client = {"clientId": "empty-baseurl-client", "enabled": True, "baseUrl": "", "redirectUris": ["*"]}
    created = await kc.http.post(
        "/admin/realms/test/clients", json={**client, "secret": "password"}, headers=await admin_headers(kc)
    )
    assert created.status_code == 201, created.text
    tab1 = await login(kc, await start(kc.http, "test", "empty-baseurl-client"))
    assert is_update_password_page(tab1)
    tab2 = await start(kc.http, "test", "empty-baseurl-client")
    await login_success_and_do_required_actions(kc, tab2)
    assert "code" in app_page(await kc.http.get(history_url(tab1)))  # tab 1 refreshed: logged in


async def test_login_page_refresh(kc: Env) -> None:
    tab1 = await start(kc.http, "test", APP)
    assert is_login_page(tab1)
    kc.http.cookies.delete("AUTH_SESSION_ID")  # to be made anew in tab 2
    tab2 = await start(kc.http, "test", APP)
    assert is_login_page(tab2)
    tab1 = await start(kc.http, "test", APP)  # tab 1 refreshed: its authorization request again
    await login_success_and_do_required_actions(kc, tab1)
    assert "code" in app_page(await login(kc, tab2))


async def test_redirect_to_correct_url_after_auth_session_expiration(kc: Env) -> None:
    tab1 = await start(kc.http, "test", APP, redirect_uri=SUFFIX1)
    tab2 = await start(kc.http, "test", APP, redirect_uri=SUFFIX2)
    assert is_login_page(tab1) and is_login_page(tab2)
    set_offset(kc, 7200)
    restarted = await followed(kc.http, await login(kc, tab1))  # tab 2 closed, the login tried in tab 1
    assert is_login_page(restarted) and error(restarted) == LOGIN_TIMEOUT
    await login_success_and_do_required_actions(kc, restarted, SUFFIX1)


async def test_restart_failure_with_different_client_after_auth_session_expiration(kc: Env) -> None:
    tab1 = await start(kc.http, "test", APP, redirect_uri=SUFFIX1)
    tab2 = await start(kc.http, "test", "root-url-client", redirect_uri=ROOT_URL_REDIRECT)
    assert is_login_page(tab1) and is_login_page(tab2)
    await poll(kc)
    set_offset(kc, 7200)
    refused = await login(kc, tab1)  # KC_RESTART holds tab 2's request: root-url-client's, not tab 1's client
    assert refused.status_code == 400 and error_page_text(refused) == INVALID_CODE, refused.text[:1500]
    set_offset(kc, 0)
    found = await poll(kc)
    assert [(e["type"], e.get("error"), e.get("userId")) for e in found] == [("LOGIN_ERROR", "invalid_code", None)]


async def test_inject_redirect_uri_in_client_data_after_auth_session_expiration(kc: Env) -> None:
    tab1 = await start(kc.http, "test", APP, redirect_uri=SUFFIX1)
    wrong = await submit(kc.http, tab1, username="wrong", password="wrong")  # the page now names client_data
    assert is_login_page(wrong)
    tab2 = await start(kc.http, "test", APP, redirect_uri=SUFFIX2)
    assert is_login_page(tab2)
    set_offset(kc, 7200)
    url = history_url(wrong)  # tab 1, its client_data's redirect URI replaced by one the client does not allow
    data = json.loads(base64.urlsafe_b64decode(httpx.URL(url).params["client_data"] + "=="))
    injected = {**data, "ru": "http://127.0.0.1:9998/auth/authFake/suffix1"}
    encoded = base64.urlsafe_b64encode(json.dumps(injected).encode()).decode().rstrip("=")
    restarted = await followed(kc.http, await kc.http.get(without(url, "client_data") + "&client_data=" + encoded))
    assert is_login_page(restarted) and error(restarted) == LOGIN_TIMEOUT, restarted.text[:1500]
    await login_success_and_do_required_actions(kc, restarted, SUFFIX2)  # the injected URI is ignored


async def test_logout_different_browser_with_authentication_session_still_present(kc: Env) -> None:
    role = await get(kc, "/roles/offline_access")  # testrealm.json's users have it
    for username in (USER2, USER3):
        await post(kc, f"/users/{await user_id(kc, username)}/role-mappings/realm", [role])
    tab1 = await start(kc.http, "test", APP)
    assert is_login_page(tab1)
    account = "http://localhost/realms/test/account"  # AUTH_SERVER_ROOT as the app is reached
    challenge = base64.urlsafe_b64encode(hashlib.sha256(b"v" * 43).digest()).rstrip(b"=").decode()
    tab2 = await start(
        kc.http, "test", "account-console", redirect_uri=account, code_challenge=challenge, code_challenge_method="S256"
    )
    assert is_login_page(tab2)  # closed, its authentication session kept
    online = await token(kc.http, app_page(await submit(kc.http, tab1, username=USER2, password="password"))["code"])
    online_sid = claims(online["refresh_token"])["sid"]
    assert claims(online["refresh_token"])["typ"] == "Refresh"
    assert claims(online["access_token"])["preferred_username"] == USER2
    # an offline request of the client: logged in by the SSO session
    offline = await token(kc.http, app_page(await start(kc.http, "test", APP, scope=OFFLINE))["code"])
    assert claims(offline["refresh_token"])["typ"] == "Offline"
    assert claims(offline["refresh_token"])["sid"] == online_sid
    # the online session logged out from another browser (no cookies)
    async with sso_port.browser(kc) as other:
        logged_out = await other.post(
            "/realms/test/protocol/openid-connect/logout", data={"id_token_hint": online["id_token"]}
        )
        assert logged_out.status_code == 200, logged_out.text[:1500]
    # another user's offline login in this browser: not in the first user's session
    page = await start(kc.http, "test", APP, scope=OFFLINE)
    second = await token(kc.http, app_page(await submit(kc.http, page, username=USER3, password="password"))["code"])
    assert claims(second["refresh_token"])["typ"] == "Offline"
    assert claims(second["access_token"])["preferred_username"] == USER3
    assert claims(second["refresh_token"])["sid"] != online_sid
    refreshed = await kc.http.post(
        "/realms/test/protocol/openid-connect/token",
        data={"grant_type": "refresh_token", "refresh_token": second["refresh_token"]},
        auth=(APP, "password"),
    )
    assert refreshed.status_code == 200, refreshed.text
    assert claims(refreshed.json()["refresh_token"])["typ"] == "Offline"
    assert claims(refreshed.json()["access_token"])["preferred_username"] == USER3
