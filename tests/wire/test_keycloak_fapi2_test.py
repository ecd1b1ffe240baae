"""Keycloak's FAPI2Test and FAPI2DPoPTest (testsuite/.../client/FAPI2Test.java, FAPI2DPoPTest.java, their
AbstractFAPI2Test): the global FAPI 2.0 profiles for any client, each method named after the Java one. The app runs
behind the nginx certificate lookup (tests/mtls_port.py), which stands for MutualTLSUtils' client keystore.

The policies apply the global profiles themselves; the clients' redirect URI is https (fapi_port.REDIRECT).
Left out: the message signing logins' JARM responses (``query.jwt``), and FAPI2DPoPTest's refresh, userinfo and
logout with proofs after the login (DPoP itself has its own ports)."""

from __future__ import annotations

from typing import Any

import jwt
import pytest

import client_policies_port
import mtls_port
from client_policies_port import ClientPolicyRefused, get_client_by_admin, realm_fixture, realm_rep
from dpop_port import TOKEN_URL, ProofKey
from fapi_port import (
    KEYS,
    PAR,
    PKCE,
    REDIRECT,
    VERIFIER,
    assertion,
    assertion_form,
    authorize,
    client_policy_event,
    create_client_by_admin,
    log_in,
    post_token,
    push,
    redirected_error,
    request_object,
    sign,
    use_global_profile,
)
from mtls_port import DEFAULT_DN, with_default_certificate
from role_port import call
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = mtls_port.anyio_backend, mtls_port.shared_env
env = realm_fixture(realm_rep, scope="function")  # the realm afresh for every test
no_policies = client_policies_port.no_policies
MTLS_PROFILES = ("fapi-2-security-profile", "fapi-2-message-signing")
DPOP_PROFILES = ("fapi-2-dpop-security-profile", "fapi-2-dpop-message-signing")


async def register(env: Env, **metadata: Any) -> Any:
    made = await call(env, "POST", "/clients-initial-access", {"count": 1})
    assert made.status_code == 201, made.text
    return await env.http.post(
        "/realms/test/clients-registrations/openid-connect",
        json={"client_name": "foo", "redirect_uris": [REDIRECT], **metadata},
        headers={"Authorization": f"Bearer {made.json()['token']}"},
    )


def assert_binding(attributes: dict[str, str], profile: str) -> None:
    mtls = attributes.get("tls.client.certificate.bound.access.tokens") == "true"
    dpop = attributes.get("dpop.bound.access.tokens") == "true"
    assert (mtls, dpop) == ((True, False) if profile in MTLS_PROFILES else (False, True)), attributes


@pytest.mark.parametrize("profile", MTLS_PROFILES + DPOP_PROFILES)
async def test_fapi2_client_registration(env: Env, profile: str) -> None:
    """testFAPI2SecurityProfileClientRegistration, testFAPI2MessageSigningClientRegistration and FAPI2DPoPTest's
    (AbstractFAPI2Test.testFAPI2ClientRegistration): client-secret refused; client-jwt and client-x509 taken; the
    default client has consent, PS256 signatures, no full scope, and certificate-bound (or DPoP-bound) tokens."""
    await use_global_profile(env, profile)
    with pytest.raises(ClientPolicyRefused) as refused:
        await create_client_by_admin(env, "invalid", clientAuthenticatorType="client-secret")
    assert refused.value.error == "invalid_client_metadata"
    for authenticator in ("client-jwt", "client-x509"):
        cid = await create_client_by_admin(env, authenticator, clientAuthenticatorType=authenticator)
        assert (await get_client_by_admin(env, cid))["clientAuthenticatorType"] == authenticator
    client = await get_client_by_admin(env, await create_client_by_admin(env, "client-jwt-2"))
    assert client["clientAuthenticatorType"] == "client-jwt"
    assert client["consentRequired"] is True and client["fullScopeAllowed"] is False
    assert client["attributes"]["id.token.signed.response.alg"] == "PS256"
    assert client["attributes"]["request.object.signature.alg"] == "PS256"
    assert_binding(client["attributes"], profile)


@pytest.mark.parametrize("profile", MTLS_PROFILES + DPOP_PROFILES)
async def test_fapi2_oidc_client_registration(env: Env, profile: str) -> None:
    """testFAPI2SecurityProfileOIDCClientRegistration and the others (testFAPI2OIDCClientRegistration): dynamic
    registration with client_secret_basic refused, private_key_jwt taken without full scope; tls_client_auth
    taken as a client-x509 client, with consent, S256 PKCE and the profile's token binding."""
    await use_global_profile(env, profile)
    refused = await register(env, token_endpoint_auth_method="client_secret_basic")
    assert refused.status_code == 400, refused.text
    made = await register(env, token_endpoint_auth_method="private_key_jwt", jwks_uri="https://foo")
    assert made.status_code == 201, made.text
    assert made.json()["tls_client_certificate_bound_access_tokens"] is (profile in MTLS_PROFILES)
    (client,) = (await call(env, "GET", "/clients", clientId=made.json()["client_id"])).json()
    assert client["clientAuthenticatorType"] == "client-jwt" and client["fullScopeAllowed"] is False
    made = await register(env, token_endpoint_auth_method="tls_client_auth")
    assert made.status_code == 201, made.text
    assert made.json()["token_endpoint_auth_method"] == "tls_client_auth"
    (client,) = (await call(env, "GET", "/clients", clientId=made.json()["client_id"])).json()
    assert client["clientAuthenticatorType"] == "client-x509"
    assert client["consentRequired"] is True
    assert client["attributes"]["pkce.code.challenge.method"] == "S256"
    assert_binding(client["attributes"], profile)


@pytest.mark.parametrize("profile", MTLS_PROFILES + DPOP_PROFILES)
async def test_fapi2_signature_algorithms(env: Env, profile: str) -> None:
    """testFAPI2SecurityProfileSignatureAlgorithms and the others (testFAPI2SignatureAlgorithms)."""
    await use_global_profile(env, profile)
    with pytest.raises(ClientPolicyRefused) as refused:
        attributes = {"id.token.signed.response.alg": "RS256"}
        await create_client_by_admin(env, "invalid", clientAuthenticatorType="client-jwt", attributes=attributes)
    assert refused.value.error == "invalid_request"
    attributes = {"id.token.signed.response.alg": "ES256"}
    cid = await create_client_by_admin(env, "client-jwt", clientAuthenticatorType="client-jwt", attributes=attributes)
    got = (await get_client_by_admin(env, cid))["attributes"]
    assert (got["id.token.signed.response.alg"], got["request.object.signature.alg"]) == ("ES256", "PS256")
    cid = await create_client_by_admin(env, "client-jwt-default-alg", clientAuthenticatorType="client-jwt")
    got = (await get_client_by_admin(env, cid))["attributes"]
    names = (
        "id.token.signed.response.alg",
        "request.object.signature.alg",
        "user.info.response.signature.alg",
        "token.endpoint.auth.signing.alg",
        "access.token.signed.response.alg",
    )
    assert [got[n] for n in names] == ["PS256"] * 5


def assert_bound(response: Any) -> None:
    """assertSuccessfulTokenResponse, and the access token bound to the client's certificate."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert jwt.decode(body["id_token"], options={"verify_signature": False})["nonce"] == "123456"
    cnf = jwt.decode(body["access_token"], options={"verify_signature": False})["cnf"]
    assert cnf == {"x5t#S256": mtls_port.DEFAULT.thumbprint}


@pytest.mark.parametrize("profile", MTLS_PROFILES)
async def test_fapi2_login_with_private_key_jwt(env: Env, profile: str) -> None:
    """testFAPI2SecurityProfileLoginWithPrivateKeyJWT and testFAPI2MessageSigningLoginWithPrivateKeyJWT: a request
    object pushed by a client-jwt client (PS256 assertion), the login with its ``request_uri``, the code exchanged
    with the client's certificate; the tokens are bound to it."""
    await use_global_profile(env, profile)
    cid = await create_client_by_admin(env, "foo", clientAuthenticatorType="client-jwt", attributes=dict(KEYS))
    client = await get_client_by_admin(env, cid)
    assert client["attributes"]["token.endpoint.auth.signing.alg"] == "PS256"
    assert client["implicitFlowEnabled"] is False and client["consentRequired"] is True

    ro = request_object(env, "foo", nonce="123456", **PKCE)
    pushed = await push(
        env, {"client_id": "foo", "request": sign(ro, "PS256"), **assertion_form(assertion(env, "foo"))}
    )
    assert pushed.status_code == 201, pushed.text
    answer = await log_in(env, await authorize(env, client_id="foo", request_uri=pushed.json()["request_uri"]))

    form = {
        "grant_type": "authorization_code",
        "code": answer["code"],
        "redirect_uri": REDIRECT,
        "code_verifier": VERIFIER,
    }
    headers = with_default_certificate()
    assert_bound(await post_token(env, {**form, **assertion_form(assertion(env, "foo"))}, headers))


async def test_fapi2_security_profile_login_with_mtls(env: Env) -> None:
    """testFAPI2SecurityProfileLoginWithMTLS: without PAR the error page "request_uri not included."; a hybrid push
    refused; an authorization request whose response_type differs from the push's; one adding ``state`` (the error
    page, the push used up: "PAR not found..."); then the login, and tokens bound to the certificate."""
    await use_global_profile(env, "fapi-2-security-profile")
    attributes = {"x509.subjectdn": DEFAULT_DN, "x509.allow.regex.pattern.comparison": "false"}
    await create_client_by_admin(env, "foo", clientAuthenticatorType="client-x509", attributes=attributes)
    cert = with_default_certificate()
    flow = {"response_type": "code", "redirect_uri": REDIRECT, "scope": "openid"}

    page = await authorize(env, client_id="foo", **flow)
    assert page.status_code == 400 and "request_uri not included." in page.text

    hybrid = await push(
        env, {"client_id": "foo", **flow, "response_type": "code id_token token", "nonce": "123456", **PKCE}, cert
    )
    assert hybrid.status_code == 401, hybrid.text
    assert hybrid.json()["error"] == "unauthorized_client"

    pushed = await push(env, {"client_id": "foo", **flow, **PKCE}, cert)
    assert pushed.status_code == 201, pushed.text
    query = {"client_id": "foo", **flow, "request_uri": pushed.json()["request_uri"]}
    response = await authorize(env, **{**query, "response_type": "code id_token token"})
    assert redirected_error(response) == ("invalid_request", "Parameter response_type does not match")

    pushed = await push(env, {"client_id": "foo", **flow, **PKCE}, cert)
    query["request_uri"] = pushed.json()["request_uri"]
    page = await authorize(env, **query, state="testFAPI2SecurityProfileLoginWithMTLS")
    assert page.status_code == 400 and "PAR request did not include necessary parameters" in page.text
    event = await client_policy_event(env, None)
    assert event["error"] == "invalid_request" and event.get("clientId") is None, event
    page = await authorize(env, **query, state="testFAPI2SecurityProfileLoginWithMTLS", **PKCE)
    assert page.status_code == 400 and "PAR not found. not issued or used multiple times." in page.text

    pushed = await push(env, {"client_id": "foo", **flow, "nonce": "123456", **PKCE}, cert)
    query["request_uri"] = pushed.json()["request_uri"]
    answer = await log_in(env, await authorize(env, **query))
    form = {"grant_type": "authorization_code", "code": answer["code"], "redirect_uri": REDIRECT}
    assert_bound(await post_token(env, {**form, "client_id": "foo", "code_verifier": VERIFIER}, cert))


async def test_fapi2_message_signing_login_with_mtls(env: Env) -> None:
    """testFAPI2MessageSigningLoginWithMTLS (without its JARM response mode): a client-x509 client that must send
    request objects pushes one signed PS256, logs in with its ``request_uri``, and gets bound tokens; a pushed
    object without ``nbf`` is refused at the authorization endpoint as ``invalid_request_uri``."""
    await use_global_profile(env, "fapi-2-message-signing")
    attributes = {
        **KEYS,
        "x509.subjectdn": DEFAULT_DN,
        "x509.allow.regex.pattern.comparison": "false",
        "request.object.required": "request or request_uri",
    }
    cid = await create_client_by_admin(env, "foo", clientAuthenticatorType="client-x509", attributes=attributes)
    assert (await get_client_by_admin(env, cid))["attributes"]["request.object.signature.alg"] == "PS256"
    cert = with_default_certificate()

    bad = request_object(env, "foo", nbf=None, nonce="123456", **PKCE)
    pushed = await push(env, {"client_id": "foo", "request": sign(bad, "PS256")}, cert)
    assert pushed.status_code == 201, pushed.text
    response = await authorize(env, client_id="foo", request_uri=pushed.json()["request_uri"])
    assert redirected_error(response) == ("invalid_request_uri", "Missing parameter in the 'request' object: nbf")

    ro = request_object(env, "foo", nonce="123456", **PKCE)
    pushed = await push(env, {"client_id": "foo", "request": sign(ro, "PS256")}, cert)
    assert pushed.status_code == 201, pushed.text
    answer = await log_in(env, await authorize(env, client_id="foo", request_uri=pushed.json()["request_uri"]))
    form = {"grant_type": "authorization_code", "code": answer["code"], "redirect_uri": REDIRECT}
    assert_bound(await post_token(env, {**form, "client_id": "foo", "code_verifier": VERIFIER}, cert))


@pytest.mark.parametrize("profile", DPOP_PROFILES)
async def test_fapi2_dpop_login_with_private_key_jwt(env: Env, profile: str) -> None:
    """FAPI2DPoPTest.testFAPI2DPoPSecurityProfileLoginWithPrivateKeyJWT and testFAPI2DPoPMessageSigningLoginWith
    PrivateKeyJWT: a request object pushed with a DPoP proof by a client-jwt client, the login, the code exchanged
    with a proof of the same key; the access token is bound to the key (``cnf.jkt``), not to a certificate."""
    await use_global_profile(env, profile)
    cid = await create_client_by_admin(env, "foo", clientAuthenticatorType="client-jwt", attributes=dict(KEYS))
    assert (await get_client_by_admin(env, cid))["attributes"]["dpop.bound.access.tokens"] == "true"
    key = ProofKey("ec")

    ro = request_object(env, "foo", nonce="123456", **PKCE)
    proof = {"DPoP": key.proof("POST", f"http://localhost{PAR}", env.clock.now())}
    form = {"client_id": "foo", "request": sign(ro, "PS256"), **assertion_form(assertion(env, "foo"))}
    pushed = await push(env, form, proof)
    assert pushed.status_code == 201, pushed.text
    answer = await log_in(env, await authorize(env, client_id="foo", request_uri=pushed.json()["request_uri"]))

    code_form = {"grant_type": "authorization_code", "code": answer["code"], "redirect_uri": REDIRECT}
    token_form = {**code_form, "code_verifier": VERIFIER, **assertion_form(assertion(env, "foo"))}
    no_proof = await post_token(env, token_form)
    assert no_proof.status_code == 400, no_proof.text
    proof = {"DPoP": key.proof("POST", TOKEN_URL, env.clock.now())}
    token_form["client_assertion"] = assertion(env, "foo")
    tokens = await post_token(env, token_form, proof)
    assert tokens.status_code == 200, tokens.text
    body = tokens.json()
    assert body["token_type"] == "DPoP"
    assert jwt.decode(body["access_token"], options={"verify_signature": False})["cnf"] == {"jkt": key.jkt}
