"""Keycloak's AccountRestServiceCorsTest (tests/base/.../tests/account/AccountRestServiceCorsTest.java @091ec956),
ported one method to one test over HTTP.

The Java test opens a page at ``http://localtest.me:8180`` (or ``http://invalid.localtest.me:8180``) and sends a
synchronous XMLHttpRequest with ``Accept`` and ``Content-Type: application/json`` and the bearer token of
TokenUtil (``direct-grant``, whose web origins hold the first origin): the browser sends the preflight, then
the request, and fails the call unless the answer's ``Access-Control-Allow-Origin`` is the page's origin.
``account_rest_service_port.xhr`` makes both requests as the browser does and reports what the browser would decide; each test also
pins Keycloak's headers: the preflight (CorsPreflightService) answers any origin, and the resource answers
(errors too) carry the token's ``allowed-origins`` only (``Cors.allowedOrigins(token).auth()``).

The realm is AbstractRestServiceTest's (``account_rest_service_port``: the same ``direct-grant`` client and
user) with ``configureTestRealm``'s ``editUsernameAllowed=false``; one app for the module, the realm imported
anew for each test. Doorkeep's own check of a refusal Keycloak answers after deciding CORS follows the port.
"""

from __future__ import annotations

import pytest

import group_port
from account_rest_service_port import ACCOUNT, ORIGIN, account_realm, token, xhr
from keycloak_port import ADMIN, admin_headers, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

VALID_ORIGIN, INVALID_ORIGIN = ORIGIN, "http://invalid.localtest.me:8180"


@pytest.fixture
async def access(env: Env) -> str:
    await account_realm(env)
    await update_realm(env, editUsernameAllowed=False)
    return await token(env)


async def test_get_profile(env: Env, access: str) -> None:
    allowed, response = await xhr(env, ACCOUNT, access, VALID_ORIGIN)
    assert allowed
    assert response.status_code == 200 and response.json()["username"] == "test-user@localhost"


async def test_get_profile_invalid_origin(env: Env, access: str) -> None:
    allowed, response = await xhr(env, ACCOUNT, access, INVALID_ORIGIN)
    assert not allowed
    assert response.status_code == 403  # Keycloak 26.6.3's failOnInvalidOrigin: refused before the resource runs


async def test_update_profile(env: Env, access: str) -> None:
    allowed, _ = await xhr(env, ACCOUNT, access, VALID_ORIGIN, {"firstName": "Bob"})
    assert allowed


async def test_update_profile_invalid_origin(env: Env, access: str) -> None:
    allowed, _ = await xhr(env, ACCOUNT, access, INVALID_ORIGIN, {"firstName": "Bob"})
    assert not allowed


async def test_error_response(env: Env, access: str) -> None:
    allowed, response = await xhr(env, ACCOUNT, access, VALID_ORIGIN, {"username": "vmuzikar"})
    assert allowed
    assert response.status_code == 400
    assert "readOnlyUsernameMessage" in response.text


async def test_error_response_invalid_origin(env: Env, access: str) -> None:
    allowed, response = await xhr(env, ACCOUNT, access, INVALID_ORIGIN, {"username": "vmuzikar"})
    assert not allowed
    assert response.status_code == 403  # the origin is refused before the body is judged


async def test_get_versioned_api(env: Env, access: str) -> None:
    allowed, response = await xhr(env, f"{ACCOUNT}/v1", access, VALID_ORIGIN)
    assert allowed
    assert response.status_code == 200 and response.json()["username"] == "test-user@localhost"


async def test_get_versioned_api_invalid_origin(env: Env, access: str) -> None:
    allowed, response = await xhr(env, f"{ACCOUNT}/v1", access, INVALID_ORIGIN)
    assert not allowed
    assert response.status_code == 403


# --- Doorkeep's own checks --------------------------------------------------------------------------------
async def test_refusals_after_the_token_carry_its_cors_and_those_before_it_none(env: Env, access: str) -> None:
    """AccountLoader adds the token's CORS before refusing a service account (401) or an unknown API version
    (404), and a signed token it refuses (401: AccountEndpointCorsTest); a token whose signature fails gets none."""
    rep = {
        "clientId": "service-client",
        "secret": "password",
        "serviceAccountsEnabled": True,
        "webOrigins": [VALID_ORIGIN],
        "protocolMappers": [
            {
                "name": "aud-account",
                "protocol": "openid-connect",
                "protocolMapper": "oidc-audience-mapper",
                "config": {"included.client.audience": "account", "access.token.claim": "true"},
            }
        ],
    }
    created = await env.http.post(f"{ADMIN}/clients", json=rep, headers=await admin_headers(env))
    assert created.status_code == 201, created.text
    form = {"grant_type": "client_credentials", "client_id": "service-client", "client_secret": "password"}
    granted = await env.http.post("/realms/test/protocol/openid-connect/token", data=form)
    assert granted.status_code == 200, granted.text
    service = granted.json()["access_token"]

    allowed, response = await xhr(env, ACCOUNT, service, VALID_ORIGIN)
    assert allowed and response.status_code == 401, response.text
    allowed, response = await xhr(env, f"{ACCOUNT}/v2", access, VALID_ORIGIN)
    assert allowed and response.status_code == 404
    assert response.json() == {"error": "API version not found"}
    allowed, response = await xhr(env, ACCOUNT, access + "x", VALID_ORIGIN)
    assert not allowed and response.status_code == 401
