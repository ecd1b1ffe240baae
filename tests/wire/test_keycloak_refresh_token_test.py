"""Keycloak's refresh-token test classes, ported method by method (tests/base .../oauth/RefreshTokenTest.java
@174391e5, RefreshTokenRevokeTest.java @5e45d0ad, RefreshTokenTimeoutsTest.java @36156b5f).

Each test is named after the Keycloak method it ports and says so in its docstring. The realm mirrors
Keycloak's test realm: the confidential client ``test-app`` (secret ``password``), the user
``test-user@localhost`` holding the realm role ``user``, a ``service-account-app`` client that takes refresh
tokens from client credentials, and REFRESH_TOKEN / REFRESH_TOKEN_ERROR events kept (Keycloak's
``enableRefreshTokenEvents``). Keycloak's ``timeOffSet.set(n)`` is :func:`at` here: the fake clock moved
to ``n`` seconds after the fixture's start.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from browser_flow import REDIRECT, code_from, exchange, followed, start, submit
from support import claims, header, refresh, seed_client, seed_realm, seed_user, token_url, update_client, update_realm
from wire_env import Env, another_worker

pytestmark = pytest.mark.anyio

APP = "test-app"
SECRET = "password"
USER = "test-user@localhost"
ADMIN = "/admin/realms/test"
KEPT_EVENTS = ("LOGIN", "LOGIN_ERROR", "CODE_TO_TOKEN", "CODE_TO_TOKEN_ERROR", "REFRESH_TOKEN", "REFRESH_TOKEN_ERROR")
START: dict[int, int] = {}


@pytest.fixture
async def kc(env: Env) -> Env:
    """Keycloak's RefreshTokenTestRealmConfig on top of its test realm."""
    await seed_realm(env.db, env.clock, events_enabled=True, enabled_event_types=KEPT_EVENTS)
    await seed_client(env.db, "test", APP, secret=SECRET, redirect_uris=("http://127.0.0.1:9999/*",))
    await seed_client(
        env.db,
        "test",
        "service-account-app",
        service_accounts=True,
        attributes={"client_credentials.use_refresh_token": "true"},
    )
    user = await seed_user(env.db, env.clock, "test", USER, email=USER)
    headers = await env.admin_headers()
    assert (await env.http.post(f"{ADMIN}/roles", json={"name": "user"}, headers=headers)).status_code == 201
    role = (await env.http.get(f"{ADMIN}/roles/user", headers=headers)).json()
    granted = await env.http.post(f"{ADMIN}/users/{user.id}/role-mappings/realm", json=[role], headers=headers)
    assert granted.status_code == 204, granted.text
    START[id(env)] = env.clock.now()
    return env


def at(env: Env, offset: int) -> None:
    """Keycloak's ``timeOffSet.set(offset)``."""
    env.clock.set(START[id(env)] + offset)


async def browser_login(env: Env, username: str = USER, password: str = "password", **params: str) -> dict[str, str]:
    """The login form (or the SSO session, when the browser has one) up to the redirect with the code."""
    page = await start(env.http, "test", APP, **params)
    if page.status_code == 302:
        return code_from(page)
    assert page.status_code == 200, page.text[:300]
    return code_from(await submit(env.http, page, username=username, password=password))


async def tokens_by_code(env: Env, **params: str) -> dict[str, Any]:
    """``oauth.doLogin`` then ``oauth.doAccessTokenRequest(code)``."""
    code = (await browser_login(env, **params))["code"]
    response = await exchange(env.http, "test", APP, code, secret=SECRET)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def do_refresh(env: Env, token: str, client: str = APP, secret: str = SECRET, **extra: str) -> httpx.Response:
    return await refresh(env.http, "test", client, token, secret=secret, **extra)


async def events(env: Env, *types: str) -> list[dict[str, Any]]:
    """The realm's kept events of those types, oldest first."""
    response = await env.http.get(f"{ADMIN}/events", params={"type": list(types)}, headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    return list(reversed(response.json()))


async def last_event(env: Env, *types: str) -> dict[str, Any]:
    found = await events(env, *types)
    assert found, types
    return found[-1]


async def user_id(env: Env, username: str = USER) -> str:
    response = await env.http.get(
        f"{ADMIN}/users", params={"username": username, "exact": "true"}, headers=await env.admin_headers()
    )
    [user] = response.json()
    return str(user["id"])


async def user_sessions(env: Env, username: str = USER) -> list[dict[str, Any]]:
    uid = await user_id(env, username)
    response = await env.http.get(f"{ADMIN}/users/{uid}/sessions", headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    return list(response.json())


async def sessions_exist(env: Env, session_id: str, client_id: str = APP) -> int:
    """Keycloak's ``checkIfUserAndClientSessionExist``: 0 no user session, 1 without the client, 2 with it."""
    for session in await user_sessions(env):
        if session["id"] == session_id:
            return 2 if client_id in session["clients"].values() else 1
    return 0


async def last_access(env: Env, session_id: str) -> int:
    [session] = [s for s in await user_sessions(env) if s["id"] == session_id]
    return int(session["lastAccess"]) // 1000


async def client_uuid(env: Env, client_id: str = APP) -> str:
    response = await env.http.get(f"{ADMIN}/clients", params={"clientId": client_id}, headers=await env.admin_headers())
    [client] = response.json()
    return str(client["id"])


async def scope_id(env: Env, name: str) -> str:
    response = await env.http.get(f"{ADMIN}/client-scopes", headers=await env.admin_headers())
    [scope] = [s for s in response.json() if s["name"] == name]
    return str(scope["id"])


async def set_client_attributes(env: Env, **attributes: str) -> None:
    uuid = await client_uuid(env)
    headers = await env.admin_headers()
    rep = (await env.http.get(f"{ADMIN}/clients/{uuid}", headers=headers)).json()
    rep["attributes"] = {**rep.get("attributes", {}), **{k.replace("_", "."): v for k, v in attributes.items()}}
    response = await env.http.put(f"{ADMIN}/clients/{uuid}", json=rep, headers=headers)
    assert response.status_code == 204, response.text


async def update_realm_rep(env: Env, **fields: Any) -> None:
    """A partial RealmRepresentation update through the admin API, as Keycloak's tests do."""
    response = await env.http.put(ADMIN, json=fields, headers=await env.admin_headers())
    assert response.status_code == 204, response.text


def scopes(value: str) -> set[str]:
    return set(value.split())


def assert_refused(response: httpx.Response, status: int = 400, error: str = "invalid_grant") -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["error"] == error, body
    assert "access_token" not in body and "refresh_token" not in body
    return body


# --- RefreshTokenTest -------------------------------------------------------------------------------------------


async def test_null_refresh_token(kc: Env) -> None:
    """RefreshTokenTest.nullRefreshToken (KEYCLOAK-547): no ``refresh_token`` parameter is 400 invalid_request."""
    response = await kc.http.post(
        token_url("test"), data={"grant_type": "refresh_token", "client_id": APP, "client_secret": SECRET}
    )
    assert assert_refused(response, 400, "invalid_request")["error_description"] == "No refresh token"


async def test_invalid_refresh_token(kc: Env) -> None:
    """RefreshTokenTest.invalidRefreshToken: a refresh token that is not a JWS is 400 invalid_grant."""
    body = assert_refused(await do_refresh(kc, "invalid"))
    assert body["error_description"] == "Invalid refresh token"


async def test_refresh_token_structure(kc: Env) -> None:
    """RefreshTokenTest.refreshTokenStructure: the nonce is in the ID token only; the refresh token carries
    no nonce and no role claims."""
    body = await tokens_by_code(kc, nonce="123456")
    assert [e["type"] for e in await events(kc, "LOGIN", "CODE_TO_TOKEN")] == ["LOGIN", "CODE_TO_TOKEN"]
    assert "nonce" not in claims(body["access_token"])
    assert claims(body["id_token"])["nonce"] == "123456"
    refresh_claims = claims(body["refresh_token"])
    assert "nonce" not in refresh_claims
    assert "realm_access" not in refresh_claims
    assert not refresh_claims.get("resource_access")


async def test_refresh_token_request(kc: Env) -> None:
    """RefreshTokenTest.refreshTokenRequest: lifetimes, sid, azp/aud, fresh ids, roles, the REFRESH_TOKEN event
    and no nonce after a refresh."""
    uid = await user_id(kc)
    body = await tokens_by_code(kc, nonce="123456")
    login, code_event = await events(kc, "LOGIN", "CODE_TO_TOKEN")
    session_id = login["sessionId"]
    assert (login["userId"], login["clientId"], code_event["sessionId"]) == (uid, APP, session_id)
    token, refresh_token = claims(body["access_token"]), claims(body["refresh_token"])
    assert "nonce" not in token and claims(body["id_token"])["nonce"] == "123456"
    assert body["token_type"] == "Bearer"
    now = kc.clock.now()
    assert 200 <= token["exp"] - now <= 350
    assert 1799 - 3 <= refresh_token["exp"] - now <= 1800 + 3
    assert refresh_token["sid"] == session_id and "nonce" not in refresh_token

    at(kc, 2)
    response = await do_refresh(kc, body["refresh_token"])
    assert response.status_code == 200, response.text
    renewed = response.json()
    refreshed, refreshed_refresh = claims(renewed["access_token"]), claims(renewed["refresh_token"])
    assert refreshed["sid"] == session_id and refreshed_refresh["sid"] == session_id
    assert 250 <= renewed["expires_in"] <= 300
    assert 250 - 3 <= refreshed["exp"] - kc.clock.now() <= 300 + 3
    assert 0 <= refreshed["exp"] - token["exp"] <= 10
    assert 0 <= refreshed_refresh["exp"] - refresh_token["exp"] <= 10
    assert refreshed_refresh["azp"] == APP
    assert APP not in ([a] if isinstance(a := refreshed_refresh["aud"], str) else a)
    assert refreshed["jti"] != token["jti"] and refreshed_refresh["jti"] != refresh_token["jti"]
    assert renewed["token_type"] == "Bearer"
    assert (renewed["session_state"], renewed["not-before-policy"]) == (session_id, 0)
    assert renewed["refresh_expires_in"] == 1800 and renewed["expires_in"] == 300
    assert refreshed["sub"] == uid and refreshed["sub"] != USER
    assert "user" in refreshed["realm_access"]["roles"]
    assert "manage-account" in refreshed["resource_access"]["account"]["roles"]
    event = await last_event(kc, "REFRESH_TOKEN")
    assert (event["userId"], event["sessionId"], event["clientId"]) == (uid, session_id, APP)
    assert event["details"]["refresh_token_id"] == refresh_token["jti"]
    assert event["details"]["updated_refresh_token_id"] == refreshed_refresh["jti"]
    assert event["details"]["token_id"] != code_event["details"]["token_id"]
    # TokenManager.storeRefreshTimingInformation
    assert event["details"]["access_token_expiration_time"] == "300"
    assert event["details"]["age_of_refresh_token"] == "2"
    assert code_event["details"]["refresh_token_id"] != event["details"]["updated_refresh_token_id"]
    assert "nonce" not in refreshed
    assert "nonce" not in claims(renewed["id_token"])  # null after refresh, as the spec recommends
    assert "nonce" not in refreshed_refresh


async def test_refresh_token_with_different_issuer(kc: Env) -> None:
    """RefreshTokenTest.refreshTokenWithDifferentIssuer: a refresh token signed with the realm's own key but
    naming another issuer is refused with "Invalid token issuer. ..." and a REFRESH_TOKEN_ERROR event."""
    body = await tokens_by_code(kc)
    forged = claims(body["refresh_token"]) | {"iss": "https://fake-issuer"}
    codec = kc.apps[0].state.doorkeep.services.codec
    async with kc.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        token = await codec.sign_internal(tx, realm.id, forged, kc.clock.now())
    body = assert_refused(await do_refresh(kc, token))
    assert body["error_description"] == "Invalid token issuer. Expected 'http://localhost/realms/test'"
    event = await last_event(kc, "REFRESH_TOKEN_ERROR")
    assert event["error"] == "invalid_token"


async def test_refreshing_token_loads_session_into_cache(kc: Env) -> None:
    """RefreshTokenTest.refreshingTokenLoadsSessionIntoCache: a process that has never seen the session (empty
    caches: another worker, or this one after a restart) loads it from the database and refreshes, twice."""
    body = await tokens_by_code(kc)
    async with another_worker(kc) as fresh:
        first = await refresh(fresh, "test", APP, body["refresh_token"], secret=SECRET)
        assert first.status_code == 200, first.text
    async with another_worker(kc) as fresh:
        second = await refresh(fresh, "test", APP, body["refresh_token"], secret=SECRET)
        assert second.status_code == 200, second.text


async def test_refresh_token_with_access_token(kc: Env) -> None:
    """RefreshTokenTest.refreshTokenWithAccessToken: an access token is not a refresh token."""
    body = await tokens_by_code(kc)
    at(kc, 2)
    response = await do_refresh(kc, body["access_token"])
    assert assert_refused(response)["error_description"] == "Invalid refresh token"
    # nor is an ID token
    assert assert_refused(await do_refresh(kc, body["id_token"]))["error_description"] == "Invalid refresh token"


async def _second_user_after_the_sso_session_expired(kc: Env, scope: str | None) -> None:
    """testDoNotResolveUserSessionIfAuthenticationSessionIsInvalidated, in a realm of its own."""
    headers = await kc.admin_headers()
    created = await kc.http.post("/admin/realms", json={"realm": "iso", "enabled": True}, headers=headers)
    assert created.status_code == 201, created.text
    await update_realm(
        kc.db, "iso", sso_session_max_lifespan=120, sso_session_idle_timeout=120, access_token_lifespan=60
    )
    await seed_client(kc.db, "iso", "public-client", public=True, redirect_uris=("*",))
    for name in ("alice", "bob"):
        await seed_user(
            kc.db, kc.clock, "iso", name, name, email=f"{name}@keycloak.org", realm_roles=("offline_access",)
        )
    extra = {"scope": f"openid {scope}"} if scope else {}

    async def login_and_exchange(name: str) -> dict[str, Any]:
        page = await start(kc.http, "iso", "public-client", redirect_uri=REDIRECT, **extra)
        assert page.status_code == 200, page.text[:300]  # no SSO session to answer for alice or bob
        code = code_from(await submit(kc.http, page, username=name, password=name))["code"]
        response = await exchange(kc.http, "iso", "public-client", code, secret=None)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    alice = await login_and_exchange("alice")
    at(kc, 120)
    bob = await login_and_exchange("bob")
    response = await refresh(kc.http, "iso", "public-client", bob["refresh_token"], secret=None)
    assert response.status_code == 200, response.text
    bob_at = claims(response.json()["access_token"])
    assert bob_at["sid"] != claims(alice["access_token"])["sid"]
    assert bob_at["preferred_username"] == "bob"


async def test_do_not_resolve_user_session_if_authentication_session_is_invalidated(kc: Env) -> None:
    """RefreshTokenTest.testDoNotResolveUserSessionIfAuthenticationSessionIsInvalidated: after alice's SSO
    session expired, bob logging in on the same browser gets a session of his own, refreshable as bob."""
    await _second_user_after_the_sso_session_expired(kc, None)


async def test_do_not_resolve_offline_user_session_if_authentication_session_is_invalidated(kc: Env) -> None:
    """RefreshTokenTest.testDoNotResolveOfflineUserSessionIfAuthenticationSessionIsInvalidated: the same with
    ``offline_access``."""
    await _second_user_after_the_sso_session_expired(kc, "offline_access")


async def test_timeout_when_re_using_previous_authentication_session(kc: Env) -> None:
    """RefreshTokenTest.testTimeoutWhenReUsingPreviousAuthenticationSession: alice's AUTH_SESSION_ID cookie, put
    back into a browser that has since opened a fresh login page, names a root that ended with her login; it
    resolves no session (getAuthSessionCookies checks the root exists), so bob's login restarts from KC_RESTART:
    "Your login attempt timed out. Login will start from the beginning." """
    headers = await kc.admin_headers()
    created = await kc.http.post("/admin/realms", json={"realm": "iso", "enabled": True}, headers=headers)
    assert created.status_code == 201, created.text
    await update_realm(
        kc.db, "iso", sso_session_max_lifespan=120, sso_session_idle_timeout=120, access_token_lifespan=60
    )
    await seed_client(kc.db, "iso", "public-client", public=True, redirect_uris=("*",))
    for name in ("alice", "bob"):
        await seed_user(
            kc.db, kc.clock, "iso", name, name, email=f"{name}@keycloak.org", realm_roles=("offline_access",)
        )
    page = await start(kc.http, "iso", "public-client")
    assert page.status_code == 200, page.text[:300]
    [alice_cookie] = [c for c in kc.http.cookies.jar if c.name == "AUTH_SESSION_ID"]
    assert code_from(await submit(kc.http, page, username="alice", password="alice"))["code"]
    kc.http.cookies.clear()
    assert (await start(kc.http, "iso", "public-client", prompt="login")).status_code == 200
    kc.http.cookies.clear()
    page = await start(kc.http, "iso", "public-client")
    assert page.status_code == 200, page.text[:300]
    value, domain, path = str(alice_cookie.value), alice_cookie.domain, alice_cookie.path
    kc.http.cookies.set("AUTH_SESSION_ID", value, domain=domain, path=path)
    answer = await submit(kc.http, page, username="bob", password="bob")
    shown = await followed(kc.http, answer)
    assert shown.status_code == 200, (shown.status_code, shown.text[:500])
    assert "Your login attempt timed out. Login will start from the beginning." in shown.text


async def test_token_refresh_with_access_token_should_return_id_token_with_access_token_hash(kc: Env) -> None:
    """RefreshTokenTest.tokenRefreshWithAccessTokenShouldReturnIdTokenWithAccessTokenHash (KEYCLOAK-15437)."""
    body = await tokens_by_code(kc)
    response = await do_refresh(kc, body["refresh_token"])
    assert response.status_code == 200, response.text
    assert claims(response.json()["id_token"])["at_hash"]


async def _link_optional(env: Env, *names: str) -> None:
    uuid = await client_uuid(env)
    headers = await env.admin_headers()
    for name in names:
        sid = await scope_id(env, name)
        response = await env.http.put(f"{ADMIN}/clients/{uuid}/optional-client-scopes/{sid}", headers=headers)
        assert response.status_code == 204, response.text


async def test_refresh_token_reuse_token_without_refresh_tokens_revoked_with_less_scopes(kc: Env) -> None:
    """RefreshTokenTest.refreshTokenReuseTokenWithoutRefreshTokensRevokedWithLessScopes: a narrower ``scope`` on
    refresh narrows the new access token; the new refresh token keeps every original scope."""
    await _link_optional(kc, "phone", "address")
    response1 = await refresh_free_password_grant(kc, scope="openid phone address")
    everything = {"openid", "basic", "email", "roles", "web-origins", "acr", "profile", "address", "phone"}
    assert scopes(claims(response1["refresh_token"])["scope"]) == everything
    at(kc, 2)
    response2 = await do_refresh(kc, response1["refresh_token"], scope="email phone")
    assert response2.status_code == 200, response2.text
    assert scopes(response2.json()["scope"]) == {"openid", "email", "phone", "profile"}
    assert scopes(claims(response2.json()["refresh_token"])["scope"]) == everything


async def refresh_free_password_grant(env: Env, **form: str) -> dict[str, Any]:
    response = await env.http.post(
        token_url("test"),
        data={"grant_type": "password", "client_id": APP, "client_secret": SECRET, "username": USER}
        | {"password": "password"}
        | form,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_refresh_token_reuse_token_scope_parameter_not_in_refresh_token(kc: Env) -> None:
    """RefreshTokenTest.refreshTokenReuseTokenScopeParameterNotInRefreshToken: a scope the refresh token does
    not hold is 400 invalid_scope."""
    body = await tokens_by_code(kc)
    base = {"openid", "basic", "email", "roles", "web-origins", "acr", "profile"}
    assert scopes(claims(body["refresh_token"])["scope"]) == base
    at(kc, 2)
    response = await do_refresh(kc, body["refresh_token"], scope="openid email ssh_public_key")
    assert_refused(response, 400, "invalid_scope")


async def test_refresh_with_optional_client_scope_with_include_in_token_scope_disabled(kc: Env) -> None:
    """RefreshTokenTest.refreshWithOptionalClientScopeWithIncludeInTokenScopeDisabled: ``roles`` made optional
    and requested is in the refresh token's scope, never in the access token's, and its claims stay."""
    uuid, roles = await client_uuid(kc), await scope_id(kc, "roles")
    headers = await kc.admin_headers()
    assert (await kc.http.delete(f"{ADMIN}/clients/{uuid}/default-client-scopes/{roles}", headers=headers)).is_success
    assert (await kc.http.put(f"{ADMIN}/clients/{uuid}/optional-client-scopes/{roles}", headers=headers)).is_success
    body = await tokens_by_code(kc, scope="openid roles")
    everything = {"openid", "basic", "email", "roles", "web-origins", "acr", "profile"}
    for _ in range(2):
        access = claims(body["access_token"])
        assert scopes(access["scope"]) == {"openid", "email", "profile"}
        assert scopes(claims(body["refresh_token"])["scope"]) == everything
        assert access["realm_access"] and access["resource_access"]
        response = await do_refresh(kc, body["refresh_token"])
        assert response.status_code == 200, response.text
        body = response.json()


async def test_refresh_token_client_disabled(kc: Env) -> None:
    """RefreshTokenTest.refreshTokenClientDisabled: 401 invalid_client, event error ``client_disabled``."""
    body = await tokens_by_code(kc)
    await update_client(kc.db, "test", APP, enabled=False)
    assert_refused(await do_refresh(kc, body["refresh_token"]), 401, "invalid_client")
    event = await last_event(kc, "REFRESH_TOKEN_ERROR")
    assert event["error"] == "client_disabled"


async def test_refresh_token_user_session_removed(kc: Env) -> None:
    """RefreshTokenTest.refreshTokenUserSessionRemoved: after the admin deleted the session, 400 and an
    ``invalid_token`` event."""
    body = await tokens_by_code(kc)
    deleted = await kc.http.delete(f"{ADMIN}/sessions/{body['session_state']}", headers=await kc.admin_headers())
    assert deleted.status_code == 204
    assert assert_refused(await do_refresh(kc, body["refresh_token"]))["error_description"] == "Session not active"
    assert (await last_event(kc, "REFRESH_TOKEN_ERROR"))["error"] == "invalid_token"


async def _login_and_force_new_login_page(kc: Env) -> tuple[str, httpx.Response]:
    """Keycloak's loginAndForceNewLoginPage: log in, refresh once, then open the form with prompt=login."""
    body = await tokens_by_code(kc)
    response = await do_refresh(kc, body["refresh_token"])
    assert response.status_code == 200, response.text
    page = await start(kc.http, "test", APP, prompt="login")
    assert page.status_code == 200, page.text[:300]
    assert f'<label id="kc-attempted-username">{USER}</label>' in page.text
    return str(body["refresh_token"]), page


async def _continue_login(kc: Env, page: httpx.Response, refresh_token1: str) -> None:
    at(kc, 2)
    page = await start(kc.http, "test", APP, prompt="login")  # the driver's navigate().refresh()
    code = code_from(await submit(kc.http, page, username=USER, password="password"))["code"]
    response = await exchange(kc.http, "test", APP, code, secret=SECRET)
    assert response.status_code == 200, response.text
    assert_refused(await do_refresh(kc, refresh_token1))
    assert (await do_refresh(kc, response.json()["refresh_token"])).status_code == 200


async def test_refresh_token_after_user_logout_and_login_again(kc: Env) -> None:
    """RefreshTokenTest.refreshTokenAfterUserLogoutAndLoginAgain: the logged-out session's token stays dead
    after logging in again; the new one works."""
    token1, page = await _login_and_force_new_login_page(kc)
    logout = await kc.http.post(
        token_url("test", "logout"), data={"client_id": APP, "client_secret": SECRET, "refresh_token": token1}
    )
    assert logout.status_code == 204, logout.text
    await _continue_login(kc, page, token1)


async def test_refresh_token_after_admin_logout_all_and_login_again(kc: Env) -> None:
    """RefreshTokenTest.refreshTokenAfterAdminLogoutAllAndLoginAgain."""
    token1, page = await _login_and_force_new_login_page(kc)
    assert (await kc.http.post(f"{ADMIN}/logout-all", headers=await kc.admin_headers())).status_code == 200
    await _continue_login(kc, page, token1)


async def test_refresh_token_after_user_admin_logout_endpoint_and_login_again(kc: Env) -> None:
    """RefreshTokenTest.refreshTokenAfterUserAdminLogoutEndpointAndLoginAgain."""
    token1, page = await _login_and_force_new_login_page(kc)
    uid = await user_id(kc)
    assert (await kc.http.post(f"{ADMIN}/users/{uid}/logout", headers=await kc.admin_headers())).status_code == 204
    await _continue_login(kc, page, token1)


async def test_check_ssl(kc: Env) -> None:
    """RefreshTokenTest.testCheckSsl: under sslRequired=all a plain-HTTP refresh is 403 "HTTPS required"; the
    token still works once the realm is back to ``external``."""
    token = (await refresh_free_password_grant(kc))["refresh_token"]
    await update_realm_rep(kc, sslRequired="all")
    body = assert_refused(await do_refresh(kc, token), 403, "invalid_request")
    assert body["error_description"] == "HTTPS required"
    await update_realm_rep(kc, sslRequired="external")
    response = await do_refresh(kc, token)
    assert response.status_code == 200 and response.json()["refresh_token"]


async def test_refresh_token_user_disabled(kc: Env) -> None:
    """RefreshTokenTest.refreshTokenUserDisabled: 400 invalid_grant, an ``invalid_token`` event naming the
    session."""
    body = await tokens_by_code(kc)
    uid = await user_id(kc)
    headers = await kc.admin_headers()
    assert (await kc.http.put(f"{ADMIN}/users/{uid}", json={"enabled": False}, headers=headers)).status_code == 204
    assert assert_refused(await do_refresh(kc, body["refresh_token"]))["error_description"] == "User disabled"
    event = await last_event(kc, "REFRESH_TOKEN_ERROR")
    assert (event["sessionId"], event["error"]) == (body["session_state"], "invalid_token")
    assert (await kc.http.put(f"{ADMIN}/users/{uid}", json={"enabled": True}, headers=headers)).status_code == 204
    assert (await do_refresh(kc, body["refresh_token"])).status_code == 200


async def test_refresh_token_user_deleted(kc: Env) -> None:
    """RefreshTokenTest.refreshTokenUserDeleted: 400 invalid_grant; the event names the session and no user."""
    await seed_user(kc.db, kc.clock, "test", "temp-user@localhost", email="temp-user@localhost")
    code = (await browser_login(kc, "temp-user@localhost"))["code"]
    body = (await exchange(kc.http, "test", APP, code, secret=SECRET)).json()
    uid = await user_id(kc, "temp-user@localhost")
    assert (await kc.http.delete(f"{ADMIN}/users/{uid}", headers=await kc.admin_headers())).status_code == 204
    # UserManager.removeUser takes the user's sessions with it
    assert assert_refused(await do_refresh(kc, body["refresh_token"]))["error_description"] == "Session not active"
    event = await last_event(kc, "REFRESH_TOKEN_ERROR")
    assert (event["sessionId"], event["error"]) == (body["session_state"], "invalid_token")
    assert "userId" not in event


async def test_refresh_token_service_account(kc: Env) -> None:
    """RefreshTokenTest.refreshTokenServiceAccount: client credentials with
    ``client_credentials.use_refresh_token`` give a refresh token, and refreshing it gives another."""
    response = await kc.http.post(
        token_url("test"),
        data={"grant_type": "client_credentials", "client_id": "service-account-app", "client_secret": "secret"},
    )
    assert response.status_code == 200 and response.json()["refresh_token"], response.text
    refreshed = await do_refresh(kc, response.json()["refresh_token"], client="service-account-app", secret="secret")
    assert refreshed.status_code == 200 and refreshed.json()["refresh_token"], refreshed.text


async def test_refresh_token_request_no_refresh_token(kc: Env) -> None:
    """RefreshTokenTest.refreshTokenRequestNoRefreshToken: with ``use.refresh.tokens`` turned off afterwards,
    a refresh answers an access token and no refresh token."""
    body = await tokens_by_code(kc)
    await set_client_attributes(kc, **{"use.refresh.tokens": "false"})
    response = await do_refresh(kc, body["refresh_token"])
    assert response.status_code == 200, response.text
    assert response.json()["access_token"] and "refresh_token" not in response.json()
    assert response.json()["refresh_expires_in"] == 0


@pytest.mark.parametrize(
    ("access_alg", "id_alg"),
    [
        ("RS384", "RS384"),
        ("RS512", "RS256"),
        ("ES256", "RS256"),
        ("ES384", "ES384"),
        ("ES512", "RS256"),
        ("PS256", "RS256"),
        ("PS384", "ES384"),
        ("PS512", "PS256"),
    ],
    ids=[
        "tokenRefreshRequest_ClientRS384_RealmRS384",
        "tokenRefreshRequest_ClientRS512_RealmRS256",
        "tokenRefreshRequest_ClientES256_RealmRS256",
        "tokenRefreshRequest_ClientES384_RealmES384",
        "tokenRefreshRequest_ClientES512_RealmRS256",
        "tokenRefreshRequest_ClientPS256_RealmRS256",
        "tokenRefreshRequest_ClientPS384_RealmES384",
        "tokenRefreshRequest_ClientPS512_RealmPS256",
    ],
)
async def test_token_refresh_request_client_alg_realm_alg(kc: Env, access_alg: str, id_alg: str) -> None:
    """RefreshTokenTest.tokenRefreshRequest_Client<alg>_Realm<alg> (eight methods, one per case): the access
    token follows the client's algorithm, the ID token the realm's, the refresh token is always HS512; all
    three headers say ``typ: JWT`` without ``cty``; the refresh keeps the session and records both ids."""
    await update_realm_rep(kc, defaultSignatureAlgorithm=id_alg)
    await set_client_attributes(kc, **{"access.token.signed.response.alg": access_alg})
    body = await tokens_by_code(kc)
    for token, alg in (
        (body["access_token"], access_alg),
        (body["id_token"], id_alg),
        (body["refresh_token"], "HS512"),
    ):
        head = header(token)
        assert (head["alg"], head["typ"], "cty" in head) == (alg, "JWT", False)
    session_id = claims(body["refresh_token"])["sid"]
    response = await do_refresh(kc, body["refresh_token"])
    assert response.status_code == 200, response.text
    renewed = response.json()
    assert header(renewed["access_token"])["alg"] == access_alg
    assert claims(renewed["access_token"])["sid"] == session_id == claims(renewed["refresh_token"])["sid"]
    assert claims(renewed["access_token"])["sub"] == await user_id(kc)
    event = await last_event(kc, "REFRESH_TOKEN")
    assert event["details"]["refresh_token_id"] == claims(body["refresh_token"])["jti"]
    assert event["details"]["updated_refresh_token_id"] == claims(renewed["refresh_token"])["jti"]


# --- RefreshTokenRevokeTest -------------------------------------------------------------------------------------


async def _expect_valid_refresh(kc: Env, session_id: str, token: str) -> dict[str, Any]:
    """Keycloak's processExpectedValidRefresh."""
    response = await do_refresh(kc, token)
    assert response.status_code == 200, response.text
    event = await last_event(kc, "REFRESH_TOKEN", "REFRESH_TOKEN_ERROR")
    assert (event["type"], event["sessionId"]) == ("REFRESH_TOKEN", session_id)
    assert event["details"]["refresh_token_id"] == claims(token)["jti"]
    body: dict[str, Any] = response.json()
    return body


async def _expect_refused_refresh(kc: Env, session_id: str, token: str) -> dict[str, Any]:
    body = assert_refused(await do_refresh(kc, token))
    event = await last_event(kc, "REFRESH_TOKEN", "REFRESH_TOKEN_ERROR")
    assert (event["type"], event["sessionId"], event["error"]) == ("REFRESH_TOKEN_ERROR", session_id, "invalid_token")
    assert event["details"]["refresh_token_id"] == claims(token)["jti"]
    assert event["details"]["refresh_token_sub"] == claims(token)["sub"]
    assert "updated_refresh_token_id" not in event["details"] and "token_id" not in event["details"]
    return body


async def test_refresh_token_reuse_token_without_refresh_tokens_revoked(kc: Env) -> None:
    """RefreshTokenRevokeTest.refreshTokenReuseTokenWithoutRefreshTokensRevoked: without rotation one token
    refreshes again and again."""
    body = await tokens_by_code(kc)
    await _expect_valid_refresh(kc, body["session_state"], body["refresh_token"])
    await _expect_valid_refresh(kc, body["session_state"], body["refresh_token"])


async def test_refresh_token_reuse_token_with_refresh_tokens_revoked(kc: Env) -> None:
    """RefreshTokenRevokeTest.refreshTokenReuseTokenWithRefreshTokensRevoked: the second use fails and takes
    the client session with it, so the successor fails too."""
    await update_realm_rep(kc, revokeRefreshToken=True)
    body = await tokens_by_code(kc)
    second = await _expect_valid_refresh(kc, body["session_state"], body["refresh_token"])
    refused = await _expect_refused_refresh(kc, body["session_state"], body["refresh_token"])
    assert refused["error_description"] == "Maximum allowed refresh token reuse exceeded"
    refused = await _expect_refused_refresh(kc, body["session_state"], second["refresh_token"])
    assert refused["error_description"] == "Session doesn't have required client"


async def test_refresh_token_reuse_on_different_tab(kc: Env) -> None:
    """RefreshTokenRevokeTest.refreshTokenReuseOnDifferentTab: two code exchanges in one SSO session are two
    rotation families (two ``reuse_id``) of one client session, each rotated on its own."""
    await update_realm_rep(kc, revokeRefreshToken=True)
    tab1 = await tokens_by_code(kc)
    token1 = claims(tab1["refresh_token"])
    assert token1["reuse_id"] and token1["reuse_id"] != token1["jti"]
    tab2 = await tokens_by_code(kc)  # the second tab: the SSO session answers
    assert tab2["session_state"] == tab1["session_state"]
    session_id = tab2["session_state"]
    new = claims(tab2["refresh_token"])
    assert new["reuse_id"] != new["jti"] and new["reuse_id"] != token1["reuse_id"]

    at(kc, 10)
    response2 = await _expect_valid_refresh(kc, session_id, tab1["refresh_token"])
    token2 = claims(response2["refresh_token"])
    assert (await last_event(kc, "REFRESH_TOKEN"))["details"]["updated_refresh_token_id"] == token2["jti"]
    assert token2["reuse_id"] == token1["reuse_id"] != token2["jti"]
    response_new1 = await _expect_valid_refresh(kc, session_id, tab2["refresh_token"])
    new1 = claims(response_new1["refresh_token"])
    assert new1["reuse_id"] == new["reuse_id"] != new1["jti"]
    assert_refused(await do_refresh(kc, tab2["refresh_token"]))


async def test_refresh_token_reuse_token_with_refresh_tokens_revoked_after_single_reuse(kc: Env) -> None:
    """RefreshTokenRevokeTest.refreshTokenReuseTokenWithRefreshTokensRevokedAfterSingleReuse: with max reuse 1
    the third use fails, and so do both successors; every event names the token and its subject."""
    await update_realm_rep(kc, revokeRefreshToken=True, refreshTokenMaxReuse=1)
    body = await tokens_by_code(kc)
    session_id = body["session_state"]
    first_use = await _expect_valid_refresh(kc, session_id, body["refresh_token"])
    first_reuse = await _expect_valid_refresh(kc, session_id, body["refresh_token"])
    event = await last_event(kc, "REFRESH_TOKEN")
    assert event["details"]["refresh_token_sub"] == claims(first_reuse["refresh_token"])["sub"]
    refused = await _expect_refused_refresh(kc, session_id, body["refresh_token"])
    assert refused["error_description"] == "Maximum allowed refresh token reuse exceeded"
    # the refusal detached the client session: validateToken fails before the reuse check is reached
    for token in (first_use["refresh_token"], first_reuse["refresh_token"]):
        refused = await _expect_refused_refresh(kc, session_id, token)
        assert refused["error_description"] == "Session doesn't have required client"


async def test_refresh_token_reuse_of_existing_token_after_enabling_reuse_revokation(kc: Env) -> None:
    """RefreshTokenRevokeTest.refreshTokenReuseOfExistingTokenAfterEnablingReuseRevokation: reuse is counted
    from the first use after rotation was turned on."""
    body = await tokens_by_code(kc)
    session_id = body["session_state"]
    for _ in range(3):
        await _expect_valid_refresh(kc, session_id, body["refresh_token"])
    await update_realm_rep(kc, revokeRefreshToken=True, refreshTokenMaxReuse=1)
    for _ in range(2):
        await _expect_valid_refresh(kc, session_id, body["refresh_token"])
    await _expect_refused_refresh(kc, session_id, body["refresh_token"])


async def test_refresh_token_reuse_of_existing_token_after_disabling_reuse_revokation(kc: Env) -> None:
    """RefreshTokenRevokeTest.refreshTokenReuseOfExistingTokenAfterDisablingReuseRevokation: turning rotation
    off after a refusal does not bring the client session back."""
    await update_realm_rep(kc, revokeRefreshToken=True, refreshTokenMaxReuse=1)
    body = await tokens_by_code(kc)
    session_id = body["session_state"]
    for _ in range(2):
        await _expect_valid_refresh(kc, session_id, body["refresh_token"])
    await _expect_refused_refresh(kc, session_id, body["refresh_token"])
    await update_realm_rep(kc, revokeRefreshToken=False)
    await _expect_refused_refresh(kc, session_id, body["refresh_token"])


async def _has_client_session_for_test_app(kc: Env) -> bool:
    return any(APP in session["clients"].values() for session in await user_sessions(kc))


async def _introspect_active(kc: Env, token: str) -> bool:
    response = await kc.http.post(
        token_url("test", "token/introspect"), data={"client_id": APP, "client_secret": SECRET, "token": token}
    )
    assert response.status_code == 200, response.text
    return bool(response.json()["active"])


async def test_refresh_token_reuse_token_with_refresh_tokens_revoked_and_sso_reauthentication(kc: Env) -> None:
    """RefreshTokenRevokeTest.refreshTokenReuseTokenWithRefreshTokensRevokedAndSSOReauthentication: once a
    reuse detached the client session, a new SSO login does not bring back the tokens issued before it."""
    await update_realm_rep(kc, revokeRefreshToken=True)
    response1 = await tokens_by_code(kc)
    session_id = response1["session_state"]
    response2 = await _expect_valid_refresh(kc, session_id, response1["refresh_token"])
    assert await _has_client_session_for_test_app(kc)
    await _expect_refused_refresh(kc, session_id, response1["refresh_token"])
    assert not await _has_client_session_for_test_app(kc)
    assert not await _introspect_active(kc, response1["access_token"])

    at(kc, 2)
    response4 = await tokens_by_code(kc)  # SSO re-authentication
    assert response4["session_state"] == session_id
    assert await _has_client_session_for_test_app(kc)
    assert not await _introspect_active(kc, response1["access_token"])
    userinfo = await kc.http.get(
        token_url("test", "userinfo"), headers={"Authorization": f"Bearer {response1['access_token']}"}
    )
    assert userinfo.status_code == 401  # the error travels in the challenge (UserInfoEndpoint's json(false))
    assert 'error="invalid_token"' in userinfo.headers["www-authenticate"]
    await _expect_refused_refresh(kc, session_id, response2["refresh_token"])


# --- RefreshTokenTimeoutsTest -----------------------------------------------------------------------------------


async def test_user_session_refresh_and_idle(kc: Env) -> None:
    """RefreshTokenTimeoutsTest.testUserSessionRefreshAndIdle: a refresh moves the session's last access; with
    SSO idle 1 s the next refresh after it is refused (persistent sessions: no idle grace)."""
    body = await tokens_by_code(kc)
    session_id = body["session_state"]
    last = await last_access(kc, session_id)
    at(kc, 2)
    response = await do_refresh(kc, body["refresh_token"])
    assert response.status_code == 200, response.text
    assert await last_access(kc, session_id) != last
    await update_realm_rep(kc, accessTokenLifespan=100000)
    at(kc, 4)
    response = await do_refresh(kc, response.json()["refresh_token"])
    assert response.status_code == 200, response.text
    assert last < await last_access(kc, session_id) < last + 50
    await update_realm_rep(kc, ssoSessionIdleTimeout=1)
    at(kc, 6)
    body = assert_refused(await do_refresh(kc, response.json()["refresh_token"]))
    assert body["error_description"] == "Session not active"
    assert (await last_event(kc, "REFRESH_TOKEN_ERROR"))["error"] == "invalid_token"


async def _remember_me_login(kc: Env) -> dict[str, Any]:
    page = await start(kc.http, "test", APP)
    code = code_from(await submit(kc.http, page, username=USER, password="password", rememberMe="on"))["code"]
    response = await exchange(kc.http, "test", APP, code, secret=SECRET)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_user_session_refresh_and_idle_remember_me(kc: Env) -> None:
    """RefreshTokenTimeoutsTest.testUserSessionRefreshAndIdleRememberMe: a remember-me session idles out after
    the remember-me idle timeout (500 s), not the plain one (100 s)."""
    await update_realm_rep(kc, rememberMe=True, ssoSessionIdleTimeoutRememberMe=500, ssoSessionIdleTimeout=100)
    body = await _remember_me_login(kc)
    assert body["refresh_expires_in"] == 500
    session_id = body["session_state"]
    last = await last_access(kc, session_id)
    at(kc, 110)
    response = await do_refresh(kc, body["refresh_token"])
    assert response.status_code == 200, response.text
    assert response.json()["refresh_expires_in"] == 500
    assert await last_access(kc, session_id) != last
    at(kc, 620)
    refused = assert_refused(await do_refresh(kc, response.json()["refresh_token"]))
    assert refused["error_description"] == "Token is not active"  # its exp: 110 + the remember-me idle
    assert (await last_event(kc, "REFRESH_TOKEN_ERROR"))["error"] == "invalid_token"


async def test_refresh_token_user_session_max_lifespan(kc: Env) -> None:
    """RefreshTokenTimeoutsTest.refreshTokenUserSessionMaxLifespan: SSO max 3600 bounds ``refresh_expires_in``
    and ends the user session (and its client sessions) at the next refresh after it."""
    await update_realm_rep(kc, ssoSessionMaxLifespan=3600, ssoSessionIdleTimeout=7200)
    body = await tokens_by_code(kc)
    session_id = body["session_state"]
    assert 0 < body["refresh_expires_in"] <= 3600
    assert await sessions_exist(kc, session_id) == 2
    at(kc, 1800)
    response = await do_refresh(kc, body["refresh_token"])
    assert 0 < response.json()["refresh_expires_in"] <= 1800
    assert await sessions_exist(kc, session_id) == 2
    event = await last_event(kc, "REFRESH_TOKEN")
    assert event["sessionId"] == session_id
    assert event["details"]["refresh_token_id"] == claims(body["refresh_token"])["jti"]
    at(kc, 3700)
    refused = assert_refused(await do_refresh(kc, response.json()["refresh_token"]))
    assert refused["error_description"] == "Token is not active"  # its exp was capped at the SSO max
    assert (await last_event(kc, "REFRESH_TOKEN_ERROR"))["error"] == "invalid_token"
    assert await sessions_exist(kc, session_id) == 0


async def test_refresh_token_user_client_max_lifespan_smaller_than_session(kc: Env) -> None:
    """RefreshTokenTimeoutsTest.refreshTokenUserClientMaxLifespanSmallerThanSession: the realm's client session
    max (1000) ends only the client session; a later SSO login starts a new one, which the SSO max ends."""
    await update_realm_rep(
        kc, ssoSessionMaxLifespan=3600, ssoSessionIdleTimeout=7200, clientSessionMaxLifespan=1000,
        clientSessionIdleTimeout=7200,
    )  # fmt: skip
    body = await tokens_by_code(kc)
    session_id = body["session_state"]
    assert 0 < body["refresh_expires_in"] <= 1000
    assert await sessions_exist(kc, session_id) == 2
    at(kc, 600)
    response = await _expect_valid_refresh(kc, session_id, body["refresh_token"])
    assert 0 < response["refresh_expires_in"] <= 400
    assert await sessions_exist(kc, session_id) == 2
    at(kc, 1100)
    assert assert_refused(await do_refresh(kc, response["refresh_token"]))["error_description"] == "Token is not active"
    assert (await last_event(kc, "REFRESH_TOKEN_ERROR"))["error"] == "invalid_token"
    assert await sessions_exist(kc, session_id) == 1
    at(kc, 1600)
    body = await tokens_by_code(kc)
    assert body["session_state"] == session_id
    assert 0 < body["refresh_expires_in"] <= 1000
    assert await sessions_exist(kc, session_id) == 2
    at(kc, 3700)
    assert assert_refused(await do_refresh(kc, body["refresh_token"]))["error_description"] == "Token is not active"
    assert await sessions_exist(kc, session_id) == 0


async def test_refresh_token_user_session_max_lifespan_modified_after_token_refresh(kc: Env) -> None:
    """RefreshTokenTimeoutsTest.refreshTokenUserSessionMaxLifespanModifiedAfterTokenRefresh: a lower SSO max set
    after issuance ends the session at the next refresh."""
    await update_realm_rep(
        kc, ssoSessionMaxLifespan=7200, ssoSessionIdleTimeout=7200, clientSessionMaxLifespan=7200,
        clientSessionIdleTimeout=7200,
    )  # fmt: skip
    body = await tokens_by_code(kc)
    session_id = body["session_state"]
    assert 0 < body["refresh_expires_in"] <= 7200
    assert await sessions_exist(kc, session_id) == 2
    await update_realm_rep(kc, ssoSessionMaxLifespan=3600, clientSessionMaxLifespan=3600)
    at(kc, 3700)
    assert assert_refused(await do_refresh(kc, body["refresh_token"]))["error_description"] == "Session not active"
    assert (await last_event(kc, "REFRESH_TOKEN_ERROR"))["error"] == "invalid_token"
    assert await sessions_exist(kc, session_id) == 0


async def _client_max_lowered(kc: Env, refresh_first: bool) -> None:
    await update_realm_rep(
        kc, ssoSessionMaxLifespan=7200, ssoSessionIdleTimeout=7200, clientSessionMaxLifespan=7200,
        clientSessionIdleTimeout=7200,
    )  # fmt: skip
    body = await tokens_by_code(kc)
    session_id = body["session_state"]
    assert 0 < body["refresh_expires_in"] <= 7200
    assert await sessions_exist(kc, session_id) == 2
    await update_realm_rep(kc, clientSessionMaxLifespan=3600)
    if refresh_first:
        at(kc, 3700)
        refused = assert_refused(await do_refresh(kc, body["refresh_token"]))
        assert refused["error_description"] == "Client session not active"
        assert (await last_event(kc, "REFRESH_TOKEN_ERROR"))["error"] == "invalid_token"
        assert await sessions_exist(kc, session_id) == 1
    at(kc, 4200)
    body = await tokens_by_code(kc)
    assert body["session_state"] == session_id
    assert 0 < body["refresh_expires_in"] <= 3000
    assert await sessions_exist(kc, session_id) == 2
    at(kc, 7300)
    assert assert_refused(await do_refresh(kc, body["refresh_token"]))["error_description"] == "Token is not active"
    assert (await last_event(kc, "REFRESH_TOKEN_ERROR"))["error"] == "invalid_token"
    assert await sessions_exist(kc, session_id) == 0


async def test_refresh_token_client_session_max_lifespan_modified_after_token_refresh(kc: Env) -> None:
    """RefreshTokenTimeoutsTest.refreshTokenClientSessionMaxLifespanModifiedAfterTokenRefresh: a lower realm
    client session max ends the client session only; the SSO login after it is bounded by the SSO max."""
    await _client_max_lowered(kc, refresh_first=True)


async def test_silent_login_client_session_max_lifespan_modified_after_token_refresh(kc: Env) -> None:
    """RefreshTokenTimeoutsTest.silentLoginClientSessionMaxLifespanModifiedAfterTokenRefresh: the SSO login
    past the lowered client max starts a fresh client session."""
    await _client_max_lowered(kc, refresh_first=False)


async def test_refresh_token_user_session_max_lifespan_with_remember_me(kc: Env) -> None:
    """RefreshTokenTimeoutsTest.refreshTokenUserSessionMaxLifespanWithRememberMe (KEYCLOAK-1267): a remember-me
    session still ends at its remember-me max (100 s)."""
    await update_realm_rep(kc, rememberMe=True, ssoSessionMaxLifespanRememberMe=100, ssoSessionMaxLifespan=50)
    body = await _remember_me_login(kc)
    assert body["refresh_expires_in"] == 100
    at(kc, 60)  # past the plain max, within the remember-me one
    response = await do_refresh(kc, body["refresh_token"])
    assert response.status_code == 200, response.text
    assert response.json()["refresh_expires_in"] == 40
    at(kc, 110)
    assert assert_refused(await do_refresh(kc, body["refresh_token"]))["error_description"] == "Token is not active"
    assert (await last_event(kc, "REFRESH_TOKEN_ERROR"))["error"] == "invalid_token"


async def test_refresh_token_client_session_max_lifespan(kc: Env) -> None:
    """RefreshTokenTimeoutsTest.refreshTokenClientSessionMaxLifespan: the client attribute
    ``client.session.max.lifespan`` (500) bounds the refresh token, and the SSO max (1000) the session."""
    await update_realm_rep(kc, ssoSessionMaxLifespan=1000)
    await set_client_attributes(kc, **{"client.session.max.lifespan": "500"})
    body = await tokens_by_code(kc)
    response = await do_refresh(kc, body["refresh_token"])
    assert 0 < response.json()["refresh_expires_in"] <= 500
    at(kc, 100)
    response = await do_refresh(kc, response.json()["refresh_token"])
    assert 0 < response.json()["refresh_expires_in"] <= 400
    at(kc, 600)
    body = await tokens_by_code(kc)
    assert 0 < body["refresh_expires_in"] <= 400
    at(kc, 700)
    response = await do_refresh(kc, body["refresh_token"])
    assert response.status_code == 200, response.text
    assert 0 < response.json()["refresh_expires_in"] <= 300
    at(kc, 1100)
    refused = assert_refused(await do_refresh(kc, response.json()["refresh_token"]))
    assert refused["error_description"] == "Token is not active"
    assert (await last_event(kc, "REFRESH_TOKEN_ERROR"))["error"] == "invalid_token"


async def test_refresh_token_client_session_idle_timeout_two_clients_with_reloading_from_database(kc: Env) -> None:
    """RefreshTokenTimeoutsTest.refreshTokenClientSessionIdleTimeoutTwoClientsWithReloadingFromDatabase (#38591):
    a client idle timeout lowered after issuance applies to the existing client session even when another
    client's refresh and a fresh process (nothing cached) came between."""
    await seed_client(
        kc.db,
        "test",
        "test-app2",
        secret=SECRET,
        redirect_uris=("http://127.0.0.1:9999/*",),
        attributes={"client.session.idle.timeout": "500"},
    )
    body = await tokens_by_code(kc)
    session_id = body["session_state"]
    await set_client_attributes(kc, **{"client.session.idle.timeout": "500"})
    code2 = code_from(await start(kc.http, "test", "test-app2"))["code"]
    response2 = await exchange(kc.http, "test", "test-app2", code2, secret=SECRET)
    assert response2.json()["session_state"] == session_id
    at(kc, 100)
    refreshed2 = await refresh(kc.http, "test", "test-app2", response2.json()["refresh_token"], secret=SECRET)
    assert refreshed2.status_code == 200, refreshed2.text
    assert 0 < refreshed2.json()["refresh_expires_in"] <= 500
    at(kc, 550)
    async with another_worker(kc) as fresh:
        response = await refresh(fresh, "test", APP, body["refresh_token"], secret=SECRET)
    assert assert_refused(response)["error_description"] == "Client session not active"
    assert (await last_event(kc, "REFRESH_TOKEN_ERROR"))["error"] == "invalid_token"


async def test_client_session_max_lifespan(kc: Env) -> None:
    """RefreshTokenTimeoutsTest.testClientSessionMaxLifespan: ``refresh_expires_in`` follows the SSO max, then
    the realm's client session max, then the client's ``client.session.max.lifespan``."""
    sso_max = 1800 - 100
    await update_realm_rep(kc, ssoSessionMaxLifespan=sso_max)
    body = await tokens_by_code(kc)
    assert body["refresh_expires_in"] == sso_max
    await update_realm_rep(kc, clientSessionMaxLifespan=sso_max - 100)
    response = await do_refresh(kc, body["refresh_token"])
    assert response.status_code == 200 and response.json()["refresh_expires_in"] == sso_max - 100
    await set_client_attributes(kc, **{"client.session.max.lifespan": str(sso_max - 200)})
    response = await do_refresh(kc, response.json()["refresh_token"])
    assert response.status_code == 200 and response.json()["refresh_expires_in"] == sso_max - 200


async def test_client_session_idle_timeout(kc: Env) -> None:
    """RefreshTokenTimeoutsTest.testClientSessionIdleTimeout: ``refresh_expires_in`` follows the SSO idle, then
    the realm's client session idle, then the client's ``client.session.idle.timeout``."""
    body = await tokens_by_code(kc)
    assert body["refresh_expires_in"] == 1800
    await update_realm_rep(kc, clientSessionIdleTimeout=1700)
    response = await do_refresh(kc, body["refresh_token"])
    assert response.status_code == 200 and response.json()["refresh_expires_in"] == 1700
    await set_client_attributes(kc, **{"client.session.idle.timeout": "1600"})
    response = await do_refresh(kc, response.json()["refresh_token"])
    assert response.status_code == 200 and response.json()["refresh_expires_in"] == 1600


async def test_refresh_token_when_client_session_timeout_passed_but_realm_did_not(kc: Env) -> None:
    """RefreshTokenTimeoutsTest.testRefreshTokenWhenClientSessionTimeoutPassedButRealmDidNot (KEYCLOAK-17323):
    the access token is capped by the client session max (65 s), and an SSO login after the client session
    expired starts a new one with the same cap."""
    await update_realm_rep(kc, ssoSessionIdleTimeout=2592000, ssoSessionMaxLifespan=86313600)
    await set_client_attributes(kc, **{"client.session.idle.timeout": "60", "client.session.max.lifespan": "65"})
    body = await tokens_by_code(kc)
    assert body["expires_in"] == 65
    at(kc, 70)
    body = await tokens_by_code(kc)
    assert body["expires_in"] == 65


# --- Beyond the Keycloak classes: scenarios of the same brief ---------------------------------------------------


async def test_refresh_after_admin_password_reset_still_works(kc: Env) -> None:
    """UserResource.resetPassword changes the credential only: sessions, and so refresh tokens, stay valid."""
    body = await tokens_by_code(kc)
    uid = await user_id(kc)
    reset = await kc.http.put(
        f"{ADMIN}/users/{uid}/reset-password",
        json={"type": "password", "value": "changed-1", "temporary": False},
        headers=await kc.admin_headers(),
    )
    assert reset.status_code == 204, reset.text
    assert (await do_refresh(kc, body["refresh_token"])).status_code == 200


async def test_refresh_with_a_token_of_another_client(kc: Env) -> None:
    """TokenManager.verifyRefreshToken: a refresh token of another client (azp) is refused."""
    await seed_client(kc.db, "test", "other", secret="secret")
    body = await tokens_by_code(kc)
    refused = assert_refused(await do_refresh(kc, body["refresh_token"], client="other", secret="secret"))
    assert refused["error_description"] == "Invalid refresh token. Token client and authorized client don't match"


async def test_a_remember_me_session_ends_when_the_realm_turns_remember_me_off(kc: Env) -> None:
    """AuthenticationManager.isSessionValid: a remember-me session is invalid once the realm no longer allows
    remember-me."""
    await update_realm_rep(kc, rememberMe=True)
    body = await _remember_me_login(kc)
    await update_realm_rep(kc, rememberMe=False)
    refused = assert_refused(await do_refresh(kc, body["refresh_token"]))
    assert refused["error_description"] == "Session not active"


async def test_max_reuse_two_counts_uses_of_one_token_and_makes_superseded_successors_stale(kc: Env) -> None:
    """TokenManager.validateTokenReuse with refreshTokenMaxReuse 2, one second between requests: the token in
    use may serve three refreshes; a successor that is neither the latest nor newer than the last refresh
    is "Stale token"; the latest successor takes over the family with a fresh count."""
    await update_realm_rep(kc, revokeRefreshToken=True, refreshTokenMaxReuse=2)
    body = await tokens_by_code(kc)
    session_id = body["session_state"]
    successors = []
    for second in (1, 2, 3):
        at(kc, second)
        successors.append((await _expect_valid_refresh(kc, session_id, body["refresh_token"]))["refresh_token"])
    at(kc, 4)
    latest = await _expect_valid_refresh(kc, session_id, successors[-1])  # the latest: no longer stale
    at(kc, 5)
    refused = await _expect_refused_refresh(kc, session_id, successors[0])
    assert refused["error_description"] == "Stale token"
    refused = await _expect_refused_refresh(kc, session_id, latest["refresh_token"])
    assert refused["error_description"] == "Session doesn't have required client"


async def test_max_reuse_two_refuses_the_fourth_use_of_one_token(kc: Env) -> None:
    """TokenManager.validateTokenReuse: with refreshTokenMaxReuse 2 the fourth use of one token exceeds it."""
    await update_realm_rep(kc, revokeRefreshToken=True, refreshTokenMaxReuse=2)
    body = await tokens_by_code(kc)
    for _ in range(3):
        await _expect_valid_refresh(kc, body["session_state"], body["refresh_token"])
    refused = await _expect_refused_refresh(kc, body["session_state"], body["refresh_token"])
    assert refused["error_description"] == "Maximum allowed refresh token reuse exceeded"


async def test_a_requested_scope_of_the_client_that_the_token_lacks_is_ignored(kc: Env) -> None:
    """OAuth2GrantTypeBase.getRequestedScopes accepts any scope of the client (TokenManager.isValidScope);
    TokenManager.refreshAccessToken's transformScopes keeps only the token's: ``phone`` adds nothing."""
    await _link_optional(kc, "phone")
    body = await tokens_by_code(kc)
    response = await do_refresh(kc, body["refresh_token"], scope="openid phone")
    assert response.status_code == 200, response.text
    assert scopes(response.json()["scope"]) == {"openid", "email", "profile"}
    assert "phone" not in scopes(claims(response.json()["refresh_token"])["scope"])


async def test_the_scope_parameter_is_checked_before_the_refresh_token(kc: Env) -> None:
    """RefreshTokenGrantType calls getRequestedScopes before reading the token: an unknown scope is
    invalid_scope even with a garbage token, recorded as ``invalid_request`` with its reason and no token."""
    refused = assert_refused(await do_refresh(kc, "garbage", scope="bogus"), 400, "invalid_scope")
    assert refused["error_description"] == "Invalid scopes: bogus"
    event = await last_event(kc, "REFRESH_TOKEN_ERROR")
    assert event["error"] == "invalid_request"
    assert event["details"] == {
        "grant_type": "refresh_token",
        "client_auth_method": "client-secret",
        "reason": "Invalid scopes: bogus",
    }


async def test_refusals_record_their_description_as_the_reason(kc: Env) -> None:
    """RefreshTokenGrantType: an OAuthErrorException of the refresh is REFRESH_TOKEN_ERROR ``invalid_token``
    with ``reason`` = its description; a missing ``refresh_token`` is answered before any event is recorded."""
    await update_realm_rep(kc, revokeRefreshToken=True)
    body = await tokens_by_code(kc)
    missing = await kc.http.post(
        token_url("test"), data={"grant_type": "refresh_token", "client_id": APP, "client_secret": SECRET}
    )
    assert_refused(missing, 400, "invalid_request")
    assert await events(kc, "REFRESH_TOKEN_ERROR") == []
    assert (await do_refresh(kc, body["refresh_token"])).status_code == 200
    assert_refused(await do_refresh(kc, body["refresh_token"]))
    event = await last_event(kc, "REFRESH_TOKEN_ERROR")
    assert event["error"] == "invalid_token"
    assert event["details"]["reason"] == "Maximum allowed refresh token reuse exceeded"
