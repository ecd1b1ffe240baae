"""CORS on the Account REST API, so that keycloak-js (``loadUserProfile``) works from another origin.

Keycloak's AccountLoader: an ``OPTIONS`` anywhere under ``/realms/{r}/account`` is CorsPreflightService
(``Cors.builder().auth().allowedMethods("GET", "POST", "DELETE", "PUT", "HEAD", "OPTIONS").preflight()``:
any Origin echoed); once the bearer token is verified, ``web.account`` answers with
``cors.allow_token_origins`` (``Cors.builder().allowedOrigins(token).auth().add()``), errors included.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from doorkeep.web import cors

# The methods of the preflight in the order Keycloak's HashSet joins them (CollectionUtil.join).
PREFLIGHT_METHODS = "HEAD, DELETE, POST, GET, OPTIONS, PUT"


async def preflight(request: Request) -> Response:
    return cors.preflight_response(request, PREFLIGHT_METHODS)
