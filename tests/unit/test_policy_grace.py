"""The refresh grace period's pure rules (issue #13 item 1): which value is in force, and when a retry is one."""

from __future__ import annotations

import pytest

from doorkeep import policy
from doorkeep.model import Client, Realm, RefreshFamily

# T0 was rotated at t=1000 into T1; T1 has not been used (T0 is still the family's current token).
ROTATED = RefreshFamily("reuse", "T0", 1, 1000, "T1", latest_iat=1000, latest_exp=2800)


def realm(grace: str | None) -> Realm:
    return Realm(id="r", name="r", attributes={} if grace is None else {"refreshTokenGracePeriod": grace})


def client(grace: str | None) -> Client:
    return Client(
        id="c", realm_id="r", client_id="app", attributes={} if grace is None else {"refresh.token.grace.period": grace}
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0", 0),
        ("30", 30),
        ("120", 120),
        (" 45 ", 45),
        (60, 60),
        ("121", None),
        ("-1", None),
        ("1.5", None),
        ("", None),
        ("٣", None),
        ("1e2", None),
        (True, None),
        (None, None),
    ],
)
def test_a_grace_period_is_a_whole_number_of_seconds_from_0_to_120(raw: object, expected: int | None) -> None:
    assert policy.parse_grace_period(raw) == expected


@pytest.mark.parametrize(
    ("realm_value", "client_value", "expected"),
    [
        (None, None, 0),  # off by default: Keycloak's behaviour
        ("30", None, 30),
        ("30", "", 30),  # blank inherits
        ("30", "0", 0),  # the client turns it off
        (None, "90", 90),
        ("30", "junk", 0),  # a stored value nobody validated counts as off, never as an error
        ("junk", None, 0),
    ],
)
def test_the_client_override_wins_and_blank_inherits(
    realm_value: str | None, client_value: str | None, expected: int
) -> None:
    assert policy.refresh_grace_period(realm(realm_value), client(client_value)) == expected


@pytest.mark.parametrize(
    ("token", "family", "grace", "now", "replay"),
    [
        ("T0", ROTATED, 30, 1000, True),
        ("T0", ROTATED, 30, 999, True),  # the retry read its clock before the successor was minted (lock wait)
        ("T0", ROTATED, 30, 1030, True),  # the window's last second
        ("T0", ROTATED, 30, 1031, False),  # closed
        ("T0", ROTATED, 0, 1000, False),  # off
        ("T1", ROTATED, 30, 1000, False),  # not the rotated token
        ("T0", RefreshFamily("reuse", "T1", 1, 1005, "T2", 1005, None), 30, 1006, False),  # successor used
        ("T0", RefreshFamily("reuse", "T0", 1, 1000, "T1"), 30, 1000, False),  # stored before 0011: no iat
        ("T0", RefreshFamily("reuse", "T0", 1, 0, None), 30, 1000, False),  # no successor minted
        ("T0", RefreshFamily("reuse", "T0", 1, 1000, "T1", 1000, None, revoked=True), 30, 1000, False),
        ("T0", RefreshFamily("reuse", "T0", 1, 1000, "T1", 1000, 1010), 30, 1010, True),  # its exp second: valid
        ("T0", RefreshFamily("reuse", "T0", 1, 1000, "T1", 1000, 1010), 30, 1011, False),  # successor expired
    ],
)
def test_a_retry_is_answered_again_only_inside_the_window_and_before_the_successor_is_used(
    token: str, family: RefreshFamily, grace: int, now: int, replay: bool
) -> None:
    assert policy.grace_replay(token, family, grace, now) is replay
