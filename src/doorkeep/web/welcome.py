"""The welcome page at ``/``: Keycloak 26's WelcomeResource with its keycloak.v2 welcome theme.

While the master realm has a user, ``GET /`` is a 302 to the Admin Console at the admin URL (``{admin}/admin/``:
the theme's ``redirectToAdmin``). With none (every master user deleted; Doorkeep's first start always makes one
from the bootstrap options), the page offers to create an administrative user, and only to a local browser
(``admin_root.is_local``: a loopback peer, no X-Forwarded-For nor Forwarded header); anyone else is told that
local access is required, with no form. The form's ``stateChecker`` must equal the ``WELCOME_STATE_CHECKER``
cookie set with the form (CookieType.WELCOME_CSRF: on the request's path, five minutes, SameSite=Strict,
HttpOnly). ``POST /`` checks, in Keycloak's order: a master user exists (the redirect again), not local (400),
the state checker (403), then the username (trimmed), the password and its confirmation (400 and the page with
the message); the user is created with master's ``admin`` role and the cookie expired. A master user is any user
of master, a service account too (ApplianceBootstrap.isNoMasterUser: ``getUsersCount(realm, true) == 0``).

The creating transaction checks again (``temporary_admin.create_initial_user``), queued behind any other creation
in master, ``bootstrap-admin``'s too (``users.serialize_initial``): browsers posting at once make one admin, as
createMasterRealmUser creates nothing once master has a user. The others find that user and get the redirect;
Keycloak, which ignores createMasterRealmUser's false there, would say "User created" to a request already past its
first check.

Keycloak remembers "no master user" in the resource for the server's lifetime; Doorkeep asks the database on
every request (any worker may answer), so deleting every master user later brings the form back.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from doorkeep.console.templating import render
from doorkeep.errors import AdminError, OAuthError
from doorkeep.realms import temporary_admin
from doorkeep.web import cookies, error_pages
from doorkeep.web.admin_root import is_local
from doorkeep.web.http import (
    UNSUPPORTED_MEDIA_TYPE,
    admin_url,
    browser_path,
    in_transaction,
    json_response,
    read_form,
    state,
    wants_html,
)

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

COOKIE = "WELCOME_STATE_CHECKER"  # CookieType.WELCOME_CSRF
COOKIE_MAX_AGE = 300
NO_CACHE = "no-cache, must-revalidate, no-transform, no-store"  # CacheControlUtil.noCache()
USERNAME_MISSING = "Username is missing"
PASSWORD_MISSING = "Password is missing"
PASSWORDS_DIFFER = "Password and confirmation doesn't match"
CREATE_FAILED = "Error creating the administrative user: "
CREATED = "User created"
BAD_REQUEST = AdminError(400, "HTTP 400 Bad Request", key="error")  # WebApplicationException(BAD_REQUEST)
FORBIDDEN = AdminError(403, "HTTP 403 Forbidden", key="error")  # ForbiddenException


@dataclass(frozen=True)
class Outcome:
    """What the page says after a POST: the success or the error text (at most one)."""

    success: str | None = None
    error: str | None = None


async def _no_master_user(tx: Tx) -> bool:
    """ApplianceBootstrap.isNoMasterUser: master has no user, a service account counting as one."""
    realm = await tx.realms.get_by_name(temporary_admin.MASTER)
    return realm is not None and not await tx.users.any_in(realm.id)


async def welcome(request: Request) -> Response:
    """``GET /``: the redirect to the Admin Console, or the page that creates the first admin."""
    return await _page(request, await in_transaction(request, _no_master_user, write=False), Outcome())


async def create_admin(request: Request) -> Response:
    """``POST /``: WelcomeResource.createUser."""
    try:
        form = await read_form(request)
    except OAuthError as exc:  # @Consumes(APPLICATION_FORM_URLENCODED): another body type is RESTEasy's 415
        return await _refused(request, UNSUPPORTED_MEDIA_TYPE if exc.status == 415 else BAD_REQUEST)
    if not await in_transaction(request, _no_master_user, write=False):
        return await _page(request, False, Outcome())
    if not is_local(request):
        return await _refused(request, BAD_REQUEST)
    sent = cookies.values(request, COOKIE)
    checker = form.get("stateChecker") or ""
    if not sent or not hmac.compare_digest(sent[0].encode(), checker.encode()):
        return await _refused(request, FORBIDDEN)
    username = (form.get("username") or "").strip()
    password = form.get("password") or ""
    error = _form_error(username, password, form.get("passwordConfirmation"))
    if error is not None:
        return await _page(request, True, Outcome(error=error))
    now = state(request).services.clock.now()
    bootstrap, outcome = await in_transaction(request, lambda tx: _create(tx, now, username, password))
    response = await _page(request, bootstrap, outcome)
    if outcome.success is not None:
        _expire_cookie(request, response)
    return response


async def _create(tx: Tx, now: int, username: str, password: str) -> tuple[bool, Outcome]:
    """ApplianceBootstrap.createMasterRealmUser, queued behind any other creation of master's first user: what the
    page then shows (``_page``'s arguments). A user found there (another browser's, created meanwhile) is the
    redirect, nothing created."""
    if await tx.realms.get_by_name(temporary_admin.MASTER) is None:
        return False, Outcome()
    try:
        created = await temporary_admin.create_initial_user(tx, now, username, password)
    except temporary_admin.Refused as exc:
        return True, Outcome(error=CREATE_FAILED + str(exc))
    return (False, Outcome(success=CREATED)) if created is not None else (False, Outcome())


def _form_error(username: str, password: str, confirmation: str | None) -> str | None:
    if not username:
        return USERNAME_MISSING
    if not password:
        return PASSWORD_MISSING
    return PASSWORDS_DIFFER if password != confirmation else None


def _admin_console(request: Request) -> str:
    """``getUri(UrlType.ADMIN)`` with ``/admin/``: the admin URL (--hostname-admin, else the frontend's)."""
    return f"{admin_url(request)}/admin/"


async def _page(request: Request, bootstrap: bool, outcome: Outcome) -> Response:
    """createWelcomePage: the redirect when an admin exists and nothing is to be said, else the page (400 with an
    error); a local browser asked to create the admin gets a fresh state checker and its cookie."""
    if not bootstrap and outcome.success is None:
        return Response(status_code=302, headers={"Location": _admin_console(request)})
    local = is_local(request)
    checker = secrets.token_urlsafe(32) if bootstrap and local else None
    body = render(
        "protocol/welcome.html",
        bootstrap=bootstrap,
        local=local,
        state_checker=checker,
        action=_cookie_path(request),
        admin_console=_admin_console(request),
        success=outcome.success,
        error=outcome.error,
    )
    response = HTMLResponse(body, 400 if outcome.error else 200, headers={"Cache-Control": NO_CACHE})
    if checker is not None:
        _set_cookie(request, response, checker, COOKIE_MAX_AGE)
    return response


def _set_cookie(request: Request, response: Response, value: str, max_age: int) -> None:
    """DefaultCookieProvider.set for WELCOME_CSRF: the request's path (CookiePath.REQUEST), SameSite=Strict,
    HttpOnly, Secure in a secure context."""
    cookie: SimpleCookie = SimpleCookie()
    cookie[COOKIE] = value
    morsel = cookie[COOKIE]
    morsel["path"] = _cookie_path(request)
    morsel["max-age"] = max_age
    if cookies.secure_context(request):
        morsel["secure"] = True
    morsel["httponly"] = True
    morsel["samesite"] = "Strict"
    response.raw_headers.append((b"set-cookie", morsel.OutputString().encode("latin-1")))


def _expire_cookie(request: Request, response: Response) -> None:
    """DefaultCookieProvider.expire: only a cookie the request carries, on its path, ``Max-Age=0``."""
    if COOKIE in request.cookies:
        cookies.expire_at(response, COOKIE, _cookie_path(request))


def _cookie_path(request: Request) -> str:
    """CookiePath.REQUEST: the path this page was asked at (``/``, under the frontend URL's own path)."""
    return cookies.raw_path(browser_path(request, "/"))


async def _refused(request: Request, error: AdminError) -> Response:
    """KeycloakErrorHandler: the error's JSON, or for a browser the error page ("An internal server error has
    occurred", as for any status but 404)."""
    if wants_html(request):
        return await error_pages.page(request, error.status)
    return json_response(error.body(), error.status)


ROUTES = [
    Route("/", welcome, methods=["GET"]),
    Route("/", create_admin, methods=["POST"]),
]
