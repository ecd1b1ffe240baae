"""User-session lifetimes of doorkeep.policy, online and offline, remember-me included (KEYCLOAK.md §5.1–§5.3)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from doorkeep import policy
from doorkeep.clock import FakeClock
from doorkeep.model import Realm
from policy_values import DAY, HOUR, T0, client_session, make_client, make_realm, offline_limited, session

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
