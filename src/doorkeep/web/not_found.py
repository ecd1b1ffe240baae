"""Answers for requests no route takes, in Keycloak's JSON error shape rather than plain text.

An unknown path is 404 ``Unable to find matching target resource method`` (Keycloak's RESTEasy
answer); a known path with the wrong method is 405; a browser gets the error page for both
(web/error_pages.py); an Admin REST path that Keycloak serves and
Doorkeep does not implement is a deliberate 501, so a tool knows the feature is missing rather
than mistyped (doorkeep.admin.keycloak_paths); a method Keycloak does not serve at a path it serves is 405. An
OPTIONS anywhere in the admin REST API is its CORS preflight (AdminRoot.preFlight), answered before any
authentication. Any other request under ``/admin/realms/`` or ``/admin/serverinfo/`` is first authenticated as
Keycloak's AdminRoot locators do before RESTEasy matches the rest of the path (401), then the realm of the path is
looked up (404 "Realm not found.") and entered (403): only then is the path itself judged, so a caller without a
token learns nothing of which paths exist, and the answer never depends on whether a user, client or group exists.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from doorkeep.admin.keycloak_paths import keycloak_methods
from doorkeep.web import cors, error_pages
from doorkeep.web.http import json_response

SEE_LOG = "For more on this error consult the server log at the debug level."
NO_METHOD = "Unable to find matching target resource method"


async def no_route(request: Request, exc: Exception) -> Response:
    """The app's handler for 404 and 405 raised by Starlette's router."""
    status = exc.status_code if isinstance(exc, HTTPException) else 404
    headers = dict(exc.headers or {}) if isinstance(exc, HTTPException) else {}
    path = request.scope.get("path", "")
    if request.method == "OPTIONS" and (
        path.startswith(("/admin/realms/", "/admin/serverinfo")) or path == "/admin/realms"
    ):
        return await cors.admin_preflight(request)
    if status in (404, 405) and path.startswith(("/admin/realms/", "/admin/serverinfo/")):
        from doorkeep.web.admin import unrouted  # the admin package's handlers import this module

        refusal = await unrouted.refusal(request, realm=not _encoded_slash(request))
        if refusal is not None:
            return refusal
    methods = None if _encoded_slash(request) else keycloak_methods(path)
    if status in (404, 405) and methods is not None and request.method in methods:
        return _not_implemented(request, path)
    if status in (404, 405) and methods:  # Starlette's own Allow names only the first route of the path it tried
        status, headers = 405, {"Allow": ", ".join(sorted(methods | {"OPTIONS"}))}
    if status in (404, 405) and error_pages.wants_html(request):
        return await error_pages.page(request, status)
    if status == 405:
        return json_response({"error": "HTTP 405 Method Not Allowed", "error_description": SEE_LOG}, 405, headers)
    if status == 404:
        return json_response({"error": NO_METHOD, "error_description": SEE_LOG}, 404)
    return json_response({"error": f"HTTP {status}"}, status, headers)


async def not_found_exception(request: Request, message: str) -> Response:
    """KeycloakErrorHandler's answer to a resource's ``NotFoundException(message)``: the error page for a browser,
    else 404 with the message as the JSON ``error``."""
    if error_pages.wants_html(request):
        return await error_pages.page(request, 404)
    return json_response({"error": message, "error_description": SEE_LOG}, 404)


def _not_implemented(request: Request, path: str) -> Response:
    description = f"Doorkeep does not implement {request.method} {path}"
    return json_response({"error": "HTTP 501 Not Implemented", "error_description": description}, 501)


def _encoded_slash(request: Request) -> bool:
    """Whether a segment of the raw path holds an encoded ``/`` (``…/clients/a%2Fb``): the decoded path then has
    segments the request never had, so it names no Keycloak feature (Keycloak matches the raw segments, and
    would look for a client ``a/b`` and answer 404)."""
    raw = request.scope.get("raw_path") or b""
    return isinstance(raw, bytes) and b"%2f" in raw.lower()
