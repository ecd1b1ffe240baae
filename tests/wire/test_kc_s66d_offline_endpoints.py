"""Offline tokens at introspection, revocation, userinfo and logout, across one SSO session (KEYCLOAK.md §4.4, §8).

The second look of session 66 at Keycloak's TokenIntrospectionTest (testIntrospectAccessTokenOfflineAccess),
TokenRevocationTest (testRevokeOfflineTokenWithOnlineSSOSession, testTokenTypeHint), UserInfoTest
(testSessionExpiredOfflineAccess) and LogoutTest, where an online and an offline login share one session id.
Keycloak's UserSessionUtil.findValidSessionForAccessToken picks the online or the offline session by the access
token's jti prefix (``onrtac`` / ``ofrtac``, KEYCLOAK.md §3.3), so an online access token never borrows the offline
session of the same id, and an access token refreshed from an offline token never needs the online one.
The realm and steps are token_port's (``app`` plays test-app, ``confidential-cli`` introspects).
"""

from __future__ import annotations

from typing import Any

import pytest

import keycloak_port as kc
from support import claims, refresh, token_url
from token_port import (
    INACTIVE,
    browser,
    events_of,
    grant,
    introspect,
    keep_events,
    logout,
    prepare,
    revoke,
)
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def realm(realm: Env) -> Env:
    """The shared realm (token_port.prepare)."""
    return await prepare(realm)


async def userinfo(env: Env, access_token: str) -> int:
    response = await env.http.get(token_url("test", "userinfo"), headers={"Authorization": f"Bearer {access_token}"})
    return response.status_code


async def online_and_offline(env: Env) -> tuple[dict[str, Any], dict[str, Any]]:
    """An online browser login, then an offline one in the same SSO session (one session id for both)."""
    online = await browser(env)
    offline = await browser(env, scope="openid offline_access")
    assert online["session_state"] == offline["session_state"]
    assert claims(offline["refresh_token"])["typ"] == "Offline"
    return online, offline


async def test_the_online_logout_leaves_the_offline_tokens_of_the_same_session_working(realm: Env) -> None:
    """LogoutTest's refresh-token logout with the online token: the online tokens go, the offline ones stay, and an
    access token refreshed from the offline token is active at introspection and served by userinfo."""
    online, offline = await online_and_offline(realm)
    assert (await logout(realm, online["refresh_token"])).status_code == 204
    assert await introspect(realm, online["access_token"]) == INACTIVE
    assert await userinfo(realm, online["access_token"]) == 401
    assert (await introspect(realm, offline["access_token"]))["active"] is True
    assert await userinfo(realm, offline["access_token"]) == 200
    refreshed = await refresh(realm.http, "test", "app", offline["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    out = await introspect(realm, refreshed.json()["access_token"])
    assert out["active"] is True and out["client_id"] == "app" and out["sid"] == offline["session_state"]
    assert await userinfo(realm, refreshed.json()["access_token"]) == 200


async def test_userinfo_serves_an_access_token_refreshed_from_an_offline_token_once_the_online_session_is_gone(
    realm: Env,
) -> None:
    """UserInfoTest.testSessionExpiredOfflineAccess with the online session really gone (the admin deletes it):
    USER_INFO_REQUEST names the offline session; the online access token is refused with user_session_not_found."""
    online, offline = await online_and_offline(realm)
    sid = offline["session_state"]
    await kc.delete(realm, f"/sessions/{sid}")  # isOffline defaults to false
    refreshed = await refresh(realm.http, "test", "app", offline["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    await keep_events(realm, "USER_INFO_REQUEST", "USER_INFO_REQUEST_ERROR")
    assert await userinfo(realm, refreshed.json()["access_token"]) == 200
    (served,) = await events_of(realm, "USER_INFO_REQUEST")
    assert served["sessionId"] == sid and served["clientId"] == "app"
    assert await userinfo(realm, online["access_token"]) == 401
    (refused,) = await events_of(realm, "USER_INFO_REQUEST_ERROR")
    assert refused["error"] == "user_session_not_found" and refused["sessionId"] == sid


async def test_revoking_the_offline_token_refuses_every_access_token_of_the_offline_session(realm: Env) -> None:
    """TokenRevocationTest.testRevokeOfflineToken, then each endpoint: the access token refreshed from the offline
    token is inactive at introspection and refused by userinfo; the offline token itself is inactive too."""
    body = await grant(realm, scope="offline_access")
    refreshed = (await refresh(realm.http, "test", "app", body["refresh_token"])).json()
    assert (await revoke(realm, body["refresh_token"], "refresh_token")).status_code == 200
    assert await introspect(realm, refreshed["access_token"]) == INACTIVE
    assert await userinfo(realm, refreshed["access_token"]) == 401
    assert await introspect(realm, refreshed["refresh_token"], "refresh_token", ("app", "secret")) == INACTIVE
    response = await refresh(realm.http, "test", "app", refreshed["refresh_token"])
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


async def test_an_offline_token_revoked_under_the_access_token_hint_is_revoked(realm: Env) -> None:
    """TokenRevocationTest.testTokenTypeHint with an offline token: the hint is only a hint."""
    body = await grant(realm, scope="offline_access")
    response = await revoke(realm, body["refresh_token"], "access_token")
    assert response.status_code == 200 and response.text == ""
    assert await introspect(realm, body["access_token"]) == INACTIVE
    assert (await refresh(realm.http, "test", "app", body["refresh_token"])).status_code == 400


async def test_revoking_an_offline_access_token_leaves_the_offline_token_working(realm: Env) -> None:
    """TokenRevocationTest.testRevokeAccessToken with offline access: only that access token goes; the offline token
    still refreshes and its new access token is active."""
    body = await grant(realm, scope="offline_access")
    assert (await revoke(realm, body["access_token"], "access_token")).status_code == 200
    assert await introspect(realm, body["access_token"]) == INACTIVE
    assert await userinfo(realm, body["access_token"]) == 401
    refreshed = await refresh(realm.http, "test", "app", body["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    assert (await introspect(realm, refreshed.json()["access_token"]))["active"] is True


async def test_introspecting_an_offline_token_records_its_session(realm: Env) -> None:
    """TokenIntrospectionTest.testIntrospectRefreshToken with an offline token (introspected by its own client): typ
    Offline, the session's sid, no exp (Offline Session Max Limited is off), and INTROSPECT_TOKEN names the
    session."""
    body = await browser(realm, scope="openid offline_access")
    await keep_events(realm, "INTROSPECT_TOKEN")
    out = await introspect(realm, body["refresh_token"], "refresh_token", ("app", "secret"))
    assert out["active"] is True and out["typ"] == "Offline" and out["client_id"] == "app"
    assert out["sid"] == body["session_state"] and "exp" not in out and "nbf" not in out
    (event,) = await events_of(realm, "INTROSPECT_TOKEN")
    assert event["clientId"] == "app" and event["sessionId"] == body["session_state"]


async def test_an_offline_token_introspected_under_the_access_token_hint_by_its_client_is_active(realm: Env) -> None:
    """RefreshTokenIntrospectionTest.issuingClientCanIntrospectRefreshTokenWithAccessTokenHint, with an offline
    token: the hint does not hide it from its own client."""
    body = await grant(realm, scope="offline_access")
    out = await introspect(realm, body["refresh_token"], "access_token", ("app", "secret"))
    assert out["active"] is True and out["typ"] == "Offline" and out["client_id"] == "app"


@pytest.mark.parametrize("first", ["logout", "revoke"])
async def test_a_logout_with_an_offline_token_whose_session_is_gone_answers_204(realm: Env, first: str) -> None:
    """LogoutEndpoint.logoutToken: a verified offline token whose offline session no longer exists (logged out or
    revoked already) is still a successful logout: 204, and with no session to end no LOGOUT event is recorded
    (``event.success()`` runs only when the session is found)."""
    body = await grant(realm, scope="offline_access")
    if first == "logout":
        assert (await logout(realm, body["refresh_token"])).status_code == 204
    else:
        assert (await revoke(realm, body["refresh_token"], "refresh_token")).status_code == 200
    await keep_events(realm, "LOGOUT", "LOGOUT_ERROR")
    response = await logout(realm, body["refresh_token"])
    assert response.status_code == 204, response.text
    assert await events_of(realm, "LOGOUT") == [] and await events_of(realm, "LOGOUT_ERROR") == []
