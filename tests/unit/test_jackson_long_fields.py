"""jackson.long_field and json_web_token: a JsonWebToken's ``exp``, ``iat`` and ``nbf`` read as Keycloak's Jackson
reads a Long (default features: floats truncated, whole numbers in strings coerced, NaN and Infinity refused,
nothing beyond a long)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from doorkeep import jackson
from doorkeep.numbers import LONG_MAX, LONG_MIN


@pytest.mark.parametrize(
    ("value", "bound"),
    [
        (None, None),
        ("", None),
        ("null", None),
        (0, 0),
        (1700000000, 1700000000),
        (-5, -5),
        (1.9, 1),
        (-1.9, -1),
        (1e18, 10**18),
        ("42", 42),
        (" +42 ", 42),
        ("-42", -42),
        (LONG_MAX, LONG_MAX),
        (LONG_MIN, LONG_MIN),
        (str(LONG_MAX), LONG_MAX),
    ],
)
def test_what_jackson_binds_to_a_long(value: Any, bound: int | None) -> None:
    assert jackson.long_field(value) == bound


@pytest.mark.parametrize(
    "value",
    [
        float("nan"),
        float("inf"),
        float("-inf"),
        json.loads("1e309"),
        LONG_MAX + 1,
        LONG_MIN - 1,
        10**30,
        1e19,
        str(LONG_MAX + 1),
        "1" * 40_000,
        "1.5",
        "1e3",
        "soon",
        "٣",
        True,
        False,
        [1],
        {"a": 1},
    ],
)
def test_what_jackson_refuses_for_a_long(value: Any) -> None:
    with pytest.raises(jackson.Unbound):
        jackson.long_field(value)


def test_a_json_web_token_binds_its_numbers_and_drops_the_null_ones() -> None:
    bound = jackson.json_web_token({"exp": "10", "iat": 5.5, "nbf": "", "sub": "s", "other": float("nan")})
    assert bound == {"exp": 10, "iat": 5, "sub": "s", "other": bound["other"]}  # other claims are not bound


@pytest.mark.parametrize(
    "claims",
    [
        {"exp": float("nan")},
        {"iat": "later"},
        {"sub": ["a"]},
        {"jti": {"a": 1}},
        {"typ": []},
        {"azp": {}},
        {"aud": {"a": 1}},
        {"aud": ["a", ["b"]]},
    ],
)
def test_a_json_web_token_jackson_cannot_bind(claims: dict[str, Any]) -> None:
    with pytest.raises(jackson.Unbound):
        jackson.json_web_token(claims)
