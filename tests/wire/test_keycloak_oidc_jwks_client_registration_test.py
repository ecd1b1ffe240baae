"""Keycloak's OIDCJwksClientRegistrationTest (testsuite/integration-arquillian/tests/base/.../client/
OIDCJwksClientRegistrationTest.java), one test per method: a client registered through
``/realms/test/clients-registrations/openid-connect`` with ``private_key_jwt`` and its keys given as ``jwks`` or
``jwks_uri`` then authenticates a client credentials grant with an assertion signed by that key.

As the Java ``before``, each test registers with an initial access token of ten uses; ClientRegistrationRealmConfig
is imported once for the module. Keycloak's test application (TestingOIDCEndpointsApplicationResource
``generateKeys`` / ``getJwks``) is client_auth_support's JWK set server. The assertion is
JWTClientCredentialsProvider's with the token endpoint as its audience (the test overrides ``createRequestToken``
so), its ``kid`` KeyUtils.createKeyId of the key (KEEP_GENERATED_KID), none, or the one given.

What Keycloak checks through its test-only ``testing().cache("keys")`` resource (an entry for the client in the
public-key cache, gone after the update) has no wire equivalent: testTwoClientsWithSameKid and
testPublicKeyCacheInvalidatedWhenUpdatingClient assert what that cache entry is for, which key authenticates whom.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

import group_port
from client_auth_support import ISSUER, JwksServer, PrivateKey, jwks_server, request_token, sign
from client_registration_port import REGISTRATION_REALM, body
from group_port import fresh_realm
from keycloak_port import admin_headers
from support import claims
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

ADMIN = "/admin/realms/test"
REG = "/realms/test/clients-registrations/openid-connect"
TOKEN_ENDPOINT = f"{ISSUER}/protocol/openid-connect/token"
KEEP_GENERATED_KID = "KEEP_GENERATED_KID"
UNUSED = "http://127.0.0.1:9/jwks"  # a JWK set handed over as ``jwks``: never fetched


@pytest.fixture(scope="module")
async def realm_ready(shared_env: Env) -> None:
    await fresh_realm(shared_env, REGISTRATION_REALM)


@pytest.fixture
async def initial(env: Env, realm_ready: None) -> dict[str, str]:
    """``before``: an initial access token of ten uses (``expiration`` 0: it does not expire)."""
    headers = await admin_headers(env)
    made = await env.http.post(f"{ADMIN}/clients-initial-access", json={"expiration": 0, "count": 10}, headers=headers)
    return {"Authorization": f"Bearer {body(made, 201)['token']}"}


def create_rep(**metadata: Any) -> dict[str, Any]:
    """``createRep``, with the grant type and authentication method every test sets."""
    return {
        "client_name": "RegistrationAccessTokenTest",
        "client_uri": "http://localhost:8180/auth/realms/master/app",
        "redirect_uris": ["http://localhost:8180/auth/realms/master/app/auth"],
        "grant_types": ["client_credentials"],
        "token_endpoint_auth_method": "private_key_jwt",
        **metadata,
    }


async def register(env: Env, initial: dict[str, str], rep: dict[str, Any]) -> dict[str, Any]:
    """``reg.oidc().create(rep)``."""
    created: dict[str, Any] = body(await env.http.post(REG, json=rep, headers=initial), 201)
    return created


def assert_registered_for_private_key_jwt(response: dict[str, Any]) -> None:
    assert response["token_endpoint_auth_method"] == "private_key_jwt"
    assert response.get("client_secret") is None
    assert response.get("client_secret_expires_at") is None


def client_signed_jwt(env: Env, client_id: str, key: PrivateKey, kid: str | None) -> str:
    """``getClientSignedJWT``: the token endpoint as the audience; KEEP_GENERATED_KID signs with the key's own id."""
    assertion = {**request_token(env, client_id), "aud": TOKEN_ENDPOINT}
    return sign(assertion, key, "RS256", "" if kid == KEEP_GENERATED_KID else kid)


async def client_credentials(env: Env, assertion: str) -> Any:
    """``doClientCredentialsGrantRequest``."""
    form = {
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": assertion,
    }
    return await env.http.post("/realms/test/protocol/openid-connect/token", data=form)


async def assert_authenticate_client_success(env: Env, key: PrivateKey, client_id: str, kid: str | None) -> None:
    response = await client_credentials(env, client_signed_jwt(env, client_id, key, kid))
    assert response.status_code == 200, response.text
    assert claims(response.json()["access_token"])["azp"] == client_id


async def assert_authenticate_client_error(env: Env, key: PrivateKey, client_id: str, kid: str | None) -> None:
    response = await client_credentials(env, client_signed_jwt(env, client_id, key, kid))
    assert response.status_code == 400, response.text
    answer = response.json()
    assert "access_token" not in answer and answer.get("error"), answer


def generated_jwks() -> tuple[PrivateKey, dict[str, Any]]:
    """``generateKeys("RS256")`` then ``getJwks()``: the new key and the JWK set of its public half."""
    keys = JwksServer(UNUSED)
    key = keys.generate_keys("RS256")
    jwks: dict[str, Any] = json.loads(keys.document())
    return key, jwks


async def test_create_client_with_jwks_generated_kid(env: Env, initial: dict[str, str]) -> None:
    """createClientWithJWKS_generatedKid."""
    key, jwks = generated_jwks()
    response = await register(env, initial, create_rep(jwks=jwks))
    assert_registered_for_private_key_jwt(response)
    await assert_authenticate_client_success(env, key, response["client_id"], KEEP_GENERATED_KID)


async def test_create_client_with_jwks_null_kid(env: Env, initial: dict[str, str]) -> None:
    """createClientWithJWKS_nullKid: an assertion without ``kid`` (JWTClientCredentialsProvider before 2.3.0)."""
    key, jwks = generated_jwks()
    response = await register(env, initial, create_rep(jwks=jwks))
    await assert_authenticate_client_success(env, key, response["client_id"], None)


async def create_client_with_manually_set_kid(
    env: Env, initial: dict[str, str], kid: str
) -> tuple[PrivateKey, dict[str, Any]]:
    """``createClientWithManuallySetKid``: the generated JWK's ``kid`` overridden."""
    key, jwks = generated_jwks()
    jwks["keys"][0]["kid"] = kid
    return key, await register(env, initial, create_rep(jwks=jwks))


async def test_create_client_with_jwks_custom_kid(env: Env, initial: dict[str, str]) -> None:
    """createClientWithJWKS_customKid."""
    key, response = await create_client_with_manually_set_kid(env, initial, "a1")
    await assert_authenticate_client_success(env, key, response["client_id"], "a1")


async def test_two_clients_with_same_kid(env: Env, initial: dict[str, str]) -> None:
    """testTwoClientsWithSameKid: client2's JWK has client1's ``kid`` but another key; client1's key
    authenticates client1 and not client2 (keys are looked up per client, never by ``kid`` alone)."""
    key, response = await create_client_with_manually_set_kid(env, initial, "a1")
    other = JwksServer(UNUSED)
    other.generate_keys("RS256", kid="a1", advertise_alg=False)  # JWKBuilder.create().kid("a1").rs256(key)
    response2 = await register(env, initial, create_rep(jwks=json.loads(other.document())))
    await assert_authenticate_client_success(env, key, response["client_id"], "a1")
    await assert_authenticate_client_error(env, key, response2["client_id"], "a1")


async def test_public_key_cache_invalidated_when_updating_client(env: Env, initial: dict[str, str]) -> None:
    """testPublicKeyCacheInvalidatedWhenUpdatingClient: after the client's registration is updated to a JWKS URL
    that answers nothing, the key it authenticated with a moment ago (and any copy of it kept) no longer does."""
    key, response = await create_client_with_manually_set_kid(env, initial, "a1")
    await assert_authenticate_client_success(env, key, response["client_id"], "a1")
    assert [k["kid"] for k in response["jwks"]["keys"]] == ["a1"]  # toExternalResponse answers the kept set
    with jwks_server() as gone:  # a port of the test run, closed again: http://localhost:4321/non-existent
        dead_url = gone.url.replace("/jwks", "/non-existent")
    update = {**response, "jwks_uri": dead_url}
    update["jwks"] = None  # response.setJwks(null): the answer carried the key set
    headers = {"Authorization": f"Bearer {response['registration_access_token']}"}
    updated = await env.http.put(f"{REG}/{response['client_id']}", json=update, headers=headers)
    assert updated.status_code == 200, updated.text
    started = time.monotonic()
    await assert_authenticate_client_error(env, key, response["client_id"], "a1")
    assert time.monotonic() - started < 10, "the unreachable JWKS URL should fail fast"


async def test_create_client_with_jwksuri(env: Env, initial: dict[str, str]) -> None:
    """createClientWithJWKSURI."""
    with jwks_server() as server:
        key = server.generate_keys("RS256")
        response = await register(env, initial, create_rep(jwks_uri=server.url))
        assert_registered_for_private_key_jwt(response)
        assert response["jwks_uri"] == server.url
        await assert_authenticate_client_success(env, key, response["client_id"], KEEP_GENERATED_KID)


async def test_create_client_with_jwksuri_rotate_client_keys(env: Env, initial: dict[str, str]) -> None:
    """createClientWithJWKSURI_rotateClientKeys: a key added to the set is not fetched before the minimum
    interval between fetches (10 seconds) has passed; after ``setTimeOffset(20)`` it is."""
    with jwks_server() as server:
        key = server.generate_keys("RS256")
        response = await register(env, initial, create_rep(jwks_uri=server.url))
        assert_registered_for_private_key_jwt(response)
        assert response["jwks_uri"] == server.url
        await assert_authenticate_client_success(env, key, response["client_id"], KEEP_GENERATED_KID)
        key2 = server.generate_keys("RS256")
        await assert_authenticate_client_error(env, key2, response["client_id"], KEEP_GENERATED_KID)
        env.clock.advance(20)
        await assert_authenticate_client_success(env, key2, response["client_id"], KEEP_GENERATED_KID)


def without_use(jwks: dict[str, Any]) -> dict[str, Any]:
    return {"keys": [{k: v for k, v in jwk.items() if k != "use"} for jwk in jwks["keys"]]}


async def test_a_jwk_without_use_is_no_signing_key(env: Env, initial: dict[str, str]) -> None:
    """Not a Java method: JWKSUtils.getKeyForUse(jwks, SIG) skips a JWK without ``use`` ("Missing required field
    'use'"), so a ``private_key_jwt`` registration whose only key has none is refused as having no key
    (DescriptionConverter); and ClientPublicKeyLoader reads a stored ``jwks.string`` the same way
    (getKeyWrappersForUse without useRequestedUseWhenNull), so such a key authenticates nobody. A ``jwks_uri``
    set is read with it: there a key without ``use`` is a signing key (the tests above serve ``use: sig``)."""
    key, jwks = generated_jwks()
    refused = await env.http.post(REG, json=create_rep(jwks=without_use(jwks)), headers=initial)
    assert refused.status_code == 400, refused.text
    # the converter's "Didn't find key of supported keyType for use sig", answered as every ClientRegistrationException
    assert refused.json() == {"error": "invalid_client_metadata", "error_description": "Client metadata invalid"}
    client_id = "jwks-string-without-use"
    rep = {
        "clientId": client_id,
        "serviceAccountsEnabled": True,
        "clientAuthenticatorType": "client-jwt",
        "attributes": {"use.jwks.string": "true", "jwks.string": json.dumps(without_use(jwks))},
    }
    made = await env.http.post(f"{ADMIN}/clients", json=rep, headers=await admin_headers(env))
    assert made.status_code == 201, made.text
    await assert_authenticate_client_error(env, key, client_id, KEEP_GENERATED_KID)
    with jwks_server() as server:  # served without ``use``: taken for a signing key
        served = server.generate_keys("RS256")
        server.keys = without_use({"keys": server.keys})["keys"]
        response = await register(env, initial, create_rep(jwks_uri=server.url))
        await assert_authenticate_client_success(env, served, response["client_id"], KEEP_GENERATED_KID)
