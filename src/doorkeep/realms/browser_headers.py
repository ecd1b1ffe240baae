"""A realm's browser security headers (RealmModel.getBrowserSecurityHeaders, Keycloak 25+): which headers an
answer carries and their values, as DefaultSecurityHeadersProvider adds them.

A realm keeps the map its representation gave (``browserSecurityHeaders``); a key it lacks has Keycloak's default,
and a key whose value is empty sends no header. Which headers an answer gets depends on what it is: a JSON or XML
answer (or, without a body, one to a JSON request) the REST set, an HTML page (or an answer to a form POST) all of
them, anything else the generic set.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

CSP_KEY = "contentSecurityPolicy"
DEFAULTS: dict[str, str] = {
    "contentSecurityPolicyReportOnly": "",
    "xContentTypeOptions": "nosniff",
    "referrerPolicy": "no-referrer",
    "xRobotsTag": "none",
    "xFrameOptions": "SAMEORIGIN",
    CSP_KEY: "frame-src 'self'; frame-ancestors 'self'; object-src 'none';",
    "strictTransportSecurity": "max-age=31536000; includeSubDomains",
}
NAMES: dict[str, str] = {
    "xFrameOptions": "X-Frame-Options",
    CSP_KEY: "Content-Security-Policy",
    "contentSecurityPolicyReportOnly": "Content-Security-Policy-Report-Only",
    "xContentTypeOptions": "X-Content-Type-Options",
    "xRobotsTag": "X-Robots-Tag",
    "strictTransportSecurity": "Strict-Transport-Security",
    "referrerPolicy": "Referrer-Policy",
}
REST = ("strictTransportSecurity", "xFrameOptions", "xContentTypeOptions", "referrerPolicy", "xRobotsTag")
GENERIC = ("strictTransportSecurity", "xContentTypeOptions", "referrerPolicy", "xRobotsTag")
HTML = tuple(NAMES)


def valid_value(value: str) -> bool:
    """One line of visible ASCII a header can carry: no control character (CR and LF above all) but tab, and
    nothing the server could not encode."""
    return all(ch == "\t" or " " <= ch <= "~" for ch in value)


def realm_values(stored: Mapping[str, str]) -> dict[str, str]:
    """The realm representation's ``browserSecurityHeaders``: the defaults, then what the realm keeps."""
    return {**DEFAULTS, **stored}


def headers(kind: tuple[str, ...], stored: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """The (header, value) pairs an answer of ``kind`` (REST, GENERIC or HTML) gets in a realm keeping ``stored``."""
    return _headers(kind, tuple(sorted(stored.items())) if stored else ())


@functools.lru_cache(maxsize=64)
def _headers(kind: tuple[str, ...], stored: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    values = {**DEFAULTS, **dict(stored)}
    # A value stored before it was checked, or written into the database by hand, is never sent.
    return tuple((NAMES[key], values[key]) for key in kind if values.get(key) and valid_value(values[key]))
