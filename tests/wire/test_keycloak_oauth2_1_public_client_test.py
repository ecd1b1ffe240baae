"""Keycloak's OAuth2_1PublicClientTest (testsuite/.../client/OAuth2_1PublicClientTest.java): the global profile
``oauth-2-1-for-public-client`` for any client, each method named after the Java one. The clients' redirect URI is
https on the IPv4 loopback address, as the Java test's validRedirectUri (fapi_port.REDIRECT); a registered one names
no port. The DPoP proofs are dpop_port's (ES256)."""

from __future__ import annotations

from typing import Any

import jwt
import pytest

import client_policies_port
import mtls_port
from client_policies_port import USER, get_client_by_admin, realm_fixture, realm_rep
from dpop_port import REVOKE_URL, TOKEN_URL, USERINFO_URL, ProofKey
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
from role_port import call
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = mtls_port.anyio_backend, mtls_port.shared_env
env = realm_fixture(realm_rep, scope="function")  # the realm afresh for every test
no_policies = client_policies_port.no_policies
PROFILE = "oauth-2-1-for-public-client"
REGISTERED = REDIRECT.replace(":8543/", "/")  # validRedirectUri.replace(":8543/", "/")


async def valid_client(env: Env, client_id: str) -> str:
    """setupValidClientExceptForRedirectUri: public, no implicit flow nor password grant, S256 PKCE, DPoP."""
    return await create_client_by_admin(
        env,
        client_id,
        publicClient=True,
        implicitFlowEnabled=False,
        directAccessGrantsEnabled=False,
        attributes={"pkce.code.challenge.method": "S256", "dpop.bound.access.tokens": "true"},
    )


async def register(env: Env, redirect_uris: list[str]) -> Any:
    """createClientDynamically with an initial access token of one use."""
    made = await call(env, "POST", "/clients-initial-access", {"count": 1})
    assert made.status_code == 201, made.text
    return await env.http.post(
        "/realms/test/clients-registrations/openid-connect",
        json={"client_name": "oauth21-public", "redirect_uris": redirect_uris},
        headers={"Authorization": f"Bearer {made.json()['token']}"},
    )


async def test_oauth2_1_not_allow_implicit_grant(env: Env) -> None:
    """testOAuth2_1NotAllowImplicitGrant: implicit and hybrid response types are sent back "Implicit/Hybrid flow is
    prohibited."."""
    await create_client_by_admin(
        env, "public-implicit", standardFlowEnabled=True, implicitFlowEnabled=True, publicClient=True
    )
    await use_global_profile(env, PROFILE)
    for openid, response_type in (
        (False, "token"),
        (True, "token id_token"),
        (True, "token code"),
        (True, "token code id_token"),
    ):
        query = login_query("public-implicit", response_type=response_type, nonce="n0nce", **PKCE)
        if not openid:
            query["scope"] = None
        response = await authorize(env, **query)
        assert redirected_error(response) == ("invalid_request", "Implicit/Hybrid flow is prohibited."), response_type


async def test_oauth2_1_not_allow_resource_owner_password_credentials_grant(env: Env) -> None:
    """testOAuth2_1NotAllowResourceOwnerPasswordCredentialsGrant: a public client's password grant, under the
    profile: "resource owner password credentials grant is prohibited."."""
    await create_client_by_admin(
        env, "public-ropc", standardFlowEnabled=True, publicClient=True, directAccessGrantsEnabled=True
    )
    await use_global_profile(env, PROFILE)
    form = {"grant_type": "password", "client_id": "public-ropc", "username": USER, "password": "password"}
    response = await post_token(env, form)
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_grant",
        "error_description": "resource owner password credentials grant is prohibited.",
    }


async def test_oauth2_1_proof_key_for_code_exchange(env: Env) -> None:
    """testOAuth2_1ProofKeyForCodeExchange (failLoginByNotFollowingPKCEWithoutClientPolicyValidation): an
    authorization request without a challenge is sent back."""
    cid = await valid_client(env, "public-pkce")
    assert (await get_client_by_admin(env, cid))["attributes"]["pkce.code.challenge.method"] == "S256"
    await use_global_profile(env, PROFILE)
    response = await authorize(env, **login_query("public-pkce"))
    assert redirected_error(response) == ("invalid_request", "Missing parameter: code_challenge_method")


async def test_oauth2_1_redirect_uris(env: Env) -> None:
    """testOAuth2_1RedirectUris: a dynamic registration with an ``http`` URI fails; the admin registers the https
    loopback URI without a port; a dynamic registration with ``https://localhost/app`` fails, and an authorization
    request to that URI ends on the error page."""
    await use_global_profile(env, PROFILE)
    refused = await register(env, ["http://example.com/app"])
    assert refused.status_code == 400, refused.text
    cid = await create_client_by_admin(env, "public-redirect", publicClient=True, redirectUris=[REGISTERED])
    assert (await get_client_by_admin(env, cid))["redirectUris"] == [REGISTERED]
    refused = await register(env, ["https://localhost/app"])
    assert refused.status_code == 400, refused.text
    response = await authorize(env, **login_query("public-redirect", redirect_uri="https://localhost/app", **PKCE))
    assert response.status_code == 400, (response.status_code, response.headers.get("location"))
    assert 'id="kc-error-message"' in response.text


async def test_oauth2_1_dpop_sender_constrained_token(env: Env) -> None:
    """testOAuth2_1DPoPSenderConstrainedToken: a login with S256 PKCE; the code exchanged, the refresh, userinfo
    and the revocation each with a DPoP proof of the same key succeed, the tokens bound to it."""
    cid = await valid_client(env, "public-dpop")
    assert (await get_client_by_admin(env, cid))["attributes"]["dpop.bound.access.tokens"] == "true"
    await use_global_profile(env, PROFILE)
    key = ProofKey("ec")
    answer = await log_in(env, await authorize(env, **login_query("public-dpop", **PKCE)))

    form = {"grant_type": "authorization_code", "code": answer["code"], "redirect_uri": REDIRECT}
    proof = {"DPoP": key.proof("POST", TOKEN_URL, env.clock.now())}
    tokens = await post_token(env, {**form, "client_id": "public-dpop", "code_verifier": VERIFIER}, proof)
    assert tokens.status_code == 200, tokens.text
    assert jwt.decode(tokens.json()["access_token"], options={"verify_signature": False})["cnf"] == {"jkt": key.jkt}

    proof = {"DPoP": key.proof("POST", TOKEN_URL, env.clock.now())}
    refresh = {
        "grant_type": "refresh_token",
        "refresh_token": tokens.json()["refresh_token"],
        "client_id": "public-dpop",
    }
    refreshed = await post_token(env, refresh, proof)
    assert refreshed.status_code == 200, refreshed.text
    access = refreshed.json()["access_token"]

    proof = {"DPoP": key.proof("GET", USERINFO_URL, env.clock.now(), access_token=access)}
    info = await env.http.get(USERINFO_URL, headers={"Authorization": f"DPoP {access}", **proof})
    assert info.status_code == 200, info.text
    assert info.json()["preferred_username"] == USER

    proof = {"DPoP": key.proof("POST", REVOKE_URL, env.clock.now())}
    revoke = {"token": access, "token_type_hint": "access_token", "client_id": "public-dpop"}
    revoked = await env.http.post(REVOKE_URL, data=revoke, headers=proof)
    assert revoked.status_code == 200, revoked.text
