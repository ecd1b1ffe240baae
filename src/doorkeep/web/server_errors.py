"""The last line of defence: an unexpected exception becomes Keycloak's generic 500, logged in one line.

Starlette's own handler re-raises after answering, so uvicorn would log a full traceback (with
whatever the frames hold) and drop the keep-alive connection. This ASGI wrapper answers and stops
there; the log line names only the exception type, the method and the path.
"""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from doorkeep.web.http import json_response

log = logging.getLogger("doorkeep")
BODY = {"error": "unknown_error", "error_description": "For more on this error consult the server log."}


class CatchServerErrors:
    """Wraps the app: an exception escaping a route is answered with 500 ``unknown_error`` JSON."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception as exc:
            log.error("unhandled %s on %s %s", type(exc).__name__, scope.get("method"), scope.get("path"))
            if started:  # too late for an answer: the server must abort the half-sent response
                raise
            await json_response(BODY, 500)(scope, receive, send)
