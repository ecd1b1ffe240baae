"""Keycloak's FAPI1Test (testsuite/.../client/FAPI1Test.java): the global profiles ``fapi-1-baseline`` and
``fapi-1-advanced`` for any client, each method named after the Java one. The app runs behind the nginx
certificate lookup (tests/mtls_port.py), which stands for MutualTLSUtils' client keystore.

The profiles are applied as realm copies without the executors Doorkeep does not run yet (secure-session,
secure-client-uris, secure-response-type: fapi_port.NOT_RUN), so what only those check is left out:
testFAPIBaselineRedirectUri and the ``http`` redirect URI of testFAPIAdvancedClientRegistration
(secure-client-uris), checkNonceAndStateForCurrentClientDuringLogin (secure-session), the hybrid
``code id_token`` response and its detached ID token of testFAPIAdvancedLoginWithPrivateKeyJWT and
testFAPIAdvancedLoginWithMTLS (secure-response-type): those log in with ``response_type=code``.
testFAPIBaselineConfidentialClientLogin and testFAPIBaselinePublicClientLogin test only executors of other
ports (pkce-enforcer, secure-session): left out."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import jwt
import pytest

import mtls_port
from client_policies_port import ClientPolicyRefused, get_client_by_admin, realm_rep
from fapi_port import (
    KEYS,
    REDIRECT,
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
from group_port import fresh_realm
from keycloak_port import put
from mtls_port import DEFAULT_DN, with_default_certificate
from role_port import call
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = mtls_port.anyio_backend, mtls_port.shared_env
VERIFIER = "1234567890123456789012345678901234567890123"  # 43
CHALLENGE = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=").decode()
PKCE = {"code_challenge": CHALLENGE, "code_challenge_method": "S256"}


@pytest.fixture
async def env(shared_env: Env) -> Env:
    await fresh_realm(shared_env, realm_rep())
    return shared_env


@pytest.fixture(autouse=True)
async def no_policies(env: Env) -> Any:
    env.http.cookies.clear()
    yield
    await put(env, "/client-policies/policies", {"policies": []})
    await put(env, "/client-policies/profiles", {"profiles": []})


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


async def test_fapi_advanced_client_registration(env: Env) -> None:
    """testFAPIAdvancedClientRegistration: client-secret and client-secret-jwt refused; client-jwt and client-x509
    taken; the default client has consent, certificate-bound tokens, PS256 signatures and no full scope."""
    await use_global_profile(env, "fapi-1-advanced")
    for authenticator in ("client-secret", "client-secret-jwt"):
        refused = await refused_client(env, clientAuthenticatorType=authenticator)
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


async def advanced_login(env: Env, client_id: str) -> str:
    """The request object checks of the advanced profile, then a login with a valid PS256 request object: the
    code (the consent page accepted)."""
    response = await authorize(env, **login_query(client_id, nonce="123456", **PKCE))
    assert redirected_error(response) == ("invalid_request", "Missing parameter: 'request' or 'request_uri'")
    ro = request_object(env, client_id, nbf=None, nonce="123456", **PKCE)
    query = login_query(client_id, state=ro["state"], nonce="123456", **PKCE)
    response = await authorize(env, **query, request=sign(ro, "PS256"))
    assert redirected_error(response) == ("invalid_request_object", "Missing parameter in the 'request' object: nbf")
    ro = request_object(env, client_id, nonce="123456", **PKCE)
    query = login_query(client_id, state=ro["state"], nonce="123456", **PKCE)
    return (await log_in(env, await authorize(env, **query, request=sign(ro, "PS256"))))["code"]


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
    await create_client_by_admin(env, "foo", clientAuthenticatorType="client-jwt", attributes=dict(KEYS))
    code = await advanced_login(env, "foo")
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": VERIFIER}
    tokens = await post_token(env, {**form, **assertion_form(assertion(env, "foo", "PS256"))})
    assert tokens.status_code == 400
    assert tokens.json() == {
        "error": "invalid_grant",
        "error_description": "Client Certification missing for MTLS HoK Token Binding",
    }
    ro = request_object(env, "foo", nonce="123456", **PKCE)
    query = login_query("foo", state=ro["state"], nonce="123456", **PKCE)
    env.http.cookies.clear()
    answer = await log_in(env, await authorize(env, **query, request=sign(ro, "PS256")))
    form["code"] = answer["code"]
    headers = with_default_certificate()
    tokens = await post_token(env, {**form, **assertion_form(assertion(env, "foo", "PS256"))}, headers)
    assert_successful_token_response(tokens)


async def test_fapi_advanced_login_with_mtls(env: Env) -> None:
    """testFAPIAdvancedLoginWithMTLS (code flow): a client-x509 client; its token request, authenticated by the
    certificate, gets tokens bound to it."""
    await use_global_profile(env, "fapi-1-advanced")
    attributes = {**KEYS, "x509.subjectdn": DEFAULT_DN, "x509.allow.regex.pattern.comparison": "false"}
    await create_client_by_admin(env, "foo", clientAuthenticatorType="client-x509", attributes=attributes)
    code = await advanced_login(env, "foo")
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": VERIFIER}
    tokens = await post_token(env, {**form, "client_id": "foo"}, with_default_certificate())
    assert_successful_token_response(tokens)
    response = await call(env, "GET", "/clients", clientId="foo")
    assert response.json()[0]["attributes"]["tls.client.certificate.bound.access.tokens"] == "true"
