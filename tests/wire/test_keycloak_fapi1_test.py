"""Keycloak's FAPI1Test (testsuite/.../client/FAPI1Test.java): the global profiles ``fapi-1-baseline`` and
``fapi-1-advanced`` for any client, each method named after the Java one. The app runs behind the nginx
certificate lookup (tests/mtls_port.py), which stands for MutualTLSUtils' client keystore.

The policies apply the global profiles themselves; the clients' redirect URI is https (fapi_port.REDIRECT).
The private-key-JWT and MTLS logins run checkNonceAndStateForCurrentClientDuringLogin,
checkRedirectUriForCurrentClientDuringLogin and the hybrid ``code id_token`` response with its detached ID token;
a request object travels as ``request`` (Keycloak's test registers it at a ``request_uri``), so its missing
``nbf`` is ``invalid_request_object``. The baseline logins log in as the test realm's user (Keycloak's adds
``john``); the user's sessions and the client's consent go with the test's fresh realm, where
logoutUserAndRevokeConsent removes them."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import jwt
import pytest

import client_policies_port
import mtls_port
from client_auth_support import secret_jwt
from client_policies_port import ClientPolicyRefused, get_client_by_admin, realm_fixture, realm_rep
from fapi_port import (
    KEYS,
    PKCE,
    REDIRECT,
    VERIFIER,
    assertion,
    assertion_form,
    authorize,
    create_client_by_admin,
    log_in,
    login_query,
    post_token,
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


async def refused_client(env: Env, **fields: Any) -> ClientPolicyRefused:
    with pytest.raises(ClientPolicyRefused) as refused:
        await create_client_by_admin(env, "invalid", **fields)
    return refused.value


async def test_fapi_baseline_client_authenticator(env: Env) -> None:
    """testFAPIBaselineClientAuthenticator: client-secret refused; client-jwt, client-secret-jwt and client-x509
    taken; the default is client-jwt, with consent and S256 PKCE."""
    await use_global_profile(env, "fapi-1-baseline")
    assert (await refused_client(env, clientAuthenticatorType="client-secret")).error == "invalid_client_metadata"
    for authenticator in ("client-jwt", "client-secret-jwt", "client-x509"):
        cid = await create_client_by_admin(env, authenticator, clientAuthenticatorType=authenticator)
        assert (await get_client_by_admin(env, cid))["clientAuthenticatorType"] == authenticator
    client = await get_client_by_admin(env, await create_client_by_admin(env, "client-jwt-2"))
    assert client["clientAuthenticatorType"] == "client-jwt"
    assert client["consentRequired"] is True
    assert client["attributes"]["pkce.code.challenge.method"] == "S256"


async def test_fapi_baseline_redirect_uri(env: Env) -> None:
    """testFAPIBaselineRedirectUri: an ``http`` redirect URI and an https one with a wildcard are refused
    (invalid_client_metadata); an https one is taken, and a root URL without redirect URIs makes no wildcard one
    (KEYCLOAK-19556)."""
    await use_global_profile(env, "fapi-1-baseline")
    for uri in ("http://hostname.com", "https://hostname.com/foo/*"):
        assert (await refused_client(env, redirectUris=[uri])).error == "invalid_client_metadata", uri
    cid = await create_client_by_admin(env, "valid", redirectUris=["https://hostname.com"])
    assert (await get_client_by_admin(env, cid))["redirectUris"] == ["https://hostname.com"]
    cid = await create_client_by_admin(env, "valid2", rootUrl="https://hostname2.com", redirectUris=None)
    assert (await get_client_by_admin(env, cid))["redirectUris"] == ["https://hostname2.com"]


async def check_pkce_with_s256_required(env: Env, client_id: str) -> None:
    """checkPKCEWithS256RequiredDuringLogin: a login without PKCE, then with ``plain`` PKCE, goes back refused."""
    response = await authorize(env, **login_query(client_id))
    assert redirected_error(response) == ("invalid_request", "Missing parameter: code_challenge_method")
    plain = {"code_challenge": "234567890_234567890123", "code_challenge_method": "plain"}
    response = await authorize(env, **login_query(client_id, **plain))
    refused = ("invalid_request", "Invalid parameter: code challenge method is not matching the configured one")
    assert redirected_error(response) == refused


async def baseline_login(env: Env, client_id: str) -> str:
    """The baseline profile's login checks (S256 PKCE, nonce and state, redirect URI), then a login with all of
    them (the consent page accepted): the code."""
    await check_pkce_with_s256_required(env, client_id)
    await check_nonce_and_state(env, client_id)
    await check_redirect_uri(env, client_id)
    answer = await log_in(env, await authorize(env, **login_query(client_id, nonce="123456", **PKCE)))
    assert "code" in answer, answer
    return answer["code"]


def assert_baseline_token_response(response: Any) -> None:
    """assertSuccessfulTokenResponse under the baseline profile: the scope, the ID token's client and nonce, and
    no certificate binding (only the advanced profile's holder-of-key-enforcer binds)."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body["scope"].split()) == {"openid", "profile", "email"}
    id_token = jwt.decode(body["id_token"], options={"verify_signature": False})
    assert (id_token["azp"], id_token["nonce"]) == ("foo", "123456")
    assert "cnf" not in jwt.decode(body["access_token"], options={"verify_signature": False})


async def test_fapi_baseline_confidential_client_login(env: Env) -> None:
    """testFAPIBaselineConfidentialClientLogin: a client-secret-jwt client (confidential, no full scope) logs in with
    S256 PKCE, a nonce and a redirect URI, and exchanges its code with an HS256 assertion signed by its secret."""
    await use_global_profile(env, "fapi-1-baseline")
    cid = await create_client_by_admin(env, "foo", clientAuthenticatorType="client-secret-jwt", secret="secret")
    client = await get_client_by_admin(env, cid)
    assert client["publicClient"] is False
    assert client["clientAuthenticatorType"] == "client-secret-jwt"
    assert client["fullScopeAllowed"] is False
    code = await baseline_login(env, "foo")
    signed = secret_jwt(env, "foo", "secret")  # getClientSecretSignedJWT("secret", Algorithm.HS256)
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": VERIFIER}
    assert_baseline_token_response(await post_token(env, {**form, **assertion_form(signed)}))


async def test_fapi_baseline_public_client_login(env: Env) -> None:
    """testFAPIBaselinePublicClientLogin: a public client logs in with S256 PKCE, a nonce and a redirect URI, and
    exchanges its code with the verifier."""
    await use_global_profile(env, "fapi-1-baseline")
    cid = await create_client_by_admin(env, "foo", publicClient=True)
    assert (await get_client_by_admin(env, cid))["publicClient"] is True
    code = await baseline_login(env, "foo")
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": VERIFIER}
    assert_baseline_token_response(await post_token(env, {**form, "client_id": "foo"}))


async def test_fapi_advanced_client_registration(env: Env) -> None:
    """testFAPIAdvancedClientRegistration: client-secret, client-secret-jwt and an http redirect URI refused;
    client-jwt and client-x509 taken; the default client has consent, certificate-bound tokens, PS256 signatures and
    no full scope."""
    await use_global_profile(env, "fapi-1-advanced")
    for authenticator in ("client-secret", "client-secret-jwt"):
        refused = await refused_client(env, clientAuthenticatorType=authenticator)
        assert refused.error == "invalid_client_metadata"
    refused = await refused_client(env, clientAuthenticatorType="client-jwt", redirectUris=["http://foo"])
    assert refused.error == "invalid_client_metadata"
    for authenticator in ("client-jwt", "client-x509"):
        cid = await create_client_by_admin(env, authenticator, clientAuthenticatorType=authenticator)
        assert (await get_client_by_admin(env, cid))["clientAuthenticatorType"] == authenticator
    client = await get_client_by_admin(env, await create_client_by_admin(env, "client-jwt-2"))
    assert client["clientAuthenticatorType"] == "client-jwt"
    assert client["consentRequired"] is True
    assert client["fullScopeAllowed"] is False
    attributes = client["attributes"]
    assert attributes["tls.client.certificate.bound.access.tokens"] == "true"
    assert attributes["id.token.signed.response.alg"] == "PS256"
    assert attributes["request.object.signature.alg"] == "PS256"


async def test_fapi_advanced_public_client_login_not_possible(env: Env) -> None:
    """testFAPIAdvancedPublicClientLoginNotPossible: a public client logs in under the baseline profile (S256 PKCE),
    then the advanced one sends its authorization request back with ``invalid client access type``."""
    await use_global_profile(env, "fapi-1-baseline")
    cid = await create_client_by_admin(env, "foo", publicClient=True)
    assert (await get_client_by_admin(env, cid))["publicClient"] is True
    answer = await log_in(env, await authorize(env, **login_query("foo", nonce="123456", **PKCE)))
    form = {"grant_type": "authorization_code", "code": answer["code"], "redirect_uri": REDIRECT}
    tokens = await post_token(env, {**form, "client_id": "foo", "code_verifier": VERIFIER})
    assert tokens.status_code == 200, tokens.text

    await use_global_profile(env, "fapi-1-advanced")
    response = await authorize(env, **login_query("foo", nonce="123456", **PKCE))
    assert redirected_error(response) == ("invalid_client", "invalid client access type")


async def test_fapi_advanced_signature_algorithms(env: Env) -> None:
    """testFAPIAdvancedSignatureAlgorithms: RS256 ID tokens refused, ES256 kept, every algorithm left out PS256."""
    await use_global_profile(env, "fapi-1-advanced")
    refused = await refused_client(
        env, clientAuthenticatorType="client-jwt", attributes={"id.token.signed.response.alg": "RS256"}
    )
    assert refused.error == "invalid_request"
    cid = await create_client_by_admin(
        env, "client-jwt", clientAuthenticatorType="client-jwt", attributes={"id.token.signed.response.alg": "ES256"}
    )
    attributes = (await get_client_by_admin(env, cid))["attributes"]
    assert attributes["id.token.signed.response.alg"] == "ES256"
    assert attributes["request.object.signature.alg"] == "PS256"
    cid = await create_client_by_admin(env, "client-jwt-default-alg", clientAuthenticatorType="client-jwt")
    attributes = (await get_client_by_admin(env, cid))["attributes"]
    for name in (
        "id.token.signed.response.alg",
        "request.object.signature.alg",
        "user.info.response.signature.alg",
        "token.endpoint.auth.signing.alg",
        "access.token.signed.response.alg",
    ):
        assert attributes[name] == "PS256", name


def oidc_hash(value: str) -> str:
    """HashUtils.oidcHash for PS256: the left half of the SHA-256 digest, base64url."""
    digest = hashlib.sha256(value.encode()).digest()
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()


async def check_nonce_and_state(env: Env, client_id: str) -> None:
    """checkNonceAndStateForCurrentClientDuringLogin (secure-session): an OIDC request needs a nonce, a plain
    OAuth 2.0 one (no ``openid`` scope) a state."""
    response = await authorize(env, **login_query(client_id, **PKCE))
    assert redirected_error(response) == ("invalid_request", "Missing parameter: nonce")
    response = await authorize(env, **login_query(client_id, scope=None, state=None, nonce="123456", **PKCE))
    assert redirected_error(response) == ("invalid_request", "Missing parameter: state")


async def check_redirect_uri(env: Env, client_id: str) -> None:
    """checkRedirectUriForCurrentClientDuringLogin: without ``redirect_uri`` the error page says
    "Invalid parameter: redirect_uri"."""
    response = await authorize(env, **login_query(client_id, redirect_uri=None, nonce="123456", **PKCE))
    assert response.status_code == 400, (response.status_code, response.headers.get("location"))
    assert "Invalid parameter: redirect_uri" in response.text


def assert_id_token_as_detached_signature(answer: dict[str, str]) -> None:
    """assertIDTokenAsDetachedSignature: no access token in the fragment; its ID token names the client and the
    nonce, hashes the state and the code (PS256), and carries no user claims nor ``at_hash``."""
    assert "access_token" not in answer
    id_token = jwt.decode(answer["id_token"], options={"verify_signature": False})
    assert (id_token["azp"], id_token["nonce"]) == ("foo", "123456")
    assert id_token["jti"]
    for absent in ("preferred_username", "email", "given_name", "at_hash"):
        assert absent not in id_token, absent
    assert id_token["s_hash"] == oidc_hash(answer["state"])
    assert id_token["c_hash"] == oidc_hash(answer["code"])


async def advanced_login(env: Env, client_id: str, *, private_key_jwt: bool) -> dict[str, str]:
    """The checks of the advanced profile (nonce and state, redirect URI, request object and its ``nbf``; for the
    private-key-JWT client the response types ``code`` and ``code id_token token`` too), then a hybrid
    ``code id_token`` login with a valid PS256 request object (the consent page accepted): the fragment's
    parameters, whose ID token is a detached signature."""
    await check_nonce_and_state(env, client_id)
    await check_redirect_uri(env, client_id)
    response = await authorize(env, **login_query(client_id, nonce="123456", **PKCE))
    assert redirected_error(response) == ("invalid_request", "Missing parameter: 'request' or 'request_uri'")
    if private_key_jwt:
        ro = request_object(env, client_id, nbf=None, nonce="123456", **PKCE)
        query = login_query(client_id, state=ro["state"], nonce="123456", **PKCE)
        response = await authorize(env, **query, request=sign(ro, "PS256"))
        refused = ("invalid_request_object", "Missing parameter in the 'request' object: nbf")
        assert redirected_error(response) == refused
        for response_type in ("code", "code id_token token"):
            ro = request_object(env, client_id, nonce="123456", response_type=response_type, **PKCE)
            query = login_query(client_id, state=ro["state"], nonce="123456", response_type=response_type, **PKCE)
            response = await authorize(env, **query, request=sign(ro, "PS256"))
            assert redirected_error(response) == ("invalid_request", "invalid response_type"), response_type
            assert ("#" in response.headers["location"]) is (response_type != "code")
    answer = await hybrid_login(env, client_id)
    assert_id_token_as_detached_signature(answer)
    return answer


async def hybrid_login(env: Env, client_id: str) -> dict[str, str]:
    """A ``code id_token`` login with a valid PS256 request object: the fragment's parameters."""
    hybrid = "code id_token"
    ro = request_object(env, client_id, nonce="123456", response_type=hybrid, **PKCE)
    query = login_query(client_id, state=ro["state"], nonce="123456", response_type=hybrid, **PKCE)
    return await log_in(env, await authorize(env, **query, request=sign(ro, "PS256")))


def assert_successful_token_response(response: Any) -> None:
    """assertSuccessfulTokenResponse (the scope and ID token), and the access token bound to the certificate."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body["scope"].split()) == {"openid", "profile", "email"}
    id_token = jwt.decode(body["id_token"], options={"verify_signature": False})
    assert (id_token["azp"], id_token["nonce"]) == ("foo", "123456")
    assert jwt.get_unverified_header(body["id_token"])["alg"] == "PS256"
    cnf = jwt.decode(body["access_token"], options={"verify_signature": False})["cnf"]
    assert cnf == {"x5t#S256": mtls_port.DEFAULT.thumbprint}


async def test_fapi_advanced_login_with_private_key_jwt(env: Env) -> None:
    """testFAPIAdvancedLoginWithPrivateKeyJWT (code flow): request object required, its ``nbf`` too; the token
    request without a client certificate is ``invalid_grant`` "Client Certification missing for MTLS HoK Token
    Binding"; with one, the tokens are bound to it."""
    await use_global_profile(env, "fapi-1-advanced")
    await create_client_by_admin(
        env, "foo", clientAuthenticatorType="client-jwt", implicitFlowEnabled=True, attributes=dict(KEYS)
    )
    code = (await advanced_login(env, "foo", private_key_jwt=True))["code"]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": VERIFIER}
    tokens = await post_token(env, {**form, **assertion_form(assertion(env, "foo", "PS256"))})
    assert tokens.status_code == 400
    assert tokens.json() == {
        "error": "invalid_grant",
        "error_description": "Client Certification missing for MTLS HoK Token Binding",
    }
    form["code"] = (await hybrid_login(env, "foo"))["code"]
    headers = with_default_certificate()
    tokens = await post_token(env, {**form, **assertion_form(assertion(env, "foo", "PS256"))}, headers)
    assert_successful_token_response(tokens)


async def test_fapi_advanced_login_with_mtls(env: Env) -> None:
    """testFAPIAdvancedLoginWithMTLS (code flow): a client-x509 client; its token request, authenticated by the
    certificate, gets tokens bound to it."""
    await use_global_profile(env, "fapi-1-advanced")
    attributes = {**KEYS, "x509.subjectdn": DEFAULT_DN, "x509.allow.regex.pattern.comparison": "false"}
    await create_client_by_admin(
        env, "foo", clientAuthenticatorType="client-x509", implicitFlowEnabled=True, attributes=attributes
    )
    code = (await advanced_login(env, "foo", private_key_jwt=False))["code"]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": VERIFIER}
    tokens = await post_token(env, {**form, "client_id": "foo"}, with_default_certificate())
    assert_successful_token_response(tokens)
    response = await call(env, "GET", "/clients", clientId="foo")
    assert response.json()[0]["attributes"]["tls.client.certificate.bound.access.tokens"] == "true"
