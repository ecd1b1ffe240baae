"""The ``dateFrom``/``dateTo`` values of Keycloak's event listings, read as its ``DateUtil`` reads them.

A value holding a ``-`` is a day in ``LocalDate.parse``'s ISO-8601 form, taken in UTC: its first millisecond
(``to_start_of_day``) or its last (``to_end_of_day``). Any other value is ``Long.parseLong``'s: an optional
``+`` and decimal digits, in the signed 64-bit range. Whatever either refuses raises ValueError.

``LocalDate.parse`` is stricter and wider than ``datetime.date``: the year has exactly four digits unless
signed, a ``+`` needs five to ten, a ``-`` (a year before 1 AD, year 0 being 1 BC) needs a non-zero year,
years 0 and beyond 9999 are days like any other, and only ASCII digits count. The day must exist in the
proleptic Gregorian calendar, and its millisecond must fit in a Java ``long``.
"""

from __future__ import annotations

import re
import unicodedata

LONG_MIN, LONG_MAX = -(2**63), 2**63 - 1
DAY_MS = 86_400_000
MAX_YEAR = 999_999_999  # ChronoField.YEAR's range
_ISO_DAY = re.compile(r"([+-]?)([0-9]{4,10})-([0-9]{2})-([0-9]{2})")
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _days_from_epoch(year: int, month: int, day: int) -> int:
    """Days from 1970-01-01 to the given proleptic Gregorian day (any year)."""
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146_097 + day_of_era - 719_468


def _day_start_ms(raw: str) -> int:
    """The first millisecond (UTC) of the ISO day ``raw``, as ``LocalDate.parse`` reads it."""
    match = _ISO_DAY.fullmatch(raw)
    if match is None:
        raise ValueError("not an ISO local date")
    sign, digits, month_text, day_text = match.groups()
    if (sign == "+" and len(digits) <= 4) or (sign == "" and len(digits) > 4):
        raise ValueError("a year's sign is only for more than four digits")
    year = int(digits)
    if sign == "-":
        if year == 0:
            raise ValueError("minus zero is no year")
        year = -year
    month, day = int(month_text), int(day_text)
    if abs(year) > MAX_YEAR or not 1 <= month <= 12:
        raise ValueError("no such year or month")
    if not 1 <= day <= _MONTH_DAYS[month - 1] + (month == 2 and _leap(year)):
        raise ValueError("no such day")
    return _days_from_epoch(year, month, day) * DAY_MS


def _epoch_ms(raw: str) -> int:
    """``Long.parseLong(raw)`` (the caller has seen no ``-``): ``Character.digit`` takes any Unicode decimal digit."""
    digits = raw[1:] if raw.startswith("+") else raw
    if not digits or not all(unicodedata.decimal(ch, -1) >= 0 for ch in digits):
        raise ValueError("not a long")
    value = 0
    for ch in digits:
        value = value * 10 + unicodedata.decimal(ch)
        if value > LONG_MAX:
            raise ValueError("out of the long range")
    return value


def _in_long_range(ms: int) -> int:
    if not LONG_MIN <= ms <= LONG_MAX:
        raise ValueError("out of the long range")  # Instant.toEpochMilli's ArithmeticException
    return ms


def to_start_of_day(raw: str) -> int:
    """``DateUtil.toStartOfDay``: epoch milliseconds, or the first millisecond of a ``yyyy-MM-dd`` day."""
    return _in_long_range(_day_start_ms(raw)) if "-" in raw else _epoch_ms(raw)


def to_end_of_day(raw: str) -> int:
    """``DateUtil.toEndOfDay``: epoch milliseconds, or the last millisecond of a ``yyyy-MM-dd`` day."""
    return _in_long_range(_day_start_ms(raw) + DAY_MS - 1) if "-" in raw else _epoch_ms(raw)
