"""An offline session whose user no longer holds the offline_access role, against Keycloak's newest sources.

Keycloak's TokenManager.validateToken (the refresh grant) and AccessTokenIntrospectionProvider (introspection)
both ask UserSessionUtil.isOfflineAccessGranted, which builds the client session's context with
DefaultClientSessionContext.fromClientSessionAndScopeParameter(clientSession, "offline_access"): its client scopes
keep only those the user is permitted to have (isClientScopePermittedForUser: a scope with role scope mappings
needs one of them among the user's roles, composites and groups expanded). The built-in offline_access client
scope maps the offline_access realm role (RealmManager.setupOfflineTokens), so a user who lost that role is
refused before any token is made: refresh 400 invalid_grant "Offline session invalid because offline access not
granted anymore" (REFRESH_TOKEN_ERROR invalid_token with that reason), introspection inactive
(INTROSPECT_TOKEN_ERROR session_expired, same reason). The "Offline tokens not allowed for the user or client"
answer (not_allowed) belongs to issuance (AccessTokenResponseBuilder.generateRefreshToken), which a refresh
never reaches here: OfflineTokenTest.offlineTokenUserNotAllowed keeps it for the code exchange.

The realm is Keycloak's OfflineTokenRealmConfig (tests/offline_token_realm.py), as OfflineTokenRefreshTest."""

from __future__ import annotations

from typing import Any

import pytest

import offline_token_realm
from keycloak_port import delete, get, poll, post
from offline_token_realm import NOT_GRANTED, OFFLINE, SECRET, TEST_USER, introspect, refresh_with, user_id
from support import add_audience, claims, password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio
kc = offline_token_realm.kc


async def offline_grant(env: Env) -> dict[str, Any]:
    response = await password_grant(env.http, "test", OFFLINE, TEST_USER, secret=SECRET, scope="offline_access")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert claims(body["refresh_token"])["typ"] == "Offline"
    await poll(env)
    return body


async def assert_not_granted(env: Env, body: dict[str, Any]) -> None:
    """Introspection of both tokens, then the refresh: each refused with Keycloak's NOT_GRANTED reason."""
    sid = claims(body["refresh_token"])["sid"]
    for token in (body["access_token"], body["refresh_token"]):
        assert (await introspect(env, token))["active"] is False
        (event,) = await poll(env)
        assert (event["type"], event["clientId"], event["sessionId"]) == ("INTROSPECT_TOKEN_ERROR", OFFLINE, sid)
        assert (event["error"], event["details"]["reason"]) == ("session_expired", NOT_GRANTED)
    response = await refresh_with(env, body["refresh_token"])
    assert response.status_code == 400, response.text
    assert response.json() == {"error": "invalid_grant", "error_description": NOT_GRANTED}
    (event,) = await poll(env)
    assert (event["type"], event["clientId"], event["sessionId"]) == ("REFRESH_TOKEN_ERROR", OFFLINE, sid)
    assert (event["error"], event["details"]["reason"]) == ("invalid_token", NOT_GRANTED)
    assert event["details"]["refresh_token_type"] == "Offline"
    assert event["details"]["refresh_token_id"] == claims(body["refresh_token"])["jti"]


async def test_the_offline_access_role_removed_is_offline_access_not_granted(kc: Env) -> None:
    """The user's offline_access realm role mapping removed: the offline_access scope is no longer permitted."""
    await add_audience(kc.db, "test", OFFLINE)  # it introspects its own access token (Keycloak 26.6.2's check)
    body = await offline_grant(kc)
    await delete(kc, f"/users/{await user_id(kc)}/role-mappings/realm", [await get(kc, "/roles/offline_access")])
    await assert_not_granted(kc, body)


async def test_the_role_given_back_makes_the_same_offline_session_usable_again(kc: Env) -> None:
    """Nothing was removed by the refusal (validateToken only reads): with the role mapped again the same
    offline token refreshes and introspects active."""
    await add_audience(kc.db, "test", OFFLINE)
    body = await offline_grant(kc)
    uid = await user_id(kc)
    role = await get(kc, "/roles/offline_access")
    await delete(kc, f"/users/{uid}/role-mappings/realm", [role])
    assert (await refresh_with(kc, body["refresh_token"])).status_code == 400
    await post(kc, f"/users/{uid}/role-mappings/realm", [role])
    assert (await introspect(kc, body["refresh_token"]))["active"] is True
    response = await refresh_with(kc, body["refresh_token"])
    assert response.status_code == 200, response.text
    assert claims(response.json()["refresh_token"])["sid"] == claims(body["refresh_token"])["sid"]


async def test_the_role_held_through_a_composite_still_grants_offline_access(kc: Env) -> None:
    """isClientScopePermittedForUser expands the user's composites: offline_access held only through a composite
    role keeps the scope permitted after the direct mapping goes."""
    body = await offline_grant(kc)
    uid = await user_id(kc)
    role = await get(kc, "/roles/offline_access")
    await post(kc, "/roles", {"name": "keeps-offline", "composite": False}, status=201)
    await post(kc, "/roles/keeps-offline/composites", [role])
    await post(kc, f"/users/{uid}/role-mappings/realm", [await get(kc, "/roles/keeps-offline")])
    await delete(kc, f"/users/{uid}/role-mappings/realm", [role])
    response = await refresh_with(kc, body["refresh_token"])
    assert response.status_code == 200, response.text
    assert claims(response.json()["refresh_token"])["typ"] == "Offline"
