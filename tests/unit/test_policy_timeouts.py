"""Realm and client timeout settings of doorkeep.policy (KEYCLOAK.md §5.1 defaults, the §5.3 helpers) and the
validity rule of a session against its idle and max timestamps."""

from __future__ import annotations

from typing import Any

import pytest

from doorkeep import policy
from policy_values import CLIENT_IDLE, DAY, HOUR, MINUTE, T0, make_client, make_realm

# --------------------------------------------------------------------------------------------------
# §5.1 defaults and the §5.3 helpers


def test_a_new_realm_has_the_keycloak_admin_api_defaults() -> None:
    realm = make_realm()
    assert realm.access_token_lifespan == 300
    assert realm.access_token_lifespan_for_implicit_flow == 900
    assert realm.sso_session_idle_timeout == 1800
    assert realm.sso_session_max_lifespan == 36000
    assert realm.sso_session_idle_timeout_remember_me == 0
    assert realm.sso_session_max_lifespan_remember_me == 0
    assert realm.offline_session_idle_timeout == 2592000
    assert realm.offline_session_max_lifespan_enabled is False
    assert realm.offline_session_max_lifespan == 5184000
    assert realm.client_session_idle_timeout == 0
    assert realm.client_session_max_lifespan == 0
    assert realm.client_offline_session_idle_timeout == 0
    assert realm.client_offline_session_max_lifespan == 0
    assert realm.revoke_refresh_token is False
    assert realm.refresh_token_max_reuse == 0
    assert realm.not_before == 0


def test_fallback_constants_are_thirty_and_sixty_days_offline_and_half_an_hour_and_ten_hours_online() -> None:
    assert policy.DEFAULT_OFFLINE_IDLE == 30 * DAY
    assert policy.DEFAULT_OFFLINE_MAX == 60 * DAY
    assert policy.DEFAULT_SSO_IDLE == 30 * MINUTE
    assert policy.DEFAULT_SSO_MAX == 10 * HOUR
    assert policy.IDLE_SKEW == 0
    assert policy.NEVER == -1


@pytest.mark.parametrize("value", [0, -1, -36000])
@pytest.mark.parametrize(
    ("helper", "field", "default"),
    [
        (policy.sso_idle, "sso_session_idle_timeout", 1800),
        (policy.sso_max, "sso_session_max_lifespan", 36000),
        (policy.offline_idle, "offline_session_idle_timeout", 2592000),
        (policy.offline_max, "offline_session_max_lifespan", 5184000),
    ],
)
def test_realm_timeouts_of_zero_or_less_fall_back_to_the_keycloak_defaults(
    helper: Any, field: str, default: int, value: int
) -> None:
    assert helper(make_realm(**{field: value})) == default


@pytest.mark.parametrize(
    ("helper", "field"),
    [
        (policy.sso_idle, "sso_session_idle_timeout"),
        (policy.sso_max, "sso_session_max_lifespan"),
        (policy.offline_idle, "offline_session_idle_timeout"),
        (policy.offline_max, "offline_session_max_lifespan"),
    ],
)
@pytest.mark.parametrize("value", [1, 600, 10 * 365 * DAY])
def test_positive_realm_timeouts_are_used_as_configured(helper: Any, field: str, value: int) -> None:
    assert helper(make_realm(**{field: value})) == value


@pytest.mark.parametrize(
    ("normal", "remember_me_value", "remember_me", "expected"),
    [
        (1800, 0, True, 1800),  # remember-me value unset
        (1800, 7200, True, 7200),  # the larger remember-me value wins
        (1800, 600, True, 1800),  # a smaller remember-me value never shortens
        (1800, 7200, False, 1800),  # ignored without remember-me
        (0, 600, True, 1800),  # the normal value falls back to its default first
        (0, 7200, True, 7200),
        (-5, -5, True, 1800),
    ],
)
def test_remember_me_idle_is_the_larger_of_the_normal_and_remember_me_idle(
    normal: int, remember_me_value: int, remember_me: bool, expected: int
) -> None:
    realm = make_realm(sso_session_idle_timeout=normal, sso_session_idle_timeout_remember_me=remember_me_value)
    assert policy.sso_idle(realm, remember_me) == expected


@pytest.mark.parametrize(
    ("normal", "remember_me_value", "remember_me", "expected"),
    [
        (36000, 0, True, 36000),
        (36000, 864000, True, 864000),
        (36000, 3600, True, 36000),
        (36000, 864000, False, 36000),
        (0, 3600, True, 36000),
        (0, 864000, True, 864000),
    ],
)
def test_remember_me_max_is_the_larger_of_the_normal_and_remember_me_max(
    normal: int, remember_me_value: int, remember_me: bool, expected: int
) -> None:
    realm = make_realm(sso_session_max_lifespan=normal, sso_session_max_lifespan_remember_me=remember_me_value)
    assert policy.sso_max(realm, remember_me) == expected


def test_remember_me_values_do_not_touch_offline_timeouts() -> None:
    realm = make_realm(sso_session_idle_timeout_remember_me=99 * DAY, sso_session_max_lifespan_remember_me=99 * DAY)
    assert policy.user_session_idle(realm, True, True, T0) == T0 + 30 * DAY
    assert policy.user_session_max(realm, True, True, T0) == policy.NEVER


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("600", 600),
        ("+600", 600),  # Long.parseLong takes a sign
        (" 600 ", -1),  # and no blanks (SessionExpirationUtils does not trim)
        ("1", 1),
        (600, 600),
        ("", -1),
        ("   ", -1),
        ("abc", -1),
        ("1.5", -1),
        ("10s", -1),
        ("0", -1),
        ("-1", -1),
        ("-600", -1),
        (None, -1),
    ],
)
def test_a_client_timeout_attribute_counts_only_when_it_is_a_positive_integer(raw: Any, expected: int) -> None:
    client = make_client({CLIENT_IDLE: raw})
    assert policy.client_attr_timeout(client, CLIENT_IDLE) == expected


def test_a_missing_client_timeout_attribute_or_a_missing_client_means_unset() -> None:
    assert policy.client_attr_timeout(make_client(), CLIENT_IDLE) == -1
    assert policy.client_attr_timeout(None, CLIENT_IDLE) == -1


# --------------------------------------------------------------------------------------------------
# §5.3 validity: idle_ts > now and (max_ts == -1 or max_ts > now)


@pytest.mark.parametrize(
    ("idle_ts", "max_ts", "now", "valid"),
    [
        (T0 + 100, policy.NEVER, T0 + 99, True),
        (T0 + 100, policy.NEVER, T0 + 100, False),  # invalid at the idle instant
        (T0 + 100, policy.NEVER, T0 + 101, False),
        (T0 + 100, T0 + 200, T0 + 99, True),
        (T0 + 200, T0 + 100, T0 + 99, True),
        (T0 + 200, T0 + 100, T0 + 100, False),  # invalid at the max instant
        (T0 + 200, T0 + 100, T0 + 150, False),
        (T0 + 100, T0 + 100, T0 + 100, False),
        (T0 + 100, T0 + 100, T0 + 99, True),
    ],
)
def test_a_session_is_valid_strictly_before_its_idle_and_max_timestamps(
    idle_ts: int, max_ts: int, now: int, valid: bool
) -> None:
    assert policy.is_valid(idle_ts, max_ts, now) is valid


def test_a_max_timestamp_of_minus_one_never_expires() -> None:
    assert policy.is_valid(T0 + 10**9 + 1, policy.NEVER, T0 + 10**9) is True
