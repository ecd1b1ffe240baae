"""Keycloak's hostname v2 (HostnameV2ProviderFactory / HostnameV2Provider) and ``--http-relative-path``.

Three kinds of URL, each worked out from the request's own base URL (scheme, host and port as the request or a
trusted proxy gave them, then the relative path):

* frontend (issuer, browser endpoints): ``--hostname`` as a full URL replaces the whole base, path included; a
  plain ``--hostname`` replaces only the host (scheme, port and path stay the request's); none: the request's base
  URL. Under ``--proxy-headers xforwarded`` a trusted proxy's ``X-Forwarded-Prefix`` comes before the relative
  path of the request's base URL (Quarkus's ``enable-forwarded-prefix``, keycloak#45699);
* backend (the discovery document's token, introspection, userinfo, certs, registration, PAR endpoints): the
  frontend URL, unless ``--hostname-backchannel-dynamic`` is on and the request did not come to the frontend's
  scheme, host and port, in which case the request's base URL;
* admin (the admin console's): ``--hostname-admin``, else the frontend URL.

A realm's ``frontendUrl`` attribute, when it is an http(s) URL, is the frontend URL of that realm's requests
(HostnameV2Provider.getRealmFrontUriBuilder), before ``--hostname``; the backend and admin URLs follow it where
they follow the frontend URL.

Every result drops a port that is the scheme's default (``:443`` for https, ``:80`` for http), as Keycloak does.
The start-time checks raise ``HostnameError`` with Keycloak's messages. Pure: no web framework here.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

INVALID_HOSTNAME = "Provided hostname is neither a plain hostname nor a valid URL"
INVALID_ADMIN = "Provided hostname-admin is not a valid URL"
ADMIN_NEEDS_URL = "hostname must be set to a URL when hostname-admin is set"
DYNAMIC_WITHOUT_HOSTNAME = "hostname-backchannel-dynamic must be set to false when no hostname is provided"
DYNAMIC_NEEDS_URL = "hostname-backchannel-dynamic must be set to false if hostname is not provided as full URL"
INVALID_REALM_URL = "The url [Realm frontendUrl] is malformed"
NOT_CONFIGURED = "hostname is not configured; either configure hostname, or set hostname-strict to false"
FRONTEND_URL = "frontendUrl"  # the realm attribute

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_HOSTNAME = re.compile(rf"(?:{_LABEL}\.)*[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.?")
_URI_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")
_DEFAULT_PORT = {"http": 80, "https": 443}


class HostnameError(ValueError):
    """A hostname option Keycloak refuses at start; the message is Keycloak's."""


@dataclass(frozen=True)
class Hostname:
    """The configured hostname options, checked; ``relative_path`` is ``""`` or ``/auth``-like."""

    host: str | None = None  # a plain --hostname: replaces the request's host only
    url: str | None = None  # --hostname as a full URL, without a trailing slash
    admin_url: str | None = None
    backchannel_dynamic: bool = False
    relative_path: str = ""

    def frontend(self, origin: str, realm_url: str | None = None, prefix: str = "") -> str:
        """The frontend base URL for a request whose own origin (``scheme://host[:port]``) is ``origin``; the
        request's realm's ``frontendUrl`` (``realm_url``, checked by ``realm_frontend``) comes before any option.
        ``prefix``: the path a trusted proxy put before the request's (``forwarded_prefix``), kept wherever the
        request's own path is (no --hostname, or a plain one)."""
        if realm_url is not None:
            return realm_url
        if self.url is not None:
            return self.url
        base = origin if self.host is None else _with_host(origin, self.host)
        return normalized(base) + prefix + self.relative_path

    def backend(self, origin: str, realm_url: str | None = None, prefix: str = "") -> str:
        """The backchannel base URL: the request's own when dynamic and the request did not reach the frontend."""
        frontend = self.frontend(origin, realm_url, prefix)
        if self.backchannel_dynamic and not _same_origin(frontend, origin):
            return normalized(origin) + prefix + self.relative_path
        return frontend

    def admin(self, origin: str, realm_url: str | None = None, prefix: str = "") -> str:
        """The admin console's base URL: --hostname-admin, else the frontend's."""
        return self.admin_url if self.admin_url is not None else self.frontend(origin, realm_url, prefix)


@functools.lru_cache(maxsize=64)
def realm_frontend(value: str) -> str | None:
    """A realm's ``frontendUrl`` attribute as a base URL (default port and trailing slash dropped), or None when it
    is blank or not an http(s) URL: HostnameV2Provider then falls back to the options, as if it were unset."""
    if not value.strip():
        return None
    try:
        return _url(value, INVALID_REALM_URL)
    except HostnameError:
        return None


def realm_url_of(attributes: Mapping[str, object]) -> str | None:
    """The base URL a realm's attributes set (its ``frontendUrl``, checked by ``realm_frontend``), or None."""
    value = attributes.get(FRONTEND_URL)
    return realm_frontend(str(value)) if value else None


# RFC 3986's pchar and "/" less ";" and ",": the prefix ends up in a cookie's Path attribute, where a ";" would
# start attributes of the sender's choosing (``Path=/``, ``Domain=``) and a "," splits a folded header.
_PREFIX_CHARS = re.compile(r"[A-Za-z0-9\-._~:/@!$&'()*+=%]*")


def forwarded_prefix(value: str | None) -> str:
    """``X-Forwarded-Prefix`` as Quarkus's ForwardedParser takes it (``enable-forwarded-prefix``, which Keycloak's
    ``--proxy-headers xforwarded`` turns on since keycloak#45699): one leading and one trailing slash dropped, the
    rest put before the request's path with a slash; empty: none. A value that is not a URL path (a query, a
    fragment, a space, a control character) is taken as none, and so is one with ``;`` or ``,`` (cookie
    attribute separators) or one that would start a path with ``//`` (a protocol-relative URL)."""
    if not value or not _PREFIX_CHARS.fullmatch(value):
        return ""
    stripped = value[1:] if value.startswith("/") else value
    stripped = stripped[:-1] if stripped.endswith("/") and len(value) > 1 else stripped
    if stripped.startswith("/"):
        return ""  # "//host…" before a server-absolute path would be a protocol-relative URL: another host's
    return f"/{stripped}" if stripped else ""


def relative_path(value: str | None) -> str:
    """``--http-relative-path`` as a prefix: ``/`` → ``""``, ``auth/`` → ``/auth``."""
    stripped = (value or "/").strip().strip("/")
    return f"/{stripped}" if stripped else ""


def configure(
    hostname: str | None,
    *,
    admin: str | None = None,
    backchannel_dynamic: bool = False,
    strict: bool = False,
    http_relative_path: str | None = None,
) -> Hostname:
    """The options checked in HostnameV2ProviderFactory.init's order; HostnameError names the first refusal."""
    hostname = hostname or None
    if strict and hostname is None:
        raise HostnameError(NOT_CONFIGURED)
    host = url = None
    if hostname is not None:
        if hostname.startswith(("http://", "https://")):
            url = _url(hostname, INVALID_HOSTNAME)
        else:
            host = _plain(hostname)
    admin_url = _url(admin, INVALID_ADMIN) if admin else None
    if admin_url is not None and url is None:
        raise HostnameError(ADMIN_NEEDS_URL)
    if backchannel_dynamic and hostname is None:
        raise HostnameError(DYNAMIC_WITHOUT_HOSTNAME)
    if backchannel_dynamic and url is None:
        raise HostnameError(DYNAMIC_NEEDS_URL)
    return Hostname(host, url, admin_url, backchannel_dynamic, relative_path(http_relative_path))


def _plain(hostname: str) -> str:
    """``URI.create("http://" + hostname).getHost()`` must give the hostname back: no port, path or odd byte."""
    if hostname.startswith("[") and hostname.endswith("]"):
        try:
            ipaddress.IPv6Address(hostname[1:-1])
        except ValueError:
            raise HostnameError(INVALID_HOSTNAME) from None
        return hostname
    if _HOSTNAME.fullmatch(hostname) or _ipv4(hostname):
        return hostname
    raise HostnameError(INVALID_HOSTNAME)


def _ipv4(text: str) -> bool:
    try:
        ipaddress.IPv4Address(text)
    except ValueError:
        return False
    return True


def _url(text: str, message: str) -> str:
    """validateAndCreateUri: an http(s) URL without user info, query or fragment; kept without a trailing slash."""
    if not _URI_CHARS.fullmatch(text):
        raise HostnameError(message)
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - a malformed port raises here
    except ValueError:
        raise HostnameError(message) from None
    if parts.scheme not in _DEFAULT_PORT or not parts.hostname or "@" in parts.netloc:
        raise HostnameError(message)
    if parts.query or parts.fragment or "?" in text or "#" in text:
        raise HostnameError(message)
    return normalized(f"{parts.scheme}://{parts.netloc}") + parts.path.rstrip("/")


def normalized(origin: str) -> str:
    """``scheme://host[:port]`` without the scheme's default port."""
    scheme, _, netloc = origin.partition("://")
    port = _port_of(netloc)
    if port is not None and port == f":{_DEFAULT_PORT.get(scheme.lower())}":
        netloc = netloc[: -len(port)]
    return f"{scheme}://{netloc}"


def _port_of(netloc: str) -> str | None:
    """``:8443`` of ``host:8443`` or ``[::1]:8443``; None without a port."""
    tail = netloc[netloc.rfind("]") + 1 :] if netloc.startswith("[") else netloc
    colon = tail.rfind(":")
    return tail[colon:] if colon >= 0 else None


def _with_host(origin: str, host: str) -> str:
    scheme, _, netloc = origin.partition("://")
    return f"{scheme}://{host}{_port_of(netloc) or ''}"


def _same_origin(base: str, origin: str) -> bool:
    """isFrontendRequest: the same scheme, host and (normalised) port."""
    a, b = urlsplit(base), urlsplit(normalized(origin))
    return (a.scheme, a.hostname, a.port) == (b.scheme, b.hostname, b.port)


# The debug page's frontend check (--hostname-debug; Keycloak's DebugHostnameSettingsResource.test).
ORIGIN_MISMATCH = (
    "Default origin check failing, request hostname does not match frontend hostname. Please check you proxy settings."
)
PROXY_NOT_TRUSTED = " Note the proxy is not trusted."
NO_PROXY_HEADERS = " No proxy headers are set on the request."
NOT_SECURE = (
    " Non-secure context detected - Keycloak will not function properly when accessed over http at a non-localhost "
    "host."
)


def frontend_check(request_origin: str, frontend: str, *, proxy_trusted: bool, proxy_headers_sent: bool) -> str:
    """What the debug page's frontend test says of a request that came to ``request_origin`` while the frontend
    base URL is ``frontend``: "OK", or why browsers will fail (another origin, plain http off localhost)."""
    text = "OK"
    if not _same_origin(frontend, request_origin):
        text = ORIGIN_MISMATCH
        if not proxy_trusted:
            text += PROXY_NOT_TRUSTED
        if not proxy_headers_sent:
            text += NO_PROXY_HEADERS
    scheme = urlsplit(request_origin).scheme
    if scheme != "https" and not secure_context(frontend):
        text += NOT_SECURE
    return text


def secure_context(url: str) -> bool:
    """SecureContextResolver.isSecureContext: https, or a host browsers trust over http (localhost, loopback)."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return True
    host = (parts.hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
