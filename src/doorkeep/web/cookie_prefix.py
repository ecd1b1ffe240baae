"""A configured prefix on every cookie name (Keycloak's ``--spi-cookie--default--cookie-prefix``).

Keycloak's DefaultCookieProvider then sets, reads and expires each cookie under the prefixed name
(``KC26_AUTH_SESSION_ID``, ``KC26_KEYCLOAK_IDENTITY`` ...), with no exception and no fallback: an unprefixed
cookie the browser still holds is not read (CookiePrefixTest). Two servers on one host keep apart that way, as
during a blue-green migration. Here the one seam is this ASGI middleware: a request's ``Cookie`` header keeps only
the prefixed cookies, their names without the prefix, and a response's ``Set-Cookie`` names get the prefix; the
handlers and ``web/cookies.py`` never see it. Without a prefix it is not installed.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# What a cookie name may not hold: RFC 6265 §4.1.1's token (no controls, spaces or separators). Keycloak refuses
# only ; , = " \ besides controls and spaces; the other separators are refused here too, so that the prefix can
# also go into the login-status iframe's script as it is.
_REFUSED = frozenset('()<>@,;:\\"/[]?={}')


def prefix_problem(prefix: str) -> str | None:
    """Why ``prefix`` cannot start a cookie name, or None when it can."""
    bad = [c for c in prefix if ord(c) <= 0x20 or ord(c) >= 0x7F or c in _REFUSED]
    if bad:
        return f"the cookie prefix '{prefix}' holds a character a cookie name cannot hold: {bad[0]!r}"
    return None


SESSION_LOOKUP = "'KEYCLOAK_SESSION')"  # how login_status_iframe.html's script names the cookie it reads


def iframe_script(page: str, prefix: str) -> str:
    """The login-status iframe's page reading the prefixed KEYCLOAK_SESSION (document.cookie holds that name)."""
    return page.replace(SESSION_LOOKUP, json.dumps(prefix + "KEYCLOAK_SESSION") + ")") if prefix else page


def unprefixed(header: bytes, prefix: bytes) -> bytes:
    """The ``Cookie`` header's prefixed cookies, in their order, named without the prefix; the others dropped."""
    kept = []
    for pair in header.split(b";"):
        pair = pair.strip()
        if pair.startswith(prefix) and len(pair) > len(prefix) and not pair.startswith(b"=", len(prefix)):
            kept.append(pair[len(prefix) :])
    return b"; ".join(kept)


class CookiePrefix:
    """Adds ``prefix`` to the cookies the app sets, and takes it off (or drops the cookie) in what it reads."""

    def __init__(self, app: ASGIApp, prefix: str) -> None:
        self.app = app
        self.prefix = prefix.encode("ascii")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = [
            (name, unprefixed(value, self.prefix) if name == b"cookie" else value) for name, value in scope["headers"]
        ]
        headers = [(name, value) for name, value in headers if name != b"cookie" or value]

        async def prefixed(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    (name, self.prefix + value if name.lower() == b"set-cookie" else value)
                    for name, value in message.get("headers", [])
                ]
            await send(message)

        await self.app({**scope, "headers": headers}, receive, prefixed)
