"""users/brute_force_keys: Keycloak's BruteForceUserPropertyTest (services, keycloak@bcf973dc), on Doorkeep's
dataclasses."""

from __future__ import annotations

import dataclasses

import pytest

from doorkeep.model import Realm, User
from doorkeep.users.brute_force_keys import (
    ID,
    UnprotectedProperty,
    all_keys,
    failure_factor,
    keys_for_attempt,
    keys_of,
    property_key,
    protected_properties,
)

REALM = Realm(id="r", name="r")


def _realm(policy: str | None, *properties: str, factor: int = 30, property_factor: int | None = None) -> Realm:
    return dataclasses.replace(
        REALM,
        brute_force_lock_policy=policy,
        brute_force_protected_user_properties=properties,
        failure_factor=factor,
        brute_force_property_failure_factor=property_factor,
    )


def _user(username: str = "UserName", email: str | None = "User@Example.com", **attributes: list[str]) -> User:
    return User(id="user-id", realm_id="r", username=username, email=email, attributes=dict(attributes))


def test_property_keys_differ_by_property_and_hide_the_value() -> None:
    assert property_key("email", "same") != property_key("username", "same")
    assert property_key("department", "sales") == property_key("department", "sales")
    key = property_key("email", "private@example.com")
    assert key.startswith("bf-property:") and "private" not in key and len(key) <= 64


@pytest.mark.parametrize(
    ("policy", "properties", "expected"),
    [
        (None, (), [ID]),
        ("USER", ("email", "phoneNumber"), [ID]),
        ("PROPERTIES", ("email", "phoneNumber"), ["email", "phoneNumber"]),
        ("PROPERTIES", (), [ID]),
        ("ANY", ("email", "id"), [ID, "email"]),
        ("ANY", (), [ID]),
    ],
)
def test_the_policy_decides_the_protected_properties(
    policy: str | None, properties: tuple[str, ...], expected: list[str]
) -> None:
    assert protected_properties(_realm(policy, *properties)) == expected


def test_properties_policy_keys_are_the_property_values() -> None:
    user = _user(phoneNumber=["+1-555-0100"])
    assert all_keys(_realm("PROPERTIES", "email", "phoneNumber"), user) == [
        property_key("email", "user@example.com"),
        property_key("phoneNumber", "+1-555-0100"),
    ]


def test_an_attempt_moves_only_the_counters_of_the_identifier_typed() -> None:
    realm = _realm("PROPERTIES", "username", "email", "department")
    user = _user(department=["sales"])
    assert keys_for_attempt(realm, user, "UserName") == [property_key("username", "username")]
    assert keys_for_attempt(realm, user, "User@Example.com") == [property_key("email", "user@example.com")]
    assert keys_for_attempt(realm, user, "sales") == [property_key("department", "sales")]
    assert keys_for_attempt(realm, user, "other") == []
    assert keys_for_attempt(realm, user, None) == [property_key("username", "username")]  # the username


def test_any_counts_the_user_and_the_identifier_and_user_ignores_it() -> None:
    user = _user()
    assert keys_for_attempt(_realm("ANY", "email"), user, "User@Example.com") == [
        "user-id",
        property_key("email", "user@example.com"),
    ]
    assert keys_for_attempt(_realm("ANY", "email"), user, "UserName") == ["user-id"]
    assert keys_for_attempt(_realm("USER", "email"), user, "User@Example.com") == ["user-id"]


def test_a_property_counter_has_its_own_failure_factor_falling_back_to_the_realms() -> None:
    email = property_key("email", "user@example.com")
    assert failure_factor(_realm("ANY", "email"), email) == 30
    assert failure_factor(_realm("ANY", "email", property_factor=2), email) == 2
    assert failure_factor(_realm("ANY", "email", property_factor=2), "user-id") == 30


def test_values_are_normalized_as_keycloak_does() -> None:
    user = _user("  UserName  ", "  User@Example.com  ", department=[" Sales ", "sales", "Sales", "", " "])
    assert all_keys(_realm("PROPERTIES", "username", "email"), user) == [
        property_key("username", "username"),
        property_key("email", "user@example.com"),
    ]
    assert keys_of(_realm("PROPERTIES", "department"), user, "department") == [
        property_key("department", "Sales"),
        property_key("department", "sales"),
    ]


def test_a_property_without_a_value_has_no_counter_and_an_unprotected_one_is_refused() -> None:
    assert all_keys(_realm("PROPERTIES", "email", "phoneNumber"), _user(email=None)) == []
    with pytest.raises(UnprotectedProperty, match="phoneNumber"):
        keys_of(_realm("PROPERTIES", "email"), _user(), "phoneNumber")
