"""The one way Doorkeep reads an integer or a JSON document from untrusted input.

Query strings, form fields, JSON bodies and client attributes all come through here, so that no
spelling (``²``, Arabic-Indic ``٣``, ``1e3``, 10**30, a 100 000-digit string) can reach ``int()``
or the database unbounded. Keycloak keeps these values in Java ``int`` (or ``long``) fields, so the
bounds are Java's: a value outside them is refused as Keycloak's parser refuses it.
"""

from __future__ import annotations

import json
import re
from typing import Any

INT_MIN = -(2**31)
INT_MAX = 2**31 - 1
LONG_MIN = -(2**63)
LONG_MAX = 2**63 - 1
MAX_JSON_DEPTH = 64
_MAX_DIGITS = 19  # enough for any long; longer digit strings are out of range whatever their value


def parse_int(raw: object, low: int = INT_MIN, high: int = INT_MAX) -> int | None:
    """``raw`` as an int in ``[low, high]``, or None.

    Accepts a JSON integer (not a bool, not a float) or a string of ASCII decimal digits with an
    optional sign, as Java's ``Integer.parseInt`` does (no blanks, no exponent, no other digits).
    """
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str):
        digits = raw[1:] if raw[:1] in ("+", "-") else raw
        if not digits or not digits.isascii() or not digits.isdecimal():
            return None
        if len(digits.lstrip("0")) > _MAX_DIGITS:
            return None
        value = int(raw)
    else:
        return None
    return value if low <= value <= high else None


class JSONTooDeep(ValueError):
    """A JSON document nested deeper than ``MAX_JSON_DEPTH``."""


def _depth_ok(value: Any, limit: int) -> bool:
    """Whether no array or object in ``value`` is nested more than ``limit`` deep (no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        if depth > limit:
            return False
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return True


def loads(data: str | bytes, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """``json.loads`` that raises ValueError (never RecursionError) for malformed or too deeply nested input."""
    try:
        value = json.loads(data)
    except RecursionError:
        raise JSONTooDeep("JSON nested too deeply") from None
    # No document nests deeper than it has brackets (those inside strings only raise the count): most
    # documents are passed by counting them, without walking the parsed value.
    opened = data.count(b"{") + data.count(b"[") if isinstance(data, bytes) else data.count("{") + data.count("[")
    if opened > max_depth and not _depth_ok(value, max_depth):
        raise JSONTooDeep("JSON nested too deeply")
    if _SURROGATE_ESCAPE.search(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")):
        _refuse_lone_surrogates(value)
    return value


# A \uD800-\uDFFF escape: only such an escape can give json.loads a string that is no Unicode text.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def _refuse_lone_surrogates(value: Any) -> None:
    """A lone UTF-16 surrogate (``"\\ud800"``) parses, but no database nor answer can encode it: a ValueError
    (400 on the APIs) instead of a 500 when the string is written. Escaped pairs are whole characters already."""
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError("lone surrogate in a JSON string") from None
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
