"""Keycloak's own offline-token scenarios, one test per method of its testsuite classes
``org.keycloak.tests.oauth.OfflineTokenTest`` (tests/base, with the split files OfflineTokenBasicFlowTest,
OfflineTokenRefreshTest, OfflineTokenSessionManagementTest) and OfflineTokenCrossUserSessionIsolationTest.

The realm is Keycloak's ``OfflineTokenRealmConfig`` imported through ``POST /admin/realms``; every change
goes through the admin API, session counts are read where Keycloak's test reads them (the admin endpoints,
or the session store where it runs code on the server), and events are polled as Keycloak's ``events.poll()``
does. Keycloak's time offset is the fake clock."""

from __future__ import annotations

from typing import Any

import pytest

import offline_token_realm
from browser_flow import REDIRECT, code_from, start
from keycloak_port import ADMIN, client_uuid, delete, get, poll, post, put, update_client, update_realm
from offline_token_realm import (
    NOT_GRANTED,
    OFFLINE,
    SECRET,
    TEST_USER,
    browser_login,
    code_to_token,
    introspect,
    offline_scope_id,
    refresh_with,
    user_id,
    user_rep,
)
from support import add_audience, claims, header, password_grant, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio
kc = offline_token_realm.kc  # the imported realm (Keycloak's OfflineTokenRealmConfig)


async def session_counts(env: Env, uid: str, client_id: str, sid: str) -> tuple[int, int]:
    """OfflineTokenTest.checkNumberOfSessions: the user's online sessions and the offline sessions of the
    client (``users/{id}/sessions``, ``users/{id}/offline-sessions/{client}``) that carry ``sid``."""
    online = await get(env, f"/users/{uid}/sessions")
    offline = await get(env, f"/users/{uid}/offline-sessions/{await client_uuid(env, client_id)}")
    return sum(s["id"] == sid for s in online), sum(s["id"] == sid for s in offline)


async def offline_state(env: Env, sid: str, client_id: str = OFFLINE) -> tuple[int, int | None]:
    """OfflineTokenTest.checkIfUserAndClientSessionExist, where Keycloak's session store hides what expired:
    2 while the live offline session still holds the client's live client session, 1 with the offline user
    session only, 0 without a live offline user session; with the client session's start (from the store),
    so that a re-created one tells."""
    by_client = await get(env, f"/users/{await user_id(env)}/offline-sessions/{await client_uuid(env, client_id)}")
    if any(s["id"] == sid for s in by_client):
        uuid = await client_uuid(env, client_id)
        async with env.db.transaction() as tx:
            cs = await tx.sessions.get_client_session(sid, True, uuid)
        assert cs is not None
        return 2, cs.started
    every = await get(env, f"/users/{await user_id(env)}/offline-sessions")
    return (1 if any(s["id"] == sid for s in every) else 0), None


# --- the protocol ---------------------------------------------------------------------------------------
async def direct_grant(env: Env, client: str = OFFLINE, scope: str | None = "offline_access", **kw: str) -> Any:
    response = await password_grant(env.http, "test", client, TEST_USER, secret=SECRET, scope=scope, **kw)
    assert response.status_code == 200, response.text
    return response.json()


async def client_credentials(env: Env, scope: str = "offline_access") -> Any:
    form = {"grant_type": "client_credentials", "client_id": OFFLINE, "client_secret": SECRET, "scope": scope}
    response = await env.http.post(token_url("test"), data=form)
    assert response.status_code == 200, response.text
    return response.json()


async def setup_customer_user_roles(env: Env) -> str:
    """OfflineTokenTest.setupCustomerUserRoles: test-app's role customer-user for the user and the service
    account; returns the service account's id."""
    app = await client_uuid(env, "test-app")
    await post(env, f"/clients/{app}/roles", {"name": "customer-user"}, status=201)
    role = await get(env, f"/clients/{app}/roles/customer-user")
    account = await get(env, f"/clients/{await client_uuid(env, OFFLINE)}/service-account-user")
    for uid in (await user_id(env), account["id"]):
        await post(env, f"/users/{uid}/role-mappings/clients/{app}", [role])
    return str(account["id"])


async def check_refresh_with_offline_token(env: Env, old_access: str, offline_token: str, sid: str, uid: str) -> str:
    """OfflineTokenTest.testRefreshWithOfflineToken: at +99999 s the access token and any online session are
    long gone, the offline token still refreshes into an offline access token with the user's roles."""
    start_at = env.clock.now()
    env.clock.advance(99999)
    assert claims(old_access)["exp"] < env.clock.now()
    response = await refresh_with(env, offline_token)
    assert response.status_code == 200, response.text
    body = response.json()
    access, new_refresh = claims(body["access_token"]), claims(body["refresh_token"])
    assert access["jti"].startswith("ofrtrt:")  # offline session, regular token, refresh_token grant
    assert access["jti"] != claims(old_access)["jti"]
    assert "offline_access" in access["scope"].split()
    assert "offline_access" in new_refresh["scope"].split() and new_refresh["typ"] == "Offline"
    assert access["sub"] == uid
    assert {"user", "offline_access"} <= set(access["realm_access"]["roles"])
    assert access["resource_access"]["test-app"]["roles"] == ["customer-user"]
    (event,) = await poll(env)
    assert (event["type"], event["clientId"], event["userId"], event["sessionId"]) == (
        "REFRESH_TOKEN",
        OFFLINE,
        uid,
        sid,
    )
    assert event["details"]["refresh_token_id"] == claims(offline_token)["jti"]
    assert event["details"]["refresh_token_type"] == "Offline"
    assert event["details"]["token_id"] == access["jti"]
    env.clock.set(start_at)
    return str(body["refresh_token"])


# --- OfflineTokenTest / OfflineTokenBasicFlowTest -------------------------------------------------------
async def test_offline_token_disabled_for_client(kc: Env) -> None:
    """OfflineTokenTest.offlineTokenDisabledForClient: without the offline_access client scope (and without
    full scope) the login is refused: LOGIN_ERROR invalid_request, reason "Invalid scopes: openid offline_access",
    and the redirect carries error=invalid_scope."""
    await update_client(kc, OFFLINE, fullScopeAllowed=False)
    await delete(kc, f"/clients/{await client_uuid(kc, OFFLINE)}/optional-client-scopes/{await offline_scope_id(kc)}")
    await poll(kc)
    params = code_from(await start(kc.http, "test", OFFLINE, scope="openid offline_access"))
    assert params["error"] == "invalid_scope" and "code" not in params
    (event,) = await poll(kc)
    assert (event["type"], event["clientId"], event["error"]) == ("LOGIN_ERROR", OFFLINE, "invalid_request")
    assert event["details"]["reason"] == "Invalid scopes: openid offline_access"


async def test_offline_token_user_not_allowed(kc: Env) -> None:
    """OfflineTokenTest.offlineTokenUserNotAllowed: a user without the offline_access role logs in, then the
    code exchange is 400 not_allowed, recorded as CODE_TO_TOKEN_ERROR with the login's session and code id."""
    uid = await user_id(kc, "keycloak-user@localhost")
    params = await browser_login(kc, scope="openid offline_access", username="keycloak-user@localhost")
    (logged_in,) = await poll(kc)
    assert (logged_in["type"], logged_in["clientId"], logged_in["userId"]) == ("LOGIN", OFFLINE, uid)
    assert logged_in["details"]["redirect_uri"] == REDIRECT
    response = await code_to_token(kc, params["code"])
    assert response.status_code == 400 and response.json()["error"] == "not_allowed", response.text
    assert response.json()["error_description"] == "Offline tokens not allowed for the user or client"
    (event,) = await poll(kc)
    assert (event["type"], event["clientId"], event["userId"], event["error"]) == (
        "CODE_TO_TOKEN_ERROR",
        OFFLINE,
        uid,
        "not_allowed",
    )
    assert event["sessionId"] == logged_in["sessionId"]
    assert event["details"]["code_id"] == logged_in["details"]["code_id"]


async def test_offline_token_browser_flow(kc: Env) -> None:
    """OfflineTokenTest.offlineTokenBrowserFlow: the code exchange gives an Offline token without exp, an
    offline access token (jti ``ofrtac``), only the offline session; it refreshes when the online session is
    long gone, and fails once the offline session idled out, naming the session and the token's subject."""
    await setup_customer_user_roles(kc)
    uid = await user_id(kc)
    await poll(kc)
    params = await browser_login(kc, scope="openid offline_access")
    (logged_in,) = await poll(kc)
    assert (logged_in["type"], logged_in["clientId"]) == ("LOGIN", OFFLINE)
    assert logged_in["details"]["redirect_uri"] == REDIRECT
    sid = logged_in["sessionId"]
    response = await code_to_token(kc, params["code"])
    assert response.status_code == 200, response.text
    body = response.json()
    access, offline = claims(body["access_token"]), claims(body["refresh_token"])
    (exchanged,) = await poll(kc)
    assert (exchanged["type"], exchanged["clientId"], exchanged["sessionId"]) == ("CODE_TO_TOKEN", OFFLINE, sid)
    assert exchanged["details"]["code_id"] == logged_in["details"]["code_id"]
    assert exchanged["details"]["refresh_token_type"] == "Offline"
    assert offline["typ"] == "Offline" and "exp" not in offline
    assert access["jti"].startswith("ofrtac:")
    assert "offline_access" in body["scope"].split()
    assert await session_counts(kc, uid, OFFLINE, offline["sid"]) == (0, 1)

    newer = await check_refresh_with_offline_token(kc, body["access_token"], body["refresh_token"], sid, uid)
    kc.clock.advance(3000000)
    response = await refresh_with(kc, newer)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant", response.text
    (refused,) = await poll(kc)
    assert (refused["type"], refused["clientId"], refused["error"]) == ("REFRESH_TOKEN_ERROR", OFFLINE, "invalid_token")
    assert refused["sessionId"] == claims(newer)["sid"]
    assert refused["details"]["refresh_token_sub"] == uid


async def test_online_offline_token_browser_flow(kc: Env) -> None:
    """OfflineTokenTest.onlineOfflineTokenBrowserFlow: an online login, then offline_access over the same SSO
    session: one online and one offline session with the same id, the offline code exchange names the online
    session and its code id, and both tokens refresh with their own type in the events."""
    uid = await user_id(kc)
    await poll(kc)
    params = await browser_login(kc, scope="openid")
    (online_login,) = await poll(kc)
    sid, code_id = online_login["sessionId"], online_login["details"]["code_id"]
    online = (await code_to_token(kc, params["code"])).json()
    online_refresh = claims(online["refresh_token"])
    (exchanged,) = await poll(kc)
    assert (exchanged["type"], exchanged["sessionId"], exchanged["details"]["code_id"]) == (
        "CODE_TO_TOKEN",
        sid,
        code_id,
    )
    assert exchanged["details"]["refresh_token_type"] == "Refresh"
    assert online_refresh["typ"] == "Refresh" and "exp" in online_refresh

    params = await browser_login(kc, scope="openid offline_access")
    (offline_login,) = await poll(kc)
    assert (offline_login["type"], offline_login["details"]["redirect_uri"]) == ("LOGIN", REDIRECT)
    offline = (await code_to_token(kc, params["code"])).json()
    offline_refresh = claims(offline["refresh_token"])
    (exchanged,) = await poll(kc)
    assert (exchanged["type"], exchanged["sessionId"], exchanged["details"]["code_id"]) == (
        "CODE_TO_TOKEN",
        sid,
        code_id,
    )
    assert exchanged["details"]["refresh_token_type"] == "Offline"
    assert offline_refresh["typ"] == "Offline" and "exp" not in offline_refresh
    assert "offline_access" in offline["scope"].split()
    assert await session_counts(kc, uid, OFFLINE, online_refresh["sid"]) == (1, 1)

    for body, typ in ((online, "Refresh"), (offline, "Offline")):
        response = await refresh_with(kc, body["refresh_token"])
        assert response.status_code == 200, response.text
        assert claims(response.json()["refresh_token"])["typ"] == typ
        (event,) = await poll(kc)
        assert (event["type"], event["userId"], event["sessionId"]) == (
            "REFRESH_TOKEN",
            uid,
            offline_login["sessionId"],
        )
        assert event["details"]["token_id"] == claims(response.json()["access_token"])["jti"]
        assert event["details"]["refresh_token_type"] == typ
        assert event["details"]["refresh_token_id"] == claims(body["refresh_token"])["jti"]


async def offline_direct_grant_flow(kc: Env) -> None:
    """The body of OfflineTokenTest.offlineTokenDirectGrantFlow (offlineTokenAllowedWithCompositeRole runs it too)."""
    uid = await user_id(kc)
    await poll(kc)
    body = await direct_grant(kc)
    assert "error_description" not in body
    access, offline = claims(body["access_token"]), claims(body["refresh_token"])
    (event,) = await poll(kc)
    assert (event["type"], event["clientId"], event["userId"], event["sessionId"]) == (
        "LOGIN",
        OFFLINE,
        uid,
        access["sid"],
    )
    assert event["details"]["grant_type"] == "password"
    assert event["details"]["token_id"] == access["jti"]
    assert event["details"]["refresh_token_id"] == offline["jti"]
    assert event["details"]["refresh_token_type"] == "Offline"
    assert event["details"]["username"] == TEST_USER
    assert offline["typ"] == "Offline" and "exp" not in offline
    assert await session_counts(kc, uid, OFFLINE, offline["sid"]) == (0, 1)
    await check_refresh_with_offline_token(kc, body["access_token"], body["refresh_token"], access["sid"], uid)
    # the same offline token refreshes again
    await check_refresh_with_offline_token(kc, body["access_token"], body["refresh_token"], access["sid"], uid)


async def test_offline_token_direct_grant_flow(kc: Env) -> None:
    """OfflineTokenTest.offlineTokenDirectGrantFlow: the password grant's LOGIN event details, only the offline
    session, and the same offline token refreshed twice."""
    await setup_customer_user_roles(kc)
    await offline_direct_grant_flow(kc)


async def test_offline_token_direct_grant_flow_with_refresh_tokens_revoked(kc: Env) -> None:
    """OfflineTokenTest.offlineTokenDirectGrantFlowWithRefreshTokensRevoked: with Revoke Refresh Token, reusing
    the first offline token is refused, and that detaches the client session so the newer token fails too;
    both refusals are REFRESH_TOKEN_ERROR without a user, naming the session and the token."""
    await setup_customer_user_roles(kc)
    await update_realm(kc, revokeRefreshToken=True)
    uid = await user_id(kc)
    await poll(kc)
    body = await direct_grant(kc)
    access, offline = claims(body["access_token"]), claims(body["refresh_token"])
    (event,) = await poll(kc)
    assert (event["type"], event["details"]["refresh_token_type"]) == ("LOGIN", "Offline")
    assert offline["typ"] == "Offline" and "exp" not in offline
    second = await check_refresh_with_offline_token(kc, body["access_token"], body["refresh_token"], access["sid"], uid)
    for token in (body["refresh_token"], second):
        response = await refresh_with(kc, token)
        assert response.status_code == 400, response.text
        (refused,) = await poll(kc)
        assert (refused["type"], refused["clientId"], refused["error"]) == (
            "REFRESH_TOKEN_ERROR",
            OFFLINE,
            "invalid_token",
        )
        assert "userId" not in refused and refused["sessionId"] == access["sid"]
        assert refused["details"]["refresh_token_id"] == claims(token)["jti"]


async def test_offline_token_service_account_flow(kc: Env) -> None:
    """OfflineTokenTest.offlineTokenServiceAccountFlow: client_credentials with offline_access is a CLIENT_LOGIN
    with an offline session only; a second call makes another session and both offline tokens refresh."""
    account = await setup_customer_user_roles(kc)
    await poll(kc)
    first = await client_credentials(kc)
    tokens = [first]
    for body in tokens:
        access, offline = claims(body["access_token"]), claims(body["refresh_token"])
        (event,) = await poll(kc)
        assert (event["type"], event["clientId"], event["userId"], event["sessionId"]) == (
            "CLIENT_LOGIN",
            OFFLINE,
            account,
            access["sid"],
        )
        assert event["details"]["token_id"] == access["jti"]
        assert event["details"]["refresh_token_id"] == offline["jti"]
        assert event["details"]["refresh_token_type"] == "Offline"
        assert event["details"]["username"] == f"service-account-{OFFLINE}"
        assert offline["typ"] == "Offline" and "exp" not in offline
        assert await session_counts(kc, account, OFFLINE, offline["sid"]) == (0, 1)
        await check_refresh_with_offline_token(kc, body["access_token"], body["refresh_token"], access["sid"], account)
        if len(tokens) == 1:
            tokens.append(await client_credentials(kc))
    assert claims(tokens[0]["access_token"])["sid"] != claims(tokens[1]["access_token"])["sid"]
    for body in tokens:  # refreshing with both offline tokens is fine
        sid = claims(body["access_token"])["sid"]
        await check_refresh_with_offline_token(kc, body["access_token"], body["refresh_token"], sid, account)


async def test_offline_token_allowed_with_composite_role(kc: Env) -> None:
    """OfflineTokenTest.offlineTokenAllowedWithCompositeRole: offline_access held only through a composite role."""
    await setup_customer_user_roles(kc)
    uid = await user_id(kc)
    offline_access = await get(kc, "/roles/offline_access")
    await post(kc, "/roles", {"name": "composite"}, status=201)
    await post(kc, "/roles/composite/composites", [offline_access])
    await delete(kc, f"/users/{uid}/role-mappings/realm", [offline_access])
    await post(kc, f"/users/{uid}/role-mappings/realm", [await get(kc, "/roles/composite")])
    await offline_direct_grant_flow(kc)


async def test_offline_token_admin_rest_access(kc: Env) -> None:
    """OfflineTokenTest.offlineTokenAdminRESTAccess (KEYCLOAK-4201): an access token refreshed from an offline
    token, a day after the online session is gone, still works on the admin API for a view-realm user."""
    management = await client_uuid(kc, "realm-management")
    await post(
        kc,
        f"/users/{await user_id(kc)}/role-mappings/clients/{management}",
        [await get(kc, f"/clients/{management}/roles/view-realm")],
    )
    body = await direct_grant(kc)
    kc.clock.advance(86400)
    response = await refresh_with(kc, body["refresh_token"])
    assert response.status_code == 200, response.text
    realm = await kc.http.get(ADMIN, headers={"Authorization": f"Bearer {response.json()['access_token']}"})
    assert realm.status_code == 200, realm.text
    assert realm.json()["realm"] == "test"


async def test_offline_token_remove_client_with_tokens(kc: Env) -> None:
    """OfflineTokenTest.offlineTokenRemoveClientWithTokens (KEYCLOAK-4525): the user's consents list the client
    holding an offline token with the "Offline Token" grant; deleting the client removes it from the list."""
    await post(
        kc, "/clients", {"clientId": "offline-client-2", "secret": SECRET, "directAccessGrantsEnabled": True}, 201
    )
    uid = await user_id(kc)
    await poll(kc)
    body = await direct_grant(kc, "offline-client-2")
    (event,) = await poll(kc)
    assert (event["type"], event["clientId"], event["userId"]) == ("LOGIN", "offline-client-2", uid)
    assert event["details"]["refresh_token_type"] == "Offline"
    assert event["details"]["refresh_token_id"] == claims(body["refresh_token"])["jti"]
    consents = {c["clientId"]: c for c in await get(kc, f"/users/{uid}/consents")}
    assert consents["offline-client-2"]["additionalGrants"][0]["key"] == "Offline Token"
    await delete(kc, f"/clients/{await client_uuid(kc, 'offline-client-2')}")
    assert await get(kc, "/clients", clientId="offline-client-2") == []
    assert "offline-client-2" not in {c["clientId"] for c in await get(kc, f"/users/{uid}/consents")}


async def test_offline_token_logout(kc: Env) -> None:
    """OfflineTokenTest.offlineTokenLogout: logout with a refreshed offline token ends it (204, then 400)."""
    body = await direct_grant(kc)
    response = await refresh_with(kc, body["refresh_token"])
    assert response.status_code == 200, response.text
    token = response.json()["refresh_token"]
    form = {"client_id": OFFLINE, "client_secret": SECRET, "refresh_token": token}
    assert (await kc.http.post(token_url("test", "logout"), data=form)).status_code == 204
    assert (await refresh_with(kc, token)).status_code == 400


async def test_online_offline_token_logout(kc: Env) -> None:
    """OfflineTokenTest.onlineOfflineTokenLogout: logging out the online session leaves the offline one."""
    online = await direct_grant(kc, scope=None)
    refreshed = await refresh_with(kc, online["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    offline = await direct_grant(kc)
    assert (await refresh_with(kc, offline["refresh_token"])).status_code == 200
    form = {"client_id": OFFLINE, "client_secret": SECRET, "refresh_token": refreshed.json()["refresh_token"]}
    assert (await kc.http.post(token_url("test", "logout"), data=form)).status_code == 204
    assert (await refresh_with(kc, refreshed.json()["refresh_token"])).status_code == 400
    assert (await refresh_with(kc, offline["refresh_token"])).status_code == 200


async def test_browser_offline_token_logout_followed_by_login_same_session(kc: Env) -> None:
    """OfflineTokenTest.browserOfflineTokenLogoutFollowedByLoginSameSession: after logging out the offline
    session (LOGOUT event naming it), the browser must log in again and gets a new session."""
    await poll(kc)
    params = await browser_login(kc)
    body = (await code_to_token(kc, params["code"])).json()
    logged_in, exchanged = await poll(kc)
    assert exchanged["details"]["code_id"] == logged_in["details"]["code_id"]
    assert exchanged["details"]["refresh_token_type"] == "Offline"
    offline = claims(body["refresh_token"])
    assert offline["typ"] == "Offline" and "exp" not in offline
    form = {"client_id": OFFLINE, "client_secret": SECRET, "refresh_token": body["refresh_token"]}
    assert (await kc.http.post(token_url("test", "logout"), data=form)).status_code == 204
    (logout,) = await poll(kc)
    assert (logout["type"], logout["clientId"], logout["sessionId"]) == ("LOGOUT", OFFLINE, offline["sid"])

    page = await start(kc.http, "test", OFFLINE, scope="openid offline_access")
    assert page.status_code == 200 and 'name="password"' in page.text  # no SSO left: the login form
    second = await browser_login(kc)
    response = await code_to_token(kc, second["code"])
    assert response.status_code == 200, response.text
    offline2 = claims(response.json()["refresh_token"])
    logged_in, exchanged = await poll(kc)
    assert (logged_in["type"], logged_in["details"]["redirect_uri"]) == ("LOGIN", REDIRECT)
    assert (exchanged["type"], exchanged["sessionId"]) == ("CODE_TO_TOKEN", offline2["sid"])
    assert exchanged["details"]["code_id"] == logged_in["details"]["code_id"]
    assert offline2["typ"] == "Offline" and "exp" not in offline2
    assert offline2["sid"] != offline["sid"]


async def change_offline_session_settings(
    env: Env, enabled: bool, max_lifespan: int, idle: int, client_max: int, client_idle: int
) -> None:
    """OfflineTokenTest.changeOfflineSessionSettings (KEYCLOAK-7688)."""
    await update_realm(
        env,
        offlineSessionMaxLifespanEnabled=enabled,
        offlineSessionMaxLifespan=max_lifespan,
        offlineSessionIdleTimeout=idle,
        clientOfflineSessionMaxLifespan=client_max,
        clientOfflineSessionIdleTimeout=client_idle,
    )


async def offline_session_expiration(env: Env, idle: int, max_lifespan: int, half: int, end: int) -> None:
    """OfflineTokenTest.testOfflineSessionExpiration: a refresh at ``half`` keeps the same client session; at
    ``end`` the refresh is invalid_grant and the offline session is gone."""
    await change_offline_session_settings(env, True, max_lifespan, idle, 0, 0)
    t0 = env.clock.now()
    await poll(env)
    params = await browser_login(env)
    (logged_in,) = await poll(env)
    sid = logged_in["sessionId"]
    body = (await code_to_token(env, params["code"])).json()
    assert claims(body["refresh_token"])["typ"] == "Offline"
    state, started = await offline_state(env, sid)
    assert state == 2
    env.clock.set(t0 + half)
    response = await refresh_with(env, body["refresh_token"])
    assert response.status_code == 200, response.text
    assert await offline_state(env, sid) == (2, started)
    env.clock.set(t0 + end)
    response = await refresh_with(env, response.json()["refresh_token"])
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant", response.text
    assert await offline_state(env, sid) == (0, None)


async def test_offline_token_browser_flow_max_lifespan_expired(kc: Env) -> None:
    """OfflineTokenTest.offlineTokenBrowserFlowMaxLifespanExpired: max 3600, idle 6000."""
    await offline_session_expiration(kc, 6000, 3600, 1800, 3660)


async def test_offline_token_browser_flow_idle_time_expired(kc: Env) -> None:
    """OfflineTokenTest.offlineTokenBrowserFlowIdleTimeExpired: max 3000, idle 600; persistent sessions, so no
    idle grace window: expired at 660."""
    await offline_session_expiration(kc, 600, 3000, 0, 660)


async def test_offline_token_reauthentication_when_offline_client_session_expired(kc: Env) -> None:
    """OfflineTokenTest.offlineTokenReauthenticationWhenOfflineClientSessionExpired (issue 13706): the offline
    user session stays fresh through another client while offline-client's offline client session idles out;
    offline-client's next login over the SSO session re-creates its client session and gets an offline token."""
    await update_realm(kc, ssoSessionIdleTimeout=900)
    await change_offline_session_settings(kc, True, 360000, 900, 0, 0)
    t0 = kc.clock.now()
    params = await browser_login(kc, "test-app", scope="openid")
    assert claims((await code_to_token(kc, params["code"], "test-app")).json()["refresh_token"])["typ"] == "Refresh"
    params = await browser_login(kc, scope="openid offline_access")
    first = await code_to_token(kc, params["code"])
    assert claims(first.json()["refresh_token"])["typ"] == "Offline"
    sid = claims(first.json()["refresh_token"])["sid"]

    kc.clock.set(t0 + 800)  # another client refreshes the SSO and the offline user session
    params = await browser_login(kc, "test-app", scope="openid offline_access")
    assert claims((await code_to_token(kc, params["code"], "test-app")).json()["refresh_token"])["typ"] == "Offline"

    kc.clock.set(t0 + 900 + 180 + 20)  # offline-client's offline client session idled out
    params = await browser_login(kc, scope="openid offline_access")
    response = await code_to_token(kc, params["code"])
    assert response.status_code == 200, response.text
    assert claims(response.json()["refresh_token"])["typ"] == "Offline"
    assert claims(response.json()["refresh_token"])["sid"] == sid  # the same SSO session, kept alive at 800
    assert (await offline_state(kc, sid))[0] == 2
    # the client session is a fresh one: the new offline token refreshes (the expired one would be "Client
    # session not active")
    assert (await refresh_with(kc, response.json()["refresh_token"])).status_code == 200


async def offline_token_request(kc: Env, account: str, refresh_alg: str, access_alg: str, id_alg: str) -> None:
    """OfflineTokenTest.offlineTokenRequest: client_credentials offline tokens signed with each algorithm."""
    tokens = []
    for _ in range(2):
        body = await client_credentials(kc)
        expected = {"id_token": id_alg, "access_token": access_alg, "refresh_token": refresh_alg}
        for name, alg in expected.items():
            if name in body:
                assert header(body[name])["alg"] == alg and header(body[name])["typ"] == "JWT"
                assert "cty" not in header(body[name])
        access, offline = claims(body["access_token"]), claims(body["refresh_token"])
        (event,) = await poll(kc)
        assert (event["type"], event["userId"], event["sessionId"]) == ("CLIENT_LOGIN", account, access["sid"])
        assert event["details"]["token_id"] == access["jti"]
        assert event["details"]["refresh_token_id"] == offline["jti"]
        assert event["details"]["refresh_token_type"] == "Offline"
        assert event["details"]["username"] == f"service-account-{OFFLINE}"
        assert offline["typ"] == "Offline" and "exp" not in offline
        await check_refresh_with_offline_token(kc, body["access_token"], body["refresh_token"], access["sid"], account)
        tokens.append(body)
    for body in tokens:
        sid = claims(body["access_token"])["sid"]
        await check_refresh_with_offline_token(kc, body["access_token"], body["refresh_token"], sid, account)


async def offline_token_request_with_scope_parameter(kc: Env, account: str, access_alg: str) -> None:
    """OfflineTokenTest.offlineTokenRequestWithScopeParameter: the same with ``scope=offline_access phone``."""
    (phone,) = [s for s in await get(kc, "/client-scopes") if s["name"] == "phone"]
    await put(kc, f"/clients/{await client_uuid(kc, OFFLINE)}/optional-client-scopes/{phone['id']}", {})
    body = await client_credentials(kc, "offline_access phone")
    assert header(body["access_token"])["alg"] == access_alg
    assert header(body["refresh_token"])["alg"] == "HS512"
    access, offline = claims(body["access_token"]), claims(body["refresh_token"])
    (event,) = await poll(kc)
    assert (event["type"], event["userId"], event["sessionId"]) == ("CLIENT_LOGIN", account, access["sid"])
    assert event["details"]["refresh_token_type"] == "Offline"
    assert event["details"]["refresh_token_id"] == offline["jti"]
    assert offline["typ"] == "Offline" and "exp" not in offline


@pytest.mark.parametrize(("client_alg", "realm_alg"), [("ES256", "PS256"), ("PS256", "ES256")])
async def test_offline_token_request_client_alg_realm_alg(kc: Env, client_alg: str, realm_alg: str) -> None:
    """OfflineTokenTest.offlineTokenRequest_ClientES256_RealmPS256 and _ClientPS256_RealmES256: the realm's
    default algorithm signs ID tokens, the client's access.token.signed.response.alg access tokens, and offline
    tokens stay HS512 whatever either says."""
    account = await setup_customer_user_roles(kc)
    await update_realm(kc, defaultSignatureAlgorithm=realm_alg)
    await update_client(kc, OFFLINE, attributes={"access.token.signed.response.alg": client_alg})
    await poll(kc)
    await offline_token_request(kc, account, "HS512", client_alg, realm_alg)
    await offline_token_request_with_scope_parameter(kc, account, client_alg)


async def offline_code_login(env: Env, scope: str = "openid offline_access") -> tuple[str, Any]:
    """A fresh browser login of offline-client with offline_access: the session id and the token response."""
    await poll(env)
    params = await browser_login(env, scope=scope)
    response = await code_to_token(env, params["code"])
    assert response.status_code == 200, response.text
    assert claims(response.json()["refresh_token"])["typ"] == "Offline"
    return params["session_state"], response.json()


async def refused_refresh(env: Env, token: str) -> dict[str, Any]:
    """A refresh Keycloak's test expects to fail: 400 with no tokens; its REFRESH_TOKEN_ERROR event."""
    response = await refresh_with(env, token)
    assert response.status_code == 400, response.text
    assert "access_token" not in response.json() and "refresh_token" not in response.json()
    (event,) = [e for e in await poll(env) if e["type"] == "REFRESH_TOKEN_ERROR"]
    assert (event["clientId"], event["error"]) == (OFFLINE, "invalid_token")
    return event


async def test_refresh_token_user_client_max_lifespan_smaller_than_session(kc: Env) -> None:
    """OfflineTokenTest.refreshTokenUserClientMaxLifespanSmallerThanSession: a realm client offline max (1000)
    below the session max (3600) caps the offline token and ends only the client session."""
    await change_offline_session_settings(kc, True, 3600, 7200, 1000, 7200)
    t0 = kc.clock.now()
    sid, body = await offline_code_login(kc)
    assert body["refresh_expires_in"] == 1000
    assert (await offline_state(kc, sid))[0] == 2
    await poll(kc)
    kc.clock.set(t0 + 600)
    response = await refresh_with(kc, body["refresh_token"])
    assert response.status_code == 200, response.text
    assert claims(response.json()["refresh_token"])["typ"] == "Offline"
    assert response.json()["refresh_expires_in"] == 400
    assert (await offline_state(kc, sid))[0] == 2
    (event,) = await poll(kc)
    assert (event["type"], event["sessionId"]) == ("REFRESH_TOKEN", sid)
    assert event["details"]["refresh_token_id"] == claims(body["refresh_token"])["jti"]
    assert event["details"]["refresh_token_type"] == "Offline"
    kc.clock.set(t0 + 1100)
    await refused_refresh(kc, response.json()["refresh_token"])
    assert (await offline_state(kc, sid))[0] == 1


async def test_refresh_token_user_client_max_lifespan_greater_than_session(kc: Env) -> None:
    """OfflineTokenTest.refreshTokenUserClientMaxLifespanGreaterThanSession: a client max (5000) above the
    session max (3600) does not extend it; past 3600 the whole offline session is gone."""
    await change_offline_session_settings(kc, True, 3600, 7200, 5000, 7200)
    t0 = kc.clock.now()
    sid, body = await offline_code_login(kc)
    assert body["refresh_expires_in"] == 3600
    await poll(kc)
    kc.clock.set(t0 + 1800)
    response = await refresh_with(kc, body["refresh_token"])
    assert response.status_code == 200, response.text
    assert response.json()["refresh_expires_in"] == 1800
    assert (await offline_state(kc, sid))[0] == 2
    (event,) = await poll(kc)
    assert (event["type"], event["sessionId"]) == ("REFRESH_TOKEN", sid)
    assert event["details"]["refresh_token_id"] == claims(body["refresh_token"])["jti"]
    kc.clock.set(t0 + 3700)
    await refused_refresh(kc, response.json()["refresh_token"])
    assert (await offline_state(kc, sid))[0] == 0


async def test_refresh_token_user_session_max_lifespan_modified_after_token_refresh(kc: Env) -> None:
    """OfflineTokenTest.refreshTokenUserSessionMaxLifespanModifiedAfterTokenRefresh: lowering the realm's
    offline session max after issuance ends the session at the next refresh (event names session and subject)."""
    await change_offline_session_settings(kc, True, 7200, 7200, 7200, 7200)
    t0 = kc.clock.now()
    sid, body = await offline_code_login(kc)
    assert body["refresh_expires_in"] == 7200
    await update_realm(kc, offlineSessionMaxLifespan=3600)
    kc.clock.set(t0 + 3700)
    await poll(kc)
    event = await refused_refresh(kc, body["refresh_token"])
    assert event["sessionId"] == sid
    assert event["details"]["refresh_token_sub"] == claims(body["access_token"])["sub"]
    assert (await offline_state(kc, sid))[0] == 0


async def test_refresh_token_client_session_max_lifespan_modified_after_token_refresh(kc: Env) -> None:
    """OfflineTokenTest.refreshTokenClientSessionMaxLifespanModifiedAfterTokenRefresh: lowering the realm's
    client offline max after issuance ends only the client session at the next refresh."""
    await change_offline_session_settings(kc, True, 7200, 7200, 7200, 7200)
    t0 = kc.clock.now()
    sid, body = await offline_code_login(kc)
    await update_realm(kc, clientOfflineSessionMaxLifespan=3600)
    kc.clock.set(t0 + 3700)
    await poll(kc)
    event = await refused_refresh(kc, body["refresh_token"])
    assert event["sessionId"] == sid
    assert (await offline_state(kc, sid))[0] == 1


async def test_short_offline_session_max(kc: Env) -> None:
    """OfflineTokenTest.testShortOfflineSessionMax: offline max 60 caps the 300 s access token; idle 30 is the
    refresh expiry; introspection agrees on the access token's exp."""
    await add_audience(kc.db, "test", OFFLINE)  # it introspects its own tokens (Keycloak 26.6.2's audience check)
    await change_offline_session_settings(kc, True, 60, 30, 0, 0)
    await update_realm(kc, ssoSessionIdleTimeout=1800, accessTokenLifespan=300)
    _, body = await offline_code_login(kc)
    assert body["expires_in"] == 60 and body["refresh_expires_in"] == 30
    view = await introspect(kc, body["access_token"])
    assert view["active"] is True and view["email"] == TEST_USER
    assert view["exp"] - kc.clock.now() == 60


async def test_client_offline_session_max_lifespan(kc: Env) -> None:
    """OfflineTokenTest.testClientOfflineSessionMaxLifespan: the realm offline max, then the realm's client
    offline max, then the client's attribute, each lower, set the next refresh's expiry."""
    idle = (await get(kc, ""))["offlineSessionIdleTimeout"]
    await update_realm(kc, offlineSessionMaxLifespanEnabled=True, offlineSessionMaxLifespan=idle - 100)
    _, body = await offline_code_login(kc)
    assert body["refresh_expires_in"] == idle - 100
    await update_realm(kc, clientOfflineSessionMaxLifespan=idle - 200)
    response = await refresh_with(kc, body["refresh_token"])
    assert response.status_code == 200 and response.json()["refresh_expires_in"] == idle - 200
    await update_client(kc, OFFLINE, attributes={"client.offline.session.max.lifespan": str(idle - 300)})
    response = await refresh_with(kc, response.json()["refresh_token"])
    assert response.status_code == 200 and response.json()["refresh_expires_in"] == idle - 300


async def test_client_offline_session_idle_timeout(kc: Env) -> None:
    """OfflineTokenTest.testClientOfflineSessionIdleTimeout: the same with the idle timeouts."""
    idle = (await get(kc, ""))["offlineSessionIdleTimeout"]
    await update_realm(kc, offlineSessionMaxLifespanEnabled=True)
    _, body = await offline_code_login(kc)
    assert body["refresh_expires_in"] == idle
    await update_realm(kc, clientOfflineSessionIdleTimeout=idle - 100)
    response = await refresh_with(kc, body["refresh_token"])
    assert response.status_code == 200 and response.json()["refresh_expires_in"] == idle - 100
    await update_client(kc, OFFLINE, attributes={"client.offline.session.idle.timeout": str(idle - 200)})
    response = await refresh_with(kc, response.json()["refresh_token"])
    assert response.status_code == 200 and response.json()["refresh_expires_in"] == idle - 200


async def test_offline_token_refresh_without_offline_access_scope(kc: Env) -> None:
    """OfflineTokenTest.offlineTokenRefreshWithoutOfflineAccessScope: without full scope, a refresh asking only
    ``openid`` drops offline_access from the access token; the new refresh token stays Offline, its scope whole."""
    await update_client(kc, OFFLINE, fullScopeAllowed=False)
    _, body = await offline_code_login(kc)
    response = await refresh_with(kc, body["refresh_token"], scope="openid")
    assert response.status_code == 200, response.text
    assert "offline_access" not in claims(response.json()["access_token"])["scope"].split()
    offline = claims(response.json()["refresh_token"])
    assert offline["typ"] == "Offline" and "offline_access" in offline["scope"].split()


async def test_offline_refresh_when_no_started_at_client_note(kc: Env) -> None:
    """OfflineTokenTest.offlineRefreshWhenNoStartedAtClientNote, the part visible over HTTP: with offline max
    and idle 3600 two refreshes in a row succeed within (0, 3600]. (Keycloak also deletes the client session's
    STARTED_AT notes on the server first; Doorkeep keeps the start in a column, there is no note to lose.)"""
    await change_offline_session_settings(kc, True, 3600, 3600, 0, 0)
    _, body = await offline_code_login(kc)
    for _ in range(2):
        response = await refresh_with(kc, body["refresh_token"])
        assert response.status_code == 200, response.text
        body = response.json()
        assert 0 < body["refresh_expires_in"] <= 3600


async def test_offline_refresh_when_no_offline_scope(kc: Env) -> None:
    """OfflineTokenTest.offlineRefreshWhenNoOfflineScope: introspection and refresh of an offline session's
    tokens, then, once the client lost the offline_access scope, INTROSPECT_TOKEN_ERROR session_expired and
    REFRESH_TOKEN_ERROR invalid_token with the reason "Offline session invalid because offline access not
    granted anymore" (refresh_expires_in 0: Keycloak 26, offline session max not limited)."""
    await add_audience(kc.db, "test", OFFLINE)  # it introspects its own tokens (Keycloak 26.6.2's audience check)
    uid = await user_id(kc)
    await poll(kc)
    params = await browser_login(kc)
    body = (await code_to_token(kc, params["code"])).json()
    logged_in, exchanged = await poll(kc)
    sid = logged_in["sessionId"]
    assert (exchanged["type"], exchanged["sessionId"]) == ("CODE_TO_TOKEN", sid)
    assert exchanged["details"]["code_id"] == logged_in["details"]["code_id"]
    assert exchanged["details"]["refresh_token_type"] == "Offline"
    response = await refresh_with(kc, body["refresh_token"])
    assert response.status_code == 200 and response.json()["refresh_expires_in"] == 0
    (refreshed,) = await poll(kc)
    assert (refreshed["type"], refreshed["userId"], refreshed["sessionId"]) == ("REFRESH_TOKEN", uid, sid)
    assert refreshed["details"]["refresh_token_type"] == "Offline"
    assert refreshed["details"]["refresh_token_id"] == claims(body["refresh_token"])["jti"]
    body = response.json()
    for token in (body["access_token"], body["refresh_token"]):
        assert (await introspect(kc, token))["active"] is True
        (event,) = await poll(kc)
        assert (event["type"], event["clientId"], event["sessionId"]) == ("INTROSPECT_TOKEN", OFFLINE, sid)

    await delete(kc, f"/clients/{await client_uuid(kc, OFFLINE)}/optional-client-scopes/{await offline_scope_id(kc)}")
    for token in (body["access_token"], body["refresh_token"]):
        assert (await introspect(kc, token))["active"] is False
        (event,) = await poll(kc)
        assert (event["type"], event["clientId"], event["sessionId"]) == ("INTROSPECT_TOKEN_ERROR", OFFLINE, sid)
        assert event["error"] == "session_expired" and event["details"]["reason"] == NOT_GRANTED
    response = await refresh_with(kc, body["refresh_token"])
    assert response.status_code == 400, response.text
    assert response.json() == {"error": "invalid_grant", "error_description": NOT_GRANTED}
    (event,) = await poll(kc)
    assert (event["type"], event["clientId"], event["sessionId"]) == ("REFRESH_TOKEN_ERROR", OFFLINE, sid)
    assert event["error"] == "invalid_token"
    assert event["details"]["refresh_token_type"] == "Offline"
    assert event["details"]["refresh_token_id"] == claims(body["refresh_token"])["jti"]
    assert event["details"]["reason"] == NOT_GRANTED


async def test_user_info_with_refreshed_access_token_from_offline_refresh_token(kc: Env) -> None:
    """OfflineTokenRefreshTest.userInfoWithRefreshedAccessTokenFromOfflineRefreshToken: the expired access token
    is refused by userinfo (401); one refreshed from the offline token (an offline session's) is accepted."""
    body = await direct_grant(kc, scope="openid offline_access")
    kc.clock.advance(20)
    bearer = {"Authorization": f"Bearer {body['access_token']}"}
    assert (await kc.http.get(token_url("test", "userinfo"), headers=bearer)).status_code == 401
    response = await refresh_with(kc, body["refresh_token"], scope="openid email profile basic")
    assert response.status_code == 200, response.text
    assert claims(response.json()["access_token"])["jti"].startswith("of")
    bearer = {"Authorization": f"Bearer {response.json()['access_token']}"}
    assert (await kc.http.get(token_url("test", "userinfo"), headers=bearer)).status_code == 200


async def test_offline_token_cross_user_session_isolation(kc: Env) -> None:
    """OfflineTokenCrossUserSessionIsolationTest.offlineTokenCrossUserSessionIsolation (issue 46239): after
    user A's first offline code exchange removed the online session, user B logging in from the same browser
    gets a session of their own, and refreshing gives B's identity."""
    await post(kc, "/users", user_rep("offline-user2@localhost", "Offline", "User2", []), status=201)
    second = await user_id(kc, "offline-user2@localhost")
    await post(kc, f"/users/{second}/role-mappings/realm", [await get(kc, "/roles/offline_access")])
    _, first = await offline_code_login(kc)
    page = await start(kc.http, "test", OFFLINE, scope="openid offline_access")
    assert page.status_code == 200 and 'name="username"' in page.text  # nobody is logged in any more
    params = await browser_login(kc, username="offline-user2@localhost")
    response = await code_to_token(kc, params["code"])
    assert response.status_code == 200, response.text
    other = response.json()
    assert claims(other["refresh_token"])["sid"] != claims(first["refresh_token"])["sid"]
    refreshed = await refresh_with(kc, other["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    assert claims(refreshed.json()["access_token"])["sub"] == second


# --- beyond the ported methods: what the fixes above rest on -------------------------------------------
async def test_the_offline_copy_starts_when_it_is_made_not_at_the_online_login(kc: Env) -> None:
    """PersistentUserSessionProvider.createOfflineUserSession starts the offline user session when it is made
    (started = lastSessionRefresh = now): an offline session max of 1000 counts from the offline_access login
    over the SSO session, not from the online login 600 s before it."""
    await update_realm(
        kc, offlineSessionMaxLifespanEnabled=True, offlineSessionMaxLifespan=1000, ssoSessionIdleTimeout=1800
    )
    params = await browser_login(kc, "test-app", scope="openid")
    assert (await code_to_token(kc, params["code"], "test-app")).status_code == 200
    kc.clock.advance(600)
    params = await browser_login(kc, scope="openid offline_access")
    body = (await code_to_token(kc, params["code"])).json()
    assert claims(body["refresh_token"])["typ"] == "Offline"
    assert body["refresh_expires_in"] == 1000
    kc.clock.advance(900)
    assert (await refresh_with(kc, body["refresh_token"])).status_code == 200
