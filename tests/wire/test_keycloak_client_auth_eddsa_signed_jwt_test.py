"""Wire port of Keycloak's ``ClientAuthEdDSASignedJWTTest`` (testsuite/integration-arquillian/tests/base/.../oauth/),
one test per method: a client authenticates at the token endpoint with an EdDSA-signed assertion
(``private_key_jwt``), its Ed25519 or Ed448 key published as an OKP JWK (RFC 8037) at its ``jwks.url`` or in its
``jwks.string``, or kept as an uploaded certificate or public-key PEM.

The flows are AbstractClientAuthSignedJWTTest's (tests/client_auth_support.py): the code exchanged by client2
(JWKS) or client3 (upload) with an assertion whose header is ``alg`` EdDSA and ``kid`` KeyUtils.createKeyId of
the public key, then the CODE_TO_TOKEN event with ``client_auth_method`` client-jwt. As in
test_keycloak_client_auth_test.py, testUploadCertificatePem*/testUploadPublicKeyPem* set the attribute the upload
writes through the client representation (Keycloak's own methods need a BCFKS keystore to make the PEM and are
skipped where its crypto provider lacks one).

Beyond the Java methods: ``token.endpoint.auth.signing.alg`` EdDSA enforced (an EdDSA assertion passes, an RS256
one is refused), and an assertion whose signature does not match its Ed25519 key.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from client_auth_support import (
    certificate,
    code_to_token_success,
    import_test_realm,
    jwks_server,
    new_key,
    password_grant,
    public_key_pem,
    request_token,
    sign,
    signed_jwt_realm_clients,
    update_client_rep,
    use_jwks_string,
    use_jwks_url,
)
from keycloak_port import forget
from support import assert_error
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    """AbstractClientAuthSignedJWTTest's realm: client1, client2 and client3."""
    await import_test_realm(env, signed_jwt_realm_clients())
    yield env
    forget(env)


async def jwks_code_to_token_success(env: Env, curve: str, *, use_url: bool) -> None:
    """testCodeToTokenRequestSuccess(EdDSA, curve, useJwksUri): client2's OKP key from its JWKS URL or string."""
    with jwks_server() as server:
        key = server.generate_keys("EdDSA", curve=curve)
        assert server.keys[0]["kty"] == "OKP" and server.keys[0]["crv"] == curve
        if use_url:
            await use_jwks_url(env, "client2", server.url)
        else:
            await use_jwks_string(env, "client2", server.document())
        await code_to_token_success(env, "client2", key, "EdDSA")


async def test_code_to_token_request_success_ed448using_jwks_uri(kc: Env) -> None:
    """ClientAuthEdDSASignedJWTTest.testCodeToTokenRequestSuccessEd448usingJwksUri."""
    await jwks_code_to_token_success(kc, "Ed448", use_url=True)


async def test_code_to_token_request_success_ed25519using_jwks(kc: Env) -> None:
    """ClientAuthEdDSASignedJWTTest.testCodeToTokenRequestSuccessEd25519usingJwks."""
    await jwks_code_to_token_success(kc, "Ed25519", use_url=False)


async def uploaded(env: Env, curve: str, attribute: str) -> None:
    """testUploadCertificatePEM / testUploadPublicKeyPem with an EdDSA key pair: what the upload stores on client3
    (a certificate of the key, or its public key's PEM), then client3's code exchange."""
    key = new_key("EdDSA", curve)
    value = certificate(key, "client3") if attribute == "jwt.credential.certificate" else public_key_pem(key)
    await update_client_rep(env, "client3", attributes={attribute: value})
    await code_to_token_success(env, "client3", key, "EdDSA")


async def test_upload_certificate_pem_ed25519(kc: Env) -> None:
    """ClientAuthEdDSASignedJWTTest.testUploadCertificatePemEd25519."""
    await uploaded(kc, "Ed25519", "jwt.credential.certificate")


async def test_upload_certificate_pem_ed448(kc: Env) -> None:
    """ClientAuthEdDSASignedJWTTest.testUploadCertificatePemEd448."""
    await uploaded(kc, "Ed448", "jwt.credential.certificate")


async def test_upload_public_key_pem_ed25519(kc: Env) -> None:
    """ClientAuthEdDSASignedJWTTest.testUploadPublicKeyPemEd25519."""
    await uploaded(kc, "Ed25519", "jwt.credential.public.key")


async def test_upload_public_key_pem_ed448(kc: Env) -> None:
    """ClientAuthEdDSASignedJWTTest.testUploadPublicKeyPemEd448."""
    await uploaded(kc, "Ed448", "jwt.credential.public.key")


async def test_eddsa_enforced_as_the_token_endpoint_auth_signing_alg(kc: Env) -> None:
    """Not a Java method: with ``token.endpoint.auth.signing.alg`` EdDSA, an EdDSA assertion passes and an RS256
    one from the same client is refused (JWTClientValidator.validateSignatureAlgorithm)."""
    with jwks_server() as server:
        rsa_key = server.generate_keys("RS256", keep_existing=True)
        ed_key = server.generate_keys("EdDSA", curve="Ed25519", keep_existing=True)
        await use_jwks_url(kc, "client2", server.url)
        await update_client_rep(kc, "client2", attributes={"token.endpoint.auth.signing.alg": "EdDSA"})
        response = await password_grant(kc, sign(request_token(kc, "client2"), ed_key, "EdDSA"))
        assert response.status_code == 200, response.text
        response = await password_grant(kc, sign(request_token(kc, "client2"), rsa_key, "RS256"))
        assert_error(response, 400, "invalid_client", "Invalid signature algorithm")


async def test_an_eddsa_assertion_signed_by_another_key_is_refused(kc: Env) -> None:
    """Not a Java method: an EdDSA assertion naming client2's published key but signed with another Ed25519 key."""
    with jwks_server() as server:
        published = server.generate_keys("EdDSA", curve="Ed25519")
        await use_jwks_url(kc, "client2", server.url)
        other = new_key("EdDSA", "Ed25519")
        kid = server.keys[0]["kid"]
        response = await password_grant(kc, sign(request_token(kc, "client2"), other, "EdDSA", kid))
        assert_error(
            response,
            400,
            "invalid_client",
            "Client authentication with signed JWT failed: Signature on JWT token failed validation",
        )
        response = await password_grant(kc, sign(request_token(kc, "client2"), published, "EdDSA"))
        assert response.status_code == 200, response.text
