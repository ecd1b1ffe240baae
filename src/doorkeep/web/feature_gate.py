"""Endpoints that a Keycloak feature brings, answering as Keycloak's do when --features-disabled turns it off.

Keycloak leaves such an endpoint unresolved: OIDCLoginProtocolService.resolveExtension finds no supported
OIDCExtProvider (``ext/ciba``, ``ext/par``) and throws ``new NotFoundException()``, AuthorizationEndpoint's
``device`` locator returns null, RealmsResource finds no ``device`` realm resource. KeycloakErrorHandler answers
404 with the exception's own message, ``HTTP 404 Not Found`` (a browser gets the error page).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from doorkeep.web import error_pages
from doorkeep.web.http import json_response, state
from doorkeep.web.not_found import SEE_LOG

Endpoint = Callable[[Request], Awaitable[Response]]
NOT_FOUND = {"error": "HTTP 404 Not Found", "error_description": SEE_LOG}


def is_off(request: Request, feature: str) -> bool:
    """Whether ``feature`` (doorkeep.features) is disabled on this server."""
    return feature in state(request).services.disabled_features


async def not_found(request: Request) -> Response:
    """Keycloak's answer to the NotFoundException: the error page for a browser, else the JSON error."""
    if error_pages.wants_html(request):
        return await error_pages.page(request, 404)
    return json_response(NOT_FOUND, 404)


def requires(feature: str, endpoint: Endpoint) -> Endpoint:
    """``endpoint``, or Keycloak's 404 while ``feature`` (doorkeep.features) is disabled."""

    async def gated(request: Request) -> Response:
        if is_off(request, feature):
            return await not_found(request)
        return await endpoint(request)

    gated.__name__ = getattr(endpoint, "__name__", "gated")
    gated.__doc__ = endpoint.__doc__
    return gated
