"""The router's trailing-slash redirect, to the configured URL rather than the request's ``Host``.

A path that matches no route but would with its trailing slash added or removed gets a 307 to that spelling, as
Starlette's router answers it, except for where it points: Starlette builds the Location from the request's
``Host`` header and from the path the router sees (which under --http-relative-path has lost its prefix). Keycloak
builds its own redirects of this kind on the configured URL, never on ``Host`` (AdminConsole.getMainPage's to
``/admin/{realm}/console/`` uses ``getUri(UrlType.ADMIN)``; hostname v2): with --hostname set, a request naming
another host must not be sent there (a host-header open redirect, a poisoned cache). So the target is the
frontend base URL (doorkeep.hostname; the admin URL for ``/admin`` paths), the path and the query.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Match, Router
from starlette.types import Receive, Scope, Send

from doorkeep.web.http import admin_url, base_url

_PATH_SAFE = "/!$&'()*+,;=:@-._~"  # RFC 3986 pchar and "/": kept as they are; anything else percent-encoded


class SlashRedirect:
    """The router's ``default``: the trailing-slash redirect (``redirect_slashes`` turned off), else not found."""

    def __init__(self, router: Router) -> None:
        self.router = router

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "/")
        if scope["type"] == "http" and path != "/":
            other = path.rstrip("/") if path.endswith("/") else path + "/"
            moved = dict(scope, path=other)
            if other and any(route.matches(moved)[0] is not Match.NONE for route in self.router.routes):
                request = Request(scope)
                base = admin_url(request) if other.startswith("/admin") else base_url(request)
                query = scope.get("query_string", b"").decode("latin-1")
                target = base + quote(other, safe=_PATH_SAFE) + ("?" + query if query else "")
                await RedirectResponse(target, 307)(scope, receive, send)
                return
        await self.router.not_found(scope, receive, send)


def install(router: Router) -> None:
    """Route ``router``'s trailing-slash redirects through :class:`SlashRedirect`."""
    router.redirect_slashes = False
    router.default = SlashRedirect(router)
