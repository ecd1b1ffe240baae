"""The ``KEYCLOAK_REMEMBER_ME`` cookie: the username of a remember-me login, to prefill the next login form.

Keycloak's AuthenticationManager sets it after every finished login whose user session is remember-me
(``createRememberMeCookie``: ``username:`` and the login username, URL-encoded as Java's URLEncoder does)
and expires it after any other; CookieType.LOGIN_HINT keeps it a year. ``getRememberMeUsername`` reads it
only while the realm has Remember Me on.
"""

from __future__ import annotations

from urllib.parse import quote_plus, unquote_plus

COOKIE = "KEYCLOAK_REMEMBER_ME"
MAX_AGE = 31_536_000  # CookieMaxAge.YEAR
_PREFIX = "username:"


def cookie_value(login_username: str) -> str:
    """``"username:" + URLEncoder.encode(username, UTF_8)``: Java leaves only ``A-Za-z0-9.-*_`` as is."""
    return _PREFIX + quote_plus(login_username, safe="*").replace("~", "%7E")


def remembered_username(value: str | None) -> str | None:
    """The username in a cookie value, or None when it is not ``username:<one part>`` (Keycloak splits on ':',
    and Java's ``split`` drops trailing empty parts)."""
    parts = (value or "").split(":")
    while parts and not parts[-1]:
        parts.pop()
    if len(parts) != 2 or parts[0] != "username":
        return None
    return unquote_plus(parts[1])
