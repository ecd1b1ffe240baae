"""Token and session time boundaries to the second, as Keycloak draws them.

A token is judged by JsonWebToken.isActive (TokenVerifier.IS_ACTIVE): ``exp`` absent or 0 never expires and
``now > exp`` is expired, so a token still works in the very second of its ``exp`` and fails one second
later. Sessions are judged by SessionValidationManager.isSessionValid / isClientSessionValid: ``idle > now``
and ``max > now`` (skew 0 under persistent user sessions), so a session is already over in the second its
idle or max timestamp names. A refresh token's ``exp`` is its client session's idle (or max) instant: at
that second the token passes and the session check refuses; one second later the token itself is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from typing import Any

import httpx
import pytest

from doorkeep.email import action_tokens
from support import add_audience, assert_error, claims, password_grant, refresh, token_url, update_client, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

ADMIN = "/admin/realms/test"
ISSUER = "http://localhost/realms/test"
KEPT = ["REFRESH_TOKEN", "REFRESH_TOKEN_ERROR", "INTROSPECT_TOKEN_ERROR", "REVOKE_GRANT"]
UNAUTHORIZED = {"error": "HTTP 401 Unauthorized"}


async def keep_events(env: Env) -> None:
    config = {"eventsEnabled": True, "enabledEventTypes": KEPT}
    response = await env.http.put(f"{ADMIN}/events/config", json=config, headers=await env.admin_headers())
    assert response.status_code == 204, response.text


async def events_of(env: Env, kind: str) -> list[dict[str, Any]]:
    response = await env.http.get(f"{ADMIN}/events", params={"type": kind}, headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    return list(response.json())


async def tokens(env: Env, scope: str | None = None, client: str = "app") -> dict[str, Any]:
    response = await password_grant(env.http, "test", client, scope=scope)
    assert response.status_code == 200, response.text
    return dict(response.json())


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def at(env: Env, epoch: int) -> None:
    """Move the fake clock to ``epoch`` (never backwards)."""
    assert epoch >= env.clock.now(), (epoch, env.clock.now())
    env.clock.set(epoch)


async def assert_refresh_refused(env: Env, token: str, description: str) -> None:
    """400 invalid_grant with ``description``, and the REFRESH_TOKEN_ERROR event Keycloak records for it."""
    assert_error(await refresh(env.http, "test", "app", token), 400, "invalid_grant", description)
    event = (await events_of(env, "REFRESH_TOKEN_ERROR"))[0]  # newest first
    assert (event["clientId"], event["error"], event["details"]["reason"]) == ("app", "invalid_token", description)


# --- access tokens: userinfo, account, admin, introspection, revocation --------------------------------------
async def test_userinfo_accepts_an_access_token_in_its_exp_second_and_refuses_it_one_second_later(
    realm: Env,
) -> None:
    access = (await tokens(realm, "openid"))["access_token"]
    await at(realm, claims(access)["exp"])
    assert (await realm.http.get(token_url("test", "userinfo"), headers=bearer(access))).status_code == 200
    await at(realm, claims(access)["exp"] + 1)
    refused = await realm.http.get(token_url("test", "userinfo"), headers=bearer(access))
    assert refused.status_code == 401 and refused.content == b""
    assert refused.headers["www-authenticate"] == (
        'Bearer realm="test", error="invalid_token", error_description="Token verification failed"'
    )


async def test_the_account_api_accepts_an_access_token_in_its_exp_second_only(realm: Env) -> None:
    access = (await tokens(realm))["access_token"]
    await at(realm, claims(access)["exp"])
    assert (await realm.http.get("/realms/test/account/sessions", headers=bearer(access))).status_code == 200
    await at(realm, claims(access)["exp"] + 1)
    refused = await realm.http.get("/realms/test/account/sessions", headers=bearer(access))
    assert (refused.status_code, refused.json()) == (401, UNAUTHORIZED)


async def test_the_admin_api_accepts_the_master_admin_token_in_its_exp_second_only(realm: Env) -> None:
    access = await realm.admin_token()
    assert claims(access)["exp"] - claims(access)["iat"] == 60  # the master realm's access token lifespan
    await at(realm, claims(access)["exp"])
    assert (await realm.http.get(ADMIN, headers=bearer(access))).status_code == 200
    await at(realm, claims(access)["exp"] + 1)
    refused = await realm.http.get(ADMIN, headers=bearer(access))
    outside = "Token outside validity period"  # AdminRoot.toOAuth2Error of TokenNotActiveException
    assert (refused.status_code, refused.json()) == (401, UNAUTHORIZED | {"error_description": outside})
    assert refused.headers["www-authenticate"] == (
        f'Bearer realm="master", error="invalid_token", error_description="{outside}"'
    )


async def introspect(env: Env, token: str) -> dict[str, Any]:
    form = {"client_id": "app", "client_secret": "secret", "token": token}
    response = await env.http.post(token_url("test", "token/introspect"), data=form)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_introspection_calls_an_access_token_active_in_its_exp_second_and_inactive_after(realm: Env) -> None:
    await keep_events(realm)
    await add_audience(realm.db, "test", "app")  # app introspects its own token (Keycloak 26.6.2's audience check)
    access = (await tokens(realm))["access_token"]
    await at(realm, claims(access)["exp"])
    assert (await introspect(realm, access))["active"] is True
    await at(realm, claims(access)["exp"] + 1)
    assert await introspect(realm, access) == {"active": False}
    (event,) = await events_of(realm, "INTROSPECT_TOKEN_ERROR")
    assert (event["clientId"], event["error"]) == ("app", "invalid_token")


async def test_revocation_does_not_judge_exp_so_an_expired_access_token_is_still_revoked(realm: Env) -> None:
    """TokenRevocationEndpoint decodes the token by its signature only (session.tokens().decode)."""
    await keep_events(realm)
    access = (await tokens(realm))["access_token"]
    await at(realm, claims(access)["exp"] + 1)
    form = {"client_id": "app", "client_secret": "secret", "token": access}
    revoked = await realm.http.post(token_url("test", "revoke"), data=form)
    assert (revoked.status_code, revoked.content) == (200, b"")
    (event,) = await events_of(realm, "REVOKE_GRANT")
    assert event["details"] == {"token_id": claims(access)["jti"], "client_auth_method": "client-secret"}


async def test_logout_accepts_an_id_token_hint_long_past_its_exp(realm: Env) -> None:
    """LogoutEndpoint checks the hint's signature (verifyIDTokenSignature), never its exp."""
    body = await tokens(realm, "openid")
    await at(realm, claims(body["id_token"])["exp"] + 1)
    page = await realm.http.get(token_url("test", "logout"), params={"id_token_hint": body["id_token"]})
    assert page.status_code == 200 and "You are logged out" in page.text
    assert_error(
        await refresh(realm.http, "test", "app", body["refresh_token"]), 400, "invalid_grant", "Session not active"
    )


# --- refresh and offline tokens: the token's own exp ----------------------------------------------------
async def test_an_online_refresh_token_works_in_its_exp_second_and_is_not_active_one_second_later(realm: Env) -> None:
    """The realm's idle grows after issuance, so the session outlives the token and only its exp decides."""
    await keep_events(realm)
    token = (await tokens(realm))["refresh_token"]
    await update_realm(realm.db, "test", sso_session_idle_timeout=3600)
    await at(realm, claims(token)["exp"])
    assert (await refresh(realm.http, "test", "app", token)).status_code == 200
    await at(realm, claims(token)["exp"] + 1)
    await assert_refresh_refused(realm, token, "Token is not active")


async def test_an_offline_token_works_in_its_exp_second_and_is_not_active_one_second_later(realm: Env) -> None:
    await keep_events(realm)
    await update_realm(realm.db, "test", offline_session_max_lifespan_enabled=True)
    token = (await tokens(realm, "offline_access"))["refresh_token"]
    assert claims(token)["typ"] == "Offline" and claims(token)["exp"] == realm.clock.now() + 30 * 86400
    await update_realm(realm.db, "test", offline_session_idle_timeout=40 * 86400)
    await at(realm, claims(token)["exp"])
    assert (await refresh(realm.http, "test", "app", token)).status_code == 200
    await at(realm, claims(token)["exp"] + 1)
    await assert_refresh_refused(realm, token, "Token is not active")


async def test_introspection_of_a_refresh_token_follows_its_exp_second(realm: Env) -> None:
    token = (await tokens(realm))["refresh_token"]
    await update_realm(realm.db, "test", sso_session_idle_timeout=3600)
    await at(realm, claims(token)["exp"])
    assert (await introspect(realm, token))["active"] is True
    await at(realm, claims(token)["exp"] + 1)
    assert await introspect(realm, token) == {"active": False}


# --- sessions: idle and max at the boundary second ---------------------------------------------------------
async def test_an_online_session_is_over_in_its_idle_second_though_the_token_still_holds(realm: Env) -> None:
    await keep_events(realm)
    body = await tokens(realm)
    start = realm.clock.now()
    assert claims(body["refresh_token"])["exp"] == start + 1800
    await at(realm, start + 1799)
    assert (await refresh(realm.http, "test", "app", body["refresh_token"])).status_code == 200
    fresh = await tokens(realm)
    await at(realm, claims(fresh["refresh_token"])["exp"])  # its session's idle instant
    await assert_refresh_refused(realm, fresh["refresh_token"], "Session not active")


async def test_an_online_session_is_over_in_its_max_second(realm: Env) -> None:
    await keep_events(realm)
    await update_realm(realm.db, "test", sso_session_max_lifespan=3600)
    token = (await tokens(realm))["refresh_token"]
    start = realm.clock.now()
    for step in (1700, 3399, 3599):
        await at(realm, start + step)
        response = await refresh(realm.http, "test", "app", token)
        assert response.status_code == 200, (step, response.text)
        token = response.json()["refresh_token"]
    assert claims(token)["exp"] == start + 3600  # capped by the session max
    await at(realm, start + 3600)
    await assert_refresh_refused(realm, token, "Session not active")
    await at(realm, start + 3601)
    await assert_refresh_refused(realm, token, "Token is not active")


async def test_an_online_client_session_is_over_in_its_idle_second(realm: Env) -> None:
    await keep_events(realm)
    await update_client(realm.db, "test", "app", attributes={"client.session.idle.timeout": "600"})
    token = (await tokens(realm))["refresh_token"]
    start = realm.clock.now()
    assert claims(token)["exp"] == start + 600
    await at(realm, start + 599)
    token = (await refresh(realm.http, "test", "app", token)).json()["refresh_token"]
    await at(realm, start + 599 + 600)
    await assert_refresh_refused(realm, token, "Client session not active")


async def test_an_offline_session_is_over_in_its_idle_second_and_is_deleted(realm: Env) -> None:
    await keep_events(realm)
    await update_realm(realm.db, "test", offline_session_idle_timeout=600)
    first = (await tokens(realm, "offline_access"))["refresh_token"]
    start = realm.clock.now()
    await at(realm, start + 599)
    assert (await refresh(realm.http, "test", "app", first)).status_code == 200
    await at(realm, start + 599 + 600)
    await assert_refresh_refused(realm, first, "Offline session not active")
    await assert_refresh_refused(realm, first, "Offline user session not found")


async def test_an_offline_session_is_over_in_its_max_second(realm: Env) -> None:
    await keep_events(realm)
    await update_realm(
        realm.db,
        "test",
        offline_session_max_lifespan_enabled=True,
        offline_session_idle_timeout=2000,
        offline_session_max_lifespan=3000,
    )
    token = (await tokens(realm, "offline_access"))["refresh_token"]
    start = realm.clock.now()
    for step in (1999, 2999):
        await at(realm, start + step)
        response = await refresh(realm.http, "test", "app", token)
        assert response.status_code == 200, (step, response.text)
        token = response.json()["refresh_token"]
    assert claims(token)["exp"] == start + 3000
    await at(realm, start + 3000)
    await assert_refresh_refused(realm, token, "Offline session not active")
    await at(realm, start + 3001)
    await assert_refresh_refused(realm, token, "Token is not active")


async def test_an_offline_client_session_is_over_in_its_max_second(realm: Env) -> None:
    await keep_events(realm)
    attributes = {"client.offline.session.max.lifespan": "1000"}
    await update_client(realm.db, "test", "app", attributes=attributes)
    token = (await tokens(realm, "offline_access"))["refresh_token"]
    start = realm.clock.now()
    await at(realm, start + 999)
    token = (await refresh(realm.http, "test", "app", token)).json()["refresh_token"]
    await at(realm, start + 1000)
    await assert_refresh_refused(realm, token, "Client session not active")


# --- action tokens, client-registration tokens, client assertions ------------------------------------------
async def action_link(env: Env, lifespan: int) -> tuple[str, int]:
    """A verify-email action token for user1, minted by the app's own services, and its exp."""
    services = env.apps[0].state.doorkeep.services
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        user = await tx.users.get_by_username(realm.id, "user1")
        assert user is not None
        token = action_tokens.new(
            action_tokens.VERIFY_EMAIL, user.id, "app", env.clock.now(), lifespan, email=user.email
        )
        key = await action_tokens.serialize(tx, services, realm.id, ISSUER, token)
    return f"/realms/test/login-actions/action-token?key={key}", token.expires


async def test_an_action_token_works_in_its_exp_second_and_has_expired_one_second_later(realm: Env) -> None:
    link, exp = await action_link(realm, 60)
    await at(realm, exp)
    page = await realm.http.get(link)
    assert page.status_code == 200 and "Confirm validity of e-mail address user1@example.com." in page.text
    await at(realm, exp + 1)
    expired = await realm.http.get(link)
    assert expired.status_code == 400 and "Action expired." in expired.text


async def test_an_initial_access_token_is_expired_in_its_exp_second_and_fails_to_decode_after(realm: Env) -> None:
    """ClientRegistrationAuth: the JWT passes IS_ACTIVE at exp, but the model check is ``timestamp +
    expiration > now``; one second later IS_ACTIVE itself refuses the token."""
    iat = "/admin/realms/test/clients-initial-access"
    created = await realm.http.post(iat, json={"expiration": 60, "count": 5}, headers=await realm.admin_headers())
    assert created.status_code == 201, created.text
    token = created.json()["token"]
    reg = "/realms/test/clients-registrations/default"
    await at(realm, claims(token)["exp"] - 1)
    assert (await realm.http.post(reg, json={"clientId": "c1"}, headers=bearer(token))).status_code == 201
    await at(realm, claims(token)["exp"])
    in_exp = await realm.http.post(reg, json={"clientId": "c2"}, headers=bearer(token))
    assert_error(in_exp, 401, "invalid_token", "Expired initial access token")
    await at(realm, claims(token)["exp"] + 1)
    after = await realm.http.post(reg, json={"clientId": "c3"}, headers=bearer(token))
    assert_error(after, 401, "invalid_token", "Failed decode token")


def secret_jwt(payload: dict[str, Any]) -> str:
    """A client_secret_jwt assertion (HS256 with the client secret ``secret``), signed by hand."""

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + "." + b64(json.dumps(payload).encode())
    return head + "." + b64(hmac.new(b"secret", head.encode(), hashlib.sha256).digest())


async def assertion_grant(env: Env, exp: int) -> httpx.Response:
    payload = {"iss": "app", "sub": "app", "aud": ISSUER, "exp": exp, "jti": str(uuid.uuid4())}
    form = {
        "grant_type": "password",
        "username": "user1",
        "password": "password",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": secret_jwt(payload),
    }
    return await env.http.post(token_url("test"), data=form)


async def test_a_client_assertion_works_in_its_exp_second_and_gets_no_skew_on_exp(realm: Env) -> None:
    """AbstractBaseJWTValidator: ``isActive(15)`` widens nbf only; exp is exact (no iat: no max-exp cap)."""
    await update_client(realm.db, "test", "app", client_authenticator_type="client-secret-jwt")
    now = realm.clock.now()
    assert (await assertion_grant(realm, now)).status_code == 200
    assert_error(await assertion_grant(realm, now - 1), 400, "invalid_client", "Token is not active")


INT_MAX = 2**31 - 1


async def test_is_session_valid_with_the_largest_timeouts(realm: Env) -> None:
    """SessionTimeoutValidationTest.testIsSessionValid (KEYCLOAK-9833): SSO Session Idle and Max of
    Integer.MAX_VALUE, online and offline, must not break a login, a refresh or a session read; nothing
    overflows, on either engine, and the admin API reads the sessions back as live."""
    settings = {
        "ssoSessionIdleTimeout": INT_MAX,
        "ssoSessionMaxLifespan": INT_MAX,
        "offlineSessionIdleTimeout": INT_MAX,
        "offlineSessionMaxLifespanEnabled": True,
        "offlineSessionMaxLifespan": INT_MAX,
        "clientSessionIdleTimeout": INT_MAX,
        "clientSessionMaxLifespan": INT_MAX,
    }
    response = await realm.http.put(ADMIN, json=settings, headers=await realm.admin_headers())
    assert response.status_code == 204, response.text
    stored = (await realm.http.get(ADMIN, headers=await realm.admin_headers())).json()
    assert {key: stored[key] for key in settings} == settings
    online, offline = await tokens(realm, "openid"), await tokens(realm, "openid offline_access")
    assert online["refresh_expires_in"] > 0 and offline["refresh_expires_in"] > 0
    realm.clock.advance(10 * 365 * 86400)  # ten years on: still inside every timeout
    for body in (online, offline):
        refreshed = await refresh(realm.http, "test", "app", body["refresh_token"])
        assert refreshed.status_code == 200, refreshed.text
        userinfo = await realm.http.get(token_url("test", "userinfo"), headers=bearer(refreshed.json()["access_token"]))
        assert userinfo.status_code == 200, userinfo.text
    user = claims(online["access_token"])["sub"]
    sessions = await realm.http.get(f"{ADMIN}/users/{user}/sessions", headers=await realm.admin_headers())
    assert sessions.status_code == 200, sessions.text
    assert claims(online["access_token"])["sid"] in [s["id"] for s in sessions.json()]
    stats = await realm.http.get(f"{ADMIN}/client-session-stats", headers=await realm.admin_headers())
    assert stats.status_code == 200, stats.text
    assert [(s["active"], s["offline"]) for s in stats.json() if s["clientId"] == "app"] == [("1", "1")]
