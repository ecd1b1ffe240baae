"""How Keycloak's Jackson binds a JSON scalar to a Java ``String`` or ``Long`` field."""

from __future__ import annotations

import math
import re
from typing import Any

from doorkeep.numbers import LONG_MAX, LONG_MIN


def string_field(value: Any) -> str | None:
    """A ``String`` field as Jackson binds it (``String.valueOf`` of the scalar): null stays absent, a string is
    itself, a boolean or a number becomes its text."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class Unbound(ValueError):
    """A JSON value Jackson refuses to bind to the field's Java type (its MismatchedInputException)."""


_LONG_TEXT = re.compile(r"[+-]?[0-9]{1,19}")


def long_field(value: Any) -> int | None:
    """A ``Long`` field (JsonWebToken's ``exp``, ``iat``, ``nbf``) as Jackson binds it with its default features:
    null, an empty or ``"null"`` string are absent; an integer is itself and a float is truncated
    (ACCEPT_FLOAT_AS_INT), both within a long; a string holding a whole number is that number (scalar coercion).
    Anything else raises ``Unbound``: a boolean, an object, an array, other text, a number beyond a long, and
    ``NaN`` or ``Infinity`` (which Python's JSON reader takes and Jackson's refuses: ALLOW_NON_NUMERIC_NUMBERS off)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise Unbound(f"not a long: {type(value).__name__}")
    number: int
    if isinstance(value, str):
        text = value.strip()
        if text in ("", "null"):
            return None
        if _LONG_TEXT.fullmatch(text) is None:
            raise Unbound("not a long")
        number = int(text)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise Unbound("not a number")
        number = int(value)
    else:
        number = value
    if not LONG_MIN <= number <= LONG_MAX:
        raise Unbound("out of the range of a long")
    return number


LONG_CLAIMS = ("exp", "nbf", "iat")  # JsonWebToken's Long fields
TEXT_CLAIMS = ("jti", "iss", "sub", "typ", "azp")  # its String fields


def json_web_token(claims: dict[str, Any]) -> dict[str, Any]:
    """``claims`` as Jackson binds them to a JsonWebToken (and its subclasses: DPoP, LogoutToken, IDToken…):
    ``exp``, ``nbf`` and ``iat`` through ``long_field`` (an absent one dropped), the String fields refusing an object
    or an array, ``aud`` a string or an array of scalars (StringOrArrayDeserializer). Raises ``Unbound``."""
    bound = dict(claims)
    for name in LONG_CLAIMS:
        if name in bound:
            value = long_field(bound[name])
            if value is None:
                del bound[name]
            else:
                bound[name] = value
    if any(isinstance(bound.get(name), dict | list) for name in TEXT_CLAIMS):
        raise Unbound("an object or an array where a string belongs")
    aud = bound.get("aud")
    if isinstance(aud, dict) or (isinstance(aud, list) and any(isinstance(a, dict | list) for a in aud)):
        raise Unbound("an audience that is neither a string nor an array of them")
    return bound


def enum_field(value: Any, constants: tuple[str, ...]) -> str | None:
    """A Java enum whose constants are ``constants`` (in declaration order) as Jackson binds it with its default
    features: null is absent; a string is the constant of that exact name; a whole number is the constant at that
    index (FAIL_ON_NUMBERS_FOR_ENUMS off). Anything else raises ``Unbound``: another string (an empty one too),
    a number out of range, a boolean, a float, an object or an array."""
    if value is None:
        return None
    if isinstance(value, str) and value in constants:
        return value
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(constants):
        return constants[value]
    raise Unbound("not a constant of the enum")
