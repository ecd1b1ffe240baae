"""Keycloak 26.8 keeps no client private key (keycloak#49239 "Stop storing client private keys in the database and
deprecate generate endpoints", PR 51612, label release/26.8.0): ``certificates/{attr}/generate`` and ``upload`` no
longer store the private key, ``GET certificates/{attr}`` strips one, and ``download`` serves a keystore holding
only the certificate (the npm admin client 26.8.0 deprecates generateKey, downloadKey and generateAndDownloadKey:
"Private keys are no longer stored on the server. The downloaded keystore will only contain the certificate.";
26.8.0's javadoc deprecates generate, generateAndGetKeystore and getKeystore).

The PR's diff is not in the stored source; its description is ("Stops persisting private keys in generate, upload
...", "Strips private keys from getKeyInfo responses"). ``generate`` answers what the key info then shows, no key: the
tests Keycloak keeps for it still assert that equality (the admin client's "generate key and updated info",
CredentialsTest.testGetCertificateResource). A key an older version stored is neither shown nor served (and goes with
the next write of the prefix).
"""

from __future__ import annotations

import base64
import dataclasses
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    pkcs12,
)

from client_keystore import keystore_upload, signer_client
from doorkeep.admin import client_certificates
from wire_env import Env

pytestmark = pytest.mark.anyio


async def _call(env: Env, method: str, url: str, **kw: Any) -> Any:
    answer = await env.http.request(method, url, headers=await env.admin_headers(), **kw)
    assert answer.status_code == 200, (url, answer.status_code, answer.text)
    return answer.json() if "json" in answer.headers.get("content-type", "") else answer.content


async def _attributes(env: Env, cid: str) -> dict[str, str]:
    async with env.db.transaction() as tx:
        client = await tx.clients.get(cid)
        assert client is not None
        return dict(client.attributes)


def _p12_certificates(data: bytes, password: str) -> tuple[object, list[str]]:
    key, cert, extra = pkcs12.load_key_and_certificates(data, password.encode())
    found = [c for c in (cert, *extra) if c is not None]
    return key, [base64.b64encode(c.public_bytes(Encoding.DER)).decode() for c in found]


async def test_generate_keeps_and_answers_only_the_certificate(realm: Env) -> None:
    env = realm
    cid, certs = await signer_client(env)
    made = await _call(env, "POST", f"{certs}/generate")
    assert set(made) == {"certificate"}
    cert = x509.load_der_x509_certificate(base64.b64decode(made["certificate"]))
    assert isinstance(cert.public_key(), rsa.RSAPublicKey)
    assert await _call(env, "GET", certs) == made
    stored = await _attributes(env, cid)
    assert "jwt.credential.private.key" not in stored
    assert stored["jwt.credential.certificate"] == made["certificate"]


async def test_generate_and_download_hands_out_the_key_and_keeps_the_certificate(realm: Env) -> None:
    env = realm
    cid, certs = await signer_client(env)
    config = {"format": "PKCS12", "keyAlias": "mine", "keyPassword": "sp", "storePassword": "sp", "keySize": 2048}
    store = await _call(env, "POST", f"{certs}/generate-and-download", json={**config, "realmCertificate": False})
    key, cert, _ = pkcs12.load_key_and_certificates(store, b"sp")
    assert isinstance(key, rsa.RSAPrivateKey) and cert is not None
    kept = base64.b64encode(cert.public_bytes(Encoding.DER)).decode()
    assert await _call(env, "GET", certs) == {"certificate": kept}
    assert "jwt.credential.private.key" not in await _attributes(env, cid)


async def test_download_serves_the_certificate_alone(realm: Env) -> None:
    env = realm
    _, certs = await signer_client(env)
    made = await _call(env, "POST", f"{certs}/generate")
    config = {"format": "PKCS12", "keyAlias": "mine", "storePassword": "sp", "realmCertificate": False}
    store = await _call(env, "POST", f"{certs}/download", json=config)  # no key password: no key to protect
    key, found = _p12_certificates(store, "sp")
    assert key is None and found == [made["certificate"]]


async def test_upload_keeps_the_certificate_of_a_keystore_with_a_key(realm: Env) -> None:
    env = realm
    cid, certs = await signer_client(env)
    pair, fields, files = keystore_upload()
    answer = await env.http.post(f"{certs}/upload", data=fields, files=files, headers=await env.admin_headers())
    assert answer.status_code == 200, answer.text
    assert answer.json()["certificate"] == pair.certificate
    assert await _call(env, "GET", certs) == {"certificate": pair.certificate}
    assert "jwt.credential.private.key" not in await _attributes(env, cid)


async def test_a_key_stored_before_is_not_shown_nor_served_and_goes_with_the_next_write(realm: Env) -> None:
    env = realm
    cid, certs = await signer_client(env)
    old = client_certificates.generate("legacy", 1_800_000_000, key_size=2048)
    async with env.db.transaction() as tx:
        client = await tx.clients.get(cid)
        assert client is not None
        legacy = {"jwt.credential.private.key": old.private_key, "jwt.credential.certificate": old.certificate}
        await tx.clients.update(dataclasses.replace(client, attributes={**client.attributes, **legacy}))
    assert await _call(env, "GET", certs) == {"certificate": old.certificate}
    config = {"format": "PKCS12", "keyAlias": "mine", "keyPassword": "kp", "storePassword": "sp"}
    store = await _call(env, "POST", f"{certs}/download", json={**config, "realmCertificate": False})
    key, found = _p12_certificates(store, "sp")
    assert key is None and found == [old.certificate]
    assert old.private_key.encode() not in store
    await _call(env, "POST", f"{certs}/generate")
    assert "jwt.credential.private.key" not in await _attributes(env, cid)
