"""Keycloak's new-framework AttackDetectionResourceTest (tests/base/.../tests/admin/, keycloak@4cff4788, the newest:
seven keys with ``numSecondaryAuthFailures``, eight with ``properties`` for a user of the realm; keycloak@5ffdbd9b
counted six): the failed logins through the password grant (the old framework's port,
test_keycloak_attack_detection_resource_test.py, goes through the login form), the status counted with
``numTemporaryLockouts``, then one user's failures cleared and every user's, each an admin event DELETE of
USER_LOGIN_FAILURE. The realm: Brute Force Detection on, failure factor 2, admin events saved."""

from __future__ import annotations

from typing import Any

import pytest

from support import password_grant, seed_client, seed_realm, seed_user, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "/admin/realms/test"
ATTACK = f"{REALM}/attack-detection/brute-force/users"


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock)
    await update_realm(env.db, "test", brute_force_protected=True, failure_factor=2, admin_events_enabled=True)
    await seed_client(env.db, "test", "app")
    await seed_user(env.db, env.clock, "test", "test-user")
    await seed_user(env.db, env.clock, "test", "test-user2")
    return env


async def _id(env: Env, username: str) -> str:
    found = await env.http.get(
        f"{REALM}/users", params={"username": username, "exact": "true"}, headers=await env.admin_headers()
    )
    return str(found.json()[0]["id"])


async def _status(env: Env, user_id: str) -> dict[str, Any]:
    response = await env.http.get(f"{ATTACK}/{user_id}", headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _assert_brute_force(
    env: Env,
    status: dict[str, Any],
    failures: int,
    lockouts: int,
    failure: bool,
    disabled: bool,
    expect_property_status: bool = True,
) -> None:
    """AttackDetectionResourceTest.assertBruteForce"""
    assert len(status) == (8 if expect_property_status else 7), status
    assert (status["numFailures"], status["numTemporaryLockouts"], status["disabled"]) == (
        failures,
        lockouts,
        disabled,
    ), status
    if expect_property_status:
        properties = status["properties"]
        assert len(properties) == 1, properties
        by_id = properties["id"]
        assert (by_id["numFailures"], by_id["numTemporaryLockouts"], by_id["disabled"]) == (
            failures,
            lockouts,
            disabled,
        )
    if failure:
        assert status["lastIPFailure"] == "127.0.0.1", status
        assert env.clock.now_ms() - 10000 < status["lastFailure"] <= env.clock.now_ms(), status
        assert status["failedLoginNotBefore"] != 0, status
    else:
        assert (status["lastIPFailure"], status["lastFailure"], status["failedLoginNotBefore"]) == ("n/a", 0, 0)


async def _delete_event(env: Env, path: str) -> None:
    headers = await env.admin_headers()
    events = (await env.http.get(f"{REALM}/admin-events", headers=headers)).json()
    assert [(e["operationType"], e["resourceType"], e["resourcePath"]) for e in events] == [
        ("DELETE", "USER_LOGIN_FAILURE", path)
    ], events
    assert (await env.http.delete(f"{REALM}/admin-events", headers=headers)).status_code == 204


async def test_test(realm: Env) -> None:
    """AttackDetectionResourceTest#test"""
    user1, user2 = await _id(realm, "test-user"), await _id(realm, "test-user2")
    _assert_brute_force(realm, await _status(realm, user1), 0, 0, False, False)
    for username, times in (("test-user", 3), ("test-user2", 2), ("nosuchuser", 1)):
        for _ in range(times):
            realm.clock.advance(1)
            response = await password_grant(realm.http, "test", "app", username, "invalid")
            assert response.status_code == 400, response.text
    assert (await realm.http.delete(f"{REALM}/admin-events", headers=await realm.admin_headers())).status_code == 204

    _assert_brute_force(realm, await _status(realm, user1), 2, 1, True, True)
    _assert_brute_force(realm, await _status(realm, user2), 2, 1, True, True)
    _assert_brute_force(realm, await _status(realm, "nosuchuser"), 0, 0, False, False, False)

    assert (await realm.http.delete(f"{ATTACK}/{user1}", headers=await realm.admin_headers())).status_code == 204
    await _delete_event(realm, f"attack-detection/brute-force/users/{user1}")
    _assert_brute_force(realm, await _status(realm, user1), 0, 0, False, False)
    _assert_brute_force(realm, await _status(realm, user2), 2, 1, True, True)

    assert (await realm.http.delete(ATTACK, headers=await realm.admin_headers())).status_code == 204
    await _delete_event(realm, "attack-detection/brute-force/users")
    _assert_brute_force(realm, await _status(realm, user1), 0, 0, False, False)
    _assert_brute_force(realm, await _status(realm, user2), 0, 0, False, False)
