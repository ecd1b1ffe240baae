"""An identity provider's tokens checked as Keycloak's OIDCIdentityProvider checks them (validateToken, verify):
the signature with the provider's key (its JWK set through the per-process key cache, or the key an administrator
pasted), the lifetime within the allowed clock skew, the issuer, the audience and ``azp``; for an ID token also the
nonce and the social provider's own rules. Split from broker/oidc.py, which re-exports what its callers use.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import jwt
from jwt.types import Options

from doorkeep import jackson
from doorkeep.broker import social
from doorkeep.broker.calls import BrokerError
from doorkeep.oauth import client_keys

if TYPE_CHECKING:
    from doorkeep.broker.oidc import Config

# (jwksUrl, kid, alg) -> the provider's public key, or None: oauth/client_keys.ClientKeys.provider_key, bound to
# the realm and the provider as stored
KeyLookup = Callable[[str, str | None, str], Awaitable[Any]]


async def jws_payload(config: Config, token: str, lookup: KeyLookup | None) -> bytes:
    """OIDCIdentityProvider.verify: the JWS's signature checked with the provider's key when ``validateSignature``
    is on; its payload."""
    try:
        if config.validate_signature:
            key, alg = await _signature_key(config, token, lookup)
            payload: bytes = jwt.PyJWS().decode(token, key, algorithms=[alg])
        else:
            payload = jwt.PyJWS().decode(token, options={"verify_signature": False})
        return payload
    except jwt.PyJWTError as err:
        raise BrokerError(f"token signature validation failed: {type(err).__name__}") from None


async def _signature_key(config: Config, token: str, lookup: KeyLookup | None) -> Any:
    """The provider's key for the token's ``kid`` and ``alg``: with ``useJwksUrl`` on, through ``lookup`` (keys
    kept between tokens) or from its JWK set fetched now; off, its configured validating public key."""
    header = jwt.get_unverified_header(token)
    alg = header.get("alg")
    if not isinstance(alg, str) or alg == "none" or alg.startswith("HS"):
        raise BrokerError(f"unexpected signature algorithm {alg}")
    kid = header.get("kid")
    kid = kid if isinstance(kid, str) else None
    if not config.use_jwks_url:  # the "Validating public key" (and its key id) the administrator pasted
        pem, configured = (
            str(config.extra.get("publicKeySignatureVerifier") or ""),
            config.extra.get("publicKeySignatureVerifierKeyId"),
        )
        if pem.strip().startswith("{"):  # a JWK set pasted (PublicKeyStorageManager: its key by the token's kid)
            key = client_keys.pick(client_keys.parse_jwks(pem), kid, alg)
        else:
            key = client_keys.hardcoded_key(pem, str(configured or ""), kid, alg)
        if key is None:
            raise BrokerError("the validating public key does not check the signature")
        return key, alg
    if not config.jwks_url:
        raise BrokerError("no JWKS URL to check the signature with")
    if lookup is not None:
        key = await lookup(config.jwks_url, kid, alg)
    else:
        try:
            keys = client_keys.parse_jwks(await client_keys.fetch_jwks(config.jwks_url))
        except ValueError as err:
            raise BrokerError(f"JWKS not fetched: {err}") from None
        key = client_keys.pick(keys, kid, alg)
    if key is None:
        raise BrokerError("no key of the provider's JWKS checks the signature")
    return key, alg


async def id_token_claims(
    config: Config, token: str, nonce: str, now: int, lookup: KeyLookup | None = None
) -> dict[str, Any]:
    """The ID token: validateToken's checks (``token_claims``), an ``exp`` required, then the nonce."""
    claims = await token_claims(config, token, now, require_exp=True, lookup=lookup)
    if not config.disable_nonce and claims.get("nonce") != nonce:
        raise BrokerError("Nonce does not match.")
    social.check_id_token(config.provider_id, config.extra, claims)
    return claims


async def token_claims(
    config: Config,
    token: str,
    now: int,
    *,
    require_exp: bool,
    signed: bool = False,
    lookup: KeyLookup | None = None,
    ignore_audience: bool = False,
) -> dict[str, Any]:
    """OIDCIdentityProvider.validateToken: the signature (``validateSignature``, keys from ``jwksUrl``), the
    lifetime within ``allowedClockSkew`` (JsonWebToken.isActive: no ``exp`` is no expiry, unless
    ``require_exp``), the issuer (when configured), the audience and ``azp`` (not with ``ignore_audience``, as for
    an access token). ``signed``: the signature is checked whatever ``validateSignature`` says (a token that did
    not come from the provider's token endpoint)."""
    try:
        if config.validate_signature or signed:
            key, alg = await _signature_key(config, token, lookup)
            claims = jwt.decode(token, key, algorithms=[alg], options=UNCHECKED_BY_PYJWT)
        else:
            claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as err:
        raise BrokerError(f"invalid ID token: {type(err).__name__}") from None
    exp, nbf = _number(claims.get("exp")), _number(claims.get("nbf"))
    if (require_exp and exp is None) or (exp is not None and exp + config.clock_skew < now):
        raise BrokerError("Token is no longer valid")
    if nbf is not None and nbf - config.clock_skew > now:
        raise BrokerError("Token is not yet valid")
    if config.issuer and claims.get("iss") not in config.issuer.split(","):
        raise BrokerError(f"Wrong issuer from token. Got: {claims.get('iss')} expected: {config.issuer}")
    if ignore_audience:
        return claims
    aud = claims.get("aud")
    audiences = aud if isinstance(aud, list) else [aud]
    if config.client_id not in audiences:
        raise BrokerError("Wrong audience from token.")
    azp = claims.get("azp")
    if azp is not None and azp != config.client_id:
        raise BrokerError("Token issued for does not match client id")
    return claims


# The checks validateToken makes itself, on the server's clock and Keycloak's rules (Jackson reads a number in a
# string as the number, and any scalar as a String field), not on PyJWT's.
UNCHECKED_BY_PYJWT: Options = {
    "verify_aud": False,
    "verify_exp": False,
    "verify_iat": False,
    "verify_nbf": False,
    "verify_sub": False,
    "verify_jti": False,
}


def _number(value: Any) -> int | None:
    """A JsonWebToken Long claim as Jackson binds it (``jackson.long_field``: a number, or a string holding a whole
    one); a claim it cannot bind (``NaN``, ``Infinity``, beyond a long, other text) makes the token unreadable,
    where it was read as no expiry at all."""
    try:
        return jackson.long_field(value)
    except jackson.Unbound:
        raise BrokerError("invalid ID token: unreadable claims") from None
