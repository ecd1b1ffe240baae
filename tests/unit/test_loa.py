"""oauth.loa: step-up authentication's state as Keycloak's AcrStore and ConditionalLoaAuthenticator keep it."""

from __future__ import annotations

import json

from doorkeep.model import Client, Realm
from doorkeep.oauth import loa
from doorkeep.oauth.auth_request import AuthRequest
from doorkeep.realms.flow_levels import LEVEL_CONDITION, Group
from doorkeep.realms.flow_plan import Condition

REALM = Realm(id="r1", name="test")
CLIENT = Client(id="c1", realm_id="r1", client_id="app", attributes={"acr.loa.map": '{"copper":0,"silver":1,"gold":2}'})
NOW = 1_700_000_000


def request(**changes: object) -> AuthRequest:
    base = AuthRequest("app", "http://app/cb", "code", "query", "openid")
    return AuthRequest(**{**base.to_json(), **changes})


def condition(level: int, max_age: int) -> Condition:
    return Condition(LEVEL_CONDITION, (("loa-condition-level", str(level)), ("loa-max-age", str(max_age))))


def essential(*values: str) -> str:
    return json.dumps({"id_token": {"acr": {"essential": True, "values": list(values)}}})


def test_the_requested_level_is_the_lowest_asked_for() -> None:
    """updateAuthenticationSession: the minimum of the levels; an unknown optional ACR is level 0; none: -1."""
    assert loa.requested_level(CLIENT, REALM, request(acr_values="gold 3")) == 2
    assert loa.requested_level(CLIENT, REALM, request(acr_values="iron")) == 0
    assert loa.requested_level(CLIENT, REALM, request()) == loa.NO_LOA
    assert loa.requested_level(CLIENT, REALM, request(claims=essential("3"), acr_values="silver")) == 3
    assert loa.forced(request(claims=essential("3"))) and not loa.forced(request(acr_values="3"))


def test_the_previous_level_stops_at_the_first_expired_one() -> None:
    """getHighestAuthenticatedLevelFromPreviousAuthentication: ascending, up to the first level past its max age;
    a level the flow no longer configures has max age 0; a map means at least level 0."""
    levels = {1: NOW - 100, 2: NOW - 100, 3: NOW - 10}
    assert loa.previous_level(levels, {1: 300, 2: 300, 3: 300}, NOW) == 3
    assert loa.previous_level(levels, {1: 300, 2: 50, 3: 300}, NOW) == 1
    assert loa.previous_level(levels, {1: 50, 2: 300, 3: 300}, NOW) == 0
    assert loa.previous_level({}, {}, NOW) == loa.NO_LOA
    assert loa.previous_level(None, {}, NOW) == loa.NO_LOA


def test_a_level_condition_holds_until_the_level_is_reached() -> None:
    """matchCondition: no level yet: true; asked for less: false; reached before within the max age: false, and
    the login takes the level; else true."""
    fresh = loa.Tracker(2, loa.NO_LOA, None, False, NOW)
    assert fresh.matches(condition(1, 36000)) and fresh.matches(condition(3, 0))
    stepping = loa.Tracker(2, 1, {1: NOW - 10}, False, NOW)
    assert not stepping.matches(condition(1, 36000)) and stepping.level == 1
    assert stepping.matches(condition(2, 0))
    assert not stepping.matches(condition(3, 0))  # asked for 2 only
    expired = loa.Tracker(2, 0, {1: NOW - 100}, False, NOW)
    assert expired.matches(condition(1, 50))
    forced = loa.Tracker(1, 0, {1: NOW - 10}, True, NOW)
    assert forced.matches(condition(1, 36000))  # prompt=login: no level counts from before


def test_a_level_sub_flow_through_records_its_level() -> None:
    """onParentFlowSuccess: the login's level; the session's map too unless the max age is 0."""
    tracker = loa.Tracker(2, loa.NO_LOA, None, False, NOW)
    tracker.record(Group("l1", (condition(1, 36000),)))
    assert tracker.level == 1 and tracker.levels == {1: NOW} and tracker.recorded
    tracker.record(Group("l2", (condition(2, 0),)))
    assert tracker.level == 2 and tracker.levels == {1: NOW}
    kept = tracker.into(request())
    assert kept.loa_level == 2 and kept.loa_map == '{"1":1700000000}' and kept.loa_recorded
    assert loa.read_map(kept.loa_map) == {1: NOW}


def test_a_forced_level_not_reached_is_unfulfilled() -> None:
    """onTopFlowSuccess when a level sub-flow ran, AcrNotFulfilledException when none did (the login's own level,
    at least 1: LevelOfAssuranceEssentialAcrTest); only for an essential ACR."""
    short = request(claims=essential("3"), loa_level=2, loa_recorded=True)
    detail = "Forced level of authentication did not meet the requirements. Requested level: {}, Fulfilled level: {}"
    assert loa.unfulfilled(short, 3) == detail.format(3, 2)
    assert loa.unfulfilled(request(claims=essential("3"), loa_level=2), 3) == detail.format(3, 2)
    assert loa.unfulfilled(request(claims=essential("2"), loa_level=0), 2) == detail.format(2, 1)
    assert loa.unfulfilled(request(claims=essential("1"), loa_level=0), 1) is None
    assert loa.unfulfilled(request(acr_values="3", loa_level=2, loa_recorded=True), 3) is None
    assert loa.unfulfilled(request(claims=essential("gold"), loa_level=2, loa_recorded=True), 2) is None
