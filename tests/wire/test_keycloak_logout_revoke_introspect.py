"""Keycloak's TokenRevocationTest, TokenIntrospectionTest, LogoutTest and RPInitiatedLogoutTest, ported.

One test per Keycloak test method that the older files (test_logout_revoke_introspect_parity.py,
test_revocation_logout.py, test_backchannel_*.py, test_logout_csrf.py, test_frontchannel_logout.py)
do not already assert; each docstring names the method. ``app`` plays Keycloak's ``test-app``,
``scope-app`` its ``test-app-scope`` and ``confidential-cli`` the introspecting client.
"""

from __future__ import annotations

from urllib.parse import urlencode

import httpx
import pytest

import keycloak_port as kc
from browser_flow import REDIRECT, code_from, exchange, login, start, submit
from doorkeep.sessions.cleaner import clean_once
from support import claims, header, refresh, token_url, update_client, update_realm
from token_port import (
    ADMIN,
    INACTIVE,
    URIS,
    access_refused_everywhere,
    browser,
    enabled,
    events_of,
    grant,
    introspect,
    keep_events,
    logout,
    prepare,
    revoke,
    user_sessions,
)
from wire_env import Env

pytestmark = pytest.mark.anyio

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
APP = ("app", "secret")  # a refresh token is introspected by its own client (Keycloak 26.8)


@pytest.fixture
async def realm(realm: Env) -> Env:
    """The shared realm (token_port.prepare)."""
    return await prepare(realm)


# --- TokenRevocationTest ----------------------------------------------------------------------------


async def test_revoke_token(realm: Env) -> None:
    """TokenRevocationTest.testRevokeToken: two clients in one SSO session; revoking one client's refresh
    token removes only that client, revoking the other's removes the session."""
    first = await browser(realm, "app")
    second = await browser(realm, "scope-app")
    app_id, scope_id = await kc.client_uuid(realm, "app"), await kc.client_uuid(realm, "scope-app")
    (session,) = await user_sessions(realm, first)
    assert session["clients"] == {app_id: "app", scope_id: "scope-app"}
    assert await enabled(realm, first, "app") and await enabled(realm, second, "scope-app")

    response = await revoke(realm, first["refresh_token"], "refresh_token")
    assert response.status_code == 200 and response.text == ""
    (session,) = await user_sessions(realm, first)
    assert session["clients"] == {scope_id: "scope-app"}
    assert not await enabled(realm, first, "app")
    assert await enabled(realm, second, "scope-app")

    response = await revoke(realm, second["refresh_token"], "refresh_token", client_id="scope-app")
    assert response.status_code == 200
    assert await user_sessions(realm, first) == []


async def test_revoke_access_token(realm: Env) -> None:
    """TokenRevocationTest.testRevokeAccessToken: a revoked access token is refused by introspection,
    userinfo, the account REST API and the admin REST API."""
    body = await grant(realm)
    assert await enabled(realm, body)
    response = await revoke(realm, body["access_token"], "access_token")
    assert response.status_code == 200 and response.text == ""
    await access_refused_everywhere(realm, body["access_token"])


async def test_revoked_access_token_cache_lifespan(realm: Env) -> None:
    """TokenRevocationTest.testRevokedAccessTokenCacheLifespan: still refused an access-token lifespan
    later, when its ``exp`` is reached but not passed."""
    body = await grant(realm)
    assert (await revoke(realm, body["access_token"], "access_token")).status_code == 200
    realm.clock.advance(300)
    await access_refused_everywhere(realm, body["access_token"])


async def test_revoke_offline_token(realm: Env) -> None:
    """TokenRevocationTest.testRevokeOfflineToken."""
    body = await grant(realm, scope="offline_access")
    assert await enabled(realm, body)
    assert (await revoke(realm, body["refresh_token"], "refresh_token")).status_code == 200
    assert not await enabled(realm, body)


async def test_revoke_offline_token_with_online_sso_session(realm: Env) -> None:
    """TokenRevocationTest.testRevokeOfflineTokenWithOnlineSSOSession: the offline login of the same SSO
    session shares its id; revoking the offline token disables the offline and the online client."""
    online = await browser(realm)
    offline = await browser(realm, scope="openid offline_access")
    assert online["session_state"] == offline["session_state"]
    assert claims(offline["refresh_token"])["typ"] == "Offline"
    assert await enabled(realm, offline)
    assert (await revoke(realm, offline["refresh_token"], "refresh_token")).status_code == 200
    assert not await enabled(realm, offline)
    assert not await enabled(realm, online)


async def test_token_type_hint(realm: Env) -> None:
    """TokenRevocationTest.testTokenTypeHint: the hint is only a hint; a wrong or unknown one still
    revokes the refresh token."""
    for hint in ("access_token", "invalid_token_type_hint"):
        body = await grant(realm)
        assert await enabled(realm, body)
        response = await revoke(realm, body["refresh_token"], hint)
        assert response.status_code == 200 and response.text == ""
        assert not await enabled(realm, body)


async def test_revoke_token_from_different_client(realm: Env) -> None:
    """TokenRevocationTest.testRevokeTokenFromDifferentClient: 400, and the token stays usable."""
    body = await grant(realm)
    response = await revoke(realm, body["refresh_token"], "refresh_token", client_id="scope-app")
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_request", "error_description": "Unmatching clients"}
    assert await enabled(realm, body)


async def test_revoke_already_revoked_token(realm: Env) -> None:
    """TokenRevocationTest.testRevokeAlreadyRevokedToken: after a logout the revocation still answers 200."""
    body = await grant(realm)
    assert (await logout(realm, body["refresh_token"])).status_code == 204
    assert not await enabled(realm, body)
    response = await revoke(realm, body["refresh_token"], "refresh_token")
    assert response.status_code == 200
    assert response.json() == {"error": "invalid_token", "error_description": "Invalid token"}
    assert not await enabled(realm, body)


@pytest.mark.parametrize("scope,typ", [(None, "Refresh"), ("offline_access", "Offline")])
async def test_revoke_single_session(realm: Env, scope: str | None, typ: str) -> None:
    """TokenRevocationTest.testRevokeSingleNormalSession and testRevokeSingleOfflineSession: one of two
    sessions of the same user and client goes, with a REVOKE_GRANT event naming it."""
    await keep_events(realm, "REVOKE_GRANT")
    first, second = await grant(realm, scope=scope or ""), await grant(realm, scope=scope or "")
    assert await enabled(realm, first) and await enabled(realm, second)
    assert (await revoke(realm, first["refresh_token"], "refresh_token")).status_code == 200
    (event,) = await events_of(realm, "REVOKE_GRANT")
    assert event["sessionId"] == first["session_state"] and event["clientId"] == "app"
    assert event["details"]["refresh_token_id"] == claims(first["refresh_token"])["jti"]
    assert event["details"]["refresh_token_type"] == typ
    assert not await enabled(realm, first)
    assert await enabled(realm, second)


# --- TokenIntrospectionTest -------------------------------------------------------------------------


async def test_confidential_client_credentials_basic_authentication(realm: Env) -> None:
    """TokenIntrospectionTest.testConfidentialClientCredentialsBasicAuthentication: HTTP Basic client
    authentication; the token's claims, ``client_id`` and ``username``; a single audience is a string."""
    body = await browser(realm)
    await keep_events(realm, "INTROSPECT_TOKEN")
    response = await realm.http.post(
        token_url("test", "token/introspect"),
        data={"token": body["access_token"]},
        auth=("confidential-cli", "secret1"),
    )
    assert response.status_code == 200, response.text
    out = response.json()
    assert out["active"] is True and out["username"] == "user1" and out["client_id"] == "app"
    assert {"exp", "iat", "sub", "aud", "iss", "jti"} <= set(out) and "nbf" not in out
    assert "confidential-cli" in out["aud"]  # Keycloak 26.6.2: the caller is in the audience (token_port.prepare)
    (event,) = await events_of(realm, "INTROSPECT_TOKEN")
    assert event["clientId"] == "confidential-cli" and event["sessionId"] == body["session_state"]


async def test_introspect_refresh_token(realm: Env) -> None:
    """TokenIntrospectionTest.testIntrospectRefreshToken: the answer carries sid, client_id, typ and the JWT claims.
    Keycloak's method introspects test-app's refresh token as confidential-cli; since 26.8 (RefreshTokenIntrospectionTest,
    KEYCLOAK.md §12) only the issuing client sees it active, so app introspects its own here."""
    body = await browser(realm)
    await keep_events(realm, "INTROSPECT_TOKEN")
    out = await introspect(realm, body["refresh_token"], "refresh_token", APP)
    assert out["active"] is True and out["sid"] == body["session_state"] and out["client_id"] == "app"
    assert {"exp", "iat", "sub", "aud", "iss", "jti", "typ"} <= set(out) and "nbf" not in out
    assert out["typ"] == "Refresh"
    (event,) = await events_of(realm, "INTROSPECT_TOKEN")
    assert event["clientId"] == "app" and event["sessionId"] == body["session_state"]


async def test_introspect_refresh_token_after_user_session_logout_and_login_again(realm: Env) -> None:
    """TokenIntrospectionTest.testIntrospectRefreshTokenAfterUserSessionLogoutAndLoginAgain: the login
    page stays open across a logout and is reloaded (``driver.navigate().refresh()``: its tab, rooted at the
    session's id, went with the session); the new session's refresh token is active, the old one is not."""
    first = await browser(realm)
    realm.clock.advance(1)
    page = await start(realm.http, "test", "app", prompt="login")
    assert page.status_code == 200
    assert (await logout(realm, first["refresh_token"])).status_code == 204
    realm.clock.advance(2)
    page = await start(realm.http, "test", "app", prompt="login")
    code = code_from(await submit(realm.http, page, username="user1", password="password"))["code"]
    second = (await exchange(realm.http, "test", "app", code)).json()
    assert second["session_state"] != first["session_state"]
    assert (await introspect(realm, second["refresh_token"], "refresh_token", APP))["active"] is True
    assert await introspect(realm, first["refresh_token"], "refresh_token", APP) == INACTIVE


async def test_public_client_credentials_not_allowed(realm: Env) -> None:
    """TokenIntrospectionTest.testPublicClientCredentialsNotAllowed: 403 "Client not allowed."."""
    body = await browser(realm)
    response = await realm.http.post(
        token_url("test", "token/introspect"), data={"client_id": "public-cli", "token": body["access_token"]}
    )
    assert response.status_code == 403
    assert response.json() == {"error": "invalid_request", "error_description": "Client not allowed."}


# A Keycloak access token of 2016, signed by a key this realm never had.
FOREIGN = (
    "eyJhbGciOiJSUzI1NiIsInR5cCIgOiAiSldUIiwia2lkIiA6ICJGSjg2R2NGM2pUYk5MT2NvNE52WmtVQ0lVbWZZQ3FvcXRPUWVNZmJoTmxFIn0"
    ".eyJqdGkiOiI5NjgxZTRlOC01NzhlLTQ3M2ItOTIwNC0yZWE5OTdhYzMwMTgiLCJleHAiOjE0NzYxMDY4NDksIm5iZiI6MCwiaWF0IjoxNDc2"
    "MTA2NTQ5LCJpc3MiOiJodHRwOi8vbG9jYWxob3N0OjgxODAvYXV0aC9yZWFsbXMvdGVzdCIsImF1ZCI6InRlc3QtYXBwIiwic3ViIjoiZWYy"
    "Yzk0NjAtZDRkYy00OTk5LWJlYmUtZWVmYWVkNmJmMGU3IiwidHlwIjoiQmVhcmVyIiwiYXpwIjoidGVzdC1hcHAifQ"
    ".LYU7opqZsc9e-ZmdsIhcecjHL3kQkpP13VpwO4MHMqEVNeJsZI1WOkTM5HGVAihcPfQazhaYvcik0gFTF_6ZcKzDqanjx80TGhSIrV5FoCeU"
)


@pytest.mark.parametrize("token", [FOREIGN, "unsupported"], ids=["foreign signature", "not a JWT"])
async def test_inactive_access_token_and_unsupported_token(realm: Env, token: str) -> None:
    """TokenIntrospectionTest.testInactiveAccessToken and testUnsupportedToken: only ``active: false``."""
    assert await introspect(realm, token) == INACTIVE


async def test_introspect_access_token(realm: Env) -> None:
    """TokenIntrospectionTest.testIntrospectAccessToken: the user's id as ``sub``, the scope granted."""
    body = await browser(realm)
    out = await introspect(realm, body["access_token"])
    assert out["active"] is True and out["username"] == "user1" and out["client_id"] == "app"
    assert out["sub"] == claims(body["access_token"])["sub"]
    assert set(out["scope"].split()) == {"openid", "email", "profile"}


async def test_introspect_access_token_without_scope(realm: Env) -> None:
    """TokenIntrospectionTest.testIntrospectAccessTokenWithoutScope: a client without client scopes and
    a login without ``openid`` give a token whose introspection has no ``scope``."""
    created = await realm.http.post(
        f"{ADMIN}/clients",
        json={
            "clientId": "no-scope",
            "secret": "secret",
            # Keycloak 26.6.2 answers only a caller in the token's audience: its own id, as a custom audience
            "protocolMappers": [
                {
                    "name": "own audience",
                    "protocol": "openid-connect",
                    "protocolMapper": "oidc-audience-mapper",
                    "config": {"included.custom.audience": "no-scope", "access.token.claim": "true"},
                }
            ],
            "redirectUris": list(URIS),
            "directAccessGrantsEnabled": True,
            "defaultClientScopes": [],
            "optionalClientScopes": [],
        },
        headers=await realm.admin_headers(),
    )
    assert created.status_code == 201, created.text
    code = (await login(realm.http, "test", "no-scope", scope=None))["code"]
    body = (await exchange(realm.http, "test", "no-scope", code)).json()
    out = await introspect(realm, body["access_token"], client=("no-scope", "secret"))
    assert out["active"] is True and out["username"] == "user1" and out["client_id"] == "no-scope"
    assert "scope" not in out


@pytest.mark.parametrize("alg", ["ES256", "PS256"])
async def test_introspect_access_token_es256_and_ps256(realm: Env, alg: str) -> None:
    """TokenIntrospectionTest.testIntrospectAccessTokenES256 / PS256: tokens signed with the client's
    algorithm are active, ``token_type`` Bearer."""
    await update_client(
        realm.db,
        "test",
        "app",
        attributes={"post.logout.redirect.uris": "+", "access.token.signed.response.alg": alg},
    )
    body = await browser(realm)
    assert header(body["access_token"])["alg"] == alg
    out = await introspect(realm, body["access_token"])
    assert out["active"] is True and out["username"] == "user1" and out["client_id"] == "app"
    assert out["sub"] == claims(body["access_token"])["sub"] and out["token_type"] == "Bearer"
    assert set(out["scope"].split()) == {"openid", "email", "profile"}


async def test_introspect_access_token_session_invalid(realm: Env) -> None:
    """TokenIntrospectionTest.testIntrospectAccessTokenSessionInvalid: after logout the token is inactive
    and INTROSPECT_TOKEN_ERROR names the session, no user, error ``user_session_not_found``."""
    body = await browser(realm)
    assert (await logout(realm, body["refresh_token"])).status_code == 204
    await keep_events(realm, "INTROSPECT_TOKEN", "INTROSPECT_TOKEN_ERROR")
    assert await introspect(realm, body["access_token"]) == INACTIVE
    (event,) = await events_of(realm, "INTROSPECT_TOKEN_ERROR")
    assert event["clientId"] == "confidential-cli" and event["sessionId"] == body["session_state"]
    assert "userId" not in event and event["error"] == "user_session_not_found"
    assert event["details"]["token_id"] == claims(body["access_token"])["jti"]
    assert await events_of(realm, "INTROSPECT_TOKEN") == []


async def test_introspect_access_token_offline_access(realm: Env) -> None:
    """TokenIntrospectionTest.testIntrospectAccessTokenOfflineAccess: access tokens refreshed from an
    offline token are active while the online session is expired, and after it is removed."""
    body = await browser(realm, scope="openid offline_access")
    realm.clock.advance(86400)
    refreshed = (await refresh(realm.http, "test", "app", body["refresh_token"])).json()
    out = await introspect(realm, refreshed["access_token"])
    assert out["active"] is True and out["username"] == "user1" and out["client_id"] == "app"
    await clean_once(realm.db, realm.clock.now())
    async with realm.db.transaction() as tx:
        assert await tx.sessions.get_user_session(body["session_state"], False) is None
    again = (await refresh(realm.http, "test", "app", refreshed["refresh_token"])).json()
    out = await introspect(realm, again["access_token"])
    assert out["active"] is True and out["username"] == "user1" and out["client_id"] == "app"


async def test_introspect_doesnt_extend_token_lifespan(realm: Env) -> None:
    """TokenIntrospectionTest.testIntrospectDoesntExtendTokenLifespan: introspecting a refresh token does
    not refresh the session; 2400 s later the refresh token has expired."""
    body = await browser(realm)
    body = (await refresh(realm.http, "test", "app", body["refresh_token"])).json()
    realm.clock.advance(1200)
    out = await introspect(realm, body["refresh_token"], "refresh_token", APP)
    assert out["active"] is True and out["username"] == "user1" and out["client_id"] == "app"
    realm.clock.advance(1200)
    response = await refresh(realm.http, "test", "app", body["refresh_token"])
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_grant", "error_description": "Token is not active"}


async def test_introspect_access_token_user_disabled(realm: Env) -> None:
    """TokenIntrospectionTest.testIntrospectAccessTokenUserDisabled."""
    body = await browser(realm)
    user_id = claims(body["access_token"])["sub"]
    response = await realm.http.put(
        f"{ADMIN}/users/{user_id}", json={"enabled": False}, headers=await realm.admin_headers()
    )
    assert response.status_code == 204, response.text
    assert await introspect(realm, body["access_token"]) == INACTIVE


async def test_introspect_access_token_expired(realm: Env) -> None:
    """TokenIntrospectionTest.testIntrospectAccessTokenExpired: one second past the lifespan."""
    body = await browser(realm)
    realm.clock.advance(301)
    assert await introspect(realm, body["access_token"]) == INACTIVE


async def test_introspection_request_params_more_than_once(realm: Env) -> None:
    """TokenIntrospectionTest.testIntrospectionRequestParamsMoreThanOnce: Basic auth, two ``token``."""
    body = await browser(realm)
    body = (await refresh(realm.http, "test", "app", body["refresh_token"])).json()
    pairs = [("token", body["access_token"]), ("token", "foo"), ("token_type_hint", "access_token")]
    response = await realm.http.post(
        token_url("test", "token/introspect"),
        content=urlencode(pairs),
        headers=FORM,
        auth=("confidential-cli", "secret1"),
    )
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_request", "error_description": "duplicated parameter"}


@pytest.mark.parametrize("scope", ["openid", "openid offline_access"], ids=["refresh", "offline"])
async def test_introspect_revoke_refresh_and_offline_token(realm: Env, scope: str) -> None:
    """TokenIntrospectionTest.testIntrospectRevokeRefreshToken and testIntrospectRevokeOfflineToken: with
    revokeRefreshToken, a token already used for a refresh is inactive (introspected by its own client: another one
    sees no refresh token active since Keycloak 26.8)."""
    await update_realm(realm.db, "test", revoke_refresh_token=True)
    body = await browser(realm, scope=scope)
    assert (await refresh(realm.http, "test", "app", body["refresh_token"])).status_code == 200
    assert await introspect(realm, body["refresh_token"], "refresh_token", APP) == INACTIVE


async def test_introspect_refresh_token_after_refresh_token_request(realm: Env) -> None:
    """TokenIntrospectionTest.testIntrospectRefreshTokenAfterRefreshTokenRequest: maxReuse 1; the newest
    token is active; once it is used, the reused old one is inactive."""
    await update_realm(realm.db, "test", revoke_refresh_token=True, refresh_token_max_reuse=1)
    old = (await browser(realm))["refresh_token"]
    realm.clock.advance(1)
    assert (await refresh(realm.http, "test", "app", old)).status_code == 200
    second = await refresh(realm.http, "test", "app", old)
    assert second.status_code == 200, second.text
    new = second.json()["refresh_token"]
    assert (await introspect(realm, new, "refresh_token", APP))["active"] is True
    assert (await refresh(realm.http, "test", "app", new)).status_code == 200
    assert await introspect(realm, old, "refresh_token", APP) == INACTIVE


# --- LogoutTest and RPInitiatedLogoutTest -----------------------------------------------------------

LOGOUT = "/realms/test/protocol/openid-connect/logout"


async def online(env: Env, sid: str) -> bool:
    async with env.db.transaction() as tx:
        return await tx.sessions.get_user_session(sid, False) is not None


async def rp_logout(env: Env, id_token: str) -> httpx.Response:
    return await env.http.get(LOGOUT, params={"id_token_hint": id_token, "post_logout_redirect_uri": REDIRECT})


async def test_post_logout_with_refresh_token_after_user_session_logout_and_login_again(realm: Env) -> None:
    """LogoutTest.postLogoutWithRefreshTokenAfterUserSessionLogoutAndLoginAgain: the login page opened
    before a logout, reloaded after it (``driver.navigate().refresh()``), signs in anew, and that session's
    refresh token logs out (204). The k_logout to the adapter's admin URL is not ported (see the report)."""
    first = await browser(realm)
    realm.clock.advance(1)
    page = await start(realm.http, "test", "app", prompt="login")
    assert (await logout(realm, first["refresh_token"])).status_code == 204
    realm.clock.advance(2)
    page = await start(realm.http, "test", "app", prompt="login")
    code = code_from(await submit(realm.http, page, username="user1", password="password"))["code"]
    second = (await exchange(realm.http, "test", "app", code)).json()
    response = await logout(realm, second["refresh_token"])
    assert response.status_code == 204 and response.text == ""
    assert not await online(realm, second["session_state"])


async def test_backchannel_logout_request_realm_rs384_client_rs512(realm: Env) -> None:
    """LogoutTest.backchannelLogoutRequest_RealmRS384_ClientRS512: the access token follows the client's
    algorithm, the ID token the realm's, the refresh token is HS512; all ``typ`` JWT without ``cty``; the
    ID token then logs the browser out with a redirect."""
    await update_realm(realm.db, "test", default_signature_algorithm="RS384")
    attributes = {"post.logout.redirect.uris": "+", "access.token.signed.response.alg": "RS512"}
    await update_client(realm.db, "test", "app", attributes=attributes)
    body = await browser(realm)
    for token, alg in ((body["access_token"], "RS512"), (body["id_token"], "RS384"), (body["refresh_token"], "HS512")):
        assert header(token)["alg"] == alg and header(token)["typ"] == "JWT" and "cty" not in header(token)
    response = await rp_logout(realm, body["id_token"])
    assert response.status_code == 302 and response.headers["location"] == REDIRECT
    assert not await online(realm, body["session_state"])


async def test_successful_k_logout_after_empty_back_channel_url(realm: Env) -> None:
    """LogoutTest.successfulKLogoutAfterEmptyBackChannelUrl: an empty ``backchannel.logout.url`` does not
    break the browser logout; LOGOUT names the session, the client and the redirect."""
    attributes = {"post.logout.redirect.uris": "+", "backchannel.logout.url": ""}
    await update_client(realm.db, "test", "app", attributes=attributes)
    await keep_events(realm, "LOGOUT")
    body = await browser(realm)
    response = await rp_logout(realm, body["id_token"])
    assert response.status_code == 302 and response.headers["location"] == REDIRECT
    (event,) = await events_of(realm, "LOGOUT")
    assert event["sessionId"] == body["session_state"] and event["clientId"] == "app"
    assert event["details"]["redirect_uri"] == REDIRECT


async def test_logout_user_by_admin(realm: Env) -> None:
    """LogoutTest.logoutUserByAdmin: the user's notBefore goes from 0 to now, and the browser must log in
    again."""
    body = await browser(realm)
    user = f"{ADMIN}/users/{claims(body['access_token'])['sub']}"
    headers = await realm.admin_headers()
    assert (await realm.http.get(user, headers=headers)).json()["notBefore"] == 0
    realm.clock.advance(1)
    assert (await realm.http.post(f"{user}/logout", headers=headers)).status_code == 204
    assert (await realm.http.get(user, headers=headers)).json()["notBefore"] > 0
    page = await start(realm.http, "test", "app")
    assert page.status_code == 200 and 'name="password"' in page.text


async def test_logout_with_expired_id_token(realm: Env) -> None:
    """RPInitiatedLogoutTest.logoutWithExpiredIdToken: a day-old ID token still logs out, with a redirect."""
    body = await browser(realm)
    realm.clock.advance(60 * 60 * 24)
    response = await rp_logout(realm, body["id_token"])
    assert response.status_code == 302 and response.headers["location"] == REDIRECT
    assert not await online(realm, body["session_state"])


async def test_logout_with_valid_id_token_when_logged_out_by_admin(realm: Env) -> None:
    """RPInitiatedLogoutTest.logoutWithValidIdTokenWhenLoggedOutByAdmin: after logout-all the ID token
    still redirects, and no LOGOUT event is recorded."""
    body = await browser(realm)
    await keep_events(realm, "LOGOUT")
    response = await realm.http.post(f"{ADMIN}/logout-all", headers=await realm.admin_headers())
    assert response.status_code == 200, response.text
    response = await rp_logout(realm, body["id_token"])
    assert response.status_code == 302 and response.headers["location"] == REDIRECT
    assert await events_of(realm, "LOGOUT") == []
    assert not await online(realm, body["session_state"])


@pytest.mark.parametrize("broken", ["no signature", "bad signature"])
async def test_logout_with_invalid_id_token_hint(realm: Env, broken: str) -> None:
    """RPInitiatedLogoutTest.logoutWithInvalidIdTokenHint: an error page, and the session stays."""
    body = await browser(realm)
    hint = body["id_token"].rsplit(".", 1)[0] + (".something" if broken == "bad signature" else "")
    response = await rp_logout(realm, hint)
    assert response.status_code == 400 and "id_token_hint" in response.text
    assert await online(realm, body["session_state"])
