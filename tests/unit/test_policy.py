"""Lifetime rules of doorkeep.policy against KEYCLOAK.md §3.2 (Expiry), §5.1–§5.3 and §8.1."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from doorkeep import policy
from doorkeep.clock import FakeClock
from doorkeep.model import Client, Realm
from policy_values import client_session, session

MINUTE = 60
HOUR = 3600
DAY = 86400
T0 = 1_700_000_000

CLIENT_OFFLINE_IDLE = "client.offline.session.idle.timeout"
CLIENT_OFFLINE_MAX = "client.offline.session.max.lifespan"
CLIENT_IDLE = "client.session.idle.timeout"
CLIENT_MAX = "client.session.max.lifespan"
ACCESS_LIFESPAN = "access.token.lifespan"
# Client timeout attribute values that mean "unset" (§5.2: blank or non-numeric; §5.3: only > 0 counts).
UNSET_ATTRIBUTE_VALUES = ["", "   ", "abc", "1.5", "10s", "0", "-1", "-600", None]


def make_realm(**settings: Any) -> Realm:
    return Realm(id="realm-id", name="test", **settings)


def make_client(attributes: dict[str, Any] | None = None, **settings: Any) -> Client:
    return Client(id="client-uuid", realm_id="realm-id", client_id="app", attributes=attributes or {}, **settings)


def offline_limited(**settings: Any) -> Realm:
    return make_realm(offline_session_max_lifespan_enabled=True, **settings)


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
        (" 600 ", 600),
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


# --------------------------------------------------------------------------------------------------
# user sessions


@pytest.mark.parametrize(
    ("realm", "offline", "remember_me", "expected_idle", "expected_max"),
    [
        (make_realm(), False, False, T0 + 1800, T0 + 36000),
        (make_realm(), True, False, T0 + 2592000, policy.NEVER),
        (offline_limited(), True, False, T0 + 2592000, T0 + 5184000),
        (offline_limited(offline_session_max_lifespan=0), True, False, T0 + 2592000, T0 + 5184000),
        (make_realm(offline_session_max_lifespan=60), True, False, T0 + 2592000, policy.NEVER),
        (
            offline_limited(offline_session_idle_timeout=600, offline_session_max_lifespan=3000),
            True,
            False,
            T0 + 600,
            T0 + 3000,
        ),
        (
            make_realm(sso_session_idle_timeout=0, sso_session_max_lifespan=-1),
            False,
            False,
            T0 + 1800,
            T0 + 36000,
        ),
        (
            make_realm(sso_session_idle_timeout_remember_me=7200, sso_session_max_lifespan_remember_me=86400),
            False,
            True,
            T0 + 7200,
            T0 + 86400,
        ),
        (
            make_realm(sso_session_idle_timeout_remember_me=7200, sso_session_max_lifespan_remember_me=86400),
            False,
            False,
            T0 + 1800,
            T0 + 36000,
        ),
    ],
)
def test_user_session_idle_and_max_timestamps(
    realm: Realm, offline: bool, remember_me: bool, expected_idle: int, expected_max: int
) -> None:
    assert policy.user_session_idle(realm, offline, remember_me, T0) == expected_idle
    assert policy.user_session_max(realm, offline, remember_me, T0) == expected_max


def test_user_session_idle_counts_from_the_last_refresh_and_max_from_the_start() -> None:
    realm = offline_limited(offline_session_idle_timeout=600, offline_session_max_lifespan=3000)
    assert policy.user_session_idle(realm, True, False, T0 + 1000) == T0 + 1600
    assert policy.user_session_max(realm, True, False, T0) == T0 + 3000
    assert policy.user_session_idle(make_realm(), False, False, T0 + 1000) == T0 + 2800


def test_offline_session_expires_after_thirty_days_idle() -> None:
    realm = make_realm()
    clock = FakeClock(T0)
    started = last_refresh = clock.now()
    clock.advance(30 * DAY - 1)
    assert policy.user_session_valid(realm, session(True, False, started, last_refresh), clock.now())
    clock.advance(1)
    assert not policy.user_session_valid(realm, session(True, False, started, last_refresh), clock.now())


def test_offline_session_refreshed_within_thirty_days_lives_forever_when_max_limited_is_off() -> None:
    realm = make_realm()
    clock = FakeClock(T0)
    started = last_refresh = clock.now()
    for _ in range(40):  # more than three years
        clock.advance(30 * DAY - 1)
        assert policy.user_session_valid(realm, session(True, False, started, last_refresh), clock.now())
        last_refresh = clock.now()
    assert policy.user_session_max(realm, True, False, started) == policy.NEVER


def test_offline_session_expires_sixty_days_after_start_when_max_limited_even_if_refreshed() -> None:
    realm = offline_limited()
    clock = FakeClock(T0)
    started = last_refresh = clock.now()
    for _ in range(5):
        clock.advance(10 * DAY)
        assert policy.user_session_valid(realm, session(True, False, started, last_refresh), clock.now())
        last_refresh = clock.now()
    clock.set(started + 60 * DAY - 1)
    assert policy.user_session_valid(realm, session(True, False, started, last_refresh), clock.now())
    clock.advance(1)
    assert not policy.user_session_valid(realm, session(True, False, started, last_refresh), clock.now())


def test_offline_max_lifespan_value_is_ignored_while_max_limited_is_off() -> None:
    realm = make_realm(offline_session_max_lifespan=60)
    assert policy.user_session_max(realm, True, False, T0) == policy.NEVER
    assert policy.user_session_valid(realm, session(True, False, T0, T0), T0 + 3600)


def test_offline_max_limited_with_zero_max_uses_sixty_days() -> None:
    realm = offline_limited(offline_session_max_lifespan=0, offline_session_idle_timeout=-1)
    assert policy.user_session_valid(realm, session(True, False, T0, T0 + 59 * DAY), T0 + 60 * DAY - 1)
    assert not policy.user_session_valid(realm, session(True, False, T0, T0 + 59 * DAY), T0 + 60 * DAY)
    assert not policy.user_session_valid(realm, session(True, False, T0, T0), T0 + 30 * DAY)


def test_online_session_expires_after_thirty_minutes_idle_and_ten_hours_in_total() -> None:
    realm = make_realm()
    clock = FakeClock(T0)
    started = last_refresh = clock.now()
    clock.advance(1799)
    assert policy.user_session_valid(realm, session(False, False, started, last_refresh), clock.now())
    clock.advance(1)
    assert not policy.user_session_valid(realm, session(False, False, started, last_refresh), clock.now())

    clock.set(started)
    while clock.now() < started + 36000 - 1200:
        clock.advance(1200)
        last_refresh = clock.now()
    clock.set(started + 36000 - 1)
    assert policy.user_session_valid(realm, session(False, False, started, last_refresh), clock.now())
    clock.advance(1)
    assert not policy.user_session_valid(realm, session(False, False, started, last_refresh), clock.now())


def test_remember_me_session_uses_the_remember_me_timeouts_when_the_realm_allows_remember_me() -> None:
    realm = make_realm(
        remember_me=True,
        sso_session_idle_timeout_remember_me=7 * DAY,
        sso_session_max_lifespan_remember_me=30 * DAY,
    )
    assert policy.user_session_valid(realm, session(False, True, T0, T0), T0 + 7 * DAY - 1)
    assert not policy.user_session_valid(realm, session(False, True, T0, T0), T0 + 7 * DAY)
    assert policy.user_session_valid(realm, session(False, True, T0, T0 + 29 * DAY), T0 + 30 * DAY - 1)
    assert not policy.user_session_valid(realm, session(False, True, T0, T0 + 29 * DAY), T0 + 30 * DAY)
    assert not policy.user_session_valid(realm, session(False, False, T0, T0), T0 + 1800)


@pytest.mark.parametrize("offline", [False, True])
def test_a_remember_me_session_is_invalid_once_the_realm_turns_remember_me_off(offline: bool) -> None:
    realm = make_realm(remember_me=False)
    assert not policy.user_session_valid(realm, session(offline, True, T0, T0), T0)
    assert policy.user_session_valid(realm, session(offline, False, T0, T0), T0)
    assert policy.user_session_valid(replace(realm, remember_me=True), session(offline, True, T0, T0), T0)


def test_offline_idle_600_max_3000_refresh_at_660_fails() -> None:
    realm = offline_limited(offline_session_idle_timeout=600, offline_session_max_lifespan=3000)
    assert policy.user_session_valid(realm, session(True, False, T0, T0), T0 + 599)
    assert not policy.user_session_valid(realm, session(True, False, T0, T0), T0 + 600)
    assert not policy.user_session_valid(realm, session(True, False, T0, T0), T0 + 660)


def test_offline_max_3600_idle_6000_refresh_at_1800_works_and_at_3660_fails() -> None:
    realm = offline_limited(offline_session_idle_timeout=6000, offline_session_max_lifespan=3600)
    client = make_client()
    clock = FakeClock(T0)
    started = clock.now()
    clock.advance(1800)
    assert policy.user_session_valid(realm, session(True, False, started, started), clock.now())
    assert policy.client_session_valid(
        realm, client, session(True, False, started, started), client_session(started, started), clock.now()
    )
    last_refresh = clock.now()
    clock.set(started + 3599)
    assert policy.user_session_valid(realm, session(True, False, started, last_refresh), clock.now())
    clock.set(started + 3660)
    assert not policy.user_session_valid(realm, session(True, False, started, last_refresh), clock.now())
    now = clock.now()
    assert not policy.client_session_valid(
        realm, client, session(True, False, started, started), client_session(started, last_refresh), now
    )


def test_lowering_the_realm_offline_max_after_issuance_takes_effect_at_the_next_check() -> None:
    realm = offline_limited()
    started = T0
    now = T0 + 2 * HOUR
    assert policy.user_session_valid(realm, session(True, False, started, now - 60), now)
    lowered = replace(realm, offline_session_max_lifespan=HOUR)
    assert not policy.user_session_valid(lowered, session(True, False, started, now - 60), now)


# --------------------------------------------------------------------------------------------------
# client sessions: idle


@pytest.mark.parametrize(
    ("realm", "attributes", "expected"),
    [
        (make_realm(), {}, 2592000),
        (make_realm(offline_session_idle_timeout=0), {}, 2592000),
        (make_realm(offline_session_idle_timeout=7200), {}, 7200),
        (make_realm(client_offline_session_idle_timeout=900), {}, 900),
        (make_realm(client_offline_session_idle_timeout=900), {CLIENT_OFFLINE_IDLE: "300"}, 300),
        (make_realm(), {CLIENT_OFFLINE_IDLE: "300"}, 300),
        # a client value larger than the realm's is still taken as is
        (make_realm(offline_session_idle_timeout=600), {CLIENT_OFFLINE_IDLE: "9000"}, 9000),
        (make_realm(client_offline_session_idle_timeout=-1), {}, 2592000),
        # online attributes do not apply to offline sessions
        (make_realm(client_session_idle_timeout=60), {CLIENT_IDLE: "30"}, 2592000),
        # remember-me values do not apply to offline sessions
        (make_realm(sso_session_idle_timeout_remember_me=99 * DAY), {}, 2592000),
    ],
)
def test_offline_client_session_idle_prefers_client_attribute_then_realm_client_value_then_offline_idle(
    realm: Realm, attributes: dict[str, str], expected: int
) -> None:
    assert policy.client_session_idle(realm, make_client(attributes), True, True, T0) == T0 + expected


@pytest.mark.parametrize(
    ("realm", "attributes", "remember_me", "expected"),
    [
        (make_realm(), {}, False, 1800),
        (make_realm(sso_session_idle_timeout=0), {}, False, 1800),
        (make_realm(sso_session_idle_timeout=900), {}, False, 900),
        (make_realm(client_session_idle_timeout=600), {}, False, 600),
        (make_realm(client_session_idle_timeout=600), {CLIENT_IDLE: "120"}, False, 120),
        (make_realm(), {CLIENT_IDLE: "120"}, False, 120),
        (make_realm(sso_session_idle_timeout_remember_me=7200), {}, True, 7200),
        (make_realm(sso_session_idle_timeout_remember_me=7200), {}, False, 1800),
        (make_realm(sso_session_idle_timeout_remember_me=600), {}, True, 1800),
        (
            make_realm(client_session_idle_timeout=600, sso_session_idle_timeout_remember_me=7200),
            {},
            True,
            600,
        ),
        (make_realm(sso_session_idle_timeout_remember_me=7200), {CLIENT_IDLE: "120"}, True, 120),
        # offline attributes do not apply to online sessions
        (make_realm(client_offline_session_idle_timeout=60), {CLIENT_OFFLINE_IDLE: "30"}, False, 1800),
    ],
)
def test_online_client_session_idle_prefers_client_attribute_then_realm_client_value_then_sso_idle(
    realm: Realm, attributes: dict[str, str], remember_me: bool, expected: int
) -> None:
    assert policy.client_session_idle(realm, make_client(attributes), False, remember_me, T0) == T0 + expected


def test_client_session_idle_counts_from_the_client_session_timestamp() -> None:
    realm = make_realm()
    assert policy.client_session_idle(realm, None, False, False, T0 + 500) == T0 + 2300
    assert policy.client_session_idle(realm, None, True, False, T0 + 500) == T0 + 500 + 30 * DAY


@pytest.mark.parametrize("raw", UNSET_ATTRIBUTE_VALUES)
@pytest.mark.parametrize(
    ("key", "offline", "realm", "expected"),
    [
        (CLIENT_OFFLINE_IDLE, True, make_realm(client_offline_session_idle_timeout=900), 900),
        (CLIENT_OFFLINE_IDLE, True, make_realm(), 2592000),
        (CLIENT_IDLE, False, make_realm(client_session_idle_timeout=600), 600),
        (CLIENT_IDLE, False, make_realm(), 1800),
    ],
)
def test_blank_non_numeric_or_non_positive_client_idle_attributes_mean_unset(
    raw: Any, key: str, offline: bool, realm: Realm, expected: int
) -> None:
    client = make_client({key: raw})
    assert policy.client_session_idle(realm, client, offline, False, T0) == T0 + expected


# --------------------------------------------------------------------------------------------------
# client sessions: max


@pytest.mark.parametrize(
    ("realm", "attributes", "expected"),
    [
        # max-limited off and no client attribute: no max at all
        (make_realm(), {}, policy.NEVER),
        (make_realm(client_offline_session_max_lifespan=1000), {}, policy.NEVER),
        (make_realm(offline_session_max_lifespan=60), {}, policy.NEVER),
        # max-limited off but a client attribute: honoured (for validation)
        (make_realm(), {CLIENT_OFFLINE_MAX: "1000"}, T0 + 1000),
        (make_realm(client_offline_session_max_lifespan=50), {CLIENT_OFFLINE_MAX: "1000"}, T0 + 1000),
        # max-limited on
        (offline_limited(), {}, T0 + 5184000),
        (offline_limited(offline_session_max_lifespan=0), {}, T0 + 5184000),
        (offline_limited(offline_session_max_lifespan=3600), {}, T0 + 3600),
        (offline_limited(client_offline_session_max_lifespan=1000), {}, T0 + 1000),
        (offline_limited(client_offline_session_max_lifespan=1000), {CLIENT_OFFLINE_MAX: "500"}, T0 + 500),
        (offline_limited(client_offline_session_max_lifespan=-1), {}, T0 + 5184000),
        # capped by the offline user session's max
        (offline_limited(offline_session_max_lifespan=3600), {CLIENT_OFFLINE_MAX: "7200"}, T0 + 3600),
        (
            offline_limited(offline_session_max_lifespan=3600, client_offline_session_max_lifespan=7200),
            {},
            T0 + 3600,
        ),
        # online values do not apply to offline sessions
        (offline_limited(client_session_max_lifespan=10), {CLIENT_MAX: "20"}, T0 + 5184000),
        (make_realm(client_session_max_lifespan=10), {CLIENT_MAX: "20"}, policy.NEVER),
    ],
)
def test_offline_client_session_max(realm: Realm, attributes: dict[str, str], expected: int) -> None:
    assert policy.client_session_max(realm, make_client(attributes), True, False, T0, T0) == expected


def test_offline_client_session_max_counts_from_the_client_session_start_capped_at_user_session_max() -> None:
    realm = offline_limited(offline_session_max_lifespan=3600, client_offline_session_max_lifespan=1000)
    # client session started 3000 s into the user session: its own max would be at 4000, the user's at 3600
    assert policy.client_session_max(realm, None, True, False, T0 + 3000, T0) == T0 + 3600
    assert policy.client_session_max(realm, None, True, False, T0 + 2000, T0) == T0 + 3000


def test_offline_client_attribute_max_is_not_capped_when_the_user_session_has_no_max() -> None:
    realm = make_realm()
    client = make_client({CLIENT_OFFLINE_MAX: "1000"})
    assert policy.client_session_max(realm, client, True, False, T0 + 10 * DAY, T0) == T0 + 10 * DAY + 1000


@pytest.mark.parametrize(
    ("realm", "attributes", "remember_me", "expected"),
    [
        (make_realm(), {}, False, 36000),
        (make_realm(sso_session_max_lifespan=0), {}, False, 36000),
        (make_realm(sso_session_max_lifespan=7200), {}, False, 7200),
        (make_realm(client_session_max_lifespan=3600), {}, False, 3600),
        (make_realm(client_session_max_lifespan=3600), {CLIENT_MAX: "600"}, False, 600),
        (make_realm(), {CLIENT_MAX: "600"}, False, 600),
        # never beyond the user session's max
        (make_realm(), {CLIENT_MAX: "99999"}, False, 36000),
        (make_realm(client_session_max_lifespan=99999), {}, False, 36000),
        (make_realm(sso_session_max_lifespan_remember_me=86400), {}, True, 86400),
        (make_realm(sso_session_max_lifespan_remember_me=86400), {}, False, 36000),
        (make_realm(sso_session_max_lifespan_remember_me=86400), {CLIENT_MAX: "50000"}, True, 50000),
        (
            make_realm(sso_session_max_lifespan_remember_me=86400, client_session_max_lifespan=99999),
            {},
            True,
            86400,
        ),
        # offline values do not apply to online sessions
        (offline_limited(client_offline_session_max_lifespan=10), {CLIENT_OFFLINE_MAX: "20"}, False, 36000),
    ],
)
def test_online_client_session_max_prefers_attribute_then_realm_client_value_then_sso_max_capped_by_user_max(
    realm: Realm, attributes: dict[str, str], remember_me: bool, expected: int
) -> None:
    client = make_client(attributes)
    assert policy.client_session_max(realm, client, False, remember_me, T0, T0) == T0 + expected


def test_online_client_session_max_is_capped_by_the_user_session_started_earlier() -> None:
    realm = make_realm(client_session_max_lifespan=7200)
    assert policy.client_session_max(realm, None, False, False, T0 + 35000, T0) == T0 + 36000
    assert policy.client_session_max(realm, None, False, False, T0 + 1000, T0) == T0 + 8200


@pytest.mark.parametrize("raw", UNSET_ATTRIBUTE_VALUES)
@pytest.mark.parametrize(
    ("key", "offline", "realm", "expected"),
    [
        (CLIENT_OFFLINE_MAX, True, offline_limited(client_offline_session_max_lifespan=1000), T0 + 1000),
        (CLIENT_OFFLINE_MAX, True, offline_limited(), T0 + 5184000),
        (CLIENT_OFFLINE_MAX, True, make_realm(), policy.NEVER),
        (CLIENT_MAX, False, make_realm(client_session_max_lifespan=3600), T0 + 3600),
        (CLIENT_MAX, False, make_realm(), T0 + 36000),
    ],
)
def test_blank_non_numeric_or_non_positive_client_max_attributes_mean_unset(
    raw: Any, key: str, offline: bool, realm: Realm, expected: int
) -> None:
    client = make_client({key: raw})
    assert policy.client_session_max(realm, client, offline, False, T0, T0) == expected


@pytest.mark.parametrize("offline", [False, True])
def test_a_missing_client_uses_the_realm_values(offline: bool) -> None:
    realm = offline_limited(
        client_session_idle_timeout=111,
        client_session_max_lifespan=222,
        client_offline_session_idle_timeout=333,
        client_offline_session_max_lifespan=444,
    )
    idle = policy.client_session_idle(realm, None, offline, False, T0)
    maximum = policy.client_session_max(realm, None, offline, False, T0, T0)
    assert (idle, maximum) == ((T0 + 333, T0 + 444) if offline else (T0 + 111, T0 + 222))


# --------------------------------------------------------------------------------------------------
# client sessions: validity


def test_a_client_offline_max_below_the_realms_expires_only_the_client_session() -> None:
    realm = offline_limited(offline_session_max_lifespan=3600, offline_session_idle_timeout=7200)
    client = make_client({CLIENT_OFFLINE_MAX: "1000"})
    now = T0 + 999
    assert policy.client_session_valid(realm, client, session(True, False, T0, T0), client_session(T0, T0), now)
    now = T0 + 1000
    assert not policy.client_session_valid(realm, client, session(True, False, T0, T0), client_session(T0, T0), now)
    assert policy.user_session_valid(realm, session(True, False, T0, T0), now)
    assert policy.client_session_valid(realm, make_client(), session(True, False, T0, T0), client_session(T0, T0), now)


def test_a_client_offline_max_attribute_expires_the_client_session_even_when_max_limited_is_off() -> None:
    realm = make_realm()
    client = make_client({CLIENT_OFFLINE_MAX: "1000"})
    assert policy.client_session_valid(
        realm, client, session(True, False, T0, T0), client_session(T0, T0 + 900), T0 + 999
    )
    assert not policy.client_session_valid(
        realm, client, session(True, False, T0, T0), client_session(T0, T0 + 900), T0 + 1000
    )
    assert policy.user_session_valid(realm, session(True, False, T0, T0 + 900), T0 + 1000)


@pytest.mark.parametrize(
    ("offline", "attributes", "idle"),
    [
        (True, {CLIENT_OFFLINE_IDLE: "600"}, 600),
        (False, {CLIENT_IDLE: "300"}, 300),
        (True, {}, 30 * DAY),
        (False, {}, 1800),
    ],
)
def test_a_client_session_goes_idle_exactly_idle_seconds_after_its_last_refresh(
    offline: bool, attributes: dict[str, str], idle: int
) -> None:
    realm = make_realm()
    client = make_client(attributes)
    clock = FakeClock(T0)
    clock.advance(100)
    timestamp = clock.now()
    clock.advance(idle - 1)
    assert policy.client_session_valid(
        realm, client, session(offline, False, T0, T0), client_session(T0, timestamp), clock.now()
    )
    clock.advance(1)
    assert not policy.client_session_valid(
        realm, client, session(offline, False, T0, T0), client_session(T0, timestamp), clock.now()
    )


def test_an_online_client_session_dies_with_the_user_session_max() -> None:
    realm = make_realm(client_session_max_lifespan=99999)
    cs_started = T0 + 30000
    assert policy.client_session_valid(
        realm, None, session(False, False, T0, T0), client_session(cs_started, T0 + 35000), T0 + 35999
    )
    assert not policy.client_session_valid(
        realm, None, session(False, False, T0, T0), client_session(cs_started, T0 + 35000), T0 + 36000
    )


def test_realm_client_session_overrides_expire_client_sessions_earlier() -> None:
    realm = make_realm(client_session_idle_timeout=300, client_session_max_lifespan=900)
    client = make_client()
    assert policy.client_session_valid(realm, client, session(False, False, T0, T0), client_session(T0, T0), T0 + 299)
    assert not policy.client_session_valid(
        realm, client, session(False, False, T0, T0), client_session(T0, T0), T0 + 300
    )
    assert policy.client_session_valid(
        realm, client, session(False, False, T0, T0), client_session(T0, T0 + 600), T0 + 899
    )
    assert not policy.client_session_valid(
        realm, client, session(False, False, T0, T0), client_session(T0, T0 + 600), T0 + 900
    )
    assert policy.user_session_valid(realm, session(False, False, T0, T0 + 600), T0 + 900)


# --------------------------------------------------------------------------------------------------
# refresh-token exp (§5.3 "Refresh-token exp", §2.6, §3.3)


def test_an_online_refresh_token_expires_after_the_sso_idle_by_default() -> None:
    now = T0
    assert (
        policy.refresh_token_exp(
            make_realm(), make_client(), session(False, False, now, now), client_session(now, now), now
        )
        == now + 1800
    )


def test_an_online_refresh_token_never_outlives_the_user_session_max() -> None:
    realm = make_realm()
    now = T0 + 35000
    assert (
        policy.refresh_token_exp(realm, make_client(), session(False, False, T0, T0), client_session(T0, now), now)
        == T0 + 36000
    )


@pytest.mark.parametrize(
    ("realm", "attributes", "remember_me", "expires_in"),
    [
        (make_realm(client_session_idle_timeout=600), {}, False, 600),
        (make_realm(), {CLIENT_IDLE: "120"}, False, 120),
        (make_realm(), {CLIENT_MAX: "60"}, False, 60),
        (make_realm(client_session_max_lifespan=90), {}, False, 90),
        (make_realm(sso_session_idle_timeout_remember_me=7200), {}, True, 7200),
        (make_realm(sso_session_idle_timeout=0), {CLIENT_IDLE: ""}, False, 1800),
    ],
)
def test_an_online_refresh_token_exp_is_the_earlier_of_client_idle_and_client_max(
    realm: Realm, attributes: dict[str, str], remember_me: bool, expires_in: int
) -> None:
    exp = policy.refresh_token_exp(
        realm, make_client(attributes), session(False, remember_me, T0, T0), client_session(T0, T0), T0
    )
    assert exp == T0 + expires_in


@pytest.mark.parametrize(
    "realm",
    [
        make_realm(),
        make_realm(offline_session_max_lifespan=60, offline_session_idle_timeout=60),
        make_realm(client_offline_session_max_lifespan=100, client_offline_session_idle_timeout=100),
    ],
)
@pytest.mark.parametrize(
    "attributes",
    [{}, {CLIENT_OFFLINE_MAX: "1000"}, {CLIENT_OFFLINE_IDLE: "1000"}],
)
def test_an_offline_token_has_no_exp_unless_max_limited_is_on(realm: Realm, attributes: dict[str, str]) -> None:
    assert (
        policy.refresh_token_exp(
            realm, make_client(attributes), session(True, False, T0, T0), client_session(T0, T0), T0
        )
        is None
    )


def test_an_offline_token_expires_after_thirty_days_idle_when_max_limited_is_on_with_defaults() -> None:
    exp = policy.refresh_token_exp(
        offline_limited(), make_client(), session(True, False, T0, T0), client_session(T0, T0), T0
    )
    assert exp == T0 + 2592000


def test_an_offline_token_exp_is_capped_by_the_offline_max_when_idle_is_longer() -> None:
    realm = offline_limited(offline_session_max_lifespan=3600, offline_session_idle_timeout=7200)
    clock = FakeClock(T0)
    assert (
        policy.refresh_token_exp(
            realm, None, session(True, False, T0, T0), client_session(T0, clock.now()), clock.now()
        )
        == T0 + 3600
    )
    clock.advance(3000)
    exp = policy.refresh_token_exp(
        realm, None, session(True, False, T0, T0), client_session(T0, clock.now()), clock.now()
    )
    assert exp is not None
    assert exp - clock.now() == 600


@pytest.mark.parametrize(
    ("realm_settings", "attributes"),
    [
        ({"client_offline_session_max_lifespan": 1000}, {}),
        ({}, {CLIENT_OFFLINE_MAX: "1000"}),
    ],
)
def test_offline_max_3600_idle_7200_client_max_1000_gives_1000_at_issue_and_400_after_600_seconds(
    realm_settings: dict[str, int], attributes: dict[str, str]
) -> None:
    realm = offline_limited(offline_session_max_lifespan=3600, offline_session_idle_timeout=7200, **realm_settings)
    client = make_client(attributes)
    clock = FakeClock(T0)
    us_started = cs_started = clock.now()

    exp = policy.refresh_token_exp(
        realm,
        client,
        session(True, False, us_started, us_started),
        client_session(cs_started, clock.now()),
        clock.now(),
    )
    assert exp is not None
    assert exp - clock.now() == 1000

    clock.advance(600)
    exp = policy.refresh_token_exp(
        realm,
        client,
        session(True, False, us_started, us_started),
        client_session(cs_started, clock.now()),
        clock.now(),
    )
    assert exp is not None
    assert exp - clock.now() == 400


def test_an_offline_token_exp_follows_the_client_offline_idle_attribute_when_max_limited() -> None:
    realm = offline_limited()
    client = make_client({CLIENT_OFFLINE_IDLE: "600"})
    clock = FakeClock(T0)
    clock.advance(5000)
    exp = policy.refresh_token_exp(
        realm, client, session(True, False, T0, T0), client_session(T0, clock.now()), clock.now()
    )
    assert exp == clock.now() + 600


def test_an_offline_token_exp_uses_the_offline_user_session_max_counted_from_the_user_session_start() -> None:
    realm = offline_limited(offline_session_max_lifespan=10 * DAY)
    # the offline user session is a copy of an online one that started a day earlier (§4.3)
    us_started = T0
    cs_started = cs_timestamp = T0 + DAY
    exp = policy.refresh_token_exp(
        realm,
        None,
        session(True, False, us_started, us_started),
        client_session(cs_started, cs_timestamp),
        cs_timestamp,
    )
    assert exp == T0 + 10 * DAY


# --------------------------------------------------------------------------------------------------
# access-token exp (§3.2 Expiry)


def test_an_access_token_expires_after_the_realm_access_token_lifespan() -> None:
    now = T0 + 50
    assert policy.access_token_exp(make_realm(), make_client(), False, False, now, T0, T0) == now + 300
    realm = make_realm(access_token_lifespan=60)
    assert policy.access_token_exp(realm, make_client(), False, False, now, T0, T0) == now + 60


@pytest.mark.parametrize(
    ("raw", "expires_in"),
    [
        ("600", 600),
        ("60", 60),
        (" 120 ", 120),
        ("", 300),
        ("   ", 300),
        ("abc", 300),
    ],
)
def test_the_access_token_lifespan_client_attribute_overrides_the_realm(raw: str, expires_in: int) -> None:
    now = T0
    client = make_client({ACCESS_LIFESPAN: raw})
    assert policy.access_token_exp(make_realm(), client, False, False, now, now, now) == now + expires_in


def test_an_access_token_lifespan_attribute_of_minus_one_means_until_the_sso_session_max() -> None:
    client = make_client({ACCESS_LIFESPAN: "-1"})
    now = T0 + 1000
    assert policy.access_token_exp(make_realm(), client, False, False, now, T0, T0) == T0 + 36000


def test_an_access_token_lifespan_of_minus_one_is_remember_me_aware() -> None:
    realm = make_realm(sso_session_max_lifespan_remember_me=86400)
    client = make_client({ACCESS_LIFESPAN: "-1"})
    now = T0 + 1000
    assert policy.access_token_exp(realm, client, False, True, now, T0, T0) == T0 + 86400
    assert policy.access_token_exp(realm, client, False, False, now, T0, T0) == T0 + 36000


def test_a_realm_access_token_lifespan_of_minus_one_means_until_the_sso_session_max() -> None:
    # §3.2: lifespan = client attribute if set, else the realm's accessTokenLifespan; a lifespan of -1 means
    # userSession.started + ssoSessionMax, whichever of the two it came from.
    realm = make_realm(access_token_lifespan=-1)
    now = T0 + 1000
    assert policy.access_token_exp(realm, make_client(), False, False, now, T0, T0) == T0 + 36000


def test_offline_max_60_with_access_lifespan_300_gives_an_access_token_of_60_seconds() -> None:
    realm = offline_limited(offline_session_max_lifespan=60)
    clock = FakeClock(T0)
    started = clock.now()
    exp = policy.access_token_exp(realm, make_client(), True, False, clock.now(), started, started)
    assert exp - clock.now() == 60
    clock.advance(20)
    exp = policy.access_token_exp(realm, make_client(), True, False, clock.now(), started, started)
    assert exp - clock.now() == 40


def test_an_offline_access_token_is_not_capped_while_max_limited_is_off() -> None:
    realm = make_realm(offline_session_max_lifespan=60)
    now = T0 + 100 * DAY
    assert policy.access_token_exp(realm, make_client(), True, False, now, T0, T0) == now + 300


def test_an_offline_access_token_is_capped_by_a_client_offline_max_attribute_without_max_limited() -> None:
    realm = make_realm()
    client = make_client({CLIENT_OFFLINE_MAX: "1000"})
    now = T0 + 900
    assert policy.access_token_exp(realm, client, True, False, now, T0, T0) == T0 + 1000


def test_an_online_access_token_is_capped_by_the_client_session_max() -> None:
    now = T0 + 35900
    assert policy.access_token_exp(make_realm(), make_client(), False, False, now, T0, T0) == T0 + 36000
    client = make_client({CLIENT_MAX: "120"})
    assert policy.access_token_exp(make_realm(), client, False, False, T0, T0, T0) == T0 + 120
    realm = make_realm(client_session_max_lifespan=100)
    assert policy.access_token_exp(realm, make_client(), False, False, T0 + 50, T0, T0) == T0 + 100


def test_an_access_token_lifespan_of_minus_one_is_still_capped_by_the_client_session_max() -> None:
    client = make_client({ACCESS_LIFESPAN: "-1", CLIENT_MAX: "600"})
    assert policy.access_token_exp(make_realm(), client, False, False, T0, T0, T0) == T0 + 600


# --------------------------------------------------------------------------------------------------
# not-before (§8.1)


@pytest.mark.parametrize(
    ("realm_nb", "client_nb", "user_nb", "expected"),
    [
        (0, 0, 0, 0),
        (T0, 0, 0, T0),
        (0, T0, 0, T0),
        (0, 0, T0, T0),
        (T0, T0 + 5, T0 + 3, T0 + 5),
        (T0 + 9, T0 + 5, T0 + 3, T0 + 9),
        (T0, T0 + 5, T0 + 7, T0 + 7),
    ],
)
def test_the_effective_not_before_is_the_latest_of_realm_client_and_user(
    realm_nb: int, client_nb: int, user_nb: int, expected: int
) -> None:
    realm = make_realm(not_before=realm_nb)
    client = make_client(not_before=client_nb)
    assert policy.effective_not_before(realm, client, user_nb) == expected


def test_the_effective_not_before_without_client_or_user_is_the_realms() -> None:
    realm = make_realm(not_before=T0)
    assert policy.effective_not_before(realm, None) == T0
    assert policy.effective_not_before(make_realm(), make_client(not_before=T0)) == T0


# --------------------------------------------------------------------------------------------------
# rotation settings (§5.2 [VERSION 27-dev], §6.3)


@pytest.mark.parametrize(
    ("realm_revoke", "attributes", "expected"),
    [
        (False, {}, False),
        (True, {}, True),
        (False, {"revoke.refresh.token": ""}, False),
        (True, {"revoke.refresh.token": ""}, True),
        (True, {"revoke.refresh.token": "  "}, True),
        (False, {"revoke.refresh.token": "true"}, True),
        (True, {"revoke.refresh.token": "false"}, False),
        (True, {"revoke.refresh.token": "true"}, True),
        (False, {"revoke.refresh.token": "false"}, False),
        (False, {"revoke.refresh.token": "TRUE"}, True),
    ],
)
def test_revoke_refresh_token_client_attribute_overrides_the_realm_and_blank_inherits(
    realm_revoke: bool, attributes: dict[str, str], expected: bool
) -> None:
    realm = make_realm(revoke_refresh_token=realm_revoke)
    assert policy.revoke_refresh_token(realm, make_client(attributes)) is expected


@pytest.mark.parametrize("realm_revoke", [False, True])
def test_revoke_refresh_token_without_a_client_is_the_realm_setting(realm_revoke: bool) -> None:
    assert policy.revoke_refresh_token(make_realm(revoke_refresh_token=realm_revoke), None) is realm_revoke


@pytest.mark.parametrize(
    ("realm_max", "attributes", "expected"),
    [
        (0, {}, 0),
        (3, {}, 3),
        (3, {"refresh.token.max.reuse": ""}, 3),
        (3, {"refresh.token.max.reuse": "  "}, 3),
        (3, {"refresh.token.max.reuse": "0"}, 0),
        (0, {"refresh.token.max.reuse": "2"}, 2),
        (5, {"refresh.token.max.reuse": "1"}, 1),
        (1, {"refresh.token.max.reuse": "10"}, 10),
    ],
)
def test_refresh_token_max_reuse_client_attribute_overrides_the_realm_and_blank_inherits(
    realm_max: int, attributes: dict[str, str], expected: int
) -> None:
    realm = make_realm(refresh_token_max_reuse=realm_max)
    assert policy.refresh_token_max_reuse(realm, make_client(attributes)) == expected


def test_refresh_token_max_reuse_without_a_client_is_the_realm_setting() -> None:
    assert policy.refresh_token_max_reuse(make_realm(refresh_token_max_reuse=4), None) == 4
