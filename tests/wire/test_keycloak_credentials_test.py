"""Keycloak's ``org.keycloak.testsuite.admin.client.CredentialsTest``, one test per method, on the ``account``
client, plus the uploads it reaches only through JKS: a public key, a JWK set, PKCS#12, and the hostile variants.

Keycloak's testUploadKeyAndCertificate uploads a keystore its test utilities generate (JKS, PKCS12 or BCFKS,
whichever the crypto provider prefers); here PKCS#12 files come from ``cryptography`` and JKS files from this
server's own download, which is the round trip Keycloak's admin console offers (download, then upload elsewhere).
Doorkeep reads JKS and PKCS#12, not BCFKS.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

import client_auth_support
from admin_support import realm_admin
from doorkeep.admin import client_certificates
from wire_env import Env, another_worker

pytestmark = pytest.mark.anyio

REALM = "/admin/realms/test"
# CredentialsTest's certificate2: a self-signed CN=client1 certificate (base64 DER, no PEM lines)
CERTIFICATE2 = (
    "MIICnTCCAYUCBgFPPQDGxTANBgkqhkiG9w0BAQsFADASMRAwDgYDVQQDDAdjbGllbnQxMB4XDTE1MDgxNzE4NTAwNVoXDTI1MDgxNzE4NTE0NVow"
    "EjEQMA4GA1UEAwwHY2xpZW50MTCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAMMw3PaBffWxgS2PYSDDBp6As+cNvv9kt2C4f/RDAGmv"
    "SIHPFev9kuQiKs3Oaws3ZsV4JG3qHEuYgnh9W4vfe3DwNwtD1bjL5FYBhPBFTw0lAQECYxaBHnkjHwUKp957FqdSPPICm3LjmTcEdlH+9dpp9xHC"
    "MbbiNiWDzWI1xSxC8Fs2d0hwz1sd+Q4QeTBPIBWcPM+ICZtNG5MN+ORfayu4X+Me5d0tXG2fQO//rAevk1i5IFjKZuOjTwyKB5SJIY4b8QTeg0g/"
    "50IU7Ht00Pxw6CK02dHS+FvXHasZlD3ckomqCDjStTBWdhJo5dST0CbOqalkkpLlCCbGA1yEQRsCAwEAATANBgkqhkiG9w0BAQsFAAOCAQEAUIMe"
    "J+EAo8eNpCG/nXImacjrKakbFnZYBGD/gqeTGaZynkX+jgBSructTHR83zSH+yELEhsAy+3BfK4EEihp+PEcRnK2fASVkHste8AQ7rlzC+HGGirl"
    "wrVhWCdizNUCGK80DE537IZ7nmZw6LFG9P5/Q2MvCsOCYjRUvMkukq6TdXBXR9tETwZ+0gpSfsOxjj0ZF7ftTRUSzx4rFfcbM9fRNdVizdOuKGc8"
    "HJPA5lLOxV6CyaYIvi3y5RlQI1OHeS34lE4w9CNPRFa/vdxXvN7ClyzA0HMFNWxBN7pC/Ht/FbhSvaAagJBHg+vCrcY5C26Oli7lAglf/zZrwUPs0w=="
)


@pytest.fixture
async def kc(realm: Env) -> Env:
    headers = await realm.admin_headers()
    config = {"adminEventsEnabled": True, "adminEventsDetailsEnabled": True}
    assert (await realm.http.put(f"{REALM}/events/config", json=config, headers=headers)).status_code == 204
    return realm


async def account(env: Env) -> str:
    """findClientResourceById("account"): the account client's id."""
    found = await env.http.get(f"{REALM}/clients", params={"clientId": "account"}, headers=await env.admin_headers())
    assert found.status_code == 200, found.text
    return str(found.json()[0]["id"])


async def call(env: Env, method: str, path: str, **kwargs: Any) -> Any:
    response = await env.http.request(method, f"{REALM}{path}", headers=await env.admin_headers(), **kwargs)
    assert response.status_code in (200, 204), (path, response.status_code, response.text)
    return response.json() if response.content and "json" in response.headers.get("content-type", "") else response


async def last_admin_event(env: Env) -> dict[str, Any]:
    listed = await call(env, "GET", "/admin-events", params={"max": 1})
    event: dict[str, Any] = listed[0]
    return event


def form(fmt: str, data: bytes, **fields: str) -> dict[str, Any]:
    """MultipartFormDataOutput: the text fields and the ``file`` part (application/octet-stream)."""
    return {"data": {"keystoreFormat": fmt, **fields}, "files": {"file": ("file", data, "application/octet-stream")}}


async def upload(env: Env, client: str, fmt: str, data: bytes, path: str = "upload", **fields: str) -> Any:
    return await call(env, "POST", f"/clients/{client}/certificates/jwt.credential/{path}", **form(fmt, data, **fields))


async def refused(env: Env, client: str, fmt: str, data: bytes, path: str = "upload", **fields: str) -> Any:
    url = f"{REALM}/clients/{client}/certificates/jwt.credential/{path}"
    return await env.http.post(url, headers=await env.admin_headers(), **form(fmt, data, **fields))


def pkcs12_store(alias: str, store_password: str) -> tuple[bytes, str, str]:
    """A PKCS#12 file (written by ``cryptography``) with an RSA key and its self-signed certificate; the key and
    certificate as base64 DER."""
    pair = client_certificates.generate("clientkey", 1_800_000_000, key_size=2048)
    key = serialization.load_der_private_key(base64.b64decode(pair.private_key), None)
    assert isinstance(key, rsa.RSAPrivateKey)
    cert = x509.load_der_x509_certificate(base64.b64decode(pair.certificate))
    data = pkcs12.serialize_key_and_certificates(
        alias.encode(), key, cert, None, BestAvailableEncryption(store_password.encode())
    )
    return data, pair.private_key, pair.certificate


async def test_get_and_regenerate_secret(kc: Env) -> None:
    """testGetAndRegenerateSecret"""
    client = await account(kc)
    old = await call(kc, "GET", f"/clients/{client}/client-secret")
    new = await call(kc, "POST", f"/clients/{client}/client-secret")
    event = await last_admin_event(kc)
    assert (event["operationType"], event["resourceType"]) == ("ACTION", "CLIENT")
    assert event["resourcePath"] == f"clients/{client}/client-secret"
    assert json.loads(event["representation"])["type"] == "secret"  # AssertAdminEvents: the fields it names
    assert new["value"] and new["value"] != old.get("value")  # account is public: no secret before
    assert new["value"] not in event["representation"]  # the secret itself is masked in the event
    assert (await call(kc, "GET", f"/clients/{client}/client-secret"))["value"] == new["value"]


async def test_get_and_regenerate_registration_access_token(kc: Env) -> None:
    """testGetAndRegenerateRegistrationAccessToken: the token is shown once, never in the representation."""
    client = await account(kc)
    rep = await call(kc, "GET", f"/clients/{client}")
    assert rep.get("registrationAccessToken") is None
    token = (await call(kc, "POST", f"/clients/{client}/registration-access-token"))["registrationAccessToken"]
    assert token
    assert (await call(kc, "GET", f"/clients/{client}")).get("registrationAccessToken") is None
    event = await last_admin_event(kc)
    assert (event["operationType"], event["resourceType"]) == ("ACTION", "CLIENT")
    assert event["resourcePath"] == f"clients/{client}/registration-access-token"


async def test_get_certificate_resource(kc: Env) -> None:
    """testGetCertificateResource (generate's answer equals the key info read back) as Keycloak 26.8 has it
    (keycloak#49239, PR 51612): no client private key kept, so neither shows one."""
    client = await account(kc)
    cert = await call(kc, "POST", f"/clients/{client}/certificates/jwt.credential/generate")
    again = await call(kc, "GET", f"/clients/{client}/certificates/jwt.credential")
    assert again == cert == {"certificate": cert["certificate"]}
    event = await last_admin_event(kc)
    assert event["resourcePath"] == f"clients/{client}/certificates/jwt.credential/generate"
    assert "privateKey" not in json.dumps(event)


async def test_upload_key_and_certificate(kc: Env) -> None:
    """testUploadKeyAndCertificate, with a PKCS#12 keystore: the key and certificate are read from it; a PEM
    certificate through ``upload-certificate`` or ``upload`` replaces both (the private key removed), with or
    without its BEGIN/END lines."""
    client = await account(kc)
    certs = f"/clients/{client}/certificates/jwt.credential"
    data, key, cert = pkcs12_store("clientkey", "storepass")
    fields = {"keyAlias": "clientkey", "keyPassword": "storepass", "storePassword": "storepass"}
    extracted = await upload(kc, client, "PKCS12", data, **fields)
    assert extracted == {"privateKey": key, "certificate": cert}
    assert await call(kc, "GET", certs) == {"certificate": cert}  # Keycloak 26.8 keeps no private key
    event = await last_admin_event(kc)
    assert (event["operationType"], event["resourcePath"]) == ("ACTION", f"{certs[1:]}/upload")
    assert key not in json.dumps(event) and "storepass" not in json.dumps(event)

    pem = CERTIFICATE2.encode()
    assert await upload(kc, client, "Certificate PEM", pem, "upload-certificate") == {"certificate": CERTIFICATE2}
    assert await call(kc, "GET", certs) == {"certificate": CERTIFICATE2}  # the private key nullified

    await upload(kc, client, "PKCS12", data, **fields)  # the private key re-uploaded
    assert await upload(kc, client, "Certificate PEM", pem) == {"certificate": CERTIFICATE2}
    assert await call(kc, "GET", certs) == {"certificate": CERTIFICATE2}

    with_headers = f"-----BEGIN CERTIFICATE-----\n{CERTIFICATE2}\n-----END CERTIFICATE-----".encode()
    assert await upload(kc, client, "Certificate PEM", with_headers) == {"certificate": CERTIFICATE2}
    assert await call(kc, "GET", certs) == {"certificate": CERTIFICATE2}  # stored without the lines


async def test_download_keystore(kc: Env) -> None:
    """testDownloadKeystore: the generated certificate comes back in the keystore, under the alias and passwords
    given (read back through the upload, which needs the same passwords); since Keycloak 26.8 the keystore holds only
    the certificate (no private key is kept to put in it)."""
    client = await account(kc)
    certs = f"/clients/{client}/certificates/jwt.credential"
    made = await call(kc, "POST", f"{certs}/generate")
    for fmt in ("JKS", "PKCS12"):
        config = {"format": fmt, "keyAlias": "alias", "keyPassword": "storePass", "storePassword": "storePass"}
        store = (await call(kc, "POST", f"{certs}/download", json=config)).content
        fields = {"keyAlias": "alias", "keyPassword": "storePass", "storePassword": "storePass"}
        assert await upload(kc, client, fmt, store, **fields) == {"certificate": made["certificate"]}, fmt


async def test_generate_and_download_keystore(kc: Env) -> None:
    """testGenerateAndDownloadKeystore: a new pair, not the one generated before; only its certificate is kept."""
    client = await account(kc)
    certs = f"/clients/{client}/certificates/jwt.credential"
    first = await call(kc, "POST", f"{certs}/generate")
    config = {"format": "JKS", "keyAlias": "alias", "keyPassword": "keyPass", "storePassword": "storePass"}
    store = (await call(kc, "POST", f"{certs}/generate-and-download", json={**config, "keySize": 2048})).content
    kept = await call(kc, "GET", certs)
    assert set(kept) == {"certificate"} and kept["certificate"] != first["certificate"]
    read = await refused(kc, client, "JKS", store, keyAlias="alias", keyPassword="keyPass", storePassword="storePass")
    assert read.status_code == 200, read.text
    assert read.json()["privateKey"]  # the keystore holds the new key (the upload answers it, keeps none)
    assert read.json()["certificate"] == kept["certificate"]


async def test_upload_public_key_pem_and_jwks(kc: Env) -> None:
    """Beyond the port: a public key PEM is kept as given; a JWK set's first ``sig`` key (a key without ``use`` is
    passed over) becomes the client's ``jwks.string``, in use, and the key info shows its key and kid; a later
    certificate upload stops using the set."""
    client = await account(kc)
    certs = f"/clients/{client}/certificates/jwt.credential"
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    spki = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    b64 = base64.b64encode(spki).decode()
    pem = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    assert await upload(kc, client, "Public Key PEM", pem.encode()) == {"publicKey": pem}
    numbers = key.public_numbers()
    jwk = {
        "kty": "EC",
        "crv": "P-256",
        "x": base64.urlsafe_b64encode(numbers.x.to_bytes(32, "big")).rstrip(b"=").decode(),
        "y": base64.urlsafe_b64encode(numbers.y.to_bytes(32, "big")).rstrip(b"=").decode(),
    }
    jwks = json.dumps({"keys": [{**jwk, "kid": "no-use"}, {**jwk, "kid": "k1", "use": "sig"}]})
    assert await upload(kc, client, "JSON Web Key Set", jwks.encode()) == {"publicKey": b64, "kid": "k1"}
    attributes = (await call(kc, "GET", f"/clients/{client}"))["attributes"]
    assert (attributes["use.jwks.string"], attributes["jwks.string"]) == ("true", jwks)
    assert "jwt.credential.public.key" not in attributes
    assert await call(kc, "GET", certs) == {"publicKey": b64, "kid": "k1"}
    await upload(kc, client, "Certificate PEM", CERTIFICATE2.encode())
    attributes = (await call(kc, "GET", f"/clients/{client}"))["attributes"]
    assert "use.jwks.string" not in attributes and "jwks.string" not in attributes
    assert await call(kc, "GET", certs) == {"certificate": CERTIFICATE2}


@pytest.mark.parametrize(
    ("fmt", "data", "fields", "status", "body"),
    [
        ("", b"x", {}, 400, {"error": "error loading keystore"}),
        ("BCFKS", b"x", {"keyAlias": "a"}, 400, {"error": "error loading keystore"}),
        ("JKS", b"not a keystore at all, long enough", {"keyAlias": "a"}, 400, {"error": "error loading keystore"}),
        ("PKCS12", b"\x30\x82\xff\xff", {"keyAlias": "a"}, 400, {"error": "error loading keystore"}),
        ("Certificate PEM", b"-----BEGIN CERTIFICATE-----\nAAAA\n", {}, 400, {"error": "error loading certificate"}),
        ("Public Key PEM", b"not base64!", {}, 400, {"error": "error loading public key"}),
        ("JSON Web Key Set", b'{"keys": [{"kty": "RSA", "use": "enc"}]}', {}, 400, None),
        ("JSON Web Key Set", b"[" * 5000, {}, 400, None),
        ("Certificate PEM", b"", {}, 400, {"error": "file cannot be empty"}),
    ],
    ids=["empty-format", "bcfks", "jks-garbage", "pkcs12-garbage", "bad-pem", "bad-key", "no-sig", "deep", "empty"],
)
async def test_hostile_uploads_are_refused_and_change_nothing(
    kc: Env, fmt: str, data: bytes, fields: dict[str, str], status: int, body: dict[str, str] | None
) -> None:
    """Every malformed upload is a 400 with Keycloak's message (never a 500), and the client keeps its pair."""
    client = await account(kc)
    certs = f"/clients/{client}/certificates/jwt.credential"
    before = await call(kc, "POST", f"{certs}/generate")
    answer = await refused(kc, client, fmt, data, **fields)
    assert answer.status_code == status, answer.text
    expected = body or {
        "error": "certificate-not-found",
        "error_description": "Certificate or key with given alias not found in the keystore",
    }
    assert answer.json() == expected
    assert await call(kc, "GET", certs) == {"certificate": before["certificate"]}


async def test_hostile_keystore_passwords_and_aliases(kc: Env) -> None:
    """A wrong JKS store password is "Password verification failed"; a wrong key password reads the certificate
    alone (Keycloak ignores the key it cannot recover); an alias the store lacks is certificate-not-found; a body
    that is not multipart is 415; without manage-clients it is 403 before anything is read."""
    client = await account(kc)
    certs = f"/clients/{client}/certificates/jwt.credential"
    made = await call(kc, "POST", f"{certs}/generate")
    config = {"format": "JKS", "keyAlias": "k", "keyPassword": "kp", "storePassword": "sp", "realmCertificate": False}
    store = (await call(kc, "POST", f"{certs}/download", json=config)).content
    wrong_store = await refused(kc, client, "JKS", store, keyAlias="k", keyPassword="kp", storePassword="nope")
    assert (wrong_store.status_code, wrong_store.json()) == (400, {"error": "Password verification failed"})
    wrong_key = await refused(kc, client, "JKS", store, keyAlias="K", keyPassword="nope", storePassword="sp")
    assert (wrong_key.status_code, wrong_key.json()) == (200, {"certificate": made["certificate"]})
    assert await call(kc, "GET", certs) == {"certificate": made["certificate"]}
    missing = await refused(kc, client, "JKS", store, keyAlias="other", keyPassword="kp", storePassword="sp")
    assert missing.status_code == 400 and missing.json()["error"] == "certificate-not-found"
    tampered = store[:-1] + bytes([store[-1] ^ 1])
    broken = await refused(kc, client, "JKS", tampered, keyAlias="k", keyPassword="kp", storePassword="sp")
    assert (broken.status_code, broken.json()) == (400, {"error": "Password verification failed"})
    url = f"{REALM}{certs}/upload"
    as_json = await kc.http.post(url, json={"keystoreFormat": "JKS"}, headers=await kc.admin_headers())
    assert as_json.status_code == 415, as_json.text
    viewer = await realm_admin(kc, "viewer", "view-clients")
    pem = form("Certificate PEM", CERTIFICATE2.encode())
    for path in ("upload", "upload-certificate"):
        forbidden = await kc.http.post(f"{REALM}{certs}/{path}", headers=viewer, **pem)
        assert forbidden.status_code == 403, forbidden.text
    assert (await kc.http.get(f"{REALM}{certs}", headers=viewer)).json() == {"certificate": made["certificate"]}


async def test_hostile_multipart_bodies_are_refused_and_change_nothing(kc: Env) -> None:
    """A body over the server's limit is 413, a multipart body without its boundary or cut short is 400, and one
    with more parts than an upload has is 400; the client keeps its pair every time."""
    client = await account(kc)
    certs = f"/clients/{client}/certificates/jwt.credential"
    before = await call(kc, "POST", f"{certs}/generate")
    url, headers = f"{REALM}{certs}/upload", await kc.admin_headers()
    huge = await kc.http.post(url, headers=headers, **form("Certificate PEM", b"A" * 70_000))
    assert huge.status_code == 413, huge.text
    no_boundary = await kc.http.post(
        url, headers={**headers, "Content-Type": "multipart/form-data"}, content=b"--x\r\nnonsense"
    )
    assert (no_boundary.status_code, no_boundary.json()) == (400, {"error": "HTTP 400 Bad Request"})
    cut = b'--b\r\nContent-Disposition: form-data; name="keystoreFormat"\r\n\r\nJKS'
    short = await kc.http.post(url, headers={**headers, "Content-Type": "multipart/form-data; boundary=b"}, content=cut)
    assert short.status_code == 400, short.text
    fields = {f"f{i}": "x" for i in range(40)} | {"keystoreFormat": "Certificate PEM"}
    crowded = await kc.http.post(url, headers=headers, data=fields, files={"file": ("f", CERTIFICATE2.encode())})
    assert (crowded.status_code, crowded.json()) == (400, {"error": "HTTP 400 Bad Request"})
    assert await call(kc, "GET", certs) == {"certificate": before["certificate"]}


@pytest.mark.parametrize("fmt", ["Certificate PEM", "Public Key PEM", "JSON Web Key Set"])
async def test_an_uploaded_key_authenticates_the_client_at_once_in_another_worker(kc: Env, fmt: str) -> None:
    """What an upload is for: a ``client-jwt`` client signs its assertion with the key it uploaded, and the token
    endpoint of another worker (its own caches) accepts it at once; the key it had before no longer does."""
    headers = await kc.admin_headers()
    rep = {"clientId": "signer", "clientAuthenticatorType": "client-jwt", "serviceAccountsEnabled": True}
    created = await kc.http.post(f"{REALM}/clients", json=rep, headers=headers)
    assert created.status_code == 201, created.text
    client = created.headers["location"].rsplit("/", 1)[1]
    old, new = client_auth_support.new_key(), client_auth_support.new_key()
    await upload(kc, client, "Certificate PEM", client_auth_support.certificate(old).encode())
    if fmt == "Certificate PEM":
        data = client_auth_support.certificate(new).encode()
    elif fmt == "Public Key PEM":
        data = client_auth_support.public_key_pem(new).encode()
    else:
        public = new.public_key()
        assert isinstance(public, rsa.RSAPublicKey)
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(public))
        data = json.dumps({"keys": [{**jwk, "use": "sig", "kid": client_auth_support.kid_of(new)}]}).encode()
    async with another_worker(kc) as worker:  # it reads the client once before the upload
        assert (await worker.get(f"{REALM}/clients/{client}", headers=headers)).status_code == 200
        await upload(kc, client, fmt, data, "upload-certificate")
        for key, status in ((new, 200), (old, 400)):  # the old key's kid: "Unable to load public key"
            form = {
                "grant_type": "client_credentials",
                "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion": client_auth_support.signed_jwt(kc, key, "signer"),
            }
            answer = await worker.post("/realms/test/protocol/openid-connect/token", data=form)
            assert answer.status_code == status, (fmt, answer.text)
