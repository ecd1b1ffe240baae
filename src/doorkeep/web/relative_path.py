"""``--http-relative-path``: every endpoint served under a prefix (``/auth``, Keycloak's layout before 17).

The app's routes stay written without it: ``within`` takes the prefix off a request's ``path`` and ``raw_path``
before anything else sees them (the token route, the middleware, the router), and the URLs Doorkeep emits put it
back through the base URL (``web.http.base_url``) and ``prefixed``. A request outside the prefix is a 404, except
a GET of ``/``, which Keycloak 26 redirects to the relative path.
"""

from __future__ import annotations

from starlette.types import Receive, Scope, Send

from doorkeep import json_bytes

NO_METHOD = {
    "error": "Unable to find matching target resource method",
    "error_description": "For more on this error consult the server log at the debug level.",
}


def within(scope: Scope, prefix: str) -> Scope | None:
    """``scope`` with ``prefix`` taken off its path, or None when the path is outside the prefix."""
    path: str = scope["path"]
    if path != prefix and not path.startswith(prefix + "/"):
        return None
    raw = scope.get("raw_path")
    inner = dict(scope, path=path[len(prefix) :] or "/")
    if isinstance(raw, bytes):
        encoded = prefix.encode("latin-1")
        inner["raw_path"] = (raw[len(encoded) :] or b"/") if raw.startswith(encoded) else inner["path"].encode()
    return inner


async def outside(scope: Scope, receive: Receive, send: Send, prefix: str) -> None:
    """The answer to a request outside the prefix: ``/`` redirects into it, anything else is not found."""
    if scope["type"] != "http":
        return
    if scope["path"] == "/" and scope["method"] in ("GET", "HEAD"):
        # Keycloak's redirect names the relative path as configured, without a slash added (ManagementDistTest)
        status, headers, body = 302, [(b"location", prefix.encode("latin-1"))], b""
    else:
        status, headers, body = 404, [(b"content-type", b"application/json")], json_bytes.dumps(NO_METHOD)
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def prefixed(prefix: str, path: str) -> str:
    """A server-absolute path (``/resources/…``, ``/realms/x/``) as the browser must ask for it."""
    return prefix + path
