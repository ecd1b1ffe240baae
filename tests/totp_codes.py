"""One-time passwords as an authenticator app computes them (RFC 4226 HOTP, RFC 6238 TOTP), for tests that
read a secret off the CONFIGURE_TOTP page: the secret Keycloak shows is base32 of the key's bytes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time


def hotp(key: bytes, counter: int, digits: int = 6) -> str:
    """RFC 4226 §5.3: HMAC-SHA1 of the counter, dynamically truncated."""
    mac = hmac.new(key, counter.to_bytes(8, "big"), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return str((int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF) % 10**digits).zfill(digits)


def totp(key: bytes, now: float | None = None, period: int = 30, digits: int = 6) -> str:
    """RFC 6238 §4: HOTP of the number of whole periods since the epoch (now, unless given)."""
    return hotp(key, int((time.time() if now is None else now) // period), digits)


def key_from_shown(shown: str) -> bytes:
    """The key behind the secret as the page shows it: base32 in groups of four (TotpUtils.encode)."""
    return base64.b32decode(shown.replace(" ", "").upper())
