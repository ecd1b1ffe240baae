"""One URL, two audiences: a browser gets the console page, a REST caller the Account REST resource."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

Endpoint = Callable[[Request], Awaitable[Response]]
FORM = "application/x-www-form-urlencoded"


JSON = "application/json"


def _media_types(value: str) -> list[str]:
    return [part.split(";")[0].strip().lower() for part in value.split(",")]


def wants_html(request: Request) -> bool:
    """Keycloak's AccountLoader: the REST API when the Accept header names application/json or the body is
    JSON; anything else (no Accept, ``*/*``, text/html) is the console, which sends a browser to sign in.

    Doorkeep also keeps a bearer-authenticated call without those headers on the REST API (Keycloak would
    answer it with the console's page), so that existing API clients keep working."""
    headers = request.headers
    if JSON in _media_types(headers.get("accept", "")) or JSON in _media_types(headers.get("content-type", "")):
        return False
    return not headers.get("authorization", "").lower().startswith("bearer ")


def is_form(request: Request) -> bool:
    return request.headers.get("content-type", "").split(";")[0].strip().lower() == FORM


def negotiate(page: Endpoint, other: Endpoint, *, html: Callable[[Request], bool] = wants_html) -> Endpoint:
    """``page`` when ``html(request)`` (a browser), else ``other`` (a REST caller at the same URL)."""

    async def endpoint(request: Request) -> Response:
        return await (page if html(request) else other)(request)

    return endpoint
