"""Keycloak's RequiredActionUpdateEmailTestWithVerificationTest with its AbstractRequiredActionUpdateEmailTest
(tests/base/.../tests/actions/, formerly testsuite/integration-arquillian/.../actions/) over HTTP: UPDATE_EMAIL in a
realm whose ``verifyEmail`` is on (``configureTestRealm``), its users verified (``prepareUser``). The new address
waits in ``kc.email.pending`` for the link mailed to it (update-email action token); the link writes and verifies
it and answers "Email updated". The realm and users are imported anew for each test (``update_email_port``), the
mail goes to the test's SMTP sink; the second browser (``driver2``) is a second HTTP client with its own cookies;
``timeOffSet`` is the fake clock.

All 21 Java methods are ported (the five inherited ones too), and one behaviour beyond them (the last test).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

import group_port
import update_email_port as ue
from keycloak_port import get, poll, post, put, user_id
from login_test_realm import (
    APP_BASE,
    error_page_text,
    login,
    open_login_form,
    set_time_offset,
)
from mail_sink import Sink
from reset_password_port import login_elsewhere, user_sessions
from update_profile_port import is_update_profile_page, update, user
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env
TEST_USER, NEW = ue.TEST_USER, "new@localhost"
UPDATED = "The account email has been successfully updated to {0}."
CANCELLED = "This email verification has been cancelled by an administrator."


@pytest.fixture
async def kc(env: Env, mail: Sink) -> AsyncIterator[Env]:
    await ue.import_realm(env, mail, verify=True, actions=[ue.UPDATE_EMAIL])
    yield env
    env.http.cookies.clear()


def is_info_page(page: httpx.Response, text: str) -> bool:
    """``infoPage.assertCurrent()`` with ``infoPage.getInfo()``."""
    return page.status_code == 200 and ue.info(page) == text


async def events_of(kc: Env, type: str) -> list[dict[str, Any]]:
    """``pollForEventType(type)``: the events of that type since the last poll (others dropped)."""
    return [e for e in await poll(kc) if e["type"] == type]


async def send_link(kc: Env, new: str, *, logout: bool = False, username: str = TEST_USER) -> httpx.Response:
    """Log in, the page with the box as asked, the new address sent: the "Confirmation email sent" page."""
    page = await login(kc, await open_login_form(kc), username)
    assert ue.is_update_email_page(page), page.text[:1500]
    assert "A verification email was sent to" not in ue.info(page)
    sent = await ue.change_email(kc, page, new, logout=logout)
    assert ue.is_confirmation_sent_page(sent, new), sent.text[:1500]
    assert ue.info_back_link(sent) == APP_BASE  # info.ftl's "Back to Application": the client's base URL
    return sent


async def change_email_using_required_action(kc: Env, mail: Sink, new: str, logout: bool, as_username: bool) -> None:
    """``changeEmailUsingRequiredAction``: SEND_VERIFY_EMAIL for the new address, the address pending and the old
    one kept (verified), then the link: "Email updated", its "Back to Application", the address written."""
    await send_link(kc, new, logout=logout)
    link = await ue.confirmation_link(mail, new)
    (sent,) = await events_of(kc, "SEND_VERIFY_EMAIL")
    assert sent["details"]["email"] == new, sent
    waiting = await ue.find_user(kc, TEST_USER)
    assert (waiting["email"], waiting["emailVerified"]) == (TEST_USER, True)
    assert ue.UPDATE_EMAIL in waiting["requiredActions"]
    assert waiting["attributes"][ue.PENDING] == [new]
    done = await kc.http.get(link)
    assert is_info_page(done, UPDATED.format(new)), done.text[:1500]
    assert ue.info_back_link(done) == APP_BASE
    found = await ue.find_user(kc, new if as_username else TEST_USER)
    assert ue.PENDING not in (found.get("attributes") or {})
    assert (found["email"], found["emailVerified"]) == (new, True)


async def force_verification(kc: Env, *, realm_verify: bool) -> None:
    """The realm's ``verifyEmail`` as given, the action's ``verifyEmail`` config true."""
    realm = await get(kc, "")
    await put(kc, "", {**realm, "verifyEmail": realm_verify})
    await ue.enable_update_email(kc, verifyEmail="true")


async def logout_user(kc: Env, username: str) -> None:
    """``users().get(id).logout()``, the browser's cookies then cleared (its session is gone)."""
    await post(kc, f"/users/{await user_id(kc, username)}/logout", None)
    kc.http.cookies.clear()


async def user_without_email_updating_profile(kc: Env) -> None:
    found = await ue.find_user(kc, TEST_USER)
    uid = found["id"]
    await put(kc, f"/users/{uid}", {**found, "email": "", "requiredActions": ["UPDATE_PROFILE"]})


# --- AbstractRequiredActionUpdateEmailTest -----------------------------------------------------------------------
async def test_cancel_is_not_displayed(kc: Env) -> None:
    await ue.assert_cancel_is_not_displayed(kc)


async def test_update_email_missing(kc: Env) -> None:
    await ue.assert_update_email_missing(kc)


async def test_update_email_duplicate(kc: Env) -> None:
    await ue.assert_update_email_duplicate(kc)


async def test_update_email_invalid(kc: Env) -> None:
    await ue.assert_update_email_invalid(kc)


async def test_update_email_with_email_as_username_enabled(kc: Env, mail: Sink) -> None:
    await ue.set_email_as_username(kc, True)
    await change_email_using_required_action(kc, mail, NEW, True, True)
    found = await ue.find_user(kc, NEW)
    assert (found["username"], found["firstName"], found["lastName"]) == (NEW, "Tom", "Brady")


# --- RequiredActionUpdateEmailTestWithVerificationTest ---------------------------------------------------------
async def _update_email(kc: Env, mail: Sink, logout: bool) -> None:
    await ue.set_actions(kc, TEST_USER)
    async with client_at(kc, "127.0.0.2") as second:
        await login_elsewhere(second)
    (first,) = await events_of(kc, "LOGIN")
    assert first["details"]["consent"] == "no_consent_required", first
    assert await user_sessions(kc) == [first["sessionId"]]
    await ue.set_actions(kc, TEST_USER, ue.UPDATE_EMAIL)
    await change_email_using_required_action(kc, mail, NEW, logout, False)
    found = await poll(kc)
    (updated,) = [e for e in found if e["type"] == ue.UPDATE_EMAIL]
    ue.assert_update_email_event(updated, TEST_USER, NEW)
    logouts = [e for e in found if e["type"] == "LOGOUT"]
    if logout:
        assert [e["sessionId"] for e in logouts] == [first["sessionId"]], logouts
        assert logouts[0]["details"]["logout_triggered_by_action_token"] == "update-email", logouts
        assert await user_sessions(kc) == []
    else:
        assert logouts == [] and await user_sessions(kc) == [first["sessionId"]]
    done = await ue.find_user(kc, TEST_USER)
    assert done["email"] == NEW and ue.UPDATE_EMAIL not in done["requiredActions"]


async def test_update_email_logout_sessions_checked(kc: Env, mail: Sink) -> None:
    await _update_email(kc, mail, True)


async def test_update_email_logout_sessions_not_checked(kc: Env, mail: Sink) -> None:
    await _update_email(kc, mail, False)


async def test_pending_verification_is_not_displayed_on_first_visit(kc: Env) -> None:
    page = await login(kc, await open_login_form(kc), TEST_USER)
    assert ue.is_update_email_page(page)
    assert "A verification email was sent to" not in ue.info(page)


async def test_confirm_email_update_after_third_party_email_update(kc: Env, mail: Sink) -> None:
    """The user's address changed meanwhile: the link is stale, UPDATE_EMAIL stays."""
    await send_link(kc, NEW)
    link = await ue.confirmation_link(mail, NEW)
    found = await ue.find_user(kc, TEST_USER)
    await put(kc, f"/users/{found['id']}", {**found, "email": "very-new@localhost", "emailVerified": True})
    refused = await kc.http.get(link)
    assert error_page_text(refused) == ue.STALE, refused.text[:1500]
    assert ue.UPDATE_EMAIL in (await ue.find_user(kc, TEST_USER))["requiredActions"]


async def test_skip_head_request_when_following_verification_link(kc: Env, mail: Sink) -> None:
    """A HEAD of the link answers 200 and spends nothing: the GET then updates the address."""
    await send_link(kc, NEW)
    link = await ue.confirmation_link(mail, NEW)
    async with client_at(kc, "127.0.0.3") as scanner:
        assert (await scanner.head(link)).status_code == 200
    assert (await ue.find_user(kc, TEST_USER))["email"] == TEST_USER
    assert is_info_page(await kc.http.get(link), UPDATED.format(NEW))


async def test_force_email_verification(kc: Env, mail: Sink) -> None:
    """The realm's verifyEmail off, the action's config forcing it: the address still waits for its link."""
    await force_verification(kc, realm_verify=False)
    await send_link(kc, NEW)
    assert is_info_page(await kc.http.get(await ue.confirmation_link(mail, NEW)), UPDATED.format(NEW))


async def test_force_email_verification_when_updating_email_in_update_profile_context(kc: Env, mail: Sink) -> None:
    """The address typed on the update-profile page (the user has none) is mailed its link at once."""
    await force_verification(kc, realm_verify=False)
    await user_without_email_updating_profile(kc)
    page = await login(kc, await open_login_form(kc), TEST_USER)
    sent = await update(kc, page, firstName="f", lastName="l", email="new-email@localhost")
    assert ue.is_confirmation_sent_page(sent, "new-email@localhost"), sent.text[:1500]
    done = await kc.http.get(await ue.confirmation_link(mail, "new-email@localhost"))
    assert is_info_page(done, UPDATED.format("new-email@localhost"))
    assert (await ue.find_user(kc, TEST_USER))["email"] == "new-email@localhost"


async def test_force_email_verification_when_updating_email_in_update_profile_context_if_email_not_confirmed(
    kc: Env, mail: Sink
) -> None:
    """A login before the link is followed gets UPDATE_EMAIL with the pending address and its message; the form
    sent again mails a new link, which updates the address."""
    await force_verification(kc, realm_verify=False)
    await user_without_email_updating_profile(kc)
    page = await login(kc, await open_login_form(kc), TEST_USER)
    await update(kc, page, firstName="f", lastName="l", email="new-email@localhost")
    assert await ue.confirmation_link(mail, "new-email@localhost")
    await logout_user(kc, TEST_USER)
    page = await login(kc, await open_login_form(kc), TEST_USER)
    assert ue.is_update_email_page(page), page.text[:1500]
    assert "A verification email was sent to new-email@localhost" in ue.info(page)
    assert ue.email_value(page) == "new-email@localhost"
    mail.received.clear()
    set_time_offset(kc, 40)  # past the first link's cooldown
    sent = await ue.change_email(kc, page, "new-email@localhost")
    assert ue.is_confirmation_sent_page(sent, "new-email@localhost"), sent.text[:1500]
    assert is_info_page(
        await kc.http.get(await ue.confirmation_link(mail, "new-email@localhost")),
        UPDATED.format("new-email@localhost"),
    )
    assert (await ue.find_user(kc, TEST_USER))["email"] == "new-email@localhost"


async def test_force_email_verification_when_updating_email_in_update_profile_context_when_verify_email_enabled(
    kc: Env,
) -> None:
    """With the realm's verifyEmail on too, UPDATE_EMAIL takes precedence over VERIFY_EMAIL."""
    await ue.enable_update_email(kc, verifyEmail="true")
    await user_without_email_updating_profile(kc)
    page = await login(kc, await open_login_form(kc), TEST_USER)
    await update(kc, page, firstName="f", lastName="l", email="new-email@localhost")
    found = await ue.find_user(kc, TEST_USER)
    assert found["requiredActions"][:1] == [ue.UPDATE_EMAIL], found


async def test_confirm_email_after_duplicate_email_set_for_third_party_account(kc: Env, mail: Sink) -> None:
    """Another user took the address meanwhile: the link's error page says so, UPDATE_EMAIL stays."""
    await send_link(kc, NEW)
    link = await ue.confirmation_link(mail, NEW)
    other = await ue.find_user(kc, ue.JOHN)
    await put(kc, f"/users/{other['id']}", {**other, "email": NEW, "emailVerified": True})
    refused = await kc.http.get(link)
    assert refused.status_code == 400 and error_page_text(refused) == "Email already exists."
    assert ue.UPDATE_EMAIL in (await ue.find_user(kc, TEST_USER))["requiredActions"]


async def test_force_email_verification_with_update_profile_and_existing_email(kc: Env) -> None:
    """An unverified address and only the names updated: VERIFY_EMAIL's page follows."""
    await ue.enable_update_email(kc, verifyEmail="true")
    rep = user("profile-test-user@localhost", "Tom", "Brady", requiredActions=["UPDATE_PROFILE"])
    await post(kc, "/users", rep, status=201)
    page = await login(kc, await open_login_form(kc), "profile-test-user@localhost")
    done = await update(kc, page, firstName="Updated", lastName="Name")
    assert done.status_code == 200 and "Email verification" in done.text, done.text[:1500]


async def test_email_verification_pending_message_on_re_authentication(kc: Env, mail: Sink) -> None:
    await ue.enable_update_email(kc, verifyEmail="true")
    rep = user("pendinguser", "John", "Doe", email="", requiredActions=["UPDATE_PROFILE"])
    await post(kc, "/users", rep, status=201)
    page = await login(kc, await open_login_form(kc), "pendinguser")
    assert is_update_profile_page(page)
    sent = await update(kc, page, firstName="John", lastName="Doe", email="pending@localhost")
    found = await ue.find_user(kc, "pendinguser")
    assert found.get("email") is None and ue.UPDATE_EMAIL in found["requiredActions"]
    assert ue.info(sent) == (
        "A confirmation email has been sent to pending@localhost. You must follow the instructions of the former to "
        "complete the email update."
    )
    kc.http.cookies.clear()
    page = await login(kc, await open_login_form(kc), "pendinguser")
    assert ue.is_update_email_page(page), page.text[:1500]
    assert "A verification email was sent to pending@localhost" in ue.info(page)
    assert ue.email_value(page) == "pending@localhost"
    await ue.change_email(kc, page, "pending@localhost")
    assert await ue.confirmation_link(mail, "pending@localhost")


async def test_pending_verification_message_with_realm_verification_enabled(kc: Env, mail: Sink) -> None:
    rep = user("realmverifyuser", "John", "Doe", emailVerified=True, requiredActions=[ue.UPDATE_EMAIL])
    await post(kc, "/users", {**rep, "email": "realmverifyuser@localhost"}, status=201)
    await poll(kc)
    await send_link(kc, "realmverify@localhost", username="realmverifyuser")
    link = await ue.confirmation_link(mail, "realmverify@localhost")
    (sent,) = await events_of(kc, "SEND_VERIFY_EMAIL")
    assert sent["details"]["email"] == "realmverify@localhost", sent
    assert sent["userId"] == await user_id(kc, "realmverifyuser")
    await logout_user(kc, "realmverifyuser")
    page = await login(kc, await open_login_form(kc), "realmverifyuser")
    assert "A verification email was sent to realmverify@localhost" in ue.info(page)
    assert is_info_page(await kc.http.get(link), UPDATED.format("realmverify@localhost"))


async def test_update_profile_with_verification_when_email_is_not_set_and_is_writable(kc: Env, mail: Sink) -> None:
    await ue.set_actions(kc, TEST_USER, "UPDATE_PROFILE")
    await ue.clear_email(kc, TEST_USER)
    page = await login(kc, await open_login_form(kc), TEST_USER)
    assert is_update_profile_page(page) and ue.email_input_present(page)
    sent = await update(kc, page, firstName="Tom", lastName="Brady", email=TEST_USER)
    assert "A confirmation email has been sent to test-user@localhost." in sent.text
    link = await ue.confirmation_link(mail, TEST_USER)
    found = await ue.find_user(kc, TEST_USER)
    assert found["requiredActions"] == [ue.UPDATE_EMAIL] and found["attributes"][ue.PENDING] == [TEST_USER]
    assert found.get("email") is None
    done = await kc.http.get(link)
    assert is_info_page(done, UPDATED.format(TEST_USER))
    assert ue.info_back_link(done) == APP_BASE


async def test_email_verification_cancelled_by_admin(kc: Env, mail: Sink) -> None:
    """The administrator empties the pending address: the link's error page says the verification is cancelled."""
    await send_link(kc, NEW)
    (sent,) = await events_of(kc, "SEND_VERIFY_EMAIL")
    assert sent["details"]["email"] == NEW
    found = await ue.find_user(kc, TEST_USER)
    assert found["attributes"][ue.PENDING] == [NEW] and ue.UPDATE_EMAIL in found["requiredActions"]
    link = await ue.confirmation_link(mail, NEW)
    attributes = {**found["attributes"], ue.PENDING: [""]}
    await put(kc, f"/users/{found['id']}", {**found, "attributes": attributes})
    refused = await kc.http.get(link)
    assert error_page_text(refused) == CANCELLED, refused.text[:1500]


async def test_update_email_verification_resend_too_fast(kc: Env, mail: Sink) -> None:
    """Within the 30 s cooldown the form again, "You must wait…", the pending address, nothing mailed; after it
    a second link goes."""
    sent = await send_link(kc, "newemail@localhost")
    assert "A confirmation email has been sent to newemail@localhost." in sent.text
    await ue.confirmation_link(mail, "newemail@localhost")
    await logout_user(kc, TEST_USER)
    page = await login(kc, await open_login_form(kc), TEST_USER)
    refused = await ue.change_email(kc, page, "newemail@localhost")
    assert ue.is_update_email_page(refused) and "You must wait" in refused.text
    assert ue.email_value(refused) == "newemail@localhost"
    assert len(mail.received) == 1
    set_time_offset(kc, 40)
    await logout_user(kc, TEST_USER)
    page = await login(kc, await open_login_form(kc), TEST_USER)
    mail.received.clear()
    assert ue.is_confirmation_sent_page(await ue.change_email(kc, page, "newemail@localhost"), "newemail@localhost")
    assert await ue.confirmation_link(mail, "newemail@localhost")


async def test_update_profile_writes_the_email_when_the_action_config_was_never_saved(kc: Env, mail: Sink) -> None:
    """Beyond the Java class: UpdateEmail.isVerifyEmailEnabled(realm), which UpdateProfile asks, is false for an
    action without a saved config, so the address typed on the update-profile page is written at once (then
    VERIFY_EMAIL, the realm's verifyEmail being on) and no update-email link goes."""
    await ue.enable_update_email(kc)  # no config
    await user_without_email_updating_profile(kc)
    page = await login(kc, await open_login_form(kc), TEST_USER)
    done = await update(kc, page, firstName="f", lastName="l", email="new-email@localhost")
    assert done.status_code == 200 and "Email verification" in done.text, done.text[:1500]
    found = await ue.find_user(kc, TEST_USER)
    assert (found["email"], found["emailVerified"]) == ("new-email@localhost", False)
    assert ue.UPDATE_EMAIL not in found["requiredActions"]
    assert ue.PENDING not in (found.get("attributes") or {})
