"""Keycloak 26's delete_credential and delete_account required actions, and the "Sign out from other devices"
box of the update-password and authenticator pages, as the Keycloak tests run them
(AppInitiatedActionDeleteCredentialTest, DeleteAccountActionTest, AppInitiatedActionResetPasswordTest's
logout-sessions cases): the pages, ``kc_action_status``, the events and what is left afterwards."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import httpx
import pytest

from browser_flow import code_from, login, start, submit
from doorkeep.model import Credential
from doorkeep.realms import required_actions as registered
from support import password_grant, seed_client, seed_realm, seed_user, update_realm, update_user
from totp_codes import totp
from wire_env import Env

pytestmark = pytest.mark.anyio
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
KEPT = [
    "LOGIN",
    "REMOVE_TOTP",
    "REMOVE_CREDENTIAL",
    "REMOVE_CREDENTIAL_ERROR",
    "CUSTOM_REQUIRED_ACTION",
    "CUSTOM_REQUIRED_ACTION_ERROR",
    "DELETE_ACCOUNT",
    "DELETE_ACCOUNT_ERROR",
    "LOGOUT",
    "UPDATE_PASSWORD",
    "UPDATE_CREDENTIAL",
]


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock, events_enabled=True, enabled_event_types=tuple(KEPT))
    await seed_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",), base_url="/app/")
    await seed_client(env.db, "test", "cli")
    await seed_user(env.db, env.clock, "test", "user1")
    await seed_user(env.db, env.clock, "test", "user2")
    return env


async def user_of(env: Env, username: str = "user1") -> Any:
    async with env.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        return await tx.users.get_by_username(test.id, username)


async def add_otp(env: Env, username: str = "user1", label: str | None = None) -> str:
    user = await user_of(env, username)
    data = {"subType": "totp", "digits": 6, "counter": 0, "period": 30, "algorithm": "HmacSHA1"}
    cred = Credential(f"otp-{username}", user.id, "otp", {"value": SECRET}, data, 1, label)
    async with env.db.transaction() as tx:
        await tx.users.add_credential(cred)
    return cred.id


async def credentials(env: Env, username: str = "user1") -> dict[str, str]:
    user = await user_of(env, username)
    async with env.db.transaction(write=False) as tx:
        return {c.type: c.id for c in await tx.users.credentials(user.id)}


async def events(env: Env, type: str) -> list[Any]:
    async with env.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        return await tx.events.find(test.id, types=[type])


async def sessions(env: Env, offline: bool) -> list[str]:
    user = await user_of(env)
    async with env.db.transaction(write=False) as tx:
        return [s.id for s in await tx.sessions.user_sessions_of(user.id, offline)]


async def login_with_otp(env: Env, **params: str) -> httpx.Response:
    """AppInitiatedActionDeleteCredentialTest.loginPasswordAndOtp."""
    page = await submit(env.http, await start(env.http, "test", "app", **params), username="user1", password="password")
    assert 'name="otp"' in page.text, page.text[:500]
    return await submit(env.http, page, otp=totp(SECRET.encode(), env.clock.now()))


def title(page: httpx.Response) -> str:
    found = re.search(r'<h1 id="kc-page-title">([^<]*)</h1>', page.text)
    return found.group(1) if found else ""


async def enable(env: Env, alias: str) -> None:
    async with env.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        actions = [dataclasses.replace(a, enabled=True) if a.alias == alias else a for a in registered.of(test)]
        await tx.realms.update(registered.with_actions(test, actions))


async def grant_delete_account(env: Env) -> None:
    user = await user_of(env)
    async with env.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        account = await tx.clients.get_by_client_id(test.id, "account")
        assert account is not None
        role = await tx.roles.get_client_role(account.id, "delete-account")
        assert role is not None
        await tx.users.grant_roles(user.id, [role.id])


# --- delete_credential ---------------------------------------------------------------------------------------
async def test_removing_the_otp_device_answers_success_and_records_remove_totp_then_remove_credential(
    realm: Env,
) -> None:
    """removeOtpSuccess."""
    otp_id = await add_otp(realm)
    page = await login_with_otp(realm, kc_action=f"delete_credential:{otp_id}")
    assert (page.status_code, title(page)) == (200, "Delete otp")
    assert '<div id="kc-delete-text">Do you want to delete otp?</div>' in page.text
    params = code_from(await submit(realm.http, page, accept="Confirm deletion"))
    assert (params["kc_action"], params["kc_action_status"]) == ("delete_credential", "success") and "code" in params
    assert "otp" not in await credentials(realm)
    [deprecated], [removed] = await events(realm, "REMOVE_TOTP"), await events(realm, "REMOVE_CREDENTIAL")
    for event in (deprecated, removed):
        assert event.client_id == "app" and event.user_id == (await user_of(realm)).id
        assert {k: event.details.get(k) for k in ("credential_type", "credential_id", "custom_required_action")} == {
            "credential_type": "otp",
            "credential_id": otp_id,
            "custom_required_action": "delete_credential",
        }
    assert deprecated.time <= removed.time


async def test_the_page_names_the_device_by_its_label(realm: Env) -> None:
    """removeOtpCustomLabel."""
    otp_id = await add_otp(realm, label="custom-otp-authenticator")
    page = await login_with_otp(realm, kc_action=f"delete_credential:{otp_id}")
    assert title(page) == "Delete custom-otp-authenticator"
    assert code_from(await submit(realm.http, page, accept="Confirm deletion"))["kc_action_status"] == "success"
    [removed] = await events(realm, "REMOVE_CREDENTIAL")
    assert removed.details["credential_user_label"] == "custom-otp-authenticator"


async def test_cancel_keeps_the_credential_and_answers_cancelled(realm: Env) -> None:
    """removeOtpCancel: delete-credential.ftl's Decline is the ``cancel-aia`` button."""
    otp_id = await add_otp(realm)
    await login_with_otp(realm)
    page = await start(realm.http, "test", "app", kc_action=f"delete_credential:{otp_id}")
    assert 'id="kc-decline" name="cancel-aia"' in page.text
    params = code_from(await submit(realm.http, page, **{"cancel-aia": "Decline"}))
    assert (params["kc_action"], params["kc_action_status"]) == ("delete_credential", "cancelled")
    assert (await credentials(realm))["otp"] == otp_id and await events(realm, "REMOVE_CREDENTIAL") == []
    [refused] = await events(realm, "CUSTOM_REQUIRED_ACTION_ERROR")
    assert (refused.error, refused.details["custom_required_action"]) == ("rejected_by_user", "delete_credential")


async def test_the_password_cannot_be_removed(realm: Env) -> None:
    """removePasswordShouldFail: the page names it, the confirmation ends on the error page."""
    await login(realm.http, "test", "app")
    password_id = (await credentials(realm))["password"]
    page = await start(realm.http, "test", "app", kc_action=f"delete_credential:{password_id}")
    assert title(page) == "Delete password"
    refused = await submit(realm.http, page, accept="Confirm deletion")
    assert refused.status_code == 400 and "Credential type cannot be removed" in refused.text
    assert (await credentials(realm))["password"] == password_id
    [event] = await events(realm, "REMOVE_CREDENTIAL_ERROR")
    assert event.error == "delete_credential_failed"
    assert {k: event.details[k] for k in ("credential_type", "credential_id", "custom_required_action", "reason")} == {
        "credential_type": "password",
        "credential_id": password_id,
        "custom_required_action": "delete_credential",
        "reason": "Credential type cannot be removed",
    }


@pytest.mark.parametrize(
    ("action", "error"),
    [
        ("delete_credential", "missing_credential_id"),
        ("delete_credential:incorrect", "credential_not_found"),
        ("delete_credential:otp-user2", "credential_not_found"),  # another user's device is not the user's
    ],
)
async def test_an_id_naming_no_credential_of_the_user_is_passed_over(realm: Env, action: str, error: str) -> None:
    """missingActionId, incorrectId: CUSTOM_REQUIRED_ACTION_ERROR, and the login goes on (``error``)."""
    await add_otp(realm, "user2")
    await login(realm.http, "test", "app")
    params = code_from(await start(realm.http, "test", "app", kc_action=action))
    assert params["kc_action_status"] == "error" and "kc_action" not in params and "code" in params
    [event] = await events(realm, "CUSTOM_REQUIRED_ACTION_ERROR")
    assert (event.error, event.details.get("credential_id")) == (error, action.partition(":")[2] or None)
    assert "otp" in await credentials(realm, "user2")


async def test_the_action_set_by_an_admin_is_passed_over_at_every_login(realm: Env) -> None:
    """requiredActionByAdmin: without a credential id the action is ignored, and stays on the user."""
    await update_user(realm.db, "test", "user1", required_actions=("delete_credential",))
    params = await login(realm.http, "test", "app")
    assert "code" in params and "kc_action_status" not in params
    [event] = await events(realm, "CUSTOM_REQUIRED_ACTION_ERROR")
    assert event.error == "missing_credential_id"
    assert (await user_of(realm)).required_actions == ("delete_credential",)


async def test_removing_a_device_asks_for_the_password_after_five_minutes(realm: Env) -> None:
    otp_id = await add_otp(realm)
    await login_with_otp(realm)
    realm.clock.advance(301)
    page = await start(realm.http, "test", "app", kc_action=f"delete_credential:{otp_id}")
    assert 'id="kc-attempted-username">user1<' in page.text


# --- Sign out from other devices --------------------------------------------------------------------------------
async def other_sessions(env: Env) -> None:
    """Two online sessions (password grants) and an offline one, of other devices."""
    assert (await password_grant(env.http, "test", "cli")).status_code == 200
    assert (await password_grant(env.http, "test", "cli")).status_code == 200
    assert (await password_grant(env.http, "test", "cli", scope="openid offline_access")).status_code == 200


async def test_the_box_is_unchecked_and_when_checked_signs_out_every_other_session_online_and_offline(
    realm: Env,
) -> None:
    await login(realm.http, "test", "app")
    [current] = await sessions(realm, False)
    await other_sessions(realm)
    online, offline = await sessions(realm, False), await sessions(realm, True)
    assert len(online) == 3 and len(offline) == 1
    page = await start(realm.http, "test", "app", kc_action="UPDATE_PASSWORD")
    # Unchecked since Keycloak 26.3 (keycloak#40234, password-commons.ftl): signing out elsewhere is the user's choice
    assert '<input type="checkbox" id="logout-sessions" name="logout-sessions" value="on">' in page.text
    fields = {"password-new": "N3w-pass!", "password-confirm": "N3w-pass!", "logout-sessions": "on"}
    params = code_from(await submit(realm.http, page, **fields))
    assert params["kc_action_status"] == "success"
    assert await sessions(realm, False) == [current] and await sessions(realm, True) == []
    logouts = await events(realm, "LOGOUT")
    assert len(logouts) == 3 and current not in {e.session_id for e in logouts}
    assert {e.details["logout_triggered_by_required_action"] for e in logouts} == {"UPDATE_PASSWORD"}


async def test_unchecked_the_other_sessions_stay(realm: Env) -> None:
    await login(realm.http, "test", "app")
    await other_sessions(realm)
    page = await start(realm.http, "test", "app", kc_action="UPDATE_PASSWORD")
    params = code_from(await submit(realm.http, page, **{"password-new": "N3w-pass!", "password-confirm": "N3w-pass!"}))
    assert params["kc_action_status"] == "success"
    assert len(await sessions(realm, False)) == 3 and len(await sessions(realm, True)) == 1
    assert await events(realm, "LOGOUT") == []


async def test_mismatched_passwords_sign_nobody_out(realm: Env) -> None:
    await login(realm.http, "test", "app")
    await other_sessions(realm)
    page = await start(realm.http, "test", "app", kc_action="UPDATE_PASSWORD")
    fields = {"password-new": "N3w-pass!", "password-confirm": "other", "logout-sessions": "on"}
    assert (await submit(realm.http, page, **fields)).status_code == 200
    assert len(await sessions(realm, False)) == 3 and len(await sessions(realm, True)) == 1


async def test_the_authenticator_setup_signs_out_the_other_sessions(realm: Env) -> None:
    await login(realm.http, "test", "app")
    [current] = await sessions(realm, False)
    await other_sessions(realm)
    page = await start(realm.http, "test", "app", kc_action="CONFIGURE_TOTP")
    assert 'name="logout-sessions" value="on">' in page.text  # unchecked, as since Keycloak 26.3; checked here
    secret = re.search(r'name="totpSecret" value="([^"]+)"', page.text)
    assert secret is not None
    code = totp(secret.group(1).encode(), realm.clock.now())
    params = code_from(await submit(realm.http, page, totp=code, **{"logout-sessions": "on"}))
    assert params["kc_action_status"] == "success"
    assert await sessions(realm, False) == [current] and await sessions(realm, True) == []
    assert {e.details["logout_triggered_by_required_action"] for e in await events(realm, "LOGOUT")} == {
        "CONFIGURE_TOTP"
    }


# --- delete_account -------------------------------------------------------------------------------------------
async def test_delete_account_is_disabled_in_a_new_realm(realm: Env) -> None:
    await grant_delete_account(realm)
    page = await start(realm.http, "test", "app", kc_action="delete_account")
    params = code_from(await submit(realm.http, page, username="user1", password="password"))
    assert params["kc_action_status"] == "error" and "code" in params
    assert await user_of(realm) is not None


async def test_without_the_role_the_action_shows_the_error_page(realm: Env) -> None:
    await enable(realm, "delete_account")
    page = await start(realm.http, "test", "app", kc_action="delete_account")
    page = await submit(realm.http, page, username="user1", password="password")
    assert page.status_code == 200
    assert "You do not have enough permissions to delete your own account, contact admin." in page.text
    assert await user_of(realm) is not None


async def test_delete_account_asks_for_the_password_then_deletes_the_user_and_signs_them_out(realm: Env) -> None:
    await enable(realm, "delete_account")
    await grant_delete_account(realm)
    user = await user_of(realm)
    await login(realm.http, "test", "app")
    await other_sessions(realm)
    realm.clock.advance(1)  # DeleteAccount.getMaxAuthAge is 0: any earlier login asks again
    page = await start(realm.http, "test", "app", kc_action="delete_account")
    assert 'id="kc-attempted-username">user1<' in page.text
    page = await submit(realm.http, page, password="password")
    assert title(page) == "Delete account confirmation" and 'name="cancel-aia"' in page.text
    assert "<li>Logging you out immediately</li><li>Erasing all your data</li>" in page.text
    done = await submit(realm.http, page)
    assert done.status_code == 200 and "User deleted successfully" in done.text
    assert re.search(r'<a id="kc-back" href="http://[^"/]+/app/">« Back to Application</a>', done.text)
    assert await user_of(realm) is None
    async with realm.db.transaction(write=False) as tx:
        assert await tx.sessions.user_sessions_of(user.id, False) == []
        assert await tx.sessions.user_sessions_of(user.id, True) == []
    [event] = await events(realm, "DELETE_ACCOUNT")
    assert (event.user_id, event.client_id, event.details["username"]) == (user.id, "app", "user1")
    assert event.details["custom_required_action"] == "delete_account"


async def test_delete_account_cancelled_keeps_the_user(realm: Env) -> None:
    await enable(realm, "delete_account")
    await grant_delete_account(realm)
    page = await start(realm.http, "test", "app", kc_action="delete_account")
    page = await submit(realm.http, page, username="user1", password="password")
    params = code_from(await submit(realm.http, page, **{"cancel-aia": "true"}))
    assert (params["kc_action"], params["kc_action_status"]) == ("delete_account", "cancelled")
    assert await user_of(realm) is not None


async def test_the_pages_speak_german(realm: Env) -> None:
    await enable(realm, "delete_account")
    await grant_delete_account(realm)
    await update_realm(realm.db, "test", internationalization_enabled=True, supported_locales=("en", "de"))
    otp_id = await add_otp(realm, label="Telefon")
    page = await login_with_otp(realm, kc_action=f"delete_credential:{otp_id}", ui_locales="de")
    assert title(page) == "Lösche Telefon" and "Wollen Sie Telefon löschen?" in page.text
    assert "Löschung bestätigen" in page.text and 'id="kc-decline" name="cancel-aia" value="Ablehnen"' in page.text
    assert code_from(await submit(realm.http, page, accept="Löschung bestätigen"))["kc_action_status"] == "success"
    realm.clock.advance(1)
    page = await start(realm.http, "test", "app", kc_action="delete_account", ui_locales="de")
    page = await submit(realm.http, page, password="password")
    assert title(page) == "Löschung des Kontos bestätigen" and "Diese Aktion ist unwiderruflich" in page.text
    done = await submit(realm.http, page)
    assert "Nutzer erfolgreich gelöscht" in done.text and await user_of(realm) is None
