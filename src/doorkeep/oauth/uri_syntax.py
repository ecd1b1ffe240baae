"""A strict URI parser (RFC 3986) for redirect URIs and client URLs.

Keycloak parses a requested redirect URI with ``java.net.URI.create`` and refuses what does not
parse. This parser is at least as strict, and stricter where browsers and URI parsers disagree:
spaces, control and invisible characters, backslashes, ``<>"^`{|}``, bad percent-encoding, a
second ``#``, several ``@``, an invalid host or port, and ``http(s)`` without a host (``http:evil``,
``http:///evil``, which browsers send to ``evil``) are all refused.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from dataclasses import dataclass

SPECIAL = frozenset({"http", "https"})
DEFAULT_PORTS = {"http": "80", "https": "443"}
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_BAD_ASCII = frozenset('"<>\\^`{|}')
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_LABEL = r"[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?"
_HOST = re.compile(rf"{_LABEL}(?:\.{_LABEL})*\.?")
_USERINFO = re.compile(r"[A-Za-z0-9\-._~%!$&'()*+,;=:]*")


@dataclass(frozen=True)
class Uri:
    """A parsed URI; ``scheme`` and ``host`` are lower-cased, everything else is kept raw."""

    raw: str
    scheme: str | None
    authority: str | None  # None without "//"
    userinfo: str | None
    host: str | None
    port: str | None
    path: str
    query: str | None
    fragment: str | None

    @property
    def absolute(self) -> bool:
        return self.scheme is not None

    def normalised(self, *, drop_port: bool = False) -> str:
        """The URI with its scheme and authority lower-cased and a default (or empty) port left out (as
        browsers do for the host and port), for comparison."""
        out = f"{self.scheme}:" if self.scheme else ""
        if self.authority is not None:
            out += "//"
            if self.userinfo is not None:
                out += self.userinfo.lower() + "@"  # registered patterns are lower-cased up to the path
            out += self.host or ""
            if self.port and not drop_port and DEFAULT_PORTS.get(self.scheme or "") != self.port:
                out += ":" + self.port
        out += self.path
        if self.query is not None:
            out += "?" + self.query
        if self.fragment is not None:
            out += "#" + self.fragment
        return out


def _chars_ok(text: str) -> bool:
    for char in text:
        code = ord(char)
        if code <= 0x20 or code == 0x7F or char in _BAD_ASCII:
            return False
        if code > 0x7F and unicodedata.category(char)[0] in "CZ":  # invisible, bidi, line separators
            return False
    return _BAD_PERCENT.search(text) is None


def _host(text: str) -> str | None:
    """The lower-cased host, or None when it is not a DNS name, an IPv4 address or an IPv6 literal."""
    if text.startswith("["):
        if not text.endswith("]"):
            return None
        try:
            ipaddress.IPv6Address(text[1:-1])  # refuses zone ids and IPvFuture
        except ValueError:
            return None
        return text.lower()
    if not text.isascii():
        return None
    lowered = text.lower()
    return lowered if _HOST.fullmatch(lowered) else None


def _authority(text: str) -> tuple[str | None, str, str | None] | None:
    """(userinfo, host, port) of an authority, or None when it is invalid."""
    userinfo: str | None = None
    if "@" in text:
        userinfo, _, text = text.rpartition("@")
        if not _USERINFO.fullmatch(userinfo):
            return None
    port: str | None = None
    closing = text.rfind("]")
    colon = text.rfind(":")
    if colon > closing:
        text, port = text[:colon], text[colon + 1 :]
        if not port.isascii() or not (port == "" or (port.isdecimal() and int(port) <= 65535)):
            return None
    if text == "":
        return userinfo, "", port
    host = _host(text)
    return None if host is None else (userinfo, host, port)


def parse(raw: str) -> Uri | None:
    """The parsed URI, or None when ``raw`` is not a valid URI reference."""
    if not raw or not _chars_ok(raw):
        return None
    rest, hash_, fragment = raw.partition("#")
    if "#" in fragment:
        return None
    match = _SCHEME.match(rest)
    scheme = match.group(1).lower() if match else None
    if match:
        rest = rest[match.end() :]
    rest, question, query = rest.partition("?")
    authority = userinfo = host = port = None
    if rest.startswith("//"):
        end = next((i for i, c in enumerate(rest) if c == "/" and i >= 2), len(rest))
        authority, rest = rest[2:end], rest[end:]
        parts = _authority(authority)
        if parts is None or scheme is None:  # a network-path reference ("//evil") is refused
            return None
        userinfo, host, port = parts
    if "[" in rest or "]" in rest or "[" in query or "]" in query or "[" in fragment or "]" in fragment:
        return None
    if scheme in SPECIAL and not host:
        return None  # "http:evil", "http:/evil", "http:///evil" all reach "evil" in a browser
    if scheme is None and not rest.startswith("/"):
        return None
    return Uri(
        raw=raw,
        scheme=scheme,
        authority=authority,
        userinfo=userinfo,
        host=host,
        port=port,
        path=rest,
        query=query if question else None,
        fragment=fragment if hash_ else None,
    )
