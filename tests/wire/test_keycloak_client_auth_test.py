"""Keycloak's client-authentication scenarios that succeed, one test per method of its testsuite classes
``ClientAuthPostMethodTest``, ``ClientAuthSecretSignedJWTTest`` and ``ClientAuthSignedJWTTest`` (its "TEST
SUCCESS" half, the methods living partly in ``AbstractClientAuthSignedJWTTest``), in
testsuite/integration-arquillian/tests/base/.../oauth/. The refusals of ClientAuthSignedJWTTest are in
test_keycloak_client_auth_test_errors.py; the realm, keys and requests in tests/client_auth_support.py.

ClientAuthSecretSignedJWTTest.authenticateWithValidClientSecretWhenRotationPolicyIsEnableForHS256/384/512 and
authenticateWithInvalidRotatedClientSecretPolicyIsEnable (secret rotation) are ported in test_kc_port_client_auth.py.

Not ported, as Doorkeep lacks the feature they exercise entirely:
* ClientAuthSignedJWTTest.testClientWithGeneratedKeysBCFKS and testUploadKeystoreBCFKS: Doorkeep writes and
  reads JKS and PKCS#12 keystores, not Bouncy Castle's BCFKS (Keycloak's own test assumes the format away where
  its crypto provider lacks it).

ClientAuthSignedJWTTest.testClientWithGeneratedKeysJKS/PKCS12, testUploadKeystoreJKS/PKCS12 and testUploadJWKS,
which go through the admin ``certificates/jwt.credential`` resource, are in test_keycloak_client_certificates.py.
testUploadCertificatePem* and testUploadPublicKeyPem* are ported here with the attribute the upload writes set
through the client representation (the upload itself is CredentialsTest's, test_keycloak_credentials_test.py),
then Keycloak's token request as the test makes it.

ClientAuthSecretSignedJWTTest's methods named like ClientAuthSignedJWTTest's carry the suffix ``_secret``.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from typing import Any

import pytest

from access_token_realm import import_realm as import_access_token_realm
from browser_flow import REDIRECT, login
from client_auth_support import (
    KEY1,
    KEY2,
    USER,
    certificate,
    client_credentials,
    code_to_token,
    code_to_token_success,
    direct_grant_success,
    do_login,
    events_of,
    generate_keys,
    import_test_realm,
    jwks_server,
    logout,
    new_key,
    password_grant,
    public_key_pem,
    refresh,
    request_token,
    secret_jwt,
    sign,
    signed_jwt,
    signed_jwt_realm_clients,
    unsigned,
    update_client_rep,
    use_jwks_string,
    use_jwks_url,
)
from keycloak_port import ADMIN, admin_headers, forget, poll, user_id
from support import assert_error, claims, header
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    """ClientAuthSignedJWTTest's realm."""
    await import_test_realm(env, signed_jwt_realm_clients())
    yield env
    forget(env)


# --- ClientAuthPostMethodTest ---------------------------------------------------------------------------


async def test_post_authentication(env: Env) -> None:
    """ClientAuthPostMethodTest.testPostAuthentication: client_id and client_secret in the form body."""
    await import_access_token_realm(env)
    code, login_event = await _login(env, "test-app")
    response = await env.http.post(
        "/realms/test/protocol/openid-connect/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": "test-app",
            "client_secret": "password",
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert 250 <= body["expires_in"] <= 300 and 1750 <= body["refresh_expires_in"] <= 1800
    token = claims(body["access_token"])
    [event] = await events_of(env, "CODE_TO_TOKEN")
    assert event["details"]["code_id"] == login_event["details"]["code_id"]
    assert event["sessionId"] == login_event["sessionId"] == token["sid"]
    assert event["details"]["token_id"] == token["jti"]
    assert event["details"]["refresh_token_id"] == claims(body["refresh_token"])["jti"]
    assert event["details"]["client_auth_method"] == "client-secret"
    forget(env)


async def _login(env: Env, client_id: str) -> tuple[str, dict[str, Any]]:
    code = (await login(env.http, "test", client_id, username=USER))["code"]
    [login_event] = [e for e in await poll(env) if e["type"] == "LOGIN"]
    return code, login_event


# --- ClientAuthSecretSignedJWTTest ----------------------------------------------------------------------
CLIENT_SECRET = "atleast-14chars-password"


@pytest.fixture
async def secret_realm(env: Env) -> AsyncIterator[Env]:
    """ClientAuthSecretSignedJWTRealmConfig and OAuthClientConfig: test-app authenticates with client-secret-jwt."""
    app = {
        "clientId": "test-app",
        "secret": CLIENT_SECRET,
        "clientAuthenticatorType": "client-secret-jwt",
        "redirectUris": [REDIRECT],
    }
    await import_test_realm(env, [app])
    yield env
    forget(env)


async def secret_code_to_token_success(env: Env, alg: str) -> None:
    """ClientAuthSecretSignedJWTTest.testCodeToTokenRequestSuccess(algorithm)."""
    code, login_event = await do_login(env, "test-app")
    response = await code_to_token(env, code, secret_jwt(env, "test-app", CLIENT_SECRET, alg))
    assert response.status_code == 200, response.text
    assert claims(response.json()["refresh_token"])["typ"] == "Refresh"
    [event] = await events_of(env, "CODE_TO_TOKEN")
    assert (event["clientId"], event["sessionId"]) == ("test-app", login_event["sessionId"])
    details = event["details"]
    assert details["code_id"] == login_event["details"]["code_id"] and details["refresh_token_type"] == "Refresh"
    assert details["client_auth_method"] == "client-secret-jwt"


async def test_code_to_token_request_success_secret(secret_realm: Env) -> None:
    """ClientAuthSecretSignedJWTTest.testCodeToTokenRequestSuccess: HS256 with the client secret."""
    await secret_code_to_token_success(secret_realm, "HS256")


async def test_code_to_token_request_success_hs384(secret_realm: Env) -> None:
    """ClientAuthSecretSignedJWTTest.testCodeToTokenRequestSuccessHS384."""
    await secret_code_to_token_success(secret_realm, "HS384")


async def test_code_to_token_request_success_hs512(secret_realm: Env) -> None:
    """ClientAuthSecretSignedJWTTest.testCodeToTokenRequestSuccessHS512."""
    await secret_code_to_token_success(secret_realm, "HS512")


async def test_code_to_token_request_success_when_client_has_generated_keys(secret_realm: Env) -> None:
    """ClientAuthSecretSignedJWTTest.testCodeToTokenRequestSuccessWhenClientHasGeneratedKeys: keys generated
    for a client-secret-jwt client do not change how it authenticates (issue 34547)."""
    await generate_keys(secret_realm, "test-app")
    await secret_code_to_token_success(secret_realm, "HS256")


async def test_code_to_token_request_failure_when_client_has_private_key_jwt(secret_realm: Env) -> None:
    """ClientAuthSecretSignedJWTTest.testCodeToTokenRequestFailureWhenClientHasPrivateKeyJWT: keys generated,
    then the client switched to client-jwt; an HMAC assertion is refused."""
    await generate_keys(secret_realm, "test-app")
    await update_client_rep(secret_realm, "test-app", clientAuthenticatorType="client-jwt")
    code, _ = await do_login(secret_realm, "test-app")
    response = await code_to_token(secret_realm, code, secret_jwt(secret_realm, "test-app", CLIENT_SECRET))
    assert_error(response, 400, "invalid_client", "Invalid signature algorithm")


async def test_invalid_issuer(secret_realm: Env) -> None:
    """ClientAuthSecretSignedJWTTest.testInvalidIssuer: ``iss`` other than ``sub`` authenticates nothing."""
    code, _ = await do_login(secret_realm, "test-app")
    assertion = secret_jwt(secret_realm, "test-app", CLIENT_SECRET, iss="bad-issuer")
    response = await code_to_token(secret_realm, code, assertion)
    assert_error(response, 401, "invalid_client", "Invalid client or Invalid client credentials")


async def test_code_to_token_request_failure_hs384_enforced(secret_realm: Env) -> None:
    """ClientAuthSecretSignedJWTTest.testCodeToTokenRequestFailureHS384Enforced: HS384 enforced, HS384 sent."""
    await update_client_rep(secret_realm, "test-app", attributes={"token.endpoint.auth.signing.alg": "HS384"})
    await secret_code_to_token_success(secret_realm, "HS384")


async def test_code_to_token_request_failure_hs512_enforced(secret_realm: Env) -> None:
    """ClientAuthSecretSignedJWTTest.testCodeToTokenRequestFailureHS512Enforced: HS512 enforced, HS256 sent."""
    await update_client_rep(secret_realm, "test-app", attributes={"token.endpoint.auth.signing.alg": "HS512"})
    code, _ = await do_login(secret_realm, "test-app")
    response = await code_to_token(secret_realm, code, secret_jwt(secret_realm, "test-app", CLIENT_SECRET))
    assert_error(response, 400, "invalid_client", "Invalid signature algorithm")


async def test_regenerate_client_secret_for_client_secret_basic_with_id_token_hs512(secret_realm: Env) -> None:
    """ClientAuthSecretSignedJWTTest.regenerateClientSecretForClientSecretBasicWithIdTokenHs512: 512 bits of
    entropy over 62 symbols, SecretGenerator.equivalentEntropySize = 86 characters."""
    rep = {
        "clientId": "basic-hs512-client",
        "clientAuthenticatorType": "client-secret",
        "attributes": {"id.token.signed.response.alg": "HS512"},
        "redirectUris": ["http://127.0.0.1:8500/callback/oauth"],
    }
    headers = await admin_headers(secret_realm)
    created = await secret_realm.http.post(f"{ADMIN}/clients", json=rep, headers=headers)
    assert created.status_code == 201, created.text
    uuid_ = created.headers["location"].rsplit("/", 1)[-1]
    secret = await secret_realm.http.post(f"{ADMIN}/clients/{uuid_}/client-secret", headers=headers)
    assert secret.status_code == 200, secret.text
    assert len(secret.json()["value"]) == 86


async def test_assertion_invalid_signature_secret(secret_realm: Env) -> None:
    """ClientAuthSecretSignedJWTTest.testAssertionInvalidSignature: signed with another secret."""
    code, _ = await do_login(secret_realm, "test-app")
    response = await code_to_token(secret_realm, code, secret_jwt(secret_realm, "test-app", "ppassswordd"))
    assert_error(
        response,
        400,
        "unauthorized_client",
        "Client authentication with client secret signed JWT failed: "
        "Signature on JWT token by client secret  failed validation",
    )


async def test_assertion_with_none_algorithm(secret_realm: Env) -> None:
    """ClientAuthSecretSignedJWTTest.testAssertionWithNoneAlgorithm: ``alg`` none is refused before any
    signature check (AbstractBaseJWTValidator.validateSignatureAlgorithm; the current test expects
    invalid_client, the 2023 one unauthorized_client)."""
    code, _ = await do_login(secret_realm, "test-app")
    assertion = unsigned(secret_jwt(secret_realm, "test-app", "ppassswordd"))
    assert_error(
        await code_to_token(secret_realm, code, assertion), 400, "invalid_client", "Invalid signature algorithm"
    )


async def test_assertion_reuse_secret(secret_realm: Env) -> None:
    """ClientAuthSecretSignedJWTTest.testAssertionReuse: the second use of one assertion, with another code."""
    code, login_event = await do_login(secret_realm, "test-app")
    assertion = secret_jwt(secret_realm, "test-app", CLIENT_SECRET)
    assert (await code_to_token(secret_realm, code, assertion)).status_code == 200
    [event] = await events_of(secret_realm, "CODE_TO_TOKEN")
    assert event["sessionId"] == login_event["sessionId"]
    assert event["details"]["client_auth_method"] == "client-secret-jwt"
    code2, _ = await do_login(secret_realm, "test-app")  # oauth.openLoginForm(): the SSO session answers
    response = await code_to_token(secret_realm, code2, assertion)
    assert_error(response, 400, "invalid_client", "Token reuse detected")
    [failed] = await events_of(secret_realm, "CODE_TO_TOKEN_ERROR")
    assert failed["error"] == "invalid_client_credentials" and failed["clientId"] == "test-app", failed
    assert failed.get("userId") is None and failed.get("sessionId") is None, failed


# --- ClientAuthSignedJWTTest: TEST SUCCESS --------------------------------------------------------------


async def jwks_code_to_token_success(env: Env, alg: str, *, use_url: bool) -> None:
    """testCodeToTokenRequestSuccess(algorithm, curve, useJwksUri): client2's key from its JWKS URL or string."""
    with jwks_server() as server:
        key = server.generate_keys(alg)
        if use_url:
            await use_jwks_url(env, "client2", server.url)
        else:
            await use_jwks_string(env, "client2", server.document())
        await code_to_token_success(env, "client2", key, alg)


async def test_service_account_and_logout_success(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testServiceAccountAndLogoutSuccess: client credentials, refresh and logout,
    each authenticated by a fresh assertion, and the refresh after the logout refused."""
    assertion = signed_jwt(kc, KEY1, "client1")
    response = await client_credentials(kc, assertion)
    assert response.status_code == 200, response.text
    tokens = response.json()
    access, refresh_claims = claims(tokens["access_token"]), claims(tokens["refresh_token"])
    sa_user = await user_id(kc, "service-account-client1")
    [event] = await events_of(kc, "CLIENT_LOGIN")
    assert (event["clientId"], event["userId"], event["sessionId"]) == ("client1", sa_user, access["sid"])
    assert (
        event["details"].items()
        >= {
            "token_id": access["jti"],
            "refresh_token_id": refresh_claims["jti"],
            "username": "service-account-client1",
            "client_auth_method": "client-jwt",
            "client_assertion_id": claims(assertion)["jti"],
            "client_assertion_issuer": "client1",
            "client_assertion_sub": "client1",
        }.items()
    ), event
    assert access["sid"] == refresh_claims["sid"]

    refreshed = await refresh(kc, tokens["refresh_token"], signed_jwt(kc, KEY1, "client1"))
    assert refreshed.status_code == 200, refreshed.text
    assert claims(refreshed.json()["access_token"])["sid"] == access["sid"]
    assert claims(refreshed.json()["refresh_token"])["sid"] == access["sid"]
    [event] = await events_of(kc, "REFRESH_TOKEN")
    assert (event["clientId"], event["userId"], event["sessionId"]) == ("client1", sa_user, access["sid"])
    assert event["details"]["refresh_token_id"] == refresh_claims["jti"]
    assert event["details"]["client_auth_method"] == "client-jwt"

    out = await logout(kc, tokens["refresh_token"], signed_jwt(kc, KEY1, "client1"))
    assert out.status_code == 204, out.text
    [event] = await events_of(kc, "LOGOUT")
    assert (event["clientId"], event["userId"], event["sessionId"]) == ("client1", sa_user, access["sid"])
    assert event["details"]["client_auth_method"] == "client-jwt" and "redirect_uri" not in event["details"]

    again = await refresh(kc, tokens["refresh_token"], signed_jwt(kc, KEY1, "client1"))
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant", again.text
    [event] = await events_of(kc, "REFRESH_TOKEN_ERROR")
    assert (event["clientId"], event.get("userId"), event["error"]) == ("client1", None, "invalid_token"), event
    assert event["sessionId"] == access["sid"]
    assert event["details"]["refresh_token_id"] == refresh_claims["jti"]
    assert event["details"]["client_auth_method"] == "client-jwt"
    assert not {"token_id", "updated_refresh_token_id"} & set(event["details"]), event


async def test_code_to_token_request_success(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testCodeToTokenRequestSuccess: RS256 with client2's certificate."""
    await code_to_token_success(kc, "client2", KEY2, "RS256")


async def test_code_to_token_request_success512(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testCodeToTokenRequestSuccess512: RS512 with the same certificate."""
    await code_to_token_success(kc, "client2", KEY2, "RS512")


async def force_alg_in_client(env: Env, alg: str) -> None:
    """AbstractClientAuthSignedJWTTest.testCodeToTokenRequestSuccessForceAlgInClient."""
    await update_client_rep(env, "client2", attributes={"token.endpoint.auth.signing.alg": alg})
    await code_to_token_success(env, "client2", KEY2, alg)


async def test_code_to_token_request_success_ps384(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testCodeToTokenRequestSuccessPS384: PS384 forced in the client."""
    await force_alg_in_client(kc, "PS384")


async def test_code_to_token_request_success_ps512(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testCodeToTokenRequestSuccessPS512: PS512 forced in the client."""
    await force_alg_in_client(kc, "PS512")


async def test_code_to_token_request_success_es256using_jwks_uri(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testCodeToTokenRequestSuccessES256usingJwksUri."""
    await jwks_code_to_token_success(kc, "ES256", use_url=True)


async def test_code_to_token_request_success_es256using_jwks(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testCodeToTokenRequestSuccessES256usingJwks."""
    await jwks_code_to_token_success(kc, "ES256", use_url=False)


async def test_code_to_token_request_success_rs256using_jwks_uri(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testCodeToTokenRequestSuccessRS256usingJwksUri."""
    await jwks_code_to_token_success(kc, "RS256", use_url=True)


async def test_code_to_token_request_success_rs256using_jwks(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testCodeToTokenRequestSuccessRS256usingJwks."""
    await jwks_code_to_token_success(kc, "RS256", use_url=False)


async def test_code_to_token_request_success_ps256using_jwks_uri(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testCodeToTokenRequestSuccessPS256usingJwksUri."""
    await jwks_code_to_token_success(kc, "PS256", use_url=True)


async def test_code_to_token_request_success_ps256using_jwks(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testCodeToTokenRequestSuccessPS256usingJwks."""
    await jwks_code_to_token_success(kc, "PS256", use_url=False)


async def test_ecdsa_signature(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testECDSASignature: ES256, ES384 and ES512 assertions (R||S of 64, 96 and 132
    bytes, ECDSAAlgorithm.getSignatureLength) from the JWKS URL authenticate the code exchange."""
    for alg, length in (("ES256", 64), ("ES384", 96), ("ES512", 132)):
        with jwks_server() as server:
            key = server.generate_keys(alg)
            await use_jwks_url(kc, "client2", server.url)
            code, _ = await do_login(kc, "client2")
            assertion = sign(request_token(kc, "client2"), key, alg)
            response = await code_to_token(kc, code, assertion)
            assert response.status_code == 200, (alg, response.text)
            assert len(base64.urlsafe_b64decode(assertion.split(".")[2] + "==")) == length
            await events_of(kc, "CODE_TO_TOKEN")


async def test_code_to_token_request_success_es256_enforced(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testCodeToTokenRequestSuccessES256Enforced: ES256 enforced and sent."""
    await update_client_rep(kc, "client2", attributes={"token.endpoint.auth.signing.alg": "ES256"})
    await jwks_code_to_token_success(kc, "ES256", use_url=True)


async def test_direct_grant_request_success(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testDirectGrantRequestSuccess: the password grant with client2's certificate."""
    await direct_grant_success(kc, "client2", signed_jwt(kc, KEY2, "client2"))


async def test_success_when_no_alg_set_in_jwk(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testSuccessWhenNoAlgSetInJWK: a PS256 key published without ``alg``."""
    with jwks_server() as server:
        key = server.generate_keys("PS256", advertise_alg=False)
        await use_jwks_url(kc, "client2", server.url)
        response = await password_grant(kc, sign(request_token(kc, "client2"), key, "PS256"))
        assert response.status_code == 200, response.text


async def test_success_default_alg_when_no_alg_set_in_jwk(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testSuccessDefaultAlgWhenNoAlgSetInJWK: an RSA key without ``alg`` checks RS256
    and PS256 alike; with ES256 enforced the PS256 assertion is refused."""
    with jwks_server() as server:
        key = server.generate_keys("RS256", advertise_alg=False)
        await use_jwks_url(kc, "client2", server.url)
        for alg in ("RS256", "PS256"):
            response = await password_grant(kc, sign(request_token(kc, "client2"), key, alg))
            assert response.status_code == 200, (alg, response.text)
        await update_client_rep(kc, "client2", attributes={"token.endpoint.auth.signing.alg": "ES256"})
        response = await password_grant(kc, sign(request_token(kc, "client2"), key, "PS256"))
        assert_error(response, 400, "invalid_client", "Invalid signature algorithm")


async def test_success_when_multiple_keys_with_same_kid(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testSuccessWhenMultipleKeysWithSameKid (GH 14794): two keys ``my-kid``, for
    RS256 and RS512; the RS512 assertion finds the second, and the access token is RS512-signed."""
    await update_client_rep(kc, "client2", attributes={"access.token.signed.response.alg": "RS512"})
    with jwks_server() as server:
        server.generate_keys("RS256", keep_existing=True, kid="my-kid")
        await use_jwks_url(kc, "client2", server.url)
        key = server.generate_keys("RS512", keep_existing=True, kid="my-kid")
        await use_jwks_url(kc, "client2", server.url)
        response = await password_grant(kc, sign(request_token(kc, "client2"), key, "RS512", "my-kid"))
        assert response.status_code == 200, response.text
        assert header(response.json()["access_token"])["alg"] == "RS512"


async def direct_grant_from_jwks_url(env: Env, alg: str) -> None:
    """AbstractClientAuthSignedJWTTest.testDirectGrantRequestSuccess(algorithm): keys from the JWKS URL."""
    with jwks_server() as server:
        key = server.generate_keys(alg)
        await use_jwks_url(env, "client2", server.url)
        await direct_grant_success(env, "client2", sign(request_token(env, "client2"), key, alg))


async def test_direct_grant_request_success_es256(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testDirectGrantRequestSuccessES256."""
    await direct_grant_from_jwks_url(kc, "ES256")


async def test_direct_grant_request_success_rs256(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testDirectGrantRequestSuccessRS256."""
    await direct_grant_from_jwks_url(kc, "RS256")


async def test_direct_grant_request_success_ps256(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testDirectGrantRequestSuccessPS256."""
    await direct_grant_from_jwks_url(kc, "PS256")


async def uploaded(env: Env, alg: str, attribute: str) -> None:
    """testUploadCertificatePEM / testUploadPublicKeyPem: what the upload stores on client3 (its certificate,
    or its public key's PEM), then client3's code exchange with an assertion whose ``kid`` is
    KeyUtils.createKeyId of the key."""
    key = new_key(alg)
    value = certificate(key, "client3") if attribute == "jwt.credential.certificate" else public_key_pem(key)
    await update_client_rep(env, "client3", attributes={attribute: value})
    await code_to_token_success(env, "client3", key, alg)


async def test_upload_certificate_pem_rsa(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testUploadCertificatePemRsa."""
    await uploaded(kc, "RS256", "jwt.credential.certificate")


async def test_upload_certificate_pem_ecdsa(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testUploadCertificatePemEcdsa."""
    await uploaded(kc, "ES256", "jwt.credential.certificate")


async def test_upload_public_key_pem_rsa(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testUploadPublicKeyPemRsa."""
    await uploaded(kc, "RS256", "jwt.credential.public.key")


async def test_upload_public_key_pem_ecdsa(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testUploadPublicKeyPemEcdsa."""
    await uploaded(kc, "ES256", "jwt.credential.public.key")
