"""Redirect URI validation: Keycloak 26's ``RedirectUtils.verifyRedirectUri``, the one rule for every redirect.

It serves ``redirect_uri`` at the authorization endpoint (and so the code exchange, which compares
against what was accepted there) and ``post_logout_redirect_uri`` at logout. In Keycloak's order:

* the requested URI must parse (``uri_syntax``); ``javascript:``, ``data:`` and ``vbscript:`` are never
  honoured, whatever is registered; a requested ``redirect_uri`` must not already carry a response
  parameter (``code``, ``state``, ``iss``, ``error``, …) in its query or fragment, as Keycloak 26.4.14+
  refuses, nor, since 26.7.3, a ``post_logout_redirect_uri``; the server option
  ``allow-oidc-params-in-redirect-uris`` or the client attribute ``allow.oidc.params.in.redirect.uris``
  (``allow_params``, oauth/provider_config.py) lifts that check, and logout then replaces a ``state`` there;
* relative registered URIs (``/path``) are resolved against the client's root URL (or the server's); a
  registered relative-path reference (``invalid``, ``app*``: no scheme, no leading ``/``), which the
  admin API stores as Keycloak does, matches nothing (Keycloak would let ``h*`` match ``https://…``);
* a registered ``*`` matches any URI; a trailing ``*`` (on a pattern without ``?`` or ``#``) is a prefix
  match on what precedes the query (or, without a query, the fragment), and also matches the prefix
  without its trailing ``/``. A ``*`` ending the authority is a port wildcard (``http://localhost:*``, which
  needs an explicit port) or a whole-authority one (``custom://*``); any other (``https://app*``) is read
  as ``https://app/*``, so it never matches another host (``https://app.evil.example``, ``https://apps``).
  Prefix wildcards are off when the requested URI has userinfo
  (``http://localhost:@evil``) or a ``..`` segment in any spelling a server decoding once reads as one
  (``/../``, ``%2e%2E``, ``%252e``, ``%2f..%2f``, ``\\..\\``, ``/..%09/``, a trailing ``/..``), so a prefix
  cannot be escaped; otherwise the URI must equal a registered one;
* a match is accepted for ``http``/``https``; another scheme only when the matched pattern starts with
  that exact scheme (``myapp:*`` allows ``myapp://cb``; ``*`` does not);
* an ``http`` loopback URI (``localhost``, ``127.0.0.1``, ``[::1]``) that matches nothing is tried again
  without its port (RFC 8252 §7.3: native apps pick the port at run time).

Schemes and hosts compare case-insensitively and default ports are left out (browsers do both);
paths compare exactly. A fragment is allowed, as in Keycloak (RFC 6749 §3.1.2 says it MUST NOT be
there, but Keycloak accepts it): it is split off before the host and path are read, so it cannot change
what is matched; it only has to match a pattern that is not a prefix wildcard. The response parameters
then go before it (query) or after it (fragment), as ``OIDCRedirectUriBuilder`` puts them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import unquote, unquote_plus, urlencode, urlsplit

from doorkeep.model import Client
from doorkeep.oauth.uri_syntax import DEFAULT_PORTS, SPECIAL, Uri, parse

NEVER = frozenset({"javascript", "data", "vbscript"})
LOOPBACK = frozenset({"localhost", "127.0.0.1", "[::1]"})
SAME_AS_REDIRECTS = "+"
NO_POST_LOGOUT = "-"  # post.logout.redirect.uris "-": none allowed (not even the redirect URIs)
INSTALLED_APP_URN = "urn:ietf:wg:oauth:2.0:oob"  # Constants.INSTALLED_APP_URN
POST_LOGOUT = "post.logout.redirect.uris"
# Keycloak's UNSAFE_PATH_PATTERN (";" and the encoded tab, line ends and NUL end a segment too: servers
# strip or split on them, issue #48978); a doubly encoded dot is found by decoding again.
_DOT_SEGMENT = re.compile(r"(^|/|%2f|%5c|\\)(%2e|\.){2}(/|%2f|%5c|\\|;|%3b|%09|%0a|%0d|%00|$)", re.IGNORECASE)
# RedirectUtils.FORBIDDEN_OIDC_PARAMS: response parameters a requested redirect URI may not already carry
# in its query or fragment (HTTP parameter pollution, issues #49430, #51286), compared decoded and
# case-insensitively; the client would see two of them.
FORBIDDEN_PARAMS = frozenset(
    {
        "code",
        "id_token",
        "access_token",
        "token_type",
        "expires_in",
        "state",
        "iss",
        "error",
        "error_description",
        "session_state",
        "response",
        "kc_action",
        "kc_action_status",
    }
)
_SCHEME_PREFIX = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*:)(//[^/?#]*)?")


def _resolve(pattern: str, root_url: str | None, base_url: str, admin_base: str | None = None) -> str:
    """A relative pattern against the root URL; ``${authAdminUrl}`` is the admin console's URL (--hostname-admin,
    ``admin_base``), ``${authBaseUrl}`` the server's; without a root URL the server's origin, its path (the
    --http-relative-path, --hostname's path) left out (RedirectUtils.relativeToAbsoluteURI:
    ``UriUtils.getOrigin(getBaseUri())``)."""
    if pattern.startswith("/"):
        root = root_url or server_origin(base_url)
        root = root.replace("${authBaseUrl}", base_url).replace("${authAdminUrl}", admin_base or base_url)
        return root.rstrip("/") + pattern
    return pattern


def server_origin(url: str) -> str:
    """``scheme://host[:port]`` of the server's base URL (UriUtils.getOrigin), which a path without a root URL joins
    (RedirectUtils.relativeToAbsoluteURI; ResolveRelative: ``replacePath``)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else url


def _usable(pattern: str) -> bool:
    """Whether a registered pattern can match at all: ``*``, an absolute path or a URI with a scheme."""
    return pattern == "*" or pattern.startswith("/") or _SCHEME_PREFIX.match(pattern) is not None


def _lower_prefix(pattern: str) -> str:
    """A registered pattern with its scheme and authority lower-cased and a default port left out."""
    match = _SCHEME_PREFIX.match(pattern)
    if not match:
        return pattern
    head = pattern[: match.end()].lower()
    default = DEFAULT_PORTS.get(match.group(1)[:-1].lower())
    if match.group(2) and default and (head.endswith(":" + default) or head.endswith(":")):
        head = head[: head.rindex(":")]
    return head + pattern[match.end() :]


def has_dot_segment(path: str) -> bool:
    """Whether a raw path holds a ``..`` segment, plain, percent-encoded or encoded twice (Keycloak's
    ``%252E``). A dot encoded three times or more is left alone, as Keycloak does (#48978: a server decodes
    once, so ``%25252E`` reaches it as ``%252E``, no dot)."""
    for _ in range(2):
        if _DOT_SEGMENT.search(path):
            return True
        decoded = unquote(path)
        if decoded == path:
            return False
        path = decoded
    return False


def wildcards_allowed(uri: Uri) -> bool:
    """Keycloak's areWildcardsAllowed: no userinfo and no dot-segment in the path."""
    return uri.userinfo is None and not has_dot_segment(uri.path)


def wildcard_prefix(pattern: str) -> str | None:
    """What a registered trailing ``*`` lets a URI start with (RedirectUtils.checkValidRedirectWildcard), or None
    when the pattern is no wildcard. A ``*`` ending the authority is a wildcard on the port (``host:*``) or on
    the whole authority (``scheme://*``) only; any other (``https://app*``) stands after the authority, as
    ``https://app/*`` does, so it cannot stretch the host name (``https://app.evil.example``)."""
    if not pattern.endswith("*") or "?" in pattern or "#" in pattern:
        return None
    match = _SCHEME_PREFIX.match(pattern)
    if match and match.group(2) is not None and match.end() == len(pattern):
        authority = match.group(2)[2:]
        if authority != "*" and not authority.endswith(":*"):
            return pattern[:-1] + "/"
    return pattern[:-1]


def _matches(pattern: str, target: str, wildcards: bool) -> bool:
    if pattern == "*":
        return True
    prefix = wildcard_prefix(pattern) if wildcards else None
    if prefix is not None:
        cut = target.find("?")
        cut = target.find("#") if cut < 0 else cut
        cut = len(target) if cut < 0 else cut
        stem = target[:cut]
        if stem.startswith(prefix):
            return True
        return len(prefix) > 1 and prefix.endswith("/") and prefix[:-1] == stem
    return pattern == target


def _accepted(uri: Uri, target: str, patterns: list[str]) -> bool:
    wildcards = wildcards_allowed(uri)
    for pattern in patterns:
        if not _matches(pattern, target, wildcards):
            continue
        if uri.scheme is None or uri.scheme in SPECIAL or pattern.lower().startswith(uri.scheme + ":"):
            return True
    return False


def _param_names(part: str | None) -> set[str]:
    """The decoded, lower-cased parameter names of a query or fragment (``UriUtils.decodeQueryString``)."""
    if not part:
        return set()
    return {unquote_plus(p.partition("=")[0], errors="replace").lower() for p in part.split("&")}


def _forbidden(uri: Uri, forbidden: frozenset[str]) -> bool:
    """RedirectUtils.containsForbiddenOidcParameters: such a parameter in the query (of a hierarchical
    URI, as java.net.URI reads one) or in the fragment."""
    hierarchical = uri.scheme is None or uri.authority is not None or uri.path.startswith("/")
    names = _param_names(uri.query if hierarchical else None) | _param_names(uri.fragment)
    return not names.isdisjoint(forbidden)


def verify(
    requested: str,
    patterns: Iterable[str],
    root_url: str | None,
    base_url: str,
    forbidden: frozenset[str] = FORBIDDEN_PARAMS,
    admin_base: str | None = None,
) -> str | None:
    """The URI to redirect to (``requested``, made absolute if relative), or None when it is not allowed."""
    uri = parse(requested)
    if uri is None or uri.scheme in NEVER or _forbidden(uri, forbidden):
        return None
    usable = [p for p in patterns if p and p != SAME_AS_REDIRECTS and _usable(p)]
    resolved = [_lower_prefix(_resolve(p, root_url, base_url, admin_base)) for p in usable]
    ok = _accepted(uri, uri.normalised(), resolved)
    if not ok and uri.scheme == "http" and uri.host in LOOPBACK and uri.port is not None:
        ok = _accepted(uri, uri.normalised(drop_port=True), resolved)
    if not ok:
        return None
    return requested if uri.absolute else _resolve(requested, root_url, base_url, admin_base)


def registered(client: Client, base_url: str, admin_base: str | None = None) -> list[str]:
    return [
        _resolve(p, client.root_url, base_url, admin_base) for p in client.redirect_uris if p and p != SAME_AS_REDIRECTS
    ]


def resolve(
    requested: str | None,
    client: Client,
    base_url: str,
    *,
    required: bool = False,
    admin_base: str | None = None,
    allow_params: bool = False,
) -> str | None:
    """The authorization endpoint's ``redirect_uri``, or None when it is not allowed.

    Without a requested URI (allowed only when not ``required``: Keycloak requires it for OpenID
    requests) the client must have exactly one registered URI; as in Keycloak, a ``/*`` and what
    follows is cut off. The result must itself be a URI this validator accepts. ``allow_params``: the requested URI
    may carry response parameters (AuthorizationEndpointChecker's ``isAllowOidcParamsInRedirectUris``).
    """
    if requested:
        forbidden = frozenset() if allow_params else FORBIDDEN_PARAMS
        return verify(requested, client.redirect_uris, client.root_url, base_url, forbidden, admin_base)
    candidates = registered(client, base_url, admin_base)
    if required or len(candidates) != 1:
        return None
    only = candidates[0].split("/*", 1)[0]
    if "*" in only:
        return None
    return verify(only, [only], None, base_url, frozenset())  # registered: no forbidden-parameter check


def installed_app(redirect_uri: str, base_url: str, realm_name: str) -> str:
    """The URI to send the response to: for the installed-app URN, once verified, the realm's page that shows
    the code (RedirectUtils.verifyRedirectUri: ``Urls.realmInstalledAppUrnCallback``); any other unchanged."""
    if redirect_uri != INSTALLED_APP_URN:
        return redirect_uri
    return f"{base_url}/realms/{realm_name}/protocol/openid-connect/oauth/oob"


def matches(uri: str, client: Client, base_url: str) -> bool:
    """Whether ``uri`` is allowed as one of the client's redirect URIs."""
    return verify(uri, client.redirect_uris, client.root_url, base_url) is not None


def post_logout_patterns(client: Client) -> list[str]:
    """``post.logout.redirect.uris`` (``##``-separated; ``+`` = the redirect URIs; unset = the redirect URIs;
    ``-`` = none, as OIDCAdvancedConfigWrapper.getPostLogoutRedirectUris reads it)."""
    listed = [p for p in client.attr(POST_LOGOUT).split("##") if p]
    if listed[:1] == [NO_POST_LOGOUT]:
        return []
    if not listed or SAME_AS_REDIRECTS in listed:
        return [*client.redirect_uris, *(p for p in listed if p != SAME_AS_REDIRECTS)]
    return listed


def post_logout(
    requested: str, client: Client, base_url: str, admin_base: str | None = None, *, allow_params: bool = False
) -> str | None:
    """The ``post_logout_redirect_uri`` to redirect to, or None when it is not allowed: one carrying a response
    parameter is refused (Keycloak 26.7.3) unless ``allow_params``; then logout's ``state`` replaces any there
    (``with_state``, Keycloak #51712)."""
    forbidden = frozenset() if allow_params else FORBIDDEN_PARAMS
    return verify(requested, post_logout_patterns(client), client.root_url, base_url, forbidden, admin_base)


def with_params(target: str, params: dict[str, str], *, in_fragment: bool = False) -> str:
    """``target`` with response parameters added where Keycloak adds them.

    In the query (``OIDCRedirectUriBuilder``'s query mode, logout's ``state``) they follow the URI's own
    query and precede its fragment, which is kept; in the fragment (fragment mode) they follow the
    URI's own fragment after a ``&``.
    """
    base, hash_, fragment = target.partition("#")
    encoded = urlencode(params)
    if in_fragment:
        return f"{base}#{fragment}&{encoded}" if hash_ else f"{base}#{encoded}"
    return base + ("&" if "?" in base else "?") + encoded + hash_ + fragment


def with_state(target: str, state: str) -> str:
    """``target`` with logout's ``state`` in its query, replacing every ``state`` already there
    (LogoutUtil.getRedirectUriWithAttachedState: removeQueryParamByDecodedName, then queryParam)."""
    base, hash_, fragment = target.partition("#")
    path, _, query = base.partition("?")
    kept = [p for p in query.split("&") if p and unquote_plus(p.partition("=")[0], errors="replace") != "state"]
    return with_params(path + ("?" + "&".join(kept) if kept else "") + hash_ + fragment, {"state": state})
