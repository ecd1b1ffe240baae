"""Keycloak's FAPICIBATest (tests/base/.../tests/client/FAPICIBATest.java; the arquillian copy has the same methods):
a policy for any client applying the global profiles ``fapi-ciba`` and ``fapi-1-advanced``, each method named
after the Java one. The app runs behind the nginx certificate lookup (tests/mtls_port.py), which stands for
MutualTLSUtils' default client keystore.

Ported: testFAPIAdvancedClientRegistration, testFAPICIBASignatureAlgorithms, testFAPICIBAWithoutSignedAuthenticationRequest
and testFAPICIBAWithoutBindingMessage. Not ported here: testFAPICIBALoginWithPrivateKeyJWT, testFAPICIBALoginWithMTLS
and testFAPICIBAUserAuthenticationCancelled, the full flows through the authentication channel; CIBATest's ports
(test_keycloak_ciba_test.py, test_keycloak_ciba_signed_and_policies_test.py, test_keycloak_ciba_holder_of_key_test.py)
run those flows with signed requests, certificate-bound tokens and a cancelled answer, without the FAPI profiles.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

import client_policies_port
import mtls_port
from client_policies_port import ClientPolicyRefused, get_client_by_admin, policy, realm_rep, update_policies
from fapi_port import ISSUER, create_client_by_admin, jwks, sign
from mtls_port import CA_DN, DEFAULT_DN, with_default_certificate
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = mtls_port.anyio_backend, mtls_port.shared_env
env = client_policies_port.realm_fixture(realm_rep, scope="function")  # the realm afresh for every test

CIBA_ALG = "ciba.backchannel.auth.request.signing.alg"
CIBA_AUTH = "/realms/test/protocol/openid-connect/ext/ciba/auth"
CLIENT_ID, BINDING_MESSAGE = "foo", "bbbbmmmm"


async def setup_policy_fapi_ciba_for_all_clients(env: Env) -> None:
    """setupPolicyFAPICIBAForAllClient: one policy, any client, the FAPI CIBA and FAPI 1 Advanced profiles."""
    conditions = [{"condition": "any-client", "configuration": {}}]
    profiles = ["fapi-ciba", "fapi-1-advanced"]
    await update_policies(
        env, policy("MyPolicy", "Policy for enable FAPI CIBA for all clients", True, conditions, profiles)
    )


async def refused_client(env: Env, **fields: Any) -> ClientPolicyRefused:
    with pytest.raises(ClientPolicyRefused) as refused:
        await create_client_by_admin(env, "invalid", **fields)
    return refused.value


async def attributes_of(env: Env, cid: str) -> dict[str, Any]:
    return dict((await get_client_by_admin(env, cid))["attributes"])


async def test_fapi_advanced_client_registration(env: Env) -> None:
    """FAPICIBATest.testFAPIAdvancedClientRegistration: client-secret, client-secret-jwt and an http request URI are
    invalid_client_metadata; client-jwt and client-x509 are taken; the default authenticator is client-jwt, with
    consent, certificate-bound tokens, PS256 ID tokens and request objects, and no full scope."""
    await setup_policy_fapi_ciba_for_all_clients(env)
    for authenticator in ("client-secret", "client-secret-jwt"):
        refused = await refused_client(env, clientAuthenticatorType=authenticator)
        assert refused.error == "invalid_client_metadata", authenticator
    refused = await refused_client(env, clientAuthenticatorType="client-jwt", attributes={"request.uris": "http://foo"})
    assert refused.error == "invalid_client_metadata"
    cid = await create_client_by_admin(env, "client-jwt", clientAuthenticatorType="client-jwt")
    assert (await get_client_by_admin(env, cid))["clientAuthenticatorType"] == "client-jwt"
    x509 = {"x509.subjectdn": "CN=localhost", "x509.casubjectdn": "CN=ca"}
    cid = await create_client_by_admin(env, "client-x509", clientAuthenticatorType="client-x509", attributes=x509)
    assert (await get_client_by_admin(env, cid))["clientAuthenticatorType"] == "client-x509"
    client = await get_client_by_admin(env, await create_client_by_admin(env, "client-jwt-2"))
    assert client["clientAuthenticatorType"] == "client-jwt"
    assert client["consentRequired"] is True
    assert client["fullScopeAllowed"] is False
    attributes = client["attributes"]
    assert attributes["tls.client.certificate.bound.access.tokens"] == "true"
    assert attributes["id.token.signed.response.alg"] == "PS256"
    assert attributes["request.object.signature.alg"] == "PS256"


async def test_fapi_ciba_signature_algorithms(env: Env) -> None:
    """FAPICIBATest.testFAPICIBASignatureAlgorithms: an RS256 ID token is invalid_request; ES256 for the ID token
    and the authentication request is kept; a client that names none gets PS256 everywhere, the CIBA
    authentication request's algorithm included."""
    await setup_policy_fapi_ciba_for_all_clients(env)
    refused = await refused_client(
        env, clientAuthenticatorType="client-jwt", attributes={"id.token.signed.response.alg": "RS256"}
    )
    assert refused.error == "invalid_request"
    es256 = {"id.token.signed.response.alg": "ES256", CIBA_ALG: "ES256"}
    attributes = await attributes_of(
        env, await create_client_by_admin(env, "client-jwt", clientAuthenticatorType="client-jwt", attributes=es256)
    )
    assert attributes["id.token.signed.response.alg"] == "ES256"
    assert attributes["request.object.signature.alg"] == "PS256"
    assert attributes[CIBA_ALG] == "ES256"
    attributes = await attributes_of(
        env, await create_client_by_admin(env, "client-jwt-default-alg", clientAuthenticatorType="client-jwt")
    )
    for name in (
        "id.token.signed.response.alg",
        "request.object.signature.alg",
        "user.info.response.signature.alg",
        "token.endpoint.auth.signing.alg",
        "access.token.signed.response.alg",
        CIBA_ALG,
    ):
        assert attributes[name] == "PS256", name


async def create_x509_ciba_client(env: Env) -> None:
    """``createClientByAdmin("foo", ...)`` with client-x509 (the default keystore's subject, no regex) and
    setClientAuthMethodNeutralSettings: its keys (a JWK set here, where Keycloak serves it at a jwks.url), the CIBA
    grant in poll mode."""
    attributes = {
        "tls.client.auth.subject.dn": DEFAULT_DN,
        "x509.subjectdn": DEFAULT_DN,
        "x509.casubjectdn": CA_DN,
        "x509.allow.regex.pattern.comparison": "false",
        "use.jwks.string": "true",
        "jwks.string": jwks(),
        "ciba.backchannel.token.delivery.mode": "poll",
        "oidc.ciba.grant.enabled": "true",
    }
    cid = await create_client_by_admin(env, CLIENT_ID, clientAuthenticatorType="client-x509", attributes=attributes)
    assert (await get_client_by_admin(env, cid))["clientAuthenticatorType"] == "client-x509"


def fapi_request_object(env: Env, binding_message: str | None) -> dict[str, Any]:
    """createFAPIValidAuthorizationEndpointRequestObject: scope, max_age, login_hint, the binding message, and the
    ``exp``, ``nbf``, ``aud``, ``iss``, ``iat`` and ``jti`` FAPI-CIBA asks for."""
    iat = env.clock.now()
    claims: dict[str, Any] = {
        "jti": "fapi-ciba-" + str(iat),
        "iat": iat,
        "exp": iat + 300,
        "nbf": iat,
        "aud": ISSUER,
        "iss": CLIENT_ID,
        "scope": "openid",
        "max_age": 600,
        "login_hint": "test-user@localhost",
    }
    if binding_message is not None:
        claims["binding_message"] = binding_message
    return claims


async def backchannel_with_mtls(env: Env, **form: str) -> httpx.Response:
    """doBackchannelAuthenticationRequestWithMTLS: the default client certificate, ``client_id`` in the form."""
    data = {"grant_type": "urn:openid:params:grant-type:ciba", "client_id": CLIENT_ID, **form}
    return await env.http.post(CIBA_AUTH, data=data, headers=with_default_certificate())


async def test_fapi_ciba_without_binding_message(env: Env) -> None:
    """FAPICIBATest.testFAPICIBAWithoutBindingMessage: a PS256-signed authentication request without a binding
    message is 400 invalid_request "Missing parameter: binding_message"."""
    await setup_policy_fapi_ciba_for_all_clients(env)
    await create_x509_ciba_client(env)
    request = sign(fapi_request_object(env, None), "PS256")
    response = await backchannel_with_mtls(env, request=request)
    assert response.status_code == 400, response.text
    assert response.json() == {"error": "invalid_request", "error_description": "Missing parameter: binding_message"}


async def test_fapi_ciba_without_signed_authentication_request(env: Env) -> None:
    """FAPICIBATest.testFAPICIBAWithoutSignedAuthenticationRequest: the parameters in the form, not in a signed
    request, are 400 invalid_request "Missing parameter: 'request' or 'request_uri'"."""
    await setup_policy_fapi_ciba_for_all_clients(env)
    await create_x509_ciba_client(env)
    form = {"login_hint": "test-user@localhost", "binding_message": BINDING_MESSAGE, "scope": "openid"}
    response = await backchannel_with_mtls(env, **form)
    assert response.status_code == 400, response.text
    expected = {"error": "invalid_request", "error_description": "Missing parameter: 'request' or 'request_uri'"}
    assert response.json() == expected, json.dumps(response.json())
