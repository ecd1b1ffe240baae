"""The auth_req_id (CIBA Core §7.3), as Keycloak's CIBAAuthenticationRequest makes it: the request's claims as a
JWT signed with the realm's HMAC key, encrypted as a compact JWE (``alg: dir``) with its AES key, so the client
holds an opaque, tamper-proof handle. ``jti`` keys the stored request; ``auth_result_id`` names it to the
authentication device (the bearer token's ``jti``)."""

from __future__ import annotations

import hashlib
import uuid
from typing import TYPE_CHECKING, Any

from jwt.exceptions import InvalidTokenError

from doorkeep.keys import jwe_direct, jws
from doorkeep.keys.material import AES_ALG, HMAC_ALG
from doorkeep.tokens import encode as sign

if TYPE_CHECKING:
    from doorkeep.keys.ring import KeyRing
    from doorkeep.store.tx import Tx

AUTH_RESULT_ID = "auth_result_id"  # CIBAAuthenticationRequest.AUTH_RESULT_ID
# The device authorizations' store keeps CIBA requests under keys of their own, which no device or user code
# typed at the device flow's endpoints can hash to.
_KEY_PREFIX = "ciba."


def new_id() -> str:
    """KeycloakModelUtils.generateId: a random UUID."""
    return str(uuid.uuid4())


def request_key(request_id: str) -> str:
    """The stored request's key for the request's ``jti`` (Keycloak's device code)."""
    return hashlib.sha256(f"{_KEY_PREFIX}{request_id}".encode()).hexdigest()


def result_key(auth_result_id: str) -> str:
    """The stored request's second key, for the authentication device's ``auth_result_id`` (Keycloak's user
    code)."""
    return hashlib.sha256(f"{_KEY_PREFIX}{auth_result_id}".encode()).hexdigest()


def _content_key(secret: bytes) -> bytes:
    return secret if len(secret) in (16, 24, 32) else secret[:16]


async def serialize(tx: Tx, keyring: KeyRing, realm_id: str, claims: dict[str, Any], now: int) -> str:
    """``CIBAAuthenticationRequest.serialize``: sign, then encrypt with the realm's AES and HMAC keys."""
    key = await keyring.signing_key(tx, realm_id, HMAC_ALG, now)
    aes = await keyring.encryption_key(tx, realm_id, AES_ALG, now)
    signed = sign(key, claims, HMAC_ALG)
    return jwe_direct.encrypt(_content_key(aes.signing), key.signing, signed.encode())


async def deserialize(tx: Tx, keyring: KeyRing, realm_id: str, value: str, now: int) -> dict[str, Any] | None:
    """``CIBAAuthenticationRequest.deserialize``: the claims, or None for anything the realm's active keys did
    not make (Keycloak: "Invalid Auth Req ID")."""
    key = await keyring.signing_key(tx, realm_id, HMAC_ALG, now)
    aes = await keyring.encryption_key(tx, realm_id, AES_ALG, now)
    inner = jwe_direct.decrypt(_content_key(aes.signing), key.signing, value)
    if inner is None or key.jws_verifying is None:
        return None
    try:
        claims = jws.decode_hmac(inner.decode(), key.jws_verifying, HMAC_ALG)
    except (InvalidTokenError, UnicodeDecodeError):
        return None
    if not isinstance(claims.get("jti"), str) or not isinstance(claims.get("sub"), str):
        return None
    return claims
