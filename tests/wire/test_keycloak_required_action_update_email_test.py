"""Keycloak's RequiredActionUpdateEmailTest with its AbstractRequiredActionUpdateEmailTest (tests/base/.../tests/
actions/, formerly testsuite/integration-arquillian/.../actions/) over HTTP: the UPDATE_EMAIL required action
without verification (the realm's ``verifyEmail`` off, the action's ``verifyEmail`` config false), the address
written at once with UPDATE_EMAIL's ``previous_email`` and ``updated_email``, and the update-profile page while
UPDATE_EMAIL is enabled (the e-mail shown only to a user without one). ``beforeTest``'s users are imported with the
realm anew for each test (``update_email_port``); the second browser (``driver2``) is a second HTTP client with
its own cookies.

All 12 Java methods are ported (the five inherited ones too). testFailWhenSendingVerificationEmail's realm has no
working SMTP server: the link is mailed before the page is answered, as Keycloak does, and the failure is its
error page.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

import group_port
import update_email_port as ue
from keycloak_port import get, poll, put, user_id
from login_test_realm import auth_response, error_page_text, login, open_login_form
from mail_sink import Sink
from otp_port import Events
from reset_password_port import login_elsewhere, user_sessions
from update_profile_port import is_update_profile_page, update
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env
TEST_USER = ue.TEST_USER
ADMIN_EDIT_ONLY = {"view": ["admin", "user"], "edit": ["admin"]}


@pytest.fixture
async def kc(env: Env, mail: Sink) -> AsyncIterator[Env]:
    await ue.import_realm(env, mail, verify=False, actions=[ue.UPDATE_EMAIL])
    yield env
    env.http.cookies.clear()


@pytest.fixture
def events(kc: Env) -> Events:
    return Events(kc)


async def change_email_using_required_action(kc: Env, new: str, logout: bool) -> Any:
    """``changeEmailUsingRequiredAction``: log in, the page with the box as asked, the address sent."""
    page = await login(kc, await open_login_form(kc), TEST_USER)
    assert ue.is_update_email_page(page), page.text[:1500]
    assert not ue.logout_sessions_checked(page)
    return await ue.change_email(kc, page, new, logout=logout)


# --- AbstractRequiredActionUpdateEmailTest -----------------------------------------------------------------------
async def test_cancel_is_not_displayed(kc: Env) -> None:
    await ue.assert_cancel_is_not_displayed(kc)


async def test_update_email_missing(kc: Env) -> None:
    await ue.assert_update_email_missing(kc)


async def test_update_email_duplicate(kc: Env) -> None:
    await ue.assert_update_email_duplicate(kc)


async def test_update_email_invalid(kc: Env) -> None:
    await ue.assert_update_email_invalid(kc)


async def test_update_email_with_email_as_username_enabled(kc: Env) -> None:
    await ue.set_email_as_username(kc, True)
    before = await ue.find_user(kc, TEST_USER)
    assert before["firstName"] and before["lastName"]
    auth_response(await change_email_using_required_action(kc, "new@localhost", True))
    after = await ue.find_user(kc, "new@localhost")
    assert (after["username"], after["email"]) == ("new@localhost", "new@localhost")
    assert (after["firstName"], after["lastName"]) == ("Tom", "Brady")


# --- RequiredActionUpdateEmailTest ------------------------------------------------------------------------------
async def _update_email(kc: Env, events: Events, logout: bool) -> None:
    await ue.set_actions(kc, TEST_USER)
    async with client_at(kc, "127.0.0.2") as second:
        await login_elsewhere(second)
    first = await events.expect_login()
    assert await user_sessions(kc) == [first["sessionId"]]
    await ue.set_actions(kc, TEST_USER, ue.UPDATE_EMAIL)
    done = await change_email_using_required_action(kc, "new@localhost", logout)
    if logout:
        ended = await events.expect("LOGOUT", logout_triggered_by_required_action=ue.UPDATE_EMAIL)
        assert ended["sessionId"] == first["sessionId"], ended
    ue.assert_update_email_event(await events.next(), TEST_USER, "new@localhost")
    assert "code" in auth_response(done)
    this = await events.expect_login()
    sessions = await user_sessions(kc)
    if logout:
        assert sessions == [this["sessionId"]]
    else:
        assert sorted(sessions) == sorted([first["sessionId"], this["sessionId"]])
    found = await ue.find_user(kc, TEST_USER)
    assert (found["email"], found["firstName"], found["lastName"]) == ("new@localhost", "Tom", "Brady")
    assert ue.UPDATE_EMAIL not in found["requiredActions"]


async def test_update_email_logout_sessions_checked(kc: Env, events: Events) -> None:
    await _update_email(kc, events, True)


async def test_update_email_logout_sessions_not_checked(kc: Env, events: Events) -> None:
    await _update_email(kc, events, False)


async def test_update_email_required_action_when_email_is_readonly(kc: Env) -> None:
    """An e-mail the user may not edit: the action is cleared unseen and the login goes on."""
    await ue.set_email_permissions(kc, ADMIN_EDIT_ONLY)
    await ue.set_actions(kc, TEST_USER, ue.UPDATE_EMAIL)
    assert len((await ue.find_user(kc, TEST_USER))["requiredActions"]) == 1
    assert "code" in auth_response(await login(kc, await open_login_form(kc), TEST_USER))
    assert (await ue.find_user(kc, TEST_USER))["requiredActions"] == []


async def test_update_profile_when_email_is_set_and_is_writable(kc: Env) -> None:
    await ue.set_actions(kc, TEST_USER, "UPDATE_PROFILE")
    page = await login(kc, await open_login_form(kc), TEST_USER)
    assert is_update_profile_page(page) and not ue.email_input_present(page)
    assert "code" in auth_response(await update(kc, page, firstName="Tom", lastName="Brady"))
    assert (await ue.find_user(kc, TEST_USER))["requiredActions"] == []


async def test_update_profile_when_email_not_set_and_is_writable(kc: Env) -> None:
    await ue.set_actions(kc, TEST_USER, "UPDATE_PROFILE")
    await ue.clear_email(kc, TEST_USER)
    page = await login(kc, await open_login_form(kc), TEST_USER)
    assert is_update_profile_page(page) and ue.email_input_present(page)
    done = await update(kc, page, firstName="Tom", lastName="Brady", email=TEST_USER)
    assert "code" in auth_response(done)
    found = await ue.find_user(kc, TEST_USER)
    assert found["requiredActions"] == [] and ue.PENDING not in (found.get("attributes") or {})
    assert found["email"] == TEST_USER


async def test_update_profile_when_email_not_set_and_is_not_writable(kc: Env) -> None:
    await ue.set_email_permissions(kc, ADMIN_EDIT_ONLY)
    await ue.set_actions(kc, TEST_USER, "UPDATE_PROFILE")
    await ue.clear_email(kc, TEST_USER)
    page = await login(kc, await open_login_form(kc), TEST_USER)
    assert is_update_profile_page(page) and not ue.email_input_present(page)
    assert "code" in auth_response(await update(kc, page, firstName="Tom", lastName="Brady"))
    found = await ue.find_user(kc, TEST_USER)
    assert found["requiredActions"] == [] and ue.PENDING not in (found.get("attributes") or {})
    assert found.get("email") is None


async def test_fail_when_sending_verification_email(kc: Env) -> None:
    """Verification forced by the action's config, and no SMTP server: the e-mail typed on the update-profile
    page ends on the error page (500); the user keeps UPDATE_EMAIL, no pending address and no e-mail."""
    realm = await get(kc, "")
    await put(kc, "", {**realm, "smtpServer": {}})
    await ue.enable_update_email(kc, verifyEmail="true")
    await ue.set_actions(kc, TEST_USER, "UPDATE_PROFILE")
    await ue.clear_email(kc, TEST_USER)
    page = await login(kc, await open_login_form(kc), TEST_USER)
    assert is_update_profile_page(page) and ue.email_input_present(page)
    await poll(kc)
    failed = await update(kc, page, firstName="Tom", lastName="Brady", email=TEST_USER)
    assert failed.status_code == 500, failed.status_code
    assert error_page_text(failed) == "Failed to send email, please try again later."
    found = await ue.find_user(kc, TEST_USER)
    assert found["requiredActions"] == [ue.UPDATE_EMAIL]
    assert ue.PENDING not in (found.get("attributes") or {}) and found.get("email") is None
    uid = await user_id(kc, TEST_USER)
    mine = [(e["type"], e.get("error")) for e in await poll(kc) if e.get("userId") == uid]
    assert ("SEND_VERIFY_EMAIL_ERROR", "email_send_failed") in mine, mine
