"""Keycloak's AuthorizationTokenEncryptionTest (JARM responses encrypted to the client's key), ported method by
method from its newest copy (tests/base/src/test/java/org/keycloak/tests/oidc/, the new test framework; the
arquillian copy under testsuite/.../oidc/ has the same methods).

The realm is AccessTokenTest's slice of testrealm.json (``access_token_realm``), imported anew for each method
(``LifeCycle.METHOD``). ``jwksProvider.generateKeys(alg)`` is ``encryption_port.generate_keys``: the client's JWK
set, served on a test port, holds one ``use: enc`` key. The ``response`` parameter is decrypted with the private
key (jwcrypto), its header's ``cty`` is ``JWT``, and the JWS inside verifies with the realm's published key and
audience (``oauth.verifyAuthorizationResponseToken``).

Two methods ask for EdDSA-signed responses: the realm signs them with its EdDSA key (a ``fallback-EdDSA`` one,
Ed25519, made on first need) and the test checks that signature with the realm's published OKP key.

Beyond the Java class, from Keycloak's source: a hybrid request in ``query.jwt`` is accepted once both encryption
attributes are set (AuthorizationEndpointChecker.checkResponseType), its tokens in
the encrypted ``response``; an error sent back in a JARM mode is encrypted as well (JWTRedirectUriBuilder); the
missing-key page records LOGIN_ERROR ``invalid_user_credentials`` (AuthenticationProcessor.handleBrowserException).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

import group_port
from access_token_realm import APP, realm_rep
from authorize_port import authorize, error_page, log_in
from client_auth_support import JwksServer, jwks_server
from encryption_port import decrypt, generate_keys, header, use_jwks_url, verified
from keycloak_port import poll
from wire_env import Env

pytestmark = pytest.mark.anyio

anyio_backend, shared_env = group_port.anyio_backend, group_port.shared_env

STATE = "OpenIdConnect.AuthenticationProperties=2302984sdlk"
UNEXPECTED = "Unexpected error when handling authentication request to identity provider."


@pytest.fixture
async def kc(shared_env: Env) -> AsyncIterator[Env]:
    """The realm as imported (the implicit flow on, for the hybrid check), a new browser, no earlier events."""
    rep = realm_rep()
    rep["clients"][0]["implicitFlowEnabled"] = True
    await group_port.fresh_realm(shared_env, rep)
    shared_env.http.cookies.clear()
    await poll(shared_env)
    yield shared_env


@pytest.fixture
def jwks() -> Iterator[JwksServer]:
    """The client's JWK set, served for the one test."""
    with jwks_server() as server:
        yield server


def response_param(answer: httpx.Response, where: str = "query") -> str:
    """The ``response`` the redirect carries, in its query or fragment."""
    assert answer.status_code == 302, (answer.status_code, answer.text[:300])
    parts = urlsplit(answer.headers["location"])
    [value] = parse_qs(parts.query if where == "query" else parts.fragment)["response"]
    return value


async def encrypted_login(env: Env, jwks: JwksServer, sig: str, alg: str, enc: str) -> httpx.Response:
    """The client's signature and encryption attributes set, then ``responseMode("jwt")`` and the login."""
    await use_jwks_url(
        env,
        jwks,
        authorization_signed_response_alg=sig,
        authorization_encrypted_response_alg=alg,
        authorization_encrypted_response_enc=enc,
    )
    return await log_in(env.http, await authorize(env.http, response_mode="jwt", state=STATE))


async def signature_and_encryption(env: Env, jwks: JwksServer, sig: str, alg: str, enc: str) -> None:
    """testAuthorizationTokenSignatureAndEncryption."""
    key = generate_keys(jwks, alg)
    jwe_str = response_param(await encrypted_login(env, jwks, sig, alg, enc))
    assert len(jwe_str.split(".")) == 5
    head = header(jwe_str)
    assert (head["cty"], head["alg"], head["enc"], head["kid"]) == ("JWT", alg, enc, "client-enc-key")
    inner = decrypt(jwe_str, key)
    assert header(inner)["alg"] == sig
    token = await verified(env, inner, audience=APP)
    assert token["aud"] == APP
    assert token["state"] == STATE
    assert token["code"]


CASES = {
    "testAuthorizationEncryptionAlgRSA1_5EncA128CBC_HS256": ("ES256", "RSA1_5", "A128CBC-HS256"),
    "testAuthorizationEncryptionAlgRSA1_5EncA192CBC_HS384": ("PS256", "RSA1_5", "A192CBC-HS384"),
    "testAuthorizationEncryptionAlgRSA1_5EncA256CBC_HS512": ("PS384", "RSA1_5", "A256CBC-HS512"),
    "testAuthorizationEncryptionAlgRSA1_5EncA128GCM": ("RS384", "RSA1_5", "A128GCM"),
    "testAuthorizationEncryptionAlgRSA1_5EncA192GCM": ("EdDSA", "RSA1_5", "A192GCM"),
    "testAuthorizationEncryptionAlgRSA1_5EncA256GCM": ("RS256", "RSA1_5", "A256GCM"),
    "testAuthorizationEncryptionAlgRSA_OAEPEncA128CBC_HS256": ("ES512", "RSA-OAEP", "A128CBC-HS256"),
    "testAuthorizationEncryptionAlgRSA_OAEPEncA192CBC_HS384": ("PS256", "RSA-OAEP", "A192CBC-HS384"),
    "testAuthorizationEncryptionAlgRSA_OAEPEncA256CBC_HS512": ("EdDSA", "RSA-OAEP", "A256CBC-HS512"),
    "testAuthorizationEncryptionAlgRSA_OAEP256EncA128CBC_HS256": ("ES512", "RSA-OAEP-256", "A128CBC-HS256"),
    "testAuthorizationEncryptionAlgRSA_OAEP256EncA192CBC_HS384": ("PS256", "RSA-OAEP-256", "A192CBC-HS384"),
    "testAuthorizationEncryptionAlgRSA_OAEP256EncA256CBC_HS512": ("PS512", "RSA-OAEP-256", "A256CBC-HS512"),
    "testAuthorizationEncryptionAlgRSA_OAEPEncA128GCM": ("ES256", "RSA-OAEP", "A128GCM"),
    "testAuthorizationEncryptionAlgRSA_OAEPEncA192GCM": ("PS384", "RSA-OAEP", "A192GCM"),
    "testAuthorizationEncryptionAlgRSA_OAEPEncA256GCM": ("PS512", "RSA-OAEP", "A256GCM"),
}


@pytest.mark.parametrize("method", sorted(CASES))
async def test_authorization_token_signature_and_encryption(kc: Env, jwks: JwksServer, method: str) -> None:
    """The fifteen testAuthorizationEncryptionAlg*Enc* methods: the ``response`` JWT signed, then encrypted to the
    client's key with its ``alg`` and ``enc``."""
    await signature_and_encryption(kc, jwks, *CASES[method])


async def test_authorization_encryption_without_encryption_kek(kc: Env, jwks: JwksServer) -> None:
    """testAuthorizationEncryptionWithoutEncryptionKEK: only a signature key in the client's set, so the login ends
    on the error page instead of a response the client could not read."""
    generate_keys(jwks, "RS256", use="sig")
    page = await encrypted_login(kc, jwks, "RS256", "RSA1_5", "A128CBC-HS256")
    assert page.status_code == 400
    assert error_page(page) == UNEXPECTED
    assert "location" not in page.headers
    [event] = [e for e in await poll(kc) if e["type"].startswith("LOGIN")]
    assert (event["type"], event.get("error")) == ("LOGIN_ERROR", "invalid_user_credentials")


async def test_hybrid_query_jwt_allowed_once_the_response_is_encrypted(kc: Env, jwks: JwksServer) -> None:
    """AuthorizationEndpointChecker: ``query.jwt`` with tokens in the front channel passes when both encryption
    attributes are set; the ID token travels inside the encrypted response."""
    key = generate_keys(jwks, "RSA-OAEP")
    await use_jwks_url(
        kc, jwks, authorization_encrypted_response_alg="RSA-OAEP", authorization_encrypted_response_enc="A256GCM"
    )
    page = await authorize(kc.http, response_type="code id_token", response_mode="query.jwt", nonce="123456")
    token = await verified(kc, decrypt(response_param(await log_in(kc.http, page)), key), audience=APP)
    assert token["code"] and token["id_token"]


async def test_error_response_is_encrypted_too(kc: Env, jwks: JwksServer) -> None:
    """JWTRedirectUriBuilder for an error (an unknown scope): the ``error`` claims inside the encrypted JWT."""
    key = generate_keys(jwks, "RSA-OAEP-256")
    await use_jwks_url(
        kc, jwks, authorization_encrypted_response_alg="RSA-OAEP-256", authorization_encrypted_response_enc="A128GCM"
    )
    answer = await authorize(kc.http, response_mode="jwt", state=STATE, scope="openid nonexistent")
    token = await verified(kc, decrypt(response_param(answer), key), audience=APP)
    assert token["error"] == "invalid_scope"
    assert token["state"] == STATE
