"""DPoP proofs (RFC 9449) as Keycloak's DPoPUtil checks them, and the binding of tokens to their keys.

A proof is a JWT the client signs with a key it holds; its header carries the public key (``jwk``). Keycloak's
checks, in its order and with its messages: present, a readable JWS header, ``typ`` ``dpop+jwt``, an asymmetric
``alg``, a public ``jwk``, the signature; then the claims ``iat``, ``jti``, ``htm`` and ``htu``, the request's
URL and method, ``iat`` within 10 s (plus 15 s of clock skew), the ``jti`` not used before for that URL, and at a
resource (userinfo, the account and admin APIs) the access token's hash (``ath``).

A token bound to a key names the key's JWK thumbprint (RFC 7638) in ``cnf.jkt``. Access tokens are bound whenever
the token request carried a proof; refresh tokens only for public clients (RFC 9449 §5: a confidential client is
already sender-constrained by its authentication).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa

from doorkeep import jackson
from doorkeep.model import Client
from doorkeep.numbers import loads
from doorkeep.oauth import client_assertion, uri_syntax
from doorkeep.oauth.client_keys import suits

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

HEADER = "dpop"  # the request header carrying the proof
SCHEME = "DPoP"  # the Authorization scheme (case-sensitive, as Keycloak compares it) and the token type
JWT_TYPE = "dpop+jwt"
PROOF_LIFETIME = 10  # DPoPUtil.DEFAULT_PROOF_LIFETIME
CLOCK_SKEW = 15  # DPoPUtil.DEFAULT_ALLOWED_CLOCK_SKEW
CLIENT_ATTRIBUTE = "dpop.bound.access.tokens"  # OIDCConfigAttributes.DPOP_BOUND_ACCESS_TOKENS
AUTHORIZE_PARAM = "dpop_jkt"  # the authorization request's key thumbprint (RFC 9449 §10)
# getDPoPSupportedAlgorithms: the asymmetric signature providers, in the order discovery lists them.
ALGS: tuple[str, ...] = tuple(alg for alg in client_assertion.SIGNING_ALGS if alg in client_assertion.ASYMMETRIC)
# The members of each key type that its thumbprint hashes (RFC 7638 §3.2), in lexicographic order.
_THUMBPRINT_MEMBERS = {"RSA": ("e", "kty", "n"), "EC": ("crv", "kty", "x", "y"), "OKP": ("crv", "kty", "x")}
_REPLAY_PREFIX = "dpop\n"  # the single-use store is shared with client assertions: keys never collide


class InvalidProof(Exception):
    """A proof or a binding Keycloak refuses; ``message`` is its wording (DPoPVerificationException)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Proof:
    """A verified proof: the thumbprint of its key, what its claims named."""

    thumbprint: str
    jti: str
    htu: str
    iat: int


def required(client: Client) -> bool:
    """The client's "OAuth 2.0 DPoP Bound Access Tokens Enabled" switch (OIDCAdvancedConfigWrapper.isUseDPoP)."""
    return client.attr_bool(CLIENT_ATTRIBUTE)


def bound_thumbprint(claims: Mapping[str, Any]) -> str | None:
    """``cnf.jkt`` of a token (DPoPUtil.isDPoPToken), or None for a token bound to no key."""
    cnf = claims.get("cnf")
    jkt = cnf.get("jkt") if isinstance(cnf, dict) else None
    return jkt if isinstance(jkt, str) else None


def check_binding(claims: Mapping[str, Any], proof: Proof) -> None:
    """DPoPBindingCheck: the token's ``cnf.jkt`` is the proof key's thumbprint."""
    cnf = claims.get("cnf")
    if not isinstance(cnf, dict):
        raise InvalidProof("No DPoP confirmation in access token")
    jkt = cnf.get("jkt")
    if jkt is None:
        raise InvalidProof("No DPoP key thumbprint in access token")
    if jkt != proof.thumbprint:
        raise InvalidProof("DPoP confirmation doesn't match DPoP proof")


def thumbprint(jwk: Mapping[str, Any]) -> str | None:
    """The RFC 7638 SHA-256 thumbprint of a public JWK, base64url without padding; None for another key type."""
    members = _THUMBPRINT_MEMBERS.get(str(jwk.get("kty")))
    if members is None or not all(isinstance(jwk.get(m), str) for m in members):
        return None
    canonical = "{" + ",".join(f'"{m}":"{jwk[m]}"' for m in members) + "}"
    return _b64(hashlib.sha256(canonical.encode()).digest())


def access_token_hash(token: str) -> str:
    """``ath``: base64url of the SHA-256 of the access token's ASCII form."""
    return _b64(hashlib.sha256(token.encode("ascii", "replace")).digest())


async def validate(
    tx: Tx, proof: str | None, *, uri: str, method: str, now: int, access_token: str | None = None
) -> Proof:
    """DPoPUtil.validateDPoP: the proof for a request to ``uri`` (no query) with ``method``; raises InvalidProof."""
    if proof is None or not proof.strip():
        raise InvalidProof("DPoP proof is missing")
    header, payload_claims, signing_input, signature = _parts(proof)
    typ = header.get("typ")
    if typ != JWT_TYPE:
        raise InvalidProof(f"Invalid or missing type in DPoP header: {_java(typ)}")
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in ALGS:
        raise InvalidProof(f"Unsupported DPoP algorithm: {_java(alg)}")
    jwk = header.get("jwk")
    if jwk is None:
        raise InvalidProof("No JWK in DPoP header")
    key, key_thumbprint = _public_key(jwk)
    if "d" in jwk:
        raise InvalidProof("Private key is present in DPoP header")
    if not _signed(alg, key, signing_input, signature):
        raise InvalidProof(
            "DPoP verification failure: org.keycloak.exceptions.TokenSignatureInvalidException: Invalid token signature"
        )
    claims = _claims(payload_claims)
    _check_request(claims, uri, method)
    iat = claims["iat"]
    if not (now - PROOF_LIFETIME - CLOCK_SKEW <= iat <= now + CLOCK_SKEW):
        raise InvalidProof("DPoP proof is not active")
    key_name = f"{_REPLAY_PREFIX}{claims['jti']}\n{claims['htu']}"
    if not await tx.client_assertions.put_if_absent(key_name, iat + PROOF_LIFETIME + CLOCK_SKEW, now):
        raise InvalidProof("DPoP proof has already been used")
    if access_token is not None:
        ath = claims.get("ath")
        if ath is None:
            raise InvalidProof("No access token hash in DPoP proof")
        if ath != access_token_hash(access_token):
            raise InvalidProof("DPoP proof access token hash mismatch")
    return Proof(key_thumbprint, claims["jti"], claims["htu"], iat)


def _java(value: Any) -> str:
    """A header value as Java's string concatenation prints it (null for absent)."""
    return "null" if value is None else str(value)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(segment: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError) as err:
        raise InvalidProof("DPoP header verification failure") from err


def _parts(proof: str) -> tuple[dict[str, Any], dict[str, Any], bytes, bytes]:
    """TokenVerifier.parse, which ``getHeader`` runs: three segments, a JSON object header, and a payload Jackson
    binds to the DPoP class (``iat`` a Long: NaN, Infinity and 1e309 were a 500 here); anything else is "DPoP header
    verification failure"."""
    parts = proof.strip().split(".")
    if len(parts) != 3:
        raise InvalidProof("DPoP header verification failure")
    try:
        header, claims = loads(_unb64(parts[0])), loads(_unb64(parts[1]))
        if not isinstance(header, dict) or not isinstance(claims, dict) or _unbound_header(header):
            raise InvalidProof("DPoP header verification failure")
        bound = jackson.json_web_token(claims)
    except (ValueError, UnicodeDecodeError) as err:  # jackson.Unbound is a ValueError
        raise InvalidProof("DPoP header verification failure") from err
    return header, bound, f"{parts[0]}.{parts[1]}".encode(), _unb64(parts[2])


def _public_key(jwk: Any) -> tuple[Any, str]:
    """JWKSUtils.getKeyWrapper: an RSA, EC or OKP key and its thumbprint; any other key type, or a key that does
    not parse, is unsupported."""
    key_thumbprint = thumbprint(jwk) if isinstance(jwk, dict) else None
    if key_thumbprint is None:
        raise InvalidProof("Unsupported key type in DPoP header")
    try:
        key = jwt.PyJWK({k: v for k, v in jwk.items() if k != "d"}).key
    except (jwt.PyJWKError, jwt.InvalidKeyError, ValueError, TypeError, KeyError) as err:
        raise InvalidProof("Unsupported key type in DPoP header") from err
    public = (rsa.RSAPublicKey, ec.EllipticCurvePublicKey, ed25519.Ed25519PublicKey, ed448.Ed448PublicKey)
    if not isinstance(key, public):
        raise InvalidProof("No public key in DPoP header")
    return key, key_thumbprint


def _signed(alg: str, key: Any, signing_input: bytes, signature: bytes) -> bool:
    if not suits(key, alg):
        return False
    try:
        return bool(jwt.get_algorithm_by_name(alg).verify(signing_input, key, signature))
    except (ValueError, TypeError, NotImplementedError, jwt.InvalidKeyError):
        return False


def _unbound_header(header: dict[str, Any]) -> bool:
    """Whether JWSHeader's String fields (``typ``, ``cty``, ``kid``) hold an object or an array (Jackson refuses)."""
    return any(isinstance(header.get(name), dict | list) for name in ("typ", "cty", "kid"))


def _claims(claims: dict[str, Any]) -> dict[str, Any]:
    """DPoPClaimsCheck: ``iat`` (bound as a Long by ``_parts``), and non-blank ``jti``, ``htm`` and ``htu``."""
    if claims.get("iat") is None or not all(_filled(claims.get(name)) for name in ("jti", "htm", "htu")):
        raise InvalidProof("DPoP mandatory claims are missing")
    return claims


def _filled(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _check_request(claims: Mapping[str, Any], uri: str, method: str) -> None:
    """DPoPHTTPCheck: ``htu`` is the request's URL, both without their query, and ``htm`` its method."""
    htu = uri_syntax.parse(str(claims["htu"]))
    if htu is None:
        raise InvalidProof("Malformed HTTP URL in DPoP proof")
    expected = uri_syntax.parse(uri)
    if expected is None or _without_query(htu) != _without_query(expected):
        raise InvalidProof("DPoP HTTP URL mismatch")
    if claims["htm"] != method:
        raise InvalidProof("DPoP HTTP method mismatch")


def _without_query(uri: uri_syntax.Uri) -> tuple[str | None, ...]:
    """The parts java.net.URI.equals compares once the query is replaced (scheme and host without case)."""
    return (uri.scheme, uri.userinfo, uri.host, uri.port, uri.path or "/", uri.fragment)
