"""json_bytes: orjson's output where it can, the standard library's where orjson refuses, never an error
that json.dumps would not raise (a 500 in place of an answer)."""

from __future__ import annotations

import json
import math

import pytest

from doorkeep import json_bytes


def test_the_common_case_is_compact_ordered_utf8() -> None:
    assert (
        json_bytes.dumps({"z": 1, "a": [True, None, 2.5], "name": "Zoë"})
        == '{"z":1,"a":[true,null,2.5],"name":"Zoë"}'.encode()
    )


@pytest.mark.parametrize(
    "value",
    [
        {"sub": "\ud800"},  # a lone surrogate (JSON input may carry one: "\\ud800"); orjson refuses it
        {"big": 2**70},  # beyond 64 bits
        {1: "one", None: "none"},  # keys that are not strings
        {"nested": [{"deep": "\udfff", "n": -(2**64)}]},
    ],
)
def test_what_orjson_refuses_is_written_as_json_writes_it(value: object) -> None:
    written = json_bytes.dumps(value)
    assert written == json.dumps(value, separators=(",", ":")).encode()
    assert json.loads(written) == json.loads(json.dumps(value))


def test_what_neither_can_write_still_raises_type_error() -> None:
    for value in ({"x": object()}, {"s": {1, 2}}):
        with pytest.raises(TypeError):
            json_bytes.dumps(value)


def test_a_non_finite_number_never_becomes_invalid_json() -> None:
    assert json.loads(json_bytes.dumps({"x": math.nan, "y": math.inf})) == {"x": None, "y": None}
