"""Admin REST for Brute Force Detection: the realm settings and Keycloak's attack-detection endpoints."""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import realm_admin
from support import assert_error, password_grant, seed_client, seed_realm, seed_user, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "/admin/realms/test"
ATTACK = f"{REALM}/attack-detection/brute-force/users"
SETTINGS: dict[str, Any] = {
    "bruteForceProtected": True,
    "permanentLockout": False,
    "maxTemporaryLockouts": 3,
    "bruteForceStrategy": "LINEAR",
    "maxFailureWaitSeconds": 600,
    "minimumQuickLoginWaitSeconds": 30,
    "waitIncrementSeconds": 45,
    "quickLoginCheckMilliSeconds": 500,
    "maxDeltaTimeSeconds": 3600,
    "failureFactor": 2,
}
EMPTY = {
    "disabled": False,
    "numFailures": 0,
    "numSecondaryAuthFailures": 0,
    "numTemporaryLockouts": 0,
    "lastFailure": 0,
    "lastIPFailure": "n/a",
    "failedLoginNotBefore": 0,
}
# a user of a realm with Brute Force Detection on also shows its counters per protected property (``id`` alone
# under the USER lock policy), as the newest AttackDetectionResourceTest counts them
EMPTY_PROTECTED = {**EMPTY, "properties": {"id": EMPTY}}


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app")
    await seed_user(env.db, env.clock, "test", "user1")
    return env


async def _user_id(env: Env, headers: dict[str, str], username: str = "user1") -> str:
    found = await env.http.get(f"{REALM}/users", params={"username": username, "exact": "true"}, headers=headers)
    return str(found.json()[0]["id"])


async def _fail(env: Env, times: int, username: str = "user1") -> None:
    for _ in range(times):
        env.clock.advance(5)
        assert_error(await password_grant(env.http, "test", "app", username, "wrong"), 400, "invalid_grant")


# --- settings ------------------------------------------------------------------------------------


async def test_a_new_realm_shows_keycloaks_brute_force_defaults(realm: Env) -> None:
    body = (await realm.http.get(REALM, headers=await realm.admin_headers())).json()
    assert {k: body[k] for k in SETTINGS} == {
        "bruteForceProtected": False,
        "permanentLockout": False,
        "maxTemporaryLockouts": 0,
        "bruteForceStrategy": "MULTIPLE",
        "maxFailureWaitSeconds": 900,
        "minimumQuickLoginWaitSeconds": 60,
        "waitIncrementSeconds": 60,
        "quickLoginCheckMilliSeconds": 1000,
        "maxDeltaTimeSeconds": 43200,
        "failureFactor": 30,
    }


async def test_the_settings_round_trip_through_the_admin_api(realm: Env) -> None:
    headers = await realm.admin_headers()
    assert (await realm.http.put(REALM, json=SETTINGS, headers=headers)).status_code == 204
    body = (await realm.http.get(REALM, headers=headers)).json()
    assert {k: body[k] for k in SETTINGS} == SETTINGS
    assert (await realm.http.put(REALM, json={"failureFactor": 7}, headers=headers)).status_code == 204
    body = (await realm.http.get(REALM, headers=headers)).json()
    assert body["failureFactor"] == 7 and body["bruteForceStrategy"] == "LINEAR"  # a partial update keeps the rest


async def test_a_realm_created_with_the_settings_uses_them(env: Env) -> None:
    headers = await env.admin_headers()
    created = await env.http.post("/admin/realms", json={"realm": "fresh", **SETTINGS}, headers=headers)
    assert created.status_code == 201
    body = (await env.http.get("/admin/realms/fresh", headers=headers)).json()
    assert {k: body[k] for k in SETTINGS} == SETTINGS


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("bruteForceStrategy", "EXPONENTIAL"),
        ("bruteForceStrategy", "multiple"),
        ("failureFactor", "many"),
        ("permanentLockout", "yes"),  # "true" is read as true, as Jackson reads it
        ("waitIncrementSeconds", 1.5),
        ("maxTemporaryLockouts", {}),
    ],
)
async def test_a_malformed_setting_answers_400(realm: Env, field: str, value: Any) -> None:
    headers = await realm.admin_headers()
    response = await realm.http.put(REALM, json={field: value}, headers=headers)
    assert response.status_code == 400, response.text
    assert field in response.json()["error_description"]


# --- attack-detection endpoints ------------------------------------------------------------------


async def test_the_status_of_a_user_without_failures(realm: Env) -> None:
    headers = await realm.admin_headers()
    user_id = await _user_id(realm, headers)
    assert (await realm.http.get(f"{ATTACK}/{user_id}", headers=headers)).json() == EMPTY
    assert (await realm.http.get(f"{ATTACK}/no-such-user", headers=headers)).json() == EMPTY


async def test_the_status_shows_failures_and_a_temporary_lockout(realm: Env) -> None:
    await update_realm(realm.db, "test", brute_force_protected=True, failure_factor=2)
    headers = await realm.admin_headers()
    user_id = await _user_id(realm, headers)
    await _fail(realm, 1)
    status = (await realm.http.get(f"{ATTACK}/{user_id}", headers=headers)).json()
    assert status["numFailures"] == 1 and status["disabled"] is False and status["failedLoginNotBefore"] == 0
    assert status["lastFailure"] == realm.clock.now_ms() and status["lastIPFailure"] not in (None, "n/a")
    await _fail(realm, 1)
    status = (await realm.http.get(f"{ATTACK}/{user_id}", headers=headers)).json()
    assert status["disabled"] is True and status["numTemporaryLockouts"] == 1
    assert status["failedLoginNotBefore"] == realm.clock.now() + 60
    realm.clock.advance(60)
    headers = await realm.admin_headers()  # the master admin's token lives 60 s
    status = (await realm.http.get(f"{ATTACK}/{user_id}", headers=headers)).json()
    assert status["disabled"] is False and status["numFailures"] == 2


async def test_an_unprotected_realm_reports_nothing(realm: Env) -> None:
    await update_realm(realm.db, "test", brute_force_protected=True, failure_factor=2)
    headers = await realm.admin_headers()
    user_id = await _user_id(realm, headers)
    await _fail(realm, 2)
    await update_realm(realm.db, "test", brute_force_protected=False)
    assert (await realm.http.get(f"{ATTACK}/{user_id}", headers=headers)).json() == EMPTY


async def test_deleting_a_users_failures_releases_the_lockout(realm: Env) -> None:
    await update_realm(realm.db, "test", brute_force_protected=True, failure_factor=2)
    headers = await realm.admin_headers()
    user_id = await _user_id(realm, headers)
    await _fail(realm, 2)
    assert_error(await password_grant(realm.http, "test", "app"), 400, "invalid_grant")
    assert (await realm.http.delete(f"{ATTACK}/{user_id}", headers=headers)).status_code == 204
    assert (await realm.http.get(f"{ATTACK}/{user_id}", headers=headers)).json() == EMPTY_PROTECTED
    assert (await password_grant(realm.http, "test", "app")).status_code == 200
    assert (await realm.http.delete(f"{ATTACK}/{user_id}", headers=headers)).status_code == 204  # nothing left


async def test_deleting_all_failures_releases_every_user(realm: Env) -> None:
    await update_realm(realm.db, "test", brute_force_protected=True, failure_factor=2)
    await seed_user(realm.db, realm.clock, "test", "user2")
    headers = await realm.admin_headers()
    await _fail(realm, 2)
    await _fail(realm, 2, "user2")
    assert (await realm.http.delete(ATTACK, headers=headers)).status_code == 204
    assert (await password_grant(realm.http, "test", "app")).status_code == 200
    assert (await password_grant(realm.http, "test", "app", "user2")).status_code == 200


async def test_a_permanent_lockout_shows_as_disabled_forever_until_the_user_is_enabled(realm: Env) -> None:
    await update_realm(realm.db, "test", brute_force_protected=True, permanent_lockout=True, failure_factor=2)
    headers = await realm.admin_headers()
    user_id = await _user_id(realm, headers)
    await _fail(realm, 2)
    user = (await realm.http.get(f"{REALM}/users/{user_id}", headers=headers)).json()
    assert user["enabled"] is False
    status = (await realm.http.get(f"{ATTACK}/{user_id}", headers=headers)).json()
    assert status["disabled"] is True and status["failedLoginNotBefore"] == 2**63 - 1
    assert (await realm.http.delete(f"{ATTACK}/{user_id}", headers=headers)).status_code == 204
    assert_error(await password_grant(realm.http, "test", "app"), 400, "invalid_grant")  # still disabled
    assert (
        await realm.http.put(f"{REALM}/users/{user_id}", json={"enabled": True}, headers=headers)
    ).status_code == 204
    assert (await password_grant(realm.http, "test", "app")).status_code == 200
    user = (await realm.http.get(f"{REALM}/users/{user_id}", headers=headers)).json()
    assert "disabledReason" not in user.get("attributes", {})


async def test_enabling_a_temporarily_locked_user_clears_its_failures(realm: Env) -> None:
    await update_realm(realm.db, "test", brute_force_protected=True, failure_factor=2)
    headers = await realm.admin_headers()
    user_id = await _user_id(realm, headers)
    await _fail(realm, 2)
    assert (
        await realm.http.put(f"{REALM}/users/{user_id}", json={"enabled": True}, headers=headers)
    ).status_code == 204
    assert (await password_grant(realm.http, "test", "app")).status_code == 200


async def test_an_unrelated_user_update_keeps_the_lockout(realm: Env) -> None:
    await update_realm(realm.db, "test", brute_force_protected=True, failure_factor=2)
    headers = await realm.admin_headers()
    user_id = await _user_id(realm, headers)
    await _fail(realm, 2)
    assert (
        await realm.http.put(f"{REALM}/users/{user_id}", json={"firstName": "X"}, headers=headers)
    ).status_code == 204
    assert_error(await password_grant(realm.http, "test", "app"), 400, "invalid_grant")


async def test_view_users_reads_the_status_and_manage_users_clears_it(realm: Env) -> None:
    viewer = await realm_admin(realm, "viewer", "view-users")
    manager = await realm_admin(realm, "manager", "manage-users")
    nobody = await realm_admin(realm, "nobody")
    user_id = await _user_id(realm, manager)
    assert (await realm.http.get(f"{ATTACK}/{user_id}", headers=viewer)).status_code == 200
    assert (await realm.http.get(f"{ATTACK}/{user_id}", headers=nobody)).status_code == 403
    assert (await realm.http.delete(f"{ATTACK}/{user_id}", headers=viewer)).status_code == 403
    assert (await realm.http.delete(ATTACK, headers=viewer)).status_code == 403
    assert (await realm.http.delete(f"{ATTACK}/{user_id}", headers=manager)).status_code == 204
    assert (await realm.http.delete(ATTACK, headers=manager)).status_code == 204


async def test_without_a_token_the_endpoints_answer_401(realm: Env) -> None:
    for method in ("GET", "DELETE"):
        response = await realm.http.request(method, f"{ATTACK}/anyone")
        assert response.status_code == 401 and response.json() == {"error": "HTTP 401 Unauthorized"}
    assert (await realm.http.delete(ATTACK)).status_code == 401


async def test_another_realms_admin_cannot_clear_this_realms_failures(realm: Env) -> None:
    await seed_realm(realm.db, realm.clock, "other")
    headers = await realm_admin(realm, "manager", "manage-users")
    assert (
        await realm.http.delete("/admin/realms/other/attack-detection/brute-force/users", headers=headers)
    ).status_code == 403


async def test_turning_detection_off_forgets_every_failure(realm: Env) -> None:
    await update_realm(realm.db, "test", brute_force_protected=True, failure_factor=2)
    headers = await realm.admin_headers()
    await _fail(realm, 2)
    assert (await realm.http.put(REALM, json={"bruteForceProtected": False}, headers=headers)).status_code == 204
    assert (await realm.http.put(REALM, json={"bruteForceProtected": True}, headers=headers)).status_code == 204
    assert (await password_grant(realm.http, "test", "app")).status_code == 200


async def test_a_settings_change_with_detection_on_keeps_the_failures(realm: Env) -> None:
    await update_realm(realm.db, "test", brute_force_protected=True, failure_factor=2)
    headers = await realm.admin_headers()
    await _fail(realm, 2)
    assert (await realm.http.put(REALM, json={"failureFactor": 5}, headers=headers)).status_code == 204
    assert_error(await password_grant(realm.http, "test", "app"), 400, "invalid_grant")
