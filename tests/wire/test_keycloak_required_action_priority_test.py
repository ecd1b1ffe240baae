"""Keycloak's RequiredActionPriorityTest (testsuite/integration-arquillian/tests/base/.../actions/
RequiredActionPriorityTest.java) over HTTP: the user's required actions, the login's own (an e-mailed reset
link's UPDATE_PASSWORD) and a ``kc_action`` run in the realm's priority order, which the admin API changes with
``raise-priority``, each with its events. One app for the module (``group_port.shared_env``), the realm imported
anew for each test (``isImportAfterEachMethod``): ``resetPasswordAllowed``, the SMTP sink, TERMS_AND_CONDITIONS
enabled (the Java ``beforeEach``) and ``test-user@localhost`` (Tom Brady, password ``password``).

executeRequiredActionsWithDefaultPriority follows Keycloak 26's DefaultRequiredActions (TERMS_AND_CONDITIONS 20,
UPDATE_PASSWORD 30, UPDATE_PROFILE 40) and the method's own comment, which the port gives its realm
(``register_port.rank_as_keycloak_26``); the new-framework revision drives the profile page before the password
page because Keycloak 26.7 ranks UPDATE_PASSWORD 57 (keycloak PR 47538), as Doorkeep's new realms do, ported as
its own test on the realm as imported.

executeRequiredActionWithCustomPriorityAppliesSamePriorityToSessionAndUserActions, which needs VERIFY_PROFILE on
the realm, is ported in test_kc_new_required_action_priority.py.

Keycloak 26 words the Configure OTP page's link "Scan QR-Code?" (messages_en.properties); the Java test's
"Scan barcode?" is an older theme's, so setupTotpAfterUpdatePassword checks the current text.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

import group_port
from browser_flow import submit
from group_port import fresh_realm
from keycloak_port import get, put, update_realm, user_id
from mail_sink import Sink
from otp_port import (
    SCAN_QR,
    UNABLE_TO_SCAN,
    USER,
    Events,
    auth_response,
    click,
    client_rep,
    configure,
    is_config_totp_page,
    is_login_page,
    login,
    open_login,
    shows,
    totp,
    totp_secret,
    user_rep,
)
from register_port import rank_as_keycloak_26
from required_action_order import (
    accept_terms,
    enable_action,
    expect_required_action,
    require,
    success,
    update_order,
)
from reset_password_port import change_password, is_update_password_page
from update_profile_port import is_update_profile_page, update
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

NEW_EMAIL, NEW_FIRST, NEW_LAST, NEW_PASSWORD = "new@email.com", "New first", "New last", "new-password"
SENT = "You should receive an email shortly with further instructions."
CUSTOM_ORDER = ["UPDATE_PASSWORD", "UPDATE_PROFILE", "TERMS_AND_CONDITIONS"]


@pytest.fixture
async def kc(env: Env, mail: Sink) -> AsyncIterator[Env]:
    rep = {
        "realm": "test",
        "enabled": True,
        "eventsEnabled": True,
        "resetPasswordAllowed": True,
        "smtpServer": mail.settings(),
        "clients": [client_rep()],
        "users": [user_rep(USER, firstName="Tom", lastName="Brady", emailVerified=True)],
    }
    env.http.cookies.clear()
    await fresh_realm(env, rep)
    await enable_action(env, "TERMS_AND_CONDITIONS")
    yield env
    env.http.cookies.clear()


@pytest.fixture
def events(kc: Env) -> Events:
    return Events(kc)


async def password_changed(kc: Env, events: Events, page: httpx.Response) -> httpx.Response:
    """``changePasswordPage.changePassword(NEW_PASSWORD, NEW_PASSWORD)`` and its two events."""
    assert is_update_password_page(page), page.text[:800]
    answer = await change_password(kc, page, NEW_PASSWORD, NEW_PASSWORD)
    await expect_required_action(events, "UPDATE_PASSWORD", credential_type="password")
    await expect_required_action(events, "UPDATE_CREDENTIAL", credential_type="password")
    return answer


async def profile_updated(kc: Env, events: Events, page: httpx.Response) -> httpx.Response:
    """``updateProfilePage.prepareUpdate().firstName(..).lastName(..).email(..).submit()`` and UPDATE_PROFILE."""
    answer = await update(kc, page, firstName=NEW_FIRST, lastName=NEW_LAST, email=NEW_EMAIL)
    changes = {"updated_first_name": NEW_FIRST, "updated_last_name": NEW_LAST}
    await expect_required_action(events, "UPDATE_PROFILE", previous_email=USER, updated_email=NEW_EMAIL, **changes)
    return answer


async def terms_accepted(kc: Env, events: Events, page: httpx.Response) -> httpx.Response:
    """``termsPage.acceptTerms()`` and CUSTOM_REQUIRED_ACTION naming TERMS_AND_CONDITIONS."""
    answer = await accept_terms(kc, page)
    await expect_required_action(events, "CUSTOM_REQUIRED_ACTION", custom_required_action="TERMS_AND_CONDITIONS")
    return answer


async def logged_in(events: Events, answer: httpx.Response) -> dict[str, str]:
    """``appPage.assertCurrent()``, AUTH_RESPONSE, then ``expectLoginSuccess``."""
    params = auth_response(answer)
    assert "code" in params, params
    await events.expect_login(username=USER)
    return params


async def test_execute_required_actions_with_default_priority(kc: Env, events: Events) -> None:
    """executeRequiredActionsWithDefaultPriority: Keycloak 26's default priorities (``rank_as_keycloak_26``) run
    TERMS_AND_CONDITIONS (20), UPDATE_PASSWORD (30), then UPDATE_PROFILE (40)."""
    await rank_as_keycloak_26(kc)
    for action in ("UPDATE_PASSWORD", "UPDATE_PROFILE", "TERMS_AND_CONDITIONS"):
        await require(kc, action)
    page = await login(kc, await open_login(kc))
    page = await terms_accepted(kc, events, page)
    page = await password_changed(kc, events, page)
    assert is_update_profile_page(page), page.text[:800]
    await logged_in(events, await profile_updated(kc, events, page))


async def test_execute_required_actions_with_default_priority_of_keycloak_26_7(kc: Env, events: Events) -> None:
    """The new-framework RequiredActionPriorityTest#executeRequiredActionsWithDefaultPriority: Keycloak 26.7's
    defaults (DefaultRequiredActions, MigrateTo26_7_0: UPDATE_PASSWORD 57 after VERIFY_EMAIL 50) run
    TERMS_AND_CONDITIONS (20), UPDATE_PROFILE (40), then UPDATE_PASSWORD (57), the realm's defaults."""
    for action in ("UPDATE_PASSWORD", "UPDATE_PROFILE", "TERMS_AND_CONDITIONS"):
        await require(kc, action)
    page = await login(kc, await open_login(kc))
    page = await terms_accepted(kc, events, page)
    assert is_update_profile_page(page), page.text[:800]
    page = await profile_updated(kc, events, page)
    await logged_in(events, await password_changed(kc, events, page))


async def test_execute_required_actions_with_custom_priority(kc: Env, events: Events) -> None:
    """executeRequiredActionsWithCustomPriority: after ``raise-priority``, UPDATE_PASSWORD, UPDATE_PROFILE,
    TERMS_AND_CONDITIONS."""
    await update_order(kc, CUSTOM_ORDER)
    for action in ("UPDATE_PASSWORD", "UPDATE_PROFILE", "TERMS_AND_CONDITIONS"):
        await require(kc, action)
    page = await password_changed(kc, events, await login(kc, await open_login(kc)))
    assert is_update_profile_page(page), page.text[:800]
    page = await profile_updated(kc, events, page)
    await logged_in(events, await terms_accepted(kc, events, page))


async def test_execute_required_actions_with_custom_priority_applies_same_priority_to_user_actions_and_kc_action_param(
    kc: Env, events: Events
) -> None:
    """executeRequiredActionsWithCustomPriorityAppliesSamePriorityToUserActionsAndKcActionParam: the action the
    client asks for (``kc_action=UPDATE_PROFILE``) runs after the user's own, whatever its priority."""
    await update_order(kc, CUSTOM_ORDER)
    await require(kc, "UPDATE_PASSWORD")
    await require(kc, "TERMS_AND_CONDITIONS")
    page = await open_login(kc, kc_action="UPDATE_PROFILE")
    assert is_login_page(page), page.text[:800]
    page = await password_changed(kc, events, await login(kc, page))
    page = await terms_accepted(kc, events, page)
    assert is_update_profile_page(page), page.text[:800]
    params = await logged_in(events, await profile_updated(kc, events, page))
    assert (params["kc_action"], params["kc_action_status"]) == ("UPDATE_PROFILE", "success"), params


async def test_execute_login_action_with_custom_priority_applies_same_priority_to_session_and_user_actions(
    kc: Env, events: Events, mail: Sink
) -> None:
    """executeLoginActionWithCustomPriorityAppliesSamePriorityToSessionAndUserActions: the reset link's
    UPDATE_PASSWORD (the authentication session's, not the user's) runs by the same priorities as the user's
    UPDATE_PROFILE and TERMS_AND_CONDITIONS."""
    await update_order(kc, CUSTOM_ORDER)
    await require(kc, "UPDATE_PROFILE")
    await require(kc, "TERMS_AND_CONDITIONS")
    page = await click(kc, await open_login(kc), "kc-forgot-password")
    assert 'id="kc-reset-password-form"' in page.text, page.text[:800]
    page = await submit(kc.http, page, username=USER)
    await expect_required_action(events, "SEND_RESET_PASSWORD")
    assert is_login_page(page) and success(page) == SENT, page.text[:800]
    assert len(mail.received) == 1
    page = await kc.http.get(mail.received[-1].link())
    page = await password_changed(kc, events, page)
    assert is_update_profile_page(page), page.text[:800]
    page = await profile_updated(kc, events, page)
    await logged_in(events, await terms_accepted(kc, events, page))


async def test_setup_totp_after_update_password(kc: Env, events: Events) -> None:
    """setupTotpAfterUpdatePassword: UPDATE_PASSWORD raised above CONFIGURE_TOTP (10 by default)."""
    await require(kc, "CONFIGURE_TOTP")
    await require(kc, "UPDATE_PASSWORD")
    await update_order(kc, ["UPDATE_PASSWORD", "CONFIGURE_TOTP"])
    page = await password_changed(kc, events, await login(kc, await open_login(kc)))
    assert is_config_totp_page(page), page.text[:800]
    page = await click(kc, page, "mode-manual")
    assert shows(page, UNABLE_TO_SCAN, SCAN_QR) == [False, True]
    answer = await configure(kc, page, totp(totp_secret(page), kc.clock.now()), "userLabel")
    await expect_required_action(events, "UPDATE_TOTP", credential_type="otp")
    await expect_required_action(events, "UPDATE_CREDENTIAL", credential_type="otp")
    await logged_in(events, answer)


async def test_skip_to_next_required_action_with_custom_priority(kc: Env, events: Events) -> None:
    """skipToNextRequiredActionWithCustomPriority: VERIFY_EMAIL, first by priority, passes at once for a verified
    user (CUSTOM_REQUIRED_ACTION naming it, and it leaves the user); UPDATE_PASSWORD's page is next."""
    await require(kc, "VERIFY_EMAIL")
    await require(kc, "UPDATE_PASSWORD")
    await update_realm(kc, verifyEmail=True)
    uid = await user_id(kc, USER)
    await put(kc, f"/users/{uid}", {**await get(kc, f"/users/{uid}"), "emailVerified": True})
    await update_order(kc, ["VERIFY_EMAIL", "UPDATE_PASSWORD"])
    page = await login(kc, await open_login(kc))
    await expect_required_action(events, "CUSTOM_REQUIRED_ACTION", custom_required_action="VERIFY_EMAIL")
    assert "VERIFY_EMAIL" not in (await get(kc, f"/users/{uid}"))["requiredActions"]
    assert is_update_password_page(page), page.text[:800]
    answer = await change_password(kc, page, NEW_PASSWORD, NEW_PASSWORD)
    await expect_required_action(events, "UPDATE_PASSWORD")
    assert "code" in auth_response(answer)
    await events.expect("UPDATE_CREDENTIAL", username=USER)
