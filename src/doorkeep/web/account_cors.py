"""CORS on the Account REST API, so that keycloak-js (``loadUserProfile``) works from another origin.

Keycloak's AccountLoader: an ``OPTIONS`` anywhere under ``/realms/{r}/account`` is CorsPreflightService
(``Cors.builder().auth().allowedMethods("GET", "POST", "DELETE", "PUT", "HEAD", "OPTIONS").preflight()``:
any Origin echoed); once the bearer token is verified, ``Cors.builder().allowedOrigins(token).auth().add()``
puts the caller's Origin on the answer, errors included, when the token's ``allowed-origins`` holds it (or
``*``).
"""

from __future__ import annotations

from collections.abc import Collection

from starlette.requests import Request
from starlette.responses import Response

from doorkeep.web import cors

# The methods of the preflight in the order Keycloak's HashSet joins them (CollectionUtil.join).
PREFLIGHT_METHODS = "HEAD, DELETE, POST, GET, OPTIONS, PUT"
WILDCARD = "*"


async def preflight(request: Request) -> Response:
    return cors.preflight_response(request, PREFLIGHT_METHODS)


def add(request: Request, response: Response, allowed: Collection[str]) -> Response:
    """DefaultCors.add for an actual request: the Origin and credentials when the token allows the Origin."""
    origin = request.headers.get("origin")
    if origin and (origin in allowed or WILDCARD in allowed):
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Credentials"] = "true"
    return response
