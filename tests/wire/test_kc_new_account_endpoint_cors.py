"""Keycloak's new-framework AccountEndpointCorsTest (tests/base/.../tests/account/) over HTTP: the Account REST API
(``GET /realms/test/account``, Accept ``application/json``) called with a password grant's token of ``test-app``,
whose web origins hold ``http://localtest.me:8180``, from that origin or another. The answers carry the CORS
headers of the token's allowed origins, a 401 too (the session ended by an admin logout, or a token without the
``account`` audience)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import group_port
from account_rest_service_port import cors_headers
from group_port import fresh_realm
from keycloak_port import get, post, user_id
from support import password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

VALID_CORS_URL = "http://localtest.me:8180"
INVALID_CORS_URL = "http://invalid.localtest.me:8180"
ACCOUNT = "/realms/test/account"


def user(username: str, last: str, *roles: str) -> dict[str, Any]:
    return {
        "username": username,
        "enabled": True,
        "firstName": "Test",
        "lastName": last,
        "email": f"{username}@localhost",
        "emailVerified": True,
        "credentials": [{"type": "password", "value": "password"}],
        **({"clientRoles": {"account": list(roles)}} if roles else {}),
    }


AUDIENCE = {
    "name": "aud-account",
    "protocol": "openid-connect",
    "protocolMapper": "oidc-audience-mapper",
    "config": {"included.client.audience": "account", "id.token.claim": "true", "access.token.claim": "true"},
}
REALM = {
    "realm": "test",
    "enabled": True,
    "users": [
        user("test-user", "User", "view-profile", "manage-account"),
        user("test-user-no-account-roles", "UserNoRoles"),
    ],
    "clients": [
        {
            "clientId": "test-app",
            "publicClient": True,
            "directAccessGrantsEnabled": True,
            "webOrigins": [VALID_CORS_URL],
            "protocolMappers": [AUDIENCE],
        },
        {
            "clientId": "test-app-no-audience",
            "publicClient": True,
            "directAccessGrantsEnabled": True,
            "webOrigins": [VALID_CORS_URL],
        },
    ],
}


@pytest.fixture
async def kc(env: Env) -> Env:
    await fresh_realm(env, REALM)
    return env


async def token(env: Env, client_id: str, username: str) -> str:
    granted = await password_grant(env.http, "test", client_id, username, "password", secret=None)
    assert granted.status_code == 200, granted.text
    return str(granted.json()["access_token"])


async def account_request(env: Env, access_token: str, origin: str) -> httpx.Response:
    """``oauth.origin(origin).accountRequest(token).endpoint(accountUrl).send()``."""
    headers = {"Authorization": f"Bearer {access_token}", "Accept": "application/json", "Origin": origin}
    return await env.http.get(ACCOUNT, headers=headers)


def assert_cors(response: httpx.Response) -> None:
    assert response.headers.get("Access-Control-Allow-Credentials") == "true", cors_headers(response)
    assert response.headers.get("Access-Control-Allow-Origin") == VALID_CORS_URL, cors_headers(response)


async def test_account_endpoint_cors_response_when_session_ended(kc: Env) -> None:
    """AccountEndpointCorsTest#accountEndpointCorsResponseWhenSessionEnded."""
    access = await token(kc, "test-app", "test-user")
    answer = await account_request(kc, access, VALID_CORS_URL)
    assert answer.status_code == 200, answer.text
    assert_cors(answer)
    await post(kc, f"/users/{await user_id(kc, 'test-user')}/logout", None)
    after_logout = await account_request(kc, access, VALID_CORS_URL)
    assert after_logout.status_code == 401, after_logout.text
    assert_cors(after_logout)


async def test_account_endpoint_cors_response_when_invalid_audience(kc: Env) -> None:
    """AccountEndpointCorsTest#accountEndpointCorsResponseWhenInvalidAudience."""
    access = await token(kc, "test-app-no-audience", "test-user-no-account-roles")
    answer = await account_request(kc, access, VALID_CORS_URL)
    assert answer.status_code == 401, answer.text
    assert_cors(answer)


async def test_account_endpoint_cors_response_when_invalid_url(kc: Env) -> None:
    """AccountEndpointCorsTest#accountEndpointCorsResponseWhenInvalidUrl: an origin the token does not allow."""
    access = await token(kc, "test-app", "test-user")
    answer = await account_request(kc, access, INVALID_CORS_URL)
    assert answer.status_code == 403, answer.text
    assert not {"access-control-allow-credentials", "access-control-allow-origin"} & set(cors_headers(answer))
    assert "access-control-expose-headers" not in cors_headers(answer)


async def test_a_write_from_an_origin_the_token_does_not_allow_changes_nothing(kc: Env) -> None:
    """Beyond the Java class: the 403 comes before the resource runs (failOnInvalidOrigin), so a cross-origin page
    holding a stolen token cannot change the profile even blindly; without an ``Origin`` (no CORS request) the same
    call is served."""
    access = await token(kc, "test-app", "test-user")
    headers = {"Authorization": f"Bearer {access}", "Accept": "application/json", "Origin": INVALID_CORS_URL}
    body = {"firstName": "Mallory", "lastName": "User", "email": "test-user@localhost"}
    refused = await kc.http.post(ACCOUNT, json=body, headers=headers)
    assert refused.status_code == 403 and refused.json() == {"error": "Invalid origin"}, refused.text
    assert (await get(kc, f"/users/{await user_id(kc, 'test-user')}"))["firstName"] == "Test"
    del headers["Origin"]
    served = await kc.http.post(ACCOUNT, json=body, headers=headers)
    assert served.status_code == 204, served.text
    assert (await get(kc, f"/users/{await user_id(kc, 'test-user')}"))["firstName"] == "Mallory"
