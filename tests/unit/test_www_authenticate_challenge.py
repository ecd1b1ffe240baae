"""The ``WWW-Authenticate`` challenge as OAuth2Error's WWWAuthenticate.Challenge writes it (web/http.challenge)."""

from __future__ import annotations

from doorkeep.web.http import challenge


def test_attributes_in_order_and_the_unset_ones_left_out() -> None:
    attributes = {"realm": "test", "error": "invalid_token", "error_description": None}
    assert challenge("Bearer", attributes) == 'Bearer realm="test", error="invalid_token"'


def test_no_attribute_is_the_bare_scheme() -> None:
    assert challenge("Bearer", {"realm": None}) == "Bearer"


def test_a_control_character_in_a_realm_name_never_makes_a_second_header() -> None:
    assert challenge("Bearer", {"realm": "a\r\nSet-Cookie: x\x7f"}) == 'Bearer realm="aSet-Cookie: x"'


def test_a_name_beyond_latin_1_is_sent_as_its_utf_8_bytes() -> None:
    header = challenge("Bearer", {"realm": "réalm-测试"})
    assert header.encode("latin-1").decode() == 'Bearer realm="réalm-测试"'
