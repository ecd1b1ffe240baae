"""A request's ``Host`` must be an authority (``host[:port]``), as Keycloak's HTTP layer requires.

RFC 9112 §3.2: a server MUST answer 400 to an HTTP/1.1 request without a ``Host``, and to any request with more
than one ``Host`` line or an invalid one. Keycloak's Vert.x router does (vertx-web's RoutingContextImpl fails an
HTTP/1.x request whose ``authority()`` is null, vert-x3/vertx-web#2612; ``HostAndPortImpl.parseAuthority`` is null for
anything but RFC 3986's ``host [":" port]``), before any handler runs. Without it the request's own host builds the
issuer and every link (no --hostname, or a plain --hostname that keeps the request's port): ``Host: x:@evil.example``
under ``--hostname id.example`` made them ``http://id.example:@evil.example/…``, a host browsers read as
``evil.example`` (an e-mailed reset link then sends its token there). A forwarded host or scheme a trusted proxy
passes on is held to the same grammar by ``forwarded_authority``, ``forwarded_scheme`` and ``forwarded_port``; one
that fails is ignored. An empty ``Host`` (RFC 9112 allows one) stays the server's own address. The port is Vert.x's
(``parsePort``): any number of digits whose value is at most 65535, none at all allowed; ``canonical`` writes it as
``java.net.URI`` gives it back to Keycloak's URL building (``h:`` without a port, ``h:0080`` as ``h:80``).

``proxied_origin`` is Quarkus's ForwardedParser (quarkus-vertx-http), which Keycloak runs for a trusted proxy: a
forwarded scheme (``X-Forwarded-Proto``, or ``X-Forwarded-Ssl: on`` for https, under ``xforwarded``) drops the
request's port, a forwarded host brings its own port or none, ``X-Forwarded-Port``
(``xforwarded`` only) then replaces the port, and the scheme's default port (80, 443) is dropped.
"""

from __future__ import annotations

import re

from starlette.types import Scope, Send

# RFC 3986 §3.2.2 host (IP-literal, IPv4address or reg-name: unreserved, pct-encoded, sub-delims) and §3.2.3 port.
_AUTHORITY = re.compile(
    r"(?:\[(?:[0-9A-Fa-f:.]+|[vV][0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+)\]"
    r"|(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*)"
    r"(?::(?P<port>[0-9]*))?"
)
_MAX_PORT = 65535
_DIGITS = re.compile(r"[0-9]+")
OWS = " \t"  # RFC 9110 §5.5: whitespace around a field value is not part of it (Vert.x trims it)
BODY = b"Bad Request"
HEADERS = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(BODY)).encode())]


def authority(value: str) -> bool:
    """Whether ``value`` is an RFC 3986 authority without userinfo: ``host[:port]``."""
    match = _AUTHORITY.fullmatch(value)
    return match is not None and (not match["port"] or _port_number(match["port"]) is not None)


def _port_number(digits: str) -> int | None:
    """The value of a port's decimal digits when at most 65535 (HostAndPortImpl.parsePort, Integer.parseInt):
    leading zeros read, and never ``int()`` of 5000 digits; None for anything else."""
    significant = digits.lstrip("0")
    if not _DIGITS.fullmatch(digits) or len(significant) > len(str(_MAX_PORT)):
        return None
    number = int(significant or "0")
    return number if number <= _MAX_PORT else None


def canonical(value: str) -> str:
    """An ``authority`` as the URL Keycloak builds from it has it: an empty port left out, a port as a number."""
    match = _AUTHORITY.fullmatch(value)
    if match is None or match["port"] is None:
        return value
    host, number = value[: match.start("port") - 1], _port_number(match["port"])
    return host if number is None else f"{host}:{number}"


def refused(scope: Scope) -> bool:
    """Whether this request's ``Host`` lines break RFC 9112 §3.2 (missing on HTTP/1.1, repeated, malformed)."""
    hosts = [value for key, value in scope["headers"] if key == b"host"]
    if not hosts:
        return scope.get("http_version") == "1.1"
    return len(hosts) > 1 or not authority(hosts[0].decode("latin-1").strip(OWS))


async def guard(scope: Scope, send: Send) -> bool:
    """Answer 400 to an HTTP request ``refused`` names; True when it was answered."""
    if scope["type"] != "http" or not refused(scope):
        return False
    await send({"type": "http.response.start", "status": 400, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})
    return True


def forwarded_authority(value: str) -> str | None:
    """A trusted proxy's forwarded host, or None when it is no ``host[:port]`` (then the request's own counts)."""
    value = value.strip().strip('"')
    return canonical(value) if value and authority(value) else None


def forwarded_scheme(value: str) -> str | None:
    """A trusted proxy's forwarded scheme, ``http`` or ``https``; None for anything else."""
    value = value.strip().strip('"').lower()
    return value if value in ("http", "https") else None


def forwarded_ssl(value: str | None) -> str | None:
    """``https`` when a trusted proxy sends ``X-Forwarded-Ssl: on`` (any case), else None. Quarkus's
    ForwardedParser.processXForwarded reads it after ``X-Forwarded-Proto`` and lets it win: ``on`` makes the
    scheme https (and drops the request's port) whatever the proto said; any other value changes nothing."""
    return "https" if value is not None and value.strip(OWS).lower() == "on" else None


def forwarded_port(value: str) -> int | None:
    """A trusted proxy's forwarded port as ForwardedParser.parsePort reads it (Integer.parseInt: a leading ``+``
    allowed too), 0 to 65535; None for anything else."""
    value = value.strip().strip('"')
    return _port_number(value.removeprefix("+"))


def _host_and_port(value: str, current: int | None) -> tuple[str, int | None]:
    """ForwardedParser.setHostAndPort: ``host[:port]`` split at the last ``:`` after any ``]``; an empty or bad port
    keeps ``current`` (parsePort's default), no port at all is none."""
    colon = value.rfind(":")
    if colon > value.rfind("]"):
        given = forwarded_port(value[colon + 1 :])
        return value[:colon], current if given is None else given
    return value, None


def proxied_origin(scheme: str, host: str, *, proto: str | None, forwarded_host: str | None, port: str | None) -> str:
    """``scheme://host[:port]`` as ForwardedParser.calculate makes it from the request's scheme and ``Host`` and
    the proxy's (grammar-checked) scheme and host and raw port; a None was not sent or did not pass."""
    name, number = _host_and_port(host, None)
    if proto is not None:
        scheme, number = proto, None
    if forwarded_host is not None:
        name, number = _host_and_port(forwarded_host, number)
    given = forwarded_port(port) if port is not None else None
    if given is not None:
        number = given
    if (scheme, number) in (("http", 80), ("https", 443)):
        number = None
    return f"{scheme}://{name}" + (f":{number}" if number is not None else "")
