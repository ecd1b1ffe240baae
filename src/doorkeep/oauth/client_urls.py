"""Client URL validation, as Keycloak's ``DefaultClientValidationProvider.validateUrls`` does it.

Used on admin create and update and on realm import. Each URL must parse (``uri_syntax``); the
``javascript:``, ``data:`` and ``vbscript:`` schemes are illegal (Keycloak checks the first two,
case-sensitively; here any case), but a logo may be a ``data:`` image (Keycloak's ``checkUriLogo``
refuses only ``javascript:``); root and redirect URIs must not carry a fragment; root, base, admin,
backchannel logout, policy and terms-of-service URLs must be absolute URLs of a scheme Java can open.
Relative URLs resolve as Keycloak's ``ResolveRelative`` does, against a placeholder server URL. A
redirect URI or logo may be a relative-path reference (``invalid``, ``logo.png``): ``java.net.URI``
parses it and Keycloak stores it; such a redirect pattern never matches at run time
(``redirect_uris.verify``). The admin URL and the post-logout redirect URIs are checked although
Keycloak 26 does not check them (Doorkeep's hardening). A backchannel logout URL may hold balanced curly
brackets (``http://{application.session.host}:1234/logout``): Keycloak's ``checkUri`` percent-encodes them
before parsing and calls unbalanced ones invalid (``checkCurlyBracketsBalanced``, issue #30023); here a bracket
stands for a host-label character while the URL is checked. A client must not use both ``jwks_uri`` and
``jwks_string`` (``validateJwks``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from doorkeep.model import Client
from doorkeep.oauth.redirect_uris import NEVER, NO_POST_LOGOUT, POST_LOGOUT, SAME_AS_REDIRECTS
from doorkeep.oauth.uri_syntax import Uri, parse
from doorkeep.sessions.ended import BACKCHANNEL_URL

AUTH_SERVER = "https://localhost/auth"  # Keycloak validates relative URLs against this fake server URL
URL_SCHEMES = frozenset({"http", "https", "ftp", "file", "jar", "mailto"})  # what java.net.URL opens
SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
USE_JWKS_URL = "use.jwks.url"
USE_JWKS_STRING = "use.jwks.string"
BOTH_JWKS = "Illegal to use both jwks_uri and jwks_string"


@dataclass(frozen=True)
class Field:
    """One client field's Keycloak messages."""

    name: str
    invalid: str
    scheme: str
    fragment: str | None = None
    illegal: frozenset[str] = NEVER  # the schemes refused
    templated: bool = False  # balanced curly brackets allowed (a parameterised URL)


ROOT_URL = Field(
    "rootUrl",
    "Root URL is not a valid URL",
    "Root URL uses an illegal scheme",
    "Root URL must not contain an URL fragment",
)
BASE_URL = Field("baseUrl", "Base URL is not a valid URL", "Base URL uses an illegal scheme")
ADMIN_URL = Field("adminUrl", "Admin URL is not a valid URL", "Admin URL uses an illegal scheme")
REDIRECT_URIS = Field(
    "redirectUris",
    "A redirect URI is not a valid URI",
    "A redirect URI uses an illegal scheme",
    "Redirect URIs must not contain an URI fragment",
)
BACKCHANNEL_LOGOUT_URL = Field(
    f"attributes.{BACKCHANNEL_URL}",
    "Backchannel logout URL is not a valid URL",
    "Backchannel logout URL uses an illegal scheme",
    templated=True,
)
LOGO_URI = Field(
    "attributes.logoUri",
    "Logo URL is not a valid URL",
    "Logo URL uses an illegal scheme",
    illegal=NEVER - {"data"},  # an inline image is a fine logo
)
POLICY_URI = Field("attributes.policyUri", "Policy URL is not a valid URL", "Policy URL uses an illegal scheme")
TOS_URI = Field(
    "attributes.tosUri", "Terms of service URL is not a valid URL", "Terms of service URL uses an illegal scheme"
)
POST_LOGOUT_URIS = Field(
    f"attributes.{POST_LOGOUT}",
    "A post logout redirect URI is not a valid URI",
    "A post logout redirect URI uses an illegal scheme",
)


@dataclass(frozen=True)
class UrlError:
    place: str  # "rootUrl", "redirectUris[2]", "attributes.post.logout.redirect.uris[0]"
    message: str


def _resolve_root(root: str | None) -> str | None:
    if not root:
        return root
    return root.replace("${authBaseUrl}", AUTH_SERVER).replace("${authAdminUrl}", AUTH_SERVER)


def _relative(url: str | None, root: str | None) -> str | None:
    if url is None or not url.startswith("/"):
        return url
    return (root or AUTH_SERVER) + url


def _parse(url: str, relative_path: bool) -> Uri | None:
    """``url`` parsed; with ``relative_path``, a relative-path reference (no scheme, no leading ``/``) is
    parsed as if it were an absolute path, since ``java.net.URI`` accepts it."""
    uri = parse(url)
    if uri is None and relative_path and not url.startswith("/") and not SCHEME.match(url):
        return parse("/" + url)
    return uri


def check(
    field: Field, url: str | None, *, place: str | None = None, must_be_url: bool, relative_path: bool = False
) -> Iterator[UrlError]:
    """The problems of one URL (nothing for a missing or empty one)."""
    if not url:
        return
    where = place or field.name
    if field.templated:
        if not brackets_balanced(url):
            yield UrlError(where, field.invalid)
            return
        url = url.replace("{", "_").replace("}", "_")  # Keycloak parses them as %7B / %7D
    uri = _parse(url, relative_path)
    if uri is None:
        yield UrlError(where, field.invalid)
        return
    bad = False
    if uri.scheme in field.illegal:
        bad = True
        yield UrlError(where, field.scheme)
    if field.fragment and uri.fragment is not None:
        bad = True
        yield UrlError(where, field.fragment)
    if must_be_url and not bad and uri.scheme not in URL_SCHEMES:
        yield UrlError(where, field.invalid)


def brackets_balanced(url: str) -> bool:
    """Keycloak's checkCurlyBracketsBalanced: no ``}`` before its ``{``, and every ``{`` closed."""
    depth = 0
    for char in url:
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return False
            depth -= 1
    return depth == 0


def _pattern(url: str) -> str:
    """A redirect pattern as a URL: the trailing wildcard (``*``, ``/*``, ``:*``) is not part of the syntax."""
    return url[:-1] if url.endswith("*") else url


def url_errors(client: Client) -> list[UrlError]:
    """Every invalid URL of the client, in Keycloak's order (root, base, redirect URIs), then the admin URL,
    the backchannel logout URL, post-logout redirect URIs, the logo, policy and terms-of-service URLs, and
    the ``jwks_uri``/``jwks_string`` conflict."""
    root = _resolve_root(client.root_url)
    found = [
        *check(ROOT_URL, root, must_be_url=True),
        *check(BASE_URL, _relative(_resolve_root(client.base_url), AUTH_SERVER), must_be_url=True),
    ]
    for i, uri in enumerate(client.redirect_uris):
        if uri == SAME_AS_REDIRECTS:  # meaningless here, and skipped at run time
            continue
        pattern = _relative(_pattern(uri), root)
        found += check(REDIRECT_URIS, pattern, place=f"redirectUris[{i}]", must_be_url=False, relative_path=True)
    found += check(ADMIN_URL, _relative(_resolve_root(client.admin_url), root), must_be_url=True)
    found += check(
        BACKCHANNEL_LOGOUT_URL, _relative(_resolve_root(client.attr(BACKCHANNEL_URL)), root), must_be_url=True
    )
    listed = client.attr(POST_LOGOUT).split("##")
    for i, uri in enumerate(p for p in listed if p):
        if uri not in (SAME_AS_REDIRECTS, NO_POST_LOGOUT):  # markers, not URIs
            found += check(
                POST_LOGOUT_URIS,
                _relative(_pattern(uri), root),
                place=f"{POST_LOGOUT_URIS.name}[{i}]",
                must_be_url=False,
            )
    found += check(LOGO_URI, client.attr("logoUri"), must_be_url=False, relative_path=True)
    found += check(POLICY_URI, client.attr("policyUri"), must_be_url=True)
    found += check(TOS_URI, client.attr("tosUri"), must_be_url=True)
    if client.attr(USE_JWKS_URL).lower() == "true" and client.attr(USE_JWKS_STRING).lower() == "true":
        found.append(UrlError(f"attributes.{USE_JWKS_URL}", BOTH_JWKS))  # Keycloak's Boolean.parseBoolean
    return found


def message(errors: list[UrlError]) -> str:
    """Keycloak's error description: the distinct messages joined by ``; ``."""
    return "; ".join(dict.fromkeys(e.message for e in errors))
