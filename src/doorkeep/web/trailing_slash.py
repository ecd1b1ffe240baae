"""Admin REST paths answered with or without a trailing slash, as JAX-RS matches them.

Keycloak's resources match ``/admin/realms/demo/users/`` as ``/admin/realms/demo/users``; Starlette would
answer a 307 to the bare path instead, which kcadm's HTTP client (and many others) does not follow for a
POST. Only the Admin REST API is rewritten: the consoles' pages (``/admin/{realm}/console/``,
``/realms/{realm}/account/``) keep their own slash rules.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

PREFIXES = ("/admin/realms/", "/admin/serverinfo/")


class AdminTrailingSlash:
    """Strips the trailing slashes of an Admin REST path before routing."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path: str = scope["path"]
            if path.endswith("/") and path.startswith(PREFIXES):
                scope = dict(scope)
                scope["path"] = path.rstrip("/")
                raw = scope.get("raw_path")
                if isinstance(raw, bytes):
                    scope["raw_path"] = raw.rstrip(b"/")
        await self.app(scope, receive, send)
