"""Requests to the management port (doorkeep.server.management): health and metrics under the interface's prefix.

The app tells them from the main port's by the port the connection came to (the ASGI scope's ``server``). Keycloak's
management router serves its root page (``Keycloak Management Interface``) at the prefix, redirects a GET of ``/``
to the prefix when there is one (``Location: /management``, no trailing slash), and nothing else: any other path,
the main port's endpoints included, is a JSON 404 here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from doorkeep import json_bytes
from doorkeep.server.management import ROOT_BODY, Interface
from doorkeep.web import health, metrics, relative_path
from doorkeep.web.headers import SecurityHeaders
from doorkeep.web.server_errors import CatchServerErrors

Endpoint = Callable[[Request], Awaitable[Response]]
HEALTH: dict[str, Endpoint] = {
    "/health": health.ready,
    "/health/live": health.live,
    "/health/ready": health.ready,
    "/health/started": health.started,
}


async def root(request: Request) -> Response:
    return Response(ROOT_BODY)


class ManagementPort:
    """The management interface's answers, for the requests ``serves`` says are its own."""

    def __init__(self, plan: Interface, app: ASGIApp) -> None:
        self.port, self.prefix, self.app = plan.port, plan.prefix, app
        self.endpoints: dict[str, Endpoint] = {"/": root}
        if plan.health:
            self.endpoints.update(HEALTH)
        if plan.metrics:
            self.endpoints["/metrics"] = metrics.endpoint
        self._answer: ASGIApp = SecurityHeaders(CatchServerErrors(self._dispatch))

    def serves(self, scope: Scope) -> bool:
        """Did the connection come to the management port?"""
        server = scope.get("server")
        return scope["type"] == "http" and server is not None and server[1] == self.port

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.prefix:
            inner = relative_path.within(scope, self.prefix)
            if inner is None:
                await self._outside(scope, send)
                return
            scope = inner
        scope["app"] = self.app  # the handlers read the app's state (web.http.state)
        await self._answer(scope, receive, send)

    async def _dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
        endpoint = self.endpoints.get(scope["path"])
        if endpoint is None or scope["method"] not in ("GET", "HEAD"):
            await _not_found(send)
            return
        response = await endpoint(Request(scope, receive))
        await response(scope, receive, send)

    async def _outside(self, scope: Scope, send: Send) -> None:
        if scope["path"] == "/" and scope["method"] in ("GET", "HEAD"):
            location = self.prefix.encode("latin-1")
            await send({"type": "http.response.start", "status": 302, "headers": [(b"location", location), _LENGTH_0]})
            await send({"type": "http.response.body", "body": b""})
        else:
            await _not_found(send)


_LENGTH_0 = (b"content-length", b"0")


async def _not_found(send: Send) -> None:
    body = json_bytes.dumps(relative_path.NO_METHOD)
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 404, "headers": headers})
    await send({"type": "http.response.body", "body": body})
