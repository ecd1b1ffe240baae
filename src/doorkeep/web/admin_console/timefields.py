"""Durations as a person reads them: Keycloak's admin console ``TimeSelector`` in server-rendered form.

A stored number of seconds is shown in the largest unit that divides it (3600 → 1 hour), as
Keycloak's ``getTimeUnit`` does; a form sends back a number and a unit. Keycloak's TimeSelector
always offers seconds besides the field's own units, so a short test value stays expressible.
Errors are sentences naming the field.
"""

from __future__ import annotations

from dataclasses import dataclass

from doorkeep.numbers import INT_MAX

UNITS: dict[str, int] = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}


@dataclass(frozen=True)
class TimeValue:
    """One duration field as the form shows it: ``amount`` in ``unit`` (empty amount: not set)."""

    amount: str
    unit: str


def to_form(seconds: int) -> TimeValue:
    """The largest unit that divides ``seconds``; 0 shows as an empty field in minutes (Keycloak's look)."""
    if seconds <= 0:
        return TimeValue("", "minutes")
    unit = max((u for u, m in UNITS.items() if seconds % m == 0), key=UNITS.__getitem__)
    return TimeValue(str(seconds // UNITS[unit]), unit)


class FieldError(ValueError):
    """A form value refused; ``field`` names the form field, the message says why in words."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def from_form(
    field: str, label: str, amount: str | None, unit: str | None, *, allow_empty: bool = True, minimum: int = 0
) -> int:
    """Seconds from a number and a unit; empty means 0 (unset) where ``allow_empty``."""
    text = (amount or "").strip()
    if unit not in UNITS:
        raise FieldError(field, f"{label}: choose seconds, minutes, hours or days.")
    if not text:
        if allow_empty:
            return 0
        raise FieldError(field, f"{label} is required.")
    if not text.isascii() or not text.isdigit():
        raise FieldError(field, f"{label} must be a whole number of {unit}.")
    seconds = int(text) * UNITS[unit]
    if seconds < minimum:
        raise FieldError(field, f"{label} must be at least {minimum} seconds.")
    if seconds > INT_MAX:
        raise FieldError(field, f"{label} is too long: at most {INT_MAX // 86400} days.")
    return seconds


def whole_number(field: str, label: str, text: str | None, *, allow_empty: bool = False) -> int | None:
    """A count such as Refresh Token Max Reuse: a whole number ≥ 0 (empty: None where allowed)."""
    value = (text or "").strip()
    if not value:
        if allow_empty:
            return None
        raise FieldError(field, f"{label} is required.")
    if not value.isascii() or not value.isdigit():
        raise FieldError(field, f"{label} must be a whole number, 0 or more.")
    if int(value) > INT_MAX:
        raise FieldError(field, f"{label} is too large.")
    return int(value)


def grace_seconds(field: str, text: str | None, *, allow_empty: bool) -> str:
    """The Refresh Grace Period (issue #13): "" (off, or inherit where allowed) or 0 to 120 seconds."""
    value = (text or "").strip()
    if not value and allow_empty:
        return ""
    if not value.isascii() or not value.isdigit() or int(value) > 120:
        raise FieldError(field, "Refresh Grace Period must be a whole number of seconds from 0 to 120.")
    return str(int(value))
