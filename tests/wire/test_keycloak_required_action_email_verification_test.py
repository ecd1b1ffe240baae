"""Keycloak's RequiredActionEmailVerificationTest (testsuite/integration-arquillian/tests/base/.../actions/
RequiredActionEmailVerificationTest.java) over HTTP: the VERIFY_EMAIL page after the login, the mailed link in
the same and in another browser, its expiry and its reuse, with the same page texts, mails and events. One app
for the module (``group_port.shared_env``), the realm imported anew for each test: ``verifyEmail`` on and
``test-user@localhost`` (password ``password``) not verified, as the Java ``before()`` makes it.

Already covered by ``test_verify_email_login.py`` (not ported again): verifyEmailRegister
(test_a_self_registered_user_verifies_the_address_instead_of_being_stopped), verifyEmailResendWithRefreshes
(test_an_unverified_user_verifies_by_the_mailed_link_and_the_login_goes_on) and the confirmation page of
verifyEmailNewBrowserSessionPreserveClient (test_the_link_in_another_browser_is_confirmed_first).

Not ported:
* testVerifyEmailWithNoEmailAndVerifyProfile: ported in test_kc_new_required_action_email_verification.py, on a
  realm with VERIFY_PROFILE on. verifyEmailRegisterSetLocale: its page is Portuguese, which Doorkeep does not speak.
* actionTokenWithInvalidRequiredActions: it switches the UPDATE_EMAIL feature off at run time.
* verifyEmailViaAuthSessionWhileLoggedIn: it edits the authentication session inside the server.

The new-framework class (tests/base/.../tests/actions/, Keycloak 26.7: registration without the password) adds
verifyEmailFromAnotherAccountWhenUserIsAuthenticated and …AfterEmalIsVerified, ported at the end.

Also ported at the end: verifyEmailInNewBrowserWhileLoggedInFirstBrowser and verifyEmailDuringAuthFlowAfterRefresh
(a browser's refresh is its next authorization request). Not ported: verifyEmailRegisterWithSecondBrowser, whose
first-browser refresh Keycloak has changed since (keycloak#43896 keeps a registration's authentication session).
"""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

import group_port
from browser_flow import REDIRECT, start, submit
from group_port import fresh_realm
from keycloak_port import ADMIN, admin_headers, get, poll, put, update_realm, user_id
from login_test_realm import (
    APP,
    APP_BASE,
    SECRET,
    auth_response,
    clear_cooldown,
    error,
    error_page_text,
    is_login_page,
    login,
    mark_start,
    open_login_form,
    set_time_offset,
)
from mail_sink import Sink
from register_port import always_set_password_on_register_form, open_register
from wire_env import Env, client_at

SETTING = "emailResendCooldownSeconds"

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

USER = "test-user@localhost"
SENT_TEXT = "An email with instructions to verify your email address has been sent to your address"
VERIFIED = "Your email address has been verified."
VERIFIED_ALREADY = "Your email address has been verified already."
EXPIRED_START_AGAIN = "Action expired. Please start again."
DIFFERENT_USER = "You are already authenticated as different user"


@pytest.fixture
async def kc(env: Env, mail: Sink) -> AsyncIterator[Env]:
    user = {
        "username": USER,
        "email": USER,
        "firstName": "test-user",
        "lastName": "test-user",
        "enabled": True,
        "emailVerified": False,
        "credentials": [{"type": "password", "value": "password", "temporary": False}],
    }
    rep = {
        "realm": "test",
        "enabled": True,
        "eventsEnabled": True,
        "verifyEmail": True,
        "registrationAllowed": True,
        "smtpServer": mail.settings(),
        "clients": [
            {
                "clientId": APP,
                "secret": SECRET,
                "baseUrl": APP_BASE,
                "redirectUris": ["http://127.0.0.1:9999/*"],
            }
        ],
        "users": [user],
    }
    env.http.cookies.clear()
    await fresh_realm(env, rep)
    _PENDING[id(env)] = []
    mark_start(env)
    yield env
    env.http.cookies.clear()


_PENDING: dict[int, list[Any]] = {}


async def expect(kc: Env, type: str, *, user: str | None = USER, client: str | None = APP, **details: Any) -> Any:
    """``events.expect...(type)...assertEvent()``: the oldest event not yet read."""
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


async def clear(kc: Env) -> None:
    """``events.poll()`` / ``events.clear()``: what was recorded so far is not looked at."""
    await poll(kc)
    _PENDING[id(kc)] = []


def is_verify_email_page(page: httpx.Response) -> bool:
    return page.status_code == 200 and SENT_TEXT in page.text


def info(page: httpx.Response) -> str | None:
    """``infoPage.getInfo()``."""
    found = re.search(r'<div id="kc-info-message"><p class="instruction">([^<]*)</p>', page.text)
    return html.unescape(found[1]) if found else None


def resend_link(page: httpx.Response) -> str:
    found = re.search(r'id="kc-resend" href="([^"]+)"', page.text)
    assert found, page.text[:800]
    return html.unescape(found[1])


def proceed_link(page: httpx.Response) -> str:
    """``proceedPage.clickProceedLink()``: "» Click here to proceed"."""
    found = re.search(r'<a id="kc-proceed" href="([^"]+)"', page.text)
    assert found, page.text[:800]
    return html.unescape(found[1])


async def login_to_verify_page(kc: Env) -> httpx.Response:
    """``loginPage.open(); loginPage.login(...); verifyEmailPage.assertCurrent()``."""
    page = await login(kc, await open_login_form(kc), USER)
    assert is_verify_email_page(page), page.text[:800]
    return page


async def user_rep(kc: Env) -> Any:
    return await get(kc, f"/users/{await user_id(kc, USER)}")


async def update_user(kc: Env, **changes: Any) -> None:
    uid = await user_id(kc, USER)
    await put(kc, f"/users/{uid}", {**await get(kc, f"/users/{uid}"), **changes})


async def test_verify_email_existing(kc: Env, mail: Sink) -> None:
    """The mailed link verifies the address and the login goes on: SEND_VERIFY_EMAIL, VERIFY_EMAIL with the same
    ``code_id``, then LOGIN in the session of that id (``.session(mailCodeId)``)."""
    await login_to_verify_page(kc)
    assert len(mail.received) == 1
    sent = await expect(kc, "SEND_VERIFY_EMAIL", email=USER)
    code_id = sent["details"]["code_id"]
    done = await kc.http.get(mail.received[0].link())
    auth_response(done)
    await expect(kc, "VERIFY_EMAIL", username=USER, email=USER, code_id=code_id)
    logged_in = await expect(kc, "LOGIN", username=USER)
    assert logged_in["sessionId"] == code_id, logged_in


async def test_verify_email_resend(kc: Env, mail: Sink) -> None:
    """ "Click here" sends the mail again (same ``code_id``); its link verifies and logs in."""
    page = await login_to_verify_page(kc)
    sent = await expect(kc, "SEND_VERIFY_EMAIL", email=USER)
    await clear_cooldown(kc, await user_id(kc, USER))
    again = await kc.http.get(resend_link(page))
    assert is_verify_email_page(again), again.text[:800]
    await expect(kc, "SEND_VERIFY_EMAIL", email=USER, code_id=sent["details"]["code_id"])
    assert len(mail.received) == 2
    auth_response(await kc.http.get(mail.received[-1].link()))
    await expect(kc, "VERIFY_EMAIL", username=USER, email=USER, code_id=sent["details"]["code_id"])
    await expect(kc, "LOGIN", username=USER)


async def test_verify_email_resend_too_fast(kc: Env, mail: Sink) -> None:
    """Within the 30 s cooldown "Click here" sends nothing and the page says how long to wait (no event); 40 s
    later it sends again. The required action's ``emailResendCooldownSeconds`` sets the length."""
    page = await login_to_verify_page(kc)
    assert len(mail.received) == 1
    await clear(kc)
    refused = await kc.http.get(resend_link(page))
    assert is_verify_email_page(refused), refused.text[:800]
    assert "You must wait 30 second(s) before sending another verification email." in refused.text
    assert len(mail.received) == 1
    assert await poll(kc) == []
    action = await get(kc, "/authentication/required-actions/VERIFY_EMAIL")  # the next cooldown: 100 s
    await put(kc, "/authentication/required-actions/VERIFY_EMAIL", {**action, "config": {SETTING: "100"}})
    set_time_offset(kc, 40)
    sent = await kc.http.get(resend_link(refused))
    assert is_verify_email_page(sent) and "You must wait" not in sent.text, sent.text[:800]
    assert len(mail.received) == 2
    await expect(kc, "SEND_VERIFY_EMAIL", email=USER)
    set_time_offset(kc, 80)
    sent = await kc.http.get(resend_link(sent))
    assert "You must wait 60 second(s)" in sent.text and len(mail.received) == 2, sent.text[:800]
    set_time_offset(kc, 139)
    sent = await kc.http.get(resend_link(sent))
    assert "You must wait 1 second(s)" in sent.text and len(mail.received) == 2, sent.text[:800]
    set_time_offset(kc, 140)
    sent = await kc.http.get(resend_link(sent))
    assert "You must wait" not in sent.text and len(mail.received) == 3, sent.text[:800]


async def test_verify_email_resend_first_still_valid_even_with_second(kc: Env, mail: Sink) -> None:
    """The first link verifies; the second then says "verified already" (VERIFY_EMAIL_ERROR
    ``email_already_verified``)."""
    page = await login_to_verify_page(kc)
    await clear_cooldown(kc, await user_id(kc, USER))
    await kc.http.get(resend_link(page))
    assert len(mail.received) == 2
    auth_response(await kc.http.get(mail.received[0].link()))
    await clear(kc)
    second = await kc.http.get(mail.received[1].link())
    assert info(second) == VERIFIED_ALREADY, second.text[:800]
    event = await expect(kc, "VERIFY_EMAIL_ERROR")
    assert event["error"] == "email_already_verified" and event["details"].get("redirect_uri"), event


async def test_verify_email_resend_first_and_second_still_valid(kc: Env, mail: Sink) -> None:
    """After the first link and a logout (AccountHelper.logout), the second says "verified already"."""
    page = await login_to_verify_page(kc)
    await clear_cooldown(kc, await user_id(kc, USER))
    await kc.http.get(resend_link(page))
    await kc.http.get(mail.received[0].link())
    uid = await user_id(kc, USER)
    logout = await kc.http.post(f"/admin/realms/test/users/{uid}/logout", headers=await admin_headers(kc))
    assert logout.status_code == 204
    second = await kc.http.get(mail.received[1].link())
    assert info(second) == VERIFIED_ALREADY, second.text[:800]


async def test_verify_email_resend_and_verify_with_latest_link(kc: Env, mail: Sink) -> None:
    page = await login_to_verify_page(kc)
    await clear_cooldown(kc, await user_id(kc, USER))
    await kc.http.get(resend_link(page))
    auth_response(await kc.http.get(mail.received[1].link()))
    first = await kc.http.get(mail.received[0].link())
    assert info(first) == VERIFIED_ALREADY, first.text[:800]


async def test_verify_email_new_browser_session(kc: Env, mail: Sink) -> None:
    """The link in a browser without the login's cookies: the confirmation, then "Your email address has been
    verified." and VERIFY_EMAIL at the login's client with another ``code_id``; the login page again after."""
    await login_to_verify_page(kc)
    sent = await expect(kc, "SEND_VERIFY_EMAIL", email=USER)
    kc.http.cookies.clear()
    confirm = await kc.http.get(mail.received[0].link())
    done = await kc.http.get(proceed_link(confirm))
    assert info(done) == VERIFIED, done.text[:800]
    event = await expect(kc, "VERIFY_EMAIL")
    assert event["details"]["code_id"] != sent["details"]["code_id"] and event["details"].get("redirect_uri")
    assert is_login_page(await open_login_form(kc))


async def test_verify_email_invalid_key_in_verification_link(kc: Env, mail: Sink) -> None:
    """``key=foo``: "An error occurred, please login again through your application." and
    EXECUTE_ACTION_TOKEN_ERROR ``invalid_code`` with no client, user, session or details."""
    await login_to_verify_page(kc)
    await clear(kc)
    link = re.sub(r"key=[^&]+", "key=foo", mail.received[0].link())
    page = await kc.http.get(link)
    assert error_page_text(page) == "An error occurred, please login again through your application.", page.text
    event = await expect(kc, "EXECUTE_ACTION_TOKEN_ERROR", user=None, client=None)
    assert event["error"] == "invalid_code" and event.get("sessionId") is None and not event.get("details"), event


async def expired(kc: Env, mail: Sink, offset: int) -> None:
    """The verifyEmailExpiredCode* tests: the link ``offset`` seconds later in the same browser: the login page
    with "Action expired. Please start again." and EXECUTE_ACTION_TOKEN_ERROR ``expired_code``."""
    await login_to_verify_page(kc)
    await clear(kc)
    set_time_offset(kc, offset)
    page = await kc.http.get(mail.received[0].link())
    assert is_login_page(page) and error(page) == EXPIRED_START_AGAIN, page.text[:800]
    event = await expect(kc, "EXECUTE_ACTION_TOKEN_ERROR", client=None, action="verify-email")
    assert event["error"] == "expired_code" and event.get("sessionId") is None, event


async def test_verify_email_expired_code(kc: Env, mail: Sink) -> None:
    await expired(kc, mail, 360)


async def test_verify_email_expired_coded_per_action_lifespan(kc: Env, mail: Sink) -> None:
    await update_realm(kc, attributes={"actionTokenGeneratedByUserLifespan.verify-email": "60"})
    await expired(kc, mail, 70)


async def test_verify_email_expired_coded_per_action_multiple_timeouts(kc: Env, mail: Sink) -> None:
    """The reset-credentials lifespan does not change the verify-email one."""
    attributes = {
        "actionTokenGeneratedByUserLifespan.verify-email": "60",
        "actionTokenGeneratedByUserLifespan.reset-credentials": "300",
    }
    await update_realm(kc, attributes=attributes)
    await expired(kc, mail, 70)


async def test_verify_email_expired_code_and_expired_session(kc: Env, mail: Sink) -> None:
    """An hour later, in a browser without cookies: "Action expired."."""
    await login_to_verify_page(kc)
    await clear(kc)
    set_time_offset(kc, 3600)
    kc.http.cookies.clear()
    page = await kc.http.get(mail.received[0].link())
    assert error_page_text(page) == "Action expired.", page.text[:800]
    event = await expect(kc, "EXECUTE_ACTION_TOKEN_ERROR", client=None, action="verify-email")
    assert event["error"] == "expired_code" and event.get("sessionId") is None, event


async def test_verify_email_while_logged_in(kc: Env, mail: Sink) -> None:
    """A logged-in user made unverified by the admin: the next authorization shows the page, the link goes
    back to the app and the user is verified with no required action left."""
    await update_user(kc, emailVerified=True)
    auth_response(await login(kc, await open_login_form(kc), USER))
    await update_user(kc, emailVerified=False, requiredActions=["VERIFY_EMAIL"])
    page = await open_login_form(kc)
    assert is_verify_email_page(page), page.text[:800]
    assert len(mail.received) == 1
    auth_response(await kc.http.get(mail.received[0].link()))
    rep = await user_rep(kc)
    assert rep["emailVerified"] is True and rep["requiredActions"] == []


async def test_verify_email_expired_registration(kc: Env, mail: Sink) -> None:
    """A registration's link 360 s later: the login page with "Action expired. Please start again."; the
    password typed on the form, as the Java test does (``always_set_password_on_register_form`` since 26.7)."""
    await always_set_password_on_register_form(kc)
    name = "verifyEmailRegistrationUser"
    form = await kc.http.get(
        "/realms/test/protocol/openid-connect/registrations",
        params={"client_id": APP, "redirect_uri": "http://127.0.0.1:9999/callback", "response_type": "code"},
    )
    assert 'id="kc-register-form"' in form.text, form.text[:800]
    fields = {"firstName": name, "lastName": name, "email": f"{name}@{name}.com", "username": name}
    page = await submit(kc.http, form, **fields, password=name, **{"password-confirm": name})
    assert is_verify_email_page(page), page.text[:800]
    set_time_offset(kc, 360)
    expired_page = await kc.http.get(mail.received[-1].link())
    assert is_login_page(expired_page) and error(expired_page) == EXPIRED_START_AGAIN, expired_page.text[:800]


async def test_change_email_address_after_sending_email(kc: Env, mail: Sink) -> None:
    """KEYCLOAK-15170: the address changed after the mail: the link is a stale one."""
    await login_to_verify_page(kc)
    await update_user(kc, email="vmuzikar@redhat.com")
    page = await kc.http.get(mail.received[0].link())
    assert error_page_text(page) == (
        "The link you clicked is an old stale link and is no longer valid. Maybe you have already verified your email."
    ), page.text[:800]


async def test_verify_email_config(kc: Env, mail: Sink) -> None:
    """KEYCLOAK-4163: the realm's SMTP settings shape the mail: the envelope sender (Return-Path), From and
    Reply-To with their display names."""
    smtp = mail.settings(
        **{
            "from": "auto@keycloak.org",
            "fromDisplayName": "Keycloak SSO",
            "replyTo": "reply-to@keycloak.org",
            "replyToDisplayName": "Keycloak no-reply",
            "envelopeFrom": "auto+bounces@keycloak.org",
        }
    )
    await update_realm(kc, smtpServer=smtp)
    await login_to_verify_page(kc)
    [message] = mail.received
    assert message.envelope_from == "auto+bounces@keycloak.org"
    assert message.message["From"] == "Keycloak SSO <auto@keycloak.org>"
    assert message.message["Reply-To"] == "Keycloak no-reply <reply-to@keycloak.org>"


async def execute_actions_email(kc: Env, *actions: str, username: str = USER) -> None:
    """``users().get(id).executeActionsEmail(actions)``."""
    uid = await user_id(kc, username)
    headers = await admin_headers(kc)
    sent = await kc.http.put(
        f"/admin/realms/test/users/{uid}/execute-actions-email", json=list(actions), headers=headers
    )
    assert sent.status_code == 204, sent.text


async def test_verify_email_new_browser_session_with_client_redirect(kc: Env, mail: Sink) -> None:
    """KEYCLOAK-5861: an admin's VERIFY_EMAIL mail in a new browser: proceed, "Your account has been updated.",
    then the login goes to the app."""
    await execute_actions_email(kc, "VERIFY_EMAIL")
    assert len(mail.received) == 1
    kc.http.cookies.clear()
    confirm = await kc.http.get(mail.received[0].link())
    done = await kc.http.get(proceed_link(confirm))
    assert info(done) == "Your account has been updated.", done.text[:800]
    auth_response(await login(kc, await open_login_form(kc), USER))


async def test_verify_email_during_auth_flow(kc: Env, mail: Sink) -> None:
    await update_user(kc, requiredActions=["VERIFY_EMAIL"])
    await login_to_verify_page(kc)
    assert len(mail.received) == 1
    auth_response(await kc.http.get(mail.received[0].link()))


async def test_verify_email_during_auth_flow_first_click_link(kc: Env, mail: Sink) -> None:
    """The admin's link only opened (not confirmed): the login still asks for the verification."""
    await update_user(kc, requiredActions=["VERIFY_EMAIL"])
    await execute_actions_email(kc, "VERIFY_EMAIL")
    kc.http.cookies.clear()
    await kc.http.get(mail.received[0].link())
    await login_to_verify_page(kc)


async def test_verify_email_click_link_required_actions_cleared(kc: Env, mail: Sink) -> None:
    """A verified user with no required action opens (without confirming) an admin's VERIFY_EMAIL link: the
    login goes straight to the app."""
    await update_user(kc, emailVerified=True, requiredActions=[])
    await execute_actions_email(kc, "VERIFY_EMAIL")
    kc.http.cookies.clear()
    await kc.http.get(mail.received[0].link())
    auth_response(await login(kc, await open_login_form(kc), USER))


async def test_verify_email_during_auth_flow_after_logout(kc: Env, mail: Sink) -> None:
    """Logged in while verified, logged out, made unverified with VERIFY_EMAIL: the next login verifies."""
    await update_user(kc, emailVerified=True)
    auth_response(await login(kc, await open_login_form(kc), USER))
    uid = await user_id(kc, USER)
    out = await kc.http.post(f"/admin/realms/test/users/{uid}/logout", headers=await admin_headers(kc))
    assert out.status_code == 204
    kc.http.cookies.clear()
    await update_user(kc, emailVerified=False, requiredActions=["VERIFY_EMAIL"])
    await login_to_verify_page(kc)
    auth_response(await kc.http.get(mail.received[0].link()))


# --- new-framework methods (tests/base/.../tests/actions/RequiredActionEmailVerificationTest.java) -------------
async def register_without_password(kc: Env, name: str) -> httpx.Response:
    """``oauth.openLoginForm(); loginPage.clickRegister(); registerPage.registerWithoutPassword(...)``: the
    verify-email page (Keycloak 26.7 leaves the password to after the e-mail: UPDATE_PASSWORD 57 after VERIFY_EMAIL 50)."""
    page = await open_register(kc)
    assert 'name="password"' not in page.text, page.text[:800]
    fields = {"firstName": "firstName", "lastName": "lastName", "email": f"{name}@mail.com", "username": name}
    verify = await submit(kc.http, page, **fields)
    assert is_verify_email_page(verify), verify.text[:800]
    return verify


async def set_new_password(kc: Env, page: httpx.Response) -> httpx.Response:
    """``updatePasswordPage.changePassword("password", "password")``."""
    assert 'id="kc-passwd-update-form"' in page.text, page.text[:800]
    return await submit(kc.http, page, **{"password-new": "password", "password-confirm": "password"})


async def two_registrations(kc: Env, mail: Sink) -> tuple[str, str, str, str]:
    first, second = "firstregistered", "secondregistered"
    await register_without_password(kc, first)
    await register_without_password(kc, second)
    assert len(mail.received) == 2
    return first, second, mail.received[0].link(), mail.received[1].link()


async def email_verified(kc: Env, username: str) -> bool:
    return bool((await get(kc, f"/users/{await user_id(kc, username)}"))["emailVerified"])


async def test_verify_email_from_another_account_when_user_is_authenticated(kc: Env, mail: Sink) -> None:
    """RequiredActionEmailVerificationTest#verifyEmailFromAnotherAccountWhenUserIsAuthenticated: two
    registrations in one browser; the second's link verifies it and logs in (after the password); the first's
    link then meets "You are already authenticated as different user" and verifies nothing."""
    first, second, link1, link2 = await two_registrations(kc, mail)
    auth_response(await set_new_password(kc, await kc.http.get(link2)))
    await clear(kc)
    page = await kc.http.get(link1)
    assert page.status_code == 400 and DIFFERENT_USER in (error_page_text(page) or ""), page.text[:800]
    assert f"'{second}'" in (error_page_text(page) or "")
    assert not await email_verified(kc, first) and await email_verified(kc, second)
    refused = await expect(kc, "VERIFY_EMAIL_ERROR", user=first, existing_user=await user_id(kc, second))
    assert refused["error"] == "different_user_authenticated", refused


async def test_verify_email_from_another_account_after_emal_is_verified(kc: Env, mail: Sink) -> None:
    """RequiredActionEmailVerificationTest#verifyEmailFromAnotherAccountAfterEmalIsVerified: the first's link
    verifies it and logs in; the second's link then meets "You are already authenticated as different user"."""
    first, second, link1, link2 = await two_registrations(kc, mail)
    await set_new_password(kc, await kc.http.get(link1))
    page = await kc.http.get(link2)
    assert DIFFERENT_USER in (error_page_text(page) or ""), page.text[:800]
    assert await email_verified(kc, first) and not await email_verified(kc, second)


async def test_an_admin_sent_link_of_another_user_is_refused_in_a_logged_in_browser(kc: Env, mail: Sink) -> None:
    """Hostile variant (checkIsUserValid for every action token): a browser logged in as one user opens another
    user's execute-actions link: the error page and EXECUTE_ACTIONS_ERROR different_user_authenticated; the
    link does nothing."""
    await update_user(kc, emailVerified=True)
    assert "code" in auth_response(await login(kc, await open_login_form(kc), USER))
    other = {"username": "other", "email": "other@localhost", "enabled": True, "firstName": "o", "lastName": "o"}
    made = await kc.http.post(f"{ADMIN}/users", json=other, headers=await admin_headers(kc))
    assert made.status_code == 201, made.text
    await execute_actions_email(kc, "UPDATE_PASSWORD", username="other")
    await clear(kc)
    page = await kc.http.get(mail.received[-1].link())
    assert page.status_code == 400 and DIFFERENT_USER in (error_page_text(page) or ""), page.text[:800]
    refused = await expect(
        kc, "EXECUTE_ACTIONS_ERROR", user="other", client="account", existing_user=await user_id(kc, USER)
    )
    assert refused["error"] == "different_user_authenticated", refused


async def test_verify_email_in_new_browser_while_logged_in_first_browser(kc: Env, mail: Sink) -> None:
    """RequiredActionEmailVerificationTest#verifyEmailInNewBrowserWhileLoggedInFirstBrowser: the first browser
    logged in, then asked to verify (the admin's VERIFY_EMAIL); a second browser confirms the link ("Your email
    address has been verified.") and is shown the login form after; the user is verified with no action left,
    and the first browser's next request reaches the app."""
    await update_user(kc, emailVerified=True)
    auth_response(await login(kc, await open_login_form(kc), USER))
    await update_user(kc, emailVerified=False, requiredActions=["VERIFY_EMAIL"])
    assert is_verify_email_page(await open_login_form(kc))
    assert len(mail.received) == 1
    async with client_at(kc, "127.0.0.2") as second:
        confirm = await second.get(mail.received[0].link())
        done = await second.get(proceed_link(confirm))
        assert info(done) == VERIFIED, done.text[:800]
        again = await start(second, "test", APP)
        assert again.status_code == 200 and 'id="kc-login"' in again.text and "Sign in" in again.text
    rep = await user_rep(kc)
    assert rep["emailVerified"] is True and rep["requiredActions"] == []
    auth_response(await open_login_form(kc))  # the refresh: the SSO session answers at once


async def test_verify_email_during_auth_flow_after_refresh(kc: Env, mail: Sink) -> None:
    """RequiredActionEmailVerificationTest#verifyEmailDuringAuthFlowAfterRefresh: logged in in two browsers; the
    admin asks to verify again; the first logs out and in (the verify page); the second, still logged in as the
    same user, confirms the link; the first then logs in from the start and reaches the app."""
    await update_user(kc, emailVerified=True)
    first = auth_response(await login(kc, await open_login_form(kc), USER))
    async with client_at(kc, "127.0.0.2") as second:
        page = await start(second, "test", APP)
        auth_response(await submit(second, page, username=USER, password="password"))
        await update_user(kc, emailVerified=False, requiredActions=["VERIFY_EMAIL"])
        tokens = await kc.http.post(
            "/realms/test/protocol/openid-connect/token",
            data={"grant_type": "authorization_code", "code": first["code"], "redirect_uri": REDIRECT},
            auth=(APP, SECRET),
        )
        assert tokens.status_code == 200, tokens.text
        out = await kc.http.get(
            "/realms/test/protocol/openid-connect/logout", params={"id_token_hint": tokens.json()["id_token"]}
        )
        assert out.status_code in (200, 302), out.text[:800]
        assert is_verify_email_page(await login(kc, await open_login_form(kc), USER))
        confirm = await second.get(mail.received[-1].link())
        done = await second.get(proceed_link(confirm))
        assert info(done) == VERIFIED, done.text[:800]
    page = await open_login_form(kc)  # the refresh, then testAppHelper.login
    if is_login_page(page):
        page = await login(kc, page, USER)
    auth_response(page)
