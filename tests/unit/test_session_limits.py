"""oauth.session_limits: UserSessionLimitsAuthenticator's arithmetic and config reading."""

from __future__ import annotations

import pytest

from doorkeep.oauth import session_limits as sl


@pytest.mark.parametrize(
    ("count", "limit", "over"),
    [(0, 1, 0), (1, 1, 1), (3, 2, 2), (0, 3, 0), (5, 0, 0), (5, -1, 0)],
)
def test_sessions_to_end_make_room_for_one_and_an_off_limit_ends_none(count: int, limit: int, over: int) -> None:
    """getNumberOfSessionsThatNeedToBeLoggedOut where exceedsLimit holds: count - (limit - 1), never below 0."""
    assert sl._over(count, limit) == over


@pytest.mark.parametrize(("value", "limit"), [(None, -1), ("", -1), ("  ", -1), ("3", 3), ("-2", -2), ("0", 0)])
def test_a_blank_limit_is_off(value: str | None, limit: int) -> None:
    config = {} if value is None else {sl.USER_REALM_LIMIT: value}
    assert sl._limit(config, sl.USER_REALM_LIMIT) == limit


@pytest.mark.parametrize("value", ["many", "1.5", "99999999999", "0x10"])
def test_a_limit_that_is_no_int_is_a_misconfiguration(value: str) -> None:
    """Integer.parseInt's NumberFormatException: never a 500, the login ends as an unexpected error."""
    with pytest.raises(sl.Misconfigured):
        sl._limit({sl.USER_CLIENT_LIMIT: value}, sl.USER_CLIENT_LIMIT)


def test_deny_takes_the_configured_message_else_keycloaks() -> None:
    assert sl._deny({sl.ERROR_MESSAGE: "Too many"}, sl.DENY_NEW_SESSION, "d").denied == "Too many"
    assert sl._deny({}, sl.DENY_NEW_SESSION, "d").denied == sl.SESSION_LIMIT_EXCEEDED
    with pytest.raises(sl.Misconfigured):
        sl._deny({}, None, "d")
