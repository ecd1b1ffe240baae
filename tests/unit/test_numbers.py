"""The one integer and JSON reader for untrusted input (doorkeep.numbers)."""

from __future__ import annotations

import json

import pytest

from doorkeep.numbers import INT_MAX, INT_MIN, LONG_MAX, MAX_JSON_DEPTH, JSONTooDeep, loads, parse_int


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0", 0),
        ("42", 42),
        ("-1", -1),
        ("+7", 7),
        ("007", 7),
        (str(INT_MAX), INT_MAX),
        (str(INT_MIN), INT_MIN),
        (5, 5),
        (-5, -5),
        ("0" * 50 + "1", 1),
    ],
)
def test_plain_ascii_integers_in_the_java_int_range_are_read(raw: object, expected: int) -> None:
    assert parse_int(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "-",
        "+",
        "x",
        "1x",
        " 1",
        "1 ",
        "1.0",
        "1e3",
        "0x10",
        "1_000",
        "²",
        "٣",
        "१२",
        "１２",
        "--1",
        "+-1",
        str(INT_MAX + 1),
        str(INT_MIN - 1),
        "9" * 30,
        "9" * 5000,
        10**23,
        True,
        False,
        None,
        1.0,
        [1],
        {"a": 1},
    ],
)
def test_anything_else_is_refused_without_raising(raw: object) -> None:
    assert parse_int(raw) is None


def test_bounds_are_inclusive_and_configurable() -> None:
    assert parse_int("0", 0, 10) == 0 and parse_int("10", 0, 10) == 10
    assert parse_int("-1", 0, 10) is None and parse_int("11", 0, 10) is None
    assert parse_int(str(LONG_MAX), 0, LONG_MAX) == LONG_MAX and parse_int(str(LONG_MAX + 1), 0, LONG_MAX) is None


def test_json_nested_up_to_the_limit_is_read() -> None:
    text = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert loads(text) == json.loads(text)
    assert loads(b'{"a": {"b": [1, 2, {"c": null}]}}') == {"a": {"b": [1, 2, {"c": None}]}}


@pytest.mark.parametrize(
    "text",
    [
        "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1),
        '{"a":' * (MAX_JSON_DEPTH + 1) + "1" + "}" * (MAX_JSON_DEPTH + 1),
        "[" * 200_000,  # deeper than the interpreter's recursion limit, and unterminated
        "[" * 100_000 + "]" * 100_000,
        '{"x": ' + "[" * 5000 + "]" * 5000 + "}",
    ],
)
def test_json_nested_deeper_is_a_value_error_never_a_recursion_error(text: str) -> None:
    with pytest.raises(ValueError):
        loads(text)


def test_too_deep_json_names_the_problem() -> None:
    with pytest.raises(JSONTooDeep, match="nested too deeply"):
        loads("[" * 1000 + "]" * 1000)


@pytest.mark.parametrize(
    "text",
    [
        '{"a": "' + "[{" * MAX_JSON_DEPTH + '"}',  # brackets inside a string nest nothing
        "[" + ",".join(["[]"] * (MAX_JSON_DEPTH * 2)) + "]",  # many containers side by side, two deep
        "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH,  # exactly the limit, counted without a walk
    ],
)
def test_json_with_more_brackets_than_the_limit_but_shallow_is_read(text: str) -> None:
    assert loads(text) == json.loads(text)
    assert loads(text.encode()) == json.loads(text)
