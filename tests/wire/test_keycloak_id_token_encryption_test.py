"""Keycloak's IdTokenEncryptionTest, ported method by method from its newest copy (tests/base/src/test/java/org/
keycloak/tests/oidc/, the new test framework; the arquillian copy under testsuite/.../oauth/ has the same methods).

The realm is AccessTokenTest's slice of testrealm.json (``access_token_realm``: ``test-app`` with secret
``password``, the user ``test-user@localhost``), imported anew for each method as Keycloak undoes each method's
client changes in its ``finally``. ``jwksProvider.generateKeys(alg)`` is ``encryption_port.generate_keys``: the
client's JWK set, served on a test port, holds one key with ``use: enc`` and ``alg``; ``registerEcKeyProvider`` is
not needed (Doorkeep makes the realm's ES256/ES512 key on first need). The ID token is decrypted with the private key
(jwcrypto: TokenUtil.jweKeyEncryptionVerifyAndDecode), its header's ``cty`` is ``JWT`` (a nested JWT), and the JWS
inside verifies with the realm's published key (``oauth.verifyIDToken``).

Beyond the Java class, from DefaultTokenManager and ClientPublicKeyLoader: the header names the client key's ``kid``;
the plain JWS (three parts) is back once the client's ``alg`` attribute is blank; the ECDH-ES algorithms Keycloak 26
lists, to an EC key; a key of the wrong type, or too short, is no key; a ``jwks.string`` key needs its ``use``, a
fetched one not; the implicit flow's ID token is encrypted too, and without a key its login ends on the error page.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto import jwk

import group_port
from access_token_realm import APP, USER, realm_rep, set_client_attributes, update_client
from authorize_port import authorize, error_page, log_in, sent_back
from client_auth_support import JwksServer, jwks_server
from encryption_port import decrypt, generate_keys, header, token_request, use_jwks_url, verified
from keycloak_port import poll
from wire_env import Env

pytestmark = pytest.mark.anyio

anyio_backend, shared_env = group_port.anyio_backend, group_port.shared_env

NO_KEY = "can not get encryption KEK"


@pytest.fixture
async def kc(shared_env: Env) -> AsyncIterator[Env]:
    """The realm as imported, a new browser and no earlier events."""
    rep = realm_rep()
    rep["clients"][0]["serviceAccountsEnabled"] = True  # clientConfiguration's setServiceAccountsEnabled(true)
    await group_port.fresh_realm(shared_env, rep)
    shared_env.http.cookies.clear()
    await poll(shared_env)
    yield shared_env


@pytest.fixture
def jwks() -> Iterator[JwksServer]:
    """The client's JWK set, served for the one test."""
    with jwks_server() as server:
        yield server


async def code(env: Env) -> str:
    """``oauth.loginForm().open()``, the login page filled in and submitted: the code sent back."""
    return sent_back(await log_in(env.http, await authorize(env.http)))["code"]


async def signature_and_encryption(env: Env, jwks: JwksServer, sig: str, alg: str, enc: str | None) -> None:
    """testIdTokenSignatureAndEncryption."""
    key = generate_keys(jwks, alg)
    await use_jwks_url(
        env,
        jwks,
        id_token_signed_response_alg=sig,
        id_token_encrypted_response_alg=alg,
        id_token_encrypted_response_enc=enc,
    )
    response = await token_request(env, await code(env))
    assert response.status_code == 200, response.text
    jwe_str = response.json()["id_token"]
    assert len(jwe_str.split(".")) == 5
    head = header(jwe_str)
    assert head["cty"] == "JWT"  # a nested JWT
    assert (head["alg"], head["enc"], head["kid"]) == (alg, enc or "A128CBC-HS256", "client-enc-key")
    inner = decrypt(jwe_str, key)
    assert header(inner)["alg"] == sig
    id_token = await verified(env, inner, audience=APP)
    assert id_token["preferred_username"] == USER
    assert id_token["azp"] == APP


CASES = {
    "testIdTokenEncryptionAlgRSA1_5EncA128CBC_HS256": ("ES256", "RSA1_5", "A128CBC-HS256"),
    "testIdTokenEncryptionAlgRSA1_5EncA192CBC_HS384": ("PS256", "RSA1_5", "A192CBC-HS384"),
    "testIdTokenEncryptionAlgRSA1_5EncA256CBC_HS512": ("PS384", "RSA1_5", "A256CBC-HS512"),
    "testIdTokenEncryptionAlgRSA1_5EncA128GCM": ("RS384", "RSA1_5", "A128GCM"),
    "testIdTokenEncryptionAlgRSA1_5EncA192GCM": ("RS512", "RSA1_5", "A192GCM"),
    "testIdTokenEncryptionAlgRSA1_5EncA256GCM": ("RS256", "RSA1_5", "A256GCM"),
    "testIdTokenEncryptionAlgRSA_OAEPEncA128CBC_HS256": ("ES512", "RSA-OAEP", "A128CBC-HS256"),
    "testIdTokenEncryptionAlgRSA_OAEPEncA192CBC_HS384": ("PS256", "RSA-OAEP", "A192CBC-HS384"),
    "testIdTokenEncryptionAlgRSA_OAEPEncA256CBC_HS512": ("PS512", "RSA-OAEP", "A256CBC-HS512"),
    "testIdTokenEncryptionAlgRSA_OAEP256EncA128CBC_HS256": ("ES512", "RSA-OAEP-256", "A128CBC-HS256"),
    "testIdTokenEncryptionAlgRSA_OAEP256EncA192CBC_HS384": ("PS256", "RSA-OAEP-256", "A192CBC-HS384"),
    "testIdTokenEncryptionAlgRSA_OAEP256EncA256CBC_HS512": ("PS512", "RSA-OAEP-256", "A256CBC-HS512"),
    "testIdTokenEncryptionAlgRSA_OAEPEncA128GCM": ("ES256", "RSA-OAEP", "A128GCM"),
    "testIdTokenEncryptionAlgRSA_OAEPEncA192GCM": ("PS384", "RSA-OAEP", "A192GCM"),
    "testIdTokenEncryptionAlgRSA_OAEPEncA256GCM": ("PS512", "RSA-OAEP", "A256GCM"),
}


@pytest.mark.parametrize("method", sorted(CASES))
async def test_id_token_signature_and_encryption(kc: Env, jwks: JwksServer, method: str) -> None:
    """The fifteen testIdTokenEncryptionAlg*Enc* methods: the ID token signed with the client's algorithm, then
    encrypted to its key with its ``alg`` and ``enc``."""
    await signature_and_encryption(kc, jwks, *CASES[method])


async def test_id_token_encryption_alg_rsa_oaep_enc_default(kc: Env, jwks: JwksServer) -> None:
    """testIdTokenEncryptionAlgRSA_OAEPEncDefault: no ``enc`` is A128CBC-HS256."""
    await signature_and_encryption(kc, jwks, "PS256", "RSA-OAEP", None)


async def test_id_token_encryption_without_encryption_kek(kc: Env, jwks: JwksServer) -> None:
    """testIdTokenEncryptionWithoutEncryptionKEK: the client's set holds only a signature key, so the code and the
    client_credentials grants are refused, 400 invalid_request "can not get encryption KEK"."""
    generate_keys(jwks, "RS256", use="sig")
    await use_jwks_url(
        kc,
        jwks,
        id_token_signed_response_alg="RS256",
        id_token_encrypted_response_alg="RSA1_5",
        id_token_encrypted_response_enc="A128CBC-HS256",
    )
    response = await token_request(kc, await code(kc))
    assert response.status_code == 400, response.text
    assert response.json() == {"error": "invalid_request", "error_description": NO_KEY}
    credentials = await kc.http.post(
        "/realms/test/protocol/openid-connect/token",
        data={"grant_type": "client_credentials", "scope": "openid"},
        auth=(APP, "password"),
    )
    assert credentials.status_code == 400, credentials.text
    assert credentials.json() == {"error": "invalid_request", "error_description": NO_KEY}


async def test_id_token_back_to_a_plain_jws_without_the_attributes(kc: Env, jwks: JwksServer) -> None:
    """The ``finally`` of the Java methods: with the encryption algorithm blanked the ID token is a JWS again."""
    generate_keys(jwks, "RSA-OAEP")
    await use_jwks_url(kc, jwks, id_token_encrypted_response_alg="RSA-OAEP")
    assert len((await token_request(kc, await code(kc))).json()["id_token"].split(".")) == 5
    await use_jwks_url(kc, jwks, id_token_encrypted_response_alg="")  # blank: not encrypted (getCekAlg)
    kc.http.cookies.clear()
    id_token = (await token_request(kc, await code(kc))).json()["id_token"]
    assert len(id_token.split(".")) == 3
    assert (await verified(kc, id_token, audience=APP))["azp"] == APP


@pytest.mark.parametrize("alg", ["ECDH-ES", "ECDH-ES+A128KW", "ECDH-ES+A192KW", "ECDH-ES+A256KW"])
async def test_id_token_encrypted_to_an_ec_key(kc: Env, jwks: JwksServer, alg: str) -> None:
    """The ECDH-ES algorithms Keycloak 26 lists (EcdhEsCekManagementProvider): the ID token encrypted to the
    client's P-256 ``use: enc`` key, an ephemeral key in the header."""
    await signature_and_encryption(kc, jwks, "RS256", alg, "A256GCM")


async def test_a_key_of_another_type_is_no_key(kc: Env, jwks: JwksServer) -> None:
    """An RSA ``enc`` key cannot take ECDH-ES: the client has no key for it, "can not get encryption KEK"."""
    generate_keys(jwks, "RSA-OAEP")
    jwks.keys = [{**jwks.keys[0], "alg": "ECDH-ES"}]
    await use_jwks_url(kc, jwks, id_token_encrypted_response_alg="ECDH-ES")
    response = await token_request(kc, await code(kc))
    assert response.status_code == 400, response.text
    assert response.json() == {"error": "invalid_request", "error_description": NO_KEY}


async def test_key_from_the_jwks_string_needs_its_use(kc: Env, jwks: JwksServer) -> None:
    """ClientPublicKeyLoader with ``use.jwks.string``: the stored set's ``use: enc`` key encrypts; a key without
    ``use`` there is no encryption key (JWKSUtils.getKeyWrappersForUse without useRequestedUseWhenNull), while the
    same key fetched from ``jwks.url`` is taken for one."""
    key = generate_keys(jwks, "RSA-OAEP-256")
    enc_key = jwks.keys[0]
    await set_client_attributes(
        kc,
        APP,
        use_jwks_string="true",
        jwks_string=json.dumps({"keys": [enc_key]}),
        id_token_encrypted_response_alg="RSA-OAEP-256",
    )
    id_jwe = (await token_request(kc, await code(kc))).json()["id_token"]
    assert (await verified(kc, decrypt(id_jwe, key), audience=APP))["azp"] == APP
    without_use = {k: v for k, v in enc_key.items() if k != "use"}
    await set_client_attributes(kc, APP, jwks_string=json.dumps({"keys": [without_use]}))
    kc.http.cookies.clear()
    refused = await token_request(kc, await code(kc))
    assert refused.json() == {"error": "invalid_request", "error_description": NO_KEY}
    jwks.keys = [without_use]
    await set_client_attributes(kc, APP, use_jwks_string="false", use_jwks_url="true", jwks_url=jwks.url)
    kc.http.cookies.clear()
    id_jwe = (await token_request(kc, await code(kc))).json()["id_token"]
    assert (await verified(kc, decrypt(id_jwe, key), audience=APP))["azp"] == APP


async def test_a_modulus_too_short_for_the_content_key_is_no_key(kc: Env, jwks: JwksServer) -> None:
    """RSA-OAEP-256 takes 66 bytes of the modulus: a 1024-bit key cannot wrap A256CBC-HS512's 64-byte content key,
    so it is no key for it (not a failure once the token is signed), and serves A128GCM's 16 bytes."""
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    public = json.loads(jwk.JWK.from_pyca(small.public_key()).export_public())
    jwks.keys = [{**public, "use": "enc", "alg": "RSA-OAEP-256", "kid": "small"}]
    await use_jwks_url(
        kc, jwks, id_token_encrypted_response_alg="RSA-OAEP-256", id_token_encrypted_response_enc="A256CBC-HS512"
    )
    refused = await token_request(kc, await code(kc))
    assert refused.status_code == 400, refused.text
    assert refused.json() == {"error": "invalid_request", "error_description": NO_KEY}
    await use_jwks_url(kc, jwks, id_token_encrypted_response_enc="A128GCM")
    kc.http.cookies.clear()
    id_jwe = (await token_request(kc, await code(kc))).json()["id_token"]
    assert (await verified(kc, decrypt(id_jwe, small), audience=APP))["azp"] == APP


async def test_id_token_of_the_implicit_flow_is_encrypted(kc: Env, jwks: JwksServer) -> None:
    """OIDCLoginProtocol.authenticated builds the front channel's ID token with the same builder: ``response_type
    id_token`` sends it encrypted in the fragment."""
    key = generate_keys(jwks, "RSA-OAEP")
    await use_jwks_url(kc, jwks, id_token_encrypted_response_alg="RSA-OAEP")
    await update_client(kc, APP, implicitFlowEnabled=True)
    page = await authorize(kc.http, response_type="id_token", nonce="n-0S6_WzA2Mj")
    id_jwe = sent_back(await log_in(kc.http, page), "fragment")["id_token"]
    id_token = await verified(kc, decrypt(id_jwe, key), audience=APP)
    assert id_token["nonce"] == "n-0S6_WzA2Mj"


async def test_implicit_flow_without_encryption_key_ends_on_the_error_page(kc: Env, jwks: JwksServer) -> None:
    """The builder's "can not get encryption KEK" inside the login (AuthenticationProcessor.handleBrowserException):
    the 400 error page, LOGIN_ERROR ``invalid_user_credentials``, nothing sent to the client."""
    generate_keys(jwks, "RS256", use="sig")
    await use_jwks_url(kc, jwks, id_token_encrypted_response_alg="RSA-OAEP")
    await update_client(kc, APP, implicitFlowEnabled=True)
    page = await log_in(kc.http, await authorize(kc.http, response_type="id_token", nonce="n"))
    assert error_page(page) == "Unexpected error when handling authentication request to identity provider."
    [event] = [e for e in await poll(kc) if e["type"].startswith("LOGIN")]
    assert (event["type"], event.get("error")) == ("LOGIN_ERROR", "invalid_user_credentials")


async def test_password_and_refresh_grants_encrypt_the_id_token(kc: Env, jwks: JwksServer) -> None:
    """Every grant's AccessTokenResponseBuilder.build uses encodeAndEncrypt for the ID token: the direct grant's and
    the refresh's are encrypted as the code's is."""
    key = generate_keys(jwks, "RSA-OAEP-256")
    await use_jwks_url(kc, jwks, id_token_encrypted_response_alg="RSA-OAEP-256")
    tokens = await kc.http.post(
        "/realms/test/protocol/openid-connect/token",
        data={"grant_type": "password", "username": USER, "password": "password", "scope": "openid"},
        auth=(APP, "password"),
    )
    assert tokens.status_code == 200, tokens.text
    assert (await verified(kc, decrypt(tokens.json()["id_token"], key), audience=APP))["azp"] == APP
    refreshed = await kc.http.post(
        "/realms/test/protocol/openid-connect/token",
        data={"grant_type": "refresh_token", "refresh_token": tokens.json()["refresh_token"]},
        auth=(APP, "password"),
    )
    assert refreshed.status_code == 200, refreshed.text
    assert (await verified(kc, decrypt(refreshed.json()["id_token"], key), audience=APP))["azp"] == APP
