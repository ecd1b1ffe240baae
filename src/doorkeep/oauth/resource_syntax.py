"""Which ``resource`` values are well formed (RFC 8707 §2), as Keycloak's ResourceIndicatorValidation decides.

Keycloak parses the value with ``java.net.URI`` (RFC 2396 with IPv6 literals) and then asks: a ``urn:`` (any case)
must match its URN pattern; anything else must be absolute, hierarchical (``getPath() != null``: an opaque
``https:host`` is refused) and carry neither a query nor a fragment, not even an empty one. What ``java.net.URI``
refuses (a space, ``<>"{}|\\^```, a bad ``%`` escape, ``https://`` with nothing after it) is refused too.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata

# ResourceIndicatorValidation.URN_REGEX (Keycloak 26.6-26.8), CASE_INSENSITIVE over ASCII only
URN = re.compile(r"urn:[a-z0-9][a-z0-9-]{0,31}:(?:[a-z0-9()+,\-.:=@;$_!*']|%[0-9a-f]{2})+", re.IGNORECASE | re.ASCII)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+\-.]*")
_ALPHANUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_UNRESERVED = frozenset(_ALPHANUM + "-_.!~*'()")  # java.net.URI's L_UNRESERVED: alphanum and mark
_PATH = _UNRESERVED | frozenset(":@&=+$,;/")  # L_PATH: pchar and ";/"
_REG_NAME = _UNRESERVED | frozenset("$,;:@&=+")  # L_REG_NAME (a registry-based authority)
_SERVER = re.compile(r"(?:(?P<userinfo>[^@\[\]]*)@)?\[(?P<ipv6>[^\]]*)\](?::[0-9]*)?")


def valid(resource: str) -> bool:
    """ResourceIndicatorValidation.isValidResourceIndicator for a value that is there."""
    colon = _first_of(resource, ":/?#")
    if not 0 < colon < len(resource) or resource[colon] != ":":
        return False  # no scheme: a relative reference, or java.net.URI's "Expected scheme name"
    scheme, rest = resource[:colon], resource[colon + 1 :]
    if scheme.lower() == "urn":
        return URN.fullmatch(resource) is not None
    if not _SCHEME.fullmatch(scheme) or "?" in rest or "#" in rest or not rest.startswith("/"):
        return False  # a bad scheme, a query or fragment, or an opaque URI (getPath() == null)
    if not rest.startswith("//"):
        return _legal(rest, _PATH)
    end = _first_of(rest, "/", 2)
    authority, path = rest[2:end], rest[end:]
    if not authority and not path:
        return False  # "Expected authority"
    return _authority(authority) and _legal(path, _PATH)


def _first_of(text: str, stops: str, start: int = 0) -> int:
    """The index of the first of ``stops`` in ``text`` from ``start``, or its length."""
    return next((i for i in range(start, len(text)) if text[i] in stops), len(text))


def _authority(text: str) -> bool:
    """A server-based authority, or else a registry-based one, as java.net.URI's parseAuthority falls back."""
    if "[" not in text and "]" not in text:
        return _legal(text, _REG_NAME)
    found = _SERVER.fullmatch(text)
    if found is None or not _legal(found.group("userinfo") or "", _REG_NAME):
        return False
    try:
        ipaddress.IPv6Address(found.group("ipv6"))
    except ValueError:
        return False
    return True


def _legal(text: str, allowed: frozenset[str]) -> bool:
    """Every character allowed, a ``%`` followed by two hex digits, or a visible character beyond US-ASCII
    (java.net.URI's "other" characters: neither a space separator nor an ISO control character)."""
    i = 0
    while i < len(text):
        char = text[i]
        if char == "%":
            if not all(c in "0123456789abcdefABCDEF" for c in text[i + 1 : i + 3]) or len(text) < i + 3:
                return False
            i += 3
            continue
        if char not in allowed and not _other(char):
            return False
        i += 1
    return True


def _other(char: str) -> bool:
    code = ord(char)
    return code > 128 and not 0x7F <= code <= 0x9F and unicodedata.category(char) not in ("Zs", "Zl", "Zp")
