"""Health checks in Keycloak's shape (``/health``, ``/health/live``, ``/health/ready``) and the root page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from doorkeep.web.http import json_response, state

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


async def live(request: Request) -> Response:
    return json_response({"status": "UP", "checks": []})


async def ready(request: Request) -> Response:
    """UP when the database answers; 503 DOWN otherwise."""
    try:
        async with state(request).db.transaction(write=False) as tx:
            await _ping(tx)
    except Exception:  # any failure to reach the database means "not ready"
        return json_response({"status": "DOWN", "checks": [{"name": "Database", "status": "DOWN"}]}, 503)
    return json_response({"status": "UP", "checks": [{"name": "Database", "status": "UP"}]})


async def _ping(tx: Tx) -> None:
    await tx.realms.get_by_name("master")


async def root(request: Request) -> Response:
    return HTMLResponse(
        "<!DOCTYPE html><html><head><title>Doorkeep</title></head><body>"
        "<h1>Doorkeep</h1><p>OpenID Connect realms live under <code>/realms/{realm}</code>; "
        "discovery at <code>/realms/{realm}/.well-known/openid-configuration</code>.</p></body></html>"
    )
