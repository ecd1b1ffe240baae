"""The SQL cut-offs of doorkeep.sessions.liveness agree with policy.py's validity rules at every boundary."""

from __future__ import annotations

import itertools

import pytest

from doorkeep import policy
from doorkeep.model import Client, Realm
from doorkeep.sessions.liveness import Liveness, Window, has_overrides, live_filter, liveness
from policy_values import client_session, session

NOW = 1_000_000


def in_window(w: Window | None, active: int, started: int) -> bool:
    if w is None:
        return False
    return active > w.idle_after and (w.max_after is None or started > w.max_after)


REALMS = [
    Realm(
        id="r",
        name="plain",
        sso_session_idle_timeout=100,
        sso_session_max_lifespan=300,
        offline_session_idle_timeout=200,
        offline_session_max_lifespan=400,
    ),
    Realm(
        id="r",
        name="limited",
        sso_session_idle_timeout=100,
        sso_session_max_lifespan=300,
        offline_session_idle_timeout=200,
        offline_session_max_lifespan=400,
        offline_session_max_lifespan_enabled=True,
        client_session_idle_timeout=50,
        client_session_max_lifespan=150,
        client_offline_session_idle_timeout=70,
        client_offline_session_max_lifespan=250,
    ),
    Realm(
        id="r",
        name="remember",
        sso_session_idle_timeout=100,
        sso_session_max_lifespan=300,
        sso_session_idle_timeout_remember_me=180,
        sso_session_max_lifespan_remember_me=500,
        remember_me=True,
        offline_session_idle_timeout=200,
        offline_session_max_lifespan=400,
    ),
]
CLIENTS = [
    None,
    Client(
        id="c",
        realm_id="r",
        client_id="c",
        attributes={
            "client.session.idle.timeout": "40",
            "client.session.max.lifespan": "120",
            "client.offline.session.idle.timeout": "60",
            "client.offline.session.max.lifespan": "90",
        },
    ),
    Client(
        id="c",
        realm_id="r",
        client_id="c",
        attributes={"client.offline.session.max.lifespan": "90", "client.session.idle.timeout": " junk "},
    ),
]
AGES = [
    0,
    39,
    40,
    41,
    59,
    60,
    89,
    90,
    99,
    100,
    101,
    119,
    120,
    150,
    179,
    180,
    199,
    200,
    249,
    250,
    299,
    300,
    399,
    400,
    401,
    499,
    500,
    501,
]


@pytest.mark.parametrize(
    ("realm", "client", "offline", "remember_me"),
    list(itertools.product(REALMS, CLIENTS, (False, True), (False, True))),
)
def test_windows_agree_with_policy_for_every_age(
    realm: Realm, client: Client | None, offline: bool, remember_me: bool
) -> None:
    live: Liveness = liveness(realm, client, offline, NOW)
    for us_age, idle_age in itertools.product(AGES, AGES):
        if idle_age > us_age:
            continue
        started, last = NOW - us_age, NOW - idle_age
        expected = policy.user_session_valid(realm, session(offline, remember_me, started, last), NOW)
        assert in_window(live.user[remember_me], last, started) == expected, (us_age, idle_age)
        for cs_age in (a for a in AGES if a <= us_age):
            cs_started, cs_ts = NOW - cs_age, max(NOW - cs_age, last)
            both = expected and policy.client_session_valid(
                realm, client, session(offline, remember_me, started, started), client_session(cs_started, cs_ts), NOW
            )
            got = in_window(live.user[remember_me], last, started) and in_window(
                live.client[remember_me], cs_ts, cs_started
            )
            assert got == both, (us_age, idle_age, cs_age)


def test_only_clients_with_a_positive_timeout_attribute_are_overrides() -> None:
    realm = REALMS[0]
    blank = Client(id="b", realm_id="r", client_id="b", attributes={"client.session.max.lifespan": ""})
    zero = Client(id="z", realm_id="r", client_id="z", attributes={"client.offline.session.idle.timeout": "0"})
    set_ = Client(id="s", realm_id="r", client_id="s", attributes={"client.session.idle.timeout": "10"})
    assert [has_overrides(c) for c in (blank, zero, set_)] == [False, False, True]
    f = live_filter(realm, [blank, zero, set_], False, NOW)
    assert set(f.overrides) == {"s"}
    assert f.for_client("b") == f.default != f.for_client("s")


def test_remember_me_sessions_are_never_live_when_the_realm_turned_remember_me_off() -> None:
    live = liveness(REALMS[0], None, False, NOW)
    assert live.user[1] is None and live.client[1] is None and live.user[0] is not None
