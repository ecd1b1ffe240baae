"""Token lifetimes of doorkeep.policy: the refresh token's and the access token's ``exp`` (KEYCLOAK.md §3.2,
§5.3) and the effective not-before (§8.1)."""

from __future__ import annotations

import pytest

from doorkeep import policy
from doorkeep.clock import FakeClock
from doorkeep.model import Realm
from policy_values import (
    ACCESS_LIFESPAN,
    CLIENT_IDLE,
    CLIENT_MAX,
    CLIENT_OFFLINE_IDLE,
    CLIENT_OFFLINE_MAX,
    DAY,
    T0,
    client_session,
    make_client,
    make_realm,
    offline_limited,
    session,
)

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
