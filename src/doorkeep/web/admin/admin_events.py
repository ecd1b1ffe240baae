"""Admin REST: a realm's admin events (Keycloak's RealmAdminResource ``admin-events``).

``GET`` lists them newest first (view-events; at most 100 unless ``max`` says otherwise) with Keycloak's
filters: ``operationTypes`` and ``resourceTypes`` (repeatable), ``resourcePath`` (a LIKE pattern as
PostgreSQL reads it, ``*`` for ``%``: case counts, ``_`` is any character, a backslash escapes),
``authRealm``, ``authClient`` (the client's id), ``authUser``, ``authIpAddress``, ``dateFrom``/``dateTo``
(``yyyy-MM-dd`` or epoch ms, as Keycloak's DateUtil), ``first``, ``max`` and ``direction`` (``asc``/``desc``,
nothing else). ``DELETE`` clears them (manage-events).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin.admin_events import (
    OPERATION_TYPES,
    RESOURCE_TYPES,
    AdminEvent,
    AdminEventQuery,
    like_ends_in_escape,
)
from doorkeep.admin.stored_text import BAD_INPUT
from doorkeep.web.admin.common import RealmCall, no_content, ok, query_int, run_realm
from doorkeep.web.admin.events import DEFAULT_MAX, _date, ascending, bad_request


def admin_event_json(event: AdminEvent) -> dict[str, Any]:
    """AdminEventRepresentation; null fields are left out, as Keycloak's JSON does."""
    out: dict[str, Any] = {
        "id": event.id,
        "time": event.time,
        "realmId": event.realm_id,
        "authDetails": {
            "realmId": event.auth_realm_id,
            "clientId": event.auth_client_id,
            "userId": event.auth_user_id,
            "ipAddress": event.auth_ip_address,
        },
        "operationType": event.operation_type,
        "resourceType": event.resource_type,
    }
    for key, value in (
        ("resourcePath", event.resource_path),
        ("representation", event.representation),
        ("error", event.error),
        ("details", event.details),
    ):
        if value is not None:
            out[key] = value
    return out


def _enum_list(request: Request, name: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    values = tuple(request.query_params.getlist(name))
    for value in values:
        if value not in allowed:
            raise bad_request(f"Invalid value for '{name}': {value}")
    return values


def query(request: Request, first: int | None, max_results: int | None) -> AdminEventQuery:
    """The filters of one ``GET admin-events``, refused in the order Keycloak's method reads them (the types,
    then the dates, then the direction); ``first``/``max`` are converted before, as JAX-RS does."""
    params = request.query_params
    operation_types = _enum_list(request, "operationTypes", OPERATION_TYPES)
    resource_types = _enum_list(request, "resourceTypes", RESOURCE_TYPES)
    date_from = _date(request, "dateFrom", end_of_day=False)
    date_to = _date(request, "dateTo", end_of_day=True)
    oldest_first = ascending(request)
    resource_path = params.get("resourcePath")
    if resource_path is not None and like_ends_in_escape(resource_path):
        raise BAD_INPUT  # PostgreSQL refuses the query; SQLite gives the same answer
    return AdminEventQuery(
        operation_types=operation_types,
        resource_types=resource_types,
        resource_path=resource_path,
        auth_realm=params.get("authRealm"),
        auth_client=params.get("authClient"),
        auth_user=params.get("authUser"),
        auth_ip_address=params.get("authIpAddress"),
        date_from=date_from,
        date_to=date_to,
        first=first,
        max=DEFAULT_MAX if max_results is None else max_results,
        ascending=oldest_first,
    )


async def list_admin_events(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        first, max_results = query_int(request, "first"), query_int(request, "max")  # 404 before the role's 403
        call.require("view-events")
        found = await call.tx.admin_events.find(call.realm.id, query(request, first, max_results))
        return ok([admin_event_json(event) for event in found])

    return await run_realm(request, work, write=False)


async def clear_admin_events(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        call.require("manage-events")
        await call.tx.admin_events.clear(call.realm.id)
        return no_content()

    return await run_realm(request, work)


ROUTES = [
    Route("/{realm}/admin-events", list_admin_events, methods=["GET"]),
    Route("/{realm}/admin-events", clear_admin_events, methods=["DELETE"]),
]
