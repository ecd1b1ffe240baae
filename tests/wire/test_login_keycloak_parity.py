"""Keycloak 26 parity of the browser login and Brute Force Detection (LoginTest, BruteForceTest)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from browser_flow import code_from, start, submit
from support import assert_error, password_grant, seed_login_realm, update_client, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

ADMIN = "/admin/realms/test"
INVALID = ("invalid_grant", "Invalid user credentials")
BRUTE_FORCE: dict[str, Any] = dict(
    brute_force_protected=True,
    failure_factor=3,
    wait_increment_seconds=60,
    max_failure_wait_seconds=900,
    quick_login_check_milli_seconds=1000,
    minimum_quick_login_wait_seconds=60,
    max_delta_time_seconds=43200,
    events_enabled=True,
)


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_login_realm(env.db, env.clock)
    return env


async def user_id(env: Env, username: str = "user1") -> str:
    async with env.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        user = await tx.users.get_by_username(test.id, username)
        assert user is not None
        return user.id


async def events(env: Env, type: str) -> list[Any]:
    async with env.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        return await tx.events.find(test.id, types=[type])


async def form_login(env: Env, username: str = "user1", password: str = "password", **fields: str) -> httpx.Response:
    page = await start(env.http, "test", "app")
    return await submit(env.http, page, username=username, password=password, **fields)


# --- 1. a realm switched from temporary to permanent lockout -------------------------------------


async def locked_then_switched(env: Env) -> str:
    """user1 temporarily locked once, then the realm switched to permanent lockout and the wait over."""
    await update_realm(env.db, "test", **BRUTE_FORCE)
    for _ in range(3):
        env.clock.advance(5)
        assert_error(await password_grant(env.http, "test", "app", "user1", "wrong"), 400, *INVALID)
    await update_realm(env.db, "test", permanent_lockout=True)
    env.clock.advance(60)
    return await user_id(env)


async def test_past_temporary_lockouts_refuse_the_password_grant_once_lockout_is_permanent(realm: Env) -> None:
    await locked_then_switched(realm)
    assert_error(await password_grant(realm.http, "test", "app"), 400, *INVALID)
    assert (await events(realm, "LOGIN_ERROR"))[0].error == "user_disabled"


async def test_past_temporary_lockouts_refuse_the_login_form_once_lockout_is_permanent(realm: Env) -> None:
    await locked_then_switched(realm)
    refused = await form_login(realm)
    assert refused.status_code == 200 and "Invalid username or password." in refused.text
    assert (await events(realm, "LOGIN_ERROR"))[0].error == "user_disabled"


async def test_attack_detection_reports_the_switched_user_as_disabled_for_ever(realm: Env) -> None:
    uid = await locked_then_switched(realm)
    status = (
        await realm.http.get(f"{ADMIN}/attack-detection/brute-force/users/{uid}", headers=await realm.admin_headers())
    ).json()
    assert status["disabled"] is True and status["failedLoginNotBefore"] == 2**63 - 1
    assert status["numTemporaryLockouts"] == 1 and status["numFailures"] == 3


async def test_re_enabling_the_switched_user_clears_the_failures_and_lets_it_log_in(realm: Env) -> None:
    uid = await locked_then_switched(realm)
    headers = await realm.admin_headers()
    assert (await realm.http.put(f"{ADMIN}/users/{uid}", json={"enabled": True}, headers=headers)).status_code == 204
    status = (await realm.http.get(f"{ADMIN}/attack-detection/brute-force/users/{uid}", headers=headers)).json()
    assert status["disabled"] is False and status["numFailures"] == 0
    assert (await password_grant(realm.http, "test", "app")).status_code == 200


# --- 2. the login form trims the username ---------------------------------------------------------


async def test_the_login_form_trims_the_username(realm: Env) -> None:
    await update_realm(realm.db, "test", events_enabled=True)
    assert "code" in code_from(await form_login(realm, " user1 \t "))
    [event] = await events(realm, "LOGIN")
    assert event.details["username"] == "user1" and event.user_id == await user_id(realm)


async def test_the_login_form_trims_an_email(realm: Env) -> None:
    assert "code" in code_from(await form_login(realm, "    user1@example.com    "))


async def test_a_refused_login_records_the_trimmed_username(realm: Env) -> None:
    await update_realm(realm.db, "test", events_enabled=True)
    refused = await form_login(realm, "\tuser1  ", "wrong")
    assert "Invalid username or password." in refused.text
    [event] = await events(realm, "LOGIN_ERROR")
    assert event.error == "invalid_user_credentials" and event.details["username"] == "user1"


async def test_the_password_grant_trims_the_username(realm: Env) -> None:
    """ValidateUsername trims the username before it looks it up (Keycloak PR 51129; DirectGrantInputValidationTest,
    tests/wire/test_kc_new_input_validation.py): blanks around a right username are no wrong username."""
    response = await password_grant(realm.http, "test", "app", " user1 ")
    assert response.status_code == 200, response.text


# --- 3. remember me ------------------------------------------------------------------------------


def set_cookie(response: httpx.Response, name: str) -> str:
    [header] = [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}=")]
    return header


async def test_a_remember_me_login_sets_the_remember_me_cookie(realm: Env) -> None:
    await update_realm(realm.db, "test", remember_me=True)
    done = await form_login(realm, rememberMe="on")
    code_from(done)
    header = set_cookie(done, "KEYCLOAK_REMEMBER_ME")
    assert header.startswith("KEYCLOAK_REMEMBER_ME=username:user1;")
    assert "Max-Age=31536000" in header and "Path=/realms/test/" in header and "HttpOnly" in header


async def test_the_next_login_page_is_prefilled_and_checked(realm: Env) -> None:
    await update_realm(realm.db, "test", remember_me=True)
    code_from(await form_login(realm, rememberMe="on"))
    realm.http.cookies.delete("KEYCLOAK_IDENTITY")  # the SSO session forgotten, the remembered name kept
    page = await start(realm.http, "test", "app")
    assert 'name="username" value="user1"' in page.text
    assert 'name="rememberMe" checked' in page.text


async def test_a_login_without_remember_me_expires_the_cookie(realm: Env) -> None:
    await update_realm(realm.db, "test", remember_me=True)
    code_from(await form_login(realm, rememberMe="on"))
    # the browser restarted: its session cookies gone, so the next login is a new session (with AUTH_SESSION_ID
    # kept, the authorization endpoint makes the login's root again under the session's id and the login joins
    # that remember-me session, whose flag the cookie follows: AuthenticationManager.redirectAfterSuccessfulFlow)
    realm.http.cookies.delete("KEYCLOAK_IDENTITY")
    realm.http.cookies.delete("AUTH_SESSION_ID")
    done = await form_login(realm)
    code_from(done)
    assert "Max-Age=0" in set_cookie(done, "KEYCLOAK_REMEMBER_ME")
    realm.http.cookies.delete("KEYCLOAK_IDENTITY")
    page = await start(realm.http, "test", "app")
    assert 'value="user1"' not in page.text and " checked" not in page.text


async def test_the_cookie_is_ignored_while_the_realm_has_remember_me_off(realm: Env) -> None:
    realm.http.cookies.set("KEYCLOAK_REMEMBER_ME", "username:user1", path="/realms/test/")
    page = await start(realm.http, "test", "app")
    assert 'value="user1"' not in page.text


@pytest.mark.parametrize(
    "value",
    [
        "username:%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",  # markup in the remembered name
        "username:%FF%FE%ZZ",  # invalid UTF-8 and a broken escape
        "username:a:b",  # more parts than Keycloak's split takes
        "username:" + "x" * 4000,  # as long as a cookie gets
        "",
    ],
)
async def test_a_forged_remember_me_cookie_never_breaks_or_injects_into_the_login_page(realm: Env, value: str) -> None:
    """The cookie is the browser's to forge: the page still answers 200 and the name is escaped, never markup."""
    await update_realm(realm.db, "test", remember_me=True)
    realm.http.cookies.set("KEYCLOAK_REMEMBER_ME", value, path="/realms/test/")
    page = await start(realm.http, "test", "app")
    assert page.status_code == 200
    assert "<script>alert(1)" not in page.text
    assert 'name="password"' in page.text


async def test_a_login_hint_wins_over_the_remembered_username(realm: Env) -> None:
    await update_realm(realm.db, "test", remember_me=True)
    realm.http.cookies.set("KEYCLOAK_REMEMBER_ME", "username:user1", path="/realms/test/")
    page = await start(realm.http, "test", "app", login_hint="someone")
    assert 'value="someone"' in page.text and " checked" not in page.text


# --- 4. a client disabled while its login form is open -------------------------------------------


async def test_a_client_disabled_during_the_login_is_login_requester_not_enabled(realm: Env) -> None:
    await update_realm(realm.db, "test", events_enabled=True)
    page = await start(realm.http, "test", "app")
    await update_client(realm.db, "test", "app", enabled=False)
    refused = await submit(realm.http, page, username="user1", password="password")
    assert refused.status_code == 400 and "Login requester not enabled" in refused.text
    [event] = await events(realm, "LOGIN_ERROR")
    assert (event.error, event.client_id, event.user_id, event.session_id) == ("client_disabled", "app", None, None)
    await update_client(realm.db, "test", "app", enabled=True)
    again = await submit(realm.http, page, username="user1", password="password")
    # the authentication session is gone, and its cookie (SessionCodeChecks: nothing to restart from)
    assert again.status_code == 400 and "Cookie not found" in again.text


async def test_changing_a_temporary_password_records_update_password_and_update_credential(realm: Env) -> None:
    """BruteForceTest.testResetPassword: the UpdatePassword required action records both events with
    credential_type=password (UPDATE_CREDENTIAL once it is among the realm's enabled types)."""
    await update_realm(realm.db, "test", events_enabled=True)
    headers = await realm.admin_headers()
    config = {"eventsEnabled": True, "enabledEventTypes": ["LOGIN", "UPDATE_PASSWORD", "UPDATE_CREDENTIAL"]}
    assert (await realm.http.put(f"{ADMIN}/events/config", json=config, headers=headers)).status_code == 204
    from support import update_user

    await update_user(realm.db, "test", "user1", required_actions=("UPDATE_PASSWORD",))
    update = await form_login(realm)
    done = await submit(realm.http, update, **{"password-new": "n3w-pass", "password-confirm": "n3w-pass"})
    assert "code" in code_from(done)
    for type in ("UPDATE_PASSWORD", "UPDATE_CREDENTIAL"):
        (event,) = await events(realm, type)
        assert event.user_id == await user_id(realm) and event.client_id == "app"
        assert event.details["credential_type"] == "password"


async def test_a_user_disabled_during_a_required_action_gets_the_account_disabled_page(realm: Env) -> None:
    """LoginTest.testUserDisabledDuringRequiredAction: the error page says the account is disabled."""
    from support import update_user

    await update_user(realm.db, "test", "user1", required_actions=("UPDATE_PASSWORD",))
    update = await form_login(realm)
    await update_user(realm.db, "test", "user1", enabled=False)
    page = await submit(realm.http, update, **{"password-new": "n3w-pass", "password-confirm": "n3w-pass"})
    assert page.status_code == 400
    assert "Account is disabled" in page.text
