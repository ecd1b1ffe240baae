"""A database outage is an answer, not a crash: 503 with ``Retry-After`` in the endpoint family's shape.

The pool recovers by itself: SQLAlchemy invalidates a connection that failed with a disconnect, and
every new request opens a fresh one, so once the database is back the next request succeeds.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import exc as sa_exc
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from doorkeep.console import pages
from doorkeep.web import locale as page_locale
from doorkeep.web.http import NO_STORE, json_response

log = logging.getLogger("doorkeep.web")
RETRY_AFTER_SECONDS = 10
DESCRIPTION = "The server is temporarily unable to reach its database; retry later."
# SQLSTATE classes of a lost or refused connection: 08 (connection exception), 57P01-57P03 (shutdown,
# crash shutdown, cannot connect now), 53300 (too many connections); and of a transaction PostgreSQL
# aborted to let another through, which the same request retried later completes: 40P01 (deadlock
# detected: Doorkeep's own writes take the realm row last, but two admin requests can still lock the same
# rows in opposite orders) and 40001 (serialization failure).
_SQLSTATES = ("08", "57P01", "57P02", "57P03", "53300", "40P01", "40001")
_BROWSER = (
    "/protocol/openid-connect/auth",
    "/login-actions/",
    "/protocol/openid-connect/logout",
    "/protocol/openid-connect/login-status-iframe.html",
    "/protocol/openid-connect/3p-cookies/",
)


def database_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` means the database cannot be reached (rather than a bug in a query)."""
    if isinstance(exc, sa_exc.DisconnectionError | sa_exc.TimeoutError):  # TimeoutError: pool exhausted
        return True
    if isinstance(exc, sa_exc.DBAPIError) and (
        exc.connection_invalidated or isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError)
    ):
        return True
    seen: BaseException | None = exc
    for _ in range(8):  # the driver's own error, wrapped once or twice
        if seen is None:
            break
        if isinstance(seen, OSError | asyncio.TimeoutError):
            return True
        sqlstate = str(getattr(seen, "sqlstate", "") or getattr(seen, "pgcode", "") or "")
        if sqlstate.startswith(_SQLSTATES):
            return True
        seen = getattr(seen, "orig", None) or seen.__cause__ or seen.__context__
    return False


def unavailable_response(request: Request) -> Response:
    """503 + Retry-After: an HTML error page for browser endpoints, OAuth-style JSON everywhere else."""
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), **NO_STORE}
    path = request.url.path
    if any(part in path for part in _BROWSER) and not _wants_json(request):
        return HTMLResponse(pages.error("Doorkeep", DESCRIPTION, ui=page_locale.plain(request)), 503, headers)
    return json_response({"error": "temporarily_unavailable", "error_description": DESCRIPTION}, 503, headers)


def _wants_json(request: Request) -> bool:
    """Logout is both a browser page and a back-end call (refresh token): a browser asks for HTML. An upstream
    provider's back-channel logout is always a back-end call."""
    path = request.url.path
    if path.endswith("/logout/backchannel-logout"):
        return True
    return path.endswith("/logout") and "text/html" not in request.headers.get("accept", "")
