"""Keycloak's ParWithDPoPTest (testsuite/integration-arquillian/tests/base/.../oauth/par/ParWithDPoPTest.java),
ported method by method: where a pushed authorization request's code is bound to a DPoP key (RFC 9449 §10).

The Java table of cases, C01 to C16, sets four places a key can come from: the push's DPoP proof, a ``dpop_jkt``
in the pushed request object, a ``dpop_jkt`` form parameter of the push, and a ``dpop_jkt`` in the
authorization request's query. The proof wins; then the request object's, then the form's; the query's counts
only when the push named no key. A push whose ``dpop_jkt`` is not its proof's key is refused there ("...
dpop_jkt." with the checker's period); a code exchanged with a proof of another key than the one bound is
refused at the token endpoint (DPoPUtil's message, without the period).

Each test registers its own confidential client dynamically (``createConfidentialClientForTest``: PAR required,
DPoP-bound access tokens, client_secret_basic). The request object is signed RS256 with a key the client
publishes (the Java test's jwks_url on the test app; here the client's ``jwks.string``). Keycloak's random clock
skew of -10..9 s is a fixed skew per test, both ends of that range used. One app for the module
(group_port.shared_env), the realm imported anew for each test.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

import group_port
from browser_flow import code_from, submit
from dpop_port import BASE, TOKEN_URL, ProofKey, payload
from group_port import fresh_realm
from keycloak_port import admin_headers, client_uuid, get, put
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

USER = "test-user@localhost"
CLIENT_REDIRECT = "https://localhost:8543/auth/realms/test/app/auth/cb"
PAR = "/realms/test/protocol/openid-connect/ext/par/request"
PAR_URL = f"{BASE}{PAR}"
AUTH = "/realms/test/protocol/openid-connect/auth"
TOKEN = "/realms/test/protocol/openid-connect/token"
REG = "/realms/test/clients-registrations/openid-connect"
TOKEN_MISMATCH = "DPoP Proof public key thumbprint does not match dpop_jkt"
PAR_MISMATCH = "DPoP Proof public key thumbprint does not match dpop_jkt."
EC, RSA = ProofKey("ec"), ProofKey("rsa")  # the Java @Before's keys: ES256 on P-256, PS256 on RSA 2048
SIGNING = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # the request objects' RS256 key


def realm_rep() -> dict[str, Any]:
    user = {"username": USER, "enabled": True, "email": USER, "emailVerified": True, "firstName": "Tom"}
    user |= {"lastName": "Brady", "credentials": [{"type": "password", "value": "password"}]}
    return {"realm": "test", "enabled": True, "sslRequired": "external", "users": [user]}


@pytest.fixture
async def kc(env: Env) -> Env:
    env.http.cookies.clear()
    await fresh_realm(env, realm_rep())
    return env


async def confidential_client(env: Env) -> tuple[str, str]:
    """createConfidentialClientForTest and getConfidentialClientSecretForTest: the client's id and secret."""
    grant = await env.http.post("/admin/realms/test/clients-initial-access", json={}, headers=await admin_headers(env))
    assert grant.status_code == 201, grant.text
    metadata = {
        "client_name": f"Zahlungs-App-{uuid.uuid4().hex[:8]}",
        "require_pushed_authorization_requests": True,
        "redirect_uris": [CLIENT_REDIRECT],
        "dpop_bound_access_tokens": True,
    }
    response = await env.http.post(REG, json=metadata, headers={"Authorization": f"Bearer {grant.json()['token']}"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["require_pushed_authorization_requests"] is True
    assert CLIENT_REDIRECT in body["redirect_uris"]
    assert body["token_endpoint_auth_method"] == "client_secret_basic"
    return str(body["client_id"]), str(body["client_secret"])


async def request_object(env: Env, client_id: str, dpop_jkt: str | None) -> str:
    """generateRequestObject: an RS256 request object (code, the redirect URI, ``openid``, a nonce and
    ``dpop_jkt`` when given), its key published as the client's JWKS."""
    uuid_ = await client_uuid(env, client_id)
    rep = await get(env, f"/clients/{uuid_}")
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(SIGNING.public_key()))
    public.update(kid="ro", use="sig", alg="RS256")
    rep["attributes"].update({"use.jwks.string": "true", "jwks.string": json.dumps({"keys": [public]})})
    await put(env, f"/clients/{uuid_}", rep)
    now = env.clock.now()
    body: dict[str, Any] = {"jti": str(uuid.uuid4()), "iat": now, "exp": now + 300, "nbf": now}
    body |= {"client_id": client_id, "response_type": "code", "redirect_uri": CLIENT_REDIRECT, "scope": "openid"}
    body["nonce"] = str(uuid.uuid4())
    if dpop_jkt is not None:
        body["dpop_jkt"] = dpop_jkt
    return jwt.encode(body, SIGNING, algorithm="RS256", headers={"kid": "ro"})


async def push(
    env: Env, client: tuple[str, str], proof: str | None, dpop_jkt: str | None, request: str | None = None
) -> httpx.Response:
    """sendPushedAuthorizationRequestWithDpopJkt (with ``request``) or sendGenerateAndPushedAuthorizationRequest
    (code, the redirect URI and ``openid`` as form parameters): client_secret_basic, the proof in ``DPoP``."""
    form: dict[str, str] = {"client_id": client[0]}
    if request is None:
        form |= {"response_type": "code", "redirect_uri": CLIENT_REDIRECT, "scope": "openid"}
    else:
        form["request"] = request
    if dpop_jkt is not None:
        form["dpop_jkt"] = dpop_jkt
    headers = {} if proof is None else {"DPoP": proof}
    return await env.http.post(PAR, data=form, headers=headers, auth=client)


async def pushed_uri(
    env: Env, client: tuple[str, str], proof: str | None, dpop_jkt: str | None, request: str | None = None
) -> str:
    response = await push(env, client, proof, dpop_jkt, request)
    assert response.status_code == 201, response.text
    return str(response.json()["request_uri"])


async def authorized_code(env: Env, client_id: str, request_uri: str, dpop_jkt: str | None) -> str:
    """sendAuthorizationRequest: only client_id, request_uri and (when given) ``dpop_jkt`` in the query; the
    user signs in; the code."""
    query = {"client_id": client_id, "request_uri": request_uri}
    if dpop_jkt is not None:
        query["dpop_jkt"] = dpop_jkt
    page = await env.http.get(AUTH, params=query)
    assert page.status_code == 200, (page.status_code, page.headers.get("location"), page.text[:300])
    sent = code_from(await submit(env.http, page, username=USER, password="password"))
    assert "code" in sent, sent
    return sent["code"]


async def token_request(env: Env, client: tuple[str, str], code: str, proof: str) -> httpx.Response:
    """sentTokenRequest: the code, the redirect URI, client_secret_basic, the proof in ``DPoP``."""
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": CLIENT_REDIRECT}
    return await env.http.post(TOKEN, data=form, headers={"DPoP": proof}, auth=client)


def par_proof(env: Env, key: ProofKey, skew: int) -> str:
    return key.proof("POST", PAR_URL, env.clock.now() + skew)


def token_proof(env: Env, key: ProofKey, skew: int) -> str:
    return key.proof("POST", TOKEN_URL, env.clock.now() + skew)


def issued(response: httpx.Response, key: ProofKey) -> None:
    """200, and ``oauth.verifyToken``: a DPoP access token bound to ``key``."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "DPoP", body
    assert payload(body["access_token"])["cnf"] == {"jkt": key.jkt}


def refused(response: httpx.Response, description: str) -> None:
    assert response.status_code == 400, response.text
    assert (response.json()["error"], response.json()["error_description"]) == ("invalid_request", description)


async def flow(
    env: Env,
    *,
    proof: ProofKey | None,
    in_object: ProofKey | None,
    in_form: ProofKey | None,
    in_query: ProofKey | None,
    at_token: ProofKey,
    skew: int,
) -> httpx.Response:
    """One case of the table: a push (its proof, the request object's ``dpop_jkt``, the form's), the
    authorization request (the query's ``dpop_jkt``), and the code's token request with a proof of ``at_token``."""
    client = await confidential_client(env)
    request = None if in_object is None else await request_object(env, client[0], in_object.jkt)
    uri = await pushed_uri(
        env,
        client,
        None if proof is None else par_proof(env, proof, skew),
        None if in_form is None else in_form.jkt,
        request,
    )
    code = await authorized_code(env, client[0], uri, None if in_query is None else in_query.jkt)
    return await token_request(env, client, code, token_proof(env, at_token, skew))


async def test_success_proof_req_obj_form_param_query_param(kc: Env) -> None:
    """ParWithDPoPTest.testSuccess_Proof_ReqObj_FormParam_QueryParam (C01): the proof (EC) and the request
    object (EC) win over the form's and the query's RSA key."""
    issued(await flow(kc, proof=EC, in_object=EC, in_form=RSA, in_query=RSA, at_token=EC, skew=-10), EC)


async def test_failure_proof_req_obj_form_param_query_param_token_proof_mismatch(kc: Env) -> None:
    """ParWithDPoPTest.testFailure_Proof_ReqObj_FormParam_QueryParam_Token_Proof_Mismatch (C01): the code is
    EC's; an RSA proof at the token endpoint is refused."""
    refused(await flow(kc, proof=EC, in_object=EC, in_form=RSA, in_query=RSA, at_token=RSA, skew=9), TOKEN_MISMATCH)


async def test_failure_proof_req_obj_form_param_query_param_par_proof_mismatch(kc: Env) -> None:
    """ParWithDPoPTest.testFailure_Proof_ReqObj_FormParam_QueryParam_PAR_Proof_Mismatch: the request object's
    RSA key (which wins over the form's EC key) is not the EC proof's: the push is refused, with two
    PUSHED_AUTHORIZATION_REQUEST_ERROR events (the checker's reason, then the answer's detail)."""
    await put(
        kc, "/events/config", {"eventsEnabled": True, "enabledEventTypes": ["PUSHED_AUTHORIZATION_REQUEST_ERROR"]}
    )
    client = await confidential_client(kc)
    request = await request_object(kc, client[0], RSA.jkt)
    response = await push(kc, client, par_proof(kc, EC, 0), EC.jkt, request)
    refused(response, PAR_MISMATCH)
    events = await get(kc, "/events", type="PUSHED_AUTHORIZATION_REQUEST_ERROR")
    assert [(e["error"], e["details"].get("reason"), e["details"].get("detail")) for e in events] == [
        ("invalid_request", PAR_MISMATCH, PAR_MISMATCH),
        ("invalid_request", PAR_MISMATCH, None),
    ], events


async def test_success_proof_req_obj_form_param(kc: Env) -> None:
    """ParWithDPoPTest.testSuccess_Proof_ReqObj_FormParam (C02)."""
    issued(await flow(kc, proof=EC, in_object=EC, in_form=RSA, in_query=None, at_token=EC, skew=5), EC)


async def test_failure_proof_req_obj_form_param_token_proof_mismatch(kc: Env) -> None:
    """ParWithDPoPTest.testFailure_Proof_ReqObj_FormParam_Token_Proof_Mismatch (C02)."""
    refused(await flow(kc, proof=EC, in_object=EC, in_form=RSA, in_query=None, at_token=RSA, skew=-3), TOKEN_MISMATCH)


async def test_success_proof_req_obj_query_param(kc: Env) -> None:
    """ParWithDPoPTest.testSuccess_Proof_ReqObj_QueryParam (C03): the query's EC key is ignored."""
    issued(await flow(kc, proof=RSA, in_object=RSA, in_form=None, in_query=EC, at_token=RSA, skew=0), RSA)


async def test_failure_proof_req_obj_token_proof_mismatch(kc: Env) -> None:
    """ParWithDPoPTest.testFailure_Proof_ReqObj_Token_Proof_Mismatch (C04)."""
    refused(
        await flow(kc, proof=RSA, in_object=RSA, in_form=None, in_query=None, at_token=EC, skew=-10), TOKEN_MISMATCH
    )


async def test_success_proof_form_obj_query_param(kc: Env) -> None:
    """ParWithDPoPTest.testSuccess_Proof_FormObj_QueryParam (C05): proof and form parameter RSA, the query's
    EC key ignored."""
    issued(await flow(kc, proof=RSA, in_object=None, in_form=RSA, in_query=EC, at_token=RSA, skew=9), RSA)


async def test_failure_proof_form_obj_query_param_par_proof_mismatch(kc: Env) -> None:
    """ParWithDPoPTest.testFailure_Proof_FormObj_QueryParam_PAR_Proof_Mismatch (C06): an EC proof with the
    form's RSA ``dpop_jkt`` is refused at the push."""
    client = await confidential_client(kc)
    refused(await push(kc, client, par_proof(kc, EC, -7), RSA.jkt), PAR_MISMATCH)


async def test_success_proof_query_param(kc: Env) -> None:
    """ParWithDPoPTest.testSuccess_Proof_QueryParam (C07): the proof's RSA key, not the query's EC key."""
    issued(await flow(kc, proof=RSA, in_object=None, in_form=None, in_query=EC, at_token=RSA, skew=2), RSA)


async def test_failure_proof_token_proof_mismatch(kc: Env) -> None:
    """ParWithDPoPTest.testFailure_Proof_Token_Proof_Mismatch (C08)."""
    refused(
        await flow(kc, proof=RSA, in_object=None, in_form=None, in_query=None, at_token=EC, skew=-1), TOKEN_MISMATCH
    )


async def test_success_req_obj_form_param_query_param(kc: Env) -> None:
    """ParWithDPoPTest.testSuccess_ReqObj_FormParam_QueryParam (C09): no proof; the request object's EC key
    wins over the form's and the query's RSA key."""
    issued(await flow(kc, proof=None, in_object=EC, in_form=RSA, in_query=RSA, at_token=EC, skew=-10), EC)


async def test_failure_req_obj_form_param_token_proof_mismatch(kc: Env) -> None:
    """ParWithDPoPTest.testFailure_ReqObj_FormParam_Token_Proof_Mismatch (C10): the code is the request
    object's EC key, not the form's RSA key."""
    refused(await flow(kc, proof=None, in_object=EC, in_form=RSA, in_query=None, at_token=RSA, skew=9), TOKEN_MISMATCH)


async def test_success_req_obj_query_param(kc: Env) -> None:
    """ParWithDPoPTest.testSuccess_ReqObj_QueryParam (C11)."""
    issued(await flow(kc, proof=None, in_object=EC, in_form=None, in_query=RSA, at_token=EC, skew=4), EC)


async def test_failure_req_obj_token_proof_mismatch(kc: Env) -> None:
    """ParWithDPoPTest.testFailure_ReqObj_Token_Proof_Mismatch (C12)."""
    refused(
        await flow(kc, proof=None, in_object=RSA, in_form=None, in_query=None, at_token=EC, skew=-6), TOKEN_MISMATCH
    )


async def test_success_form_param_query_param(kc: Env) -> None:
    """ParWithDPoPTest.testSuccess_FormParam_QueryParam (C13): the form's EC key, not the query's RSA key."""
    issued(await flow(kc, proof=None, in_object=None, in_form=EC, in_query=RSA, at_token=EC, skew=0), EC)


async def test_failure_form_param_token_proof_mismatch(kc: Env) -> None:
    """ParWithDPoPTest.testFailure_FormParam_Token_Proof_Mismatch (C14)."""
    refused(await flow(kc, proof=None, in_object=None, in_form=RSA, in_query=None, at_token=EC, skew=8), TOKEN_MISMATCH)


async def test_success_query_param(kc: Env) -> None:
    """ParWithDPoPTest.testSuccess_QueryParam (C15): the push named no key, so the query's EC key binds."""
    issued(await flow(kc, proof=None, in_object=None, in_form=None, in_query=EC, at_token=EC, skew=-10), EC)


async def test_failure_query_param(kc: Env) -> None:
    """ParWithDPoPTest.testFailure_QueryParam (C15): the query's RSA key binds; an EC proof is refused."""
    refused(await flow(kc, proof=None, in_object=None, in_form=None, in_query=RSA, at_token=EC, skew=9), TOKEN_MISMATCH)


async def test_success(kc: Env) -> None:
    """ParWithDPoPTest.testSuccess (C16): no key anywhere; the code's token request binds the access token to
    its proof's key."""
    issued(await flow(kc, proof=None, in_object=None, in_form=None, in_query=None, at_token=EC, skew=3), EC)


async def test_a_proof_binds_a_pushed_request_object_naming_no_key(kc: Env) -> None:
    """Beyond the port: a push with a proof and a request object without ``dpop_jkt`` still binds the code to
    the proof's key (ParEndpoint keeps it apart from what was pushed, and the authorization endpoint sets it
    over the request object's parameters)."""
    client = await confidential_client(kc)
    request = await request_object(kc, client[0], None)
    uri = await pushed_uri(kc, client, par_proof(kc, EC, 0), None, request)
    code = await authorized_code(kc, client[0], uri, RSA.jkt)
    refused(await token_request(kc, client, code, token_proof(kc, RSA, 0)), TOKEN_MISMATCH)
    kc.http.cookies.clear()
    uri = await pushed_uri(kc, client, par_proof(kc, EC, 1), None, await request_object(kc, client[0], None))
    issued(await token_request(kc, client, await authorized_code(kc, client[0], uri, None), token_proof(kc, EC, 1)), EC)


async def test_an_empty_pushed_dpop_jkt_is_a_key_no_proof_has(kc: Env) -> None:
    """Beyond the port: a pushed ``dpop_jkt=`` is kept as pushed (ParEndpoint stores every form value) and is not
    null, so checkParDPoPParams compares it with the push's proof (refused, with the checker's period), and without
    a proof it binds the code to a thumbprint no proof's key has (validateDPoPJkt's mismatch at the token)."""
    client = await confidential_client(kc)
    refused(await push(kc, client, par_proof(kc, EC, 0), ""), PAR_MISMATCH)
    uri = await pushed_uri(kc, client, None, "")
    code = await authorized_code(kc, client[0], uri, None)
    refused(await token_request(kc, client, code, token_proof(kc, EC, 0)), TOKEN_MISMATCH)
