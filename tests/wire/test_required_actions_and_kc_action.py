"""UPDATE_PROFILE and TERMS_AND_CONDITIONS required actions and application-initiated actions (``kc_action``)
as Keycloak 26 runs them (RequiredActionUpdateProfileTest, TermsAndConditionsTest, AppInitiatedActionTest,
AppInitiatedActionResetPasswordTest, AppInitiatedActionUpdateProfileTest)."""

from __future__ import annotations

import dataclasses
import html
import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from browser_flow import code_from, form_action, form_fields, login, start, submit
from doorkeep.realms import required_actions as registered
from support import auth_session_id, password_grant, seed_client, seed_realm, seed_user, update_realm, update_user
from wire_env import Env

pytestmark = pytest.mark.anyio
PROFILE = {"firstName": "New first", "lastName": "New last", "email": "new@email.com"}


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock, events_enabled=True, edit_username_allowed=True)
    await seed_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    await seed_client(env.db, "test", "cli")
    await seed_user(env.db, env.clock, "test", "user1", email="user1@localhost", email_verified=True)
    await seed_user(env.db, env.clock, "test", "user2", email="user2@localhost")
    await enable_terms(env)  # Keycloak ships it disabled; TermsAndConditionsTest enables it first
    return env


async def enable_terms(env: Env) -> None:
    async with env.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        actions = [
            dataclasses.replace(a, enabled=True) if a.alias == "TERMS_AND_CONDITIONS" else a
            for a in registered.of(test)
        ]
        await tx.realms.update(registered.with_actions(test, actions))


async def events(env: Env, type: str) -> list[Any]:
    async with env.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        return await tx.events.find(test.id, types=[type])


async def stored(env: Env, username: str) -> Any:
    async with env.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        return await tx.users.get_by_username(test.id, username)


def field_error(page: httpx.Response, field: str) -> str | None:
    found = re.search(rf'<span id="input-error-{field}"[^>]*>([^<]*)</span>', page.text)
    return html.unescape(found.group(1)) if found else None


def ordered_params(response: httpx.Response) -> list[str]:
    assert response.status_code == 302, response.text[:300]
    return [name for name, _ in parse_qsl(urlsplit(response.headers["location"]).query)]


async def password_page(env: Env, **params: str) -> httpx.Response:
    page = await start(env.http, "test", "app", **params)
    if 'id="kc-form-login"' in page.text:
        page = await submit(env.http, page, username="user1", password="password")
    return page


async def test_update_profile_validates_then_updates_the_user_and_records_the_changes(realm: Env) -> None:
    await update_user(realm.db, "test", "user1", required_actions=("UPDATE_PROFILE",))
    page = await password_page(realm)
    assert 'id="kc-update-profile-form"' in page.text and 'name="cancel-aia"' not in page.text
    page = await submit(realm.http, page, username="user1", **{**PROFILE, "firstName": ""})
    assert field_error(page, "firstname") == "Please specify this field."
    page = await submit(realm.http, page, username="user2", **PROFILE)
    assert field_error(page, "username") == "Username already exists."
    page = await submit(realm.http, page, username="user1", **{**PROFILE, "email": "user2@localhost"})
    assert field_error(page, "email") == "Email already exists."
    page = await submit(realm.http, page, username="", **PROFILE)
    assert field_error(page, "username") == "Please specify username."
    page = await submit(realm.http, page, username="user1", **{**PROFILE, "email": "invalidemail"})
    assert field_error(page, "email") == "Invalid email address."
    assert await events(realm, "UPDATE_PROFILE") == []  # events.assertEmpty() after each refusal
    params = code_from(await submit(realm.http, page, username="user1", **PROFILE))
    assert "code" in params and "kc_action_status" not in params
    user = await stored(realm, "user1")
    assert (user.first_name, user.last_name, user.email) == ("New first", "New last", "new@email.com")
    assert user.email_verified is False and user.required_actions == ()
    [event] = await events(realm, "UPDATE_PROFILE")
    assert event.details["previous_first_name"] == "User1" and event.details["updated_first_name"] == "New first"
    assert event.details["previous_email"] == "user1@localhost" and event.details["updated_email"] == "new@email.com"
    assert event.details["context"] == "UPDATE_PROFILE"


async def test_terms_accepted_stores_the_time_and_declined_sends_access_denied(realm: Env) -> None:
    await update_user(realm.db, "test", "user1", required_actions=("TERMS_AND_CONDITIONS",))
    page = await password_page(realm)
    assert 'id="kc-terms-form"' in page.text
    login_id = auth_session_id(realm.http.cookies.get("AUTH_SESSION_ID", path="/realms/test/"))
    declined = await realm.http.post(form_action(page.text), data={**form_fields(page.text), "cancel": "Decline"})
    params = code_from(declined)
    assert (params["error"], params["error_description"]) == ("access_denied", "termsAndConditionsDeclined")
    assert ordered_params(declined) == ["error", "error_description", "state", "iss"]
    [event] = await events(realm, "CUSTOM_REQUIRED_ACTION_ERROR")
    assert (event.error, event.details["custom_required_action"]) == ("rejected_by_user", "TERMS_AND_CONDITIONS")
    # the root authentication session's id, as SessionCodeChecks puts it on every login-actions event
    assert login_id and event.details["code_id"] == login_id, event.details
    assert "terms_and_conditions" not in (await stored(realm, "user1")).attributes
    page = await password_page(realm)
    login_id = auth_session_id(realm.http.cookies.get("AUTH_SESSION_ID", path="/realms/test/"))
    accepted = await realm.http.post(form_action(page.text), data={**form_fields(page.text), "accept": "Accept"})
    assert "code" in code_from(accepted)
    user = await stored(realm, "user1")
    assert user.attributes["terms_and_conditions"] == [str(realm.clock.now())] and user.required_actions == ()
    [event] = await events(realm, "CUSTOM_REQUIRED_ACTION")
    assert event.details["custom_required_action"] == "TERMS_AND_CONDITIONS", event.details
    assert login_id and event.details["code_id"] == login_id, event.details
    [logged_in] = await events(realm, "LOGIN")  # the session takes the root's id
    assert logged_in.session_id == login_id, logged_in


async def test_required_actions_run_in_keycloaks_priority_order(realm: Env) -> None:
    actions = ("UPDATE_PROFILE", "UPDATE_PASSWORD", "TERMS_AND_CONDITIONS")
    await update_user(realm.db, "test", "user1", required_actions=actions)
    page = await password_page(realm)
    assert 'id="kc-terms-form"' in page.text  # TERMS_AND_CONDITIONS 20
    page = await submit(realm.http, page, accept="Accept")
    assert 'id="kc-update-profile-form"' in page.text  # UPDATE_PROFILE 40
    page = await submit(realm.http, page, username="user1", **PROFILE)
    assert 'id="kc-passwd-update-form"' in page.text  # UPDATE_PASSWORD 57 (Keycloak 26.7)
    new_password = {"password-new": "N3w-pass!", "password-confirm": "N3w-pass!"}
    assert "code" in code_from(await submit(realm.http, page, **new_password))


async def test_an_unsupported_action_still_stops_the_login(realm: Env) -> None:
    """A registered, enabled action whose provider Doorkeep has no page for ends the login."""
    async with realm.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        odd = registered.RequiredAction("odd", "Odd", "no-such-provider", priority=5)
        await tx.realms.update(registered.with_actions(test, [*registered.of(test), odd]))
    await update_user(realm.db, "test", "user1", required_actions=("UPDATE_PROFILE", "odd"))
    page = await submit(realm.http, await password_page(realm), username="user1", **PROFILE)
    assert page.status_code == 200 and "Account is not fully set up" in page.text


async def test_verify_profile_of_a_user_whose_profile_passes_is_taken_off_unseen(realm: Env) -> None:
    """VerifyUserProfile.evaluateTriggers: user1 has an e-mail and both names, so the action an administrator
    left on the user goes away before the actions run, the UPDATE_PROFILE page first and then the code."""
    await update_user(realm.db, "test", "user1", required_actions=("UPDATE_PROFILE", "VERIFY_PROFILE"))
    page = await submit(realm.http, await password_page(realm), username="user1", **PROFILE)
    assert "code" in code_from(page)
    assert (await stored(realm, "user1")).required_actions == ()


async def test_a_stored_idp_link_action_is_passed_over(realm: Env) -> None:
    """IdpLinkAction.requiredActionChallenge without a provider (no ``kc_action`` parameter): context.ignore()."""
    await update_user(realm.db, "test", "user1", required_actions=("UPDATE_PROFILE", "idp_link"))
    page = await submit(realm.http, await password_page(realm), username="user1", **PROFILE)
    assert "code" in code_from(page)


async def test_kc_action_update_password_returns_success_after_the_parameters_keycloak_puts_first(realm: Env) -> None:
    await login(realm.http, "test", "app")
    page = await start(realm.http, "test", "app", kc_action="UPDATE_PASSWORD")
    assert 'id="kc-passwd-update-form"' in page.text and 'name="cancel-aia"' in page.text
    response = await submit(realm.http, page, **{"password-new": "N3w-pass!", "password-confirm": "N3w-pass!"})
    assert ordered_params(response) == ["state", "session_state", "iss", "kc_action", "kc_action_status", "code"]
    params = code_from(response)
    assert (params["kc_action"], params["kc_action_status"]) == ("UPDATE_PASSWORD", "success")
    assert [e.type for e in await events(realm, "UPDATE_PASSWORD")] == ["UPDATE_PASSWORD"]
    assert (await password_grant(realm.http, "test", "cli", "user1", "N3w-pass!")).status_code == 200


async def test_kc_action_cancelled_leaves_the_user_alone(realm: Env) -> None:
    await login(realm.http, "test", "app")
    page = await start(realm.http, "test", "app", kc_action="UPDATE_PASSWORD")
    params = code_from(await submit(realm.http, page, **{"cancel-aia": "true"}))
    assert (params["kc_action"], params["kc_action_status"]) == ("UPDATE_PASSWORD", "cancelled") and "code" in params
    [event] = await events(realm, "CUSTOM_REQUIRED_ACTION_ERROR")
    assert (event.error, event.details["custom_required_action"]) == ("rejected_by_user", "UPDATE_PASSWORD")
    assert (await password_grant(realm.http, "test", "cli", "user1")).status_code == 200


async def test_cancel_is_refused_for_an_action_the_user_must_do(realm: Env) -> None:
    await update_user(realm.db, "test", "user1", required_actions=("UPDATE_PASSWORD",))
    page = await password_page(realm, kc_action="UPDATE_PASSWORD")
    assert 'name="cancel-aia"' not in page.text
    page = await submit(realm.http, page, **{"cancel-aia": "true"})
    assert page.status_code == 200 and "Please specify password." in page.text
    assert (await stored(realm, "user1")).required_actions == ("UPDATE_PASSWORD",)


async def test_kc_action_update_profile(realm: Env) -> None:
    await login(realm.http, "test", "app")
    page = await start(realm.http, "test", "app", kc_action="UPDATE_PROFILE")
    assert 'id="kc-update-profile-form"' in page.text and 'name="cancel-aia"' in page.text
    params = code_from(await submit(realm.http, page, username="user1", **PROFILE))
    assert (params["kc_action"], params["kc_action_status"]) == ("UPDATE_PROFILE", "success")
    assert (await stored(realm, "user1")).first_name == "New first"


@pytest.mark.parametrize("action", ["nosuch", "TERMS_AND_CONDITIONS"])
async def test_an_action_the_client_cannot_initiate_answers_error(realm: Env, action: str) -> None:
    page = await start(realm.http, "test", "app", kc_action=action)  # no session yet: the login form first
    params = code_from(await submit(realm.http, page, username="user1", password="password"))
    assert params["kc_action_status"] == "error" and "kc_action" not in params and "code" in params
    params = code_from(await start(realm.http, "test", "app", kc_action=action))  # and over the SSO session
    assert params["kc_action_status"] == "error" and "code" in params


async def test_prompt_none_with_kc_action_needs_interaction(realm: Env) -> None:
    await login(realm.http, "test", "app")
    params = code_from(await start(realm.http, "test", "app", kc_action="UPDATE_PASSWORD", prompt="none"))
    assert params["error"] == "interaction_required" and "code" not in params


async def test_kc_action_update_password_asks_for_the_password_after_five_minutes(realm: Env) -> None:
    await login(realm.http, "test", "app")
    realm.clock.advance(350)
    page = await start(realm.http, "test", "app", kc_action="UPDATE_PASSWORD")
    assert 'id="kc-attempted-username">user1<' in page.text
    page = await submit(realm.http, page, password="password")
    assert 'id="kc-passwd-update-form"' in page.text and 'name="cancel-aia"' in page.text


async def test_the_profile_page_speaks_german(realm: Env) -> None:
    await update_realm(realm.db, "test", internationalization_enabled=True, supported_locales=("en", "de"))
    await update_user(realm.db, "test", "user1", required_actions=("UPDATE_PROFILE",))
    page = await password_page(realm, ui_locales="de")
    assert "Benutzerkonto Informationen aktualisieren" in page.text
    page = await submit(realm.http, page, username="user1", **{**PROFILE, "email": "user2@localhost"})
    assert field_error(page, "email") == "E-Mail existiert bereits."


async def test_every_kc_action_asks_for_the_password_after_five_minutes(realm: Env) -> None:
    """OIDCLoginProtocol.isReAuthRequiredForKcAction asks any required-action provider's max auth age."""
    await login(realm.http, "test", "app")
    realm.clock.advance(301)
    page = await start(realm.http, "test", "app", kc_action="UPDATE_PROFILE")
    assert 'id="kc-attempted-username">user1<' in page.text
    page = await submit(realm.http, page, password="password")
    assert 'id="kc-update-profile-form"' in page.text and 'name="cancel-aia"' in page.text
    params = code_from(await start(realm.http, "test", "app", kc_action="nosuch"))  # no provider: no re-login
    assert params["kc_action_status"] == "error"
