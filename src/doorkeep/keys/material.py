"""Per-realm keys: RSA, EC and EdDSA for access and ID tokens, HMAC for refresh tokens, RSA-OAEP and AES to
encrypt, JWKS.

Keys live in the database; ``KeyRing`` caches the parsed key objects per process. Rotation adds
a new active key and marks the old one passive, so tokens it signed still verify.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import os
import uuid
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa

from doorkeep.keys import components, jws
from doorkeep.model import RealmKey

HMAC_ALG = "HS512"
ASYMMETRIC = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
_CURVES = {"ES256": ec.SECP256R1(), "ES384": ec.SECP384R1(), "ES512": ec.SECP521R1()}
AES_ALG = "AES"  # Algorithm.AES: the realm's aes-generated key (KeyUse.ENC)
RSA_ENC_ALG = "RSA-OAEP"  # the default algorithm of a realm's rsa-enc-generated key
# DefaultKeyProviders.createProviders: rsa-generated, rsa-enc-generated, hmac-generated-hs512, aes-generated.
DEFAULT_KEYS = ("RS256", RSA_ENC_ALG, HMAC_ALG, AES_ALG)


def _b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _kid() -> str:
    return _b64u(uuid.uuid4().bytes + os.urandom(8))


def family(alg: str) -> str:
    """Key material shared by signature algorithms: RSA keys serve RS* and PS* (not RSA-OAEP)."""
    if alg in ASYMMETRIC and alg.startswith(("RS", "PS")):
        return "RSA"
    return alg


def is_hmac(alg: str) -> bool:
    return alg.startswith("HS")


def generate(realm_id: str, alg: str, now: int, *, fallback: bool = False) -> RealmKey:
    """A new active key for ``alg`` (RSA-OAEP and AES are encryption keys) in
    the component Keycloak gives it: the realm's own (priority 100), or a ``fallback-{alg}`` one (priority -100)
    made on first need."""
    key = _generate(realm_id, alg, now)
    if fallback:
        key = dataclasses.replace(key, priority=-100)
    return components.default_component(key, fallback=fallback)


def _generate(realm_id: str, alg: str, now: int) -> RealmKey:
    if alg == HMAC_ALG:
        return RealmKey(_kid(), realm_id, HMAC_ALG, "sig", "active", None, _b64u(os.urandom(64)), now)
    if alg == AES_ALG:  # GeneratedAesKeyProviderFactory: 16 bytes, a uuid as kid
        return RealmKey(str(uuid.uuid4()), realm_id, AES_ALG, "enc", "active", None, _b64u(os.urandom(16)), now)
    private: Any
    use = "enc" if alg == RSA_ENC_ALG else "sig"
    if alg == RSA_ENC_ALG or family(alg) == "RSA":  # an rsa-(enc-)generated key whose ``algorithm`` is ``alg``
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    elif alg in _CURVES:
        private = ec.generate_private_key(_CURVES[alg])
    elif alg == "EdDSA":  # GeneratedEddsaKeyProviderFactory's default curve
        private = ed25519.Ed25519PrivateKey.generate()
    else:
        raise ValueError(f"unsupported algorithm {alg}")
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return RealmKey(components.key_id(private.public_key()), realm_id, alg, use, "active", public, pem, now)


@dataclass(frozen=True)
class LoadedKey:
    kid: str
    algorithm: str
    status: str
    signing: Any  # private key object or HMAC secret bytes
    verifying: Any  # public key object or HMAC secret bytes
    # The same keys through PyJWT's prepare_key once (keys/jws.py), or None where PyJWT refuses
    # them (then jwt.encode/jwt.decode get the raw key, as before). Prepared when not given.
    jws_signing: jws.Prepared | None = field(default=None, repr=False, compare=False)
    jws_verifying: jws.Prepared | None = field(default=None, repr=False, compare=False)
    priority: int = 0  # the component's: the active key of an algorithm is the one of highest priority
    component_id: str = ""  # then the lower component id (DefaultKeyManager.ProviderComparator)
    # An imported key's certificate's end of validity (epoch seconds): past it the key no longer signs.
    not_after: int | None = None
    # The stored key it was loaded from (the JWKS takes its certificate from it).
    record: RealmKey | None = field(default=None, repr=False, compare=False)
    use: str = "sig"  # "enc" for the realm's encryption keys (RSA-OAEP, ECDH, AES): they never sign

    def __post_init__(self) -> None:
        if self.use == "enc":
            return  # no JWS algorithm takes it
        if self.jws_signing is None:
            object.__setattr__(self, "jws_signing", jws.prepare(self.algorithm, self.signing))
        if self.jws_verifying is None:
            same = is_hmac(self.algorithm)
            verifying = self.jws_signing if same else jws.prepare(self.algorithm, self.verifying)
            object.__setattr__(self, "jws_verifying", verifying)


def load(key: RealmKey) -> LoadedKey:
    pri, cid = key.priority, key.component_id
    if key.public_pem is None:  # a secret: HMAC, or AES
        secret = base64.urlsafe_b64decode(key.private + "=" * (-len(key.private) % 4))
        return LoadedKey(
            key.kid, key.algorithm, key.status, secret, secret, priority=pri, component_id=cid, use=key.use
        )
    private = components.private_of(key)
    public, expiry = private.public_key(), components.certificate_expiry(key)
    return LoadedKey(
        key.kid,
        key.algorithm,
        key.status,
        private,
        public,
        priority=pri,
        component_id=cid,
        not_after=expiry,
        record=key,
        use=key.use,
    )


def eddsa_curve_of(key: LoadedKey) -> str | None:
    """The curve of an EdDSA key (Ed25519 or Ed448), None for any other key."""
    return components.eddsa_curve(key.verifying)


def signs_at(key: LoadedKey, now: int) -> bool:
    """Active, and not an imported key whose certificate has expired (KeyNoteUtils.checkNotAfter)."""
    return key.status == "active" and (key.not_after is None or now <= key.not_after)


def jwk(key: LoadedKey, alg: str | None = None, certificate: str | None = None) -> dict[str, Any]:
    """The public JWK of an asymmetric key (never the private part), as Keycloak's JWKBuilder writes it (``use``
    ``sig`` or ``enc``): with the key's certificate (base64 DER) as ``x5c`` and its SHA-1 and SHA-256 thumbprints
    when it has one."""
    pub = key.verifying
    base: dict[str, Any] = {"kid": key.kid}
    if isinstance(pub, rsa.RSAPublicKey):
        numbers = pub.public_numbers()
        size = (numbers.n.bit_length() + 7) // 8
        base.update(kty="RSA", alg=alg or key.algorithm, use=key.use)
        base.update(n=_b64u(numbers.n.to_bytes(size, "big")), e=_b64u(numbers.e.to_bytes(3, "big")))
    elif isinstance(pub, ec.EllipticCurvePublicKey):
        point = pub.public_numbers()
        size = (pub.curve.key_size + 7) // 8
        crv = {256: "P-256", 384: "P-384", 521: "P-521"}[pub.curve.key_size]
        base.update(kty="EC", alg=alg or key.algorithm, use=key.use, crv=crv)
        base.update(x=_b64u(point.x.to_bytes(size, "big")), y=_b64u(point.y.to_bytes(size, "big")))
    elif isinstance(pub, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):  # JWKBuilder.okp (RFC 8037 §2)
        crv = "Ed25519" if isinstance(pub, ed25519.Ed25519PublicKey) else "Ed448"
        raw = pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        base.update(kty="OKP", alg=alg or key.algorithm, use=key.use, crv=crv, x=_b64u(raw))
    else:
        raise ValueError("not an asymmetric key")
    if certificate is not None:
        der = base64.b64decode(certificate)
        base["x5c"] = [certificate]
        base["x5t"] = _b64u(hashlib.sha1(der).digest())
        base["x5t#S256"] = _b64u(hashlib.sha256(der).digest())
    return base


def public_key_b64(key: LoadedKey) -> str:
    """The DER SubjectPublicKeyInfo, base64, as Keycloak's realm info ``public_key``."""
    der = key.verifying.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode()
