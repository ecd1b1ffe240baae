"""A client's key pair and certificate under an attribute prefix such as ``jwt.credential`` (Keycloak's
CertificateInfoHelper and KeycloakModelUtils.generateKeyPairCertificate).

The attributes are ``{prefix}.certificate`` (base64 DER), and, for a bare public key, ``{prefix}.public.key`` and
``{prefix}.kid``; a CertificateRepresentation shows those present as ``certificate``, ``publicKey`` and ``kid`` (or,
while an OIDC client uses ``jwks.string``, that set's signature key). Uploads
(ClientAttributeCertificateResource.updateCertFromRequest) replace them. Since Keycloak 26.8 (keycloak#49239, PR 51612)
no client private key is kept: a generated or uploaded one is not stored, and one an older version stored
(``{prefix}.private.key``) is never shown nor served, and goes with the next write of the prefix. A generated
pair is RSA 4096 with a self-signed certificate whose subject is ``CN={clientId}`` (cut to 64 characters, as
CertificateUtils.truncateCN does), valid from 100 seconds ago until the same moment three calendar years on
(Keycloak 26.3's defaults; ``Calendar.add(YEAR, n)``, 29 February becoming 28 February).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime
import re
import secrets

import jwt
from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from doorkeep.model import Client
from doorkeep.numbers import loads

DEFAULT_KEY_SIZE = 4096
DEFAULT_YEARS = 3
MAX_CN_LENGTH = 64  # X.520's ub-common-name; CertificateUtils.MAX_CN_LENGTH
FIELDS = (("privateKey", "private.key"), ("certificate", "certificate"), ("publicKey", "public.key"), ("kid", "kid"))


def years_after(start: datetime.datetime, years: int) -> datetime.datetime:
    """Java's ``Calendar.add(Calendar.YEAR, years)``: the same day and time, 29 February becoming 28 February."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


@dataclasses.dataclass(frozen=True)
class KeyPair:
    private_key: str  # base64 PKCS#8 DER
    certificate: str  # base64 DER


def generate(subject: str, now: int, key_size: int = DEFAULT_KEY_SIZE, years: int = DEFAULT_YEARS) -> KeyPair:
    """A new RSA key and its self-signed certificate for ``CN=subject``."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject[:MAX_CN_LENGTH])])
    start = datetime.datetime.fromtimestamp(now, datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(secrets.randbits(63) | 1)
        .not_valid_before(start - datetime.timedelta(seconds=100))
        .not_valid_after(years_after(start, years))
        .sign(key, hashes.SHA256())
    )
    private = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    der = certificate.public_bytes(serialization.Encoding.DER)
    return KeyPair(base64.b64encode(private).decode(), base64.b64encode(der).decode())


def info(client: Client, prefix: str) -> dict[str, str]:
    """CertificateInfoHelper.getCertificateFromClient: the CertificateRepresentation of the attributes, or of the
    client's ``jwks.string`` while it uses that (an unreadable set shows nothing)."""
    if client.attr(USE_JWKS_STRING).lower() == "true":
        try:
            return jwks_info(client.attr(JWKS_STRING))
        except CertificateNotFound:
            return {}
    found = {field: client.attr(f"{prefix}.{suffix}") for field, suffix in FIELDS if client.attr(f"{prefix}.{suffix}")}
    found.pop("privateKey", None)  # Keycloak 26.8 strips a private key stored before (PR 51612)
    return found


def with_certificate(client: Client, prefix: str, certificate: str) -> Client:
    """CertificateInfoHelper.updateClientModelCertificateInfo with a certificate (a generated pair's: its private key
    is not kept)."""
    return with_info(client, prefix, {"certificate": certificate})


JWKS_STRING, USE_JWKS_STRING = "jwks.string", "use.jwks.string"  # OIDCConfigAttributes


class CertificateNotFound(ValueError):
    """CertificateInfoHelper's IllegalStateException: nothing usable was given (no certificate, no public key)."""


def with_info(client: Client, prefix: str, rep: dict[str, str]) -> Client:
    """CertificateInfoHelper.updateClientModelCertificateInfo: exactly one of a certificate and a public key, with
    the kid when given (a private key given is not kept, Keycloak 26.8); every other attribute of the prefix
    removed, a private key stored before too, and an OIDC client's ``jwks.string`` no longer used."""
    if ("certificate" in rep) == ("publicKey" in rep):
        raise CertificateNotFound("Both certificate and publicKey are " + ("not null!" if rep else "null!"))
    dropped = {f"{prefix}.{s}" for _, s in FIELDS} | {JWKS_STRING, USE_JWKS_STRING}
    attributes = {k: v for k, v in client.attributes.items() if k not in dropped}
    kept = {f"{prefix}.{suffix}": rep[field] for field, suffix in FIELDS if rep.get(field) and field != "privateKey"}
    return dataclasses.replace(client, attributes=attributes | kept)


def with_jwks(client: Client, prefix: str, jwks: str) -> Client:
    """CertificateInfoHelper.updateClientModelJwksString: the set itself kept and used, the prefix's keys removed."""
    attributes = {k: v for k, v in client.attributes.items() if k not in {f"{prefix}.{s}" for _, s in FIELDS}}
    attributes |= {USE_JWKS_STRING: "true", JWKS_STRING: jwks}
    return dataclasses.replace(client, attributes=attributes)


def jwks_info(jwks: str) -> dict[str, str]:
    """CertificateInfoHelper.jwksStringToSigCertificateRepresentation: the first key whose ``use`` is ``sig`` (a key
    without ``use`` is passed over, as JWKSUtils.getKeyForUse does), as a public key and its kid."""
    try:
        document = loads(jwks)
    except (ValueError, UnicodeDecodeError):
        raise CertificateNotFound("Invalid jwks representation!") from None
    keys = document.get("keys") if isinstance(document, dict) else None
    for item in keys if isinstance(keys, list) else []:
        if not isinstance(item, dict) or item.get("use") != "sig" or item.get("kty") not in ("RSA", "EC", "OKP"):
            continue
        try:
            key = jwt.PyJWK(item).key
        except (jwt.PyJWKError, jwt.InvalidKeyError, ValueError, TypeError, KeyError):
            continue
        public = key.public_key() if hasattr(key, "private_bytes") else key
        spki = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        info = {"publicKey": base64.b64encode(spki).decode()}
        if isinstance(item.get("kid"), str):
            info["kid"] = item["kid"]
        return info
    raise CertificateNotFound("Certificate not found for use sig")


def pem_body(text: str) -> str:
    """PemUtils.removeBeginEnd: the BEGIN and END lines and the line breaks taken out."""
    body = re.sub(r"-----BEGIN (.*)-----", "", text)
    body = re.sub(r"-----END (.*)----", "", body)
    return body.replace("\r\n", "").replace("\n", "").strip()


def valid_certificate(body: str) -> bool:
    try:
        x509.load_der_x509_certificate(base64.b64decode(body, validate=True))
    except (ValueError, binascii.Error):
        return False
    return True


def valid_public_key(text: str) -> bool:
    try:
        serialization.load_der_public_key(base64.b64decode(pem_body(text), validate=True))
    except (ValueError, binascii.Error, TypeError, UnsupportedAlgorithm):  # a key type nobody reads is no key
        return False
    return True
