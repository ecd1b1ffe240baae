"""JSON text as kcadm prints it: Jackson's ``ObjectMapper`` with ``INDENT_OUTPUT`` (``OutputUtil.MAPPER``).

Jackson's ``DefaultPrettyPrinter`` differs from ``json.dumps(indent=2)``: ``"name" : value`` with a space
before the colon, arrays on one line (``[ 1, 2 ]``, objects inside them opening on the same line), empty
containers as ``{ }`` and ``[ ]``, control characters as upper-case ``\\u001F``, doubles as Java writes
them (``1.0E20``). Scripts that compare kcadm's output byte for byte see the same bytes from us.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

_SHORT = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def dumps(value: Any, *, pretty: bool = True) -> str:
    """``value`` as Jackson writes it: pretty (kcadm's default) or compact (``JsonNode.toString()``)."""
    out: list[str] = []
    _write(out, value, 1 if pretty else 0, pretty)
    return "".join(out)


def _write(out: list[str], value: Any, level: int, pretty: bool) -> None:
    if isinstance(value, dict):
        _object(out, value, level, pretty)
    elif isinstance(value, list | tuple):
        _array(out, list(value), level, pretty)
    else:
        out.append(scalar(value))


def _object(out: list[str], value: dict[str, Any], level: int, pretty: bool) -> None:
    if not value:
        out.append("{ }" if pretty else "{}")
        return
    out.append("{")
    for n, (name, item) in enumerate(value.items()):
        if n:
            out.append(",")
        if pretty:
            out.append("\n" + "  " * level)
        out.append(string(str(name)) + (" : " if pretty else ":"))
        _write(out, item, level + 1, pretty)
    out.append(("\n" + "  " * (level - 1)) if pretty else "")
    out.append("}")


def _array(out: list[str], value: list[Any], level: int, pretty: bool) -> None:
    # Arrays are "inline" in Jackson's pretty printer: they do not deepen the indentation of what they hold.
    if not value:
        out.append("[ ]" if pretty else "[]")
        return
    out.append("[ " if pretty else "[")
    for n, item in enumerate(value):
        if n:
            out.append(", " if pretty else ",")
        _write(out, item, level, pretty)
    out.append(" ]" if pretty else "]")


def scalar(value: Any) -> str:
    """A string, number, boolean or null as JSON text."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return java_double(value)
    return string(str(value))


def string(text: str) -> str:
    """A JSON string with Jackson's escapes: short ones where JSON has them, else ``\\u00XX`` upper case."""
    parts = ['"']
    for char in text:
        if char in _SHORT:
            parts.append(_SHORT[char])
        elif char < " ":
            parts.append(f"\\u{ord(char):04X}")
        else:
            parts.append(char)
    parts.append('"')
    return "".join(parts)


def java_double(value: float) -> str:
    """``Double.toString``: plain between 10^-3 and 10^7 (``100.0``), else ``1.0E20``/``1.5E-5``."""
    if not math.isfinite(value):  # never in a server's JSON; Jackson writes these bare tokens
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if value == 0 or 1e-3 <= abs(value) < 1e7:
        text = repr(value)
        return text if "." in text else text + ".0"
    shortest = Decimal(repr(value))  # the shortest digits that read back as value, as Java 19+ picks
    digits = "".join(str(d) for d in shortest.as_tuple().digits).rstrip("0") or "0"
    sign = "-" if value < 0 else ""
    return f"{sign}{digits[0]}.{digits[1:] or '0'}E{shortest.adjusted()}"
