"""oauth/acr.py's pure rules: how Keycloak's AcrUtils reads the ACR-to-LoA maps and the requested ACRs, and which
ACR AcrProtocolMapper.getAcr names for a level."""

from __future__ import annotations

import json

import pytest

from doorkeep.errors import FatalRequest
from doorkeep.model import Client, Realm
from doorkeep.oauth import acr

REALM = Realm(id="r", name="test")


def client(**attributes: str) -> Client:
    return Client(id="c", realm_id="r", client_id="app", attributes=dict(attributes))


def claim(*values: object, essential: bool = False) -> str:
    return json.dumps({"id_token": {"acr": {"essential": essential, "values": list(values)}}})


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('{"a":1,"b":"2"}', {"a": 1, "b": 2}),  # Jackson coerces a numeric string
        ('{"a":1,"b":null}', {"a": 1}),  # a null level maps nothing
        ('{"a":1,"b":"two"}', {}),  # one bad level spoils the map
        ('{"a":1.5}', {"a": 1}),  # ACCEPT_FLOAT_AS_INT
        ('{"a":true}', {}),
        ("[1]", {}),
        ("not json", {}),
        ("", {}),
    ],
)
def test_client_map_is_read_as_jackson_reads_it(raw: str, expected: dict[str, int]) -> None:
    assert acr.loa_map(client(**{"acr.loa.map": raw}), REALM) == expected


def test_realm_map_only_when_the_client_has_none() -> None:
    realm = Realm(id="r", name="test", attributes={"acr.loa.map": '{"realm":1}'})
    assert acr.loa_map(client(), realm) == {"realm": 1}
    assert acr.loa_map(client(**{"acr.loa.map": "{}"}), realm) == {"realm": 1}
    assert acr.loa_map(client(**{"acr.loa.map": '{"own":2}'}), realm) == {"own": 2}


def test_requested_values_join_acr_values_and_claims() -> None:
    """``acr_values`` split as Java's split(" ") does (inner empties kept, trailing dropped), then ``claims``."""
    got = acr.requested_values(claim("c", 3), "a  b  ", client(), REALM)
    assert got == ["a", "", "b", "c", "3"]


@pytest.mark.parametrize(
    "claims_param",
    ["null", "[]", '{"id_token":null}', '{"id_token":{"acr":null}}', '{"userinfo":{"acr":{"value":"x"}}}', "{"],
)
def test_claims_without_an_id_token_acr_ask_nothing(claims_param: str) -> None:
    assert acr.requested_values(claims_param, None, client(), REALM) == []


def test_single_value_and_essential_only() -> None:
    single = json.dumps({"id_token": {"acr": {"essential": True, "value": "gold"}}})
    assert acr.required_values(single) == ["gold"]
    assert acr.required_values(claim("gold")) == []


def test_minimum_keeps_mapped_values_at_or_above_it() -> None:
    c = client(**{"acr.loa.map": '{"low":0,"mid":1,"high":2}', "minimum.acr.value": "mid"})
    assert acr.enforce_minimum(["low", "high", "7"], c, REALM) == ["high"]  # "7" is not mapped: dropped
    assert acr.enforce_minimum(["low"], c, REALM) == ["mid"]
    unmapped = client(**{"minimum.acr.value": "mid"})
    assert acr.enforce_minimum(["low"], unmapped, REALM) == ["low"]  # a minimum without a level: ignored


def test_map_loa_to_acr_picks_the_first_highest_reached() -> None:
    levels = {"a": 1, "b": 1, "c": 2}
    assert acr.map_loa_to_acr(1, levels, ["c", "b", "a"]) == "b"
    assert acr.map_loa_to_acr(2, levels, ["a", "c", "3"]) == "c"
    assert acr.map_loa_to_acr(3, levels, ["a", "3"]) == "3"  # an unmapped number counts as its level
    assert acr.map_loa_to_acr(0, levels, ["a"]) is None
    assert acr.map_loa_to_acr(1, {}, ["1"]) is None  # no map: nothing is named


def test_essential_claims_refused_only_when_they_cannot_be_met() -> None:
    c = client(**{"acr.loa.map": '{"gold":1}'})
    acr.check_request(c, REALM, claim("gold", "2", essential=True))
    acr.check_request(c, REALM, claim("platinum"))  # not essential: never refused
    with pytest.raises(FatalRequest) as refused:
        acr.check_request(c, REALM, claim("gold", "platinum", essential=True))
    assert refused.value.description == "Invalid parameter: claims"
    assert refused.value.event_details == {"reason": "Invalid requested essential acr value"}


def test_token_acr_falls_back_to_the_level() -> None:
    assert acr.token_acr(1, client(), REALM, None, "gold") == "1"
    c = client(**{"acr.loa.map": '{"gold":1,"silver":1}', "default.acr.values": "silver"})
    assert acr.token_acr(1, c, REALM, None, None) == "silver"
    assert acr.token_acr(0, c, REALM, None, None) == "0"
