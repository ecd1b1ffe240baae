"""A full realm export of an ``rsa-generated`` key provider, as Keycloak's holds it: ``privateKey`` and
``certificate`` (both base64 DER, PemUtils' encoding). Keycloak's AbstractGeneratedRsaKeyProviderFactory keeps the
key of an imported model only when it holds both (and the key has the configured size), else it generates a new
pair; so Doorkeep's export carries the certificate its JWKS publishes, and a file of Keycloak's shape imports into
Doorkeep with the same kid and a key that signs."""

from __future__ import annotations

import base64
from typing import Any

import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from doorkeep.keys.components import KEY_PROVIDER, key_id
from doorkeep.realms.exportimport.files import export_realm, import_realm
from support import seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio


def _der(private: rsa.RSAPrivateKey) -> str:
    raw = private.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return base64.b64encode(raw).decode()


def _rsa_generated(exported: dict[str, Any]) -> dict[str, Any]:
    [found] = [c for c in exported["components"][KEY_PROVIDER] if c["providerId"] == "rsa-generated"]
    return dict(found)


async def _jwks(env: Env, realm: str) -> list[dict[str, Any]]:
    return list((await env.http.get(f"/realms/{realm}/protocol/openid-connect/certs")).json()["keys"])


async def _import_as(env: Env, exported: dict[str, Any], name: str) -> None:
    copy = {**exported, "realm": name, "id": name}
    copy.pop("users", None)
    copy.pop("clients", None)
    async with env.db.transaction() as tx:
        assert await import_realm(tx, copy, env.clock.now(), skip_existing=False) == name


async def test_the_export_carries_the_certificate_the_jwks_publishes(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    component = _rsa_generated(await export_realm(env.db, "test"))
    config = component["config"]
    private = serialization.load_der_private_key(base64.b64decode(config["privateKey"][0]), None)
    cert = x509.load_der_x509_certificate(base64.b64decode(config["certificate"][0]))
    assert cert.public_key() == private.public_key()
    assert cert.subject == cert.issuer  # self-signed, as CertificateUtils.generateV1SelfSignedCertificate makes it
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "test"
    kid = key_id(private.public_key())
    [jwk] = [k for k in await _jwks(env, "test") if k["kid"] == kid]
    assert jwk["x5c"] == config["certificate"]


async def test_doorkeeps_export_imports_with_the_same_kid_and_a_key_that_signs(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    exported = await export_realm(env.db, "test")
    config = _rsa_generated(exported)["config"]
    kid = key_id(serialization.load_der_private_key(base64.b64decode(config["privateKey"][0]), None).public_key())
    gone = await env.http.delete("/admin/realms/test", headers=await env.admin_headers())
    assert gone.status_code == 204, gone.text
    await _import_as(env, exported, "again")
    await seed_client(env.db, "again", "cli", public=True)
    await seed_user(env.db, env.clock, "again", "alice", password="pw")
    tokens = await env.http.post(
        "/realms/again/protocol/openid-connect/token",
        data={"grant_type": "password", "client_id": "cli", "username": "alice", "password": "pw"},
    )
    assert tokens.status_code == 200, tokens.text
    access = tokens.json()["access_token"]
    assert jwt.get_unverified_header(access)["kid"] == kid
    [jwk] = [k for k in await _jwks(env, "again") if k["kid"] == kid]
    jwt.decode(
        access,
        jwt.PyJWK(jwk).key,
        algorithms=["RS256"],
        options={"verify_aud": False, "verify_exp": False, "verify_iat": False},
    )


async def test_a_keycloak_shaped_rsa_generated_provider_keeps_its_kid(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    exported = await export_realm(env.db, "test")
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kc")])
    component = _rsa_generated(exported)
    component["config"] = {
        "priority": ["100"],
        "keySize": ["2048"],
        "privateKey": [_der(private)],
        "certificate": [_self_signed(private, name)],
    }
    exported["components"][KEY_PROVIDER] = [component]
    await _import_as(env, exported, "fromkc")
    assert key_id(private.public_key()) in [k["kid"] for k in await _jwks(env, "fromkc")]


def _self_signed(private: rsa.RSAPrivateKey, name: x509.Name) -> str:
    import datetime

    from cryptography.hazmat.primitives import hashes

    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=3650))
        .sign(private, hashes.SHA256())
    )
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()
