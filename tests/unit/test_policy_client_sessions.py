"""Client-session lifetimes of doorkeep.policy: idle and max with the client's overrides and the realm's
client values, capped by the user session (KEYCLOAK.md §5.2–§5.3)."""

from __future__ import annotations

from typing import Any

import pytest

from doorkeep import policy
from doorkeep.clock import FakeClock
from doorkeep.model import Realm
from policy_values import (
    CLIENT_IDLE,
    CLIENT_MAX,
    CLIENT_OFFLINE_IDLE,
    CLIENT_OFFLINE_MAX,
    DAY,
    T0,
    UNSET_ATTRIBUTE_VALUES,
    client_session,
    make_client,
    make_realm,
    offline_limited,
    session,
)

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
