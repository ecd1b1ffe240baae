"""What Keycloak's newest ConsentsTest (tests/base/.../tests/admin/ConsentsTest.java, keycloak@09994c36) asserts in
``clientConsentRequiredAfterLogin`` that test_keycloak_consents_test.py does not: the LOGIN event of the code login
(EventAssertion.assertSuccess) names the user, has a code id, and details ``username``, ``consent``
``no_consent_required`` and the ``redirect_uri``; the refused refresh then names the login's session. The other
methods of that version (testConsents, testRetrieveConsentsForUserWithClientsWithGrantedOfflineAccess,
testConsentCancel, testConsentWithAdditionalClientAttributes) assert nothing the existing ports lack.
"""

from __future__ import annotations

from typing import Any

import pytest

from browser_flow import REDIRECT, code_from, exchange, start, submit
from keycloak_port import admin_headers, forget, import_realm
from support import assert_error, refresh
from wire_env import Env

pytestmark = pytest.mark.anyio

TEST = "/admin/realms/test"
USER = "user"


async def _admin(env: Env, method: str, path: str, body: Any = None) -> Any:
    response = await env.http.request(method, path, json=body, headers=await admin_headers(env))
    assert response.status_code in (200, 204), (method, path, response.status_code, response.text)
    return response.json() if response.status_code == 200 else None


async def _set_consent_required(env: Env, required: bool) -> None:
    [client] = await _admin(env, "GET", f"{TEST}/clients?clientId=test-app")
    await _admin(env, "PUT", f"{TEST}/clients/{client['id']}", {**client, "consentRequired": required})


async def test_client_consent_required_after_login_login_event_details(env: Env) -> None:
    """clientConsentRequiredAfterLogin's LOGIN event: user id, code id, username, ``consent``
    ``no_consent_required`` (the client asked none), the redirect URI; once the client requires consent the
    earlier refresh token is refused and REFRESH_TOKEN_ERROR names that login's session and no user."""
    rep = {
        "realm": "test",
        "enabled": True,
        "eventsEnabled": True,
        "enabledEventTypes": ["LOGIN", "REFRESH_TOKEN_ERROR"],
        "clients": [{"clientId": "test-app", "secret": "password", "redirectUris": [REDIRECT]}],
        "users": [
            {
                "username": USER,
                "email": "user@local",
                "emailVerified": True,
                "firstName": "Local",
                "lastName": "User",
                "enabled": True,
                "credentials": [{"type": "password", "value": "password"}],
            }
        ],
    }
    await import_realm(env, rep)
    [user] = await _admin(env, "GET", f"{TEST}/users?username={USER}&exact=true")
    page = await start(env.http, "test", "test-app")
    query = code_from(await submit(env.http, page, username=USER, password="password"))
    tokens = await exchange(env.http, "test", "test-app", query["code"], secret="password")
    assert tokens.status_code == 200, tokens.text

    [login] = await _admin(env, "GET", f"{TEST}/events?type=LOGIN")
    assert (login["type"], login["userId"], login["clientId"]) == ("LOGIN", user["id"], "test-app"), login
    details = login["details"]
    assert details.get("code_id"), details  # EventMatchers.isCodeId
    assert details["username"] == USER
    assert details["consent"] == "no_consent_required"
    assert details["redirect_uri"] == REDIRECT
    await _admin(env, "DELETE", f"{TEST}/events")

    await _set_consent_required(env, True)
    response = await refresh(env.http, "test", "test-app", tokens.json()["refresh_token"], secret="password")
    assert_error(response, 400, "invalid_scope", "Client no longer has requested consent from user")
    [event] = await _admin(env, "GET", f"{TEST}/events")
    assert (event["type"], event["error"], event["sessionId"]) == (
        "REFRESH_TOKEN_ERROR",
        "invalid_token",
        login["sessionId"],
    )
    assert event.get("userId") is None, event
    await _set_consent_required(env, False)
    forget(env)
