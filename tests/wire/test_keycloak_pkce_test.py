"""Keycloak's OAuthProofKeyForCodeExchangeTest (RFC 7636), ported method by method
(testsuite/integration-arquillian/tests/base/.../oauth/OAuthProofKeyForCodeExchangeTest.java).

Each test is named after the Java method and says so in its docstring. The test cases A-1-1 … A-1-14 are
the Java comments'. Where Keycloak 26's source answers differently from the test, the test follows the
source and says so: AuthorizationEndpointChecker's enforced-method text is now "Invalid parameter: code
challenge method is not matching the configured one" (the test still reads "… is not configured one").
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from access_token_realm import (
    APP,
    SECRET,
    code_to_token,
    import_realm,
    set_client_attributes,
    token_url,
    update_client,
    user_id,
)
from authorize_port import ISSUER, authorize, log_in, sent_back
from doorkeep.oauth.pkce import s256
from keycloak_port import poll
from support import claims, header
from wire_env import Env

pytestmark = pytest.mark.anyio

V43 = "1234567890123456789012345678901234567890123"
V42 = "ABCDEFGabcdefg1234567ABCDEFGabcdefg1234567"
V129 = (
    "3fRc92kac_keic8c7al-3ncbdoaie.DDeizlck3~3fRc92kac_keic8c7al-3ncbdoaie.DDeizlck3~"
    "3fRc92kac_keic8c7al-3ncbdoaie.DDeizlck3~123456789"
)


@pytest.fixture
async def kc(env: Env) -> Env:
    """testrealm.json with the user ``no-permissions``; test-app has direct grants (clientConfiguration) and
    its full scope, so the token carries the user's two realm roles as the Java test counts them."""
    await import_realm(env)
    await update_client(env, fullScopeAllowed=True, directAccessGrantsEnabled=True)
    await poll(env)
    return env


async def logged_in(env: Env, **pkce: str | None) -> tuple[str, str, str]:
    """``oauth.doLogin`` with the PKCE parameters, then ``events.expectLogin()``: (code, session id, code id)."""
    params = sent_back(await log_in(env.http, await authorize(env.http, **pkce)))
    assert "error" not in params, params
    [event] = await poll(env)
    assert (event["type"], event["clientId"]) == ("LOGIN", APP), event
    return params["code"], event["sessionId"], event["details"]["code_id"]


def refused_at_authorization(response: httpx.Response, description: str) -> None:
    """The authorization endpoint sends ``invalid_request`` back to the client, with the issuer."""
    params = sent_back(response)
    assert (params["error"], params.get("error_description")) == ("invalid_request", description), params
    assert params["iss"] == ISSUER


async def expect_login_error(env: Env, reason: str) -> None:
    """``events.expectLogin().error(invalid_request).user(null).session(null)``, with the check's reason."""
    [event] = await poll(env)
    assert (event["type"], event["error"], event["clientId"]) == ("LOGIN_ERROR", "invalid_request", APP), event
    assert event.get("userId") is None and event.get("sessionId") is None, event
    assert event["details"]["reason"] == reason, event


async def expect_code_error(env: Env, code: str, session_id: str, verifier: str | None, error: str, text: str) -> None:
    """``doAccessTokenRequest`` refused with ``invalid_grant`` and ``expectCodeToToken(codeId, sessionId)
    .error(error)``: the event names the user and the session."""
    extra = {} if verifier is None else {"code_verifier": verifier}
    response = await code_to_token(env, code, **extra)
    assert response.status_code == 400, response.text
    assert response.json() == {"error": "invalid_grant", "error_description": text}
    [event] = await poll(env)
    assert (event["type"], event["error"], event["clientId"]) == ("CODE_TO_TOKEN_ERROR", error, APP), event
    assert (event["sessionId"], event["userId"]) == (session_id, await user_id(env)), event


async def expect_successful_response_from_token_endpoint(
    env: Env, code_id: str, session_id: str, code: str, verifier: str | None = None
) -> None:
    """Keycloak's ``expectSuccessfulResponseFromTokenEndpoint``: the tokens, the CODE_TO_TOKEN event, and a
    refresh two seconds later that PKCE does not affect."""
    extra = {} if verifier is None else {"code_verifier": verifier}
    response = await code_to_token(env, code, **extra)
    assert response.status_code == 200, response.text
    body = response.json()
    assert 250 <= body["expires_in"] <= 300 and 1750 <= body["refresh_expires_in"] <= 1800, body
    assert body["token_type"] == "Bearer"
    certs = (await env.http.get("/realms/test/protocol/openid-connect/certs")).json()
    kid = next(k["kid"] for k in certs["keys"] if k.get("use") == "sig")
    for name in ("access_token", "id_token"):
        assert header(body[name]) == {"alg": "RS256", "typ": "JWT", "kid": kid}, name
    refresh_header = header(body["refresh_token"])
    assert (refresh_header["alg"], refresh_header["typ"], "cty" in refresh_header) == ("HS512", "JWT", False)

    uid = await user_id(env)
    token, refresh = claims(body["access_token"]), claims(body["refresh_token"])
    assert_roles(token, uid, session_id)
    [event] = await poll(env)
    assert (event["type"], event["sessionId"], event["userId"]) == ("CODE_TO_TOKEN", session_id, uid), event
    assert event["details"]["code_id"] == code_id
    assert (event["details"]["token_id"], event["details"]["refresh_token_id"]) == (token["jti"], refresh["jti"])
    now = env.clock.now()
    assert 200 <= token["exp"] - now <= 350 and 1799 <= refresh["exp"] - now <= 1800
    assert refresh["sid"] == session_id

    env.clock.advance(2)  # setTimeOffset(2)
    refreshed = await env.http.post(
        token_url(), data={"grant_type": "refresh_token", "refresh_token": body["refresh_token"]}, auth=(APP, SECRET)
    )
    assert refreshed.status_code == 200, refreshed.text
    again = refreshed.json()
    new_token, new_refresh = claims(again["access_token"]), claims(again["refresh_token"])
    assert new_token["sid"] == new_refresh["sid"] == session_id
    assert 250 <= again["expires_in"] <= 300 and again["token_type"] == "Bearer"
    assert 1 <= new_token["exp"] - token["exp"] <= 10 and 1 <= new_refresh["exp"] - refresh["exp"] <= 10
    assert new_token["jti"] != token["jti"] and new_refresh["jti"] != refresh["jti"]
    assert_roles(new_token, uid, session_id)
    [event] = await poll(env)
    assert (event["type"], event["sessionId"]) == ("REFRESH_TOKEN", session_id), event
    assert event["details"]["refresh_token_id"] == refresh["jti"]
    assert event["details"]["token_id"] != token["jti"]
    assert event["details"]["updated_refresh_token_id"] != refresh["jti"]


def assert_roles(token: dict[str, Any], uid: str, session_id: str) -> None:
    assert token["sub"] == uid and token["sid"] == session_id, token
    assert sorted(token["realm_access"]["roles"]) == ["offline_access", "user"], token["realm_access"]
    assert token["resource_access"][APP]["roles"] == ["customer-user"], token["resource_access"]


async def enforce(env: Env, method: str | None) -> None:
    """``setPkceActivationSettings``: the client's ``pkce.code.challenge.method``."""
    await set_client_attributes(env, pkce_code_challenge_method=method)


async def test_access_token_request_without_pkce(kc: Env) -> None:
    """OAuthProofKeyForCodeExchangeTest.accessTokenRequestWithoutPKCE (A-1-1)."""
    code, session_id, code_id = await logged_in(kc)
    await expect_successful_response_from_token_endpoint(kc, code_id, session_id, code)


async def test_access_token_request_in_pkce_valid_s256_code_challenge_method(kc: Env) -> None:
    """OAuthProofKeyForCodeExchangeTest.accessTokenRequestInPKCEValidS256CodeChallengeMethod (A-1-2)."""
    code, session_id, code_id = await logged_in(kc, code_challenge=s256(V43), code_challenge_method="S256")
    await expect_successful_response_from_token_endpoint(kc, code_id, session_id, code, V43)


async def test_access_token_request_in_pkce_unmatched_code_verifier_with_s256_code_challenge_method(kc: Env) -> None:
    """OAuthProofKeyForCodeExchangeTest.accessTokenRequestInPKCEUnmatchedCodeVerifierWithS256CodeChallengeMethod
    (A-1-5): the verifier itself sent as an S256 challenge does not match."""
    code, session_id, _ = await logged_in(kc, code_challenge=V43, code_challenge_method="S256")
    await expect_code_error(
        kc, code, session_id, V43, "pkce_verification_failed", "PKCE verification failed: Code mismatch"
    )


async def test_access_token_request_in_pkce_valid_plain_code_challenge_method(kc: Env) -> None:
    """OAuthProofKeyForCodeExchangeTest.accessTokenRequestInPKCEValidPlainCodeChallengeMethod (A-1-3)."""
    verifier = ".234567890-234567890~234567890_234567890123"
    code, session_id, code_id = await logged_in(kc, code_challenge=verifier, code_challenge_method="plain")
    await expect_successful_response_from_token_endpoint(kc, code_id, session_id, code, verifier)


async def test_access_token_request_in_pkce_unmached_code_verifier_with_plain_code_challenge_method(kc: Env) -> None:
    """OAuthProofKeyForCodeExchangeTest.accessTokenRequestInPKCEUnmachedCodeVerifierWithPlainCodeChallengeMethod
    (A-1-6)."""
    code, session_id, _ = await logged_in(kc, code_challenge=V43, code_challenge_method="plain")
    verifier = "aZ_-.~1234567890123456789012345678901234567890123Za"
    await expect_code_error(
        kc, code, session_id, verifier, "pkce_verification_failed", "PKCE verification failed: Code mismatch"
    )


async def test_access_token_request_in_pkce_valid_default_code_challenge_method(kc: Env) -> None:
    """OAuthProofKeyForCodeExchangeTest.accessTokenRequestInPKCEValidDefaultCodeChallengeMethod (A-1-4): no
    method means plain."""
    code, session_id, code_id = await logged_in(kc, code_challenge=V43)
    await expect_successful_response_from_token_endpoint(kc, code_id, session_id, code, V43)


async def test_access_token_request_in_pkce_without_code_challenge_with_valid_code_challenge_method(kc: Env) -> None:
    """OAuthProofKeyForCodeExchangeTest.accessTokenRequestInPKCEWithoutCodeChallengeWithValidCodeChallengeMethod
    (A-1-7)."""
    refused_at_authorization(
        await authorize(kc.http, code_challenge_method="plain"), "Missing parameter: code_challenge"
    )
    await expect_login_error(kc, "Missing parameter: code_challenge")


async def test_access_token_request_in_pkce_invalid_under_code_challenge_with_s256_code_challenge_method(
    kc: Env,
) -> None:
    """OAuthProofKeyForCodeExchangeTest.accessTokenRequestInPKCEInvalidUnderCodeChallengeWithS256CodeChallengeMethod
    (A-1-8): a 42-character challenge."""
    response = await authorize(kc.http, code_challenge=V42, code_challenge_method="S256")
    refused_at_authorization(response, "Invalid parameter: code_challenge")
    await expect_login_error(kc, "Invalid parameter: code_challenge")


async def test_access_token_request_in_pkce_invalid_over_code_challenge_with_plain_code_challenge_method(
    kc: Env,
) -> None:
    """OAuthProofKeyForCodeExchangeTest.accessTokenRequestInPKCEInvalidOverCodeChallengeWithPlainCodeChallengeMethod
    (A-1-9): a 129-character challenge."""
    response = await authorize(kc.http, code_challenge=V129, code_challenge_method="plain")
    refused_at_authorization(response, "Invalid parameter: code_challenge")
    await expect_login_error(kc, "Invalid parameter: code_challenge")


async def test_access_token_request_in_pkce_invalid_under_code_verifier_with_s256_code_challenge_method(
    kc: Env,
) -> None:
    """OAuthProofKeyForCodeExchangeTest.accessTokenRequestInPKCEInvalidUnderCodeVerifierWithS256CodeChallengeMethod
    (A-1-10): a 42-character verifier."""
    code, session_id, _ = await logged_in(kc, code_challenge=s256(V42), code_challenge_method="S256")
    await expect_code_error(
        kc, code, session_id, V42, "invalid_code_verifier", "PKCE verification failed: Invalid code verifier"
    )


async def test_access_token_request_in_pkce_invalid_over_code_verifier_with_s256_code_challenge_method(
    kc: Env,
) -> None:
    """OAuthProofKeyForCodeExchangeTest.accessTokenRequestInPKCEInvalidOverCodeVerifierWithS256CodeChallengeMethod
    (A-1-11): a 129-character verifier."""
    code, session_id, _ = await logged_in(kc, code_challenge=s256(V129), code_challenge_method="S256")
    await expect_code_error(
        kc, code, session_id, V129, "invalid_code_verifier", "PKCE verification failed: Invalid code verifier"
    )


async def test_access_token_request_in_pkce_w_ithout_code_verifier_with_s256_code_challenge_method(kc: Env) -> None:
    """OAuthProofKeyForCodeExchangeTest.accessTokenRequestInPKCEWIthoutCodeVerifierWithS256CodeChallengeMethod
    (A-1-12)."""
    code, session_id, _ = await logged_in(kc, code_challenge=V43, code_challenge_method="S256")
    await expect_code_error(kc, code, session_id, None, "code_verifier_missing", "PKCE code verifier not specified")


async def test_access_token_request_in_pkce_invalid_code_challenge_with_s256_code_challenge_method(kc: Env) -> None:
    """OAuthProofKeyForCodeExchangeTest.accessTokenRequestInPKCEInvalidCodeChallengeWithS256CodeChallengeMethod
    (A-1-13): a ``=`` in the challenge."""
    challenge = "1234567890123456789=12345678901234567890123"
    response = await authorize(kc.http, code_challenge=challenge, code_challenge_method="S256")
    refused_at_authorization(response, "Invalid parameter: code_challenge")
    await expect_login_error(kc, "Invalid parameter: code_challenge")


async def test_access_token_request_in_pkce_invalid_code_verifier_with_s256_code_challenge_method(kc: Env) -> None:
    """OAuthProofKeyForCodeExchangeTest.accessTokenRequestInPKCEInvalidCodeVerifierWithS256CodeChallengeMethod
    (A-1-14): a ``$`` in the verifier."""
    verifier = "123456789.123456789-123456789~1234$6789_123"
    code, session_id, _ = await logged_in(kc, code_challenge=s256(verifier), code_challenge_method="S256")
    await expect_code_error(
        kc, code, session_id, verifier, "invalid_code_verifier", "PKCE verification failed: Invalid code verifier"
    )


async def test_access_token_request_in_pkce_code_verifier_with_no_code_challenge(kc: Env) -> None:
    """OAuthProofKeyForCodeExchangeTest.accessTokenRequestInPKCECodeVerifierWithNoCodeChallenge: a verifier for
    a code whose request had no challenge (intercepted)."""
    code, session_id, _ = await logged_in(kc)
    await expect_code_error(
        kc,
        code,
        session_id,
        "12345678e01234567890g2345678h012a4567j90123",
        "invalid_code_verifier",
        "PKCE code verifier specified but challenge not present in authorization",
    )


async def test_access_token_request_valid_s256_code_challenge_method_pkce_enforced(kc: Env) -> None:
    """OAuthProofKeyForCodeExchangeTest.accessTokenRequestValidS256CodeChallengeMethodPkceEnforced."""
    await enforce(kc, "S256")
    await poll(kc)
    verifier = "1a345A7890123456r8901c3456789012b45K7890l23"
    code, session_id, code_id = await logged_in(kc, code_challenge=s256(verifier), code_challenge_method="S256")
    await expect_successful_response_from_token_endpoint(kc, code_id, session_id, code, verifier)


async def test_access_token_request_valid_plain_code_challenge_method_pkce_enforced(kc: Env) -> None:
    """OAuthProofKeyForCodeExchangeTest.accessTokenRequestValidPlainCodeChallengeMethodPkceEnforced."""
    await enforce(kc, "plain")
    await poll(kc)
    verifier = "12E45r78901d3456789G12y45G78901234B67v901u3"
    code, session_id, code_id = await logged_in(kc, code_challenge=verifier, code_challenge_method="plain")
    await expect_successful_response_from_token_endpoint(kc, code_id, session_id, code, verifier)


async def test_access_token_request_code_challenge_method_mismatch_pkce_enforced(kc: Env) -> None:
    """OAuthProofKeyForCodeExchangeTest.accessTokenRequestCodeChallengeMethodMismatchPkceEnforced: Keycloak 26's
    text (AuthorizationEndpointChecker.checkParamsForPkceEnforcedClient)."""
    await enforce(kc, "S256")
    await poll(kc)
    challenge = s256("12345678e01234567890g2345678h012a4567j90123")
    response = await authorize(kc.http, code_challenge=challenge, code_challenge_method="plain")
    text = "Invalid parameter: code challenge method is not matching the configured one"
    refused_at_authorization(response, text)
    await expect_login_error(kc, text)


async def test_access_token_request_code_challenge_method_missing_pkce_enforced(kc: Env) -> None:
    """OAuthProofKeyForCodeExchangeTest.accessTokenRequestCodeChallengeMethodMissingPkceEnforced."""
    await enforce(kc, "S256")
    await poll(kc)
    response = await authorize(kc.http, code_challenge=s256(V43))
    refused_at_authorization(response, "Missing parameter: code_challenge_method")
    await expect_login_error(kc, "Missing parameter: code_challenge_method")


async def test_access_token_request_code_challenge_missing_pkce_enforced(kc: Env) -> None:
    """OAuthProofKeyForCodeExchangeTest.accessTokenRequestCodeChallengeMissingPkceEnforced."""
    await enforce(kc, "S256")
    await poll(kc)
    response = await authorize(kc.http, code_challenge_method="S256")
    refused_at_authorization(response, "Missing parameter: code_challenge")
    await expect_login_error(kc, "Missing parameter: code_challenge")


async def test_access_token_request_invalid_code_challenge_pkce_enforced(kc: Env) -> None:
    """OAuthProofKeyForCodeExchangeTest.accessTokenRequestInvalidCodeChallengePkceEnforced."""
    await enforce(kc, "S256")
    await poll(kc)
    response = await authorize(kc.http, code_challenge="invalid", code_challenge_method="S256")
    refused_at_authorization(response, "Invalid parameter: code_challenge")
    await expect_login_error(kc, "Invalid parameter: code_challenge")


async def test_access_token_request_without_code_verifier_pkce_enforced(kc: Env) -> None:
    """OAuthProofKeyForCodeExchangeTest.accessTokenRequestWithoutCodeVerifierPkceEnforced."""
    await enforce(kc, "S256")
    await poll(kc)
    code, session_id, _ = await logged_in(kc, code_challenge=s256(V43), code_challenge_method="S256")
    await expect_code_error(kc, code, session_id, None, "code_verifier_missing", "PKCE code verifier not specified")
