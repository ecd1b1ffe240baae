"""Keycloak's ResetPasswordTest (testsuite/integration-arquillian/tests/base/.../forms/ResetPasswordTest.java)
over HTTP: the "Forgot Password?" form, the e-mailed link and the update-password page as a browser follows
them, with the same page texts, mails, events and redirects. One app for the module (``group_port.shared_env``),
LoginTest's realm (``tests/login_test_realm.py``, with ``login-test`` / ``login@test.com``) imported anew for each
test with the SMTP sink, ``resetPasswordAllowed`` and the ``client-user`` service-account client.

Already covered by ``test_reset_credentials.py`` (not ported again): resetPasswordMissingUsername
(test_an_empty_username_is_asked_again), resetPasswordWrongEmail and resetPasswordNoEmail
(test_known_and_unknown_usernames_get_the_same_answer), resetPasswordDisabledUser and
resetPasswordBeforeUserIsDisabled (test_a_disabled_user_gets_no_mail_and_its_link_is_refused),
resetPasswordExpiredCode (test_an_expired_link_in_the_same_browser_starts_again).

Not ported:
* resetPasswordForceLoginFederatedUser: user federation (user storage providers) is not in Doorkeep.
* resetPasswordWithSpnegoEnabled: Kerberos/SPNEGO is not in Doorkeep.
* resetPasswordBackButton: it checks the browser's history (``navigate().back()``), which an HTTP client has not.
* resetPasswordForceLogin: the reset-credential-email authenticator's ``force-login`` config is not in Doorkeep.

Left, where Doorkeep differs and is not fixed yet:
* resetPasswordWrongSmtp: Doorkeep answers every username with the same page and sends the mail after the answer
  (no timing or page difference tells a known user from an unknown one), so a failing SMTP server gives no
  "Failed to send email, please try again later." page; SEND_RESET_PASSWORD_ERROR ``email_send_failed`` is still
  recorded (test_reset_password_wrong_smtp checks that part).
"""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

import group_port
from browser_flow import REDIRECT, form_action, form_fields, submit
from group_port import fresh_realm
from keycloak_port import admin_headers, poll, update_client, update_realm, update_user, user_id
from login_test_realm import (
    APP,
    APP_BASE,
    auth_response,
    back_to_application,
    code_to_token,
    error,
    error_page_text,
    is_login_page,
    login,
    mark_start,
    open_login_form,
    realm_rep,
    set_time_offset,
)
from mail_sink import DOWN_PORT, Sink
from support import claims
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

BASE = "http://localhost"
RESET_URI = f"{BASE}/realms/test/login-actions/reset-credentials"
ACCOUNT_REDIRECT = f"{BASE}/realms/test/account/"
SENT = "You should receive an email shortly with further instructions."
UPDATED = "Your account has been updated."
EXPIRED_START_AGAIN = "Action expired. Please start again."


@pytest.fixture
async def kc(env: Env, mail: Sink) -> AsyncIterator[Env]:
    """ResetPasswordTest's realm: LoginTest's with the mail server, reset allowed and ``client-user``."""
    rep = realm_rep()
    rep.update(resetPasswordAllowed=True, smtpServer=mail.settings())
    rep["clients"].append({"clientId": "client-user", "secret": "password", "serviceAccountsEnabled": True})
    env.http.cookies.clear()
    await fresh_realm(env, rep)
    _PENDING[id(env)] = []
    mark_start(env)
    yield env
    env.http.cookies.clear()


# --- pages ----------------------------------------------------------------------------------------------


def success(page: httpx.Response) -> str | None:
    """``loginPage.getSuccessMessage()``."""
    found = re.search(r'<div id="input-error" class="success">([^<]*)</div>', page.text)
    return html.unescape(found[1]) if found else None


def info(page: httpx.Response) -> str | None:
    """``infoPage.getInfo()``."""
    found = re.search(r'<div id="kc-info-message"><p class="instruction">([^<]*)</p>', page.text)
    return html.unescape(found[1]) if found else None


def info_back_link(page: httpx.Response) -> str | None:
    """``infoPage.getBackToApplicationLink()``."""
    found = re.search(r'<a id="kc-back" href="([^"]*)"', page.text)
    return html.unescape(found[1]) if found else None


def is_reset_page(page: httpx.Response) -> bool:
    """``resetPasswordPage.assertCurrent()``."""
    return page.status_code == 200 and 'id="kc-reset-password-form"' in page.text


def is_update_password_page(page: httpx.Response) -> bool:
    """``updatePasswordPage.assertCurrent()``."""
    return page.status_code == 200 and 'id="kc-passwd-update-form"' in page.text


def reset_info(page: httpx.Response) -> str:
    """``resetPasswordPage.getInfoMessage()``."""
    found = re.search(r'<p id="kc-info-message">([^<]*)</p>', page.text)
    assert found, page.text[:800]
    return html.unescape(found[1])


async def open_reset_page(kc: Env) -> httpx.Response:
    """``loginPage.open(); loginPage.resetPassword()``: the login page's "Forgot Password?" link followed."""
    login_page = await open_login_form(kc)
    found = re.search(r'id="kc-forgot-password" href="([^"]+)"', login_page.text)
    assert found, login_page.text[:800]
    page = await kc.http.get(html.unescape(found[1]))
    assert is_reset_page(page), page.text[:800]
    return page


async def ask(kc: Env, page: httpx.Response, username: str) -> httpx.Response:
    """``resetPasswordPage.changePassword(username)`` and the login page with the success message."""
    answer = await submit(kc.http, page, username=username)
    assert is_login_page(answer) and success(answer) == SENT, answer.text[:800]
    return answer


async def initiate(kc: Env, username: str) -> httpx.Response:
    """ResetPasswordTest.initiateResetPasswordFromResetPasswordPage."""
    return await ask(kc, await open_reset_page(kc), username)


async def change_password(kc: Env, page: httpx.Response, new: str, **more: str) -> httpx.Response:
    """``updatePasswordPage.changePassword(new, new)``."""
    return await submit(kc.http, page, **{"password-new": new, "password-confirm": new, **more})


async def follow(kc: Env, link: str) -> httpx.Response:
    """The e-mailed link opened; the update-password page it leads to."""
    page = await kc.http.get(link)
    assert is_update_password_page(page), (page.status_code, page.text[:800])
    return page


# --- events ---------------------------------------------------------------------------------------------


_PENDING: dict[int, list[Any]] = {}


async def clear(kc: Env) -> None:
    """``events.clear()``."""
    await poll(kc)
    _PENDING[id(kc)] = []


async def expect(
    kc: Env, type: str, *, user: str | None = "login-test", client: str | None = APP, **details: Any
) -> Any:
    """``events.expect...(type).user(..).client(..).detail(..).assertEvent()``: the oldest event not yet read."""
    pending = _PENDING.setdefault(id(kc), [])
    if not pending:
        pending.extend(await poll(kc))
    assert pending, f"no {type} event"
    event = pending.pop(0)
    assert event["type"] == type, [(e["type"], e.get("error")) for e in [event, *pending]]
    assert event.get("clientId") == client, event
    assert event.get("userId") == (await user_id(kc, user) if user else None), event
    for name, value in details.items():
        assert event.get("details", {}).get(name) == value, (name, event)
    return event


async def expect_sent(kc: Env, username: str = "login-test", client: str = APP, **details: Any) -> Any:
    """SEND_RESET_PASSWORD of ``login-test`` with no session."""
    event = await expect(kc, "SEND_RESET_PASSWORD", client=client, username=username, email="login@test.com", **details)
    assert event.get("sessionId") is None, event
    return event


async def expect_updated(kc: Env, username: str = "login-test", client: str = APP, **details: Any) -> None:
    """UPDATE_PASSWORD then UPDATE_CREDENTIAL, both with ``credential_type`` ``password``."""
    await expect(kc, "UPDATE_PASSWORD", client=client, username=username, credential_type="password", **details)
    await expect(kc, "UPDATE_CREDENTIAL", client=client, username=username, credential_type="password", **details)


async def expect_action_token_expired(kc: Env) -> None:
    """EXECUTE_ACTION_TOKEN_ERROR ``expired_code``, no client, no session, ``action`` reset-credentials."""
    event = await expect(kc, "EXECUTE_ACTION_TOKEN_ERROR", client=None, action="reset-credentials")
    assert event["error"] == "expired_code" and event.get("sessionId") is None, event


# --- the flows ------------------------------------------------------------------------------------------


async def logout(kc: Env, tokens: dict[str, Any]) -> None:
    """``oauth.logoutForm().idTokenHint(..).withRedirect().open()`` and its LOGOUT event."""
    query = {"id_token_hint": tokens["id_token"], "post_logout_redirect_uri": REDIRECT}
    response = await kc.http.get("/realms/test/protocol/openid-connect/logout", params=query)
    assert response.status_code == 302, response.text[:800]
    event = await expect(kc, "LOGOUT")
    assert event["sessionId"] == tokens["session_state"] or event["sessionId"], event


async def login_and_logout(kc: Env, response: httpx.Response, username: str) -> None:
    """The LOGIN that ``response`` (a redirect to the app) carries, its code to tokens, then the logout."""
    code = auth_response(response)["code"]
    login_event = await expect(kc, "LOGIN", username=username)
    tokens = (await code_to_token(kc, code)).json()
    assert claims(tokens["access_token"])["sid"] == login_event["sessionId"]
    await expect(kc, "CODE_TO_TOKEN")
    tokens["session_state"] = login_event["sessionId"]
    await logout(kc, tokens)


async def reset_password(kc: Env, mail: Sink, username: str, password: str = "resetPassword") -> str:
    """ResetPasswordTest.resetPassword: the mail, its link, the new password, the login that goes on to the
    app and a logout, then a login with the new password and a logout; the link."""
    await initiate(kc, username)
    await expect_sent(kc, username.strip())
    link = mail.received[-1].link()
    page = await follow(kc, link)
    assert "You need to change your password." in page.text
    done = await change_password(kc, page, password)
    await expect_updated(kc, username.strip())
    await login_and_logout(kc, done, username.strip())
    again = await login(kc, await open_login_form(kc), "login-test", password)
    await login_and_logout(kc, again, "login-test")
    return link


async def open_reset_uri_and_do_flow(
    kc: Env, mail: Sink, uri: str, client: str, redirect_uri: str | None, user_authenticated: bool = False
) -> httpx.Response:
    """ResetPasswordTest.openResetPasswordUrlAndDoFlow: ``uri`` opened, the mail asked for ``login-test`` (by the
    SSO session's user when ``user_authenticated``, without the form), the new password ``resetPassword`` with
    "Sign out from other devices" ticked unless ``user_authenticated``; the answer to it."""
    page = await kc.http.get(uri)
    if not user_authenticated:
        assert is_reset_page(page), page.text[:800]
        page = await submit(kc.http, page, username="login-test")
    assert is_login_page(page) and success(page) == SENT, page.text[:800]
    sent = await expect_sent(kc, client=client)
    assert sent["details"].get("redirect_uri") == redirect_uri, sent
    assert len(mail.received) == 1
    update = await follow(kc, mail.received[0].link())
    more = {} if user_authenticated else {"logout-sessions": "on"}
    done = await change_password(kc, update, "resetPassword", **more)
    event = await expect(kc, "UPDATE_PASSWORD", client=client, username="login-test", credential_type="password")
    assert event["details"].get("redirect_uri") == redirect_uri, event
    await expect(kc, "UPDATE_CREDENTIAL", client=client, username="login-test", credential_type="password")
    return done


async def logs_in_with_the_new_password(kc: Env) -> None:
    """``AccountHelper.logout`` then ``TestAppHelper.login(username, "resetPassword")``: back at the app."""
    uid = await user_id(kc, "login-test")
    response = await kc.http.post(f"/admin/realms/test/users/{uid}/logout", headers=await admin_headers(kc))
    assert response.status_code == 204, response.text
    kc.http.cookies.clear()
    auth_response(await login(kc, await open_login_form(kc), "login-test", "resetPassword"))


# --- the tests ------------------------------------------------------------------------------------------


async def test_reset_password_link(kc: Env, mail: Sink) -> None:
    """The reset URL with no client: the ``account`` client and its redirect URI, then the new password logs in."""
    await open_reset_uri_and_do_flow(kc, mail, RESET_URI, "account", ACCOUNT_REDIRECT)
    await logs_in_with_the_new_password(kc)


async def test_reset_password_logged_user(kc: Env, mail: Sink) -> None:
    """The reset URL in a browser logged in as ``login-test``: no form, the mail goes to the SSO session's user at
    once (ResetCredentialChooseUser: "skip user choice if sso session exists"); the new password logs in."""
    auth_response(await login(kc, await open_login_form(kc), "login-test", "password"))
    await expect(kc, "LOGIN", username="login-test")
    await open_reset_uri_and_do_flow(kc, mail, RESET_URI, "account", ACCOUNT_REDIRECT, user_authenticated=True)
    await logs_in_with_the_new_password(kc)


async def test_reset_password_link_test_app_without_redirect_uri_param(kc: Env, mail: Sink) -> None:
    """``client_id=test-app`` alone: no redirect URI in the events, "Your account has been updated." and a link
    back to the client's base URL."""
    done = await open_reset_uri_and_do_flow(kc, mail, f"{RESET_URI}?client_id={APP}", APP, None)
    assert info(done) == UPDATED, done.text[:800]
    assert info_back_link(done) == APP_BASE


async def test_reset_password_link_test_app_with_redirect_uri_param(kc: Env, mail: Sink) -> None:
    """With ``redirect_uri`` the new password ends at the application."""
    done = await open_reset_uri_and_do_flow(
        kc, mail, f"{RESET_URI}?client_id={APP}&redirect_uri={REDIRECT}", APP, REDIRECT
    )
    assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text[:800]


async def test_reset_password_link_error_flows(kc: Env) -> None:
    """Unknown client, a redirect URI without a client, a redirect URI the client does not allow, a disabled
    client: Keycloak's error pages."""
    for query, text in (
        ("client_id=not_found", "Client not found."),
        ("redirect_uri=https://foo/bar/", "Missing parameters: client_id"),
        (f"client_id={APP}&redirect_uri=https://foo/bar/", "Invalid parameter: redirect_uri"),
    ):
        page = await kc.http.get(f"{RESET_URI}?{query}")
        assert error_page_text(page) == text, (query, page.text[:800])
    await update_client(kc, APP, enabled=False)
    page = await kc.http.get(f"{RESET_URI}?client_id={APP}")
    assert error_page_text(page) == "Client disabled.", page.text[:800]


async def test_reset_password(kc: Env, mail: Sink) -> None:
    await reset_password(kc, mail, "login-test")


async def test_reset_password_twice(kc: Env, mail: Sink) -> None:
    """The link once more after it was used: "Action expired. Please continue with login now." and
    RESET_PASSWORD_ERROR ``expired_code`` for the user, with no session."""
    link = await reset_password(kc, mail, "login-test")
    await assert_second_password_reset_fails(kc, link)


async def test_reset_password_twice_in_new_browser(kc: Env, mail: Sink) -> None:
    link = await reset_password(kc, mail, "login-test")
    await kc.http.get(RESET_URI)
    kc.http.cookies.clear()
    await assert_second_password_reset_fails(kc, link)


async def assert_second_password_reset_fails(kc: Env, link: str) -> None:
    page = await kc.http.get(link)
    assert error_page_text(page) == "Action expired. Please continue with login now.", page.text[:800]
    event = await expect(kc, "RESET_PASSWORD_ERROR")
    assert event["error"] == "expired_code" and event.get("sessionId") is None, event


async def test_reset_password_with_spaces_in_username(kc: Env, mail: Sink) -> None:
    await reset_password(kc, mail, " login-test ")


async def test_reset_password_by_email(kc: Env, mail: Sink) -> None:
    await reset_password(kc, mail, "login@test.com")


async def test_reset_password_cancel_change_user(kc: Env, mail: Sink) -> None:
    """The login page after the mail was asked for logs in someone else, whose code gives their tokens."""
    answer = await initiate(kc, "test-user@localhost")
    sent = await expect(kc, "SEND_RESET_PASSWORD", user="test-user@localhost", username="test-user@localhost")
    assert sent["details"]["email"] == "test-user@localhost" and sent.get("sessionId") is None
    done = await login(kc, answer, "login@test.com")
    code = auth_response(done)["code"]
    login_event = await expect(kc, "LOGIN", username="login@test.com")
    tokens = await code_to_token(kc, code)
    assert tokens.status_code == 200, tokens.text
    assert claims(tokens.json()["access_token"])["sub"] == await user_id(kc, "login-test")
    event = await expect(kc, "CODE_TO_TOKEN")
    assert event["sessionId"] == login_event["sessionId"]
    assert event["details"]["code_id"] == login_event["details"]["code_id"]


async def expired_in_same_browser(kc: Env, mail: Sink, **realm: Any) -> None:
    """The resetPasswordExpiredCodeShort* tests: a 60 s lifespan, the link opened 70 s later in the same
    browser: the login page with "Action expired. Please start again."."""
    await update_realm(kc, **realm)
    await initiate(kc, "login-test")
    await expect_sent(kc)
    set_time_offset(kc, 70)
    page = await kc.http.get(mail.received[0].link())
    assert is_login_page(page) and error(page) == EXPIRED_START_AGAIN, page.text[:800]
    await expect_action_token_expired(kc)


def lifespans(reset: int, verify: int | None = None) -> dict[str, Any]:
    """UserActionTokenBuilder: the per-action lifespans as realm attributes."""
    attributes = {"actionTokenGeneratedByUserLifespan.reset-credentials": str(reset)}
    if verify is not None:
        attributes["actionTokenGeneratedByUserLifespan.verify-email"] = str(verify)
    return {"attributes": attributes}


async def test_reset_password_expired_code_short(kc: Env, mail: Sink) -> None:
    await expired_in_same_browser(kc, mail, actionTokenGeneratedByUserLifespan=60)


async def test_reset_password_expired_code_short_per_action_lifespan(kc: Env, mail: Sink) -> None:
    await expired_in_same_browser(kc, mail, **lifespans(60))


async def test_reset_password_expired_code_short_per_action_multiple_timeouts(kc: Env, mail: Sink) -> None:
    await expired_in_same_browser(kc, mail, **lifespans(60, 300))


async def expired_in_new_browser(kc: Env, mail: Sink, **realm: Any) -> None:
    """The resetPasswordExpiredCodeAndAuthSession* tests (KEYCLOAK-4016): the expired link in a browser without
    the login's cookies: "Action expired." with a link back to the client's base URL."""
    await update_realm(kc, **realm)
    await initiate(kc, "login-test")
    await expect_sent(kc)
    set_time_offset(kc, 70)
    await kc.http.get(RESET_URI)
    kc.http.cookies.clear()
    page = await kc.http.get(mail.received[0].link())
    assert error_page_text(page) == "Action expired.", page.text[:800]
    assert back_to_application(page) == APP_BASE
    await expect_expired_among(kc)


async def expect_expired_among(kc: Env) -> None:
    async with kc.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        found = list(await tx.events.find(test.id, types=["EXECUTE_ACTION_TOKEN_ERROR"]))
    assert [e.error for e in found] == ["expired_code"], found
    assert found[0].client_id is None and found[0].details["action"] == "reset-credentials"


async def test_reset_password_expired_code_and_auth_session(kc: Env, mail: Sink) -> None:
    await expired_in_new_browser(kc, mail, actionTokenGeneratedByUserLifespan=60)


async def test_reset_password_expired_code_and_auth_session_per_action_lifespan(kc: Env, mail: Sink) -> None:
    await expired_in_new_browser(kc, mail, **lifespans(60))


async def test_reset_password_expired_code_and_auth_session_per_action_multiple_timeouts(kc: Env, mail: Sink) -> None:
    await expired_in_new_browser(kc, mail, **lifespans(60, 300))


async def test_reset_password_with_length_password_policy(kc: Env, mail: Sink) -> None:
    """``length``: "Invalid password: minimum length 8." and the error events, then a long one goes through."""
    await update_realm(kc, passwordPolicy="length")
    await initiate(kc, "login-test")
    await expect_sent(kc)
    page = await follow(kc, mail.received[0].link())
    refused = await change_password(kc, page, "invalid")
    assert error(refused) == "Invalid password: minimum length 8.", refused.text[:800]
    await expect(kc, "UPDATE_CREDENTIAL_ERROR", credential_type="password")
    await expect(kc, "UPDATE_PASSWORD_ERROR", credential_type="password")
    done = await change_password(kc, refused, "resetPasswordWithPasswordPolicy")
    await expect_updated(kc)
    await login_and_logout(kc, done, "login-test")
    again = await login(kc, await open_login_form(kc), "login-test", "resetPasswordWithPasswordPolicy")
    auth_response(again)


async def reset_password_invalid_password(kc: Env, mail: Sink, username: str, password: str, message: str) -> None:
    """ResetPasswordTest.resetPasswordInvalidPassword: the mail, its link, ``password`` refused with ``message``
    and the UPDATE_CREDENTIAL_ERROR / UPDATE_PASSWORD_ERROR ``password_rejected`` events."""
    sent = len(mail.received)
    await initiate(kc, username)
    await expect_sent(kc, username)
    assert len(mail.received) == sent + 1
    page = await follow(kc, mail.received[-1].link())
    refused = await change_password(kc, page, password)
    assert error(refused) == message, refused.text[:800]
    for type in ("UPDATE_CREDENTIAL_ERROR", "UPDATE_PASSWORD_ERROR"):
        event = await expect(kc, type, username=username, credential_type="password")
        assert event["error"] == "password_rejected", event


async def test_reset_password_with_password_history_policy(kc: Env, mail: Sink) -> None:
    """``passwordHistory`` (3 by default): the current password and the two before it are refused on the update
    page; the user's first password, four passwords back, is accepted again."""
    await update_realm(kc, passwordPolicy="passwordHistory")
    last_three = "Invalid password: must not be equal to any of last 3 passwords."
    set_time_offset(kc, 2000000)
    await reset_password(kc, mail, "login-test", "password1")
    await reset_password_invalid_password(kc, mail, "login-test", "password1", last_three)
    set_time_offset(kc, 4000000)
    await reset_password(kc, mail, "login-test", "password2")
    for password in ("password1", "password2"):
        await reset_password_invalid_password(kc, mail, "login-test", password, last_three)
    set_time_offset(kc, 6000000)
    await reset_password(kc, mail, "login-test", "password3")
    for password in ("password1", "password2", "password3"):
        await reset_password_invalid_password(kc, mail, "login-test", password, last_three)
    set_time_offset(kc, 8000000)
    await reset_password(kc, mail, "login-test", "password")


async def reset_password_link_opened_in_new_browser(kc: Env, mail: Sink, client: str) -> None:
    """The mail asked for without a client; the link in another browser ends on "Your account has been
    updated." with no "Back to Application" (a system client)."""
    page = await kc.http.get(RESET_URI)
    assert is_reset_page(page), page.text[:800]
    await ask(kc, page, "login-test")
    sent = await expect_sent(kc, client=client)
    assert sent["details"]["redirect_uri"] == ACCOUNT_REDIRECT
    await kc.http.get(RESET_URI)
    kc.http.cookies.clear()
    update = await follow(kc, mail.received[0].link())
    done = await change_password(kc, update, "resetPassword")
    assert info(done) == UPDATED, done.text[:800]
    assert "Back to Application" not in done.text


async def test_reset_password_link_opened_in_new_browser(kc: Env, mail: Sink) -> None:
    """The link is the ``account`` client's, whose base URL is account management: SystemClientUtil.checkSkipLink
    leaves the page without "Back to Application"."""
    await reset_password_link_opened_in_new_browser(kc, mail, "account")


async def test_reset_password_link_opened_in_new_browser_and_account_client_renamed(kc: Env, mail: Sink) -> None:
    """KEYCLOAK-5982: with no ``account`` client the link is SystemClientUtil's ``_system`` client's."""
    await update_client(kc, "account", clientId="account-changed")
    await reset_password_link_opened_in_new_browser(kc, mail, "_system")


async def test_fail_reset_password_service_account(kc: Env) -> None:
    """A service account's username (with an e-mail set) is refused: "Invalid username or password."."""
    username = "service-account-client-user"
    await update_user(kc, username, email="client-user@test.com")
    page = await kc.http.get(RESET_URI)
    answer = await submit(kc.http, page, username=username)
    assert is_login_page(answer) and error(answer) == "Invalid username or password.", answer.text[:800]


async def test_reset_password_info_message_with_duplicate_emails_allowed(kc: Env) -> None:
    """The page's instruction names the e-mail address unless duplicate e-mails are allowed."""
    page = await open_reset_page(kc)
    assert reset_info(page) == (
        "Enter your username or email address and we will send you instructions on how to create a new password."
    )
    await update_realm(kc, loginWithEmailAllowed=False, duplicateEmailsAllowed=True)
    page = await open_reset_page(kc)
    assert reset_info(page) == "Enter your username and we will send you instructions on how to create a new password."


async def test_change_email_address_after_sending_email(kc: Env, mail: Sink) -> None:
    """KEYCLOAK-15170: the link of an address the user no longer has: "Invalid email address."."""
    await initiate(kc, "login-test")
    await update_user(kc, "login-test", email="vmuzikar@redhat.com")
    page = await kc.http.get(mail.received[0].link())
    assert error_page_text(page) == "Invalid email address.", page.text[:800]


async def test_reset_password_wrong_smtp(kc: Env) -> None:
    """An unreachable SMTP server: no mail, SEND_RESET_PASSWORD_ERROR ``email_send_failed`` for the user
    (Keycloak's error page is not reproduced, see the module docstring)."""
    await update_realm(kc, smtpServer={"host": "127.0.0.1", "port": str(DOWN_PORT), "from": "auth@example.com"})
    page = await open_reset_page(kc)
    await submit(kc.http, page, username="login-test")
    event = await expect(kc, "SEND_RESET_PASSWORD_ERROR", username="login-test")
    assert event["error"] == "email_send_failed" and event.get("sessionId") is None, event


async def test_reset_password_link_new_tab_and_proper_redirect_client(kc: Env, mail: Sink) -> None:
    """ResetPasswordTest#resetPasswordLinkNewTabAndProperRedirectClient (resetPasswordInNewTab): tab 1 asks for the
    mail; tab 2 opens its link, sets the password and lands at the app, signed in; tab 1's URL turned into
    ``login-actions/restart?skip_logout=true`` (what the Java test does for HtmlUnit, where authChecker.js does not
    run) lands at the app too, with the SSO session kept."""
    await clear(kc)
    asked = await initiate(kc, "login-test")  # tab 1
    tab1_url = asked.request.url
    await expect_sent(kc, redirect_uri=REDIRECT)
    update = await follow(kc, mail.received[-1].link())  # tab 2
    done = await change_password(kc, update, "resetPassword")
    await expect_updated(kc, redirect_uri=REDIRECT)
    assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text[:800]
    restart = tab1_url.copy_with(path=tab1_url.path.rsplit("/", 1)[0] + "/restart").copy_merge_params(
        {"skip_logout": "true"}
    )
    answer = await kc.http.get(str(restart))
    while answer.status_code == 302 and answer.headers["location"].startswith(BASE):
        answer = await kc.http.get(answer.headers["location"])
    assert answer.status_code == 302 and answer.headers["location"].startswith(REDIRECT), answer.text[:800]
    auth_response(await kc.http.get("/realms/test/protocol/openid-connect/auth", params=_app_login()))


def _app_login() -> dict[str, str]:
    """The app's authorization request again: the SSO session is still there (skip_logout)."""
    return {"client_id": APP, "redirect_uri": REDIRECT, "response_type": "code", "scope": "openid", "state": "s"}


FORGOT_URI = f"{BASE}/realms/test/protocol/openid-connect/forgot-credentials"


async def open_forgot_credentials(kc: Env, **params: str) -> httpx.Response:
    """The login form's URL with ``/auth?`` replaced by ``/forgot-credentials?`` (resetPasswordWithLoginHint)."""
    query = {"client_id": APP, "redirect_uri": REDIRECT, "response_type": "code", "scope": "openid", **params}
    return await kc.http.get(FORGOT_URI, params=query)


def username_field(page: httpx.Response) -> str | None:
    found = re.search(r'<input[^>]*id="username"[^>]*value="([^"]*)"', page.text)
    return html.unescape(found[1]) if found else None


async def test_reset_password_with_login_hint(kc: Env) -> None:
    """ResetPasswordTest.resetPasswordWithLoginHint: the forgot-credentials endpoint answers the "Forgot
    Password?" form itself, its username field holding the request's ``login_hint``."""
    page = await open_forgot_credentials(kc, login_hint="test")
    assert page.status_code == 200 and is_reset_page(page), (page.status_code, page.text[:800])
    assert username_field(page) == "test"


async def test_forgot_credentials_flow_mails_for_the_requesting_client(kc: Env, mail: Sink) -> None:
    """AuthorizationEndpoint.buildForgotCredential: the reset-credentials flow in an authentication session of the
    request's client and redirect URI, so the mail's SEND_RESET_PASSWORD is ``test-app``'s; the form answers as
    the one reached from the login page does. No ``login_hint``: the field is empty."""
    page = await open_forgot_credentials(kc)
    assert is_reset_page(page) and username_field(page) == "", page.text[:800]
    await ask(kc, page, "login-test")
    await expect_sent(kc, redirect_uri=REDIRECT)
    assert len(mail.received) == 1
    done = await change_password(kc, await follow(kc, mail.received[0].link()), "resetPassword")
    await expect_updated(kc, redirect_uri=REDIRECT)
    await login_and_logout(kc, done, "login-test")  # on to the requesting client, logged in


async def test_forgot_credentials_checks_the_request_and_the_realm(kc: Env) -> None:
    """forgotCredentials refuses a realm that does not allow resetting before reading the request (400, "Reset
    Credential not allowed"); then the request is checked as at the authorization endpoint (an unknown client:
    "Client not found.")."""
    unknown = await open_forgot_credentials(kc, client_id="no-such-client")
    assert unknown.status_code == 400 and error_page_text(unknown) == "Client not found.", unknown.text[:800]
    refusal = await expect(kc, "RESET_PASSWORD_ERROR", user=None, client="no-such-client")  # forgotCredentials' type
    assert refusal["error"] == "client_not_found", refusal
    await update_realm(kc, resetPasswordAllowed=False)
    refused = await open_forgot_credentials(kc)
    assert refused.status_code == 400 and error_page_text(refused) == "Reset Credential not allowed", refused.text[:800]
    assert await poll(kc) == []  # forgotCredentials refuses before any event is recorded


async def test_reset_password_link_new_browser_session_preserve_client(kc: Env, mail: Sink) -> None:
    """ResetPasswordTest.resetPasswordLinkNewBrowserSessionPreserveClient: the mail asked for from test-app's login,
    its link opened in a second browser: the update-password form posts to a URL naming ``client_id=test-app``, and
    the page it answers is "Your account has been updated." with "Back to Application" (test-app is no system
    client)."""
    await initiate(kc, "login-test")
    link = mail.received[0].link()
    kc.http.cookies.clear()  # driver2
    page = await follow(kc, link)
    assert "You need to change your password." in page.text
    action = form_action(page.text)
    assert "client_id=test-app" in action, action
    done = await kc.http.post(
        action, data={**form_fields(page.text), "password-new": "resetPassword", "password-confirm": "resetPassword"}
    )
    assert UPDATED in done.text and "Back to Application" in done.text, done.text[:800]


async def test_forgot_credentials_with_prompt_create_registers(kc: Env) -> None:
    """AuthorizationEndpoint.process looks at ``prompt=create`` before the endpoint's action: at forgot-credentials
    it opens the registration form (and, where registration is not allowed, its error page)."""
    await update_realm(kc, registrationAllowed=True)
    page = await open_forgot_credentials(kc, prompt="create")
    assert page.status_code == 200 and 'id="kc-register-form"' in page.text, page.text[:800]
    await update_realm(kc, registrationAllowed=False)
    refused = await open_forgot_credentials(kc, prompt="create")
    assert refused.status_code == 400 and error_page_text(refused) == "Registration not allowed", refused.text[:800]


async def test_forgot_credentials_back_to_login_logs_in(kc: Env) -> None:
    """The form's "« Back to Login" leads to the login form of the same request (the flow switched back to
    authenticate); the login there reaches test-app's redirect URI with a code."""
    page = await open_forgot_credentials(kc)
    found = re.search(r'<a href="([^"]+)">[^<]*Back to Login', page.text)
    assert found, page.text[:800]
    form = await kc.http.get(html.unescape(found[1]))
    assert is_login_page(form), form.text[:800]
    assert "code" in auth_response(await login(kc, form, "login-test"))
