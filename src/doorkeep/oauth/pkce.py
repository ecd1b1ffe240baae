"""Proof Key for Code Exchange (RFC 7636) with Keycloak's error strings (KEYCLOAK.md §2.2)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from doorkeep.errors import invalid_grant

VERIFIER = re.compile(r"^[0-9a-zA-Z\-._~]{43,128}$")
METHODS = ("plain", "S256")


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()


def verify(challenge: str | None, method: str | None, verifier: str | None, client_method: str | None) -> None:
    """Check the code verifier against the challenge saved with the code; raise invalid_grant."""
    if not challenge:
        if client_method:
            if not verifier:
                raise invalid_grant("PKCE code verifier not specified")
            raise invalid_grant("PKCE code verifier specified but challenge not present in authorization")
        if verifier:
            raise invalid_grant("PKCE code verifier specified but challenge not present in authorization")
        return
    if not verifier:
        raise invalid_grant("PKCE code verifier not specified")
    if not VERIFIER.match(verifier):
        raise invalid_grant("PKCE verification failed: Invalid code verifier")
    method = method or "plain"
    if method == "S256":
        computed = s256(verifier)
    elif method == "plain":
        computed = verifier
    else:
        raise invalid_grant("PKCE verification failed: Unsupported algorithm specified")
    if not hmac.compare_digest(computed, challenge):
        raise invalid_grant("PKCE verification failed: Code mismatch")
