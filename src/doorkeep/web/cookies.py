"""Realm cookies as Keycloak 26 writes them: the one place that sets and expires a cookie on a realm's path.

Each cookie has a type (Keycloak's ``org.keycloak.cookie.CookieType``): its name, its scope and its default
lifetime. The scope (``CookieScope``) gives SameSite and HttpOnly:

- ``FEDERATION``: SameSite=None, HttpOnly. It must reach Keycloak after a redirect from an application on
  another site, including a POST (``form_post``, SAML) and an iframe: ``AUTH_SESSION_ID``,
  ``KEYCLOAK_IDENTITY``, ``KEYCLOAK_LOCALE``, ``KEYCLOAK_REMEMBER_ME``, ``KC_RESTART``.
- ``FEDERATION_JS``: the same without HttpOnly: ``KEYCLOAK_SESSION``, read by the login-status iframe.
- ``INTERNAL``: SameSite=Strict, HttpOnly, for requests made from Keycloak's own pages only.

``DefaultCookieProvider.set`` writes Secure in a secure context only, and outside one downgrades
SameSite=None to Lax (browsers refuse SameSite=None without Secure). ``expire`` answers only for a cookie
the request carries, with its path and ``Max-Age=0`` and no other attribute.

Cookies an older Keycloak left in the browser go in the same answers: the ``*_LEGACY`` ones Keycloak 24 wrote
(DefaultCookieProvider.expireOldUnusedCookies), and an AUTH_SESSION_ID on the realm's path without its trailing
slash, where Keycloak before KEYCLOAK-5270 put it. While it lives the browser sends both AUTH_SESSION_IDs (the
right one first); each value is tried, and one whose signature fails counts as none (web/login_pages.py).

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
from urllib.parse import quote

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
RESTART = CookieType("KC_RESTART", Scope.FEDERATION)  # CookieType.AUTH_RESTART (oauth/restart_cookie.py)
LOGIN_HINT = CookieType(remember_me.COOKIE, Scope.FEDERATION, remember_me.MAX_AGE)
# Doorkeep's own: the logout confirmation's CSRF token. Keycloak keeps that code in the logout's
# authentication session, named by AUTH_SESSION_ID, so it gets AUTH_SESSION_ID's scope: the confirmation
# page is reached by a redirect from the application, whose site may differ.
LOGOUT_CSRF = CookieType("DOORKEEP_LOGOUT_CSRF", Scope.FEDERATION)
# CookieType.OLD_UNUSED_COOKIES: the SameSite-less twins Keycloak 24 and earlier wrote next to these.
LEGACY = ("AUTH_SESSION_ID_LEGACY", "KEYCLOAK_IDENTITY_LEGACY", "KEYCLOAK_SESSION_LEGACY")


def secure_context(request: Request) -> bool:
    """Whether this request is answered in a secure context: HTTPS only (see the module's docstring)."""
    return base_url(request).startswith("https://")


# What a URI builder leaves as it is in a path (RFC 3986 §3.3: a segment's sub-delimiters, ':' and '@', and '/'
# between segments); '%' too, so that a path already encoded (a frontend URL's) is not encoded twice.
PATH_SAFE = "/%!$&'()*+,;=:@"


def raw_path(path: str) -> str:
    """A cookie's ``Path`` as the URL's raw path: percent-encoded, the way a browser compares it with the path it
    asks for (RFC 6265 §5.1.4), and printable ASCII only, so a realm's name never ends or bends the header."""
    return quote(path, safe=PATH_SAFE)


def realm_path(request: Request, realm: Realm) -> str:
    """``CookiePath.REALM``: the realm's base path (under the frontend URL's path) with its trailing slash, raw as
    Keycloak's CookiePathResolver takes it (``realmBaseUrl(...).build(name).getRawPath()``)."""
    return raw_path(browser_path(request, f"/realms/{realm.name}/"))


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
    _expire_old(request, response, realm)


def expire(request: Request, response: Response, realm: Realm, *kinds: CookieType) -> None:
    """``DefaultCookieProvider.expire``: each of ``kinds`` the request carries, expired on the realm's path."""
    for kind in kinds:
        if kind.name in request.cookies:
            expire_at(response, kind.name, realm_path(request, realm))
    _expire_old(request, response, realm)


def values(request: Request, name: str) -> list[str]:
    """Every value the request's cookies give ``name``, in the order sent (RFC 6265 §5.4: the most specific
    path first); ``request.cookies`` keeps only the last."""
    found = []
    for header in request.headers.getlist("cookie"):
        for pair in header.split(";"):
            key, sep, value = pair.partition("=")
            if sep and key.strip() == name:
                value = value.strip()
                found.append(value[1:-1] if len(value) > 1 and value[0] == value[-1] == '"' else value)
    return found


def _expire_old(request: Request, response: Response, realm: Realm) -> None:
    """Cookies of older Keycloak versions, expired in the answer that sets or expires the realm's cookies:
    the ``*_LEGACY`` cookies (CookieType.OLD_UNUSED_COOKIES) on the realm's path, and, when more than one
    AUTH_SESSION_ID arrives, the one on the realm's path without its trailing slash
    (AuthenticationManager.expireOldAuthSessionCookie, CookiesPathTest)."""
    path = realm_path(request, realm)
    for name in LEGACY:
        if name in request.cookies:
            expire_at(response, name, path)
    if len(values(request, AUTH_SESSION_ID.name)) > 1:
        expire_at(response, AUTH_SESSION_ID.name, path.rstrip("/"))


def expire_at(response: Response, name: str, path: str) -> None:
    """``name`` expired on ``path``: an empty value, ``Max-Age=0`` (and the past date), nothing else; once."""
    cookie: SimpleCookie = SimpleCookie()
    cookie[name] = ""
    morsel = cookie[name]
    morsel["path"] = path
    morsel["max-age"] = 0
    morsel["expires"] = _EXPIRED
    header = (b"set-cookie", morsel.OutputString().encode("latin-1"))
    if header not in response.raw_headers:
        response.raw_headers.append(header)
