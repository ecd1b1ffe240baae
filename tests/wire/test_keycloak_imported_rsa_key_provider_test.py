"""Wire port of Keycloak's ``org.keycloak.tests.keys.ImportedRsaKeyProviderTest`` (tests/base/src/test/java/org/
keycloak/tests/keys/): an ``rsa`` key provider given a private key (base64 PKCS#8 without armour, as
``PemUtils.encodeKey`` writes it), with or without its certificate: the masked private key, the self-signed
certificate made for a key given alone, the kid (KeyUtils.createKeyId), ComponentValidationException's messages
for a bad priority, enabled, active, private key or certificate, an expired certificate refused at import
("Certificate is not valid"), and a key whose certificate expires later turning PASSIVE then
(KeyNoteUtils.checkNotAfter). ``timeOffSet.set(3610)`` is the fake clock moved on.

Beyond the Java assertions: the imported key of the highest priority signs the next access token, and once
its certificate has expired another key signs while the tokens it signed still verify.

The ``*ForEnc`` methods run the same scenarios on ``rsa-enc`` (ImportedRsaEncKeyProviderFactory: use ENC,
RSA-OAEP by default); an encryption key never signs, so there the token check is that it does not.
``invalidExpiredCertificate`` runs on ``rsa-enc`` as in Java; its key and certificate, SAML test constants in
Java, are a key pair made here with a certificate that expired a day ago. Every Java @Test is ported.
"""

from __future__ import annotations

import base64
import datetime
import hashlib

import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from key_provider_port import (
    SECRET_VALUE,
    access_token,
    add,
    assert_error,
    component,
    created_id,
    metadata,
    rep,
)
from support import header, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio

PROVIDER = "rsa"  # ImportedRsaKeyProviderFactory.ID
ENC_PROVIDER = "rsa-enc"  # ImportedRsaEncKeyProviderFactory.ID
BOTH = [pytest.param(PROVIDER, id="ForSig"), pytest.param(ENC_PROVIDER, id="ForEnc")]
USE = {PROVIDER: ("SIG", "RS256"), ENC_PROVIDER: ("ENC", "RSA-OAEP")}


def _pair() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _encode_key(private: rsa.RSAPrivateKey) -> str:
    """``PemUtils.encodeKey(privateKey)``: base64 PKCS#8 DER, no armour."""
    der = private.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return base64.b64encode(der).decode()


def _encode_public(private: rsa.RSAPrivateKey) -> str:
    """``PemUtils.encodeKey(publicKey)``: base64 SubjectPublicKeyInfo DER."""
    der = private.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode()


def _kid(private: rsa.RSAPrivateKey) -> str:
    """``KeyUtils.createKeyId``: base64url SHA-256 of the SubjectPublicKeyInfo."""
    digest = hashlib.sha256(base64.b64decode(_encode_public(private))).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _certificate(private: rsa.RSAPrivateKey, start: int, end: int) -> str:
    """``CertificateUtils.generateV1SelfSignedCertificate(keyPair, "test"[, serial, notAfter])`` as
    ``PemUtils.encodeCertificate`` writes it (base64 DER)."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(1)
        .not_valid_before(datetime.datetime.fromtimestamp(start, datetime.UTC))
        .not_valid_after(datetime.datetime.fromtimestamp(end, datetime.UTC))
        .sign(private, hashes.SHA256())
    )
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()


def _certified_key(encoded: str) -> str:
    """``PemUtils.decodeCertificate(...).getPublicKey()``, encoded as a key's ``publicKey``."""
    public = x509.load_der_x509_certificate(base64.b64decode(encoded)).public_key()
    der = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode()


async def _signs_only_if_sig(realm: Env, provider: str, kid: str) -> None:
    signed = header(await access_token(realm))["kid"]
    assert (signed == kid) == (provider == PROVIDER)


@pytest.mark.parametrize("provider", BOTH)
async def test_private_key_only(realm: Env, provider: str) -> None:
    """``privateKeyOnlyForSig``, ``privateKeyOnlyForEnc``."""
    use, algorithm = USE[provider]
    priority = realm.clock.now_ms()
    private = _pair()
    body = await rep(realm, "valid", provider, {"privateKey": _encode_key(private), "priority": str(priority)})
    component_id = await created_id(realm, body)

    created = (await component(realm, component_id))["config"]
    assert created["privateKey"] == [SECRET_VALUE]
    assert _certified_key(created["certificate"][0]) == _encode_public(private)  # the self-signed one

    keys = await metadata(realm)
    assert keys["active"][algorithm] == _kid(private)
    key = keys["keys"][0]
    assert (key["providerId"], key["type"], key["providerPriority"], key["kid"]) == (
        component_id,
        "RSA",
        priority,
        _kid(private),
    )
    assert key["publicKey"] == _encode_public(private)
    assert _certified_key(key["certificate"]) == _encode_public(private)
    assert (key["use"], key["algorithm"]) == (use, algorithm)
    await _signs_only_if_sig(realm, provider, _kid(private))


@pytest.mark.parametrize("provider", BOTH)
async def test_key_and_certificate(realm: Env, provider: str) -> None:
    """``keyAndCertificateForSig``, ``keyAndCertificateForEnc``."""
    priority = realm.clock.now_ms()
    private = _pair()
    now = realm.clock.now()
    certificate = _certificate(private, now - 60, now + 365 * 86400)
    config = {"privateKey": _encode_key(private), "certificate": certificate, "priority": str(priority)}
    component_id = await created_id(realm, await rep(realm, "valid", provider, config))
    created = (await component(realm, component_id))["config"]
    assert created["privateKey"] == [SECRET_VALUE] and created["certificate"] == [certificate]
    key = (await metadata(realm))["keys"][0]
    assert key["certificate"] == certificate and key["use"] == USE[provider][0]
    if provider == ENC_PROVIDER:  # the JWKS publishes the encryption key with its certificate
        jwks = (await realm.http.get(token_url("test", "certs"))).json()["keys"]
        published = next(k for k in jwks if k["kid"] == _kid(private))
        assert (published["use"], published["alg"], published["x5c"]) == ("enc", "RSA-OAEP", [certificate])


@pytest.mark.parametrize(
    ("provider", "name", "value", "message"),
    [
        pytest.param(p, "priority", "invalid", "'Priority' should be a number", id=f"invalidPriorityFor{u}")
        for p, u in ((PROVIDER, "Sig"), (ENC_PROVIDER, "Enc"))
    ]
    + [
        pytest.param(p, "enabled", "invalid", "'Enabled' should be 'true' or 'false'", id=f"invalidEnabledFor{u}")
        for p, u in ((PROVIDER, "Sig"), (ENC_PROVIDER, "Enc"))
    ]
    + [
        pytest.param(p, "active", "invalid", "'Active' should be 'true' or 'false'", id=f"invalidActiveFor{u}")
        for p, u in ((PROVIDER, "Sig"), (ENC_PROVIDER, "Enc"))
    ],
)
async def test_invalid_switch(realm: Env, provider: str, name: str, value: str, message: str) -> None:
    """``invalidPriorityFor*``, ``invalidEnabledFor*``, ``invalidActiveFor*``."""
    body = await rep(realm, "invalid", provider, {"privateKey": _encode_key(_pair()), name: value})
    assert_error(await add(realm, body), message)


@pytest.mark.parametrize("provider", BOTH)
async def test_invalid_private_key(realm: Env, provider: str) -> None:
    """``invalidPrivateKeyForSig``, ``invalidPrivateKeyForEnc``."""
    private = _pair()
    assert_error(await add(realm, await rep(realm, "invalid", provider)), "'Private RSA Key' is required")
    body = await rep(realm, "invalid", provider, {"privateKey": "nonsense"})
    assert_error(await add(realm, body), "Failed to decode private key")
    body = await rep(realm, "invalid", provider, {"privateKey": _encode_public(private)})
    assert_error(await add(realm, body), "Failed to decode private key")


@pytest.mark.parametrize("provider", BOTH)
async def test_invalid_certificate(realm: Env, provider: str) -> None:
    """``invalidCertificateForSig``, ``invalidCertificateForEnc``."""
    private, now = _pair(), realm.clock.now()
    other = _certificate(_pair(), now - 60, now + 86400)
    body = await rep(realm, "invalid", provider, {"privateKey": _encode_key(private), "certificate": "nonsense"})
    assert_error(await add(realm, body), "Failed to decode certificate")
    body = await rep(realm, "invalid", provider, {"privateKey": _encode_key(private), "certificate": other})
    assert_error(await add(realm, body), "Certificate does not match private key")


async def test_invalid_expired_certificate(realm: Env) -> None:
    """``invalidExpiredCertificate``, on ``rsa-enc`` as in Java."""
    private, now = _pair(), realm.clock.now()
    expired = _certificate(private, now - 30 * 86400, now - 86400)
    body = await rep(realm, "invalid", ENC_PROVIDER, {"privateKey": _encode_key(private), "certificate": expired})
    assert_error(await add(realm, body), "Certificate is not valid")
    listed = await realm.http.get("/admin/realms/test/components", headers=await realm.admin_headers())
    assert "invalid" not in {c["name"] for c in listed.json()}


async def test_expired_certificate_in_one_hour(realm: Env) -> None:
    """``testExpiredCertificateInOneHour``: ACTIVE while its certificate is valid, PASSIVE after."""
    priority = realm.clock.now_ms()
    private, now = _pair(), realm.clock.now()
    certificate = _certificate(private, now - 60, now + 3600)
    config = {"privateKey": _encode_key(private), "certificate": certificate, "priority": str(priority)}
    component_id = await created_id(realm, await rep(realm, "valid", PROVIDER, config))
    created = (await component(realm, component_id))["config"]
    assert created["privateKey"] == [SECRET_VALUE] and created["certificate"] == [certificate]

    key = (await metadata(realm))["keys"][0]
    assert (key["certificate"], key["use"], key["status"]) == (certificate, "SIG", "ACTIVE")
    signed = await access_token(realm)
    assert header(signed)["kid"] == _kid(private)

    realm.clock.advance(3610)
    keys = await metadata(realm)
    assert keys["keys"][0]["kid"] == _kid(private) and keys["keys"][0]["status"] == "PASSIVE"
    assert keys["active"]["RS256"] != _kid(private)
    assert header(await access_token(realm))["kid"] == keys["active"]["RS256"]
    published = (await realm.http.get(token_url("test", "certs"))).json()
    verifier = jwt.PyJWKSet.from_dict(published)[_kid(private)]  # a passive key still verifies what it signed
    options: jwt.types.Options = {"verify_aud": False, "verify_exp": False}
    assert jwt.decode(signed, verifier.key, algorithms=["RS256"], options=options)["iss"].endswith("/realms/test")
