"""Keycloak's DPoPTest (RFC 9449, DPoP-bound tokens), ported method by method
(testsuite/integration-arquillian/tests/base/.../oauth/DPoPTest.java).

Each test is named after the Java method and says so in its docstring. The realm is the parts of testrealm.json
the Java test reads: the confidential ``test-app`` (secret ``password``) and the public ``test-public-client``,
both with "DPoP bound access tokens" on (the Java ``@Before``), ``named-test-app``, ``test-user@localhost`` and
``test-admin@localhost`` (realm-admin, offline_access). One app for the module (group_port.shared_env), the realm
imported anew for each test; Keycloak's ``timeOffSet`` is the fake clock.

testDPoPBindEnforcerExecutor, testDPoPBindEnforcerExecutorWithEnforcedAuthzCodeBinding and
testBindOnlyRefreshTokenDPoPEnforcerExecutor run the DPoP bind enforcer executor of the client policies
(src/doorkeep/clientpolicies/).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import jwt
import pytest

import group_port
from authorize_port import authorize, log_in
from browser_flow import REDIRECT, code_from, start, submit
from dpop_port import ACCOUNT_URL, TOKEN_URL, USERINFO_URL, ProofKey, b64, payload
from group_port import fresh_realm
from keycloak_port import admin_headers, client_uuid, get, one_event, poll, put
from support import add_audience
from wire_env import Env, another_worker

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

CONFIDENTIAL, SECRET, PUBLIC = "test-app", "password", "test-public-client"
USER, ADMIN_USER = "test-user@localhost", "test-admin@localhost"
TOKEN = "/realms/test/protocol/openid-connect/token"
USERINFO = "/realms/test/protocol/openid-connect/userinfo"
DPOP_ON = {"dpop.bound.access.tokens": "true"}
EC, RSA = ProofKey("ec"), ProofKey("rsa")  # the pre-computed keys of the Java @Before


def _user(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "username": name,
        "enabled": True,
        "email": name,
        "emailVerified": True,
        "firstName": "Tom",
        "lastName": "Brady",
        "credentials": [{"type": "password", "value": "password"}],
        **extra,
    }


def realm_rep() -> dict[str, Any]:
    app = {"redirectUris": [f"{REDIRECT.split('?')[0]}*"], "directAccessGrantsEnabled": True}
    return {
        "realm": "test",
        "enabled": True,
        "sslRequired": "external",
        "eventsEnabled": True,
        "clients": [
            {"clientId": CONFIDENTIAL, "secret": SECRET, "attributes": dict(DPOP_ON), **app},
            {"clientId": PUBLIC, "publicClient": True, "attributes": dict(DPOP_ON), **app},
            {"clientId": "named-test-app", "secret": SECRET, **app},
        ],
        "users": [
            _user(USER, realmRoles=["offline_access"], clientRoles={"account": ["view-profile", "manage-account"]}),
            _user(ADMIN_USER, realmRoles=["offline_access"], clientRoles={"realm-management": ["realm-admin"]}),
        ],
    }


@pytest.fixture
async def kc(env: Env) -> Env:
    env.http.cookies.clear()
    await fresh_realm(env, realm_rep())
    return env


async def set_attributes(env: Env, client_id: str, **changes: Any) -> None:
    """``changeDPoPBound`` / ``modifyClient``: the representation with attributes (dotted keys) or fields changed."""
    uuid = await client_uuid(env, client_id)
    rep = await get(env, f"/clients/{uuid}")
    for key, value in changes.items():
        if "." in key:
            rep["attributes"][key] = value
        else:
            rep[key] = value
    await put(env, f"/clients/{uuid}", rep)


async def dpop_bound(env: Env, client_id: str, on: bool) -> None:
    await set_attributes(env, client_id, **{"dpop.bound.access.tokens": "true" if on else "false"})


def now(env: Env) -> int:
    return env.clock.now()


async def login(env: Env, client_id: str = CONFIDENTIAL, **params: str) -> str:
    """``oauth.doLogin`` (or ``loginForm().dpopJkt(..).doLogin``): the code."""
    page = await start(env.http, "test", client_id, **params)
    response = page if page.status_code == 302 else await submit(env.http, page, username=USER, password="password")
    sent = code_from(response)
    assert "code" in sent, sent
    return sent["code"]


async def code_exchange(env: Env, code: str, proof: str | None, client_id: str = CONFIDENTIAL) -> httpx.Response:
    """``oauth.accessTokenRequest(code).dpopProof(proof).send()``."""
    headers = {} if proof is None else {"DPoP": proof}
    data = {"grant_type": "authorization_code", "code": code, "client_id": client_id, "redirect_uri": REDIRECT}
    if client_id != PUBLIC:
        data["client_secret"] = SECRET
    return await env.http.post(TOKEN, data=data, headers=headers)


async def refresh(env: Env, refresh_token: str, proof: str | None, client_id: str = CONFIDENTIAL) -> httpx.Response:
    """``oauth.refreshRequest(token).dpopProof(proof).send()``."""
    headers = {} if proof is None else {"DPoP": proof}
    data = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": client_id}
    if client_id != PUBLIC:
        data["client_secret"] = SECRET
    return await env.http.post(TOKEN, data=data, headers=headers)


async def userinfo(env: Env, access_token: str, proof: str | None, scheme: str = "DPoP") -> httpx.Response:
    headers = {"Authorization": f"{scheme} {access_token}"}
    if proof is not None:
        headers["DPoP"] = proof
    return await env.http.get(USERINFO, headers=headers)


def token_proof(env: Env, key: ProofKey = EC, skew: int = 0, **extra: Any) -> str:
    return key.proof("POST", TOKEN_URL, now(env) + skew, **extra)


def userinfo_proof(env: Env, key: ProofKey, access_token: str | None, url: str = USERINFO_URL) -> str:
    return key.proof("GET", url, now(env), access_token=access_token)


def ok(response: httpx.Response, token_type: str = "DPoP") -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["token_type"] == token_type, body
    return body


def refused(response: httpx.Response, description: str, error: str = "invalid_request") -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert (body["error"], body["error_description"]) == (error, description), body
    assert "token_type" not in body


def bound_to(token: str) -> str | None:
    cnf = payload(token).get("cnf")
    return cnf.get("jkt") if isinstance(cnf, dict) else None


async def dpop_bound_access_token(env: Env, key: ProofKey) -> dict[str, Any]:
    """``getDPoPBindAccessToken``: test-app's code exchanged with a PS256 proof of ``key``."""
    code = await login(env)
    body = ok(await code_exchange(env, code, token_proof(env, key)))
    assert bound_to(body["access_token"]) == key.jkt
    return body


def challenge(response: httpx.Response) -> dict[str, str]:
    """``testWWWAuthenticateHeaderError``: a DPoP challenge, its attributes."""
    header = response.headers["www-authenticate"]
    assert header.startswith("DPoP "), header
    found: dict[str, str] = {}
    for part in header[len("DPoP ") :].split(", "):
        name, _, value = part.partition("=")
        found[name] = value
    assert found["error"] == '"invalid_token"', header
    assert "EdDSA" in found["algs"] and "RS256" in found["algs"], header
    return found


async def success_with_dpop(
    env: Env, proof: str | None, jkt: str, access_bound: bool, refresh_bound: bool, client_id: str = PUBLIC
) -> dict[str, Any]:
    """``successTokenProceduresWithDPoP``: the code exchanged, the tokens bound as said, a refresh with a new EC
    proof, and (bound) userinfo with a proof of the access token."""
    code = await login(env, client_id)
    kind = "DPoP" if access_bound else "Bearer"
    body = ok(await code_exchange(env, code, proof, client_id), kind)
    assert bound_to(body["access_token"]) == (jkt if access_bound else None)
    assert bound_to(body["refresh_token"]) == (jkt if refresh_bound else None)
    again = token_proof(env) if proof is not None else None
    body = ok(await refresh(env, body["refresh_token"], again, client_id), kind)
    assert bound_to(body["access_token"]) == (jkt if access_bound else None)
    assert bound_to(body["refresh_token"]) == (jkt if refresh_bound else None)
    if access_bound:
        answer = await userinfo(env, body["access_token"], userinfo_proof(env, EC, body["access_token"]))
        assert answer.status_code == 200, answer.headers
        assert answer.json()["preferred_username"] == USER
    return body


async def test_duplicated_authorization_header_on_user_info(kc: Env) -> None:
    """testDuplicatedAuthorizationHeaderOnUserInfo: two Authorization headers are a bare 401."""
    body = await dpop_bound_access_token(kc, RSA)
    value = f"DPoP {body['access_token']}"
    response = await kc.http.get(USERINFO, headers=[("Authorization", value), ("Authorization", value)])
    assert response.status_code == 401
    assert "error" not in response.headers["www-authenticate"]


async def test_dpop_access_token_but_bearer_authorization_header(kc: Env) -> None:
    """testDPoPAccessTokenButBearerAuthorizationHeader."""
    body = await dpop_bound_access_token(kc, RSA)
    response = await userinfo(kc, body["access_token"], None, scheme="Bearer")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer ")


async def test_dpop_access_token_bearer_authorization_case_sensitivity(kc: Env) -> None:
    """testDPoPAccessTokenBearerAuthorizationCaseSensitivity: ``BeArEr`` is Bearer, so a DPoP token fails."""
    body = await dpop_bound_access_token(kc, RSA)
    response = await userinfo(kc, body["access_token"], userinfo_proof(kc, RSA, body["access_token"]), "BeArEr")
    assert response.status_code == 401


async def test_dpop_by_public_client_with_dpop_jkt(kc: Env) -> None:
    """testDPoPByPublicClientWithDpopJkt: a proof 10 s ahead, of the key the authorization request named."""
    await login(kc, PUBLIC, dpop_jkt=EC.jkt)  # the SSO session the next login reuses
    kc.http.cookies.clear()
    await success_with_dpop_jkt(kc, EC.jkt)


async def success_with_dpop_jkt(env: Env, jkt: str) -> None:
    code = await login(env, PUBLIC, dpop_jkt=jkt)
    body = ok(await code_exchange(env, code, token_proof(env, skew=10), PUBLIC))
    assert bound_to(body["access_token"]) == bound_to(body["refresh_token"]) == EC.jkt


async def test_dpop_by_public_client_with_dpop_jkt_with_different_dpop_proof_key(kc: Env) -> None:
    """testDPoPByPublicClientWithDpopJktWithDifferentDPoPProofKey."""
    code = await login(kc, PUBLIC, dpop_jkt=EC.jkt)
    response = await code_exchange(kc, code, token_proof(kc, RSA, skew=10), PUBLIC)
    refused(response, "DPoP Proof public key thumbprint does not match dpop_jkt")
    events = await get(kc, "/events", type="CODE_TO_TOKEN_ERROR")
    assert events[0]["error"] == "invalid_request", events
    assert events[0]["details"]["reason"] == "DPoP Proof public key thumbprint does not match dpop_jkt", events


async def test_dpop_jkt_without_proof(kc: Env) -> None:
    """validateDPoPJkt's other refusal (no Java method of its own): a code asked for with ``dpop_jkt`` exchanged
    by a client that does not require DPoP, without any proof."""
    await dpop_bound(kc, PUBLIC, False)
    code = await login(kc, PUBLIC, dpop_jkt=EC.jkt)
    refused(await code_exchange(kc, code, None, PUBLIC), "DPoP Proof missing")


async def test_dpop_by_public_client(kc: Env) -> None:
    """testDPoPByPublicClient."""
    await success_with_dpop(kc, token_proof(kc, skew=10), EC.jkt, True, True)


async def test_dpop_by_public_client_clock_skew(kc: Env) -> None:
    """testDPoPByPublicClientClockSkew: a proof 10 s ahead; 25 s later it is still active (the replay check
    refuses it), 36 s later it is not."""
    proof = token_proof(kc, skew=10)
    body = await success_with_dpop(kc, proof, EC.jkt, True, True)
    kc.clock.advance(25)
    refused(await refresh(kc, body["refresh_token"], proof, PUBLIC), "DPoP proof has already been used")
    kc.clock.advance(11)
    refused(await refresh(kc, body["refresh_token"], proof, PUBLIC), "DPoP proof is not active")


async def test_dpop_by_public_client_token_refresh_without_dpop_proof(kc: Env) -> None:
    """testDPoPByPublicClientTokenRefreshWithoutDPoPProof: the client no longer requires DPoP, but its refresh
    token is bound: refreshing without a proof is ``invalid_grant``."""
    code = await login(kc, PUBLIC)
    body = ok(await code_exchange(kc, code, token_proof(kc, skew=10), PUBLIC))
    assert bound_to(body["access_token"]) == bound_to(body["refresh_token"]) == EC.jkt
    await dpop_bound(kc, PUBLIC, False)
    refused(await refresh(kc, body["refresh_token"], None, PUBLIC), "DPoP proof is missing", "invalid_grant")
    other = ProofKey("ec")
    response = await refresh(kc, body["refresh_token"], token_proof(kc, other), PUBLIC)
    refused(response, "DPoP confirmation doesn't match DPoP proof", "invalid_grant")


async def test_dpop_proof_by_confidential_client(kc: Env) -> None:
    """testDPoPProofByConfidentialClient: the access token bound, the refresh token not (RFC 9449 §5);
    introspection shows the binding and the type; a revoked token is inactive; a refresh with another key binds
    the new access token to it. test-app names itself in its tokens' audience, so that its introspection answers
    (Keycloak 26.6.2's audience check)."""
    await add_audience(kc.db, "test", CONFIDENTIAL)
    code = await login(kc)
    body = ok(await code_exchange(kc, code, token_proof(kc, RSA, skew=-10)))
    assert bound_to(body["access_token"]) == RSA.jkt
    assert bound_to(body["refresh_token"]) is None
    introspect = "/realms/test/protocol/openid-connect/token/introspect"
    form = {"token": body["access_token"], "token_type_hint": "access_token"}
    meta = (await kc.http.post(introspect, data=form, auth=(CONFIDENTIAL, SECRET))).json()
    assert meta["active"] is True and meta["cnf"] == {"jkt": RSA.jkt} and meta["token_type"] == "DPoP", meta
    revoked = await kc.http.post("/realms/test/protocol/openid-connect/revoke", data=form, auth=(CONFIDENTIAL, SECRET))
    assert revoked.status_code == 200, revoked.text
    meta = (await kc.http.post(introspect, data=form, auth=(CONFIDENTIAL, SECRET))).json()
    assert meta == {"active": False}
    body = ok(await refresh(kc, body["refresh_token"], token_proof(kc, EC, skew=-10)))
    assert bound_to(body["access_token"]) == EC.jkt
    assert bound_to(body["refresh_token"]) is None


async def test_dpop_proof_by_confidential_client_ed_dsa(kc: Env) -> None:
    """testDPoPProofByConfidentialClient_EdDSA: an Ed25519 key (alg EdDSA, kty OKP)."""
    key = ProofKey("ed")
    code = await login(kc)
    body = ok(await code_exchange(kc, code, token_proof(kc, key, skew=-10)))
    assert bound_to(body["access_token"]) == key.jkt


async def test_dpop_disabled_by_public_client(kc: Env) -> None:
    """testDPoPDisabledByPublicClient: with DPoP off for the client a proof still binds; without one the tokens
    are plain Bearer tokens, refreshed as such."""
    await dpop_bound(kc, PUBLIC, False)
    await success_with_dpop(kc, token_proof(kc, skew=10), EC.jkt, True, True)
    kc.http.cookies.clear()
    await success_with_dpop(kc, None, EC.jkt, False, False)


async def test_token_refresh_with_replayed_dpop_proof_by_public_client(kc: Env) -> None:
    """testTokenRefreshWithReplayedDPoPProofByPublicClient."""
    proof = token_proof(kc)
    code = await login(kc, PUBLIC)
    body = ok(await code_exchange(kc, code, proof, PUBLIC))
    refused(await refresh(kc, body["refresh_token"], proof, PUBLIC), "DPoP proof has already been used")


async def test_token_refresh_without_dpop_proof_by_confidential_client(kc: Env) -> None:
    """testTokenRefreshWithoutDPoPProofByConfidentialClient: the client requires DPoP."""
    code = await login(kc)
    body = ok(await code_exchange(kc, code, token_proof(kc, RSA)))
    refused(await refresh(kc, body["refresh_token"], None), "DPoP proof is missing")


async def test_dpop_proof_cors_preflight(kc: Env) -> None:
    """testDPoPProofCorsPreflight: the token endpoint's preflight allows the DPoP header."""
    response = await kc.http.options(
        TOKEN, headers={"Origin": "http://localhost:8180", "Access-Control-Request-Method": "POST"}
    )
    allowed = response.headers["access-control-allow-headers"].split(", ")
    assert "DPoP" in allowed, allowed


async def proof_failure(env: Env, proof: str, description: str) -> None:
    """``testDPoPProofFailure``: test-app's code exchanged with ``proof``; the event's error and reason."""
    code = await login(env)
    refused(await code_exchange(env, code, proof), description)
    [event] = await get(env, "/events", type="CODE_TO_TOKEN_ERROR")
    assert (event["error"], event["details"]["reason"]) == ("invalid_dpop_proof", description), event


async def test_dpop_proof_without_jwk(kc: Env) -> None:
    """testDPoPProofWithoutJwk."""
    proof = token_proof(kc, header={"typ": "dpop+jwt", "alg": "ES256"})
    await proof_failure(kc, proof, "No JWK in DPoP header")


async def test_dpop_proof_invalid_algorithm(kc: Env) -> None:
    """testDPoPProofInvalidAlgorithm: ``alg`` none."""
    proof = token_proof(kc, header={"typ": "dpop+jwt", "alg": "none", "jwk": EC.jwk})
    await proof_failure(kc, proof, "Unsupported DPoP algorithm: none")


async def test_dpop_proof_invalid_type(kc: Env) -> None:
    """testDPoPProofInvalidType."""
    proof = token_proof(kc, header={"typ": "jwt+dpop", "alg": "ES256", "jwk": EC.jwk})
    await proof_failure(kc, proof, "Invalid or missing type in DPoP header: jwt+dpop")


async def test_dpop_proof_invalid_signature(kc: Env) -> None:
    """testDPoPProofInvalidSignature: the header says PS256 with the EC key; signed with the RSA key."""
    header = {"typ": "dpop+jwt", "alg": "PS256", "jwk": EC.jwk}
    proof = token_proof(kc, header=header, sign_alg="PS256", signer=RSA.private)
    description = (
        "DPoP verification failure: org.keycloak.exceptions.TokenSignatureInvalidException: Invalid token signature"
    )
    await proof_failure(kc, proof, description)


async def test_dpop_proof_mandatory_claim_missing(kc: Env) -> None:
    """testDPoPProofMandatoryClaimMissing: no ``jti``."""
    await proof_failure(kc, token_proof(kc, jti=None), "DPoP mandatory claims are missing")


async def test_dpop_proof_replayed(kc: Env) -> None:
    """testDPoPProofReplayed."""
    proof = token_proof(kc)
    code = await login(kc)
    ok(await code_exchange(kc, code, proof))
    kc.http.cookies.clear()
    await get(kc, "/events", type="CODE_TO_TOKEN")
    await kc.http.delete("/admin/realms/test/events", headers=await admin_headers(kc))
    await proof_failure(kc, proof, "DPoP proof has already been used")


async def test_dpop_proof_expired(kc: Env) -> None:
    """testDPoPProofExpired."""
    await proof_failure(kc, token_proof(kc, skew=-100000), "DPoP proof is not active")


async def test_dpop_proof_http_method_mismatch(kc: Env) -> None:
    """testDPoPProofHttpMethodMismatch."""
    await proof_failure(kc, EC.proof("GET", TOKEN_URL, now(kc)), "DPoP HTTP method mismatch")


async def test_dpop_proof_http_url_malformed(kc: Env) -> None:
    """testDPoPProofHttpUrlMalformed."""
    await proof_failure(kc, EC.proof("POST", ":::*;", now(kc)), "Malformed HTTP URL in DPoP proof")


async def test_dpop_proof_http_url_mismatch(kc: Env) -> None:
    """testDPoPProofHttpUrlMismatch."""
    proof = EC.proof("POST", "https://server.example.com/token", now(kc))
    await proof_failure(kc, proof, "DPoP HTTP URL mismatch")


async def test_dpop_proof_url_query_ignored(kc: Env) -> None:
    """DPoPHTTPCheck compares the URLs without their query (no Java method of its own)."""
    code = await login(kc)
    ok(await code_exchange(kc, code, EC.proof("POST", f"{TOKEN_URL}?x=1", now(kc))))


async def test_without_dpop_proof(kc: Env) -> None:
    """testWithoutDPoPProof: test-app requires DPoP."""
    code = await login(kc)
    refused(await code_exchange(kc, code, None), "DPoP proof is missing")


async def test_dpop_proof_on_user_info_by_confidential_client(kc: Env) -> None:
    """testDPoPProofOnUserInfoByConfidentialClient."""
    key = ProofKey("rsa")
    body = await dpop_bound_access_token(kc, key)
    response = await userinfo(kc, body["access_token"], userinfo_proof(kc, key, body["access_token"]))
    assert response.status_code == 200 and response.json()["preferred_username"] == USER


async def test_dpop_proof_on_user_info_with_missing_acccess_token_hash(kc: Env) -> None:
    """testDPoPProofOnUserInfoWithMissingAcccessTokenHash."""
    body = await dpop_bound_access_token(kc, RSA)
    response = await userinfo(kc, body["access_token"], userinfo_proof(kc, RSA, None))
    assert response.status_code == 401
    challenge(response)


async def test_dpop_disabled_on_user_info(kc: Env) -> None:
    """testDPoPDisabledOnUserInfo: DPoP off for the client, its bound token still needs a proof."""
    await dpop_bound(kc, CONFIDENTIAL, False)
    body = await dpop_bound_access_token(kc, RSA)
    response = await userinfo(kc, body["access_token"], userinfo_proof(kc, RSA, body["access_token"]))
    assert response.status_code == 200
    response = await userinfo(kc, body["access_token"], None)
    assert response.status_code == 401
    challenge(response)


async def test_without_dpop_proof_on_user_info(kc: Env) -> None:
    """testWithoutDPoPProofOnUserInfo."""
    body = await dpop_bound_access_token(kc, RSA)
    response = await userinfo(kc, body["access_token"], None)
    assert response.status_code == 401
    found = challenge(response)
    assert found["error_description"] == '"Token verification failed"' and found["realm"] == '"test"'


async def test_invalid_dpop_proof_on_user_info(kc: Env) -> None:
    """testInvalidDPoPProofOnUserInfo: ``htu`` names the token endpoint."""
    body = await dpop_bound_access_token(kc, RSA)
    proof = userinfo_proof(kc, RSA, body["access_token"], url=TOKEN_URL)
    challenge(await userinfo(kc, body["access_token"], proof))


async def test_multiple_use_dpop_proof_on_user_info(kc: Env) -> None:
    """testMultipleUseDPoPProofOnUserInfo."""
    body = await dpop_bound_access_token(kc, RSA)
    proof = userinfo_proof(kc, RSA, body["access_token"])
    assert (await userinfo(kc, body["access_token"], proof)).status_code == 200
    response = await userinfo(kc, body["access_token"], proof)
    assert response.status_code == 401
    challenge(response)


async def test_different_key_dpop_proof_on_user_info(kc: Env) -> None:
    """testDifferentKeyDPoPProofOnUserInfo."""
    body = await dpop_bound_access_token(kc, RSA)
    response = await userinfo(kc, body["access_token"], userinfo_proof(kc, ProofKey("rsa"), body["access_token"]))
    assert response.status_code == 401
    challenge(response)


async def test_dpop_proof_with_client_credentials_grant(kc: Env) -> None:
    """testDPoPProofWithClientCredentialsGrant."""
    await set_attributes(kc, CONFIDENTIAL, serviceAccountsEnabled=True)
    form = {"grant_type": "client_credentials"}
    response = await kc.http.post(TOKEN, data=form, auth=(CONFIDENTIAL, SECRET), headers={"DPoP": token_proof(kc, RSA)})
    assert bound_to(ok(response)["access_token"]) == RSA.jkt


async def test_dpop_blocks_implicit_and_hybrid_flows(kc: Env) -> None:
    """testDPoPBlocksImplicitAndHybridFlows: a client that requires DPoP gets no token from the front channel."""
    await set_attributes(kc, PUBLIC, implicitFlowEnabled=True)
    message = "DPoP is not supported for implicit nor hybrid flows. Client requires DPoP bound access tokens."
    for response_type in ("token", "id_token token", "code token", "code id_token token"):
        response = await start(kc.http, "test", PUBLIC, response_type=response_type, nonce="n")
        sent = code_from(response)
        assert (sent["error"], sent["error_description"]) == ("unauthorized_client", message), sent


async def test_dpop_proof_with_resource_owner_password_credentials_grant(kc: Env) -> None:
    """testDPoPProofWithResourceOwnerPasswordCredentialsGrant."""
    form = {"grant_type": "password", "username": USER, "password": "password", "scope": "openid"}
    response = await kc.http.post(TOKEN, data=form, auth=(CONFIDENTIAL, SECRET), headers={"DPoP": token_proof(kc, RSA)})
    assert bound_to(ok(response)["access_token"]) == RSA.jkt


async def admin_login(env: Env, key: ProofKey | None) -> httpx.Response:
    form = {"grant_type": "password", "username": ADMIN_USER, "password": "password"}
    headers = {} if key is None else {"DPoP": token_proof(env, key)}
    return await env.http.post(TOKEN, data=form, auth=(CONFIDENTIAL, SECRET), headers=headers)


async def admin_read(env: Env, body: dict[str, Any], key: ProofKey) -> httpx.Response:
    url = "/admin/realms/test"
    proof = key.proof("GET", f"http://localhost{url}", now(env), access_token=body["access_token"])
    return await env.http.get(url, headers={"Authorization": f"DPoP {body['access_token']}", "DPoP": proof})


async def test_dpop_admin_request_success(kc: Env) -> None:
    """testDPoPAdminRequestSuccess: the admin API with a DPoP token and its proofs, before and after the admin
    client's refresh (700 s later)."""
    body = ok(await admin_login(kc, RSA))
    response = await admin_read(kc, body, RSA)
    assert response.status_code == 200 and response.json()["realm"] == "test", response.text
    kc.clock.advance(700)
    body = ok(await refresh(kc, body["refresh_token"], token_proof(kc, RSA)))
    response = await admin_read(kc, body, RSA)
    assert response.status_code == 200 and response.json()["realm"] == "test", response.text
    bearer = await kc.http.get("/admin/realms/test", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert bearer.status_code == 401


async def test_dpop_admin_request_failure(kc: Env) -> None:
    """testDPoPAdminRequestFailure: the admin client without DPoP cannot even log in (400)."""
    refused(await admin_login(kc, None), "DPoP proof is missing")


async def test_dpop_account_request_success(kc: Env) -> None:
    """testDPoPAccountRequestSuccess."""
    body = await dpop_bound_access_token(kc, RSA)
    proof = RSA.proof("GET", ACCOUNT_URL, now(kc), access_token=body["access_token"])
    headers = {"Accept": "application/json", "Authorization": f"DPoP {body['access_token']}", "DPoP": proof}
    response = await kc.http.get("/realms/test/account", headers=headers)
    assert response.status_code == 200, response.text


async def test_dpop_account_request_failures(kc: Env) -> None:
    """testDPoPAccountRequestFailures: Bearer scheme; DPoP scheme without a proof; a proof for another URL."""
    body = await dpop_bound_access_token(kc, RSA)
    token, accept = body["access_token"], {"Accept": "application/json"}
    response = await kc.http.get("/realms/test/account", headers={**accept, "Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    response = await kc.http.get("/realms/test/account", headers={**accept, "Authorization": f"DPoP {token}"})
    assert response.status_code == 401
    proof = RSA.proof("GET", USERINFO_URL, now(kc), access_token=token)
    headers = {**accept, "Authorization": f"DPoP {token}", "DPoP": proof}
    assert (await kc.http.get("/realms/test/account", headers=headers)).status_code == 401


async def token_exchange(env: Env, subject: str, client_id: str, proof: str | None, **extra: str) -> httpx.Response:
    form = {
        "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
        "subject_token": subject,
        "subject_token_type": "urn:ietf:params:oauth:token-type:access_token",
        **extra,
    }
    headers = {} if proof is None else {"DPoP": proof}
    return await env.http.post(TOKEN, data=form, auth=(client_id, SECRET), headers=headers)


async def audience_mapper(env: Env, client_id: str) -> None:
    uuid = await client_uuid(env, client_id)
    mapper = {
        "name": "dpop-test-audience-mapper",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-audience-mapper",
        "config": {"included.client.audience": "named-test-app", "access.token.claim": "true"},
    }
    response = await env.http.post(
        f"/admin/realms/test/clients/{uuid}/protocol-mappers/models", json=mapper, headers=await admin_headers(env)
    )
    assert response.status_code == 201, response.text


async def test_dpop_token_exchange(kc: Env) -> None:
    """testDPoPTokenExchange: the exchanged token is bound to the proof's key."""
    await set_attributes(kc, CONFIDENTIAL, **{"standard.token.exchange.enabled": "true"})
    await audience_mapper(kc, CONFIDENTIAL)
    body = await dpop_bound_access_token(kc, RSA)
    proof = token_proof(kc, RSA, access_token=body["access_token"])
    response = await token_exchange(kc, body["access_token"], CONFIDENTIAL, proof, audience="named-test-app")
    exchanged = ok(response)["access_token"]
    assert bound_to(exchanged) == RSA.jkt
    assert "named-test-app" in payload(exchanged)["aud"]


async def test_dpop_token_exchange_missing_proof(kc: Env) -> None:
    """testDPoPTokenExchangeMissingProof."""
    await set_attributes(kc, CONFIDENTIAL, **{"standard.token.exchange.enabled": "true"})
    body = await dpop_bound_access_token(kc, RSA)
    response = await token_exchange(kc, body["access_token"], CONFIDENTIAL, None)
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"
    assert "DPoP proof is missing" in response.json()["error_description"]


async def test_dpop_token_exchange_missing_proof_by_a_client_not_requiring_dpop(kc: Env) -> None:
    """Not a DPoPTest method: a client that does not require DPoP passes the token endpoint's DPoP check without a
    proof; StandardTokenExchangeProvider.validateSenderConstrainedToken then refuses its DPoP-bound subject token
    with Errors.INVALID_DPOP_PROOF and the message as reason."""
    await dpop_bound(kc, CONFIDENTIAL, False)
    await set_attributes(kc, CONFIDENTIAL, **{"standard.token.exchange.enabled": "true"})
    body = await dpop_bound_access_token(kc, RSA)
    await poll(kc)
    refused(await token_exchange(kc, body["access_token"], CONFIDENTIAL, None), "DPoP proof is missing")
    (event,) = [e for e in await poll(kc) if e["type"] == "TOKEN_EXCHANGE_ERROR"]
    assert event["error"] == "invalid_dpop_proof" and event["details"]["reason"] == "DPoP proof is missing", event


async def test_dpop_token_exchange_different_client(kc: Env) -> None:
    """testDPoPTokenExchangeDifferentClient, as Keycloak answers it: the stored Java test has another client holding
    the key exchange the token (keycloak PR #51019, closed unmerged), but StandardTokenExchangeProvider.
    validateSenderConstrainedToken refuses any bound subject token not issued to the requester before it looks at
    a proof (issue #51014, closed as intended behaviour; the DPoP and token-exchange guides say so)."""
    await set_attributes(kc, "named-test-app", **{"standard.token.exchange.enabled": "true"})
    await audience_mapper(kc, CONFIDENTIAL)
    body = await dpop_bound_access_token(kc, RSA)
    proof = token_proof(kc, RSA, access_token=body["access_token"])
    response = await token_exchange(kc, body["access_token"], "named-test-app", proof)
    reason = "Sender-constrained token exchange rejected as the token was not issued for the requesting client"
    refused(response, reason)


async def test_dpop_token_exchange_wrong_key(kc: Env) -> None:
    """testDPoPTokenExchangeWrongKey: a valid proof of another key."""
    await set_attributes(kc, CONFIDENTIAL, **{"standard.token.exchange.enabled": "true"})
    body = await dpop_bound_access_token(kc, RSA)
    proof = token_proof(kc, EC, access_token=body["access_token"])
    response = await token_exchange(kc, body["access_token"], CONFIDENTIAL, proof)
    assert response.status_code == 400 and response.json()["error"] == "invalid_request", response.text


async def test_discovery_lists_dpop_algorithms(kc: Env) -> None:
    """OIDCWellKnownProvider: ``dpop_signing_alg_values_supported``, the asymmetric algorithms."""
    config = (await kc.http.get("/realms/test/.well-known/openid-configuration")).json()
    algs = config["dpop_signing_alg_values_supported"]
    assert {"ES256", "PS256", "RS256", "EdDSA"} <= set(algs) and not any(a.startswith("HS") for a in algs)


async def test_dynamic_registration_dpop_bound_access_tokens(kc: Env) -> None:
    """DescriptionConverter: ``dpop_bound_access_tokens`` is the client's DPoP switch, and is answered back."""
    initial = await kc.http.post(
        "/admin/realms/test/clients-initial-access", json={"count": 1, "expiration": 0}, headers=await admin_headers(kc)
    )
    token = initial.json()["token"]
    response = await kc.http.post(
        "/realms/test/clients-registrations/openid-connect",
        json={"redirect_uris": [REDIRECT], "dpop_bound_access_tokens": True, "token_endpoint_auth_method": "none"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["dpop_bound_access_tokens"] is True
    [client] = await get(kc, "/clients", clientId=response.json()["client_id"])
    assert client["attributes"]["dpop.bound.access.tokens"] == "true"


async def test_code_exchange_with_public_client_dpop_cookie_reuse(kc: Env) -> None:
    """A second code of the same SSO session, with a new key: each code binds to its own proof."""
    first = ProofKey("ec")
    code = await login(kc, PUBLIC)
    assert bound_to(ok(await code_exchange(kc, code, token_proof(kc, first), PUBLIC))["access_token"]) == first.jkt
    code = await login(kc, PUBLIC)
    assert bound_to(ok(await code_exchange(kc, code, token_proof(kc, EC), PUBLIC))["access_token"]) == EC.jkt


async def pushed_code(env: Env, proof: str | None, **params: str) -> str:
    """A pushed authorization request (with ``proof`` in its DPoP header), then the login it starts: the code."""
    form = {"response_type": "code", "client_id": PUBLIC, "redirect_uri": REDIRECT, "scope": "openid", **params}
    headers = {} if proof is None else {"DPoP": proof}
    pushed = await env.http.post("/realms/test/protocol/openid-connect/ext/par/request", data=form, headers=headers)
    assert pushed.status_code == 201, pushed.text
    page = await authorize(
        env.http, PUBLIC, None, response_type=None, scope=None, request_uri=pushed.json()["request_uri"]
    )
    sent = code_from(await log_in(env.http, page))
    return sent["code"]


async def test_par_with_dpop_proof_binds_the_code(kc: Env) -> None:
    """ParEndpoint's handleDPoPHeader (RFC 9449 §10.1): a push with a proof binds its code to the proof's key, as
    ``dpop_jkt`` would; the token request must prove that key."""
    push = EC.proof("POST", "http://localhost/realms/test/protocol/openid-connect/ext/par/request", now(kc))
    code = await pushed_code(kc, push)
    refused(
        await code_exchange(kc, code, token_proof(kc, RSA), PUBLIC),
        "DPoP Proof public key thumbprint does not match dpop_jkt",
    )
    kc.http.cookies.clear()
    code = await pushed_code(
        kc, EC.proof("POST", "http://localhost/realms/test/protocol/openid-connect/ext/par/request", now(kc))
    )
    assert bound_to(ok(await code_exchange(kc, code, token_proof(kc, EC), PUBLIC))["access_token"]) == EC.jkt


async def test_par_with_bad_dpop_proof(kc: Env) -> None:
    """A push whose proof fails is refused as the token endpoint refuses it, and a ``dpop_jkt`` of another key
    than the proof's is refused."""
    url = "http://localhost/realms/test/protocol/openid-connect/ext/par/request"
    form = {"response_type": "code", "client_id": PUBLIC, "redirect_uri": REDIRECT, "scope": "openid"}
    par = "/realms/test/protocol/openid-connect/ext/par/request"
    response = await kc.http.post(par, data=form, headers={"DPoP": EC.proof("POST", TOKEN_URL, now(kc))})
    refused(response, "DPoP HTTP URL mismatch")
    response = await kc.http.post(
        par, data={**form, "dpop_jkt": RSA.jkt}, headers={"DPoP": EC.proof("POST", url, now(kc))}
    )
    refused(response, "DPoP Proof public key thumbprint does not match dpop_jkt.")  # the PAR checker's period


def _part(value: dict[str, Any] | list[Any] | str) -> str:
    return b64((value if isinstance(value, str) else json.dumps(value)).encode())


def _signed(head: dict[str, Any] | list[Any] | str, claims: dict[str, Any] | str) -> str:
    """A JWS of any header and claims (raw JSON text when given as a string), signed with the EC key."""
    signing_input = f"{_part(head)}.{_part(claims)}"
    return f"{signing_input}.{b64(jwt.get_algorithm_by_name('ES256').sign(signing_input.encode(), EC.private))}"


def _hostile_proofs(iat: int) -> list[tuple[str, str]]:
    numbers = EC.private.private_numbers()
    private_jwk = {**EC.jwk, "d": b64(numbers.private_value.to_bytes(32, "big"))}
    good = {"htm": "POST", "htu": TOKEN_URL, "iat": iat, "jti": "j-1"}
    return [
        ("not a JWT at all", "DPoP header verification failure"),
        (_signed([], good), "DPoP header verification failure"),
        (_signed("[" * 100_000 + "]" * 100_000, good), "DPoP header verification failure"),
        (_signed({"typ": "dpop+jwt", "alg": "HS256", "jwk": EC.jwk}, good), "Unsupported DPoP algorithm: HS256"),
        (_signed({"typ": "dpop+jwt", "alg": "ES256", "jwk": {"kty": "oct", "k": "c2VjcmV0"}}, good), UNSUPPORTED_KEY),
        (
            _signed({"typ": "dpop+jwt", "alg": "ES256", "jwk": private_jwk}, good),
            "Private key is present in DPoP header",
        ),
        (_signed({"typ": "dpop+jwt", "alg": "ES256", "jwk": EC.jwk}, {**good, "iat": None}), MISSING_CLAIMS),
        # iat a Long: Jackson coerces a numeric string (test_hostile_s66f_dpop.py) but not other text
        (_signed({"typ": "dpop+jwt", "alg": "ES256", "jwk": EC.jwk}, {**good, "iat": "soon"}), HEADER_FAILURE),
        (
            _signed({"typ": "dpop+jwt", "alg": "ES256", "jwk": EC.jwk}, "[" * 100_000),
            "DPoP header verification failure",
        ),
        (f"{EC.proof('POST', TOKEN_URL, iat)},{EC.proof('POST', TOKEN_URL, iat)}", "DPoP header verification failure"),
    ]


UNSUPPORTED_KEY, MISSING_CLAIMS = "Unsupported key type in DPoP header", "DPoP mandatory claims are missing"
HEADER_FAILURE = "DPoP header verification failure"


async def test_hostile_proofs_are_keycloaks_400_never_a_500(kc: Env) -> None:
    """Proofs an attacker would try (garbage, a JSON array or a 100 000-deep header, a MAC algorithm, a symmetric
    or a private key, a null or non-numeric ``iat``, a deeply nested payload, two proofs in one header): each is 400
    ``invalid_request`` with DPoPUtil's message, and no token is issued."""
    for proof, description in _hostile_proofs(now(kc)):
        code = await login(kc)
        refused(await code_exchange(kc, code, proof), description)


async def test_a_proof_is_single_use_across_workers_and_concurrent_requests(kc: Env) -> None:
    """The replay store is the database, not a process: a proof spent on one worker is refused on another, and
    of two refreshes sent at once with one proof exactly one gets tokens."""
    code = await login(kc, PUBLIC)
    body = ok(await code_exchange(kc, code, token_proof(kc), PUBLIC))
    proof = token_proof(kc)
    ok(await refresh(kc, body["refresh_token"], proof, PUBLIC))
    form = {"grant_type": "refresh_token", "refresh_token": body["refresh_token"], "client_id": PUBLIC}
    async with another_worker(kc) as second:
        replayed = await second.post(TOKEN, data=form, headers={"DPoP": proof})
        refused(replayed, "DPoP proof has already been used")
        shared = token_proof(kc)
        answers = await asyncio.gather(
            kc.http.post(TOKEN, data=form, headers={"DPoP": shared}),
            second.post(TOKEN, data=form, headers={"DPoP": shared}),
        )
    assert sorted(a.status_code for a in answers) == [200, 400], [a.text for a in answers]
    refused(next(a for a in answers if a.status_code == 400), "DPoP proof has already been used")


LOGOUT = "/realms/test/protocol/openid-connect/logout"
LOGOUT_URL = f"http://localhost{LOGOUT}"
INTROSPECT = "/realms/test/protocol/openid-connect/token/introspect"


async def public_dpop_tokens(env: Env) -> dict[str, Any]:
    """test-public-client's tokens from a code exchanged with an EC proof: both bound to the EC key."""
    code = await login(env, PUBLIC)
    body = ok(await code_exchange(env, code, token_proof(env), PUBLIC))
    assert bound_to(body["refresh_token"]) == EC.jkt
    return body


async def logout(env: Env, refresh_token: str, proof: str | None) -> httpx.Response:
    headers = {} if proof is None else {"DPoP": proof}
    return await env.http.post(LOGOUT, data={"refresh_token": refresh_token, "client_id": PUBLIC}, headers=headers)


async def test_logout_with_a_public_clients_dpop_bound_refresh_token_needs_its_proof(kc: Env) -> None:
    """LogoutEndpoint.logoutToken runs verifyRefreshToken, whose DPoP step refuses a bound refresh token without a
    proof of its key (``invalid_grant``, LOGOUT_ERROR ``invalid_token``); a header that fails DPoPUtil's checks is
    ``invalid_request`` (event error ``invalid_dpop_proof``); the session survives each refusal. With a proof of the
    token's key the logout succeeds (keycloak#50306's fix, see oauth/logout.py)."""
    body = await public_dpop_tokens(kc)
    await poll(kc)
    refused(await logout(kc, body["refresh_token"], None), "DPoP proof is missing", "invalid_grant")
    event = await one_event(kc)
    assert (event["type"], event["error"], event["details"]["reason"]) == (
        "LOGOUT_ERROR",
        "invalid_token",
        "DPoP proof is missing",
    ), event
    other = ProofKey("ec").proof("POST", LOGOUT_URL, now(kc))
    refused(
        await logout(kc, body["refresh_token"], other), "DPoP confirmation doesn't match DPoP proof", "invalid_grant"
    )
    refused(await logout(kc, body["refresh_token"], token_proof(kc)), "DPoP HTTP URL mismatch")
    assert [(e["type"], e.get("error")) for e in await poll(kc)][-1] == ("LOGOUT_ERROR", "invalid_dpop_proof")
    body = ok(await refresh(kc, body["refresh_token"], token_proof(kc), PUBLIC))  # still logged in
    response = await logout(kc, body["refresh_token"], EC.proof("POST", LOGOUT_URL, now(kc)))
    assert response.status_code == 204, response.text
    refused(await refresh(kc, body["refresh_token"], token_proof(kc), PUBLIC), "Session not active", "invalid_grant")


async def test_revoking_a_dpop_bound_refresh_token_needs_no_proof(kc: Env) -> None:
    """TokenRevocationEndpoint checks no DPoP binding (only the client policies' DPoP bind enforcer does, which
    Doorkeep lacks): the public client revokes its bound refresh token without a proof, and the session is gone."""
    body = await public_dpop_tokens(kc)
    form = {"token": body["refresh_token"], "client_id": PUBLIC}
    response = await kc.http.post("/realms/test/protocol/openid-connect/revoke", data=form)
    assert response.status_code == 200, response.text
    refused(await refresh(kc, body["refresh_token"], token_proof(kc), PUBLIC), "Session not active", "invalid_grant")


async def test_introspection_of_a_dpop_bound_refresh_token_shows_its_binding(kc: Env) -> None:
    """AccessTokenIntrospectionProvider checks no proof and copies ``cnf`` ("not a claim controlled by the protocol
    mapper") for the access token. The public client's refresh token is inactive to another client since refresh
    tokens are introspected only by the client they were issued to (KEYCLOAK.md §12, RefreshTokenIntrospectionTest),
    and a public client cannot introspect. The public client's access tokens name test-app in their audience, so
    that test-app's introspection of them answers (Keycloak 26.6.2's audience check)."""
    await add_audience(kc.db, "test", PUBLIC, CONFIDENTIAL)
    body = await public_dpop_tokens(kc)
    meta = (await kc.http.post(INTROSPECT, data={"token": body["refresh_token"]}, auth=(CONFIDENTIAL, SECRET))).json()
    assert meta == {"active": False}, meta
    meta = (await kc.http.post(INTROSPECT, data={"token": body["access_token"]}, auth=(CONFIDENTIAL, SECRET))).json()
    assert meta["active"] is True and meta["cnf"] == {"jkt": EC.jkt}, meta


async def test_a_refresh_token_is_no_access_token_at_userinfo(kc: Env) -> None:
    """UserInfoEndpoint's token type check: a (DPoP-bound) refresh token, with a proof of its key, is refused as
    an invalid token."""
    body = await public_dpop_tokens(kc)
    answer = await userinfo(kc, body["refresh_token"], userinfo_proof(kc, EC, body["refresh_token"]))
    assert answer.status_code == 401, answer.text
    found = challenge(answer)
    assert found["error_description"] == '"Token verification failed"', found


# --- the DPoP bind enforcer executor (client policies, src/doorkeep/clientpolicies/) ---------------------------
def dpop_enforcer(auto: bool, code_binding: bool, refresh_only: bool) -> dict[str, Any]:
    """``createDPoPBindEnforcerExecutorConfig``'s executor."""
    config = {
        "auto-configure": auto,
        "enforce-authorization-code-binding-to-dpop": code_binding,
        "allow-only-refresh-token-binding": refresh_only,
    }
    return {"executor": "dpop-bind-enforcer", "configuration": config}


async def enforce_for_public_clients(env: Env, enforcer: dict[str, Any]) -> None:
    """``updateProfiles`` with MyProfile and ``updatePolicies`` with MyPolicy (client-access-type public)."""
    await put(env, "/client-policies/profiles", {"profiles": [{"name": "MyProfile", "executors": [enforcer]}]})
    condition = {"condition": "client-access-type", "configuration": {"type": ["public"]}}
    policy = {"name": "MyPolicy", "enabled": True, "conditions": [condition], "profiles": ["MyProfile"]}
    await put(env, "/client-policies/policies", {"policies": [policy]})


async def no_policies(env: Env) -> None:
    """``updatePolicies("{}")``, ``updateProfiles("{}")``."""
    await put(env, "/client-policies/policies", {"policies": []})
    await put(env, "/client-policies/profiles", {"profiles": []})


async def test_dpop_bind_enforcer_executor(kc: Env) -> None:
    """testDPoPBindEnforcerExecutor, up to the token refresh: its revocation steps (a proof of another key
    refused at the revocation endpoint) are DPoP at revocation, not the executor's part."""
    await enforce_for_public_clients(kc, dpop_enforcer(False, False, False))
    headers = await admin_headers(kc)
    public = {"publicClient": True, "redirectUris": [f"{REDIRECT.split('?')[0]}*"]}
    refused_admin = await kc.http.post(
        "/admin/realms/test/clients", json={"clientId": "App-by-Admin", **public}, headers=headers
    )
    assert refused_admin.status_code == 400, refused_admin.text
    assert refused_admin.json() == {
        "error": "invalid_client_metadata",
        "error_description": "Invalid client metadata: DPoP token in disabled",
    }
    alpha = {"clientId": "App-by-Admin-Alpha", "attributes": dict(DPOP_ON), **public}
    created = await kc.http.post("/admin/realms/test/clients", json=alpha, headers=headers)
    assert created.status_code == 201, created.text
    alpha_uuid = await client_uuid(kc, "App-by-Admin-Alpha")
    rep = await get(kc, f"/clients/{alpha_uuid}")
    rep["attributes"]["dpop.bound.access.tokens"] = "false"
    turned_off = await kc.http.put(f"/admin/realms/test/clients/{alpha_uuid}", json=rep, headers=headers)
    assert turned_off.status_code == 400, turned_off.text
    assert turned_off.json()["error"] == "invalid_client_metadata"
    assert (await get(kc, f"/clients/{alpha_uuid}"))["attributes"]["dpop.bound.access.tokens"] == "true"

    # auto-configure: a client registered dynamically without DPoP gets it
    await enforce_for_public_clients(kc, dpop_enforcer(True, False, False))
    made = await kc.http.post("/admin/realms/test/clients-initial-access", json={"count": 1}, headers=headers)
    assert made.status_code == 201, made.text
    registration = await kc.http.post(
        "/realms/test/clients-registrations/openid-connect",
        json={
            "client_name": "App-in-Dynamic-Beta",
            "redirect_uris": [REDIRECT],
            "token_endpoint_auth_method": "none",
            "dpop_bound_access_tokens": False,
        },
        headers={"Authorization": f"Bearer {made.json()['token']}"},
    )
    assert registration.status_code == 201, registration.text
    assert registration.json()["dpop_bound_access_tokens"] is True

    # the admin-made client: the token request and the refresh need a proof
    code = await login(kc, "App-by-Admin-Alpha")
    refused(await code_exchange(kc, code, None, "App-by-Admin-Alpha"), "DPoP proof is missing")
    kc.http.cookies.clear()
    code = await login(kc, "App-by-Admin-Alpha")
    body = ok(await code_exchange(kc, code, token_proof(kc), "App-by-Admin-Alpha"))
    assert bound_to(body["access_token"]) == bound_to(body["refresh_token"]) == EC.jkt
    assert (await userinfo(kc, body["access_token"], None)).status_code == 401
    answer = await userinfo(kc, body["access_token"], userinfo_proof(kc, EC, body["access_token"]))
    assert answer.status_code == 200, answer.text
    assert answer.json()["preferred_username"] == USER
    refused(await refresh(kc, body["refresh_token"], None, "App-by-Admin-Alpha"), "DPoP proof is missing")
    body = ok(await refresh(kc, body["refresh_token"], token_proof(kc), "App-by-Admin-Alpha"))
    assert bound_to(body["access_token"]) == bound_to(body["refresh_token"]) == EC.jkt
    await no_policies(kc)


async def test_dpop_bind_enforcer_executor_with_enforced_authz_code_binding(kc: Env) -> None:
    """testDPoPBindEnforcerExecutorWithEnforcedAuthzCodeBinding."""
    await enforce_for_public_clients(kc, dpop_enforcer(False, True, False))
    page = await start(kc.http, "test", PUBLIC)
    sent = code_from(page)
    assert (sent["error"], sent["error_description"]) == ("invalid_request", "Missing parameter: dpop_jkt")
    events = await get(kc, "/events", type="LOGIN_ERROR")
    assert events[0]["error"] == "invalid_request", events
    assert events[0]["details"]["reason"] == "client_policy_error", events  # expectClientPolicyError
    assert events[0]["details"]["client_policy_error"] == "invalid_request", events
    assert events[0]["details"]["client_policy_error_detail"] == "Missing parameter: dpop_jkt", events
    assert events[0]["clientId"] == PUBLIC and "userId" not in events[0], events
    code = await login(kc, PUBLIC, dpop_jkt=EC.jkt)
    body = ok(await code_exchange(kc, code, token_proof(kc, skew=10), PUBLIC))
    assert bound_to(body["access_token"]) == bound_to(body["refresh_token"]) == EC.jkt
    body = ok(await refresh(kc, body["refresh_token"], token_proof(kc), PUBLIC))
    assert bound_to(body["access_token"]) == EC.jkt
    answer = await userinfo(kc, body["access_token"], userinfo_proof(kc, EC, body["access_token"]))
    assert answer.status_code == 200, answer.text
    await no_policies(kc)


async def test_bind_only_refresh_token_d_po_p_enforcer_executor(kc: Env) -> None:
    """testBindOnlyRefreshTokenDPoPEnforcerExecutor: ``allow-only-refresh-token-binding`` for any client, neither
    client with the DPoP switch. The public client's code exchange needs a proof (the executor's
    ``invalid_dpop_proof``); with one, its refresh token is bound and its access token stays a Bearer one, at the
    exchange and the refresh. The confidential client is left alone: without a proof nothing is bound, with one
    its access token is (never a confidential client's refresh token)."""
    await dpop_bound(kc, PUBLIC, False)
    await dpop_bound(kc, CONFIDENTIAL, False)
    profile = {"name": "MyProfile", "executors": [dpop_enforcer(False, False, True)]}
    await put(kc, "/client-policies/profiles", {"profiles": [profile]})
    any_client = {"condition": "any-client", "configuration": {}}
    policy = {"name": "MyPolicy", "enabled": True, "conditions": [any_client], "profiles": ["MyProfile"]}
    await put(kc, "/client-policies/policies", {"policies": [policy]})

    code = await login(kc, PUBLIC)  # public client without proof
    refused(await code_exchange(kc, code, None, PUBLIC), "DPoP proof is missing", "invalid_dpop_proof")
    kc.http.cookies.clear()
    await success_with_dpop(kc, token_proof(kc, skew=10), EC.jkt, False, True)  # public client with proof
    await success_with_dpop(kc, None, EC.jkt, False, False, CONFIDENTIAL)  # confidential client without proof
    await success_with_dpop(kc, token_proof(kc, skew=10), EC.jkt, True, False, CONFIDENTIAL)  # ... with proof
    await no_policies(kc)


async def test_an_empty_dpop_jkt_is_a_binding_the_token_request_cannot_meet(kc: Env) -> None:
    """``dpop_jkt=`` is present, not absent: AuthzEndpointRequestParser keeps the empty value, AuthorizationEndpoint
    sets it as the client note (only null is skipped), the enforcer checks ``getDpopJkt() == null`` only, and
    DPoPUtil.validateDPoPJkt (null alone skips) refuses the exchange: no proof is "DPoP Proof missing", any proof's
    thumbprint differs from the empty string. The same whether the enforcer runs or not (PAR: test_keycloak_par_with_dpop_test)."""
    await dpop_bound(kc, PUBLIC, False)
    for enforced in (False, True):
        if enforced:
            await enforce_for_public_clients(kc, dpop_enforcer(False, True, False))
        kc.http.cookies.clear()
        code = await login(kc, PUBLIC, dpop_jkt="")
        refused(await code_exchange(kc, code, None, PUBLIC), "DPoP Proof missing")
        code = await login(kc, PUBLIC, dpop_jkt="")
        mismatch = "DPoP Proof public key thumbprint does not match dpop_jkt"
        refused(await code_exchange(kc, code, token_proof(kc, skew=10), PUBLIC), mismatch)
    await no_policies(kc)
