"""Proof Key for Code Exchange (RFC 7636) with Keycloak's error strings (KEYCLOAK.md §2.2)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from doorkeep import errors as e

VERIFIER = re.compile(r"[0-9a-zA-Z\-._~]{43,128}")  # whole string (Java matches()), no trailing newline
METHODS = ("plain", "S256")


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()


def verify(challenge: str | None, method: str | None, verifier: str | None, client_method: str | None) -> None:
    """Check the code verifier against the challenge saved with the code; raise invalid_grant."""
    if not challenge:
        if client_method:
            if not verifier:
                raise e.InvalidGrant(e.PKCE_VERIFIER_MISSING, event_error="code_verifier_missing")
            raise e.InvalidGrant(e.PKCE_NO_CHALLENGE, event_error="invalid_code_verifier")
        if verifier:
            raise e.InvalidGrant(e.PKCE_NO_CHALLENGE, event_error="invalid_code_verifier")
        return
    if not verifier:
        raise e.InvalidGrant(e.PKCE_VERIFIER_MISSING, event_error="code_verifier_missing")
    if not VERIFIER.fullmatch(verifier):
        raise e.InvalidGrant(e.PKCE_INVALID_VERIFIER, event_error="invalid_code_verifier")
    method = method or "plain"
    if method == "S256":
        computed = s256(verifier)
    elif method == "plain":
        computed = verifier
    else:
        raise e.InvalidGrant(e.PKCE_UNSUPPORTED_METHOD, event_error="invalid_code_challenge_method")
    if not hmac.compare_digest(computed, challenge):
        raise e.InvalidGrant(e.PKCE_MISMATCH, event_error="pkce_verification_failed")
