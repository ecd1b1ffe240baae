"""Keycloak's refusals of JWT client authentication, one test per method of the "TEST ERRORS" half of its
testsuite class ``ClientAuthSignedJWTTest`` (helpers in ``AbstractClientAuthSignedJWTTest``), in
testsuite/integration-arquillian/tests/base/.../oauth/. Each asserts the status, the error and the
description AbstractJWTClientValidator / AbstractBaseJWTValidator give, and the ``*_ERROR`` event
(``assertError``: the client the flow had identified, no user, no session).

testMultipleAudiencesAllowed, which turns on the server option
``allow-multiple-audiences-for-jwt-client-authentication``, is not repeated here: Doorkeep has that option
(oauth/provider_config.py) and test_client_jwt_authentication.py
(test_the_server_option_allows_multiple_audiences_one_of_them_the_realms) covers it; this note said until
session 61 that Doorkeep had no such option.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from client_auth_support import (
    ISSUER,
    KEY1,
    KEY2,
    OIDC,
    TOKEN,
    assert_failed_event,
    client_credentials,
    code_to_token,
    do_login,
    events_of,
    import_test_realm,
    jwks_server,
    password_grant,
    request_token,
    send,
    sign,
    signed_jwt,
    signed_jwt_realm_clients,
    update_client_rep,
    use_jwks_url,
    with_assertion,
)
from keycloak_port import forget, user_id
from support import assert_error, claims
from wire_env import Env

pytestmark = pytest.mark.anyio

NOT_FOUND = "Invalid client or Invalid client credentials"


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    """ClientAuthSignedJWTTest's realm."""
    await import_test_realm(env, signed_jwt_realm_clients())
    yield env
    forget(env)


async def assert_error_event(
    env: Env, response: httpx.Response, status: int, client_id: str | None, description: str, event_error: str
) -> None:
    """AbstractClientAuthSignedJWTTest.assertError: ``invalid_client`` and CLIENT_LOGIN_ERROR."""
    assert_error(response, status, "invalid_client", description)
    [event] = await events_of(env, "CLIENT_LOGIN_ERROR")
    assert_failed_event(event, "CLIENT_LOGIN_ERROR", client_id, event_error)


async def assert_success(env: Env, response: httpx.Response) -> None:
    """AbstractClientAuthSignedJWTTest.assertSuccess: client1's service account logged in."""
    assert response.status_code == 200, response.text
    body = response.json()
    access, refreshed = claims(body["access_token"]), claims(body["refresh_token"])
    [event] = await events_of(env, "CLIENT_LOGIN")
    sa_user = await user_id(env, "service-account-client1")
    assert (event["clientId"], event["userId"], event["sessionId"]) == ("client1", sa_user, access["sid"])
    details = event["details"]
    assert (details["token_id"], details["refresh_token_id"]) == (access["jti"], refreshed["jti"])
    assert (details["username"], details["client_auth_method"]) == ("service-account-client1", "client-jwt")


async def without_claims(env: Env, *dropped: str, offset: int = 0) -> httpx.Response:
    """AbstractClientAuthSignedJWTTest.testMissingClaim(tokenTimeOffset, claims...): client1's assertion made
    ``offset`` seconds from now without the claims named, sent now."""
    claims_ = request_token(env, "client1", offset=offset, drop=dropped)
    return await client_credentials(env, sign(claims_, KEY1))


async def test_missing_client_assertion_type(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testMissingClientAssertionType: nothing names a client."""
    response = await send(kc, grant_type="client_credentials")
    await assert_error_event(kc, response, 401, None, NOT_FOUND, "client_not_found")


async def test_invalid_client_assertion_type(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testInvalidClientAssertionType: a wrong type and no client."""
    response = await send(kc, grant_type="client_credentials", client_assertion_type="invalid")
    await assert_error_event(kc, response, 401, None, NOT_FOUND, "client_not_found")


async def test_with_client_and_missing_client_assertion_type(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testWithClientAndMissingClientAssertionType: client1 named by client_id."""
    response = await send(kc, grant_type="client_credentials", client_id="client1")
    description = "Parameter client_assertion_type is missing"
    await assert_error_event(kc, response, 400, "client1", description, "invalid_client_credentials")


async def test_with_client_and_invalid_client_assertion_type(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testWithClientAndInvalidClientAssertionType."""
    response = await send(kc, grant_type="client_credentials", client_id="client1", client_assertion_type="invalid")
    description = (
        "Parameter client_assertion_type has value 'invalid' but expected is "
        "'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'"
    )
    await assert_error_event(kc, response, 400, "client1", description, "invalid_client_credentials")


async def test_missing_client_assertion(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testMissingClientAssertion: the type alone names no client."""
    response = await send(
        kc, grant_type="client_credentials", client_assertion_type=with_assertion("")["client_assertion_type"]
    )
    await assert_error_event(kc, response, 401, None, NOT_FOUND, "client_not_found")


async def test_assertion_missing_issuer(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testAssertionMissingIssuer: no ``iss`` and no ``sub``."""
    response = await client_credentials(kc, sign(request_token(kc, "client1", drop=("iss", "sub")), KEY1))
    await assert_error_event(kc, response, 401, None, NOT_FOUND, "client_not_found")


async def test_assertion_unknown_client(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testAssertionUnknownClient: the event names no client."""
    response = await client_credentials(kc, signed_jwt(kc, KEY1, "unknown-client"))
    await assert_error_event(kc, response, 401, None, NOT_FOUND, "client_not_found")


async def test_assertion_non_matching_client_id_parameter(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testAssertionNonMatchingClientIdParameter: client_id must be the ``sub``."""
    assertion = signed_jwt(kc, KEY1, "client1")
    response = await client_credentials(kc, assertion, client_id="client2")
    description = "client_id parameter does not match sub claim"
    await assert_error_event(kc, response, 400, "client2", description, "invalid_client_credentials")
    response = await client_credentials(kc, assertion, client_id="client1")
    assert response.status_code == 200, response.text
    assert claims(response.json()["access_token"])["azp"] == "client1"


async def test_assertion_disabled_client(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testAssertionDisabledClient."""
    await update_client_rep(kc, "client1", enabled=False)
    response = await client_credentials(kc, signed_jwt(kc, KEY1, "client1"))
    await assert_error_event(kc, response, 401, "client1", NOT_FOUND, "client_disabled")


async def test_assertion_unconfigured_client_certificate(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testAssertionUnconfiguredClientCertificate: client1 without its certificate."""
    await update_client_rep(kc, "client1", attributes={"jwt.credential.certificate": None})
    response = await client_credentials(kc, signed_jwt(kc, KEY1, "client1"))
    description = "Unable to load public key"
    await assert_error_event(kc, response, 400, "client1", description, "client_credentials_setup_required")


async def test_assertion_invalid_signature(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testAssertionInvalidSignature: client1's assertion signed by client2's key,
    whose ``kid`` names no key of client1."""
    response = await client_credentials(kc, signed_jwt(kc, KEY2, "client1"))
    description = "Unable to load public key"
    await assert_error_event(kc, response, 400, "client1", description, "client_credentials_setup_required")


async def test_assertion_expired(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testAssertionExpired: sent 1000 s after it was made."""
    assertion = signed_jwt(kc, KEY1, "client1")
    kc.clock.advance(1000)
    response = await client_credentials(kc, assertion)
    await assert_error_event(kc, response, 400, "client1", "Token is not active", "invalid_client_credentials")


async def endpoint_as_audience(env: Env, audience: str | list[str]) -> httpx.Response:
    """AbstractClientAuthSignedJWTTest.createTokenWithSpecifiedAudience: a PS256 key from client2's JWKS URL,
    the assertion's ``aud`` as given, sent to the token endpoint."""
    with jwks_server() as server:
        key = server.generate_keys("PS256")
        await use_jwks_url(env, "client2", server.url)
        claims_ = {**request_token(env, "client2"), "aud": audience}
        return await client_credentials(env, sign(claims_, key, "PS256"))


async def test_par_endpoint_as_audience(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testParEndpointAsAudience."""
    response = await endpoint_as_audience(kc, f"{OIDC}/ext/par/request")
    assert response.status_code == 200 and "access_token" in response.json(), response.text


async def test_backchannel_authentication_endpoint_as_audience(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testBackchannelAuthenticationEndpointAsAudience."""
    response = await endpoint_as_audience(kc, f"{OIDC}/ext/ciba/auth")
    assert response.status_code == 200 and "access_token" in response.json(), response.text


async def test_token_introspection_endpoint_as_audience(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testTokenIntrospectionEndpointAsAudience."""
    response = await endpoint_as_audience(kc, f"{TOKEN}/introspect")
    assert response.status_code == 200 and "access_token" in response.json(), response.text


async def test_invalid_audience(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testInvalidAudience."""
    response = await endpoint_as_audience(kc, "https://as.other.org")
    assert_error(response, 400, "invalid_client", "Invalid token audience")
    assert "access_token" not in response.json()


async def test_multiple_audiences_rejected(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testMultipleAudiencesRejected: the issuer and the token endpoint together."""
    response = await endpoint_as_audience(kc, [ISSUER, TOKEN])
    assert_error(response, 400, "invalid_client", "Multiple audiences not allowed")


async def test_jwt_auth_for_client_cert_with_only_alg_provided(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testJWTAuthForClientCertWithOnlyAlgProvided: an ES512 assertion without ``kid``."""
    with jwks_server() as server:
        key = server.generate_keys("ES512")
        await use_jwks_url(kc, "client2", server.url)
        response = await client_credentials(kc, sign(request_token(kc, "client2"), key, "ES512", kid=None))
        assert response.status_code == 200 and "access_token" in response.json(), response.text


async def test_assertion_invalid_not_before(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testAssertionInvalidNotBefore: sent 1000 s before it was made."""
    assertion = signed_jwt(kc, KEY1, "client1")
    kc.clock.advance(-1000)
    response = await client_credentials(kc, assertion)
    await assert_error_event(kc, response, 400, "client1", "Token is not active", "invalid_client_credentials")


async def test_assertion_reuse(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testAssertionReuse."""
    assertion = signed_jwt(kc, KEY1, "client1")
    assert (await client_credentials(kc, assertion)).status_code == 200
    response = await client_credentials(kc, assertion)
    assert_error(response, 400, "invalid_client", "Token reuse detected")


async def test_authentication_fails_when_client_secret_jwt_authenticator_set(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testAuthenticationFailsWhenClientSecretJWTAuthenticatorSet: an RS256 assertion
    for a client-secret-jwt client fails its HMAC check."""
    await update_client_rep(kc, "client1", clientAuthenticatorType="client-secret-jwt")
    response = await client_credentials(kc, signed_jwt(kc, KEY1, "client1"))
    description = "Client authentication with client secret signed JWT failed: "
    assert_error(
        response, 400, "unauthorized_client", description + "Signature on JWT token by client secret failed validation"
    )


async def test_missing_id_claim(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testMissingIdClaim."""
    response = await without_claims(kc, "jti")
    description = "Token jti claim is required"
    await assert_error_event(kc, response, 400, "client1", description, "invalid_client_credentials")


async def test_missing_issuer_claim(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testMissingIssuerClaim: ``iss`` is not the ``sub``; no authenticator answers."""
    response = await without_claims(kc, "iss")
    await assert_error_event(kc, response, 401, None, NOT_FOUND, "client_not_found")


async def test_missing_subject_claim(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testMissingSubjectClaim."""
    response = await without_claims(kc, "sub")
    await assert_error_event(kc, response, 401, None, NOT_FOUND, "client_not_found")


async def test_missing_audience_claim(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testMissingAudienceClaim."""
    response = await without_claims(kc, "aud")
    await assert_error_event(kc, response, 400, "client1", "Invalid token audience", "invalid_client_credentials")


async def test_missing_issued_at_claim(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testMissingIssuedAtClaim."""
    await assert_success(kc, await without_claims(kc, "iat"))


async def test_missing_expiration_claim(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testMissingExpirationClaim (KEYCLOAK-2986)."""
    response = await without_claims(kc, "exp")
    description = "Token exp claim is required"
    await assert_error_event(kc, response, 400, "client1", description, "invalid_client_credentials")


async def test_missing_not_before_claim(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testMissingNotBeforeClaim."""
    await assert_success(kc, await without_claims(kc, "nbf"))


async def code_to_token_failure(env: Env, alg: str, event_error: str, description: str) -> None:
    """AbstractClientAuthSignedJWTTest.testCodeToTokenRequestFailure: client2's keys moved to its JWKS URL,
    the assertion still signed by its certificate's key."""
    with jwks_server() as server:
        server.generate_keys(alg)
        await use_jwks_url(env, "client2", server.url)
        code, _ = await do_login(env, "client2")
        response = await code_to_token(env, code, signed_jwt(env, KEY2, "client2"))
        assert_error(response, 400, "invalid_client", description)
        [event] = await events_of(env, "CODE_TO_TOKEN_ERROR")
        assert_failed_event(event, "CODE_TO_TOKEN_ERROR", "client2", event_error)


async def test_code_to_token_request_failure_rs256(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testCodeToTokenRequestFailureRS256."""
    await code_to_token_failure(kc, "RS256", "client_credentials_setup_required", "Unable to load public key")


async def test_code_to_token_request_failure_es256_enforced(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testCodeToTokenRequestFailureES256Enforced: RS256 sent, ES256 enforced."""
    await update_client_rep(kc, "client2", attributes={"token.endpoint.auth.signing.alg": "ES256"})
    await code_to_token_failure(kc, "RS256", "invalid_client_credentials", "Invalid signature algorithm")


async def test_direct_grant_request_failure_es256(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testDirectGrantRequestFailureES256: an ES256 key published, RS256 sent."""
    with jwks_server() as server:
        server.generate_keys("ES256")
        await use_jwks_url(kc, "client2", server.url)
        response = await password_grant(kc, signed_jwt(kc, KEY2, "client2"))
        assert_error(response, 400, "invalid_client", "Unable to load public key")
        [event] = await events_of(kc, "LOGIN_ERROR")
        assert_failed_event(event, "LOGIN_ERROR", "client2", "client_credentials_setup_required")


async def test_clock_skew(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testClockSkew: 15 s of skew for ``nbf`` and ``iat``, not 30."""
    await assert_success(kc, await without_claims(kc, "iat", "nbf", offset=15))
    response = await without_claims(kc, "iat", offset=30)
    await assert_error_event(kc, response, 400, "client1", "Token is not active", "invalid_client_credentials")
    response = await without_claims(kc, "nbf", offset=30)
    description = "Token was issued in the future"
    await assert_error_event(kc, response, 400, "client1", description, "invalid_client_credentials")


def long_lived(env: Env, **dropped: Any) -> str:
    """CustomJWTClientCredentialsProvider with ``setTokenTimeout(3600)``."""
    return sign(request_token(env, "client1", timeout=3600, **dropped), KEY1)


async def test_long_expiration_with_issued_at(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testLongExpirationWithIssuedAt: kept as used for max-exp (60 s), then too old."""
    assertion = long_lived(kc)
    await assert_success(kc, await client_credentials(kc, assertion))
    kc.clock.advance(30)
    response = await client_credentials(kc, assertion)
    await assert_error_event(kc, response, 400, "client1", "Token reuse detected", "invalid_client_credentials")
    kc.clock.advance(35)
    response = await client_credentials(kc, assertion)
    description = "Token was issued too far in the past to be used now"
    await assert_error_event(kc, response, 400, "client1", description, "invalid_client_credentials")


async def test_long_expiration_without_issued_at(kc: Env) -> None:
    """ClientAuthSignedJWTTest.testLongExpirationWithoutIssuedAt."""
    response = await client_credentials(kc, long_lived(kc, drop=("iat",)))
    description = "Token expiration is too far in the future and iat claim not present in token"
    await assert_error_event(kc, response, 400, "client1", description, "invalid_client_credentials")
