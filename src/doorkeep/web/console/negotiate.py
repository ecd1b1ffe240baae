"""One URL, two audiences: a browser gets the console page, a REST caller the Account REST resource."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

Endpoint = Callable[[Request], Awaitable[Response]]
FORM = "application/x-www-form-urlencoded"


def wants_html(request: Request) -> bool:
    """Keycloak's AccountLoader: the console when the Accept header names text/html, REST otherwise."""
    return "text/html" in request.headers.get("accept", "").lower()


def is_form(request: Request) -> bool:
    return request.headers.get("content-type", "").split(";")[0].strip().lower() == FORM


def negotiate(page: Endpoint, other: Endpoint, *, html: Callable[[Request], bool] = wants_html) -> Endpoint:
    """``page`` when ``html(request)`` (a browser), else ``other`` (a REST caller at the same URL)."""
    async def endpoint(request: Request) -> Response:
        return await (page if html(request) else other)(request)
    return endpoint
