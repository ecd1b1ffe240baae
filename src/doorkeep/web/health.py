"""Health checks in Keycloak 26's shape (``/health``, ``/health/started``, ``/health/live``, ``/health/ready``).

Keycloak (Quarkus SmallRye Health) answers ``{"status":"UP","checks":[]}`` for started and live, and lists
its database check under ready; a DOWN check makes the answer 503.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from doorkeep.server import draining
from doorkeep.web.http import NO_STORE, json_response, transaction

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

DATABASE_CHECK = "Keycloak database connections async health check"
PING_TIMEOUT_SECONDS = 5.0


async def started(request: Request) -> Response:
    """The app answers only once migrations and bootstrap ran, so started is UP whenever it answers."""
    return json_response({"status": "UP", "checks": []}, 200, NO_STORE)


async def live(request: Request) -> Response:
    return json_response({"status": "UP", "checks": []}, 200, NO_STORE)


async def ready(request: Request) -> Response:
    """UP when the database answers within ``PING_TIMEOUT_SECONDS``; 503 DOWN (with Retry-After) otherwise.

    During ``--shutdown-delay`` after SIGTERM it is DOWN with Quarkus's "Graceful Shutdown" check.
    """
    if draining.active():
        body = {"status": "DOWN", "checks": [{"name": draining.CHECK_NAME, "status": "DOWN"}]}
        return json_response(body, 503, NO_STORE)
    try:
        await asyncio.wait_for(_ping_database(request), PING_TIMEOUT_SECONDS)
    except Exception:  # any failure to reach the database means "not ready"
        body = {"status": "DOWN", "checks": [{"name": DATABASE_CHECK, "status": "DOWN"}]}
        return json_response(body, 503, {"Retry-After": "10", **NO_STORE})
    return json_response({"status": "UP", "checks": [{"name": DATABASE_CHECK, "status": "UP"}]}, 200, NO_STORE)


async def _ping_database(request: Request) -> None:
    async with transaction(request, write=False) as tx:
        await _ping(tx)


async def _ping(tx: Tx) -> None:
    await tx.realms.get_by_name("master")
