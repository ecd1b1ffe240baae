"""The last line of defence: an unexpected exception becomes Keycloak's generic 500, logged in one line;
a value the database itself refuses (SQLSTATE class 22) is a 400; a row a unique index refuses, or one whose
foreign key names a row deleted meanwhile (a write that lost a race), is a 409; a database outage is a 503 with
``Retry-After`` (web/unavailable.py). A path naming no realm (``RealmNotFound``) is Keycloak's 404. A browser
gets the error page for the 404 and the 500 (web/error_pages.py).

Starlette's own handler re-raises after answering, so uvicorn would log the traceback a second time
and drop the keep-alive connection. This ASGI wrapper answers and stops there. The server log gets the
traceback (through the redaction filter of server/logs.py, with SQL bind parameters hidden); the client
gets Keycloak's generic body and never a trace. A client that disconnects while its body is read (Starlette's
``ClientDisconnect``: it closed the connection, or uvicorn refused a bogus chunk or a short body) is no server
error: nothing is answered and nothing is logged above DEBUG, so no one can fill the log with tracebacks.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import StatementError
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from doorkeep.admin import stored_text
from doorkeep.store.database import is_data_error
from doorkeep.store.refusals import is_duplicate, is_vanished_reference
from doorkeep.web import error_pages
from doorkeep.web.http import RealmNotFound, json_response, realm_not_found_json
from doorkeep.web.unavailable import database_unavailable, unavailable_response

log = logging.getLogger("doorkeep")
BODY = {"error": "unknown_error", "error_description": "For more on this error consult the server log."}
BAD_INPUT = stored_text.BAD_INPUT.body()  # one answer for a value the database or a check before it refuses
DUPLICATE = {"errorMessage": "Conflict detected. See logs for details"}


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
        except ClientDisconnect:  # the client went away mid-body (or sent one uvicorn refused): nobody to answer
            log.debug("client disconnected before its body was read on %s %s", scope.get("method"), scope.get("path"))
        except Exception as exc:
            if started:  # too late for an answer: the server must abort the half-sent response
                unexpected(exc, scope.get("method"), scope.get("path"))
                raise
            response = await respond(Request(scope), exc)
            await response(scope, receive, send)


async def respond(request: Request, exc: Exception) -> Response:
    """The answer to an exception no route handled: ``answer``'s, or for a browser (web/error_pages.py) the
    error page in place of a 404 or a generic 500. A page that cannot be drawn leaves the JSON answer."""
    response = realm_not_found_json() if isinstance(exc, RealmNotFound) else answer(request, exc)
    if response.status_code not in (404, 500) or not error_pages.wants_html(request):
        return response  # answer's 500 is the generic one; its 400, 409 and 503 stay as they are
    try:
        return await error_pages.page(request, response.status_code)
    except Exception as failed:  # KeycloakErrorHandler: "Failed to create error page"
        unexpected(failed, request.method, request.url.path)
        return response


def answer(request: Request, exc: Exception) -> Response:
    """The answer to an exception no route handled, logged in one line without its message."""
    if database_unavailable(exc):
        log.warning("database unavailable on %s %s: %s", request.method, request.url.path, type(exc).__name__)
        return unavailable_response(request)
    if is_duplicate(exc):  # the same thing created twice at once: Keycloak's 409
        log.info("duplicate refused by the database on %s %s", request.method, request.url.path)
        return json_response(DUPLICATE, 409)
    if is_vanished_reference(exc):  # written under something deleted meanwhile: the same conflict
        log.info("reference to a row deleted meanwhile refused on %s %s", request.method, request.url.path)
        return json_response(DUPLICATE, 409)
    if is_data_error(exc):  # e.g. a NUL byte or an over-long name PostgreSQL refuses
        log.info("input refused by the database on %s %s", request.method, request.url.path)
        return json_response(BAD_INPUT, 400)
    unexpected(exc, request.method, request.url.path)
    return json_response(BODY, 500)


def unexpected(exc: BaseException, method: object, path: object) -> None:
    """Log an unexpected error with its traceback; a SQL error's bind parameters (secrets) are hidden."""
    seen: set[int] = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        if isinstance(link, StatementError):
            link.hide_parameters = True
        link = link.__cause__ or link.__context__
    log.error("unhandled %s on %s %s", type(exc).__name__, method, path, exc_info=exc)
