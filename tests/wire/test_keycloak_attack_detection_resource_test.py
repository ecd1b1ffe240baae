"""Keycloak's AttackDetectionResourceTest (testsuite/integration-arquillian/tests/base/.../admin/
AttackDetectionResourceTest.java), ported over HTTP: the realm imported through ``POST /admin/realms`` with
Brute Force Detection on and failure factor 2, failed logins through the login form (``oauth.doLogin``), then
``GET`` and ``DELETE attack-detection/brute-force/users[/{id}]`` and their admin events.

The status has the seven keys the newest Keycloak 26's AttackDetectionResource.bruteForceUserStatus puts in its
map (``disabled``, ``numFailures``, ``numSecondaryAuthFailures``, ``numTemporaryLockouts``, ``lastFailure``,
``lastIPFailure``, ``failedLoginNotBefore``), and for a user of the realm ``properties`` (``id`` alone, the lock
policy unset); the old test counts four, the new framework's six (keycloak@5ffdbd9b), then seven or eight
(keycloak@4cff4788).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from browser_flow import start, submit
from keycloak_port import ADMIN, admin_headers, forget, get, import_realm, user_id
from wire_env import Env

pytestmark = pytest.mark.anyio

ATTACK = "/attack-detection/brute-force/users"
KEYS = {
    "disabled",
    "numFailures",
    "numSecondaryAuthFailures",
    "numTemporaryLockouts",
    "lastFailure",
    "lastIPFailure",
    "failedLoginNotBefore",
}


def _user(username: str) -> dict[str, Any]:
    password = [{"type": "password", "value": "password", "temporary": False}]
    return {"username": username, "enabled": True, "credentials": password}


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    """AttackDetectionResourceTest.configureTestRealm on the parts of testrealm.json it uses."""
    rep = {
        "realm": "test",
        "enabled": True,
        "adminEventsEnabled": True,
        "bruteForceProtected": True,
        "failureFactor": 2,
        "clients": [{"clientId": "test-app", "secret": "password", "redirectUris": ["http://127.0.0.1:9999/*"]}],
        "users": [{**_user("test-user@localhost"), "email": "test-user@localhost"}, _user("test-user2")],
    }
    await import_realm(env, rep)
    await _admin_events(env)  # the import's own events are not the test's
    yield env
    forget(env)


async def _admin_events(env: Env) -> list[dict[str, Any]]:
    """Every admin event since the last call, oldest first (``assertAdminEvents``' queue)."""
    found: list[dict[str, Any]] = await get(env, "/admin-events", max=1000)
    response = await env.http.delete(f"{ADMIN}/admin-events", headers=await admin_headers(env))
    assert response.status_code == 204
    return list(reversed(found))


async def do_login(env: Env, username: str, password: str) -> None:
    """``oauthClient.doLogin``: the login form sent once, from a browser without cookies."""
    env.http.cookies.clear()
    page = await start(env.http, "test", "test-app")
    await submit(env.http, page, username=username, password=password)


async def status(env: Env, uid: str) -> dict[str, Any]:
    found: dict[str, Any] = await get(env, f"{ATTACK}/{uid}")
    return found


def assert_brute_force(
    env: Env, found: dict[str, Any], failures: int, failure: bool, disabled: bool, known: bool = True
) -> None:
    """AttackDetectionResourceTest.assertBruteForce (``known``: the newest one's expectPropertyStatus)."""
    assert set(found) == (KEYS | {"properties"} if known else KEYS), found
    if known:
        assert list(found["properties"]) == ["id"], found
        assert (found["properties"]["id"]["numFailures"], found["properties"]["id"]["disabled"]) == (failures, disabled)
    assert (found["numFailures"], found["disabled"]) == (failures, disabled), found
    if failure:
        assert found["lastIPFailure"] == "127.0.0.1", found
        assert env.clock.now_ms() - 10000 < found["lastFailure"] <= env.clock.now_ms(), found
        assert found["failedLoginNotBefore"] != 0 and found["numTemporaryLockouts"] == 1, found
    else:
        assert (found["lastIPFailure"], found["lastFailure"], found["failedLoginNotBefore"]) == ("n/a", 0, 0), found


async def assert_delete_event(env: Env, path: str) -> None:
    (event,) = await _admin_events(env)
    assert (event["operationType"], event["resourceType"]) == ("DELETE", "USER_LOGIN_FAILURE"), event
    assert event["resourcePath"] == path, event


async def test_test(kc: Env) -> None:
    """AttackDetectionResourceTest.test: the status of locked, unlocked and unknown users, then one user's
    failures cleared and everyone's, each an admin event DELETE of USER_LOGIN_FAILURE."""
    user1, user2 = await user_id(kc, "test-user@localhost"), await user_id(kc, "test-user2")
    assert_brute_force(kc, await status(kc, user1), 0, False, False)
    for _ in range(3):  # the third meets the lockout and is not counted
        await do_login(kc, "test-user@localhost", "invalid")
    for _ in range(2):
        await do_login(kc, "test-user2", "invalid")
    await do_login(kc, "nosuchuser", "invalid")
    assert_brute_force(kc, await status(kc, user1), 2, True, True)
    assert_brute_force(kc, await status(kc, user2), 2, True, True)
    assert_brute_force(kc, await status(kc, "nosuchuser"), 0, False, False, known=False)

    response = await kc.http.delete(f"{ADMIN}{ATTACK}/{user1}", headers=await admin_headers(kc))
    assert response.status_code == 204
    await assert_delete_event(kc, f"attack-detection/brute-force/users/{user1}")
    assert_brute_force(kc, await status(kc, user1), 0, False, False)
    assert_brute_force(kc, await status(kc, user2), 2, True, True)

    response = await kc.http.delete(f"{ADMIN}{ATTACK}", headers=await admin_headers(kc))
    assert response.status_code == 204
    await assert_delete_event(kc, "attack-detection/brute-force/users")
    assert_brute_force(kc, await status(kc, user1), 0, False, False)
    assert_brute_force(kc, await status(kc, user2), 0, False, False)
