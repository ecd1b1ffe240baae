"""Events: the realm's stored user events with Keycloak's filters (type, client, user, IP, date range), paged.

Needs view-events, as ``GET /admin/realms/{realm}/events``; the same store query serves both. Admin
events have their own tab (views_admin_events).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field

from doorkeep import events
from doorkeep.model import Event
from doorkeep.web.admin_console.context import Console, Page, page_of

DAY_MS = 86_400_000
FILTERS = ("type", "client", "user", "ipAddress", "dateFrom", "dateTo")


@dataclass(frozen=True)
class EventFilter:
    """The filters as typed, and an error sentence per refused one."""

    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)


def parse_day(raw: str, name: str, label: str, errors: dict[str, str], *, end: bool) -> int | None:
    if not raw:
        return None
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        errors[name] = f"{label} must be a date such as 2026-01-31."
        return None
    start = (day - datetime.date(1970, 1, 1)).days * DAY_MS
    return start + DAY_MS - 1 if end else start


async def user_events(c: Console, params: Mapping[str, str], first: int, size: int) -> tuple[EventFilter, Page[Event]]:
    c.require("view-events")
    values = {name: params.get(name, "").strip()[:200] for name in FILTERS}
    errors: dict[str, str] = {}
    if values["type"] and values["type"] not in events.EVENT_TYPES:
        errors["type"] = f"Unknown event type {values['type']!r}."
    date_from = parse_day(values["dateFrom"], "dateFrom", "From", errors, end=False)
    date_to = parse_day(values["dateTo"], "dateTo", "To", errors, end=True)
    if errors:
        return EventFilter(values, errors), page_of([], first, size)
    found = await c.tx.events.find(
        c.realm.id,
        [values["type"]] if values["type"] else [],
        values["client"] or None,
        values["user"] or None,
        date_from,
        date_to,
        values["ipAddress"] or None,
        first,
        size + 1,
    )
    return EventFilter(values), page_of(found, first, size)


def event_types() -> list[str]:
    return sorted(events.EVENT_TYPES)
