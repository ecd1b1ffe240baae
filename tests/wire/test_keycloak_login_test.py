"""Keycloak's LoginTest (testsuite/integration-arquillian/tests/base/.../forms/LoginTest.java) over HTTP: the
username/password form, its messages and kept fields, the LOGIN / LOGIN_ERROR events, remember-me, the login
timeouts and the cookies. The realm and the page helpers are in ``tests/login_test_realm.py``.
"""

from __future__ import annotations

import base64
import html
import json
import secrets
from collections.abc import AsyncIterator

import httpx
import pytest

from browser_flow import followed, form_action
from doorkeep import events
from keycloak_port import (
    forget,
    import_realm,
    one_event,
    poll,
    update_client,
    update_realm,
    update_user,
    user_id,
)
from login_test_realm import (
    ACCOUNT_DISABLED,
    APP_BASE,
    COOKIE_NOT_FOUND,
    INVALID_USER,
    LOGIN_TIMEOUT,
    auth_response,
    back_to_application,
    change_password,
    code_to_token,
    error,
    error_page_text,
    expect_login,
    expect_login_error,
    is_config_totp_page,
    is_login_page,
    login,
    mark_start,
    open_login_form,
    password_value,
    realm_rep,
    refresh,
    remember_me_checked,
    remember_me_present,
    remove_user_session,
    set_time_offset,
    username_value,
)
from wire_env import Env

pytestmark = pytest.mark.anyio

IDLE_TIMEOUT_WINDOW_SECONDS = 120  # SessionTimeoutHelper.IDLE_TIMEOUT_WINDOW_SECONDS

DEFAULT_HEADERS = {
    "X-Frame-Options": "SAMEORIGIN",
    "Content-Security-Policy": "frame-src 'self'; frame-ancestors 'self'; object-src 'none';",
    "X-Content-Type-Options": "nosniff",
    "X-Robots-Tag": "none",
    "Referrer-Policy": "no-referrer",
}


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    """LoginTest's realm, imported through the admin API, with no events pending."""
    await import_realm(env, realm_rep())
    await poll(env)
    mark_start(env)
    yield env
    forget(env)


async def test_browser_security_headers(kc: Env) -> None:
    """LoginTest.testBrowserSecurityHeaders: the login page carries Keycloak's default security headers."""
    page = await open_login_form(kc)
    assert page.status_code == 200
    for name, value in DEFAULT_HEADERS.items():
        assert page.headers.get(name) == value, name
    assert "Content-Security-Policy-Report-Only" not in page.headers  # its default is empty: not sent


async def test_post_authentication_request(kc: Env) -> None:
    """LoginTest.testPOSTAuthenticationRequest: the authorization request as a form POST shows the login page."""
    form = {"scope": "openid", "client_id": "test-app", "response_type": "code", "state": "123456"}
    form["redirect_uri"] = "http://127.0.0.1:9999/callback"
    page = await kc.http.post("/realms/test/protocol/openid-connect/auth", data=form)
    assert page.status_code == 200 and "Sign in" in page.text


async def test_login_with_long_redirect_uri(kc: Env) -> None:
    """LoginTest.loginWithLongRedirectUri: a 2500-character query survives into the LOGIN event."""
    long_uri = "http://127.0.0.1:9999/callback?longQueryParameterValue=" + secrets.token_hex(1250)
    page = await open_login_form(kc, redirect_uri=long_uri)
    assert is_login_page(page)
    auth_response(await login(kc, page, "login-test"))
    await expect_login(kc, "login-test", redirect_uri=long_uri)


async def test_an_event_keeps_at_most_max_detail_characters_of_a_detail(kc: Env) -> None:
    """Not in LoginTest: details are kept whole as Keycloak does, but each only up to events.MAX_DETAIL
    characters, so no caller can make the event store keep whatever it sends. No request parameter reaches that
    length any more (the authorization endpoint ignores one over 4000 characters, AuthzEndpointRequestParser), so
    the rule is checked where it lives: an event recorded with a longer detail reads back cut, over the admin API."""
    async with kc.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        long_detail = "a" * (events.MAX_DETAIL + 5000)
        await events.record(
            tx, realm, "LOGIN", now=kc.clock.now(), client_id="test-app", details={"redirect_uri": long_detail}
        )
    event = await one_event(kc)
    assert event["details"]["redirect_uri"] == long_detail[: events.MAX_DETAIL]


async def test_login_change_user_after_invalid_password(kc: Env) -> None:
    """LoginTest.loginChangeUserAfterInvalidPassword: a refused login-test2, then login-test on the same form."""
    page = await login(kc, await open_login_form(kc), "login-test2", "invalid")
    assert is_login_page(page)
    assert (username_value(page), password_value(page), error(page)) == ("login-test2", "", INVALID_USER)
    event = await expect_login_error(kc, "invalid_user_credentials", "login-test2", username="login-test2")
    assert "consent" not in event["details"]
    assert "code" in auth_response(await login(kc, page, "login-test"))
    await expect_login(kc, "login-test", username="login-test")


async def test_login_invalid_password(kc: Env) -> None:
    """LoginTest.loginInvalidPassword: the username is kept, the password emptied, the message shown."""
    page = await login(kc, await open_login_form(kc), "login-test", "invalid")
    assert is_login_page(page)
    assert (username_value(page), password_value(page), error(page)) == ("login-test", "", INVALID_USER)
    await expect_login_error(kc, "invalid_user_credentials", "login-test", username="login-test")


async def test_login_missing_password(kc: Env) -> None:
    """LoginTest.loginMissingPassword: an empty password is invalid_user_credentials for the named user."""
    page = await login(kc, await open_login_form(kc), "login-test", "")
    assert is_login_page(page)
    assert (username_value(page), password_value(page), error(page)) == ("login-test", "", INVALID_USER)
    await expect_login_error(kc, "invalid_user_credentials", "login-test", username="login-test")


async def test_login_invalid_password_disabled_user(kc: Env) -> None:
    """LoginTest.loginInvalidPasswordDisabledUser: a wrong password hides that the user is disabled."""
    await update_user(kc, "login-test", enabled=False)
    page = await login(kc, await open_login_form(kc), "login-test", "invalid")
    assert is_login_page(page)
    assert (username_value(page), password_value(page), error(page)) == ("login-test", "", INVALID_USER)
    await expect_login_error(kc, "invalid_user_credentials", "login-test", username="login-test")


async def test_login_disabled_user(kc: Env) -> None:
    """LoginTest.loginDisabledUser: the right password of a disabled user says the account is disabled."""
    await update_user(kc, "login-test", enabled=False)
    page = await login(kc, await open_login_form(kc), "login-test")
    assert is_login_page(page)
    assert (username_value(page), password_value(page), error(page)) == ("login-test", "", ACCOUNT_DISABLED)
    await expect_login_error(kc, "user_disabled", "login-test", username="login-test")


async def test_login_different_user_after_disabled_user_thrown_out(kc: Env) -> None:
    """LoginTest.loginDifferentUserAfterDisabledUserThrownOut: the SSO session of a user disabled since is
    no session; the login form is shown and another user logs in."""
    auth_response(await login(kc, await open_login_form(kc), "test-user@localhost"))
    await update_user(kc, "test-user@localhost", enabled=False)
    page = await open_login_form(kc)
    assert is_login_page(page)
    assert "code" in auth_response(await login(kc, page, "keycloak-user@localhost"))


async def test_login_invalid_username(kc: Env) -> None:
    """LoginTest.loginInvalidUsername: user_not_found with the typed name, then a good login on the form."""
    page = await login(kc, await open_login_form(kc), "invalid", "invalid")
    assert is_login_page(page)
    assert (username_value(page), password_value(page), error(page)) == ("invalid", "", INVALID_USER)
    await expect_login_error(kc, "user_not_found", None, username="invalid")
    assert "code" in auth_response(await login(kc, page, "login-test"))
    await expect_login(kc, "login-test", username="login-test")


async def test_login_missing_username(kc: Env) -> None:
    """LoginTest.loginMissingUsername: an empty username is user_not_found."""
    page = await login(kc, await open_login_form(kc), "", "")
    assert is_login_page(page) and error(page) == INVALID_USER
    await expect_login_error(kc, "user_not_found", None)


async def test_login_user_with_email_as_username(kc: Env) -> None:
    """LoginTest.loginUserWithEmailAsUsername: the email logs in, and the event names what was typed."""
    assert "code" in auth_response(await login(kc, await open_login_form(kc), "login@test.com"))
    await expect_login(kc, "login-test", username="login@test.com")


async def test_login_success(kc: Env) -> None:
    """LoginTest.loginSuccess."""
    assert "code" in auth_response(await login(kc, await open_login_form(kc), "login-test"))
    await expect_login(kc, "login-test", username="login-test")


async def test_login_with_whitespace_success(kc: Env) -> None:
    """LoginTest.loginWithWhitespaceSuccess: the typed username is trimmed, and so is the event's."""
    assert "code" in auth_response(await login(kc, await open_login_form(kc), " login-test \t "))
    await expect_login(kc, "login-test", username="login-test")


async def test_login_with_email_whitespace_success(kc: Env) -> None:
    """LoginTest.loginWithEmailWhitespaceSuccess."""
    assert "code" in auth_response(await login(kc, await open_login_form(kc), "    login@test.com    "))
    await expect_login(kc, "login-test")


async def test_login_login_hint(kc: Env) -> None:
    """LoginTest.loginLoginHint: login_hint prefills the username."""
    page = await open_login_form(kc, login_hint="login-test")
    assert username_value(page) == "login-test"
    assert "code" in auth_response(await login(kc, page, "login-test"))
    await expect_login(kc, "login-test", username="login-test")


async def test_login_with_email_success(kc: Env) -> None:
    """LoginTest.loginWithEmailSuccess."""
    assert "code" in auth_response(await login(kc, await open_login_form(kc), "login@test.com"))
    await expect_login(kc, "login-test")


async def test_login_with_force_password_change_policy(kc: Env) -> None:
    """LoginTest.loginWithForcePasswordChangePolicy: a password older than a day must be changed."""
    # AssertEvents sees every event; the store keeps UPDATE_CREDENTIAL only when the realm lists it.
    kept = ["LOGIN", "UPDATE_PASSWORD", "UPDATE_CREDENTIAL"]
    await update_realm(kc, passwordPolicy="forceExpiredPasswordChange(1)", enabledEventTypes=kept)
    set_time_offset(kc, 86405)
    page = await login(kc, await open_login_form(kc), "login-test")
    assert page.status_code == 200 and 'name="password-new"' in page.text, page.text[:800]
    done = await change_password(kc, page, "n3w-Passw0rd")
    uid = await user_id(kc, "login-test")
    found = await poll(kc)
    assert [e["type"] for e in found] == ["UPDATE_PASSWORD", "UPDATE_CREDENTIAL", "LOGIN"], found
    for event in found:
        assert event["userId"] == uid and event["details"]["username"] == "login-test", event
    for event in found[:2]:
        assert event["details"]["credential_type"] == "password", event
    assert "code" in auth_response(done)


async def test_login_without_force_password_change_policy(kc: Env) -> None:
    """LoginTest.loginWithoutForcePasswordChangePolicy: a password younger than a day is left alone."""
    await update_realm(kc, passwordPolicy="forceExpiredPasswordChange(1)")
    set_time_offset(kc, 86205)
    assert "code" in auth_response(await login(kc, await open_login_form(kc), "login-test"))
    await expect_login(kc, "login-test", username="login-test")


async def test_login_no_timeout_with_long_wait(kc: Env) -> None:
    """LoginTest.loginNoTimeoutWithLongWait: 1700 s on the form is within accessCodeLifespanLogin (1800 s)."""
    page = await open_login_form(kc)
    set_time_offset(kc, 1700)
    auth_response(await login(kc, page, "login-test"))
    await expect_login(kc, "login-test", username="login-test")


# --- remember me ------------------------------------------------------------------------------------------


async def remember_me_login(kc: Env, username: str) -> str:
    """The form with Remember me ticked: the code, and the LOGIN event with remember_me=true; its session id."""
    page = await open_login_form(kc)
    assert remember_me_present(page) and not remember_me_checked(page)
    assert "code" in auth_response(await login(kc, page, username, rememberMe="on"))
    event = await expect_login(kc, "login-test", username=username, remember_me="true")
    return str(event["sessionId"])


async def test_login_with_remember_me(kc: Env) -> None:
    """LoginTest.loginWithRememberMe: once the session is gone, the form comes back ticked and prefilled."""
    await update_realm(kc, rememberMe=True)
    await remove_user_session(kc, await remember_me_login(kc, "login-test"))
    page = await open_login_form(kc)
    assert is_login_page(page) and remember_me_checked(page)
    assert username_value(page) == "login-test"


async def test_login_with_remember_me_not_set(kc: Env) -> None:
    """LoginTest.loginWithRememberMeNotSet: a forged rememberMe field is ignored while the realm has it off."""
    page = await open_login_form(kc)
    assert not remember_me_present(page)
    assert "code" in auth_response(await login(kc, page, "login-test", rememberMe="on"))
    event = await expect_login(kc, "login-test", username="login-test")
    assert "remember_me" not in event["details"]


async def test_login_again_without_remember_me(kc: Env) -> None:
    """LoginTest.loginAgainWithoutRememberMe: a later login with the box cleared forgets the username."""
    await update_realm(kc, rememberMe=True)
    await remove_user_session(kc, await remember_me_login(kc, "login-test"))
    page = await open_login_form(kc)
    assert remember_me_checked(page) and username_value(page) == "login-test"
    assert "code" in auth_response(await login(kc, page, "login-test"))  # the box cleared: no rememberMe field
    event = await expect_login(kc, "login-test", username="login-test")
    assert "remember_me" not in event["details"]
    await remove_user_session(kc, event["sessionId"])
    page = await open_login_form(kc)
    assert is_login_page(page) and not remember_me_checked(page)
    assert username_value(page) != "login-test"


async def test_login_with_email_user_and_remember_me(kc: Env) -> None:
    """LoginTest.loginWithEmailUserAndRememberMe: the e-mail typed is what the form is prefilled with."""
    await update_realm(kc, rememberMe=True)
    await remove_user_session(kc, await remember_me_login(kc, "login@test.com"))
    page = await open_login_form(kc)
    assert remember_me_checked(page) and username_value(page) == "login@test.com"


async def test_login_after_disabling_remember_me_in_realm_settings(kc: Env) -> None:
    """LoginTest.testLoginAfterDisablingRememberMeInRealmSettings: the remember-me session ends with the
    realm's Remember me: its refresh token is "Session not active" and the form has no box, no name."""
    await update_realm(kc, rememberMe=True)
    page = await open_login_form(kc)
    code = auth_response(await login(kc, page, "login@test.com", rememberMe="on"))["code"]
    await expect_login(kc, "login-test", username="login@test.com", remember_me="true")
    tokens = await code_to_token(kc, code)
    assert tokens.status_code == 200, tokens.text
    await update_realm(kc, rememberMe=False)
    refreshed = await refresh(kc, tokens.json()["refresh_token"])
    body = refreshed.json()
    assert "access_token" not in body and body["error"] == "invalid_grant", body
    assert body["error_description"] == "Session not active"
    page = await open_login_form(kc)
    assert is_login_page(page) and not remember_me_present(page)
    assert username_value(page) != "login-test"


# --- login timeouts and cookies -----------------------------------------------------------------------------


async def test_login_expired_code(kc: Env) -> None:
    """LoginTest.loginExpiredCode: a form older than accessCodeLifespanLogin starts the login again."""
    page = await open_login_form(kc)
    set_time_offset(kc, 5000)
    again = await followed(kc.http, await login(kc, page, "login@test.com"))
    assert is_login_page(again) and error(again) == LOGIN_TIMEOUT
    set_time_offset(kc, 0)
    event = await expect_login_error(kc, "expired_code", None)
    assert event["clientId"] == "test-app"


async def test_login_expired_code_with_explicit_remove_expired(kc: Env) -> None:
    """LoginTest.loginExpiredCodeWithExplicitRemoveExpired: the restart is noted in the LOGIN_ERROR."""
    page = await open_login_form(kc)
    set_time_offset(kc, 5000)
    again = await followed(kc.http, await login(kc, page, "login@test.com"))
    assert is_login_page(again) and error(again) == LOGIN_TIMEOUT
    set_time_offset(kc, 0)
    await expect_login_error(kc, "expired_code", None, restart_after_timeout="true")


async def test_login_after_expired_timeout(kc: Env) -> None:
    """LoginTest.loginAfterExpiredTimeout: past ssoSessionMaxLifespan the next login is a fresh one."""
    await update_realm(kc, ssoSessionMaxLifespan=5)
    auth_response(await login(kc, await open_login_form(kc), "login@test.com"))
    first = await expect_login(kc, "login-test")
    set_time_offset(kc, 6)
    page = await open_login_form(kc)
    assert is_login_page(page)
    auth_response(await login(kc, page, "login@test.com"))
    assert (await expect_login(kc, "login-test"))["sessionId"] != first["sessionId"]


async def test_login_expired_code_and_expired_cookies(kc: Env) -> None:
    """LoginTest.loginExpiredCodeAndExpiredCookies: with every cookie gone (KC_RESTART too) the form's post is
    an error page, whose "Back to Application" leads to the client's base URL."""
    page = await open_login_form(kc)
    kc.http.cookies.clear()
    refused = await login(kc, page, "login@test.com")
    assert refused.status_code == 400 and error_page_text(refused) == COOKIE_NOT_FOUND
    # Keycloak's form action carries client_id, which names the client for the link; Doorkeep's does not, so
    # the link is there only when the query names the client (LoginTest itself asserts no more than the page).
    named = await kc.http.post(
        "/realms/test/login-actions/authenticate", params={"client_id": "test-app"}, data={"username": "x"}
    )
    assert error_page_text(named) == COOKIE_NOT_FOUND and back_to_application(named) == APP_BASE
    # the account client's root URL is ${authBaseUrl}: the link is the server's URL, the placeholder resolved
    account = await kc.http.post(
        "/realms/test/login-actions/authenticate", params={"client_id": "account"}, data={"username": "x"}
    )
    assert back_to_application(account) == f"{str(kc.http.base_url).rstrip('/')}/realms/test/account/"


async def test_login_with_disabled_cookies(kc: Env) -> None:
    """LoginTest.loginWithDisabledCookies: the post without cookies is a LOGIN_ERROR cookie_not_found."""
    page = await open_login_form(kc)
    kc.http.cookies.clear()
    refused = await login(kc, page, "login@test.com")
    assert error_page_text(refused) == COOKIE_NOT_FOUND
    event = await one_event(kc)
    assert (event["type"], event["error"], event.get("userId")) == ("LOGIN_ERROR", "cookie_not_found", None)


async def test_login_with_client_disabled_in_active_authentication_session(kc: Env) -> None:
    """LoginTest.loginWithClientDisabledInActiveAuthenticationSession: "Login requester not enabled"."""
    page = await open_login_form(kc)
    assert is_login_page(page)
    await update_client(kc, "test-app", enabled=False)
    refused = await login(kc, page, "test-user@localhost")
    assert error_page_text(refused) == "Login requester not enabled"
    event = await expect_login_error(kc, "client_disabled", None)
    assert event["clientId"] == "test-app"


async def test_open_login_form_with_different_application(kc: Env) -> None:
    """LoginTest.openLoginFormWithDifferentApplication: a second client's request takes over the browser's
    login; its form logs in to that client."""
    first = await open_login_form(kc, "root-url-client", redirect_uri="http://127.0.0.1:9999/foo/bar/")
    assert is_login_page(first)
    page = await open_login_form(kc)
    assert is_login_page(page)
    assert "code" in auth_response(await login(kc, page, "test-user@localhost"))
    await expect_login(kc, "test-user@localhost", username="test-user@localhost")


async def test_open_login_form_after_expired_code(kc: Env) -> None:
    """LoginTest.openLoginFormAfterExpiredCode: a new request after the old form expired shows no error."""
    await open_login_form(kc)
    set_time_offset(kc, 5000)
    page = await open_login_form(kc)
    assert is_login_page(page) and error(page) is None
    assert "code" in auth_response(await login(kc, page, "test-user@localhost"))
    await expect_login(kc, "test-user@localhost", username="test-user@localhost")


def tab_of(page: httpx.Response) -> str:
    """The ``tab_id`` of the login form's action: the tab's authentication session."""
    return httpx.URL(html.unescape(form_action(page.text))).params["tab_id"]


def root_of(kc: Env) -> str:
    """The root authentication session the AUTH_SESSION_ID cookie names (its value is ``base64url(id.signature)``)."""
    value = kc.http.cookies.get("AUTH_SESSION_ID")
    assert value, kc.http.cookies
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode().split(".")[0]


async def live_tabs(kc: Env, root: str, *tabs: str) -> list[str]:
    """Those of ``tabs`` whose authentication session is still live in the root ``root`` at the fake clock's time
    (Keycloak's testing getAuthenticationSessionTabsCount)."""
    now, live = kc.clock.now(), []
    async with kc.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        for tab in tabs:
            found = await tx.flows.get_auth_session(tab)
            if found is not None and found.root == root and found.expires > now:
                live.append(tab)
        assert bool(live) == await tx.flows.root_alive(realm.id, root, now)
    return live


async def test_authentication_session_expires_early_after_authentication(kc: Env) -> None:
    """LoginTest.testAuthenticationSessionExpiresEarlyAfterAuthentication: a login that signs in leaves the
    browser's other tab to the SSO session for accessCodeLifespan (60 s) only, not the root's whole lifespan
    (AuthenticationSessionManager.updateAuthenticationSessionAfterSuccessfulAuthentication)."""
    first = await open_login_form(kc)
    page = await open_login_form(kc)  # the page refreshed: a second tab of the same root
    root, tabs = root_of(kc), (tab_of(first), tab_of(page))
    assert tabs[0] != tabs[1] and await live_tabs(kc, root, *tabs) == list(tabs)
    assert "code" in auth_response(await login(kc, page, "test-user@localhost"))
    assert await live_tabs(kc, root, *tabs) == [tabs[0]]
    set_time_offset(kc, 59)
    assert await live_tabs(kc, root, *tabs) == [tabs[0]]
    set_time_offset(kc, 300)
    assert await live_tabs(kc, root, *tabs) == []


async def test_other_tabs_go_at_once_when_both_sso_timeouts_are_shorter_than_an_authentication_session(
    kc: Env,
) -> None:
    """Not in LoginTest: with SSO Session Idle and Max both under the root's lifespan (the longest code lifespan,
    1800 s here), the root goes whole with the signing-in tab, KC_RESTART with it
    (updateAuthenticationSessionAfterSuccessfulAuthentication's removeAuthenticationSession)."""
    await update_realm(kc, ssoSessionIdleTimeout=600, ssoSessionMaxLifespan=1200)
    first = await open_login_form(kc)
    page = await open_login_form(kc)
    root, tabs = root_of(kc), (tab_of(first), tab_of(page))
    done = await login(kc, page, "test-user@localhost")
    assert "code" in auth_response(done)
    assert await live_tabs(kc, root, *tabs) == []
    assert 'KC_RESTART=""' in done.headers.get("set-cookie", ""), done.headers.get_list("set-cookie")


async def test_auth_session_id_cookie_format(kc: Env) -> None:
    """LoginTest.testAuthSessionIdCookieFormat: AUTH_SESSION_ID is base64url of ``id.signature``, an id of at least
    24 characters that names a root authentication session the server holds."""
    assert is_login_page(await open_login_form(kc))
    value = kc.http.cookies.get("AUTH_SESSION_ID")
    assert value, kc.http.cookies
    decoded = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    root, _, signature = decoded.partition(".")
    assert len(root) >= 24 and signature, decoded
    async with kc.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None and await tx.flows.root_alive(realm.id, root, kc.clock.now())


async def test_login_remember_me_expired_idle(kc: Env) -> None:
    """LoginTest.loginRememberMeExpiredIdle: past the remember-me idle timeout the login form is back."""
    await update_realm(kc, ssoSessionIdleTimeoutRememberMe=1, ssoSessionIdleTimeout=1, rememberMe=True)
    page = await open_login_form(kc)
    auth_response(await login(kc, page, "test-user@localhost", rememberMe="on"))
    await expect_login(kc, "test-user@localhost", username="test-user@localhost")
    set_time_offset(kc, 2 + IDLE_TIMEOUT_WINDOW_SECONDS)
    assert is_login_page(await open_login_form(kc))


async def test_login_remember_me_expired_max_lifespan(kc: Env) -> None:
    """LoginTest.loginRememberMeExpiredMaxLifespan: past the remember-me max lifespan the form is back."""
    await update_realm(kc, ssoSessionMaxLifespanRememberMe=1, rememberMe=True)
    page = await open_login_form(kc)
    auth_response(await login(kc, page, "test-user@localhost", rememberMe="on"))
    await expect_login(kc, "test-user@localhost", username="test-user@localhost")
    set_time_offset(kc, 2)
    assert is_login_page(await open_login_form(kc))


# --- the SSO cookies ----------------------------------------------------------------------------------------


def identity_alg(kc: Env) -> str:
    """The JWS ``alg`` of the KEYCLOAK_IDENTITY cookie the browser holds."""
    cookie = kc.http.cookies.get("KEYCLOAK_IDENTITY")
    assert cookie, "no KEYCLOAK_IDENTITY cookie"
    header = json.loads(base64.urlsafe_b64decode(cookie.split(".")[0] + "=="))
    return str(header["alg"])


async def test_login_success_realm_signing_algorithms(kc: Env) -> None:
    """LoginTest.loginSuccessRealmSigningAlgorithms: the identity cookie is signed with the internal HMAC
    algorithm (Constants.INTERNAL_SIGNATURE_ALGORITHM, HS512) whatever the realm signs its tokens with."""
    assert "code" in auth_response(await login(kc, await open_login_form(kc), "login-test"))
    await expect_login(kc, "login-test", username="login-test")
    assert identity_alg(kc) == "HS512"
    await update_realm(kc, defaultSignatureAlgorithm="ES256")
    assert "code" in auth_response(await open_login_form(kc))  # the SSO session answers
    assert identity_alg(kc) == "HS512"
    assert "code" in auth_response(await open_login_form(kc))  # and the cookie still works


async def test_execute_action_if_session_exists(kc: Env) -> None:
    """LoginTest.testExecuteActionIfSessionExists: a required action added while the SSO session lives is
    asked on the next request, with or without the authentication session's cookie."""
    assert "code" in auth_response(await login(kc, await open_login_form(kc), "test-user@localhost"))
    await expect_login(kc, "test-user@localhost")
    await update_user(kc, "test-user@localhost", requiredActions=["CONFIGURE_TOTP"])
    assert is_config_totp_page(await open_login_form(kc))
    kc.http.cookies.delete("AUTH_SESSION_ID")
    assert is_config_totp_page(await open_login_form(kc))
