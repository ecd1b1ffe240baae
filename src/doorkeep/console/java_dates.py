"""The dates Keycloak's login pages print: DateTimeFormatterUtil.getDateTimeFromMillis, that is
``DateFormat.getDateTimeInstance(MEDIUM, SHORT, locale)`` under Java 21's CLDR data, in UTC (the JVM's zone in
Keycloak's container). English reads "Dec 7, 2026, 12:09 PM" (a narrow no-break space before the marker), German
"07.12.2026, 12:09"; any other language is English, as getLocaleFromString falls back to it."""

from __future__ import annotations

import datetime as dt

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def medium_short(ms: int, language: str) -> str:
    """``ms`` (epoch milliseconds) as the language's medium date and short time; empty for a time no calendar
    holds (a realm file's out-of-range ``createdDate``)."""
    try:
        moment = dt.datetime.fromtimestamp(ms / 1000, dt.UTC)
    except (OverflowError, OSError, ValueError):
        return ""
    if language.split("-")[0].lower() == "de":
        return f"{moment.day:02d}.{moment.month:02d}.{moment.year}, {moment.hour:02d}:{moment.minute:02d}"
    marker = "AM" if moment.hour < 12 else "PM"
    clock = f"{moment.hour % 12 or 12}:{moment.minute:02d}\u202f{marker}"
    return f"{_MONTHS[moment.month - 1]} {moment.day}, {moment.year}, {clock}"
