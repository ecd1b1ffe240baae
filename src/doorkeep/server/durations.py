"""Keycloak's duration option values (``--shutdown-delay``, ``--shutdown-timeout``) in seconds.

As Keycloak documents them: "an ISO 8601 duration value, an integer number of seconds, or an
integer followed by one of [ms, h, m, s, d]".
"""

from __future__ import annotations

import re

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_SIMPLE = re.compile(r"([0-9]{1,9})(ms|s|m|h|d)?")
_ISO = re.compile(r"P(?:([0-9]{1,9})D)?(?:T(?:([0-9]{1,9})H)?(?:([0-9]{1,9})M)?(?:([0-9]{1,9}(?:\.[0-9]{1,9})?)S)?)?")


def parse_duration(text: str) -> float:
    """The duration ``text`` names, in seconds; ``ValueError`` with the accepted forms otherwise."""
    value = text.strip()
    simple = _SIMPLE.fullmatch(value)
    if simple:
        return int(simple.group(1)) * _UNITS[simple.group(2) or "s"]
    iso = _ISO.fullmatch(value.upper())
    if iso and value.upper() not in ("P", "PT") and not value.upper().endswith("T"):
        days, hours, minutes, seconds = (float(g) if g else 0.0 for g in iso.groups())
        return days * 86400 + hours * 3600 + minutes * 60 + seconds
    raise ValueError(
        f"'{text}' is not a duration: use an integer number of seconds, an integer followed "
        "by one of ms, s, m, h, d (e.g. 30s), or an ISO 8601 duration (e.g. PT30S)"
    )
