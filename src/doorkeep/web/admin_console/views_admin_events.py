"""Admin events: who changed what in the realm, with Keycloak's console filters, paged, newest first.

Needs view-events, as ``GET /admin/realms/{realm}/admin-events``, and runs the same store query
(``AdminEventRepo.find`` with an ``AdminEventQuery``). The settings (Keycloak's "Save events" and
"Include representation" of Admin events settings: ``adminEventsEnabled`` and
``adminEventsDetailsEnabled``) need manage-events, as ``PUT /events/config``.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field

from starlette.datastructures import ImmutableMultiDict

from doorkeep.admin.admin_events import (
    OPERATION_TYPES,
    RESOURCE_TYPES,
    AdminEvent,
    AdminEventQuery,
    like_ends_in_escape,
)
from doorkeep.model import Realm
from doorkeep.web.admin.events import config_json
from doorkeep.web.admin_console.context import Console, Page, page_of
from doorkeep.web.admin_console.views_events import parse_day

TEXT_FILTERS = ("resourcePath", "authRealm", "authClient", "authUser", "authIpAddress", "dateFrom", "dateTo")


@dataclass(frozen=True)
class AdminEventFilter:
    """The filters as typed (the two type lists as chosen), and an error sentence per refused one."""

    values: dict[str, str]
    operation_types: tuple[str, ...] = ()
    resource_types: tuple[str, ...] = ()
    errors: dict[str, str] = field(default_factory=dict)

    def query(self) -> dict[str, str | list[str]]:
        """The filters as query parameters, for the pager's links."""
        out: dict[str, str | list[str]] = dict(self.values)
        out["operationTypes"] = list(self.operation_types)
        out["resourceTypes"] = list(self.resource_types)
        return out


def _chosen(
    params: ImmutableMultiDict[str, str], name: str, allowed: tuple[str, ...], errors: dict[str, str]
) -> tuple[str, ...]:
    values = tuple(dict.fromkeys(value.strip() for value in params.getlist(name) if value.strip()))
    unknown = [value for value in values if value not in allowed]
    if unknown:
        errors[name] = f"Unknown type {unknown[0][:50]!r}."
    return values


async def admin_events(
    c: Console, params: ImmutableMultiDict[str, str], first: int, size: int
) -> tuple[AdminEventFilter, Page[AdminEvent]]:
    c.require("view-events")
    values = {name: params.get(name, "").strip()[:200] for name in TEXT_FILTERS}
    errors: dict[str, str] = {}
    operations = _chosen(params, "operationTypes", OPERATION_TYPES, errors)
    resources = _chosen(params, "resourceTypes", RESOURCE_TYPES, errors)
    date_from = parse_day(values["dateFrom"], "dateFrom", "From", errors, end=False)
    date_to = parse_day(values["dateTo"], "dateTo", "To", errors, end=True)
    if like_ends_in_escape(values["resourcePath"]):  # PostgreSQL would refuse the query
        errors["resourcePath"] = "A resource path cannot end in a single backslash (it escapes the next character)."
    filters = AdminEventFilter(values, operations, resources, errors)
    if errors:
        return filters, page_of([], first, size)
    query = AdminEventQuery(
        operation_types=operations,
        resource_types=resources,
        resource_path=values["resourcePath"] or None,
        auth_realm=values["authRealm"] or None,
        auth_client=values["authClient"] or None,
        auth_user=values["authUser"] or None,
        auth_ip_address=values["authIpAddress"] or None,
        date_from=date_from,
        date_to=date_to,
        first=first,
        max=size + 1,
    )
    return filters, page_of(await c.tx.admin_events.find(c.realm.id, query), first, size)


def pretty(representation: str | None) -> str:
    """The recorded representation (already masked of secrets) indented for reading."""
    if representation is None:
        return ""
    try:
        return json.dumps(json.loads(representation), indent=2, ensure_ascii=False)
    except ValueError:
        return representation


async def save_settings(c: Console, enabled: bool, details: bool) -> Realm:
    c.require("manage-events")
    realm = dataclasses.replace(c.realm, admin_events_enabled=enabled, admin_events_details_enabled=details)
    await c.tx.realms.update(realm)
    c.changed("PUT", "events", "config", body=config_json(realm))  # the whole config, as Keycloak's console
    return realm
