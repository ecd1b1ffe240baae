"""Integer fields of realm, client and user representations: Java int bounds, Jackson's string form (L1)."""

from __future__ import annotations

import pytest

from doorkeep.admin.representations import REALM_FIELDS, USER_FIELDS, RepresentationError, apply
from doorkeep.model import Realm, User


def _realm(**rep: object) -> Realm:
    result: Realm = apply(Realm(id="r", name="r", enabled=True), rep, REALM_FIELDS)
    return result


@pytest.mark.parametrize(
    ("value", "expected"), [(300, 300), ("300", 300), ("+5", 5), (-1, -1), (2**31 - 1, 2**31 - 1), (-(2**31), -(2**31))]
)
def test_ints_and_decimal_strings_in_range_are_read(value: object, expected: int) -> None:
    assert _realm(accessTokenLifespan=value).access_token_lifespan == expected


@pytest.mark.parametrize("value", [2**31, -(2**31) - 1, 10**23, "99999999999999999999999", "2147483648"])
def test_ints_outside_java_int_are_out_of_range(value: object) -> None:
    with pytest.raises(RepresentationError, match="accessCodeLifespanLogin: number out of range"):
        _realm(accessCodeLifespanLogin=value)


@pytest.mark.parametrize("value", ["²", "٣", "1e3", "1.0", "", "x", 1.5, True, False, [1], {"a": 1}])
def test_anything_else_is_not_a_number(value: object) -> None:
    with pytest.raises(RepresentationError, match="accessTokenLifespan: expected a number"):
        _realm(accessTokenLifespan=value)


def test_a_users_created_timestamp_is_a_java_long() -> None:
    user = User(id="u", realm_id="r", username="u")
    assert apply(user, {"createdTimestamp": 2**63 - 1}, USER_FIELDS).created_timestamp == 2**63 - 1
    with pytest.raises(RepresentationError, match="number out of range"):
        apply(user, {"createdTimestamp": 2**63}, USER_FIELDS)
    with pytest.raises(RepresentationError, match="number out of range"):
        apply(user, {"notBefore": 2**31}, USER_FIELDS)
