"""Admin REST: a realm's user events and their configuration (Keycloak's RealmAdminResource).

``GET /events`` lists stored events newest first unless ``direction=asc`` (view-events; at most 100 unless ``max`` says
otherwise), ``DELETE /events`` clears them (manage-events). ``GET/PUT /events/config`` read and
change the RealmEventsConfigRepresentation. As in Keycloak's RealmManager, a PUT always sets
``eventsEnabled`` (absent: false) and ``eventsExpiration`` (absent: 0, keep forever); the lists and
the admin-event flags change only when given.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep import events, keycloak_dates
from doorkeep.admin.representations import REALM_FIELDS, apply
from doorkeep.admin.unknown_properties import refuse_unknown
from doorkeep.errors import AdminError
from doorkeep.model import Event, Realm
from doorkeep.web.admin.common import RealmCall, no_content, ok, query_int, read_object, run_realm

DEFAULT_MAX = 100
LISTENERS = ("jboss-logging", "email")  # Keycloak's built-in realm event listeners
CONFIG_FIELDS = {
    key: REALM_FIELDS[key]
    for key in (
        "eventsEnabled",
        "eventsExpiration",
        "eventsListeners",
        "enabledEventTypes",
        "adminEventsEnabled",
        "adminEventsDetailsEnabled",
    )
}
# RealmEventsConfigRepresentation has exactly these properties: any other is refused.
CONFIG_PROPERTIES = frozenset(CONFIG_FIELDS)


def bad_request(message: str) -> AdminError:
    """A JAX-RS BadRequestException(message): ``{"error": message}``."""
    return AdminError(400, message, key="error")


def event_json(event: Event) -> dict[str, Any]:
    """EventRepresentation; null fields and empty details are left out, as Keycloak's store does."""
    out: dict[str, Any] = {"id": event.id, "time": event.time, "type": event.type, "realmId": event.realm_id}
    for key, value in (
        ("clientId", event.client_id),
        ("userId", event.user_id),
        ("sessionId", event.session_id),
        ("ipAddress", event.ip_address),
        ("error", event.error),
    ):
        if value is not None:
            out[key] = value
    if event.details:
        out["details"] = dict(event.details)
    return out


def config_json(realm: Realm) -> dict[str, Any]:
    """RealmEventsConfigRepresentation; no enabled types means the ones saved by default, listed."""
    out: dict[str, Any] = {"eventsEnabled": realm.events_enabled}
    if realm.events_expiration:
        out["eventsExpiration"] = realm.events_expiration
    out["eventsListeners"] = list(realm.events_listeners)
    out["enabledEventTypes"] = list(realm.enabled_event_types or events.SAVED_BY_DEFAULT)
    out["adminEventsEnabled"] = realm.admin_events_enabled
    out["adminEventsDetailsEnabled"] = realm.admin_events_details_enabled
    return out


def ascending(request: Request) -> bool:
    """RealmAdminResource's ``direction``: absent or ``desc`` newest first, ``asc`` oldest first; any other
    spelling (case counts) is a 400."""
    direction = request.query_params.get("direction")
    if direction not in (None, "asc", "desc"):
        raise bad_request("Invalid value for sortDirection, expected value is asc or desc")
    return direction == "asc"


def _date(request: Request, name: str, *, end_of_day: bool) -> int | None:
    """Keycloak's DateUtil: a ``yyyy-MM-dd`` day (UTC, its first or last millisecond) or epoch milliseconds."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        return keycloak_dates.to_end_of_day(raw) if end_of_day else keycloak_dates.to_start_of_day(raw)
    except ValueError:
        raise bad_request(f"Invalid value for '{name}', expected format is yyyy-MM-dd or an Epoch timestamp") from None


async def list_events(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        # Keycloak's order: JAX-RS converts first/max (404) before the method runs, then the role check, then the
        # method reads type, dateFrom, dateTo and direction in that order.
        first, max_results = query_int(request, "first"), query_int(request, "max")
        call.require("view-events")
        types = request.query_params.getlist("type")
        unknown = sorted(set(types) - events.EVENT_TYPES)
        if unknown:
            raise bad_request(f"Invalid value for 'type': {unknown[0]}")
        date_from = _date(request, "dateFrom", end_of_day=False)
        date_to = _date(request, "dateTo", end_of_day=True)
        oldest_first = ascending(request)
        found = await call.tx.events.find(
            call.realm.id,
            types,
            request.query_params.get("client"),
            request.query_params.get("user"),
            date_from,
            date_to,
            request.query_params.get("ipAddress"),
            first,
            DEFAULT_MAX if max_results is None else max_results,
            ascending=oldest_first,
        )
        return ok([event_json(e) for e in found])

    return await run_realm(request, work, write=False)


async def clear_events(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        call.require("manage-events")
        await call.tx.events.clear(call.realm.id)
        return no_content()

    return await run_realm(request, work)


async def get_config(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        call.require("view-events")
        return ok(config_json(call.realm))

    return await run_realm(request, work, write=False)


async def update_config(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        call.require("manage-events")
        rep = await read_object(request)
        refuse_unknown(await request.body(), CONFIG_PROPERTIES, "RealmEventsConfigRepresentation")
        defaults = {"eventsEnabled": False, "eventsExpiration": 0}  # primitives in Keycloak: never "unchanged"
        rep = {**rep, **{k: v for k, v in defaults.items() if rep.get(k) is None}}
        realm: Realm = apply(call.realm, rep, CONFIG_FIELDS)
        if any(name not in LISTENERS for name in realm.events_listeners):
            raise bad_request("Unknown event listener")
        realm = dataclasses.replace(
            realm,
            events_listeners=tuple(dict.fromkeys(realm.events_listeners)),
            enabled_event_types=tuple(dict.fromkeys(realm.enabled_event_types)),
        )
        await call.tx.realms.update(realm)
        return no_content()

    return await run_realm(request, work)


ROUTES = [
    Route("/{realm}/events", list_events, methods=["GET"]),
    Route("/{realm}/events", clear_events, methods=["DELETE"]),
    Route("/{realm}/events/config", get_config, methods=["GET"]),
    Route("/{realm}/events/config", update_config, methods=["PUT"]),
]
