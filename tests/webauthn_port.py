"""A software security key for the tests: the answers of navigator.credentials.create() and .get() built in
Python (an EC P-256 key from ``cryptography``, CBOR from ``cbor2``), Base64url-encoded as Keycloak's WebAuthn
pages post them; and the options those pages hand their script."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any

import cbor2
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

ORIGIN, RP_ID = "http://localhost", "localhost"
UP, UV, AT = 0x01, 0x04, 0x40


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def page_options(html: str) -> dict[str, Any]:
    """The options a WebAuthn page hands its script."""
    found = re.search(r'<script type="application/json" id="webauthn-options">(.*?)</script>', html, re.S)
    assert found, html[:800]
    options: dict[str, Any] = json.loads(found.group(1))
    return options


def _certificate(key: ec.EllipticCurvePrivateKey) -> bytes:
    """A self-signed attestation certificate (DER) for ``key``."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Soft Key Attestation")])
    now = dt.datetime.now(dt.UTC)
    builder = x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
    builder = builder.serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
    cert = builder.not_valid_after(now + dt.timedelta(days=1)).sign(key, hashes.SHA256())
    return cert.public_bytes(serialization.Encoding.DER)


@dataclass
class SoftKey:
    """One credential of a software authenticator."""

    aaguid: bytes = field(default_factory=lambda: uuid.UUID("00000000-0000-0000-0000-000000000000").bytes)
    credential_id: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    private_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    counter: int = 0

    def cose_key(self) -> bytes:
        numbers = self.private_key.public_key().public_numbers()
        key = {1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")}
        return cbor2.dumps(key)

    def _client_data(self, kind: str, challenge: str, origin: str) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False}).encode()

    def _sign(self, auth_data: bytes, client_data: bytes) -> bytes:
        return self.private_key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))

    def create(
        self,
        challenge: str,
        *,
        origin: str = ORIGIN,
        rp_id: str = RP_ID,
        fmt: str = "none",
        flags: int = UP | UV,
        label: str = "my key",
        transports: str = "usb",
        attachment: str | None = None,
        certified: bool = False,
    ) -> dict[str, str]:
        """navigator.credentials.create()'s answer as webauthn-register.ftl posts it; ``fmt`` ``none`` or
        ``packed`` (self attestation: signed by the credential's own key; ``certified``: by an attestation key whose
        self-signed certificate is the statement's ``x5c``, as Chrome's virtual authenticator answers a ``direct``
        request); ``attachment``: the
        PublicKeyCredential's ``authenticatorAttachment`` the page reports (none: the field left empty)."""
        attested = self.aaguid + len(self.credential_id).to_bytes(2, "big") + self.credential_id + self.cose_key()
        auth_data = hashlib.sha256(rp_id.encode()).digest() + bytes([flags | AT]) + self.counter.to_bytes(4, "big")
        auth_data += attested
        client_data = self._client_data("webauthn.create", challenge, origin)
        statement: dict[str, Any] = {}
        if fmt == "packed" and certified:
            signer = ec.generate_private_key(ec.SECP256R1())
            data = auth_data + hashlib.sha256(client_data).digest()
            statement = {"alg": -7, "sig": signer.sign(data, ec.ECDSA(hashes.SHA256())), "x5c": [_certificate(signer)]}
        elif fmt == "packed":
            statement = {"alg": -7, "sig": self._sign(auth_data, client_data)}
        attestation = cbor2.dumps({"fmt": fmt, "attStmt": statement, "authData": auth_data})
        answer = {
            "clientDataJSON": b64url(client_data),
            "attestationObject": b64url(attestation),
            "publicKeyCredentialId": b64url(self.credential_id),
            "transports": transports,
            "authenticatorLabel": label,
        }
        return answer if attachment is None else {**answer, "authenticatorAttachment": attachment}

    def get(
        self,
        challenge: str,
        *,
        origin: str = ORIGIN,
        rp_id: str = RP_ID,
        user_handle: str | None = None,
        flags: int = UP | UV,
    ) -> dict[str, str]:
        """navigator.credentials.get()'s answer as webauthn-authenticate.ftl posts it (the counter moves on)."""
        self.counter += 1
        auth_data = hashlib.sha256(rp_id.encode()).digest() + bytes([flags]) + self.counter.to_bytes(4, "big")
        client_data = self._client_data("webauthn.get", challenge, origin)
        return {
            "clientDataJSON": b64url(client_data),
            "authenticatorData": b64url(auth_data),
            "signature": b64url(self._sign(auth_data, client_data)),
            "credentialId": b64url(self.credential_id),
            "userHandle": b64url(user_handle.encode()) if user_handle else "",
        }
