"""The realm and ``AssertEvents`` helpers of the wire ports of Keycloak's ``org.keycloak.testsuite.oidc`` test
classes (OIDCPublicClientTest, ScopeParameterTest, NonceBackwardsCompatibleMapperTest,
OIDCBackwardsCompatibilityTest, UserClientRoleMappingMapperTest).

The realm is the part of Keycloak's ``testrealm.json`` those classes read, imported through
``POST /admin/realms``: the confidential client ``test-app`` (secret ``password``, full scope as the file leaves
it, the realm role ``user`` in its scope, direct grants on as each class's ``@Before`` sets them), its roles
``customer-user`` / ``customer-admin``, and ``test-user@localhost`` (realm roles ``user`` and
``offline_access``; client roles ``test-app.customer-user``, ``account.view-profile`` and
``account.manage-account``). Events are kept, the non-default ``REFRESH_TOKEN`` among them, as the testsuite's
event listener keeps every event ``AssertEvents`` reads.
"""

from __future__ import annotations

from typing import Any

from access_token_realm import APP, REDIRECT, SECRET, USER, events, user_id
from wire_env import Env

ISSUER_PATH = "/realms/test"
EVENT_TYPES = [
    "LOGIN",
    "LOGIN_ERROR",
    "CODE_TO_TOKEN",
    "CODE_TO_TOKEN_ERROR",
    "REFRESH_TOKEN",
    "REFRESH_TOKEN_ERROR",
    "INTROSPECT_TOKEN",
]


def realm_rep() -> dict[str, Any]:
    user = {
        "username": USER,
        "enabled": True,
        "email": USER,
        "emailVerified": True,
        "firstName": "Tom",
        "lastName": "Brady",
        "credentials": [{"type": "password", "value": "password", "temporary": False}],
        "realmRoles": ["user", "offline_access"],
        "clientRoles": {APP: ["customer-user"], "account": ["view-profile", "manage-account"]},
    }
    return {
        "realm": "test",
        "enabled": True,
        "sslRequired": "external",
        "eventsEnabled": True,
        "enabledEventTypes": EVENT_TYPES,
        "roles": {
            "realm": [{"name": "user"}, {"name": "admin"}],
            "client": {APP: [{"name": "customer-user"}, {"name": "customer-admin"}]},
        },
        "clients": [
            {
                "clientId": APP,
                "enabled": True,
                "secret": SECRET,
                "redirectUris": ["http://127.0.0.1:9999/*"],
                "directAccessGrantsEnabled": True,
            }
        ],
        "scopeMappings": [{"client": APP, "roles": ["user"]}],
        "users": [user],
    }


async def import_realm(env: Env) -> Env:
    response = await env.http.post("/admin/realms", json=realm_rep(), headers=await env.admin_headers())
    assert response.status_code == 201, response.text
    return env


async def only_event(env: Env, *types: str) -> dict[str, Any]:
    """``events.expect…().assertEvent()``: the one event of those types since the realm's events were cleared."""
    found = await events(env, *types)
    assert len(found) == 1, [(e["type"], e.get("error")) for e in found]
    return found[0]


async def clear_events(env: Env) -> None:
    """``events.clear()``."""
    response = await env.http.delete("/admin/realms/test/events", headers=await env.admin_headers())
    assert response.status_code == 204, response.text


async def expect_login(env: Env) -> dict[str, Any]:
    """``events.expectLogin().assertEvent()``: LOGIN of test-user@localhost at test-app, its code_id the session."""
    event = await only_event(env, "LOGIN", "LOGIN_ERROR")
    assert event["type"] == "LOGIN", event
    assert event["clientId"] == APP and event["userId"] == await user_id(env), event
    details = event["details"]
    assert details["username"] == USER and details["auth_method"] == "openid-connect", details
    assert details["redirect_uri"] == REDIRECT and details["code_id"] == event["sessionId"], details
    await clear_events(env)
    return event


async def expect_code_to_token(
    env: Env, code_id: str, session_id: str, refresh_type: str = "Refresh"
) -> dict[str, Any]:
    """``events.expectCodeToToken(codeId, sessionId)``, with ``refresh_token_type`` as the test details it."""
    event = await only_event(env, "CODE_TO_TOKEN", "CODE_TO_TOKEN_ERROR")
    assert event["type"] == "CODE_TO_TOKEN" and event["sessionId"] == session_id, event
    details = event["details"]
    assert details["code_id"] == code_id and details["refresh_token_type"] == refresh_type, details
    assert details["token_id"] and details["refresh_token_id"], details
    await clear_events(env)
    return event


async def expect_refresh(env: Env, refresh_token_id: str, session_id: str, refresh_type: str) -> dict[str, Any]:
    """``events.expectRefresh(refreshTokenId, sessionId)``: the old refresh token named, a new one issued."""
    event = await only_event(env, "REFRESH_TOKEN", "REFRESH_TOKEN_ERROR")
    assert event["type"] == "REFRESH_TOKEN" and event["sessionId"] == session_id, event
    details = event["details"]
    assert details["refresh_token_id"] == refresh_token_id and details["refresh_token_type"] == refresh_type, details
    assert details["updated_refresh_token_id"] != refresh_token_id and details["token_id"], details
    await clear_events(env)
    return event
