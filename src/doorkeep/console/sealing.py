"""Sealed values for console cookies: compressed, encrypted and authenticated (Fernet: AES-128-CBC +
HMAC-SHA256), with a time-to-live.

The key is derived (HKDF-SHA256) from the realm's HMAC signing keys and a purpose label, so every
worker and node derives the same key from the database with no new secret to distribute, a realm key
rotation retires old cookies, and a cookie sealed for one purpose (a console session, the PKCE
verifier of a sign-in, a flash message) cannot be replayed as another.
"""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import Sequence
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def _fernet(secret: bytes, purpose: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"doorkeep-console", info=purpose.encode()).derive(secret)
    return Fernet(base64.urlsafe_b64encode(key))


class Sealer:
    """Seal and open JSON values for one purpose; the first secret seals, every secret opens."""

    def __init__(self, secrets: Sequence[bytes], purpose: str) -> None:
        if not secrets:
            raise ValueError("a sealer needs at least one secret")
        self._fernet = MultiFernet([_fernet(s, purpose) for s in secrets])

    def seal(self, value: Any, now: int) -> str:
        data = zlib.compress(json.dumps(value, separators=(",", ":")).encode(), 9)
        return self._fernet.encrypt_at_time(data, now).decode()

    def open(self, sealed: str | None, ttl: int, now: int) -> Any | None:
        """The value, or None when missing, forged, sealed with an unknown key or older than ``ttl``."""
        if not sealed:
            return None
        try:
            data = self._fernet.decrypt_at_time(sealed.encode(), ttl, now)
            return json.loads(zlib.decompress(data))
        except (InvalidToken, ValueError, zlib.error):
            return None
