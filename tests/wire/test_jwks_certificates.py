"""The realm's JWKS publishes each key's certificate as Keycloak's JWKBuilder does (OIDCLoginProtocolService.certs
passes the key's certificate chain): ``x5c`` with the base64 DER certificate ``GET /admin/realms/{r}/keys`` shows,
``x5t`` and ``x5t#S256`` its SHA-1 and SHA-256 thumbprints (base64url), for every RSA key and for EC keys made with
``ecGenerateCertificate``; an EC key without a certificate has none of the three."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from key_provider_port import created_id, metadata, of_provider, rep
from support import password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio

CERTS = "/realms/test/protocol/openid-connect/certs"


async def _jwks(env: Env) -> dict[str, dict[str, Any]]:
    response = await env.http.get(CERTS)
    assert response.status_code == 200, response.text
    return {key["kid"]: key for key in response.json()["keys"]}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _thumbprint(der: bytes, name: str) -> str:
    return b64url(hashlib.new(name, der).digest())


async def test_every_rsa_key_carries_its_certificate_and_thumbprints(realm: Env) -> None:
    published = await _jwks(realm)
    listed = [k for k in (await metadata(realm))["keys"] if k["type"] == "RSA"]
    assert listed
    for key in listed:
        jwk = published[key["kid"]]
        assert jwk["x5c"] == [key["certificate"]]
        der = base64.b64decode(key["certificate"])
        assert jwk["x5t"] == _thumbprint(der, "sha1")
        assert jwk["x5t#S256"] == _thumbprint(der, "sha256")
        # The certificate holds the very key the JWK's n and e describe.
        numbers = x509.load_der_x509_certificate(der).public_key().public_numbers()  # type: ignore[union-attr]
        assert jwk["n"] == b64url(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big"))  # type: ignore[union-attr]
        assert list(jwk)[:4] == ["kid", "kty", "alg", "use"]


async def test_a_token_verifies_with_the_key_taken_from_x5c(realm: Env) -> None:
    response = await password_grant(realm.http, "test", "app")
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    kid = jwt.get_unverified_header(token)["kid"]
    der = base64.b64decode((await _jwks(realm))[kid]["x5c"][0])
    public = x509.load_der_x509_certificate(der).public_key()
    assert isinstance(public, rsa.RSAPublicKey)
    claims = jwt.decode(
        token, public, algorithms=["RS256"], options={"verify_aud": False, "verify_exp": False, "verify_iat": False}
    )
    assert claims["azp"] == "app"


@pytest.mark.parametrize("with_certificate", [False, True])
async def test_an_ec_key_has_x5c_only_with_a_generated_certificate(realm: Env, with_certificate: bool) -> None:
    config = {"priority": "150", "ecGenerateCertificate": "true" if with_certificate else "false"}
    component_id = await created_id(realm, await rep(realm, "ec", "ecdsa-generated", config))
    key = of_provider(await metadata(realm), component_id)
    jwk = (await _jwks(realm))[key["kid"]]
    assert jwk["kty"] == "EC" and jwk["crv"] == "P-256"
    if with_certificate:
        assert jwk["x5c"] == [key["certificate"]]
        assert jwk["x5t#S256"] == _thumbprint(base64.b64decode(key["certificate"]), "sha256")
    else:
        assert "certificate" not in key
        assert not {"x5c", "x5t", "x5t#S256"} & set(jwk)
