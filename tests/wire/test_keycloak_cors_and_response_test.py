"""Keycloak's TokenRevocationCorsTest, UserInfoEndpointCorsTest, PreflightRequestTest, AccessTokenResponseTest and
AccessTokenNoEmailLoginTest, ported method by method (testsuite/integration-arquillian/tests/base/.../oauth/).

The realm is the slice of Keycloak's ``testrealm.json`` in testrealm_slice.py (shared with the ports of
TokenEndpointCorsTest and LogoutCorsTest), changed through the admin API as each class's ``addTestRealms`` and
``@Before`` change it; Keycloak's ``setTimeOffset`` is the fake clock. PreflightRequestTest's realm is a bare
``test`` realm created through ``POST /admin/realms``.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from browser_flow import exchange, login, start, submit
from login_test_realm import error
from support import claims, password_grant, refresh, token_url
from testrealm_slice import (
    INVALID_CORS_URL,
    USER,
    VALID_CORS_URL,
    admin,
    assert_cors,
    assert_not_cors,
    client_id_of,
    seed_testrealm,
    user_id_of,
)
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def kc(env: Env) -> Env:
    return await seed_testrealm(env)


async def update_client(env: Env, client_id: str, **changes: Any) -> None:
    """ClientManager: the client's representation read, changed and written back."""
    uuid = await client_id_of(env, client_id)
    rep = (await admin(env, "GET", f"/clients/{uuid}", status=200)).json()
    await admin(env, "PUT", f"/clients/{uuid}", {**rep, **changes})


# --- TokenRevocationCorsTest --------------------------------------------------------------------------
@pytest.fixture
async def revocation_realm(kc: Env) -> Env:
    """addTestRealms: test-app2 as a confidential client (secret ``password``) with direct grants, readable from
    VALID_CORS_URL."""
    await update_client(kc, "test-app2", publicClient=False, secret="password", directAccessGrantsEnabled=True)
    return kc


async def revoke_refresh_token(env: Env, origin: str) -> tuple[dict[str, Any], httpx.Response]:
    tokens = await password_grant(env.http, "test", "test-app2", USER, secret="password", scope="openid")
    assert tokens.status_code == 200, tokens.text
    form = {"token": tokens.json()["refresh_token"], "token_type_hint": "refresh_token"}
    form |= {"client_id": "test-app2", "client_secret": "password"}
    response = await env.http.post(token_url("test", "revoke"), data=form, headers={"Origin": origin})
    return tokens.json(), response


async def assert_token_disabled(env: Env, tokens: dict[str, Any]) -> None:
    """isTokenDisabled: the access token introspects inactive, the refresh token is refused."""
    form = {"token": tokens["access_token"], "client_id": "test-app2", "client_secret": "password"}
    introspected = await env.http.post(token_url("test", "token/introspect"), data=form)
    assert introspected.status_code == 200 and introspected.json()["active"] is False, introspected.text
    refreshed = await refresh(env.http, "test", "test-app2", tokens["refresh_token"], secret="password")
    assert refreshed.status_code == 400, refreshed.text


async def test_token_revocation_cors_request_with_valid_url(revocation_realm: Env) -> None:
    """TokenRevocationCorsTest.testTokenRevocationCorsRequestWithValidUrl"""
    tokens, response = await revoke_refresh_token(revocation_realm, VALID_CORS_URL)
    assert response.status_code == 200, response.text
    assert_cors(response)
    await assert_token_disabled(revocation_realm, tokens)


async def assert_token_enabled(env: Env, tokens: dict[str, Any]) -> None:
    """The refresh token still introspects active to its client (an access token without test-app2 in its aud
    would not, since 26.6.2's audience check), and still refreshes."""
    form = {"token": tokens["refresh_token"], "client_id": "test-app2", "client_secret": "password"}
    introspected = await env.http.post(token_url("test", "token/introspect"), data=form)
    assert introspected.status_code == 200 and introspected.json()["active"] is True, introspected.text
    refreshed = await refresh(env.http, "test", "test-app2", tokens["refresh_token"], secret="password")
    assert refreshed.status_code == 200, refreshed.text


async def test_user_token_revocation_cors_request_with_invalid_url_should_fail(revocation_realm: Env) -> None:
    """TokenRevocationCorsTest.userTokenRevocationCorsRequestWithInvalidUrlShouldFail, as Keycloak 26.6.3 changed it
    (#45957, PR #48469): the revocation was done and answered 200 without CORS; now the origin is checked once the
    client is authenticated and the request refused (403, no CORS) before anything is revoked."""
    tokens, response = await revoke_refresh_token(revocation_realm, INVALID_CORS_URL)
    assert response.status_code == 403, response.text
    assert response.json() == {"error": "Invalid origin"}
    assert_not_cors(response)
    await assert_token_enabled(revocation_realm, tokens)


# --- UserInfoEndpointCorsTest -------------------------------------------------------------------------
async def app2_access_token(env: Env) -> str:
    """oauth.client("test-app2") (public, direct grants) and doPasswordGrantRequest, OAuthClient's scope openid."""
    response = await password_grant(env.http, "test", "test-app2", USER, secret=None, scope="openid")
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


async def userinfo(env: Env, token: str, origin: str) -> httpx.Response:
    headers = {"Authorization": f"bearer {token}", "Origin": origin}  # the Origin triggers CORS handling
    return await env.http.get(token_url("test", "userinfo"), headers=headers)


def assert_successful_userinfo(response: httpx.Response) -> None:
    """UserInfoClientUtil.testSuccessfulUserInfoResponse(response, USER, USER)."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["sub"]
    assert body["email"] == USER and body["preferred_username"] == USER, body


def assert_userinfo_cors(response: httpx.Response) -> None:
    """UserInfoEndpointCorsTest.assertCors: a 401 exposes its WWW-Authenticate challenge too."""
    assert response.headers.get("Access-Control-Allow-Credentials") == "true", response.headers
    assert response.headers.get("Access-Control-Allow-Origin") == VALID_CORS_URL, response.headers
    exposed = response.headers.get("Access-Control-Expose-Headers", "")
    assert "Access-Control-Allow-Methods" in exposed, response.headers
    if response.status_code == 401:
        assert "WWW-Authenticate" in exposed, response.headers


async def test_user_info_cors_valid_request_with_valid_url(kc: Env) -> None:
    """UserInfoEndpointCorsTest.userInfoCorsValidRequestWithValidUrl"""
    response = await userinfo(kc, await app2_access_token(kc), VALID_CORS_URL)
    assert_successful_userinfo(response)
    assert_userinfo_cors(response)


async def test_user_info_cors_invalid_request_with_valid_url(kc: Env) -> None:
    """UserInfoEndpointCorsTest.userInfoCorsInvalidRequestWithValidUrl (KEYCLOAK-15719: an error answer keeps
    the CORS headers)"""
    token = await app2_access_token(kc)
    kc.clock.advance(600)  # the token has expired
    response = await userinfo(kc, token, VALID_CORS_URL)
    assert response.status_code == 401, response.text
    assert_userinfo_cors(response)


async def test_user_info_cors_valid_request_with_invalid_url_should_fail(kc: Env) -> None:
    """UserInfoEndpointCorsTest.userInfoCorsValidRequestWithInvalidUrlShouldFail, as Keycloak 26.6.3 changed it
    (#45957, PR #48469): the claims were answered without CORS; now the request is refused (403, no CORS) once the
    token's client is known."""
    response = await userinfo(kc, await app2_access_token(kc), INVALID_CORS_URL)
    assert response.status_code == 403, response.text
    assert response.json() == {"error": "Invalid origin"}
    assert_not_cors(response)


async def test_user_info_cors_invalid_session(kc: Env) -> None:
    """UserInfoEndpointCorsTest.userInfoCorsInvalidSession: the session removed by the admin."""
    token = await app2_access_token(kc)
    await admin(kc, "DELETE", f"/sessions/{claims(token)['sid']}?isOffline=false")
    response = await userinfo(kc, token, VALID_CORS_URL)
    assert response.status_code == 401, response.text
    assert_userinfo_cors(response)


# --- PreflightRequestTest -----------------------------------------------------------------------------
async def test_preflight_request(env: Env) -> None:
    """PreflightRequestTest.preflightRequest: a bare realm, OAuthClient.doPreflightRequest's OPTIONS."""
    created = await env.http.post(
        "/admin/realms", json={"id": "test", "realm": "test", "enabled": True}, headers=await env.admin_headers()
    )
    assert created.status_code == 201, created.text
    response = await env.http.options(token_url("test"), headers={"Origin": "http://example.com"})
    assert response.status_code == 200, response.text
    methods = response.headers["Access-Control-Allow-Methods"].split(", ")
    assert len(set(methods)) == 2 and set(methods) == {"POST", "OPTIONS"}


# --- AccessTokenResponseTest --------------------------------------------------------------------------
@pytest.fixture
async def response_realm(kc: Env) -> Env:
    """addTestRealms and clientConfiguration: the user ``no-permissions``; test-app without full scope, with a
    hardcoded claim mapped into the token response only, and direct grants on."""
    user: dict[str, Any] = {"username": "no-permissions", "enabled": True}
    user["credentials"] = [{"type": "password", "value": "password", "temporary": False}]
    await admin(kc, "POST", "/users", user, status=201)
    role = (await admin(kc, "GET", "/roles/user", status=200)).json()
    await admin(kc, "POST", f"/users/{await user_id_of(kc, 'no-permissions')}/role-mappings/realm", [role])
    config = {
        "claim.name": "custom_hardcoded_claim",
        "claim.value": "custom_claim",
        "access.tokenResponse.claim": "true",
    }
    mapper = {
        "name": "custom-claim-hardcoded-mapper",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-hardcoded-claim-mapper",
        "config": config,
    }
    app = await client_id_of(kc, "test-app")
    await admin(kc, "POST", f"/clients/{app}/protocol-mappers/models", mapper, status=201)
    await update_client(kc, "test-app", fullScopeAllowed=False, directAccessGrantsEnabled=True)
    return kc


async def test_access_token_request(response_realm: Env) -> None:
    """AccessTokenResponseTest.accessTokenRequest"""
    code = (await login(response_realm.http, "test", "test-app", USER))["code"]
    response = await exchange(response_realm.http, "test", "test-app", code, secret="password")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["custom_hardcoded_claim"] == "custom_claim", body
    # Only the token response: the mapper's access.token.claim and id.token.claim are not set.
    assert "custom_hardcoded_claim" not in claims(body["access_token"])
    assert "custom_hardcoded_claim" not in claims(body["id_token"])


async def test_a_mapper_without_keycloaks_token_response_interface_adds_nothing_to_the_answer(
    response_realm: Env,
) -> None:
    """Beyond the port: the flag on a user-property mapper (not an OIDCAccessTokenResponseMapper) is ignored,
    while a session-note mapper (one) answers its note."""
    app = await client_id_of(response_realm, "test-app")
    for name, kind, extra in (
        ("username-in-response", "oidc-usermodel-property-mapper", {"user.attribute": "username"}),
        ("auth-time-in-response", "oidc-usersessionmodel-note-mapper", {"user.session.note": "AUTH_TIME"}),
    ):
        config = {"claim.name": name, "access.tokenResponse.claim": "true", **extra}
        mapper = {"name": name, "protocol": "openid-connect", "protocolMapper": kind, "config": config}
        await admin(response_realm, "POST", f"/clients/{app}/protocol-mappers/models", mapper, status=201)
    response = await password_grant(response_realm.http, "test", "test-app", USER, secret="password")
    assert response.status_code == 200, response.text
    body = response.json()
    assert "username-in-response" not in body, body
    assert (
        body["auth-time-in-response"] == str(claims(body["access_token"])["auth_time"])
        and body["custom_hardcoded_claim"] == "custom_claim"
    ), body


# --- AccessTokenNoEmailLoginTest ----------------------------------------------------------------------
NO_DUPLICATE = "non-duplicate-email-user"


@pytest.fixture
async def no_email_login(kc: Env) -> Env:
    """addTestRealms: loginWithEmailAllowed off, and testrealm.json's ``non-duplicate-email-user``."""
    await admin(kc, "PUT", "", {"loginWithEmailAllowed": False})
    user: dict[str, Any] = {"username": NO_DUPLICATE, "enabled": True, "email": f"{NO_DUPLICATE}@localhost"}
    user |= {"firstName": "Brian", "lastName": "Cohen"}
    user["credentials"] = [{"type": "password", "value": "password", "temporary": False}]
    await admin(kc, "POST", "/users", user, status=201)
    return kc


async def test_login_form_username_label(no_email_login: Env) -> None:
    """AccessTokenNoEmailLoginTest.loginFormUsernameLabel"""
    page = await start(no_email_login.http, "test", "test-app")
    assert page.status_code == 200, page.text[:300]
    label = re.search(r'<label for="username"[^>]*>([^<]*)</label>', page.text)
    assert label is not None and label.group(1) == "Username", page.text[:1500]


async def test_login_with_username(no_email_login: Env) -> None:
    """AccessTokenNoEmailLoginTest.loginWithUsername"""
    code = (await login(no_email_login.http, "test", "test-app", NO_DUPLICATE))["code"]
    response = await exchange(no_email_login.http, "test", "test-app", code, secret="password")
    assert response.status_code == 200, response.text
    token = claims(response.json()["access_token"])
    assert token["sub"] == await user_id_of(no_email_login, NO_DUPLICATE)
    assert token["email"] == f"{NO_DUPLICATE}@localhost"


async def test_login_with_email(no_email_login: Env) -> None:
    """AccessTokenNoEmailLoginTest.loginWithEmail"""
    page = await start(no_email_login.http, "test", "test-app")
    answer = await submit(no_email_login.http, page, username=f"{NO_DUPLICATE}@localhost", password="password")
    assert answer.status_code == 200, answer.text[:300]  # the form again, not the app's redirect
    assert error(answer) == "Invalid username or password."  # the page's kc-feedback-text
