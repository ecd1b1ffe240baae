"""Keycloak's OAuth2_1ConfidentialClientTest (testsuite/.../client/OAuth2_1ConfidentialClientTest.java): the global
profile ``oauth-2-1-for-confidential-client`` for any client, each method named after the Java one. The app runs
behind the nginx certificate lookup (tests/mtls_port.py), which stands for MutualTLSUtils' client keystore.

The policy applies the global profile itself; the clients' redirect URI is https on the IPv4 loopback address,
as the Java test's validRedirectUri (fapi_port.REDIRECT). OAuth2_1PublicClientTest has its own port
(test_keycloak_oauth2_1_public_client_test.py)."""

from __future__ import annotations

import jwt
import pytest

import client_policies_port
import mtls_port
from client_policies_port import (
    USER,
    ClientPolicyRefused,
    get_client_by_admin,
    realm_fixture,
    realm_rep,
    update_client_by_admin,
)
from fapi_port import (
    PKCE,
    REDIRECT,
    VERIFIER,
    authorize,
    create_client_by_admin,
    log_in,
    login_query,
    post_token,
    redirected_error,
    use_global_profile,
)
from mtls_port import DEFAULT_DN, with_default_certificate
from role_port import call
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = mtls_port.anyio_backend, mtls_port.shared_env
env = realm_fixture(realm_rep, scope="function")  # the realm afresh for every test
no_policies = client_policies_port.no_policies
PROFILE = "oauth-2-1-for-confidential-client"
X509 = {"x509.subjectdn": DEFAULT_DN, "x509.allow.regex.pattern.comparison": "false"}


async def valid_client(env: Env, client_id: str) -> str:
    """setupValidClientExceptForRedirectUri: client-x509, no implicit flow nor password grant, S256 PKCE and
    certificate-bound tokens."""
    attributes = {**X509, "pkce.code.challenge.method": "S256", "tls.client.certificate.bound.access.tokens": "true"}
    return await create_client_by_admin(
        env,
        client_id,
        clientAuthenticatorType="client-x509",
        implicitFlowEnabled=False,
        directAccessGrantsEnabled=False,
        attributes=attributes,
    )


async def verify_client_settings(env: Env, cid: str) -> None:
    """verifyClientSettings."""
    client = await get_client_by_admin(env, cid)
    assert client["bearerOnly"] is False and client["publicClient"] is False
    assert client["clientAuthenticatorType"] == "client-x509"
    assert client["attributes"]["pkce.code.challenge.method"] == "S256"
    assert client["attributes"]["tls.client.certificate.bound.access.tokens"] == "true"
    assert client["implicitFlowEnabled"] is False and client["directAccessGrantsEnabled"] is False


async def test_oauth2_1_not_allow_implicit_grant(env: Env) -> None:
    """testOAuth2_1NotAllowImplicitGrant: implicit and hybrid response types are sent back "Implicit/Hybrid flow is
    prohibited."."""
    cid = await create_client_by_admin(
        env, "oauth21-client", standardFlowEnabled=True, implicitFlowEnabled=True, clientAuthenticatorType="client-jwt"
    )
    assert (await get_client_by_admin(env, cid))["clientAuthenticatorType"] == "client-jwt"
    await use_global_profile(env, PROFILE)
    for openid, response_type in (
        (False, "token"),
        (True, "token id_token"),
        (True, "token code"),
        (True, "token code id_token"),
    ):
        query = login_query("oauth21-client", response_type=response_type, nonce="n0nce", **PKCE)
        if not openid:
            query["scope"] = None
        response = await authorize(env, **query)
        assert redirected_error(response) == ("invalid_request", "Implicit/Hybrid flow is prohibited."), response_type


async def test_oauth2_1_not_allow_resource_owner_password_credentials_grant(env: Env) -> None:
    """testOAuth2_1NotAllowResourceOwnerPasswordCredentialsGrant: a client-x509 client with the password grant,
    under the profile: "resource owner password credentials grant is prohibited."."""
    await create_client_by_admin(
        env, "ropc-client", clientAuthenticatorType="client-x509", directAccessGrantsEnabled=True, attributes=X509
    )
    await use_global_profile(env, PROFILE)
    form = {"grant_type": "password", "client_id": "ropc-client", "username": USER, "password": "password"}
    response = await post_token(env, form, with_default_certificate())
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_grant",
        "error_description": "resource owner password credentials grant is prohibited.",
    }


async def test_oauth2_1_client_authentication(env: Env) -> None:
    """testOAuth2_1ClientAuthentication: client-secret refused; a client-x509 client gets the profile's settings
    (S256 PKCE, certificate-bound tokens, no implicit flow nor password grant)."""
    await use_global_profile(env, PROFILE)
    with pytest.raises(ClientPolicyRefused) as refused:
        await create_client_by_admin(env, "invalid", clientAuthenticatorType="client-secret")
    assert refused.value.error == "invalid_client_metadata"
    cid = await create_client_by_admin(
        env,
        "x509-client",
        clientAuthenticatorType="client-x509",
        attributes=X509,
        redirectUris=[REDIRECT.replace(":8543/", "/")],  # a registered loopback URI names no port
    )
    await verify_client_settings(env, cid)


async def test_oauth2_1_proof_key_for_code_exchange(env: Env) -> None:
    """testOAuth2_1ProofKeyForCodeExchange (failLoginByNotFollowingPKCEWithoutClientPolicyValidation): an
    authorization request without a challenge is sent back."""
    cid = await valid_client(env, "pkce-client")
    await verify_client_settings(env, cid)
    await use_global_profile(env, PROFILE)
    response = await authorize(env, **login_query("pkce-client"))
    assert redirected_error(response) == ("invalid_request", "Missing parameter: code_challenge_method")


async def test_oauth2_1_oauth_mtls_sender_constrained_token(env: Env) -> None:
    """testOAuth2_1OAuthMtlsSenderConstrainedToken: the login and the code exchanged with the client's
    certificate; the access token is bound to it."""
    cid = await valid_client(env, "mtls-client")
    await verify_client_settings(env, cid)
    await use_global_profile(env, PROFILE)
    answer = await log_in(env, await authorize(env, **login_query("mtls-client", **PKCE)))
    form = {"grant_type": "authorization_code", "code": answer["code"], "redirect_uri": REDIRECT}
    tokens = await post_token(
        env, {**form, "client_id": "mtls-client", "code_verifier": VERIFIER}, with_default_certificate()
    )
    assert tokens.status_code == 200, tokens.text
    cnf = jwt.decode(tokens.json()["access_token"], options={"verify_signature": False})["cnf"]
    assert cnf == {"x5t#S256": mtls_port.DEFAULT.thumbprint}


async def test_oauth2_1_redirect_uris(env: Env) -> None:
    """testOAuth2_1RedirectUris: under the profile a dynamic update to a wildcard redirect URI fails (400); the admin
    sets an https URI with a port, the ``[::1]`` and ``127.0.0.1`` loopback ones without, and a private-use scheme;
    an authorization request to an unregistered ``localhost`` URI ends on the error page."""
    cid = await valid_client(env, "redirect-client")
    await verify_client_settings(env, cid)
    await use_global_profile(env, PROFILE)

    response = await call(env, "POST", f"/clients/{cid}/registration-access-token")
    assert response.status_code == 200, response.text
    headers = {"Authorization": f"Bearer {response.json()['registrationAccessToken']}"}
    url = "/realms/test/clients-registrations/openid-connect/redirect-client"
    response = await env.http.get(url, headers=headers)  # updateClientDynamically: read, change, write back
    assert response.status_code == 200, response.text
    metadata = response.json()
    headers["Authorization"] = f"Bearer {metadata.pop('registration_access_token')}"
    response = await env.http.put(
        url, json={**metadata, "redirect_uris": ["https://dev.example.com:8443/*"]}, headers=headers
    )
    assert response.status_code == 400, response.text
    assert response.json() == {
        "error": "invalid_request",
        "error_description": "Invalid Redirect Uri: invalid uri",
    }

    uris = [
        "https://dev.example.com:8443/callback",
        "https://[::1]/auth/admin",
        "com.example.app:/oauth2redirect/example-provider",
        "https://127.0.0.1/auth/admin",
    ]
    await update_client_by_admin(env, cid, attributes={}, redirectUris=uris)
    assert set((await get_client_by_admin(env, cid))["redirectUris"]) == set(uris)

    request_uri = "https://localhost:8543/auth/realms/master/app/oidc-client-endpoints/request-uri"
    response = await authorize(env, **login_query("redirect-client", redirect_uri=request_uri))
    assert response.status_code == 400, (response.status_code, response.headers.get("location"))
    assert 'id="kc-error-message"' in response.text
