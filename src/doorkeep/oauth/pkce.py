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


def _refused(description: str, event_error: str, reason: str | None = None) -> e.InvalidGrant:
    """invalid_grant whose event carries PkceUtils' ``reason`` detail: the description, or for a malformed or
    mismatching verifier the reason alone (the description is "PKCE verification failed: " + reason)."""
    err = e.InvalidGrant(description, event_error=event_error)
    err.event_details["reason"] = description if reason is None else reason
    return err


def verify(challenge: str | None, method: str | None, verifier: str | None) -> None:
    """Check the code verifier against the challenge saved with the code; raise invalid_grant.

    Keycloak's PkceUtils as AuthorizationCodeGrantType and DeviceGrantType call it: the code's own challenge
    decides (a client's ``pkce.code.challenge.method`` was checked when the code was issued, which saved a method
    with every challenge), and only an absent ``code_verifier`` is missing: an empty one is a verifier, malformed
    where a challenge waits for it and unexpected where none does."""
    if challenge is None:
        if verifier is not None:
            raise _refused(e.PKCE_NO_CHALLENGE, "invalid_code_verifier")
        return
    if verifier is None:
        raise _refused(e.PKCE_VERIFIER_MISSING, "code_verifier_missing")
    if not VERIFIER.fullmatch(verifier):
        raise _refused(e.PKCE_INVALID_VERIFIER, "invalid_code_verifier", "Invalid code verifier")
    method = method or "plain"
    if method == "S256":
        computed = s256(verifier)
    elif method == "plain":
        computed = verifier
    else:
        raise _refused(e.PKCE_UNSUPPORTED_METHOD, "invalid_code_challenge_method", "Unsupported algorithm specified")
    if not hmac.compare_digest(computed, challenge):
        raise _refused(e.PKCE_MISMATCH, "pkce_verification_failed", "Code mismatch")
