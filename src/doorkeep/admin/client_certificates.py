"""A client's key pair and certificate under an attribute prefix such as ``jwt.credential`` (Keycloak's
CertificateInfoHelper and KeycloakModelUtils.generateKeyPairCertificate).

The attributes are ``{prefix}.private.key`` (base64 PKCS#8), ``{prefix}.certificate`` (base64 DER), and, for a
bare public key, ``{prefix}.public.key`` and ``{prefix}.kid``; a CertificateRepresentation shows those present as
``privateKey``, ``certificate``, ``publicKey`` and ``kid``. A generated pair is RSA 4096 with a self-signed
certificate whose subject is ``CN={clientId}``, valid three years (Keycloak 26.3's defaults).
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import secrets

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from doorkeep.model import Client

DEFAULT_KEY_SIZE = 4096
DEFAULT_YEARS = 3
FIELDS = (("privateKey", "private.key"), ("certificate", "certificate"), ("publicKey", "public.key"), ("kid", "kid"))


@dataclasses.dataclass(frozen=True)
class KeyPair:
    private_key: str  # base64 PKCS#8 DER
    certificate: str  # base64 DER


def generate(subject: str, now: int, key_size: int = DEFAULT_KEY_SIZE, years: int = DEFAULT_YEARS) -> KeyPair:
    """A new RSA key and its self-signed certificate for ``CN=subject``."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    start = datetime.datetime.fromtimestamp(now, datetime.UTC)
    end = start + datetime.timedelta(days=365 * years)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(secrets.randbits(63) | 1)
        .not_valid_before(start - datetime.timedelta(days=1))
        .not_valid_after(end)
        .sign(key, hashes.SHA256())
    )
    private = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    der = certificate.public_bytes(serialization.Encoding.DER)
    return KeyPair(base64.b64encode(private).decode(), base64.b64encode(der).decode())


def info(client: Client, prefix: str) -> dict[str, str]:
    """CertificateInfoHelper.getCertificateFromClient: the CertificateRepresentation of the attributes."""
    return {field: client.attr(f"{prefix}.{suffix}") for field, suffix in FIELDS if client.attr(f"{prefix}.{suffix}")}


def with_pair(client: Client, prefix: str, private_key: str | None, certificate: str) -> Client:
    """CertificateInfoHelper.updateClientModelCertificateInfo with a certificate (and the private key, or none)."""
    attributes = {k: v for k, v in client.attributes.items() if k not in {f"{prefix}.{s}" for _, s in FIELDS}}
    if private_key is not None:
        attributes[f"{prefix}.private.key"] = private_key
    attributes[f"{prefix}.certificate"] = certificate
    return dataclasses.replace(client, attributes=attributes)
