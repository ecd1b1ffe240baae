"""Brute Force Detection on the password grant and the login form (Keycloak's DefaultBruteForceProtector)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from browser_flow import code_from, start, submit
from doorkeep.model import LoginFailure
from support import assert_error, password_grant, seed_user, update_client, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

SETTINGS: dict[str, Any] = dict(
    brute_force_protected=True,
    failure_factor=3,
    wait_increment_seconds=60,
    max_failure_wait_seconds=900,
    quick_login_check_milli_seconds=1000,
    minimum_quick_login_wait_seconds=60,
    max_delta_time_seconds=43200,
)
INVALID = ("invalid_grant", "Invalid user credentials")


async def protect(env: Env, **changes: Any) -> None:
    """Turn Brute Force Detection on in realm ``test`` (and let ``app`` use the browser flow's callback)."""
    await update_realm(env.db, "test", **{**SETTINGS, **changes})
    await update_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))


async def fail_grant(env: Env, times: int, username: str = "user1") -> None:
    for _ in range(times):
        env.clock.advance(5)  # slower than the quick-login check
        assert_error(await password_grant(env.http, "test", "app", username, "wrong"), 400, *INVALID)


async def record(env: Env, username: str = "user1") -> LoginFailure | None:
    async with env.db.transaction(write=False) as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        user = await tx.users.get_by_username(realm.id, username)
        assert user is not None
        return await tx.login_failures.get(realm.id, user.id)


# --- password grant ------------------------------------------------------------------------------


async def test_a_locked_user_is_refused_even_with_the_right_password(realm: Env) -> None:
    await protect(realm)
    await fail_grant(realm, 3)
    assert_error(await password_grant(realm.http, "test", "app"), 400, *INVALID)
    realm.clock.advance(59)
    assert_error(await password_grant(realm.http, "test", "app"), 400, *INVALID)
    realm.clock.advance(1)
    assert (await password_grant(realm.http, "test", "app")).status_code == 200


async def test_attempts_while_locked_are_not_counted(realm: Env) -> None:
    await protect(realm)
    await fail_grant(realm, 3)
    for _ in range(5):
        assert_error(await password_grant(realm.http, "test", "app", password="wrong"), 400, *INVALID)
    failure = await record(realm)
    assert failure is not None and failure.num_failures == 3 and failure.num_temporary_lockouts == 1


async def test_failures_below_the_factor_do_not_lock_and_success_clears_them(realm: Env) -> None:
    await protect(realm)
    await fail_grant(realm, 2)
    realm.clock.advance(5)
    assert (await password_grant(realm.http, "test", "app")).status_code == 200
    failure = await record(realm)
    assert failure is not None and failure == LoginFailure(failure.realm_id, failure.user_id)  # emptied
    await fail_grant(realm, 2)
    realm.clock.advance(5)
    assert (await password_grant(realm.http, "test", "app")).status_code == 200


async def test_a_quick_second_failure_locks_for_the_minimum_wait(realm: Env) -> None:
    await protect(realm, failure_factor=30)
    for _ in range(2):  # the same instant: quicker than quickLoginCheckMilliSeconds
        assert_error(await password_grant(realm.http, "test", "app", password="wrong"), 400, *INVALID)
    assert_error(await password_grant(realm.http, "test", "app"), 400, *INVALID)
    realm.clock.advance(60)
    assert (await password_grant(realm.http, "test", "app")).status_code == 200


async def test_the_failure_records_ip_time_and_count(realm: Env) -> None:
    await protect(realm)
    await fail_grant(realm, 1)
    failure = await record(realm)
    assert failure is not None
    assert (failure.num_failures, failure.last_failure, failure.failed_login_not_before) == (1, realm.clock.now_ms(), 0)
    assert failure.last_ip_failure


async def test_unknown_users_and_unprotected_realms_record_nothing(realm: Env) -> None:
    await fail_grant(realm, 5)  # protection off (Keycloak's default)
    assert await record(realm) is None
    assert (await password_grant(realm.http, "test", "app")).status_code == 200
    await protect(realm)
    for _ in range(5):
        realm.clock.advance(5)
        assert_error(await password_grant(realm.http, "test", "app", "ghost", "wrong"), 400, *INVALID)
    assert await record(realm) is None
    assert (await password_grant(realm.http, "test", "app")).status_code == 200


async def test_email_login_counts_against_the_same_user(realm: Env) -> None:
    await protect(realm)
    await fail_grant(realm, 3, username="user1@example.com")
    assert_error(await password_grant(realm.http, "test", "app"), 400, *INVALID)


async def test_another_spelling_of_the_username_counts_against_the_same_user(realm: Env) -> None:
    await protect(realm)
    await fail_grant(realm, 3, username="USER1")
    assert_error(await password_grant(realm.http, "test", "app", "User1"), 400, *INVALID)


async def test_parallel_guesses_stop_at_the_failure_factor(realm: Env) -> None:
    await protect(realm, quick_login_check_milli_seconds=0)
    answers = await asyncio.gather(*(password_grant(realm.http, "test", "app", password=f"guess{i}") for i in range(8)))
    assert {a.status_code for a in answers} == {400}
    failure = await record(realm)
    assert failure is not None and failure.num_failures == 3  # later guesses met the lock, uncounted
    assert_error(await password_grant(realm.http, "test", "app"), 400, *INVALID)


async def test_failures_older_than_max_delta_are_forgotten(realm: Env) -> None:
    await protect(realm, max_delta_time_seconds=600)
    await fail_grant(realm, 2)
    realm.clock.advance(601)
    await fail_grant(realm, 1)
    assert (await password_grant(realm.http, "test", "app")).status_code == 200


async def test_one_user_locked_leaves_the_others_alone(realm: Env) -> None:
    await protect(realm)
    await seed_user(realm.db, realm.clock, "test", "user2")
    await fail_grant(realm, 3)
    assert (await password_grant(realm.http, "test", "app", "user2")).status_code == 200


async def test_permanent_lockout_disables_the_user(realm: Env) -> None:
    await protect(realm, permanent_lockout=True)
    await fail_grant(realm, 3)
    user = await _user(realm)
    assert not user.enabled and user.attributes["disabledReason"] == ["permanentLockout"]
    realm.clock.advance(100_000)
    assert_error(await password_grant(realm.http, "test", "app"), 400, *INVALID)
    await update_realm(realm.db, "test", brute_force_protected=False)
    assert_error(await password_grant(realm.http, "test", "app"), 400, "invalid_grant", "Account disabled")


async def test_temporary_lockouts_then_permanent(realm: Env) -> None:
    await protect(realm, permanent_lockout=True, max_temporary_lockouts=1, failure_factor=2)
    await fail_grant(realm, 2)
    assert (await _user(realm)).enabled
    realm.clock.advance(60)
    await fail_grant(realm, 1)  # a second lockout: more than maxTemporaryLockouts
    assert not (await _user(realm)).enabled


async def _user(env: Env, username: str = "user1") -> Any:
    async with env.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        return await tx.users.get_by_username(test.id, username)


# --- login form ----------------------------------------------------------------------------------


async def fail_form(env: Env, times: int) -> None:
    for _ in range(times):
        env.clock.advance(5)
        page = await start(env.http, "test", "app")
        again = await submit(env.http, page, username="user1", password="wrong")
        assert again.status_code == 200 and "Invalid username or password." in again.text


async def test_the_login_form_refuses_a_locked_user_with_the_wrong_password_message(realm: Env) -> None:
    await protect(realm)
    await fail_form(realm, 3)
    page = await start(realm.http, "test", "app")
    refused = await submit(realm.http, page, username="user1", password="password")
    assert refused.status_code == 200 and "Invalid username or password." in refused.text
    assert "location" not in refused.headers
    realm.clock.advance(60)
    page = await start(realm.http, "test", "app")
    assert "code" in code_from(await submit(realm.http, page, username="user1", password="password"))


async def test_the_form_and_the_grant_share_one_count(realm: Env) -> None:
    await protect(realm)
    await fail_form(realm, 2)
    await fail_grant(realm, 1)
    page = await start(realm.http, "test", "app")
    refused = await submit(realm.http, page, username="user1", password="password")
    assert "Invalid username or password." in refused.text


async def test_a_permanently_locked_user_sees_the_wrong_password_message(realm: Env) -> None:
    await protect(realm, permanent_lockout=True)
    await fail_form(realm, 3)
    page = await start(realm.http, "test", "app")
    refused = await submit(realm.http, page, username="user1", password="password")
    assert "Invalid username or password." in refused.text and "Account is disabled" not in refused.text


async def test_a_form_login_clears_the_failures(realm: Env) -> None:
    await protect(realm)
    await fail_form(realm, 2)
    realm.clock.advance(5)
    page = await start(realm.http, "test", "app")
    code_from(await submit(realm.http, page, username="user1", password="password"))
    failure = await record(realm)
    assert failure is not None and failure.num_failures == 0 and failure.last_ip_failure is None


async def test_the_login_form_records_a_login_error_event_for_a_locked_user(realm: Env) -> None:
    await protect(realm, events_enabled=True)
    await fail_form(realm, 3)
    page = await start(realm.http, "test", "app")
    await submit(realm.http, page, username="user1", password="password")
    async with realm.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        found = await tx.events.find(test.id, types=["LOGIN_ERROR"])
    assert [e.error for e in found][:4] == ["user_temporarily_disabled", *["invalid_user_credentials"] * 3]


# --- events --------------------------------------------------------------------------------------


async def _events(env: Env, type: str) -> list[Any]:
    async with env.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        return await tx.events.find(test.id, types=[type])


async def test_a_locked_password_grant_is_a_login_error_user_temporarily_disabled(realm: Env) -> None:
    await protect(realm, events_enabled=True)
    await fail_grant(realm, 3)
    assert_error(await password_grant(realm.http, "test", "app"), 400, *INVALID)
    errors = [e.error for e in await _events(realm, "LOGIN_ERROR")]
    assert errors == ["user_temporarily_disabled", *["invalid_user_credentials"] * 3]


async def test_a_temporary_lockout_is_an_event(realm: Env) -> None:
    await protect(realm, events_enabled=True)
    await fail_grant(realm, 3)
    [event] = await _events(realm, "USER_DISABLED_BY_TEMPORARY_LOCKOUT")
    assert event.details["reason"] == "brute_force_attack detected" and event.details["num_failures"] == "3"
    assert event.user_id == (await _user(realm)).id and event.details["not_before"]


async def test_a_permanent_lockout_is_an_event_and_later_attempts_are_user_disabled(realm: Env) -> None:
    await protect(realm, events_enabled=True, permanent_lockout=True)
    await fail_grant(realm, 3)
    [event] = await _events(realm, "USER_DISABLED_BY_PERMANENT_LOCKOUT")
    assert event.details["num_failures"] == "3"
    assert_error(await password_grant(realm.http, "test", "app"), 400, *INVALID)
    assert (await _events(realm, "LOGIN_ERROR"))[0].error == "user_disabled"


async def test_an_empty_form_password_is_not_counted_but_an_empty_grant_password_is(realm: Env) -> None:
    await protect(realm)
    for _ in range(3):
        realm.clock.advance(5)
        page = await start(realm.http, "test", "app")
        await submit(realm.http, page, username="user1", password="")
    assert await record(realm) is None
    realm.clock.advance(5)
    assert_error(await password_grant(realm.http, "test", "app", password=""), 400, *INVALID)
    failure = await record(realm)
    assert failure is not None and failure.num_failures == 1


async def test_parallel_guesses_cannot_outrun_a_permanent_lockout(realm: Env) -> None:
    await protect(realm, permanent_lockout=True, quick_login_check_milli_seconds=0)
    answers = await asyncio.gather(*(password_grant(realm.http, "test", "app", password=f"guess{i}") for i in range(8)))
    assert {a.status_code for a in answers} == {400}
    failure = await record(realm)
    assert failure is not None and failure.num_failures == 3  # the guesses after the lockout were refused
    assert not (await _user(realm)).enabled
    assert_error(await password_grant(realm.http, "test", "app"), 400, *INVALID)
