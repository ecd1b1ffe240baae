"""Admin and Account REST paths answered with or without a trailing slash, as JAX-RS matches them.

Keycloak's resources match ``/admin/realms/demo/users/`` as ``/admin/realms/demo/users`` (a resource method's
template ends in ``(/)?``); Starlette would answer a 307 to the bare path instead, which kcadm's HTTP client (and
many others) does not follow for a POST. The Account REST API's paths below ``/realms/{realm}/account/`` are
rewritten for its REST callers only (Keycloak's admin client asks for ``account/linked-accounts/`` and
``account/organizations/``): a browser there gets the Account Console, whose pages (and ``/admin/{realm}/console/``)
keep their own slash rules, as does the account root.
"""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from doorkeep.web.console.negotiate import wants_html

PREFIXES = ("/admin/realms/", "/admin/serverinfo/")
ACCOUNT_PATH = re.compile(r"/realms/[^/]+/account/.+/")  # below the account root, not the root itself


class AdminTrailingSlash:
    """Strips the trailing slashes of an Admin REST path, or of an Account REST call's, before routing."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path: str = scope["path"]
            if path.endswith("/") and (path.startswith(PREFIXES) or _account_rest(scope, path)):
                scope = dict(scope)
                scope["path"] = path.rstrip("/")
                raw = scope.get("raw_path")
                if isinstance(raw, bytes):
                    scope["raw_path"] = raw.rstrip(b"/")
        await self.app(scope, receive, send)


def _account_rest(scope: Scope, path: str) -> bool:
    """A path below the account root that the Account REST API answers (AccountLoader: not a browser's)."""
    return ACCOUNT_PATH.fullmatch(path) is not None and not wants_html(Request(scope))
