"""User attributes are Keycloak's Map<String, List<String>>, read as its StringListMapDeserializer reads them: a
number or a Boolean is its text (Jackson's ``asText``); nested values, which Jackson would make blank, are refused
(red team)."""

from __future__ import annotations

import pytest

from doorkeep.admin.representations import USER_FIELDS, RepresentationError, apply
from doorkeep.model import User


def _user(attributes: object) -> User:
    result: User = apply(User(id="u", realm_id="r", username="u"), {"attributes": attributes}, USER_FIELDS)
    return result


def test_a_single_string_is_a_list_of_one() -> None:
    assert _user({"a": "b", "c": ["d", "e"]}).attributes == {"a": ["b"], "c": ["d", "e"]}


def test_null_values_are_dropped() -> None:
    assert _user({"a": None}).attributes == {}


def test_a_null_inside_the_list_is_no_value() -> None:
    """Jackson reads ``["a", null]`` as a List<String>; Keycloak's admin API takes it (OIDCProtocolMappersTest
    sets ``user.singleAttribute("null", null)``), and the null is no value; an attribute left without values is
    not kept (UserAttributesTest.testImportUserWithNullAttribute)."""
    assert _user({"a": ["b", None], "c": [None], "d": []}).attributes == {"a": ["b"]}


@pytest.mark.parametrize(
    ("value", "read"),
    [([1], ["1"]), (1, ["1"]), (True, ["true"]), (["a", 2, False], ["a", "2", "false"]), (2.5, ["2.5"])],
)
def test_numbers_and_booleans_are_their_text(value: object, read: list[str]) -> None:
    assert _user({"a": value}).attributes == {"a": read}


@pytest.mark.parametrize("value", [[[["x"]]], {"k": "v"}, [{"a": "b"}], ["a", ["b"]]])
def test_nested_values_are_refused(value: object) -> None:
    with pytest.raises(RepresentationError, match=r"attributes\.a: expected a list of strings"):
        _user({"a": value})
