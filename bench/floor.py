"""The cryptographic floor of a request, timed in this process: exactly the signatures and MACs it needs.

The claims are the size of Doorkeep's (issuer, audience, subject, session, scope ...); the keys are of the
sizes Doorkeep's KeyRing makes (RSA 2048, P-256, a 512-bit HMAC secret). Each is timed through the server's
own codec (``doorkeep.keys.jws``: cryptography with keys prepared once; signing through its compact
encoder, verifying through PyJWT), so the floor is what the server cannot go below on one core. Until
2026-11-29 22:40 the floor called ``jwt.encode``/``jwt.decode`` with raw keys, whose HS512 verify spent
~100 µs in PyJWT's per-byte segment check that the server no longer runs; until 2026-11-30 01:30 it signed
through PyJWT's ``encode`` (~20-25 µs more per token than the compact encoder the server now uses).
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable

from cryptography.hazmat.primitives.asymmetric import ec, rsa

from doorkeep.keys import jws

ISSUER = "http://127.0.0.1:8080/realms/bench"
CLAIMS = {
    "exp": 4_000_000_000,
    "iat": 1_700_000_000,
    "jti": "4f0c7a9e-1d7b-4c57-9f3c-3b2a1b0c9d8e",
    "iss": ISSUER,
    "aud": "account",
    "sub": "6b7c8d9e-0f1a-4b2c-8d3e-4f5a6b7c8d9e",
    "typ": "Bearer",
    "azp": "bench-app",
    "sid": "7c8d9e0f-1a2b-4c3d-9e4f-5a6b7c8d9e0f",
    "scope": "openid profile email",
    "realm_access": {"roles": ["offline_access", "uma_authorization", "default-roles-bench"]},
    "email_verified": True,
    "preferred_username": "bench-user",
}


def _per_call(action: Callable[[], object], calls: int) -> float:
    """Seconds per call, the best of three rounds (a shared machine only ever makes things slower)."""
    best = float("inf")
    for _ in range(3):
        began = time.perf_counter()
        for _ in range(calls):
            action()
        best = min(best, (time.perf_counter() - began) / calls)
    return best


def primitives(calls: int = 200, core: int | None = 0) -> dict[str, float]:
    """Seconds per operation: RS256 sign, ES256 sign, HS512 sign, HS512 verify, timed on ``core`` (the
    server's core in the side-by-side runs), the process's own affinity restored afterwards."""
    saved = os.sched_getaffinity(0)
    if core is not None:
        os.sched_setaffinity(0, {core})
    try:
        return _primitives(calls)
    finally:
        os.sched_setaffinity(0, saved)


def _primitives(calls: int) -> dict[str, float]:
    rsa_key = _prepared("RS256", rsa.generate_private_key(public_exponent=65537, key_size=2048))
    ec_key = _prepared("ES256", ec.generate_private_key(ec.SECP256R1()))
    hmac = _prepared("HS512", secrets.token_bytes(64))
    offline = jws.encode_compact({**CLAIMS, "typ": "Offline"}, hmac, "HS512", "floor", "JWT")
    return {
        "RS256 sign": _per_call(lambda: jws.encode_compact(dict(CLAIMS), rsa_key, "RS256", "floor", "JWT"), calls),
        "ES256 sign": _per_call(lambda: jws.encode_compact(dict(CLAIMS), ec_key, "ES256", "floor", "JWT"), calls),
        "HS512 sign": _per_call(lambda: jws.encode_compact(dict(CLAIMS), hmac, "HS512", "floor", "JWT"), calls * 5),
        "HS512 verify": _per_call(lambda: jws.decode(offline, hmac, "HS512", {"verify_aud": False}), calls * 5),
    }


def _prepared(alg: str, key: object) -> jws.Prepared:
    prepared = jws.prepare(alg, key)
    assert prepared is not None, alg
    return prepared


def refresh_floor(p: dict[str, float], alg: str) -> float:
    """An offline refresh with scope openid: verify the refresh token (HS512), sign the access and ID
    tokens (alg) and the new refresh token (HS512)."""
    return 2 * p[f"{alg} sign"] + p["HS512 sign"] + p["HS512 verify"]


def client_credentials_floor(p: dict[str, float]) -> float:
    """client_credentials without a refresh token: one RS256 access token."""
    return p["RS256 sign"]
