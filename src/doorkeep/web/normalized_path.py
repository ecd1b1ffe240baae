"""Requests whose path is not normalized are refused (Keycloak's RejectNonNormalizedPathFilter).

Keycloak (Quarkus) installs the filter on its main router, ahead of CORS and every resource, unless
``--http-accept-non-normalized-paths=true``: a request path (as sent, before its query) that differs from
Vert.x's ``normalizedPath()`` answers 400 ``{"error":"missingNormalization","error_description":"Request path
not normalized"}`` with ``Content-Type: application/json; charset=UTF-8`` and nothing else, so a reverse proxy
that filters by path cannot be walked around with ``..``, ``%2e`` or ``//``. Since Keycloak 26.6 a path with a
``;`` (matrix parameters, which JAX-RS dropped from matching) is refused the same way ("Rejecting URL paths with
semicolons" in the upgrading notes). The management port has its own router and no such filter.

Vert.x's normalization (``RFC3986.normalizePath``): the percent-encodings of unreserved characters (RFC 3986
§2.3: ALPHA, DIGIT, ``-``, ``.``, ``_``, ``~``) are decoded, whatever the case of their hex digits; every other
percent-encoding stays as sent (``%2F`` and ``%2f`` are left alone, so an encoded slash is *not* refused);
then RFC 3986 §5.2.4's remove_dot_segments runs, with one addition of Vert.x's: ``//`` becomes ``/``.
"""

from __future__ import annotations

import json
from urllib.parse import unquote

from starlette.types import Scope, Send

ERROR = "missingNormalization"
DESCRIPTION = "Request path not normalized"
BODY = json.dumps({"error": ERROR, "error_description": DESCRIPTION}, separators=(",", ":")).encode()
HEADERS = [(b"content-type", b"application/json; charset=UTF-8"), (b"content-length", str(len(BODY)).encode())]

_PERCENT, _DOT, _SEMICOLON, _QUERY = b"%"[0], b"."[0], b";"[0], b"?"[0]
_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_HEX = frozenset(b"0123456789ABCDEFabcdef")


def refused(raw_path: bytes) -> bool:
    """Whether Keycloak refuses a request with this path (as sent, without its query): it has a ``;`` or it
    is not its own normalization. A path that is not origin-form (``*``, an absolute URI) is left to routing."""
    # The hot path (the token endpoint's): nothing to decode, no dot, no semicolon, no double slash. Byte values
    # and find(): CPython's ``bytes in bytes`` costs several times as much per test.
    if _PERCENT not in raw_path and _DOT not in raw_path and _SEMICOLON not in raw_path and raw_path.find(b"//") < 0:
        return False
    if not raw_path.startswith(b"/"):
        return False
    if b";" in raw_path:
        return True
    return normalize(raw_path) != raw_path


def normalize(raw_path: bytes) -> bytes:
    """Vert.x's ``normalizePath`` of an origin-form path."""
    return remove_dot_segments(_decode_unreserved(raw_path))


def _decode_unreserved(path: bytes) -> bytes:
    """``%XX`` of an unreserved character decoded, every other escape kept as sent. A malformed one (``%zz``,
    a ``%`` at the end) is kept too: Vert.x throws there, and Doorkeep goes on normalizing, so that a path with
    a malformed escape is refused for its dot segments or double slashes and otherwise left to routing."""
    if b"%" not in path:
        return path
    out = bytearray()
    i, size = 0, len(path)
    while i < size:
        byte = path[i]
        i += 1
        if byte == 0x25 and i + 1 < size and path[i] in _HEX and path[i + 1] in _HEX:  # '%' and two hex digits
            value = int(path[i : i + 2], 16)
            if value in _UNRESERVED:
                out.append(value)
            else:
                out += path[i - 1 : i + 2]
            i += 2
        else:
            out.append(byte)
    return bytes(out)


def remove_dot_segments(path: bytes) -> bytes:
    """RFC 3986 §5.2.4's remove_dot_segments as Vert.x's ``RFC3986.removeDotSegments`` runs it, ``//`` → ``/``
    (linear: the input is read in place, never sliced per step)."""
    out = bytearray()
    i = 0
    while i < len(path):
        left = len(path) - i
        if path.startswith(b"./", i):
            i += 2
        elif path.startswith(b"../", i):
            i += 3
        elif path.startswith(b"/./", i):
            i += 2
        elif left == 2 and path.startswith(b"/.", i):
            path, i = b"/", 0
        elif path.startswith(b"/../", i):
            i += 3
            del out[max(out.rfind(b"/"), 0) :]
        elif left == 3 and path.startswith(b"/..", i):
            path, i = b"/", 0
            del out[max(out.rfind(b"/"), 0) :]
        elif (left == 1 and path[i] == 0x2E) or (left == 2 and path.startswith(b"..", i)):
            break
        else:
            if path[i] == 0x2F:  # '/'
                i += 1
                if not out or out[-1] != 0x2F:  # Vert.x's addition: // → /
                    out.append(0x2F)
            slash = path.find(b"/", i)
            if slash == -1:
                out += path[i:]
                break
            out += path[i:slash]
            i = slash
    return bytes(out)


async def refuse(send: Send) -> None:
    """Keycloak's answer: 400, the JSON error and its content type, no other header."""
    await send({"type": "http.response.start", "status": 400, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})


def raw_path(scope: Scope) -> bytes:
    """The path as the client sent it (uvicorn's ``raw_path``; ``path`` re-encoded when a server gives none)."""
    raw = scope.get("raw_path")
    if isinstance(raw, bytes):  # uvicorn's has no query; httpx's ASGI transport (the tests') puts it there
        return raw if _QUERY not in raw else raw[: raw.index(b"?")]
    path: str = scope["path"]
    return path.encode()


async def guard(scope: Scope, send: Send, prefix: str = "") -> bool:
    """Refuse ``scope``'s request if Keycloak would; True when it was answered here. Under an
    ``--http-relative-path`` ``prefix`` the filter sits on the application's router, which Quarkus mounts at the
    prefix and matches on the normalized path: a request whose normalized path leaves the prefix never reaches
    the filter and is the outer router's 404 (left to ``relative_path``)."""
    if scope["type"] != "http":
        return False
    raw = raw_path(scope)
    if not refused(raw):
        return False
    if prefix:
        inside = normalize(raw)
        encoded = prefix.encode("latin-1")
        if inside != encoded and not inside.startswith(encoded + b"/"):
            return False
    await refuse(send)
    return True


def accepted(scope: Scope) -> Scope:
    """With ``--http-accept-non-normalized-paths``: ``scope`` routed on its normalized path, each segment's matrix
    parameters (``;…``) dropped, as Keycloak then routes it (Vert.x matches ``normalizedPath()``, JAX-RS ignores
    matrix parameters: HttpDistTest.allowNonNormalizedURLs answers 200 for ``/realms/xxx/../master`` and
    ``/realms/master;xxx``)."""
    if scope["type"] != "http":
        return scope
    raw = raw_path(scope)
    if not refused(raw):
        return scope
    path = b"/".join(segment.split(b";", 1)[0] for segment in normalize(raw).split(b"/"))
    return {**scope, "path": unquote(path.decode("latin-1"), encoding="utf-8", errors="replace"), "raw_path": path}
