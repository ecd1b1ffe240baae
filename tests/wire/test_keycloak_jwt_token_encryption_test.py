"""Keycloak's JwtTokenEncryptionTest (testsuite/.../oidc/, the stored copy of keycloak/keycloak), ported method by
method: encrypted and signed ID tokens and access tokens (KEYCLOAK-6768, KEYCLOAK-10761).

Where the Java class and Keycloak 26 part ways: besides the ID token attributes it sets the access token's
``setAccessTokenEncryptedResponseAlg`` / ``Enc`` and expects the access token encrypted too. Keycloak 26 has no
such attributes (OIDCConfigAttributes knows only ``access.token.signed.response.alg``) and never encrypts an
access token (DefaultTokenManager.cekManagementAlgorithm has no ACCESS case): the class comes from the unmerged
KEYCLOAK-10761 work. Doorkeep does what Keycloak 26 does, so each method here sets the same attributes (the access
token pair as ``access.token.encrypted.response.alg``/``enc``) and asserts Keycloak 26's answer: the ID token
encrypted to the client's key, the access token signed with the client's algorithm and not encrypted (a client
given an encrypted access token could not use it at a resource server that does not hold its key).

The realm is AccessTokenTest's slice of testrealm.json (``access_token_realm``), imported anew for each method.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

import group_port
from access_token_realm import APP, USER, realm_rep
from authorize_port import authorize, log_in, sent_back
from client_auth_support import JwksServer, jwks_server
from encryption_port import decrypt, generate_keys, header, token_request, use_jwks_url, verified
from keycloak_port import poll
from wire_env import Env

pytestmark = pytest.mark.anyio

anyio_backend, shared_env = group_port.anyio_backend, group_port.shared_env


@pytest.fixture
async def kc(shared_env: Env) -> AsyncIterator[Env]:
    """The realm as imported, a new browser and no earlier events."""
    await group_port.fresh_realm(shared_env, realm_rep())
    shared_env.http.cookies.clear()
    await poll(shared_env)
    yield shared_env


@pytest.fixture
def jwks() -> Iterator[JwksServer]:
    """The client's JWK set, served for the one test."""
    with jwks_server() as server:
        yield server


async def configure(env: Env, jwks: JwksServer, sig: str, alg: str, enc: str) -> None:
    """The ID token's and the access token's signature and encryption attributes, and the client's JWK set."""
    await use_jwks_url(
        env,
        jwks,
        id_token_signed_response_alg=sig,
        id_token_encrypted_response_alg=alg,
        id_token_encrypted_response_enc=enc,
        access_token_signed_response_alg=sig,
        access_token_encrypted_response_alg=alg,
        access_token_encrypted_response_enc=enc,
    )


async def code(env: Env) -> str:
    """``oauth.doLogin("test-user@localhost", "password")``: the code sent back."""
    return sent_back(await log_in(env.http, await authorize(env.http)))["code"]


CASES = {
    "testJwtTokenEncryptionAlgRSA1_5EncA128CBC_HS256": ("ES256", "RSA1_5", "A128CBC-HS256"),
    "testIdTokenEncryptionAlgRSA1_5EncA192CBC_HS384": ("PS256", "RSA1_5", "A192CBC-HS384"),
    "testIdTokenEncryptionAlgRSA1_5EncA256CBC_HS512": ("PS384", "RSA1_5", "A256CBC-HS512"),
    "testJwtTokenEncryptionAlgRSA1_5EncA128GCM": ("RS384", "RSA1_5", "A128GCM"),
    "testIdTokenEncryptionAlgRSA1_5EncA192GCM": ("RS512", "RSA1_5", "A192GCM"),
    "testIdTokenEncryptionAlgRSA1_5EncA256GCM": ("RS256", "RSA1_5", "A256GCM"),
    "testJwtTokenEncryptionAlgRSA_OAEPEncA128CBC_HS256": ("ES512", "RSA-OAEP", "A128CBC-HS256"),
    "testIdTokenEncryptionAlgRSA_OAEPEncA192CBC_HS384": ("PS256", "RSA-OAEP", "A192CBC-HS384"),
    "testIdTokenEncryptionAlgRSA_OAEPEncA256CBC_HS512": ("PS512", "RSA-OAEP", "A256CBC-HS512"),
    "testJwtTokenEncryptionAlgRSA_OAEPEncA128GCM": ("ES256", "RSA-OAEP", "A128GCM"),
    "testIdTokenEncryptionAlgRSA_OAEPEncA192GCM": ("PS384", "RSA-OAEP", "A192GCM"),
    "testIdTokenEncryptionAlgRSA_OAEPEncA256GCM": ("PS512", "RSA-OAEP", "A256GCM"),
}


@pytest.mark.parametrize("method", sorted(CASES))
async def test_jwt_token_signature_and_encryption(kc: Env, jwks: JwksServer, method: str) -> None:
    """testJwtTokenSignatureAndEncryption for each of the twelve methods: the ID token decrypts with the client's
    key to a JWS of the realm; the access token is that JWS form itself (Keycloak 26 encrypts no access token)."""
    sig, alg, enc = CASES[method]
    key = generate_keys(jwks, alg)
    await configure(kc, jwks, sig, alg, enc)
    response = await token_request(kc, await code(kc))
    assert response.status_code == 200, response.text
    body = response.json()
    id_jwe = body["id_token"]
    assert len(id_jwe.split(".")) == 5
    assert (header(id_jwe)["alg"], header(id_jwe)["enc"]) == (alg, enc)
    id_token = await verified(kc, decrypt(id_jwe, key), audience=APP)
    assert id_token["preferred_username"] == USER
    assert id_token["azp"] == APP
    access = body["access_token"]
    assert len(access.split(".")) == 3  # signed, not encrypted
    assert header(access)["alg"] == sig
    access_token = await verified(kc, access)
    assert access_token["preferred_username"] == USER
    assert access_token["azp"] == APP


async def test_jwt_token_encryption_without_encryption_kek(kc: Env, jwks: JwksServer) -> None:
    """testJwtTokenEncryptionWithoutEncryptionKEK: only a signature key in the client's set: 400 invalid_request
    "can not get encryption KEK" (the ID token's)."""
    generate_keys(jwks, "RS256", use="sig")
    await configure(kc, jwks, "RS256", "RSA1_5", "A128CBC-HS256")
    response = await token_request(kc, await code(kc))
    assert response.status_code == 400, response.text
    assert response.json() == {"error": "invalid_request", "error_description": "can not get encryption KEK"}
