"""The admin resource for a client's JWT signing credentials (Keycloak's ClientAttributeCertificateResource,
``/admin/realms/{realm}/clients/{id}/certificates/jwt.credential``) as ClientAuthSignedJWTTest drives it: one
test per method of AbstractClientAuthSignedJWTTest / ClientAuthSignedJWTTest that goes through the resource, then
Keycloak's token request with the keys it made or read.

The realm is ClientAuthSignedJWTTest's (client_auth_support), imported once for the module; client3 is created
anew before each test, as the Java ``recreateApp3`` does. Keystores are read with Doorkeep's reader, which opens
what Java writes: ``data/keystore-client1.jks`` (keytool, alias ``clientkey``, store password ``storepass``, key
password ``keypass``) stands for Keycloak's ``generatedKeystoreClient1``, and ``data/keystore-client1.p12`` (Java
17's KeyStore API, the same key, store password ``pwd2``, key password ``keypass``) for the PKCS#12 keystore
KeystoreUtils.generateKeystore makes in testUploadKeystorePKCS12. (No maintained Python JKS library exists, and
``cryptography`` opens no PKCS#12 file whose key password differs from its store password.) Doorkeep's downloads
were checked in Java 17 when written: ``KeyStore.getKey(alias, keyPassword)`` recovers the key of both formats, and
the realm certificate is a trusted certificate entry.

Not ported: testClientWithGeneratedKeysBCFKS and testUploadKeystoreBCFKS, as Doorkeep has no BCFKS keystores
(generate-and-download answers 406 "Not supported keystore format. Supported keystore formats: [JKS, PKCS12]", an
upload "error loading keystore"). The resource's own errors, permissions and admin events are covered by
test_keycloak_credentials_test.py (CredentialsTest), test_admin_client_extras.py and
test_keycloak_permissions_test.py (PermissionsTest).
"""

from __future__ import annotations

import base64
import datetime
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

import group_port
from browser_flow import REDIRECT
from client_auth_support import (
    JwksServer,
    client_rep,
    code_to_token_success,
    direct_grant_success,
    import_test_realm,
    request_token,
    sign,
    signed_jwt_realm_clients,
)
from doorkeep.admin import keystores
from keycloak_port import ADMIN, admin_headers, client_uuid, get, poll
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

DATA = Path(__file__).parent / "data"
CERT_ATTR = "jwt.credential.certificate"


@pytest.fixture(scope="module")
async def realm_ready(shared_env: Env) -> None:
    await import_test_realm(shared_env, signed_jwt_realm_clients())


@pytest.fixture
async def kc(env: Env, realm_ready: None) -> Env:
    """``recreateApp3``: client3 (direct grants, client-jwt, no keys) made anew; earlier events drained."""
    headers = await admin_headers(env)
    found = await get(env, "/clients", clientId="client3")
    for client in found:
        assert (await env.http.delete(f"{ADMIN}/clients/{client['id']}", headers=headers)).status_code == 204
    rep = client_rep("client3", directAccessGrantsEnabled=True, redirectUris=[REDIRECT])
    assert (await env.http.post(f"{ADMIN}/clients", json=rep, headers=headers)).status_code == 201
    await poll(env)
    return env


async def certificates_url(env: Env, client_id: str) -> str:
    return f"{ADMIN}/clients/{await client_uuid(env, client_id)}/certificates/jwt.credential"


async def attributes(env: Env, client_id: str) -> dict[str, str]:
    rep = await get(env, f"/clients/{await client_uuid(env, client_id)}")
    found: dict[str, str] = rep.get("attributes") or {}
    return found


def pem_body(pem: str) -> str:
    """PemUtils.removeBeginEnd."""
    lines = [line for line in pem.strip().splitlines() if not line.startswith("-----")]
    return "".join(lines)


def years_on(moment: int, years: int) -> datetime.datetime:
    """``Calendar.getInstance(); add(Calendar.YEAR, years)`` (UTC)."""
    start = datetime.datetime.fromtimestamp(moment, datetime.UTC)
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


def read_keystore(fmt: str, data: bytes, alias: str, store_password: str, key_password: str) -> tuple[Any, Any]:
    """``getKeystore(is, storePassword, format)``, then ``getKey(alias, keyPassword)`` and ``getCertificate(alias)``."""
    key_der, cert_der = keystores.read(fmt, data, store_password, alias, key_password)
    assert key_der is not None and cert_der is not None
    return serialization.load_der_private_key(key_der, None), x509.load_der_x509_certificate(cert_der)


async def client_with_generated_keys(env: Env, fmt: str, key_size: int | None, validity: int | None) -> None:
    """AbstractClientAuthSignedJWTTest.testClientWithGeneratedKeys(format, keySize, validity): a keystore made by
    ``generate-and-download``, its certificate kept on client3, and a password grant signed with its key."""
    config: dict[str, Any] = {"format": fmt, "keyPassword": "pwd1", "storePassword": "pwd2", "keyAlias": "somekey"}
    if key_size is not None:
        config["keySize"] = key_size
    if validity is not None:
        config["validity"] = validity
    cert_old = (await attributes(env, "client3")).get(CERT_ATTR)
    now = env.clock.now()
    url = await certificates_url(env, "client3")
    made = await env.http.post(f"{url}/generate-and-download", json=config, headers=await admin_headers(env))
    assert made.status_code == 200, made.text
    assert made.headers["content-type"] == "application/octet-stream"
    key, cert = read_keystore(fmt, made.content, "somekey", "pwd2", "pwd1")

    cert_new = (await attributes(env, "client3")).get(CERT_ATTR)
    assert cert_new != cert_old, "the old and new certificates shouldn't match"
    assert cert_new == base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()
    public = cert.public_key()
    assert isinstance(public, rsa.RSAPublicKey) and public.key_size == (key_size or 4096)
    expected_end = years_on(now, validity or 3)
    assert abs((cert.not_valid_after_utc - expected_end).total_seconds()) < 1, (cert.not_valid_after_utc, expected_end)

    await direct_grant_success(env, "client3", sign(request_token(env, "client3"), key))


async def test_client_with_generated_keys_jks(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testClientWithGeneratedKeysJKS: the default key size (4096) and validity (3 years)."""
    await client_with_generated_keys(kc, "JKS", None, None)


async def test_client_with_generated_keys_pkcs12(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testClientWithGeneratedKeysPKCS12: a 2048-bit key."""
    await client_with_generated_keys(kc, "PKCS12", 2048, None)


async def upload_keystore(env: Env, fmt: str, data: bytes, key_alias: str, store_password: str) -> dict[str, str]:
    """AbstractClientAuthSignedJWTTest.testUploadKeystore up to the upload: the multipart POST to
    ``upload-certificate`` (``keyPassword`` "undefined"); client3's attributes after it."""
    fields = {"keystoreFormat": fmt, "keyAlias": key_alias, "storePassword": store_password, "keyPassword": "undefined"}
    url = await certificates_url(env, "client3")
    files = {"file": ("file", data, "application/octet-stream")}
    uploaded = await env.http.post(
        f"{url}/upload-certificate", data=fields, files=files, headers=await admin_headers(env)
    )
    assert uploaded.status_code == 200, uploaded.text
    return await attributes(env, "client3")


async def test_upload_keystore_jks(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testUploadKeystoreJKS: a JKS file Java's keytool wrote; its certificate is kept
    (without the private key, the key password being wrong), then client3's code exchange signed with its key."""
    data = (DATA / "keystore-client1.jks").read_bytes()
    cert_old = (await attributes(kc, "client3")).get(CERT_ATTR)
    kept = await upload_keystore(kc, "JKS", data, "clientkey", "storepass")
    pem = (DATA / "keystore-client1.crt.pem").read_text()
    assert kept[CERT_ATTR] != cert_old and kept[CERT_ATTR] == pem_body(pem)
    assert "jwt.credential.private.key" not in kept
    key, _ = read_keystore("JKS", data, "clientkey", "storepass", "keypass")
    await code_to_token_success(kc, "client3", key, "RS256")


async def test_upload_keystore_pkcs12(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testUploadKeystorePKCS12: a PKCS#12 file with store password ``pwd2`` and key
    password ``keypass`` (Java-written); its certificate is kept, then client3's code exchange signed with its key."""
    data = (DATA / "keystore-client1.p12").read_bytes()
    cert_old = (await attributes(kc, "client3")).get(CERT_ATTR)
    kept = await upload_keystore(kc, "PKCS12", data, "clientkey", "pwd2")
    pem = (DATA / "keystore-client1.crt.pem").read_text()
    assert kept[CERT_ATTR] != cert_old and kept[CERT_ATTR] == pem_body(pem)
    key, _ = read_keystore("PKCS12", data, "clientkey", "pwd2", "keypass")
    await code_to_token_success(kc, "client3", key, "RS256")


async def test_upload_reads_the_key_of_a_pkcs12_file_under_its_own_password(kc: Env) -> None:
    """Beyond the port: ``upload`` of a Java-written PKCS#12 file whose key password differs from its store
    password keeps the key as well (KeyStore.getKey(keyAlias, keyPassword)); it was "error loading keystore"."""
    data = (DATA / "keystore-client1.p12").read_bytes()
    url = await certificates_url(kc, "client3")
    fields = {"keystoreFormat": "PKCS12", "keyAlias": "clientkey", "storePassword": "pwd2", "keyPassword": "keypass"}
    files = {"file": ("file", data, "application/octet-stream")}
    uploaded = await kc.http.post(f"{url}/upload", data=fields, files=files, headers=await admin_headers(kc))
    assert uploaded.status_code == 200, uploaded.text
    key, cert = read_keystore("PKCS12", data, "clientkey", "pwd2", "keypass")
    pkcs8 = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    expected = {
        "privateKey": base64.b64encode(pkcs8).decode(),
        "certificate": base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode(),
    }
    assert uploaded.json() == expected
    kept = await get(kc, f"/clients/{await client_uuid(kc, 'client3')}/certificates/jwt.credential")
    assert kept == {"certificate": expected["certificate"]}  # Keycloak 26.8 keeps no private key (PR 51612)


async def test_upload_jwks(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testUploadJWKS: a JWK set file (clientreg-test/jwks.json) becomes client3's
    ``jwks.string``, in use, and the key info shows a valid public key."""
    keys = JwksServer("http://127.0.0.1:9/jwks")  # only its document is used
    keys.generate_keys("RS256")
    jwks = keys.document()
    kept = await upload_keystore(kc, "JSON Web Key Set", jwks.encode(), "undefined", "undefined")
    assert kept["use.jwks.string"] == "true"
    assert kept["jwks.string"] == jwks
    info = await get(kc, f"/clients/{await client_uuid(kc, 'client3')}/certificates/jwt.credential")
    assert info["publicKey"] is not None
    public = serialization.load_der_public_key(base64.b64decode(info["publicKey"]))
    assert isinstance(public, rsa.RSAPublicKey)
    assert info["kid"] == json.loads(jwks)["keys"][0]["kid"]


async def test_generate_cuts_a_long_client_id_to_the_64_characters_a_subject_holds(kc: Env) -> None:
    """Beyond the port: CertificateUtils.truncateCN. A clientId longer than X.520's 64 characters still gets a
    key pair (it was a 500), its certificate's subject the first 64 characters."""
    long_id = "c" * 70
    headers = await admin_headers(kc)
    created = await kc.http.post(f"{ADMIN}/clients", json={"clientId": long_id}, headers=headers)
    assert created.status_code == 201, created.text
    url = await certificates_url(kc, long_id)
    made = await kc.http.post(f"{url}/generate", headers=headers)
    assert made.status_code == 200, made.text
    cert = x509.load_der_x509_certificate(base64.b64decode(made.json()["certificate"]))
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == long_id[:64]
    assert (
        await kc.http.delete(f"{ADMIN}/clients/{await client_uuid(kc, long_id)}", headers=headers)
    ).status_code == 204
