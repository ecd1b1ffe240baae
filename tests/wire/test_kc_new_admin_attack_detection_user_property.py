"""Keycloak's new-framework AttackDetectionUserPropertyTest (tests/base/.../tests/admin/, keycloak@fb240229):
brute force lockout by user property. The realm counts failures per protected property value
(``bruteForceLockPolicy`` PROPERTIES: username, email and the attribute ``department``; failure factors 2,
``waitIncrementSeconds`` 60, no quick-login check); the attack-detection status shows one counter per
property, and ``DELETE …/brute-force/users/{id}?property=`` clears one. The Java class logs in with the
password grant, as here; its @BeforeEach (users re-enabled, department set, every failure cleared) is each
test's fresh realm. The unmanaged-attribute policy it turns on only lets its admin writes keep
``department``: the users are seeded with it.

Beyond the class: the hostile variants (a bad policy or property list, another realm's admin, view-users
only, an unknown user id) and the default realm's representation. A realm that never set a lock policy
counts per user and shows ``properties`` with ``id`` alone, as the newest AttackDetectionResourceTest
(keycloak@4cff4788, ``status.size() == 8``) pins it (the older one, keycloak@5ffdbd9b, counted six keys)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from admin_support import realm_admin
from support import password_grant, seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "/admin/realms/test"
ATTACK = f"{REALM}/attack-detection/brute-force/users"
CONFIG: dict[str, Any] = {
    "bruteForceProtected": True,
    "failureFactor": 2,
    "bruteForcePropertyFailureFactor": 2,
    "waitIncrementSeconds": 60,
    "quickLoginCheckMilliSeconds": 0,
    "bruteForceLockPolicy": "PROPERTIES",
    "bruteForceProtectedUserProperties": ["username", "email", "department"],
}
SALES, OTHER, ENGINEERING = "sales-user", "other-sales-user", "engineering-user"


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app")
    for username, first, last, department in (
        (SALES, "Sales", "User", "sales"),
        (OTHER, "Other", "Sales", "sales"),
        (ENGINEERING, "Engineering", "User", "engineering"),
    ):
        await seed_user(
            env.db,
            env.clock,
            "test",
            username,
            first_name=first,
            last_name=last,
            email_verified=True,
            attributes={"department": [department]},
        )
    await _update_realm(env, CONFIG)
    return env


async def _update_realm(env: Env, changes: dict[str, Any]) -> None:
    response = await env.http.put(REALM, json=changes, headers=await env.admin_headers())
    assert response.status_code == 204, response.text


async def _id(env: Env, username: str) -> str:
    found = await env.http.get(
        f"{REALM}/users", params={"username": username, "exact": "true"}, headers=await env.admin_headers()
    )
    return str(found.json()[0]["id"])


async def _status(env: Env, username: str) -> dict[str, Any]:
    response = await env.http.get(f"{ATTACK}/{await _id(env, username)}", headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _fail(env: Env, identifier: str, times: int) -> None:
    for _ in range(times):
        env.clock.advance(5)
        response = await password_grant(env.http, "test", "app", identifier, "invalid")
        assert response.status_code == 400, response.text


async def _clear(env: Env, username: str, prop: str | None = None) -> int:
    params = {"property": prop} if prop is not None else {}
    url = f"{ATTACK}/{await _id(env, username)}"
    return (await env.http.delete(url, params=params, headers=await env.admin_headers())).status_code


async def _prop(env: Env, username: str, name: str, field: str = "disabled") -> Any:
    return (await _status(env, username))["properties"][name][field]


async def _disabled(env: Env, username: str) -> bool:
    return bool((await _status(env, username))["disabled"])


async def _user(env: Env, username: str) -> dict[str, Any]:
    response = await env.http.get(f"{REALM}/users/{await _id(env, username)}", headers=await env.admin_headers())
    body: dict[str, Any] = response.json()
    return body


async def test_properties_policy_increments_only_the_submitted_identifier(realm: Env) -> None:
    """AttackDetectionUserPropertyTest#propertiesPolicyIncrementsOnlyTheSubmittedIdentifier"""
    await _fail(realm, SALES, 2)
    assert await _prop(realm, SALES, "username", "numFailures") == 2
    assert await _prop(realm, SALES, "email", "numFailures") == 0
    assert await _prop(realm, SALES, "department", "numFailures") == 0
    assert await _prop(realm, SALES, "username") is True
    assert await _disabled(realm, SALES) is True
    assert await _prop(realm, OTHER, "department") is False
    assert await _disabled(realm, OTHER) is False


async def test_email_failures_increment_email_and_lock_that_email_only(realm: Env) -> None:
    """AttackDetectionUserPropertyTest#emailFailuresIncrementEmailAndCanLockUsersSharingThatEmail"""
    await _update_realm(realm, {"bruteForceProtectedUserProperties": ["email"]})
    await _fail(realm, f"{SALES}@example.com", 3)
    assert set((await _status(realm, SALES))["properties"]) == {"email"}
    assert await _prop(realm, SALES, "email") is True
    assert await _disabled(realm, SALES) is True
    assert await _prop(realm, OTHER, "email") is False
    assert await _disabled(realm, OTHER) is False


@pytest.mark.parametrize("prop", ["username", "email"])
async def test_locks_only_by_a_configured_unique_built_in_property(realm: Env, prop: str) -> None:
    """AttackDetectionUserPropertyTest#locksOnlyByConfiguredUniqueBuiltInProperty"""
    await _update_realm(realm, {"bruteForceProtectedUserProperties": [prop]})
    await _fail(realm, f"{SALES}@example.com" if prop == "email" else SALES, 3)
    assert set((await _status(realm, SALES))["properties"]) == {prop}
    assert await _prop(realm, SALES, prop) is True
    assert await _disabled(realm, SALES) is True
    for other in (OTHER, ENGINEERING):
        assert await _prop(realm, other, prop) is False
        assert await _disabled(realm, other) is False


@pytest.mark.parametrize("prop", ["lastName", "department"])
async def test_a_property_not_typed_is_not_counted(realm: Env, prop: str) -> None:
    """AttackDetectionUserPropertyTest#lastNameIsNotIncrementedWhenTheUserLogsInWithUsername and
    #customPropertyIsNotIncrementedWhenTheUserLogsInWithUsername"""
    await _update_realm(realm, {"bruteForceProtectedUserProperties": [prop]})
    await _fail(realm, SALES, 3)
    assert await _prop(realm, SALES, prop, "numFailures") == 0
    assert await _disabled(realm, SALES) is False
    assert await _disabled(realm, OTHER if prop == "department" else ENGINEERING) is False


async def test_unlocks_only_the_requested_property(realm: Env) -> None:
    """AttackDetectionUserPropertyTest#unlocksOnlyTheRequestedProperty"""
    await _fail(realm, SALES, 1)
    await _fail(realm, f"{SALES}@example.com", 2)
    assert await _prop(realm, SALES, "username", "numFailures") == 1
    assert await _prop(realm, SALES, "email") is True
    assert await _disabled(realm, SALES) is True
    assert await _clear(realm, SALES, "email") == 204
    assert await _prop(realm, SALES, "email") is False
    assert await _prop(realm, SALES, "username", "numFailures") == 1
    assert await _disabled(realm, SALES) is False


async def test_clear_without_a_property_clears_every_property(realm: Env) -> None:
    """AttackDetectionUserPropertyTest#clearForUserWithoutPropertyStillClearsEveryProperty"""
    await _fail(realm, SALES, 3)
    await _fail(realm, f"{SALES}@example.com", 3)
    assert await _clear(realm, SALES) == 204
    for name in ("username", "email", "department"):
        assert await _prop(realm, SALES, name) is False


async def test_an_unprotected_property_cannot_be_cleared(realm: Env) -> None:
    """AttackDetectionUserPropertyTest#rejectsUnlockForAPropertyThatIsNotProtected"""
    url = f"{ATTACK}/{await _id(realm, SALES)}"
    response = await realm.http.delete(url, params={"property": "phoneNumber"}, headers=await realm.admin_headers())
    assert response.status_code == 400
    assert response.json() == {"error": "User property is not protected by brute force detection: phoneNumber"}


async def test_each_configured_property_has_its_own_status(realm: Env) -> None:
    """AttackDetectionUserPropertyTest#exposesIndependentStatusForEveryConfiguredProperty"""
    properties = (await _status(realm, SALES))["properties"]
    assert list(properties) == ["username", "email", "department"]
    for name in properties:
        assert properties[name]["numFailures"] == 0
        assert properties[name]["disabled"] is False


async def test_the_realm_representation_keeps_the_configuration(realm: Env) -> None:
    """AttackDetectionUserPropertyTest#persistsConfiguredPropertiesInTheRealmRepresentation"""
    body = (await realm.http.get(REALM, headers=await realm.admin_headers())).json()
    assert body["bruteForceProtectedUserProperties"] == ["username", "email", "department"]
    assert body["bruteForceLockPolicy"] == "PROPERTIES"
    assert body["bruteForcePropertyFailureFactor"] == 2


async def test_every_lock_policy_round_trips(realm: Env) -> None:
    """AttackDetectionUserPropertyTest#persistsAllLockPoliciesInTheRealmRepresentation"""
    for policy in ("USER", "PROPERTIES", "ANY"):
        await _update_realm(realm, {"bruteForceLockPolicy": policy})
        body = (await realm.http.get(REALM, headers=await realm.admin_headers())).json()
        assert body["bruteForceLockPolicy"] == policy


async def test_the_user_policy_locks_only_the_failed_account(realm: Env) -> None:
    """AttackDetectionUserPropertyTest#userPolicyLocksOnlyTheFailedAccount"""
    await _update_realm(realm, {"bruteForceLockPolicy": "USER"})
    await _fail(realm, SALES, 3)
    assert set((await _status(realm, SALES))["properties"]) == {"id"}
    assert await _prop(realm, SALES, "id") is True
    assert await _disabled(realm, SALES) is True
    assert await _prop(realm, OTHER, "id") is False
    assert await _disabled(realm, OTHER) is False


async def test_the_any_policy_counts_the_account_and_the_submitted_identifier(realm: Env) -> None:
    """AttackDetectionUserPropertyTest#anyPolicyIncrementsGlobalAndTheSubmittedIdentifier"""
    await _update_realm(realm, {"bruteForceLockPolicy": "ANY"})
    await _fail(realm, SALES, 2)
    counts = {name: s["numFailures"] for name, s in (await _status(realm, SALES))["properties"].items()}
    assert counts == {"id": 2, "username": 2, "email": 0, "department": 0}
    assert await _prop(realm, SALES, "id") is True
    assert await _prop(realm, SALES, "username") is True
    assert await _disabled(realm, SALES) is True
    assert await _prop(realm, OTHER, "id") is False
    assert await _disabled(realm, OTHER) is False
    assert await _clear(realm, SALES, "username") == 204
    assert await _disabled(realm, SALES) is True
    assert await _clear(realm, SALES, "id") == 204
    assert await _disabled(realm, SALES) is False


@pytest.mark.parametrize(
    ("factors", "typed", "locked"),
    [
        ((2, 10), lambda: [SALES, f"{SALES}@example.com"], {"id": True, "username": False, "email": False}),
        ((10, 2), lambda: [f"{SALES}@example.com"] * 2, {"id": False, "email": True}),
    ],
    ids=["globalThresholdLocksTheAccountAcrossIdentifiers", "identifierThresholdCanLockBeforeTheGlobalThreshold"],
)
async def test_each_counter_locks_at_its_own_failure_factor(
    realm: Env, factors: tuple[int, int], typed: Callable[[], list[str]], locked: dict[str, bool]
) -> None:
    """AttackDetectionUserPropertyTest#globalThresholdLocksTheAccountAcrossIdentifiers and
    #identifierThresholdCanLockBeforeTheGlobalThreshold"""
    await _update_realm(
        realm,
        {"bruteForceLockPolicy": "ANY", "failureFactor": factors[0], "bruteForcePropertyFailureFactor": factors[1]},
    )
    for identifier in typed():
        await _fail(realm, identifier, 1)
    properties = (await _status(realm, SALES))["properties"]
    assert properties["id"]["numFailures"] == 2
    assert {name: properties[name]["disabled"] for name in locked} == locked
    assert await _disabled(realm, SALES) is True


async def test_a_successful_login_clears_every_counter(realm: Env) -> None:
    """AttackDetectionUserPropertyTest#successfulLoginClearsEveryConfiguredPropertyCounter"""
    await _fail(realm, SALES, 1)
    assert await _prop(realm, SALES, "username", "numFailures") == 1
    assert await _prop(realm, SALES, "email", "numFailures") == 0
    realm.clock.advance(5)
    assert (await password_grant(realm.http, "test", "app", SALES, "password")).status_code == 200
    assert await _prop(realm, SALES, "username", "numFailures") == 0
    assert await _prop(realm, SALES, "email", "numFailures") == 0


async def test_a_property_counter_follows_the_value(realm: Env) -> None:
    """AttackDetectionUserPropertyTest#propertyCountersFollowThePropertyValueWhenItChanges"""
    await _update_realm(realm, {"bruteForceProtectedUserProperties": ["email"]})
    await _fail(realm, f"{SALES}@example.com", 1)
    assert await _prop(realm, SALES, "email", "numFailures") == 1
    for email, failures in (("new-sales-user@example.com", 0), (f"{SALES}@example.com", 1)):
        user = await _user(realm, SALES)
        url = f"{REALM}/users/{user['id']}"
        response = await realm.http.put(url, json={**user, "email": email}, headers=await realm.admin_headers())
        assert response.status_code == 204, response.text
        assert await _prop(realm, SALES, "email", "numFailures") == failures
        assert await _disabled(realm, SALES) is False


async def test_a_permanent_lockout_ends_once_every_locked_property_is_cleared(realm: Env) -> None:
    """AttackDetectionUserPropertyTest#permanentLockoutIsReleasedOnlyAfterEveryLockedPropertyIsUnlocked"""
    await _update_realm(realm, {"permanentLockout": True, "maxTemporaryLockouts": 0})
    await _fail(realm, SALES, 3)
    assert (await _user(realm, SALES))["enabled"] is False
    assert await _prop(realm, SALES, "username") is True
    assert await _clear(realm, SALES, "email") == 204
    assert (await _user(realm, SALES))["enabled"] is False
    assert await _prop(realm, SALES, "username") is True
    assert await _clear(realm, SALES, "username") == 204
    user = await _user(realm, SALES)
    assert user["enabled"] is True
    assert "disabledReason" not in user.get("attributes", {})
    assert (await password_grant(realm.http, "test", "app", SALES, "password")).status_code == 200


# --- beyond the Java class ------------------------------------------------------------------------


async def test_a_locked_property_refuses_the_right_password(realm: Env) -> None:
    await _fail(realm, f"{SALES}@example.com", 2)
    response = await password_grant(realm.http, "test", "app", SALES, "password")
    assert response.status_code == 400
    assert await _prop(realm, SALES, "username", "numFailures") == 0  # a refused attempt is not counted


async def test_a_new_realm_counts_per_user(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    body = (await env.http.get(REALM, headers=await env.admin_headers())).json()
    assert body["bruteForceLockPolicy"] == "USER"
    assert body["bruteForceProtectedUserProperties"] == []
    assert body["bruteForcePropertyFailureFactor"] == body["failureFactor"] == 30
    await seed_client(env.db, "test", "app")
    await seed_user(env.db, env.clock, "test", "user1")
    await _update_realm(env, {"bruteForceProtected": True})
    status = await _status(env, "user1")  # the lock policy never set: USER, the user's own counter
    assert set(status) == {
        "disabled",
        "numFailures",
        "numSecondaryAuthFailures",
        "numTemporaryLockouts",
        "lastFailure",
        "lastIPFailure",
        "failedLoginNotBefore",
        "properties",
    }
    assert list(status["properties"]) == ["id"], status


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("bruteForceLockPolicy", "EVERYONE"),
        ("bruteForceLockPolicy", 1),
        ("bruteForceProtectedUserProperties", "email"),
        ("bruteForceProtectedUserProperties", [1]),
        ("bruteForcePropertyFailureFactor", "many"),
        ("bruteForcePropertyFailureFactor", -1),
    ],
)
async def test_a_malformed_setting_is_refused(realm: Env, field: str, value: Any) -> None:
    response = await realm.http.put(REALM, json={field: value}, headers=await realm.admin_headers())
    assert response.status_code == 400, response.text
    body = (await realm.http.get(REALM, headers=await realm.admin_headers())).json()
    assert {k: body[k] for k in ("bruteForceLockPolicy", "bruteForcePropertyFailureFactor")} == {
        "bruteForceLockPolicy": "PROPERTIES",
        "bruteForcePropertyFailureFactor": 2,
    }


async def test_clearing_a_property_needs_manage_users_of_this_realm(realm: Env) -> None:
    await _fail(realm, SALES, 2)
    user_id = await _id(realm, SALES)
    viewer = await realm_admin(realm, "viewer", "view-users")
    response = await realm.http.delete(f"{ATTACK}/{user_id}", params={"property": "username"}, headers=viewer)
    assert response.status_code == 403
    await seed_realm(realm.db, realm.clock, "other")
    stranger = await realm_admin(realm, "stranger", "manage-users", realm="other")
    response = await realm.http.delete(f"{ATTACK}/{user_id}", params={"property": "username"}, headers=stranger)
    assert response.status_code in (401, 403)
    assert await _prop(realm, SALES, "username") is True
    other_realm = f"/admin/realms/other/attack-detection/brute-force/users/{user_id}"
    response = await realm.http.delete(
        other_realm, params={"property": "username"}, headers=await realm.admin_headers()
    )
    assert response.status_code == 204  # not a user of that realm: only a record of that id would go
    assert await _prop(realm, SALES, "username") is True


async def test_an_unknown_user_id_with_a_property_is_no_error(realm: Env) -> None:
    url = f"{ATTACK}/no-such-user"
    response = await realm.http.delete(url, params={"property": "phoneNumber"}, headers=await realm.admin_headers())
    assert response.status_code == 204
    status = (await realm.http.get(url, headers=await realm.admin_headers())).json()
    assert "properties" not in status
    assert status["disabled"] is False
