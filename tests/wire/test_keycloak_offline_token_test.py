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

from browser_flow import REDIRECT, code_from, exchange, login, start
from support import claims, password_grant, refresh, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio

ADMIN = "/admin/realms/test"
OFFLINE = "offline-client"
SECRET = "secret1"
TEST_USER = "test-user@localhost"
NOT_GRANTED = "Offline session invalid because offline access not granted anymore"
EVENT_TYPES = [
    "LOGIN",
    "LOGIN_ERROR",
    "LOGOUT",
    "CODE_TO_TOKEN",
    "CODE_TO_TOKEN_ERROR",
    "REFRESH_TOKEN",
    "REFRESH_TOKEN_ERROR",
    "CLIENT_LOGIN",
    "CLIENT_LOGIN_ERROR",
    "INTROSPECT_TOKEN",
    "INTROSPECT_TOKEN_ERROR",
]


def user_rep(username: str, first: str, last: str, roles: list[str]) -> dict[str, Any]:
    return {
        "username": username,
        "enabled": True,
        "email": username,
        "emailVerified": True,
        "firstName": first,
        "lastName": last,
        "credentials": [{"type": "password", "value": "password", "temporary": False}],
        "realmRoles": roles,
    }


def realm_rep() -> dict[str, Any]:
    """Keycloak's OfflineTokenRealmConfig (with test-app from OfflineAuthClientConfig)."""
    return {
        "realm": "test",
        "enabled": True,
        "eventsEnabled": True,
        "enabledEventTypes": EVENT_TYPES,
        "ssoSessionIdleTimeout": 30,
        "accessTokenLifespan": 10,
        "roles": {"realm": [{"name": "user"}]},
        "clients": [
            {
                "clientId": OFFLINE,
                "secret": SECRET,
                "redirectUris": [REDIRECT],
                "directAccessGrantsEnabled": True,
                "serviceAccountsEnabled": True,
                "attributes": {"client_credentials.use_refresh_token": "true"},
            },
            {
                "clientId": "test-app",
                "secret": "password",
                "redirectUris": [REDIRECT],
                "directAccessGrantsEnabled": True,
                "serviceAccountsEnabled": True,
            },
        ],
        "users": [
            user_rep(TEST_USER, "Tom", "Brady", ["user", "offline_access"]),
            user_rep("keycloak-user@localhost", "Keycloak", "User", ["user"]),
        ],
    }


@pytest.fixture
async def kc(env: Env) -> Env:
    """The imported ``test`` realm; the service account of offline-client holds ``user`` and ``offline_access``."""
    headers = await env.admin_headers()
    response = await env.http.post("/admin/realms", json=realm_rep(), headers=headers)
    assert response.status_code == 201, response.text
    account = await get(env, f"/clients/{await client_uuid(env, OFFLINE)}/service-account-user")
    await post(env, f"/users/{account['id']}/role-mappings/realm", [await get(env, "/roles/offline_access")])
    await post(env, f"/users/{account['id']}/role-mappings/realm", [await get(env, "/roles/user")])
    return env


# --- the admin API --------------------------------------------------------------------------------------
async def get(env: Env, path: str, **params: Any) -> Any:
    response = await env.http.get(ADMIN + path, params=params, headers=await env.admin_headers())
    assert response.status_code == 200, (path, response.status_code, response.text)
    return response.json()


async def post(env: Env, path: str, body: Any, status: int = 204) -> None:
    response = await env.http.post(ADMIN + path, json=body, headers=await env.admin_headers())
    assert response.status_code == status, (path, response.status_code, response.text)


async def put(env: Env, path: str, body: Any) -> None:
    response = await env.http.put(ADMIN + path, json=body, headers=await env.admin_headers())
    assert response.status_code == 204, (path, response.status_code, response.text)


async def delete(env: Env, path: str, body: Any = None) -> None:
    headers = await env.admin_headers()
    response = await env.http.request("DELETE", ADMIN + path, json=body, headers=headers)
    assert response.status_code == 204, (path, response.status_code, response.text)


async def client_uuid(env: Env, client_id: str) -> str:
    (client,) = await get(env, "/clients", clientId=client_id)
    return str(client["id"])


async def user_id(env: Env, username: str = TEST_USER) -> str:
    (user,) = await get(env, "/users", username=username, exact="true")
    return str(user["id"])


async def update_realm(env: Env, **changes: Any) -> None:
    await put(env, "", changes)


async def update_client(env: Env, client_id: str, **changes: Any) -> None:
    uuid = await client_uuid(env, client_id)
    rep = await get(env, f"/clients/{uuid}")
    attributes = changes.pop("attributes", None)
    if attributes is not None:
        rep["attributes"] = {**rep.get("attributes", {}), **attributes}
    await put(env, f"/clients/{uuid}", {**rep, **changes})


async def offline_scope_id(env: Env) -> str:
    (scope,) = [s for s in await get(env, "/client-scopes") if s["name"] == "offline_access"]
    return str(scope["id"])


async def poll(env: Env) -> list[dict[str, Any]]:
    """Every event recorded since the last poll, oldest first (Keycloak's ``events.poll()`` one by one)."""
    found: list[dict[str, Any]] = await get(env, "/events", max=1000)
    await delete(env, "/events")
    return list(reversed(found))


async def session_counts(env: Env, uid: str, client_id: str, sid: str) -> tuple[int, int]:
    """OfflineTokenTest.checkNumberOfSessions: the user's online sessions and the offline sessions of the
    client (``users/{id}/sessions``, ``users/{id}/offline-sessions/{client}``) that carry ``sid``."""
    online = await get(env, f"/users/{uid}/sessions")
    offline = await get(env, f"/users/{uid}/offline-sessions/{await client_uuid(env, client_id)}")
    return sum(s["id"] == sid for s in online), sum(s["id"] == sid for s in offline)


async def offline_state(env: Env, sid: str, client_id: str = OFFLINE) -> tuple[int, int | None]:
    """OfflineTokenTest.checkIfUserAndClientSessionExist, read in the store as Keycloak reads it on the server:
    2 with the client's offline client session, 1 with the offline user session only, 0 without either;
    with the client session's start, so that a re-created one tells."""
    uuid = await client_uuid(env, client_id)
    async with env.db.transaction() as tx:
        if await tx.sessions.get_user_session(sid, True) is None:
            return 0, None
        cs = await tx.sessions.get_client_session(sid, True, uuid)
    return (2, cs.started) if cs is not None else (1, None)


# --- the protocol ---------------------------------------------------------------------------------------
async def direct_grant(env: Env, client: str = OFFLINE, scope: str | None = "offline_access", **kw: str) -> Any:
    response = await password_grant(env.http, "test", client, TEST_USER, secret=SECRET, scope=scope, **kw)
    assert response.status_code == 200, response.text
    return response.json()


async def browser_login(env: Env, client: str = OFFLINE, scope: str = "openid offline_access", **kw: str) -> Any:
    """oauth.doLogin (or openLoginForm over an SSO session): the redirect's parameters."""
    return await login(env.http, "test", client, kw.pop("username", TEST_USER), scope=scope, **kw)


async def code_to_token(env: Env, code: str, client: str = OFFLINE) -> Any:
    response = await exchange(env.http, "test", client, code, secret=SECRET if client == OFFLINE else "password")
    return response


async def refresh_with(env: Env, token: str, client: str = OFFLINE, **kw: str) -> Any:
    return await refresh(env.http, "test", client, token, secret=SECRET if client == OFFLINE else "password", **kw)


async def client_credentials(env: Env, scope: str = "offline_access") -> Any:
    form = {"grant_type": "client_credentials", "client_id": OFFLINE, "client_secret": SECRET, "scope": scope}
    response = await env.http.post(token_url("test"), data=form)
    assert response.status_code == 200, response.text
    return response.json()


async def introspect(env: Env, token: str) -> dict[str, Any]:
    form = {"client_id": OFFLINE, "client_secret": SECRET, "token": token}
    response = await env.http.post(token_url("test", "token/introspect"), data=form)
    assert response.status_code == 200, response.text
    return dict(response.json())


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
