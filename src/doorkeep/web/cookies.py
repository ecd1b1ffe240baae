"""Realm cookies as Keycloak 26 writes them: the one place that sets and expires a cookie on a realm's path.

Each cookie has a type (Keycloak's ``org.keycloak.cookie.CookieType``): its name, its scope and its default
lifetime. The scope (``CookieScope``) gives SameSite and HttpOnly:

- ``FEDERATION``: SameSite=None, HttpOnly. It must reach Keycloak after a redirect from an application on
  another site, including a POST (``form_post``, SAML) and an iframe: ``AUTH_SESSION_ID``,
  ``KEYCLOAK_IDENTITY``, ``KEYCLOAK_LOCALE``, ``KEYCLOAK_REMEMBER_ME`` (and ``KC_RESTART``, which Doorkeep
  does not write).
- ``FEDERATION_JS``: the same without HttpOnly: ``KEYCLOAK_SESSION``, read by the login-status iframe.
- ``INTERNAL``: SameSite=Strict, HttpOnly, for requests made from Keycloak's own pages only.

``DefaultCookieProvider.set`` writes Secure in a secure context only, and outside one downgrades
SameSite=None to Lax (browsers refuse SameSite=None without Secure). ``expire`` answers only for a cookie
the request carries, with its path and ``Max-Age=0`` and no other attribute.

Doorkeep's secure context is HTTPS only: the public base URL (``--hostname``, trusted proxy headers, or the
request) starts with ``https://``. Keycloak's ``SecureContextResolver`` also counts ``http://localhost`` and
``http://127.0.0.1`` as secure and sends ``Secure; SameSite=None`` there; Doorkeep does not, on purpose:
Python's cookie jars (requests, httpx, ``http.cookiejar``) never send back a Secure cookie over plain
HTTP, so every script or test driving a development server's login through such a jar would lose its
login. Over plain HTTP, loopback included, cookies are ``SameSite=Lax`` without ``Secure``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from http.cookies import SimpleCookie

from starlette.requests import Request
from starlette.responses import Response

from doorkeep.model import Realm
from doorkeep.sessions import remember_me, sso
from doorkeep.users import locale
from doorkeep.web.http import base_url, browser_path

_EXPIRED = "Thu, 01 Jan 1970 00:00:00 GMT"


class Scope(enum.Enum):
    """``CookieScope``: the SameSite value a secure context gets, and whether scripts are kept out."""

    INTERNAL = ("Strict", True)
    FEDERATION = ("None", True)
    FEDERATION_JS = ("None", False)

    def __init__(self, same_site: str, http_only: bool) -> None:
        self.same_site = same_site
        self.http_only = http_only


@dataclass(frozen=True)
class CookieType:
    """``CookieType``: every cookie of this kind lives on the realm's path (``CookiePath.REALM``);
    ``max_age`` None is a browser-session cookie (``CookieMaxAge.SESSION``)."""

    name: str
    scope: Scope
    max_age: int | None = None


AUTH_SESSION_ID = CookieType(sso.AUTH_COOKIE, Scope.FEDERATION)
IDENTITY = CookieType(sso.IDENTITY_COOKIE, Scope.FEDERATION)  # max-age given by each login
SESSION = CookieType(sso.SESSION_COOKIE, Scope.FEDERATION_JS)  # the login-status iframe's script reads it
LOCALE = CookieType(locale.COOKIE, Scope.FEDERATION)
LOGIN_HINT = CookieType(remember_me.COOKIE, Scope.FEDERATION, remember_me.MAX_AGE)
# Doorkeep's own: the logout confirmation's CSRF token. Keycloak keeps that code in the logout's
# authentication session, named by AUTH_SESSION_ID, so it gets AUTH_SESSION_ID's scope: the confirmation
# page is reached by a redirect from the application, whose site may differ.
LOGOUT_CSRF = CookieType("DOORKEEP_LOGOUT_CSRF", Scope.FEDERATION)


def secure_context(request: Request) -> bool:
    """Whether this request is answered in a secure context: HTTPS only (see the module's docstring)."""
    return base_url(request).startswith("https://")


def realm_path(request: Request, realm: Realm) -> str:
    """``CookiePath.REALM``: the realm's base path (under the frontend URL's path) with its trailing slash."""
    return browser_path(request, f"/realms/{realm.name}/")


def write(
    request: Request, response: Response, realm: Realm, kind: CookieType, value: str, max_age: int | None = None
) -> None:
    """``DefaultCookieProvider.set``: ``value`` for ``kind`` on the realm's path, for ``max_age`` seconds (or the
    type's default; neither is a browser-session cookie)."""
    secure = secure_context(request)
    same_site = kind.scope.same_site if secure or kind.scope.same_site != "None" else "Lax"
    cookie: SimpleCookie = SimpleCookie()
    cookie[kind.name] = value
    morsel = cookie[kind.name]
    morsel["path"] = realm_path(request, realm)
    age = kind.max_age if max_age is None else max_age
    if age is not None:
        morsel["max-age"] = age
    if secure:
        morsel["secure"] = True
    if kind.scope.http_only:
        morsel["httponly"] = True
    morsel["samesite"] = same_site
    response.raw_headers.append((b"set-cookie", morsel.OutputString().encode("latin-1")))


def expire(request: Request, response: Response, realm: Realm, *kinds: CookieType) -> None:
    """``DefaultCookieProvider.expire``: each of ``kinds`` the request carries, expired on the realm's path."""
    for kind in kinds:
        if kind.name not in request.cookies:
            continue
        cookie: SimpleCookie = SimpleCookie()
        cookie[kind.name] = ""
        morsel = cookie[kind.name]
        morsel["path"] = realm_path(request, realm)
        morsel["max-age"] = 0
        morsel["expires"] = _EXPIRED
        response.raw_headers.append((b"set-cookie", morsel.OutputString().encode("latin-1")))
