"""The consoles' static files (``console/static/``), served as files under ``/resources/console/``,
with the headers the pages get that make sense for a stylesheet or script (no sniffing, no referrer,
no indexing); they may be cached for an hour.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from doorkeep.console.templating import STATIC

HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "none",
           "Cache-Control": "public, max-age=3600", "Cross-Origin-Resource-Policy": "same-origin"}


class _WithHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


MOUNT = Mount("/resources/console", app=_WithHeaders(StaticFiles(directory=STATIC)), name="console-static")
