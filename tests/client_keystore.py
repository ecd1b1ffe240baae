"""What the client certificate tests (ClientAttributeCertificateResource: ``clients/{id}/certificates/{attr}``)
share: a client to hold the certificate, and a PKCS12 keystore with a key to upload."""

from __future__ import annotations

import base64
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, load_der_private_key, pkcs12

from doorkeep.admin import client_certificates
from doorkeep.admin.client_certificates import KeyPair
from wire_env import Env


async def signer_client(env: Env, realm: str = "test") -> tuple[str, str]:
    """Client ``signer`` made in ``realm``: its id and its ``jwt.credential`` certificate resource."""
    made = await env.http.post(
        f"/admin/realms/{realm}/clients", json={"clientId": "signer", "secret": "s"}, headers=await env.admin_headers()
    )
    assert made.status_code == 201, made.text
    cid = made.headers["location"].rsplit("/", 1)[1]
    return cid, f"/admin/realms/{realm}/clients/{cid}/certificates/jwt.credential"


def keystore_upload() -> tuple[KeyPair, dict[str, str], dict[str, Any]]:
    """A new key pair in a PKCS12 keystore (alias ``k``, passwords ``sp``): the pair, and the form fields and file
    of its ``upload``."""
    pair = client_certificates.generate("uploaded", 1_800_000_000, key_size=2048)
    key = load_der_private_key(base64.b64decode(pair.private_key), None)
    assert isinstance(key, rsa.RSAPrivateKey)
    cert = x509.load_der_x509_certificate(base64.b64decode(pair.certificate))
    data = pkcs12.serialize_key_and_certificates(b"k", key, cert, None, BestAvailableEncryption(b"sp"))
    fields = {"keystoreFormat": "PKCS12", "keyAlias": "k", "storePassword": "sp", "keyPassword": "sp"}
    return pair, fields, {"file": ("file", data, "application/octet-stream")}
