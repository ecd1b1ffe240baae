"""A token's own lifetime, doorkeep.policy.token_*, against Keycloak's JsonWebToken.isExpired / isNotBefore /
isActive: still valid in the second of its ``exp``, ``nbf`` reached with the skew, the skew never on ``exp``."""

from __future__ import annotations

from typing import Any

import pytest

from doorkeep import policy

NOW = 1_700_000_000


@pytest.mark.parametrize(
    ("exp", "expired"),
    [
        (NOW + 1, False),
        (NOW, False),  # the exp second itself: Time.currentTime() > exp is false
        (NOW - 1, True),
        (None, False),  # no exp: never expires (an offline token without a max lifespan)
        (0, False),  # exp 0: never expires
        ("1700000000", True),  # not a number: unreadable, so refused
        (float(NOW), True),
        (True, True),
    ],
)
def test_a_token_expires_only_once_the_clock_is_past_its_exp(exp: object, expired: bool) -> None:
    assert policy.token_expired(exp, NOW) is expired


@pytest.mark.parametrize(
    ("nbf", "skew", "reached"),
    [
        (None, 0, True),
        (NOW, 0, True),  # Time.currentTime() + skew >= nbf
        (NOW + 1, 0, False),
        (NOW + 15, 15, True),
        (NOW + 16, 15, False),
        ("soon", 0, False),
    ],
)
def test_not_before_is_reached_in_its_own_second_with_the_skew_added_to_now(
    nbf: object, skew: int, reached: bool
) -> None:
    assert policy.token_not_before(nbf, NOW, skew) is reached


@pytest.mark.parametrize(
    ("claims", "skew", "active"),
    [
        ({"exp": NOW}, 0, True),
        ({"exp": NOW - 1}, 0, False),
        ({"exp": NOW - 1}, 15, False),  # the skew widens nbf only, never exp
        ({"exp": NOW + 60, "nbf": NOW + 10}, 15, True),
        ({"exp": NOW + 60, "nbf": NOW + 10}, 0, False),
        ({}, 0, True),
    ],
)
def test_a_token_is_active_when_neither_expired_nor_before_its_nbf(
    claims: dict[str, Any], skew: int, active: bool
) -> None:
    assert policy.token_active(claims, NOW, skew) is active


@pytest.mark.parametrize(
    ("nbf", "active"),
    [
        (NOW + 10, True),  # Keycloak 26.6: isActive() allows 10 s on nbf by default (JsonWebTokenTest: +12 fails)
        (NOW + 11, False),
        (NOW + 12, False),
    ],
)
def test_a_token_is_active_up_to_ten_seconds_before_its_nbf_by_default(nbf: int, active: bool) -> None:
    assert policy.token_active({"exp": NOW + 60, "nbf": nbf}, NOW) is active


def test_a_session_unlike_a_token_is_over_in_the_second_its_timestamp_names() -> None:
    assert policy.token_expired(NOW, NOW) is False
    assert policy.is_valid(NOW, policy.NEVER, NOW) is False
    assert policy.is_valid(NOW + 10, NOW, NOW) is False
