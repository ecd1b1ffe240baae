"""Port of Keycloak's ``ClientRegistrationAuthTest`` (tests/base, org.keycloak.tests.client): how the OpenID
Connect client registration endpoint reads its ``Authorization`` header (ClientRegistrationAuth with
AppAuthManager.extractAuthorizationHeaderTokenOrReturnNull).

The scheme is matched without regard to case and must be followed by exactly one space: ``Bearer  x``
(two spaces), several spaces or a tab give no token at all, so the call is anonymous and the realm's anonymous
policies refuse it (403). A token that does not decode is a 401 ``invalid_token`` with a description (never an
exception's text) and an error event of the operation's type.

Every method is ported (the seven prefixes and the four invalid-token methods, each a parameter here).
"""

from __future__ import annotations

from typing import Any

import pytest

from wire_env import Env

pytestmark = pytest.mark.anyio

ADMIN_REALM = "/admin/realms/test"
OIDC = "/realms/test/clients-registrations/openid-connect"
ERROR_TYPES = ["CLIENT_INFO_ERROR", "CLIENT_REGISTER_ERROR", "CLIENT_UPDATE_ERROR", "CLIENT_DELETE_ERROR"]


async def initial_access_token(env: Env) -> str:
    """ClientInitialAccessCreatePresentation(0, 100): no expiry, a hundred uses."""
    response = await env.http.post(
        f"{ADMIN_REALM}/clients-initial-access", json={"expiration": 0, "count": 100}, headers=await env.admin_headers()
    )
    assert response.status_code == 201, response.text
    return str(response.json()["token"])


async def error_events(env: Env) -> list[dict[str, Any]]:
    response = await env.http.get(f"{ADMIN_REALM}/events", headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    return list(reversed(response.json()))


@pytest.mark.parametrize(
    ("prefix", "status"),
    [
        pytest.param("Bearer ", 201, id="testSuccess"),
        pytest.param("bearer ", 201, id="testSuccess_BearerLowerCase"),
        pytest.param("BEARER ", 201, id="testSuccess_BearerUpperCase"),
        pytest.param("BeArEr ", 201, id="testSuccess_BearerMixedCase"),
        pytest.param("Bearer  ", 403, id="testFailure_TwoSpaces"),
        pytest.param("Bearer     ", 403, id="testFailure_MultiSpaces"),
        pytest.param("Bearer\t", 403, id="testFailure_TabSymbol"),
    ],
)
async def test_the_bearer_scheme_is_case_blind_and_takes_one_space(realm: Env, prefix: str, status: int) -> None:
    """ClientRegistrationAuthTest.test(authPrefix, success)."""
    token = await initial_access_token(realm)
    response = await realm.http.post(
        OIDC, json={"client_name": "test-auth-client"}, headers={"Authorization": prefix + token}
    )
    assert response.status_code == status, response.text
    if status == 201:
        assert response.json()["client_name"] == "test-auth-client"


@pytest.mark.parametrize(
    ("method", "path", "event"),
    [
        pytest.param("GET", f"{OIDC}/test-auth-client", "CLIENT_INFO_ERROR", id="testInvalidToken_Get"),
        pytest.param("POST", OIDC, "CLIENT_REGISTER_ERROR", id="testInvalidToken_Post"),
        pytest.param("PUT", f"{OIDC}/test-auth-client", "CLIENT_UPDATE_ERROR", id="testInvalidToken_Put"),
        pytest.param("DELETE", f"{OIDC}/test-auth-client", "CLIENT_DELETE_ERROR", id="testInvalidToken_Delete"),
    ],
)
async def test_a_token_that_does_not_decode_is_a_401_and_an_error_event(
    realm: Env, method: str, path: str, event: str
) -> None:
    """ClientRegistrationAuthTest.testInvalidToken(method, expectedEventType)."""
    config = {"eventsEnabled": True, "enabledEventTypes": ERROR_TYPES}
    admin = await realm.admin_headers()
    assert (await realm.http.put(f"{ADMIN_REALM}/events/config", json=config, headers=admin)).status_code == 204
    body: dict[str, Any] | None = {} if method in ("POST", "PUT") else None
    response = await realm.http.request(method, path, json=body, headers={"Authorization": "Bearer test"})
    assert response.status_code == 401, response.text
    error = response.json()
    assert error["error"] == "invalid_token"
    assert error["error_description"] and "IllegalStateException" not in error["error_description"]
    (found,) = await error_events(realm)
    assert (found["type"], found.get("error")) == (event, "invalid_token")
