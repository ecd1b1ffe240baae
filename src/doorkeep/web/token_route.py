"""The token endpoint straight from the server (issue #8): a POST to ``/realms/{realm}/protocol/openid-connect/token``
skips Starlette's outer error middleware, its exception middleware and its router, and goes through Doorkeep's own
middleware (the metrics when they are on, the security headers, the last line of defence) to the handler the router
would call, with the scope the router would give it (``path_params``, ``route``). The handler is called without
Starlette's ``request_response`` wrapper either: with no exception handlers in the scope (the exception middleware
that puts them there is skipped) that wrapper only re-raises, at the cost of two closures and a send wrapper.

What it skips does nothing for this route: ``CatchServerErrors`` answers every exception before Starlette's error
middleware could, the handler raises no ``HTTPException``, and the route's one method is the one matched here.
Any other method or path (a trailing slash included) goes through Starlette as before.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from doorkeep.web import host_header, normalized_path, relative_path
from doorkeep.web.headers import SecurityHeaders
from doorkeep.web.management import ManagementPort
from doorkeep.web.server_errors import CatchServerErrors

TOKEN_TEMPLATE = "/realms/{realm}/protocol/openid-connect/token"
TOKEN_PATH = re.compile(r"/realms/([^/]+)/protocol/openid-connect/token")


class DoorkeepApp(Starlette):
    """Starlette, with the token endpoint's requests taken before its middleware stack."""

    _token_route: Route | None = None
    _token: ASGIApp | None = None
    relative_path = ""  # --http-relative-path as a prefix ("" or "/auth"): web/relative_path.py
    management: ManagementPort | None = None  # the management port's requests (web/management.py), when it is open
    accept_non_normalized_paths = False  # --http-accept-non-normalized-paths: web/normalized_path.py

    def take_token_route(self, route: Route, metrics: Callable[[ASGIApp], ASGIApp] | None) -> None:
        """Serve ``route`` (the token endpoint's) directly, through ``metrics`` when they are on."""
        direct: ASGIApp = SecurityHeaders(CatchServerErrors(endpoint_app(route)))
        self._token_route, self._token = route, direct if metrics is None else metrics(direct)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        management = self.management
        if management is not None and management.serves(scope):
            await management(scope, receive, send)
            return
        if await host_header.guard(scope, send):  # vertx-web refuses a bad Host before any handler (web/host_header.py)
            return
        # Keycloak's RejectNonNormalizedPathFilter runs on the application's router ahead of everything else (not on
        # the management port's); its 400 carries none of the security headers.
        if self.accept_non_normalized_paths:
            scope = normalized_path.accepted(scope)
        elif await normalized_path.guard(scope, send, self.relative_path):
            return
        if self.relative_path and scope["type"] != "lifespan":
            inner = relative_path.within(scope, self.relative_path)
            if inner is None:
                await relative_path.outside(scope, receive, send, self.relative_path)
                return
            scope = inner
        direct = self._token
        if direct is not None and scope["type"] == "http" and scope["method"] == "POST":
            found = TOKEN_PATH.fullmatch(scope["path"])
            if found is not None:
                scope["app"] = self
                scope["path_params"] = {"realm": found.group(1)}
                scope["route"] = self._token_route
                await direct(scope, receive, send)
                return
        await super().__call__(scope, receive, send)


def endpoint_app(route: Route) -> ASGIApp:
    """``route``'s async handler as an ASGI app: the request made, the handler's response sent."""
    endpoint = route.endpoint
    if not inspect.iscoroutinefunction(endpoint):
        raise TypeError("the token endpoint's handler must be async")

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        response = await endpoint(Request(scope, receive, send))
        await response(scope, receive, send)

    return app


def token_route(served: list[BaseRoute]) -> Route:
    """The token endpoint's route among the app's routes."""
    for route in served:
        if isinstance(route, Route) and route.path == TOKEN_TEMPLATE and route.methods == {"POST"}:
            return route
    raise LookupError("no token endpoint route")
