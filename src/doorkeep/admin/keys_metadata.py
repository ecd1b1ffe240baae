"""``GET /admin/realms/{realm}/keys``: Keycloak's KeysMetadataRepresentation of a realm's keys.

``keys`` lists every key in DefaultKeyManager's order of providers (priority descending, then component id),
with its kid, type (RSA, EC, OKP for EdDSA, OCT), algorithm, status (ACTIVE, PASSIVE, DISABLED; an imported key whose
certificate has expired is PASSIVE), use (SIG, or ENC for RSA-OAEP, ECDH and AES keys), the id of the
key-provider component that holds it
(``providerId``) and its priority (a long); for RSA, EC and OKP keys the public key, and for RSA keys (and EC keys
with ``ecGenerateCertificate``) the certificate (base64 DER: the one imported with an ``rsa`` key, else a
self-signed one, subject ``CN={realm}``, as Keycloak's generated providers make them) and its end of validity.
``active`` maps each algorithm to the kid of the first active key listed for it. Never the private key or the
HMAC secret.
"""

from __future__ import annotations

import base64
import datetime
import functools
import hashlib
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.x509.oid import NameOID

from doorkeep.keys.components import decode_certificate, load_stored_private, status_at
from doorkeep.keys.material import is_hmac
from doorkeep.model import RealmKey

CERT_YEARS = 10  # Keycloak's generated certificates are valid for ten years


def key_type(key: RealmKey) -> str:
    """KeyType: OCT for a secret (HMAC, AES), EC for ECDSA and ECDH keys, OKP for EdDSA, RSA for the others."""
    if is_hmac(key.algorithm) or key.public_pem is None:
        return "OCT"
    if key.algorithm == "EdDSA":
        return "OKP"
    return "EC" if key.algorithm.startswith(("ES", "ECDH")) else "RSA"


@functools.lru_cache(maxsize=256)
def certificate(kid: str, private_pem: str, realm_name: str, created: int) -> tuple[str, int]:
    """A self-signed certificate for the key (base64 DER) and its end of validity in ms; cached, as
    making one costs a signature."""
    private: Any = load_stored_private(private_pem)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, realm_name)])
    start = datetime.datetime.fromtimestamp(created, datetime.UTC)
    end = start.replace(year=start.year + CERT_YEARS)
    serial = int.from_bytes(hashlib.sha256(kid.encode()).digest()[:16], "big") | 1
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(serial)
        .not_valid_before(start)
        .not_valid_after(end)
        # RFC 6979 for EC keys: every process and worker derives the same certificate, so its x5t stays put.
        .sign(
            private,
            hashes.SHA256(),
            ecdsa_deterministic=True if isinstance(private, ec.EllipticCurvePrivateKey) else None,
        )
    )
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode(), int(end.timestamp()) * 1000


def _public(key: RealmKey) -> str | None:
    if key.public_pem is None:
        return None
    public: Any = serialization.load_pem_public_key(key.public_pem.encode())
    kinds = (rsa.RSAPublicKey, ec.EllipticCurvePublicKey, ed25519.Ed25519PublicKey, ed448.Ed448PublicKey)
    if not isinstance(public, kinds):
        return None
    der = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode()


def key_json(key: RealmKey, realm_name: str, status: str) -> dict[str, Any]:
    """One KeyMetadataRepresentation."""
    kind = key_type(key)
    out: dict[str, Any] = {
        "providerId": key.component_id,
        "providerPriority": key.priority,
        "kid": key.kid,
        "status": status.upper(),
        "type": kind,
        "algorithm": key.algorithm,
        "use": key.use.upper(),
    }
    public = _public(key)
    if public is not None:
        out["publicKey"] = public
        held = certificate_of(key, realm_name)
        if held is not None:
            out["certificate"], out["validTo"] = held
    return out


def certificate_of(key: RealmKey, realm_name: str) -> tuple[str, int] | None:
    """The certificate an asymmetric key is published with (base64 DER) and its end of validity in ms: every RSA
    key's (imported or self-signed), an EC key's with ``ecGenerateCertificate``; None for other keys."""
    if key.public_pem is None or not (key_type(key) == "RSA" or _ec_certificate(key)):
        return None
    return _certificate(key, realm_name)


def _ec_certificate(key: RealmKey) -> bool:
    """An ``ecdsa-generated`` key gets a self-signed certificate when ``ecGenerateCertificate`` is true
    (Boolean.parseBoolean, as the provider reads it when it loads the key)."""
    listed = key.config.get("ecGenerateCertificate") or [""]
    return key.provider_id == "ecdsa-generated" and listed[0].lower() == "true"


# The RSA providers whose config may hold the key's certificate: the imported ones, and the generated ones given
# their material with it (an export re-imported publishes and exports the same certificate again).
_GIVEN_CERTIFICATE = ("rsa", "rsa-enc", "rsa-generated", "rsa-enc-generated")


def _certificate(key: RealmKey, realm_name: str) -> tuple[str, int]:
    listed = key.config.get("certificate") if key.provider_id in _GIVEN_CERTIFICATE else None
    given = listed[0] if listed else None
    if given is None:
        return certificate(key.kid, key.private, realm_name, key.created)
    cert = decode_certificate(given)
    der = cert.public_bytes(serialization.Encoding.DER)
    return base64.b64encode(der).decode(), int(cert.not_valid_after_utc.timestamp()) * 1000


def keys_metadata(keys: list[RealmKey], realm_name: str, now: int) -> dict[str, Any]:
    """KeysMetadataRepresentation at ``now``, in DefaultKeyManager's order of providers."""
    ordered = sorted(keys, key=lambda k: (-k.priority, k.component_id))
    statuses = [status_at(k, now) for k in ordered]  # per provider: two may hold one kid
    active: dict[str, str] = {}
    for key, status in zip(ordered, statuses, strict=True):
        if status == "active":
            active.setdefault(key.algorithm, key.kid)
    return {"active": active, "keys": [key_json(k, realm_name, st) for k, st in zip(ordered, statuses, strict=True)]}
