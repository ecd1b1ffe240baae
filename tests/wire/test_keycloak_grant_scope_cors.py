"""Keycloak's OAuthScopeInTokenResponseTest, TokenEndpointCorsTest and LogoutCorsTest, ported method by method
(testsuite/integration-arquillian/tests/base/.../testsuite/oauth/). OAuthGrantTest, once here, has its own
module: test_keycloak_oauth_grant_test.py.

The realm is the slice of Keycloak's ``testrealm.json`` in testrealm_slice.py, shared with
test_keycloak_cors_and_response_test.py and test_keycloak_oauth_grant_test.py.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from browser_flow import exchange, login, start
from support import assert_error, password_grant, refresh, token_url, update_client
from testrealm_slice import (
    APP2_REDIRECT,
    INVALID_CORS_URL,
    USER,
    VALID_CORS_URL,
    admin,
    assert_cors,
    assert_not_cors,
    client_id_of,
    seed_testrealm,
)
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def kc(env: Env) -> Env:
    """The slice of testrealm.json these classes use (testrealm_slice.py)."""
    return await seed_testrealm(env)


async def new_client_scope(env: Env, name: str) -> str:
    created = await admin(env, "POST", "/client-scopes", {"name": name, "protocol": "openid-connect"}, status=201)
    return created.headers["location"].rsplit("/", 1)[-1]


# --- OAuthScopeInTokenResponseTest ------------------------------------------------------------------
async def scope_of_code(env: Env, user: str, expected: str, **params: str) -> None:
    """expectSuccessfulResponseFromTokenEndpoint: the code's token response names exactly these scopes; then
    the refresh token logs the session out."""
    code = (await login(env.http, "test", "test-app", user, **params))["code"]
    response = await exchange(env.http, "test", "test-app", code, secret="password")
    assert response.status_code == 200, response.text
    assert sorted(response.json()["scope"].split(" ")) == sorted(expected.split(" "))
    form = {"client_id": "test-app", "client_secret": "password", "refresh_token": response.json()["refresh_token"]}
    assert (await env.http.post(token_url("test", "logout"), data=form)).status_code == 204


async def without_default_scopes(env: Env) -> None:
    app = await client_id_of(env, "test-app")
    for scope in (await admin(env, "GET", f"/clients/{app}/default-client-scopes", status=200)).json():
        await admin(env, "DELETE", f"/clients/{app}/default-client-scopes/{scope['id']}")


async def test_specify_no_scope_test(kc: Env) -> None:
    """OAuthScopeInTokenResponseTest.specifyNoScopeTest"""
    await scope_of_code(kc, "john-doh@localhost", "openid profile email")


async def test_specify_empty_scope_test(kc: Env) -> None:
    """OAuthScopeInTokenResponseTest.specifyEmptyScopeTest"""
    await scope_of_code(kc, "john-doh@localhost", "openid profile email", scope="openid ")


async def test_fail_code_not_existing_scope(kc: Env) -> None:
    """OAuthScopeInTokenResponseTest.failCodeNotExistingScope"""
    await without_default_scopes(kc)
    for scope in ("user openid phone", "user"):
        response = await start(kc.http, "test", "test-app", scope=scope)
        assert response.status_code == 302, response.text[:300]
        query = parse_qs(urlsplit(response.headers["location"]).query)
        assert query["error"] == ["invalid_scope"]
        assert query["error_description"][0].startswith("Invalid scopes")
    await scope_of_code(kc, "john-doh@localhost", "phone", scope="phone")
    code = (await login(kc.http, "test", "test-app", "john-doh@localhost", scope=None))["code"]
    response = await exchange(kc.http, "test", "test-app", code, secret="password")
    assert response.status_code == 200 and response.json()["scope"] == "", response.text


async def test_fail_token_not_existing_scope(kc: Env) -> None:
    """OAuthScopeInTokenResponseTest.failTokenNotExistingScope"""
    await without_default_scopes(kc)
    for scope in ("user phone", "user"):
        refused = await password_grant(
            kc.http, "test", "test-app", "john-doh@localhost", secret="password", scope=scope
        )
        assert_error(refused, 400, "invalid_scope")
    granted = await password_grant(kc.http, "test", "test-app", "john-doh@localhost", secret="password")
    assert granted.status_code == 200 and granted.json()["access_token"], granted.text


async def test_specify_multiple_scope_test(kc: Env) -> None:
    """OAuthScopeInTokenResponseTest.specifyMultipleScopeTest"""
    await scope_of_code(kc, "rich.roles@redhat.com", "openid profile email address", scope="openid address")


async def test_specify_multiple_existing_scopes_test(kc: Env) -> None:
    """OAuthScopeInTokenResponseTest.specifyMultipleExistingScopesTest"""
    user_scope = await new_client_scope(kc, "user")
    await admin(kc, "PUT", f"/clients/{await client_id_of(kc, 'test-app')}/optional-client-scopes/{user_scope}")
    expected = "openid profile email address phone"
    await scope_of_code(kc, "john-doh@localhost", expected, scope="openid address phone")
    await scope_of_code(kc, "john-doh@localhost", expected + " user", scope="openid user address phone")


# --- TokenEndpointCorsTest --------------------------------------------------------------------------
async def test_preflight_request(kc: Env) -> None:
    """TokenEndpointCorsTest.preflightRequest"""
    response = await kc.http.options(token_url("test"), headers={"Origin": "http://example.com"})
    assert response.status_code == 200
    assert set(response.headers["Access-Control-Allow-Methods"].split(", ")) == {"POST", "OPTIONS"}


async def test_access_token_cors_request(kc: Env) -> None:
    """TokenEndpointCorsTest.accessTokenCorsRequest, as Keycloak 26.6.3 changed it (#45957, PR #48469): the refresh
    from an invalid origin was granted without CORS; now it is refused (403, no CORS) before the grant runs, so the
    refresh token it carried is still the one the session's end is checked with."""
    origin = {"Origin": VALID_CORS_URL}
    code = (await login(kc.http, "test", "test-app2", USER, redirect_uri=APP2_REDIRECT))["code"]
    form = {"grant_type": "authorization_code", "client_id": "test-app2", "code": code, "redirect_uri": APP2_REDIRECT}
    response = await kc.http.post(token_url("test"), data=form, headers=origin)
    assert response.status_code == 200, response.text
    assert_cors(response)
    response = await refresh(kc.http, "test", "test-app2", response.json()["refresh_token"], secret=None)
    assert response.status_code == 200
    assert_not_cors(response)  # no Origin sent: none echoed
    form = {"grant_type": "refresh_token", "client_id": "test-app2", "refresh_token": response.json()["refresh_token"]}
    response = await kc.http.post(token_url("test"), data=form, headers=origin)
    assert response.status_code == 200
    assert_cors(response)
    form["refresh_token"] = response.json()["refresh_token"]
    id_token = response.json()["id_token"]
    response = await kc.http.post(token_url("test"), data=form, headers={"Origin": INVALID_CORS_URL})
    assert response.status_code == 403 and response.json() == {"error": "Invalid origin"}, response.text
    assert_not_cors(response)
    logout = await kc.http.get(token_url("test", "logout"), params={"id_token_hint": id_token})
    assert logout.status_code == 200, logout.text[:300]
    response = await kc.http.post(token_url("test"), data=form, headers=origin)
    assert_error(response, 400, "invalid_grant", "Session not active")
    assert_cors(response)


async def test_access_token_resource_owner_cors_request(kc: Env) -> None:
    """TokenEndpointCorsTest.accessTokenResourceOwnerCorsRequest (400 for the wrong password, as ValidatePassword
    answers since Keycloak 26.6, keycloak/keycloak#46528; the test asserted 401 at 898fdedc)"""

    async def grant(password: str) -> httpx.Response:
        form = {"grant_type": "password", "client_id": "test-app2", "username": USER, "password": password}
        return await kc.http.post(token_url("test"), data=form, headers={"Origin": VALID_CORS_URL})

    response = await grant("password")
    assert response.status_code == 200, response.text
    assert_cors(response)
    response = await grant("invalid")
    assert_error(response, 400, "invalid_grant", "Invalid user credentials")
    assert_cors(response)


async def test_access_token_with_confidential_client_cors_request(kc: Env) -> None:
    """TokenEndpointCorsTest.accessTokenWithConfidentialClientCorsRequest, as Keycloak 26.6.3 changed it (#45957):
    the right secret from an invalid origin was granted without CORS, and is now refused (403, no CORS); a wrong
    secret from it is still the client authentication's 401, readable from any origin."""

    async def grant(secret: str, origin: str) -> httpx.Response:
        form = {"grant_type": "password", "client_id": "direct-grant", "client_secret": secret}
        form |= {"username": USER, "password": "password"}
        return await kc.http.post(token_url("test"), data=form, headers={"Origin": origin})

    response = await grant("password", VALID_CORS_URL)
    assert response.status_code == 200, response.text
    assert_cors(response)
    response = await grant("invalid", VALID_CORS_URL)
    assert_error(response, 401, "unauthorized_client", "Invalid client or Invalid client credentials")
    assert_cors(response)
    response = await grant("password", INVALID_CORS_URL)
    assert response.status_code == 403 and response.json() == {"error": "Invalid origin"}, response.text
    assert_not_cors(response)
    response = await grant("invalid", INVALID_CORS_URL)
    assert_error(response, 401, "unauthorized_client", "Invalid client or Invalid client credentials")
    assert response.headers["Access-Control-Allow-Origin"] == INVALID_CORS_URL


# --- LogoutCorsTest ---------------------------------------------------------------------------------
async def logged_in(env: Env) -> str:
    """LogoutCorsTest.loginUser, after clientConfiguration added the valid origin to test-app."""
    await update_client(env.db, "test", "test-app", web_origins=(VALID_CORS_URL,))
    code = (await login(env.http, "test", "test-app", USER))["code"]
    response = await exchange(env.http, "test", "test-app", code, secret="password")
    assert response.status_code == 200, response.text
    return str(response.json()["refresh_token"])


async def logout(env: Env, refresh_token: str, origin: str, secret: str = "password") -> httpx.Response:
    form = {"client_id": "test-app", "client_secret": secret, "refresh_token": refresh_token}
    return await env.http.post(token_url("test", "logout"), data=form, headers={"Origin": origin})


async def test_post_logout_valid_request_with_valid_origin(kc: Env) -> None:
    """LogoutCorsTest.postLogout_validRequestWithValidOrigin"""
    response = await logout(kc, await logged_in(kc), VALID_CORS_URL)
    assert response.status_code == 204
    assert_cors(response)


async def test_post_logout_valid_request_with_in_valid_origin_should_fail(kc: Env) -> None:
    """LogoutCorsTest.postLogout_validRequestWithInValidOriginShouldFail, as Keycloak 26.6.3 changed it (#45957, PR
    #48469): the session was logged out and 204 answered without CORS; now the request is refused (403, no CORS)
    once the client is authenticated, and the session stays."""
    refresh_token = await logged_in(kc)
    response = await logout(kc, refresh_token, INVALID_CORS_URL)
    assert response.status_code == 403 and response.json() == {"error": "Invalid origin"}, response.text
    assert_not_cors(response)
    refreshed = await refresh(kc.http, "test", "test-app", refresh_token, secret="password")
    assert refreshed.status_code == 200, refreshed.text


async def test_post_logout_invalid_request_with_valid_origin(kc: Env) -> None:
    """LogoutCorsTest.postLogout_invalidRequestWithValidOrigin"""
    refresh_token = await logged_in(kc)
    response = await logout(kc, "invalid-refresh-token", VALID_CORS_URL)
    assert_error(response, 400, "invalid_grant", "Invalid refresh token")
    assert_cors(response)
    response = await logout(kc, refresh_token, VALID_CORS_URL, secret="invalid-secret")
    assert_error(response, 401, "unauthorized_client", "Invalid client or Invalid client credentials")
    assert_cors(response)
