"""Keycloak's OAuthPKCETest (testsuite/.../oauth/OAuthPKCETest.java), the first PKCE test class, which
OAuthProofKeyForCodeExchangeTest (test_keycloak_pkce_test.py) replaced. Its one method that the later class has no
twin of is ported: invalidCodeChallengeMethod (``MD5``). The class predates the checks Keycloak 26 makes, so the
port follows Keycloak 26's AuthorizationEndpointChecker.checkPKCEParams, as test_keycloak_pkce_test.py does: with a
valid redirect URI the error goes back to the client (``invalid_request``, "Invalid parameter:
code_challenge_method"), where the old test read it on an error page. Its other five methods use the four-character
challenge and verifier ``test``, which Keycloak 26 refuses as malformed (RFC 7636 §4.1: 43 to 128 characters);
their cases with well-formed values are OAuthProofKeyForCodeExchangeTest's, ported there.

Beyond both classes (whose token-endpoint checks call ``clearDetails()``): the CODE_TO_TOKEN_ERROR event of each
PKCE refusal carries PkceUtils' ``reason`` detail, which for a malformed or mismatching verifier is the reason alone
("Invalid code verifier", "Code mismatch"), not the whole error description.
"""

from __future__ import annotations

import pytest

from access_token_realm import APP, code_to_token, import_realm, update_client
from authorize_port import ISSUER, authorize, log_in, sent_back
from doorkeep.oauth.pkce import s256
from keycloak_port import poll
from wire_env import Env

pytestmark = pytest.mark.anyio

VERIFIER = "1234567890123456789012345678901234567890123"  # 43 characters, RFC 7636's shortest
INVALID_METHOD = "Invalid parameter: code_challenge_method"


@pytest.fixture
async def kc(env: Env) -> Env:
    """testrealm.json; test-app with direct grants (OAuthPKCETest.clientConfiguration)."""
    await import_realm(env)
    await update_client(env, directAccessGrantsEnabled=True)
    await poll(env)
    return env


@pytest.mark.parametrize("method", ["MD5", "s256", "PLAIN", "S512"])
async def test_invalid_code_challenge_method(kc: Env, method: str) -> None:
    """OAuthPKCETest.invalidCodeChallengeMethod: a method that is neither ``plain`` nor ``S256`` is refused before
    the login page, with the state, and a LOGIN_ERROR gives the reason. Keycloak compares the method as written
    (``String.equals`` in checkParamsForPkceNotEnforcedClient), so ``s256`` and ``PLAIN`` are refused too."""
    response = await authorize(kc.http, code_challenge=s256(VERIFIER), code_challenge_method=method, state="st")
    params = sent_back(response)
    assert (params["error"], params.get("error_description")) == ("invalid_request", INVALID_METHOD), params
    assert (params["state"], params["iss"]) == ("st", ISSUER), params
    [event] = await poll(kc)
    assert (event["type"], event["error"], event["clientId"]) == ("LOGIN_ERROR", "invalid_request", APP), event
    assert event.get("userId") is None and event.get("sessionId") is None, event
    assert event["details"]["reason"] == INVALID_METHOD, event


@pytest.mark.parametrize(
    ("challenge", "verifier", "error", "reason"),
    [
        (s256(VERIFIER), None, "code_verifier_missing", "PKCE code verifier not specified"),
        (
            None,
            VERIFIER,
            "invalid_code_verifier",
            "PKCE code verifier specified but challenge not present in authorization",
        ),
        (s256(VERIFIER), VERIFIER[:42], "invalid_code_verifier", "Invalid code verifier"),
        (s256(VERIFIER), VERIFIER[:-1] + "4", "pkce_verification_failed", "Code mismatch"),
    ],
    ids=["no-verifier", "no-challenge", "malformed-verifier", "mismatch"],
)
async def test_a_pkce_refusal_at_the_token_endpoint_records_keycloaks_reason(
    kc: Env, challenge: str | None, verifier: str | None, error: str, reason: str
) -> None:
    """PkceUtils.checkParamsForPkceNotEnforcedClient / verifyCodeVerifier: ``event.detail(REASON, ...)`` before
    ``event.error(...)``; the code is spent all the same."""
    pkce = {} if challenge is None else {"code_challenge": challenge, "code_challenge_method": "S256"}
    code = sent_back(await log_in(kc.http, await authorize(kc.http, **pkce)))["code"]
    await poll(kc)
    refused = await code_to_token(kc, code, **({} if verifier is None else {"code_verifier": verifier}))
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant", refused.text
    [event] = await poll(kc)
    assert (event["type"], event["error"]) == ("CODE_TO_TOKEN_ERROR", error), event
    assert event["details"]["reason"] == reason, event
