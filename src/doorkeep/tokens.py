"""JWS encoding and verification of access, ID, refresh and offline tokens (KEYCLOAK.md §3).

Signature and type checks live here; session checks live in the grants.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import jwt
from jwt.exceptions import InvalidTokenError
from jwt.types import Options

from doorkeep import numbers
from doorkeep.keys import jws
from doorkeep.keys.material import HMAC_ALG, LoadedKey, is_hmac
from doorkeep.keys.ring import KeyRing

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

TYPE_BEARER = "Bearer"
TYPE_REFRESH = "Refresh"
TYPE_OFFLINE = "Offline"
TYPE_ID = "ID"
SESSION_STATE = "session_state"  # the session claim of tokens before Keycloak 15 (IDToken.SESSION_STATE)

# jti prefixes (Keycloak 26.2+ AccessTokenContext): session type, token type, grant type.
GRANT_SHORTCUTS = {
    "authorization_code": "ac",
    "password": "ro",
    "client_credentials": "cc",
    "refresh_token": "rt",
    "urn:ietf:params:oauth:grant-type:device_code": "dg",  # Keycloak's DeviceGrantTypeFactory.GRANT_SHORTCUT
    "urn:ietf:params:oauth:grant-type:token-exchange": "te",  # TokenExchangeGrantTypeFactory.GRANT_SHORTCUT
    "urn:openid:params:grant-type:ciba": "ci",  # CibaGrantTypeFactory.GRANT_SHORTCUT
    "urn:ietf:params:oauth:grant-type:jwt-bearer": "ag",  # JWTAuthorizationGrantTypeFactory.getShortcut
}


def new_id() -> str:
    """A random (version 4) UUID in its string form, as ``str(uuid.uuid4())`` gives it, in half the time:
    a token request makes two or three (issue #8)."""
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40  # version 4
    raw[8] = (raw[8] & 0x3F) | 0x80  # the RFC 4122 variant
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def access_jti(
    offline: bool | None, grant_type: str, *, transient_client: bool = False, lightweight: bool = False
) -> str:
    """``<ss><tt><gg>:<uuid>``: on/of/tr session type (nt/ft: a user session whose client session for the
    token's client is transient, as token exchange makes it), rt regular or lt lightweight token, the grant
    shortcut."""
    if offline is None:
        session = "tr"
    elif transient_client:
        session = "ft" if offline else "nt"
    else:
        session = "of" if offline else "on"
    return f"{session}{'lt' if lightweight else 'rt'}{GRANT_SHORTCUTS.get(grant_type, 'na')}:{new_id()}"


def jti_lightweight(jti: str) -> bool:
    """Whether a prefixed jti names a lightweight access token (``lt``, AccessTokenContext.TokenType)."""
    return ":" in jti and jti[2:4] == "lt"


def jti_session_type(jti: str) -> str | None:
    """'online', 'offline', 'transient' from a prefixed jti, or None when unprefixed."""
    if ":" not in jti:
        return None
    return {"on": "online", "of": "offline", "tr": "transient", "nt": "online", "ft": "offline"}.get(jti[:2])


# The signature only: expiry, audience and issuer are the grants' checks (sessions/resume.py).
_VERIFY_ONLY: Options = {
    "verify_signature": True,
    "verify_exp": False,
    "verify_nbf": False,
    "verify_iat": False,
    "verify_aud": False,
    "verify_iss": False,
}


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """Header and claims of a compact JWS without checking anything, or None if it is not one."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    header, claims = _json_object(parts[0]), _json_object(parts[1])
    return None if header is None or claims is None else (header, claims)


def _unverified_header(token: str) -> dict[str, Any] | None:
    """The header of a compact JWS, or None: what ``verify`` needs before the signature is checked. The
    claims are parsed by PyJWT once the signature holds (only a key of the realm could have nested them)."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    return jws.verified_header(parts[0].encode()) or _json_object(parts[0])


def _json_object(segment: str) -> dict[str, Any] | None:
    """One base64url segment holding a JSON object (depth-checked), or None."""
    try:
        value = numbers.loads(_b64decode(segment))
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


def encode(key: LoadedKey, claims: Mapping[str, Any], alg: str, typ: str = "JWT") -> str:
    """Sign ``claims`` with a key already loaded (no database access: callable after a commit)."""
    if key.jws_signing is None:  # a key PyJWT refused to prepare: its own error, as before
        return jwt.encode(dict(claims), key.signing, algorithm=alg, headers={"kid": key.kid, "typ": typ})
    return jws.encode_compact(dict(claims), key.jws_signing, alg, key.kid, typ)


class TokenCodec:
    """Signs and verifies a realm's tokens with keys from the key ring."""

    def __init__(self, keyring: KeyRing) -> None:
        self.keyring = keyring

    async def sign(
        self,
        tx: Tx,
        realm_id: str,
        claims: dict[str, Any],
        alg: str,
        now: int,
        typ: str = "JWT",
        kid: str | None = None,
    ) -> str:
        """``kid``: the key a client names for this kind of token (KeyRing.signing_key), else the active one."""
        key = await self.keyring.signing_key(tx, realm_id, alg, now, kid)
        return encode(key, claims, alg, typ)

    async def sign_internal(self, tx: Tx, realm_id: str, claims: dict[str, Any], now: int) -> str:
        """Refresh and offline tokens: HS512 with the realm's HMAC key."""
        return await self.sign(tx, realm_id, claims, HMAC_ALG, now)

    async def sign_id(self, tx: Tx, realm_id: str, value: str, now: int) -> str:
        """AuthenticationSessionManager.signAndEncodeToBase64AuthSessionId: base64url of ``value.signature``, the
        signature HMAC-SHA512 with the realm's active HMAC key (Keycloak's internal signature algorithm)."""
        key = await self.keyring.signing_key(tx, realm_id, HMAC_ALG, now)
        signature = _b64encode(hmac.new(key.signing, value.encode(), hashlib.sha512).digest())
        return _b64encode(f"{value}.{signature}".encode())

    async def signed_id(self, tx: Tx, realm_id: str, encoded: str, now: int) -> str | None:
        """decodeBase64AndValidateSignature: the value ``sign_id`` signed, or None for anything else (a bare id,
        another realm's or a rotated-out key's signature, junk)."""
        try:
            decoded = _b64decode(encoded).decode()
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return None
        value, dot, signature = decoded.rpartition(".")
        if not dot or not value:
            return None
        key = await self.keyring.signing_key(tx, realm_id, HMAC_ALG, now)
        expected = _b64encode(hmac.new(key.signing, value.encode(), hashlib.sha512).digest())
        return value if hmac.compare_digest(expected.encode(), signature.encode()) else None

    async def verify(self, tx: Tx, realm_id: str, token: str, *, internal: bool) -> dict[str, Any] | None:
        """The claims if the signature checks out with a key of this realm, else None.

        ``internal`` selects HMAC-signed (refresh/offline) or asymmetric (access/ID) tokens. The header's kid and
        alg name the key together (DefaultKeyManager.getKey matches the key's algorithm exactly), so ``alg: none``
        and algorithm confusion (an RS256 key's kid with PS256 or HS256, an HMAC key's with RS256) name no key.
        """
        header = _unverified_header(token)
        if header is None:
            return None
        kid, alg = header.get("kid"), header.get("alg")
        if not isinstance(kid, str) or not isinstance(alg, str):
            return None
        # HS512 today; HS256/HS384 keys a Keycloak realm kept verify their old tokens
        key = await self.keyring.verification_key(tx, realm_id, kid, alg)
        if key is None or is_hmac(key.algorithm) != internal:
            return None
        try:
            if key.jws_verifying is None:  # a key PyJWT refused to prepare: its own answer, as before
                claims: dict[str, Any] = jwt.decode(token, key.verifying, algorithms=[alg], options=_VERIFY_ONLY)
            elif internal:
                claims = jws.decode_hmac(token, key.jws_verifying, alg)
            else:
                claims = jws.decode(token, key.jws_verifying, alg, _VERIFY_ONLY)
        except InvalidTokenError:
            return None
        refresh = claims.get("typ") in (TYPE_REFRESH, TYPE_OFFLINE)
        if refresh and "sid" not in claims and isinstance(claims.get(SESSION_STATE), str):
            # RefreshToken.getSessionId (refresh tokens only): Keycloak 14 and before named the session only so
            claims["sid"] = claims[SESSION_STATE]
        return claims
