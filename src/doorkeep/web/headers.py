"""Security headers, in one place: every HTML page gets the page headers, every HTTPS answer HSTS.

The page headers are Keycloak's defaults for its themed pages (no framing by other origins,
no MIME sniffing, no referrer, no caching). The front-channel logout page lets its logout URLs' hosts
into frames (``frame_src_policy``). The form_post page adds a strict CSP of its own:
no resource loads, only its one known script, and form submission only to the redirect URI's
origin (so a hostile redirect URI cannot turn it into a script or a form to elsewhere).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from doorkeep.console.pages import FORM_POST_SCRIPT
from doorkeep.web.http import base_url

PAGE_HEADERS = {
    "Cache-Control": "no-store, must-revalidate, max-age=0",
    "X-Frame-Options": "SAMEORIGIN",
    "Content-Security-Policy": "frame-src 'self'; frame-ancestors 'self'; object-src 'none';",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Robots-Tag": "none",
}
# Pages other origins must be able to frame (keycloak-js loads them in an iframe): Keycloak's
# allowAnyFrameAncestor drops X-Frame-Options and the CSP's frame-ancestors directive for them.
FRAMEABLE_HEADERS = {
    **{name: value for name, value in PAGE_HEADERS.items() if name != "X-Frame-Options"},
    "Content-Security-Policy": "frame-src 'self'; object-src 'none';",
}
FRAMEABLE = ("/login-status-iframe.html", "/3p-cookies/step1.html", "/3p-cookies/step2.html")
HSTS = "max-age=31536000; includeSubDomains"
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


class SecurityHeaders:
    """ASGI middleware: the page headers on HTML answers (without overriding a page's own), HSTS on HTTPS."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = base_url(Request(scope)).startswith("https://")
        frameable = str(scope.get("path", "")).endswith(FRAMEABLE)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if headers.get("content-type", "").startswith("text/html"):
                    for name, value in (FRAMEABLE_HEADERS if frameable else PAGE_HEADERS).items():
                        headers.setdefault(name, value)
                if https:
                    headers.setdefault("Strict-Transport-Security", HSTS)
            await send(message)

        await self.app(scope, receive, send_with_headers)
