"""User events: what is recorded when a realm keeps events, and the admin endpoints that read, clear and
configure them (Keycloak's RealmAdminResource ``events``, ``events/config``)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from browser_flow import REDIRECT, exchange, login, start, submit
from doorkeep import events
from doorkeep.model import Event
from doorkeep.sessions.cleaner import clean_once
from support import (
    add_audience,
    assert_error,
    claims,
    password_grant,
    refresh,
    seed_client,
    seed_user,
    token_url,
    update_client,
    update_realm,
)
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "/admin/realms/test"
TOKEN_TYPES = [
    "LOGIN",
    "LOGIN_ERROR",
    "CLIENT_LOGIN",
    "CODE_TO_TOKEN",
    "REFRESH_TOKEN",
    "REFRESH_TOKEN_ERROR",
    "LOGOUT",
    "REVOKE_GRANT",
    "INTROSPECT_TOKEN",
    "USER_INFO_REQUEST",
]


async def configure(env: Env, **config: Any) -> None:
    response = await env.http.put(f"{REALM}/events/config", json=config, headers=await env.admin_headers())
    assert response.status_code == 204, response.text


async def events_of(env: Env, **params: Any) -> list[dict[str, Any]]:
    response = await env.http.get(f"{REALM}/events", params=params, headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = response.json()
    return body


async def tokens(env: Env, **kw: Any) -> dict[str, Any]:
    response = await password_grant(env.http, "test", "app", **kw)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def realm_id(env: Env) -> str:
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        return realm.id


# --- off by default, then on -------------------------------------------------------------------
async def test_events_are_off_by_default_and_nothing_is_recorded(realm: Env) -> None:
    await tokens(realm)
    assert (await password_grant(realm.http, "test", "app", password="wrong")).status_code == 400
    assert await events_of(realm) == []
    config = (await realm.http.get(f"{REALM}/events/config", headers=await realm.admin_headers())).json()
    assert config == {
        "eventsEnabled": False,
        "eventsListeners": ["jboss-logging"],
        "enabledEventTypes": list(events.SAVED_BY_DEFAULT),
        "adminEventsEnabled": False,
        "adminEventsDetailsEnabled": False,
    }
    assert config["enabledEventTypes"][:4] == ["LOGIN", "LOGIN_ERROR", "REGISTER", "REGISTER_ERROR"]
    assert "REFRESH_TOKEN" not in config["enabledEventTypes"]


async def test_a_password_login_is_a_login_event_with_keycloak_details(realm: Env) -> None:
    await configure(realm, eventsEnabled=True)
    body = await tokens(realm)
    access, refresh_claims = claims(body["access_token"]), claims(body["refresh_token"])
    (event,) = await events_of(realm)
    assert uuid.UUID(event["id"])
    assert event == {
        "id": event["id"],
        "time": realm.clock.now() * 1000,
        "type": "LOGIN",
        "realmId": await realm_id(realm),
        "clientId": "app",
        "userId": access["sub"],
        "sessionId": body["session_state"],
        "ipAddress": "127.0.0.1",
        "details": {
            "grant_type": "password",
            "auth_method": "openid-connect",
            "username": "user1",
            "token_id": access["jti"],
            "scope": body["scope"],
            "client_auth_method": "client-secret",
            "refresh_token_id": refresh_claims["jti"],
            "refresh_token_type": "Refresh",
        },
    }


async def test_a_wrong_password_is_a_login_error_naming_the_user(realm: Env) -> None:
    await configure(realm, eventsEnabled=True)
    user_id = claims((await tokens(realm))["access_token"])["sub"]
    realm.clock.advance(1)
    assert (await password_grant(realm.http, "test", "app", password="wrong")).status_code == 400
    realm.clock.advance(1)
    assert (await password_grant(realm.http, "test", "app", "nobody")).status_code == 400
    unknown, wrong, _ = await events_of(realm)
    assert wrong["type"] == "LOGIN_ERROR" and wrong["error"] == "invalid_user_credentials"
    assert wrong["userId"] == user_id and wrong["clientId"] == "app" and "sessionId" not in wrong
    assert wrong["details"] == {
        "grant_type": "password",
        "auth_method": "openid-connect",
        "username": "user1",
        "client_auth_method": "client-secret",  # the client authentication flow's detail, set before the grant
    }
    assert unknown["error"] == "user_not_found" and "userId" not in unknown


async def test_client_authentication_failures_are_login_errors_of_the_given_client(realm: Env) -> None:
    await configure(realm, eventsEnabled=True)
    assert (await password_grant(realm.http, "test", "app", secret="nope")).status_code == 401
    realm.clock.advance(1)
    assert (await password_grant(realm.http, "test", "ghost")).status_code == 401
    ghost, app = await events_of(realm)
    assert (app["type"], app["clientId"], app["error"]) == ("LOGIN_ERROR", "app", "invalid_client_credentials")
    assert (ghost["type"], ghost["clientId"], ghost["error"]) == ("LOGIN_ERROR", "ghost", "client_not_found")


async def test_refresh_events_are_not_kept_unless_their_type_is_enabled(realm: Env) -> None:
    await configure(realm, eventsEnabled=True)
    body = await tokens(realm)
    assert (await refresh(realm.http, "test", "app", body["refresh_token"])).status_code == 200
    assert [e["type"] for e in await events_of(realm)] == ["LOGIN"]


async def test_an_offline_refresh_records_the_old_and_new_refresh_token_ids(realm: Env) -> None:
    await configure(realm, eventsEnabled=True, enabledEventTypes=TOKEN_TYPES)
    body = await tokens(realm, scope="offline_access")
    realm.clock.advance(5)
    renewed = (await refresh(realm.http, "test", "app", body["refresh_token"])).json()
    event = (await events_of(realm))[0]
    assert event["type"] == "REFRESH_TOKEN" and event["time"] == realm.clock.now() * 1000
    assert event["userId"] == claims(body["access_token"])["sub"] and event["sessionId"] == body["session_state"]
    assert event["details"] == {
        "grant_type": "refresh_token",
        "token_id": claims(renewed["access_token"])["jti"],
        "scope": renewed["scope"],
        "client_auth_method": "client-secret",
        "refresh_token_id": claims(body["refresh_token"])["jti"],
        "refresh_token_type": "Offline",
        "refresh_token_sub": event["userId"],
        "updated_refresh_token_id": claims(renewed["refresh_token"])["jti"],
        # TokenManager.storeRefreshTimingInformation: the new access token's lifetime, the old token's age
        "access_token_expiration_time": "300",
        "age_of_refresh_token": "5",
    }


async def test_a_refresh_after_the_session_was_revoked_is_a_refresh_error_with_invalid_token(realm: Env) -> None:
    await configure(realm, eventsEnabled=True, enabledEventTypes=TOKEN_TYPES)
    body = await tokens(realm)
    deleted = await realm.http.delete(f"{REALM}/sessions/{body['session_state']}", headers=await realm.admin_headers())
    assert deleted.status_code == 204
    assert_error(
        await refresh(realm.http, "test", "app", body["refresh_token"]), 400, "invalid_grant", "Session not active"
    )
    (event,) = await events_of(realm, type="REFRESH_TOKEN_ERROR")
    assert (event["clientId"], event["error"]) == ("app", "invalid_token")
    # TokenManager.refreshAccessToken names the session and the token once verifyRefreshToken accepted it
    assert event["sessionId"] == body["session_state"] and "userId" not in event
    assert event["details"] == {
        "grant_type": "refresh_token",
        "refresh_token_id": claims(body["refresh_token"])["jti"],
        "refresh_token_type": "Refresh",
        "refresh_token_sub": claims(body["access_token"])["sub"],
        "client_auth_method": "client-secret",
        "reason": "Session not active",  # RefreshTokenGrantType: the OAuthErrorException's description
    }


async def test_a_refresh_token_that_fails_verification_names_no_session(realm: Env) -> None:
    await configure(realm, eventsEnabled=True, enabledEventTypes=TOKEN_TYPES)
    assert_error(await refresh(realm.http, "test", "app", "garbage"), 400, "invalid_grant", "Invalid refresh token")
    (event,) = await events_of(realm, type="REFRESH_TOKEN_ERROR")
    assert "sessionId" not in event and "userId" not in event
    assert event["details"] == {
        "grant_type": "refresh_token",
        "client_auth_method": "client-secret",
        "reason": "Invalid refresh token",
    }


async def test_a_reused_rotated_refresh_token_is_an_error_naming_its_session_and_subject(realm: Env) -> None:
    """RefreshTokenTest.refreshTokenReuseTokenWithRefreshTokensRevoked: the refusal names the session,
    the token and its subject, and no user."""
    await update_realm(realm.db, "test", revoke_refresh_token=True)
    await configure(realm, eventsEnabled=True, enabledEventTypes=TOKEN_TYPES)
    body = await tokens(realm)
    assert (await refresh(realm.http, "test", "app", body["refresh_token"])).status_code == 200
    reused = await refresh(realm.http, "test", "app", body["refresh_token"])
    assert_error(reused, 400, "invalid_grant", "Maximum allowed refresh token reuse exceeded")
    (event,) = await events_of(realm, type="REFRESH_TOKEN_ERROR")
    assert event["sessionId"] == body["session_state"] and "userId" not in event and event["error"] == "invalid_token"
    assert event["details"]["refresh_token_id"] == claims(body["refresh_token"])["jti"]
    assert event["details"]["refresh_token_sub"] == claims(body["access_token"])["sub"]


async def test_logout_revocation_introspection_and_userinfo_are_recorded(realm: Env) -> None:
    await configure(realm, eventsEnabled=True, enabledEventTypes=TOKEN_TYPES)
    await add_audience(realm.db, "test", "app")  # app introspects its own token (Keycloak 26.6.2's audience check)
    first, second = await tokens(realm), await tokens(realm)
    user_id = claims(first["access_token"])["sub"]
    form = {"client_id": "app", "client_secret": "secret"}
    logout = await realm.http.post(token_url("test", "logout"), data={**form, "refresh_token": first["refresh_token"]})
    revoke = await realm.http.post(token_url("test", "revoke"), data={**form, "token": second["refresh_token"]})
    third = await tokens(realm, scope="openid")
    introspect = await realm.http.post(
        token_url("test", "token/introspect"), data={**form, "token": third["access_token"]}
    )
    userinfo = await realm.http.get(
        token_url("test", "userinfo"), headers={"Authorization": f"Bearer {third['access_token']}"}
    )
    assert (logout.status_code, revoke.status_code, introspect.status_code, userinfo.status_code) == (
        204,
        200,
        200,
        200,
    )
    found = {
        e["type"]: e
        for e in await events_of(realm, type=["LOGOUT", "REVOKE_GRANT", "INTROSPECT_TOKEN", "USER_INFO_REQUEST"])
    }
    assert set(found) == {"LOGOUT", "REVOKE_GRANT", "INTROSPECT_TOKEN", "USER_INFO_REQUEST"}
    for event in found.values():
        assert (event["clientId"], event["userId"], event["ipAddress"]) == ("app", user_id, "127.0.0.1")
    assert found["LOGOUT"]["sessionId"] == first["session_state"]
    # ClientAuthenticationFlow.processFlow puts the authenticator on the logout endpoint's event too.
    assert found["LOGOUT"]["details"] == {"client_auth_method": "client-secret"}
    assert found["REVOKE_GRANT"]["sessionId"] == second["session_state"]
    assert found["REVOKE_GRANT"]["details"] == {
        "revoked_client": "app",
        "refresh_token_type": "Refresh",
        "refresh_token_id": claims(second["refresh_token"])["jti"],
        "client_auth_method": "client-secret",
    }
    assert found["INTROSPECT_TOKEN"]["sessionId"] == third["session_state"]
    assert found["INTROSPECT_TOKEN"]["details"] == {"client_auth_method": "client-secret"}
    assert found["USER_INFO_REQUEST"]["sessionId"] == third["session_state"]
    assert found["USER_INFO_REQUEST"]["details"] == {
        "auth_method": "validate_access_token",
        "username": "user1",
        "signature_required": "false",
    }


async def test_revoking_an_access_token_records_its_token_id(realm: Env) -> None:
    await configure(realm, eventsEnabled=True)
    body = await tokens(realm)
    response = await realm.http.post(
        token_url("test", "revoke"), data={"client_id": "app", "client_secret": "secret", "token": body["access_token"]}
    )
    assert response.status_code == 200
    event = (await events_of(realm, type="REVOKE_GRANT"))[0]
    assert event["details"] == {"token_id": claims(body["access_token"])["jti"], "client_auth_method": "client-secret"}
    assert "sessionId" not in event


async def test_client_credentials_is_a_client_login_of_the_service_account(realm: Env) -> None:
    await seed_client(realm.db, "test", "svc", service_accounts=True)
    await configure(realm, eventsEnabled=True)
    response = await realm.http.post(
        token_url("test"), data={"grant_type": "client_credentials", "client_id": "svc", "client_secret": "secret"}
    )
    assert response.status_code == 200, response.text
    event = (await events_of(realm))[0]
    access = claims(response.json()["access_token"])
    assert (event["type"], event["clientId"], event["userId"]) == ("CLIENT_LOGIN", "svc", access["sub"])
    assert "sessionId" not in event
    assert event["details"] == {
        "grant_type": "client_credentials",
        "username": "service-account-svc",
        "token_id": access["jti"],
        "scope": response.json()["scope"],
        "client_auth_method": "client-secret",
    }


async def test_the_browser_login_code_exchange_and_logout_are_recorded(realm: Env) -> None:
    await update_client(
        realm.db,
        "test",
        "app",
        redirect_uris=("http://127.0.0.1:9999/*",),
        attributes={"post.logout.redirect.uris": "+"},
    )
    await configure(realm, eventsEnabled=True)
    page = await start(realm.http, "test", "app")
    assert (await submit(realm.http, page, username="user1", password="wrong")).status_code == 200
    realm.clock.advance(1)
    params = await login(realm.http, "test", "app")
    realm.clock.advance(1)
    body = (await exchange(realm.http, "test", "app", params["code"])).json()
    realm.clock.advance(1)
    response = await realm.http.get(
        token_url("test", "logout"), params={"id_token_hint": body["id_token"], "post_logout_redirect_uri": REDIRECT}
    )
    assert response.status_code == 302
    logout, exchanged, logged_in, refused = await events_of(realm)
    user_id, sid = claims(body["access_token"])["sub"], params["session_state"]
    assert (refused["type"], refused["error"], refused["userId"]) == (
        "LOGIN_ERROR",
        "invalid_user_credentials",
        user_id,
    )
    assert (logged_in["type"], logged_in["userId"], logged_in["sessionId"]) == ("LOGIN", user_id, sid)
    assert logged_in["details"] == {
        "auth_method": "openid-connect",
        "auth_type": "code",
        "response_type": "code",
        "response_mode": "query",
        "redirect_uri": REDIRECT,
        "code_id": sid,
        "username": "user1",
        "consent": "no_consent_required",  # AuthenticationManager.actionRequired
    }
    assert (exchanged["type"], exchanged["sessionId"]) == ("CODE_TO_TOKEN", sid)
    assert exchanged["details"]["code_id"] == sid and exchanged["details"]["grant_type"] == "authorization_code"
    assert (logout["type"], logout["clientId"], logout["userId"], logout["sessionId"]) == (
        "LOGOUT",
        "app",
        user_id,
        sid,
    )
    assert logout["details"] == {"redirect_uri": REDIRECT}


async def test_revoking_consent_in_the_account_api_is_a_revoke_grant(realm: Env) -> None:
    await configure(realm, eventsEnabled=True, enabledEventTypes=["REVOKE_GRANT"])
    body = await tokens(realm, scope="offline_access")
    response = await realm.http.delete(
        "/realms/test/account/applications/app/consent", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert response.status_code == 204
    (event,) = await events_of(realm)
    assert (event["type"], event["userId"]) == ("REVOKE_GRANT", claims(body["access_token"])["sub"])
    assert event["details"] == {"revoked_client": "app"}


# --- which types are kept --------------------------------------------------------------------------
async def test_enabled_event_types_limit_what_is_kept(realm: Env) -> None:
    await configure(realm, eventsEnabled=True, enabledEventTypes=["LOGIN_ERROR"])
    await tokens(realm)
    assert (await password_grant(realm.http, "test", "app", password="wrong")).status_code == 400
    assert [e["type"] for e in await events_of(realm)] == ["LOGIN_ERROR"]


async def test_events_enabled_through_the_realm_representation_are_honoured(realm: Env) -> None:
    response = await realm.http.put(
        REALM,
        json={"eventsEnabled": True, "eventsExpiration": 600, "enabledEventTypes": ["LOGIN"]},
        headers=await realm.admin_headers(),
    )
    assert response.status_code == 204
    rep = (await realm.http.get(REALM, headers=await realm.admin_headers())).json()
    assert (rep["eventsEnabled"], rep["eventsExpiration"], rep["enabledEventTypes"]) == (True, 600, ["LOGIN"])
    assert rep["eventsListeners"] == ["jboss-logging"] and rep["adminEventsEnabled"] is False
    await tokens(realm)
    assert [e["type"] for e in await events_of(realm)] == ["LOGIN"]


# --- the query ------------------------------------------------------------------------------------
async def seed_events(env: Env, count: int, **fields: Any) -> None:
    rid = await realm_id(env)
    async with env.db.transaction() as tx:
        for i in range(count):
            await tx.events.add(
                Event(
                    id=str(uuid.uuid4()),
                    realm_id=rid,
                    time=fields.get("time", i * 1000),
                    type=fields.get("type", "LOGIN"),
                    client_id=fields.get("client_id", "app"),
                    user_id=fields.get("user_id"),
                    ip_address=fields.get("ip", "10.0.0.1"),
                )
            )


async def test_events_can_be_filtered_by_type_client_user_date_and_address(realm: Env) -> None:
    await seed_events(realm, 1, time=1_000, type="LOGIN", client_id="app", user_id="u1")
    await seed_events(realm, 1, time=86_400_000, type="LOGOUT", client_id="web", user_id="u2", ip="10.0.0.2")
    await seed_events(realm, 1, time=2 * 86_400_000, type="LOGIN_ERROR", client_id="app", user_id="u2")

    async def times(**params: Any) -> list[int]:
        return [e["time"] for e in await events_of(realm, **params)]

    assert await times() == [2 * 86_400_000, 86_400_000, 1_000]
    assert await times(type=["LOGIN", "LOGOUT"]) == [86_400_000, 1_000]
    assert await times(client="app") == [2 * 86_400_000, 1_000]
    assert await times(user="u2") == [2 * 86_400_000, 86_400_000]
    assert await times(ipAddress="10.0.0.2") == [86_400_000]
    assert await times(dateFrom="1970-01-02", dateTo="1970-01-02") == [86_400_000]
    assert await times(dateFrom="1001", dateTo=str(86_400_000)) == [86_400_000]
    assert await times(dateTo="1970-01-01") == [1_000]


async def test_events_are_paged_newest_first_a_hundred_at_most_by_default(realm: Env) -> None:
    await seed_events(realm, 105)
    everything = await events_of(realm)
    assert len(everything) == 100 and everything[0]["time"] == 104_000 and everything[-1]["time"] == 5_000
    page = await events_of(realm, first=10, max=3)
    assert [e["time"] for e in page] == [94_000, 93_000, 92_000]
    assert len(await events_of(realm, max=200)) == 105


async def test_a_bad_date_or_type_is_a_400(realm: Env) -> None:
    headers = await realm.admin_headers()
    response = await realm.http.get(f"{REALM}/events", params={"dateFrom": "yesterday"}, headers=headers)
    assert response.status_code == 400
    assert response.json() == {
        "error": "Invalid value for 'dateFrom', expected format is yyyy-MM-dd or an Epoch timestamp"
    }
    assert (
        await realm.http.get(f"{REALM}/events", params={"dateTo": "2024-13-01"}, headers=headers)
    ).status_code == 400
    assert (await realm.http.get(f"{REALM}/events", params={"type": "NOPE"}, headers=headers)).status_code == 400


async def test_deleting_events_clears_this_realm_only(realm: Env) -> None:
    await seed_events(realm, 3)
    response = await realm.http.delete(f"{REALM}/events", headers=await realm.admin_headers())
    assert response.status_code == 204
    assert await events_of(realm) == []


async def test_the_cleaner_purges_events_older_than_the_realm_expiration(realm: Env) -> None:
    await configure(realm, eventsEnabled=True, eventsExpiration=3600)
    await tokens(realm)
    realm.clock.advance(1800)
    await tokens(realm)
    realm.clock.advance(2000)
    await clean_once(realm.db, realm.clock.now())
    assert [e["time"] for e in await events_of(realm)] == [(realm.clock.now() - 2000) * 1000]


# --- the configuration --------------------------------------------------------------------------
async def test_the_events_config_round_trips(realm: Env) -> None:
    headers = await realm.admin_headers()
    config = {
        "eventsEnabled": True,
        "eventsExpiration": 3600,
        "eventsListeners": ["jboss-logging", "email"],
        "enabledEventTypes": ["LOGIN", "LOGOUT"],
        "adminEventsEnabled": True,
        "adminEventsDetailsEnabled": True,
    }
    assert (await realm.http.put(f"{REALM}/events/config", json=config, headers=headers)).status_code == 204
    assert (await realm.http.get(f"{REALM}/events/config", headers=headers)).json() == config
    # Keycloak's primitives: an omitted eventsEnabled is false, an omitted expiration 0; lists are kept.
    assert (await realm.http.put(f"{REALM}/events/config", json={}, headers=headers)).status_code == 204
    assert (await realm.http.get(f"{REALM}/events/config", headers=headers)).json() == {
        "eventsEnabled": False,
        "eventsListeners": ["jboss-logging", "email"],
        "enabledEventTypes": ["LOGIN", "LOGOUT"],
        "adminEventsEnabled": True,
        "adminEventsDetailsEnabled": True,
    }


async def test_an_unknown_listener_or_a_malformed_config_is_refused(realm: Env) -> None:
    headers = await realm.admin_headers()
    response = await realm.http.put(f"{REALM}/events/config", json={"eventsListeners": ["kafka"]}, headers=headers)
    assert response.status_code == 400 and response.json() == {"error": "Unknown event listener"}
    response = await realm.http.put(f"{REALM}/events/config", json={"eventsEnabled": "yes"}, headers=headers)
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"
    config = (await realm.http.get(f"{REALM}/events/config", headers=headers)).json()
    assert config["eventsEnabled"] is False and config["eventsListeners"] == ["jboss-logging"]


# --- who may ----------------------------------------------------------------------------------------
async def realm_admin(env: Env, username: str, *roles: str) -> dict[str, str]:
    user = await seed_user(env.db, env.clock, "test", username)
    async with env.db.transaction() as tx:
        management = await tx.clients.get_by_client_id(user.realm_id, "realm-management")
        assert management is not None
        for name in roles:
            role = await tx.roles.get_client_role(management.id, name)
            assert role is not None, name
            await tx.users.grant_roles(user.id, [role.id])
    response = await password_grant(env.http, "test", "admin-cli", username, secret=None)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def test_reading_events_needs_view_events_and_changing_them_manage_events(realm: Env) -> None:
    users = await realm_admin(realm, "helpdesk", "view-users")
    viewer = await realm_admin(realm, "auditor", "view-events")
    manager = await realm_admin(realm, "security", "manage-events")
    for path in ("/events", "/events/config"):
        assert (await realm.http.get(REALM + path, headers=users)).json() == {"error": "HTTP 403 Forbidden"}
        assert (await realm.http.get(REALM + path, headers=viewer)).status_code == 200
        assert (await realm.http.get(REALM + path, headers=manager)).status_code == 200
    assert (await realm.http.delete(f"{REALM}/events", headers=viewer)).status_code == 403
    assert (await realm.http.put(f"{REALM}/events/config", json={}, headers=viewer)).status_code == 403
    assert (await realm.http.delete(f"{REALM}/events", headers=manager)).status_code == 204
    assert (
        await realm.http.put(f"{REALM}/events/config", json={"eventsEnabled": True}, headers=manager)
    ).status_code == 204
    assert (await realm.http.get(f"{REALM}/events")).status_code == 401


async def test_events_of_the_same_second_list_newest_first(realm: Env) -> None:
    headers = await realm.admin_headers()
    config = {"eventsEnabled": True, "enabledEventTypes": ["LOGIN", "LOGIN_ERROR", "REFRESH_TOKEN", "LOGOUT"]}
    assert (await realm.http.put("/admin/realms/test/events/config", json=config, headers=headers)).status_code == 204
    body = (await password_grant(realm.http, "test", "app")).json()
    await password_grant(realm.http, "test", "app", password="wrong")
    await refresh(realm.http, "test", "app", body["refresh_token"])
    events = (await realm.http.get("/admin/realms/test/events", headers=headers)).json()
    assert [e["type"] for e in events] == ["REFRESH_TOKEN", "LOGIN_ERROR", "LOGIN"]
