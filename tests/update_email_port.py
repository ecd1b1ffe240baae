"""The realm and page objects the wire ports of Keycloak's UPDATE_EMAIL tests share (RequiredActionUpdateEmail*,
AppInitiatedActionUpdateEmail*, their Abstract* bases; testsuite/.../actions/).

``beforeTest`` creates test-user@localhost (Tom Brady) and john-doh@localhost, each with the e-mail its username
(verified in the WithVerification classes, whose ``configureTestRealm`` turns the realm's ``verifyEmail`` on),
the required-action classes giving both UPDATE_EMAIL. The Java classes run with the ``update-email`` feature,
on by default in Keycloak 26, whose realms register the action disabled: ``enable_update_email`` enables it, as
the test realm the Java suite imports has it. The realm's SMTP server is the test's sink (``mail``).
``updateEmailPage`` / ``emailUpdatePage`` read update-email.ftl's HTML.
"""

from __future__ import annotations

import html
import re
from typing import Any

import httpx

from browser_flow import submit
from group_port import fresh_realm
from keycloak_port import get, poll, put, user_id
from login_test_realm import APP, APP_BASE, PASSWORD, SECRET, auth_response, login, mark_start, open_login_form
from mail_sink import Sink
from waiting import polling
from wire_env import Env

TEST_USER, JOHN = "test-user@localhost", "john-doh@localhost"
UPDATE_EMAIL = "UPDATE_EMAIL"
PENDING = "kc.email.pending"  # UserModel.EMAIL_PENDING
STALE = "The link you clicked is an old stale link and is no longer valid. Maybe you have already verified your email."


def user(username: str, first: str, last: str, **extra: Any) -> dict[str, Any]:
    """``UserBuilder...build()`` with ``createUserAndResetPasswordWithAdminClient``'s password."""
    credentials = [{"type": "password", "value": PASSWORD, "temporary": False}]
    rep = {"username": username, "email": username, "firstName": first, "lastName": last, "enabled": True}
    return {**rep, "credentials": credentials, **extra}


async def import_realm(env: Env, mail: Sink, *, verify: bool, actions: list[str]) -> None:
    """Realm ``test`` anew: ``verify`` the WithVerification classes' realm (``verifyEmail`` on, users verified),
    ``actions`` each user's required actions; UPDATE_EMAIL enabled."""
    extra = {"emailVerified": True} if verify else {}
    users = [user(TEST_USER, "Tom", "Brady", requiredActions=actions, **extra)]
    users.append(user(JOHN, "John", "Doh", requiredActions=actions, **extra))
    rep = {
        "realm": "test",
        "enabled": True,
        "eventsEnabled": True,
        "verifyEmail": verify,
        "smtpServer": mail.settings(),
        "clients": [
            {"clientId": APP, "secret": SECRET, "baseUrl": APP_BASE, "redirectUris": ["http://127.0.0.1:9999/*"]}
        ],
        "users": users,
    }
    env.http.cookies.clear()
    await fresh_realm(env, rep)
    await enable_update_email(env, verifyEmail="false")  # beforeTest's updateRequiredActionConfig
    mark_start(env)


async def enable_update_email(env: Env, **config: str) -> None:
    """The realm's UPDATE_EMAIL required action enabled, with ``config`` (``verifyEmail``: forced verification)."""
    rep = {
        "alias": UPDATE_EMAIL,
        "name": "Update Email",
        "providerId": UPDATE_EMAIL,
        "enabled": True,
        "defaultAction": False,
        "priority": 70,
        "config": config,
    }
    await put(env, f"/authentication/required-actions/{UPDATE_EMAIL}", rep)


async def set_actions(env: Env, username: str, *actions: str) -> None:
    """``configureRequiredActionsToUser(username, actions...)``."""
    uid = await user_id(env, username)
    found = await get(env, f"/users/{uid}")
    await put(env, f"/users/{uid}", {**found, "requiredActions": list(actions)})


async def clear_email(env: Env, username: str) -> None:
    """``rep.setEmail(""); testUser.update(rep)``."""
    uid = await user_id(env, username)
    found = await get(env, f"/users/{uid}")
    await put(env, f"/users/{uid}", {**found, "email": ""})


async def set_email_permissions(env: Env, permissions: dict[str, list[str]]) -> None:
    """The user profile's ``email`` attribute with these ``permissions`` (``UPAttributePermissions``)."""
    config = await get(env, "/users/profile")
    attributes = [{**a, "permissions": permissions} if a["name"] == "email" else a for a in config["attributes"]]
    await put(env, "/users/profile", {**config, "attributes": attributes}, status=200)


async def set_email_as_username(env: Env, enabled: bool) -> None:
    """``setRegistrationEmailAsUsername(testRealm(), enabled)``."""
    realm = await get(env, "")
    await put(env, "", {**realm, "registrationEmailAsUsername": enabled})


# --- updateEmailPage ---------------------------------------------------------------------------------
def is_update_email_page(page: httpx.Response) -> bool:
    """``updateEmailPage.assertCurrent()``."""
    return page.status_code == 200 and 'id="kc-update-email-form"' in page.text


def cancel_displayed(page: httpx.Response) -> bool:
    """``updateEmailPage.isCancelDisplayed()``."""
    return 'id="kc-cancel"' in page.text


def email_value(page: httpx.Response) -> str:
    """``updateEmailPage.getEmail()``."""
    found = re.search(r'<input type="email" id="email" name="email" value="([^"]*)"', page.text)
    assert found, page.text[:1500]
    return html.unescape(found[1])


def email_error(page: httpx.Response) -> str | None:
    """``updateEmailPage.getEmailInputError()``."""
    found = re.search(r'<span id="input-error-email"[^>]*>([^<]*)</span>', page.text)
    return html.unescape(found[1]) if found else None


def info(page: httpx.Response) -> str:
    """``updateEmailPage.getInfo()`` / ``infoPage.getInfo()``: the page's info messages."""
    texts = re.findall(r'<(?:div id="input-error" class="info"|p class="instruction")>([^<]*)<', page.text)
    return " ".join(html.unescape(t) for t in texts)


def email_input_present(page: httpx.Response) -> bool:
    """``updateProfilePage.isEmailInputPresent()``."""
    return re.search(r'<input type="[a-z]+" id="email" name="email"', page.text) is not None


def info_back_link(page: httpx.Response) -> str | None:
    """``infoPage.clickBackToApplicationLink()``'s target: info.ftl's "« Back to Application"."""
    found = re.search(r'<a id="kc-back" href="([^"]*)"', page.text)
    return html.unescape(found[1]) if found else None


def logout_sessions_checked(page: httpx.Response) -> bool:
    """``updateEmailPage.isLogoutSessionsChecked()``."""
    found = re.search(r'<input type="checkbox" id="logout-sessions"[^>]*>', page.text)
    assert found, page.text[:1500]
    return " checked" in found[0]


async def change_email(env: Env, page: httpx.Response, email: str, *, logout: bool = False) -> httpx.Response:
    """``updateEmailPage.changeEmail(email)``, after ``checkLogoutSessions()`` when ``logout``."""
    assert is_update_email_page(page), page.text[:1500]
    fields = {"email": email, "logout-sessions": "on"} if logout else {"email": email}
    return await submit(env.http, page, **fields)


async def cancel(env: Env, page: httpx.Response) -> httpx.Response:
    """``emailUpdatePage.cancel()``: the ``cancel-aia`` button."""
    assert cancel_displayed(page), page.text[:1500]
    return await submit(env.http, page, **{"cancel-aia": "true"})


def is_confirmation_sent_page(page: httpx.Response, email: str) -> bool:
    """UpdateEmail's info page once the link is mailed."""
    sent = f"A confirmation email has been sent to {email}."
    return page.status_code == 200 and "Confirmation email sent" in page.text and sent in page.text


async def confirmation_link(mail: Sink, to: str) -> str:
    """``fetchEmailConfirmationLink(to)``: the one message received (sent after the page answered), to ``to``."""
    async for _ in polling():
        if mail.received:
            break
    assert len(mail.received) == 1, [m.recipients for m in mail.received]
    assert mail.received[0].recipients == [to]
    return html.unescape(mail.received[0].link())


async def find_user(env: Env, username: str) -> dict[str, Any]:
    """``ActionUtil.findUserWithAdminClient``."""
    found: dict[str, Any] = await get(env, f"/users/{await user_id(env, username)}")
    return found


def assert_update_email_event(event: dict[str, Any], previous: str, updated: str) -> None:
    """``expect(EventType.UPDATE_EMAIL).detail(PREVIOUS_EMAIL, ..).detail(UPDATED_EMAIL, ..)``."""
    assert event["type"] == UPDATE_EMAIL and event.get("error") is None, event
    assert event["clientId"] == APP, event
    assert (event["details"].get("previous_email"), event["details"].get("updated_email")) == (previous, updated)


# --- the methods AbstractRequiredActionUpdateEmailTest gives both required-action classes --------------------------
async def _login_page(env: Env, username: str = TEST_USER) -> httpx.Response:
    page = await login(env, await open_login_form(env), username)
    assert is_update_email_page(page), page.text[:1500]
    return page


async def assert_cancel_is_not_displayed(env: Env) -> None:
    """``cancelIsNotDisplayed``."""
    assert not cancel_displayed(await _login_page(env))


async def _refused(env: Env, username: str, typed: str, error: str) -> None:
    page = await change_email(env, await _login_page(env, username), typed)
    assert is_update_email_page(page), page.text[:1500]
    assert (email_value(page), email_error(page)) == (typed, error)
    assert await poll(env) == []


async def assert_update_email_missing(env: Env) -> None:
    """``updateEmailMissing``: the form again, "Please specify email.", no event."""
    await poll(env)
    await _refused(env, TEST_USER, "", "Please specify email.")


async def assert_update_email_duplicate(env: Env) -> None:
    """``updateEmailDuplicate``: another user's address is "Email already exists."."""
    await poll(env)
    await _refused(env, JOHN, TEST_USER, "Email already exists.")


async def assert_update_email_invalid(env: Env) -> None:
    """``updateEmailInvalid``: "Invalid email address."."""
    await poll(env)
    await _refused(env, TEST_USER, "invalid", "Invalid email address.")


# --- AbstractAppInitiatedActionUpdateEmailTest ------------------------------------------------------------------
async def do_aia(env: Env) -> httpx.Response:
    """``doAIA()``: the authorization request with ``kc_action=UPDATE_EMAIL``."""
    return await open_login_form(env, kc_action=UPDATE_EMAIL)


def assert_kc_action_status(response: httpx.Response, status: str) -> dict[str, str]:
    """``assertKcAction(UPDATE_EMAIL)`` and ``assertKcActionStatus(status)``."""
    params = auth_response(response)
    assert (params.get("kc_action"), params.get("kc_action_status")) == (UPDATE_EMAIL, status), params
    return params


async def aia_page(env: Env) -> httpx.Response:
    """``doAIA(); loginPage.login(...)``: the update-email page, with its cancel button."""
    page = await login(env, await do_aia(env), TEST_USER)
    assert is_update_email_page(page) and cancel_displayed(page), page.text[:1500]
    return page


async def assert_cancel_update_email(env: Env) -> None:
    """``cancelUpdateEmail``: ``kc_action_status=cancelled``, the address kept."""
    assert_kc_action_status(await cancel(env, await aia_page(env)), "cancelled")
    assert (await find_user(env, TEST_USER))["email"] == TEST_USER


async def _aia_refused(env: Env, typed: str, error: str) -> None:
    page = await change_email(env, await aia_page(env), typed)
    assert is_update_email_page(page) and email_error(page) == error, page.text[:1500]
    assert (await find_user(env, TEST_USER))["email"] == TEST_USER


async def assert_update_to_existing_email(env: Env) -> None:
    """``updateToExistingEmail``."""
    await _aia_refused(env, JOHN, "Email already exists.")


async def assert_update_to_invalid_email(env: Env) -> None:
    """``updateToInvalidEmail``."""
    await _aia_refused(env, "invalidemail", "Invalid email address.")


async def assert_update_to_blank_email(env: Env) -> None:
    """``updateToBlankEmail``."""
    await _aia_refused(env, "", "Please specify email.")
