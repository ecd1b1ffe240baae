"""Keycloak's FAPI2FinalTest and FAPI2DPoPFinalTest (testsuite/.../client/, @d2861898 and @681e78ee, 26.4's FAPI 2.0
Security Profile Final, keycloak#41120): their one method of their own, testSecureClientAuthenticationAssertion,
for the certificate-bound and the DPoP-bound profile. The methods they inherit from FAPI2Test and FAPI2DPoPTest
run the same bodies under the final profiles; test_keycloak_fapi2_test.py ports them.

The Java classes name the final profiles (FAPI2_SECURITY_PROFILE_FINAL_NAME, FAPI2_DPOP_SECURITY_PROFILE_FINAL_NAME);
Doorkeep's built-in ``fapi-2-security-profile`` and ``fapi-2-dpop-security-profile`` are the final ones already:
both carry ``secure-client-authentication-assertion`` (clientpolicies/keycloak-default-client-profiles.json), the
executor that makes the final profile differ, so the port runs under them. The app runs behind the nginx
certificate lookup (tests/mtls_port.py), as test_keycloak_fapi2_test.py does.
"""

from __future__ import annotations

import pytest

import client_policies_port
import mtls_port
from client_policies_port import realm_fixture, realm_rep
from doorkeep.clientpolicies.executors_fapi import INVALID_AUDIENCE
from dpop_port import TOKEN_URL, ProofKey
from fapi_port import (
    KEYS,
    PAR,
    PKCE,
    REDIRECT,
    TOKEN,
    VERIFIER,
    assertion,
    assertion_form,
    authorize,
    create_client_by_admin,
    log_in,
    post_token,
    push,
    request_object,
    sign,
    use_global_profile,
)
from mtls_port import with_default_certificate
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = mtls_port.anyio_backend, mtls_port.shared_env
env = realm_fixture(realm_rep, scope="function")  # the realm afresh for every test
no_policies = client_policies_port.no_policies


@pytest.mark.parametrize("profile", ("fapi-2-security-profile", "fapi-2-dpop-security-profile"))
async def test_secure_client_authentication_assertion(env: Env, profile: str) -> None:
    """FAPI2FinalTest / FAPI2DPoPFinalTest#testSecureClientAuthenticationAssertion: under the final profile a
    client-jwt client's pushed request whose assertion names the PAR endpoint as its audience is refused (400);
    named the realm's issuer it is taken (201) and the login gives a code; the code's token request with an
    assertion naming the token endpoint is refused (400), with the client's certificate (or a DPoP proof) there."""
    await use_global_profile(env, profile)
    await create_client_by_admin(env, "foo", clientAuthenticatorType="client-jwt", attributes=dict(KEYS))
    signed = sign(request_object(env, "foo", nonce="123456", **PKCE), "PS256")

    par_aud = f"http://localhost{PAR}"  # getRealmInfoUrl() + "/protocol/openid-connect/ext/par/request"
    refused = await push(
        env, {"client_id": "foo", "request": signed, **assertion_form(assertion(env, "foo", aud=par_aud))}
    )
    assert refused.status_code == 400, refused.text
    assert refused.json()["error_description"] == INVALID_AUDIENCE, refused.text
    pushed = await push(env, {"client_id": "foo", "request": signed, **assertion_form(assertion(env, "foo"))})
    assert pushed.status_code == 201, pushed.text
    answer = await log_in(env, await authorize(env, client_id="foo", request_uri=pushed.json()["request_uri"]))
    assert answer.get("code"), answer

    token_aud = f"http://localhost{TOKEN}"
    form = {
        "grant_type": "authorization_code",
        "code": answer["code"],
        "redirect_uri": REDIRECT,
        "code_verifier": VERIFIER,
        **assertion_form(assertion(env, "foo", aud=token_aud)),
    }
    if profile == "fapi-2-security-profile":
        headers = with_default_certificate()
    else:
        headers = {"DPoP": ProofKey("ec").proof("POST", TOKEN_URL, env.clock.now())}
    tokens = await post_token(env, form, headers)
    assert tokens.status_code == 400, tokens.text
    assert tokens.json()["error_description"] == INVALID_AUDIENCE, tokens.text
