"""``GET /admin/realms/{realm}/keys``: Keycloak's KeysMetadataRepresentation of a realm's keys.

``active`` maps each algorithm to the kid of its active key; ``keys`` lists every key with its
kid, type (RSA, EC, OCT), algorithm, status (ACTIVE, PASSIVE, DISABLED), use (SIG), the provider
that made it and its priority, and for RSA and EC keys the public key and a self-signed
certificate (base64 DER, subject ``CN={realm}``, as Keycloak's generated providers make them).
Never the private key or the HMAC secret.
"""

from __future__ import annotations

import base64
import datetime
import functools
import hashlib
import uuid
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from doorkeep.keys.material import HMAC_ALG
from doorkeep.model import RealmKey

CERT_YEARS = 10  # Keycloak's generated certificates are valid for ten years
PROVIDERS = {"RSA": "rsa-generated", "EC": "ecdsa-generated", "OCT": "hmac-generated"}
_NAMESPACE = uuid.UUID("6b1f9d8e-8f2a-4c1e-9a57-2d0c3f7b5e11")


def key_type(key: RealmKey) -> str:
    if key.algorithm == HMAC_ALG:
        return "OCT"
    return "EC" if key.algorithm.startswith("ES") else "RSA"


def provider_id(realm_id: str, kind: str) -> str:
    """A stable id for the generated-key provider of this kind in this realm (Keycloak's component id)."""
    return str(uuid.uuid5(_NAMESPACE, f"{realm_id}/{PROVIDERS[kind]}"))


@functools.lru_cache(maxsize=256)
def certificate(kid: str, private_pem: str, realm_name: str, created: int) -> tuple[str, int]:
    """A self-signed certificate for the key (base64 DER) and its end of validity in ms; cached, as
    making one costs a signature."""
    private: Any = serialization.load_pem_private_key(private_pem.encode(), password=None)
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
        .sign(private, hashes.SHA256())
    )
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode(), int(end.timestamp()) * 1000


def _public(key: RealmKey) -> str | None:
    if key.public_pem is None:
        return None
    public: Any = serialization.load_pem_public_key(key.public_pem.encode())
    if not isinstance(public, (rsa.RSAPublicKey, ec.EllipticCurvePublicKey)):
        return None
    der = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode()


def key_json(key: RealmKey, realm_name: str) -> dict[str, Any]:
    """One KeyMetadataRepresentation."""
    kind = key_type(key)
    out: dict[str, Any] = {
        "providerId": provider_id(key.realm_id, kind),
        "providerPriority": key.priority,
        "kid": key.kid,
        "status": key.status.upper(),
        "type": kind,
        "algorithm": key.algorithm,
        "use": key.use.upper(),
    }
    public = _public(key)
    if public is not None:
        out["publicKey"] = public
        out["certificate"], out["validTo"] = certificate(key.kid, key.private, realm_name, key.created)
    return out


def keys_metadata(keys: list[RealmKey], realm_name: str) -> dict[str, Any]:
    """KeysMetadataRepresentation; the active key of an algorithm is the one of highest priority."""
    active: dict[str, str] = {}
    for key in sorted(keys, key=lambda k: (-k.priority, -k.created)):
        if key.status == "active":
            active.setdefault(key.algorithm, key.kid)
    return {"active": active, "keys": [key_json(k, realm_name) for k in keys]}
