"""Security headers, in one place, as Keycloak's DefaultSecurityHeadersProvider adds them: a JSON or XML answer
the REST set, an HTML page all of the realm's browser security headers (realms/browser_headers.py) and no caching,
anything else the generic set; Strict-Transport-Security with each, over HTTP too (a browser obeys it only
over HTTPS, RFC 6797 §8.1). The realm is the one the request's transaction read (web/http.py ``finish``); without
one, Keycloak's defaults. The front-channel logout page lets its logout URLs' hosts
into frames (``frame_src_policy``). The form_post page adds a strict CSP of its own:
no resource loads, only its one known script, and form submission only to the redirect URI's
origin (so a hostile redirect URI cannot turn it into a script or a form to elsewhere).

Every answer also carries ``X-Request-ID``, a random UUID made for the request (Keycloak's RequestIdHeaderFilter,
as the new-framework RequestIdIntegrationTest pins it); a client's own ``X-Request-ID`` is never echoed, so no
request can choose what this header says.
"""

from __future__ import annotations

import base64
import hashlib
import re
import uuid
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from doorkeep.console.pages import FORM_POST_SCRIPT
from doorkeep.realms import browser_headers
from doorkeep.web import content_type as request_content_type
from doorkeep.web.http import REALM_HEADERS

PAGE_HEADERS = {
    "Cache-Control": "no-store, must-revalidate, max-age=0",
    **dict(browser_headers.headers(browser_headers.HTML, {})),
}
# Pages other origins must be able to frame (keycloak-js loads them in an iframe): Keycloak's
# allowAnyFrameAncestor drops X-Frame-Options and, when it is the default one, the CSP's frame-ancestors directive.
FRAMEABLE_CSP = "frame-src 'self'; object-src 'none';"
FRAMEABLE = ("/login-status-iframe.html", "/3p-cookies/step1.html", "/3p-cookies/step2.html")
DEFAULT_CSP = browser_headers.DEFAULTS[browser_headers.CSP_KEY]
SCRIPT_HASH = "'sha256-" + base64.b64encode(hashlib.sha256(FORM_POST_SCRIPT.encode()).digest()).decode() + "'"
NEVER = {"javascript", "data", "vbscript", "blob", "filesystem"}
SAFE_SOURCE = re.compile(r"[a-z][a-z0-9+.\-]*:(//[a-z0-9.\-\[\]:]+)?")


def frame_src_policy(sources: Iterable[str]) -> str:
    """The page CSP with these sources allowed in frames, as Keycloak's SecurityHeadersOptions.allowFrameSrc
    makes it for the front-channel logout page: ContentSecurityPolicyBuilder.addFrameSrc appends the
    handler's "authority " list (its trailing space included) to frame-src; frame-ancestors stays."""
    added = "".join(f"{source} " for source in sources)
    return PAGE_HEADERS["Content-Security-Policy"].replace("frame-src 'self';", f"frame-src 'self' {added};", 1)


def form_action_source(redirect_uri: str) -> str:
    """The CSP source a form may post to: the redirect URI's origin (or its custom scheme), else 'none'."""
    try:
        parts = urlsplit(redirect_uri)
        scheme = parts.scheme.lower()
        if scheme in ("http", "https"):
            host = parts.netloc.rpartition("@")[2].lower()
            parts.port  # noqa: B018 - raises ValueError on a malformed port
            source = f"{scheme}://{host}" if host else ""
        else:
            source = f"{scheme}:" if scheme and scheme not in NEVER else ""
    except ValueError:
        return "'none'"
    return source if source and SAFE_SOURCE.fullmatch(source) else "'none'"


def form_post_headers(redirect_uri: str) -> dict[str, str]:
    """The form_post page's own headers; the page headers are added by the middleware below."""
    csp = (
        f"default-src 'none'; script-src {SCRIPT_HASH}; form-action {form_action_source(redirect_uri)}; "
        "frame-ancestors 'none'; base-uri 'none'"
    )
    return {
        "Cache-Control": "no-store, must-revalidate, max-age=0",
        "Content-Security-Policy": csp,
        "X-Frame-Options": "DENY",
    }


def _kind(content_type: str, scope: Scope) -> tuple[str, ...]:
    """DefaultSecurityHeadersProvider's choice: REST by the answer's type (the request's when it has none), HTML
    by the answer's type or a form request, else generic."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media in REST_TYPES:
        return browser_headers.REST
    if media == "text/html":
        return browser_headers.HTML
    requested = Headers(scope=scope).get("content-type", "").split(";", 1)[0].strip().lower()
    if not media and requested in REST_TYPES:
        return browser_headers.REST
    return browser_headers.HTML if requested == FORM else browser_headers.GENERIC


REST_TYPES = ("application/json", "application/xml")
REQUEST_ID = "X-Request-ID"
FORM = "application/x-www-form-urlencoded"


class SecurityHeaders:
    """ASGI middleware: the realm's security headers on every answer, without overriding a page's own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        frameable = str(scope.get("path", "")).endswith(FRAMEABLE)
        state = scope.setdefault("state", {})  # shared with the scopes below, which copy this one
        app = self.app
        if request_content_type.malformed(scope["headers"]):  # Keycloak's filter failed here on any endpoint
            app = request_content_type.refusal()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                content_type = headers.get("content-type", "")
                kind = _kind(content_type, scope)
                raw = headers.raw  # the message's own list: what is appended here is sent
                present = {key for key, _ in raw}  # one scan, not one per header as ``setdefault`` makes
                for name, value in browser_headers.headers(kind, state.get(REALM_HEADERS) or {}):
                    if frameable and name == "X-Frame-Options":
                        continue
                    if frameable and name == "Content-Security-Policy" and value == DEFAULT_CSP:
                        value = FRAMEABLE_CSP
                    _set_default(raw, present, name, value)
                if content_type.startswith("text/html"):
                    _set_default(raw, present, "Cache-Control", PAGE_HEADERS["Cache-Control"])
                _set_default(raw, present, REQUEST_ID, str(uuid.uuid4()))
            await send(message)

        await app(scope, receive, send_with_headers)


def _set_default(raw: list[tuple[bytes, bytes]], present: set[bytes], name: str, value: str) -> None:
    """``MutableHeaders.setdefault`` against a set of the names already there: a page's own header stays."""
    key = name.lower().encode("latin-1")
    if key not in present:
        present.add(key)
        raw.append((key, value.encode("latin-1")))
