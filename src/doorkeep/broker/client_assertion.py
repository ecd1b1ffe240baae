"""The consumer's client authentication at an identity provider's token endpoint with a signed JWT (Keycloak's
AbstractOAuth2IdentityProvider.authenticateTokenRequest when OAuth2IdentityProviderConfig.isJWTAuthentication):
``clientAuthMethod`` ``client_secret_jwt`` signs the assertion with the client secret (HMAC, a ``${vault.<key>}``
secret read from the vault), ``private_key_jwt`` with the realm's active key of the algorithm (the realm's
SignatureProvider signer). ``clientAssertionSigningAlg`` names the algorithm (HS256 and RS256 when unset).

The assertion (generateToken): a fresh ``jti``, ``typ`` JWT, ``iss`` and ``sub`` the client id, ``aud`` the
``clientAssertionAudience`` or else the token URL, ``iat`` now and ``exp`` now plus the realm's
``accessCodeLifespan``. Its header (JWSBuilder): ``alg``, ``typ`` JWT, the realm key's ``kid``, and with
``jwtX509HeadersEnabled`` the SHA-1 thumbprint ``x5t`` of an RSA key's certificate. It goes as
``client_assertion`` with ``client_assertion_type`` jwt-bearer and the ``client_id``.

No HTTP framework here; the realm key is read in a transaction before the call to the provider (``realm_key``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import jwt

from doorkeep.admin import keys_metadata
from doorkeep.broker.calls import BrokerError
from doorkeep.model import JSON

if TYPE_CHECKING:
    from doorkeep.keys.ring import KeyRing
    from doorkeep.store.tx import Tx

CLIENT_SECRET_JWT = "client_secret_jwt"  # OIDCLoginProtocol.CLIENT_SECRET_JWT
PRIVATE_KEY_JWT = "private_key_jwt"  # OIDCLoginProtocol.PRIVATE_KEY_JWT
JWT_METHODS = (CLIENT_SECRET_JWT, PRIVATE_KEY_JWT)
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"  # OAuth2Constants.CLIENT_ASSERTION_TYPE_JWT
SIGNING_ALG = "clientAssertionSigningAlg"
AUDIENCE = "clientAssertionAudience"
X509_HEADERS = "jwtX509HeadersEnabled"


@dataclass(frozen=True)
class RealmKey:
    """The realm's key a ``private_key_jwt`` assertion is signed with, read before the call."""

    alg: str
    kid: str
    signing: Any = field(repr=False)  # the private key (or an HMAC key's bytes)
    x5t: str | None = None  # with jwtX509HeadersEnabled: the SHA-1 thumbprint of an RSA key's certificate


def _alg(extra: JSON, default: str) -> str:
    """getClientAssertionSigningAlg, the default when unset (an empty value counts as unset here)."""
    value = extra.get(SIGNING_ALG)
    return value if isinstance(value, str) and value else default


def realm_alg(method: str, extra: JSON) -> str | None:
    """The algorithm of the realm key a ``private_key_jwt`` provider signs with (RS256 unless configured); None for
    any other client authentication."""
    return _alg(extra, "RS256") if method == PRIVATE_KEY_JWT else None


async def realm_key(
    tx: Tx, keyring: KeyRing, realm_id: str, realm_name: str, method: str, extra: JSON, now: int
) -> RealmKey | None:
    """The realm's active key of the provider's algorithm (made, as DefaultKeyManager's fallback, when the realm
    has none), for a ``private_key_jwt`` provider; None for any other."""
    alg = realm_alg(method, extra)
    if alg is None:
        return None
    try:
        key = await keyring.signing_key(tx, realm_id, alg, now)
    except (NotImplementedError, ValueError, KeyError):
        return None  # no key can be had for the algorithm: the token request fails (``params``)
    x5t = None
    if str(extra.get(X509_HEADERS) or "").lower() == "true" and key.record is not None:
        held = keys_metadata.certificate_of(key.record, realm_name)
        if held is not None and keys_metadata.key_type(key.record) == "RSA":
            x5t = _b64u(hashlib.sha1(base64.b64decode(held[0])).digest())
    return RealmKey(alg, key.kid, key.signing, x5t)


def params(
    *,
    method: str,
    client_id: str,
    client_secret: str,
    token_url: str,
    extra: JSON,
    key: RealmKey | None,
    lifespan: int,
    now: int,
) -> dict[str, str]:
    """The token request's client authentication: ``client_assertion_type``, ``client_assertion`` and
    ``client_id``. BrokerError when the assertion cannot be signed (no realm key read, an unknown algorithm)."""
    audience = extra.get(AUDIENCE)
    claims = {
        "jti": secrets.token_urlsafe(24),
        "exp": now + lifespan,
        "iat": now,
        "iss": client_id,
        "aud": audience if isinstance(audience, str) and audience.strip() else token_url,
        "sub": client_id,
        "typ": "JWT",
    }
    if method == CLIENT_SECRET_JWT:
        alg, kid, signing, x5t = _alg(extra, "HS256"), None, client_secret.encode(), None
    elif key is not None:
        alg, kid, signing, x5t = key.alg, key.kid, key.signing, key.x5t
    else:
        raise BrokerError("no realm key to sign the client assertion with")
    return {
        "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": _signed(claims, alg, kid, x5t, signing),
        "client_id": client_id,
    }


def _signed(claims: dict[str, Any], alg: str, kid: str | None, x5t: str | None, signing: Any) -> str:
    """The compact JWS as JWSBuilder writes it: the header's ``alg``, ``typ``, then ``kid`` and ``x5t`` when set."""
    header: dict[str, str] = {"alg": alg, "typ": "JWT"}
    if kid is not None:
        header["kid"] = kid
    if x5t is not None:
        header["x5t"] = x5t
    signing_input = f"{_b64u(_json(header))}.{_b64u(_json(claims))}".encode()
    try:
        algorithm = jwt.get_algorithm_by_name(alg)
        signature = algorithm.sign(signing_input, signing)
    except (NotImplementedError, TypeError, ValueError, AttributeError) as err:
        raise BrokerError(f"client assertion not signed with {alg}: {type(err).__name__}") from None
    return f"{signing_input.decode()}.{_b64u(signature)}"


def _json(value: dict[str, Any]) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def _b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
