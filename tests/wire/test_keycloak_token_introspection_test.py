"""Keycloak's TokenIntrospectionTest, the rest of it, and introspection of every token type and state.

test_keycloak_logout_revoke_introspect.py ports testConfidentialClientCredentialsBasicAuthentication,
testIntrospectRefreshToken, testIntrospectRefreshTokenAfterUserSessionLogoutAndLoginAgain,
testPublicClientCredentialsNotAllowed, testInactiveAccessToken, testUnsupportedToken, testIntrospectAccessToken,
testIntrospectAccessTokenWithoutScope, testIntrospectAccessTokenES256 / PS256, testIntrospectAccessTokenSessionInvalid,
testIntrospectAccessTokenOfflineAccess, testIntrospectDoesntExtendTokenLifespan, testIntrospectAccessTokenUserDisabled,
testIntrospectAccessTokenExpired, testIntrospectionRequestParamsMoreThanOnce, testIntrospectRevokeRefreshToken,
testIntrospectRevokeOfflineToken and testIntrospectRefreshTokenAfterRefreshTokenRequest; this file ports
testInvalidClientCredentials, testIntrospectAccessTokenReturnedAsJwt and testIntrospectWithSamlClient. No method
is skipped (the realm import's renamed ``username`` mapper only shows that ``username`` comes from the user,
which testIntrospectAccessToken already asserts).

The others follow TokenIntrospectionEndpoint and AccessTokenIntrospectionProvider / RefreshTokenIntrospectionProvider:
each token type under each ``token_type_hint``, and the INTROSPECT_TOKEN_ERROR each failed check records (its
Errors value and ``reason``).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

import keycloak_port as kc
from support import claims, seed_client, token_url, update_client
from token_port import (
    INACTIVE,
    browser,
    events_of,
    grant,
    introspect,
    introspection,
    keep_events,
    logout,
    prepare,
    revoke,
)
from wire_env import Env

pytestmark = pytest.mark.anyio


APP = ("app", "secret")


def by_issuer(kind: str) -> tuple[str, str]:
    """The caller for a token of ``kind``: a refresh or offline token is introspected by the client it was issued to
    (Keycloak 26.8, RefreshTokenIntrospectionTest; KEYCLOAK.md §12), and so is an ID token, whose ``aud`` is that
    client (Keycloak 26.6.2's audience check); an access token by confidential-cli, in its audience by a mapper."""
    return APP if kind in ("refresh_token", "offline", "id_token") else ("confidential-cli", "secret1")


@pytest.fixture
async def realm(realm: Env) -> Env:
    await prepare(realm)
    await keep_events(realm, "INTROSPECT_TOKEN", "INTROSPECT_TOKEN_ERROR")
    return realm


async def one_error(env: Env) -> dict[str, Any]:
    (event,) = await events_of(env, "INTROSPECT_TOKEN_ERROR")
    assert await events_of(env, "INTROSPECT_TOKEN") == []
    return event


async def test_invalid_client_credentials(realm: Env) -> None:
    """testInvalidClientCredentials: 401 invalid_request "Authentication failed."."""
    body = await browser(realm)
    response = await introspection(realm, body["access_token"], client=("confidential-cli", "bad_credential"))
    assert response.status_code == 401
    assert response.json() == {"error": "invalid_request", "error_description": "Authentication failed."}


async def test_introspect_access_token_returned_as_jwt(realm: Env) -> None:
    """testIntrospectAccessTokenReturnedAsJwt: ``Accept: application/jwt`` and the caller's
    client.introspection.response.allow.jwt.claim.enabled add ``jwt``; the rest is the usual answer."""
    attributes = {"client.introspection.response.allow.jwt.claim.enabled": "true"}
    await update_client(realm.db, "test", "confidential-cli", attributes=attributes)
    body = await browser(realm)
    form = {"token": body["access_token"], "token_type_hint": "access_token"}
    response = await realm.http.post(
        token_url("test", "token/introspect"),
        data=form,
        auth=("confidential-cli", "secret1"),
        headers={"Accept": "application/jwt"},
    )
    assert response.status_code == 200, response.text
    out = response.json()
    assert out["active"] is True and out["username"] == "user1" and out["client_id"] == "app"
    assert out["sub"] == claims(body["access_token"])["sub"] and out["jwt"].count(".") == 2
    assert set(out["scope"].split()) == {"openid", "email", "profile"}


async def test_introspect_with_saml_client(realm: Env) -> None:
    """testIntrospectWithSamlClient: a SAML client is refused with ``invalid_client``."""
    await seed_client(realm.db, "test", "saml-client", secret="secret2", protocol="saml", service_accounts=True)
    body = await browser(realm)
    response = await introspection(realm, body["access_token"], client=("saml-client", "secret2"))
    assert response.json()["error"] == "invalid_client"


@pytest.mark.parametrize(
    "kind,hint,typ",
    [
        ("access_token", None, "Bearer"),
        ("access_token", "access_token", "Bearer"),
        ("refresh_token", "refresh_token", "Refresh"),
        ("refresh_token", None, "Refresh"),  # the access_token provider checks no type
        ("offline", "refresh_token", "Offline"),
        ("offline", None, "Offline"),
        ("id_token", None, "ID"),  # nor is an ID token refused: TokenVerifier.create has no checks of its own
    ],
)
async def test_every_token_type_is_active_under_its_provider(realm: Env, kind: str, hint: str | None, typ: str) -> None:
    """AccessTokenIntrospectionProvider.verifyToken checks the signature and issuer only (TokenVerifier.create
    plus realmUrl), so any token of the realm with a live session introspects as active, its ``typ`` as
    ``token_type``; INTROSPECT_TOKEN names the caller, the user and the session."""
    body = await grant(realm, scope="offline_access" if kind == "offline" else "")
    token = body["refresh_token" if kind == "offline" else kind]
    out = await introspect(realm, token, hint, by_issuer(kind))
    assert out["active"] is True and out["token_type"] == typ and out["typ"] == typ
    assert out["client_id"] == "app" and out["username"] == "user1"
    assert out["sub"] == claims(body["access_token"])["sub"]
    (event,) = await events_of(realm, "INTROSPECT_TOKEN")
    assert event["clientId"] == by_issuer(kind)[0] and event["sessionId"] == body["session_state"]
    assert event["userId"] == out["sub"]


@pytest.mark.parametrize("kind", ["access_token", "id_token"])
async def test_a_refresh_token_hint_refuses_what_is_not_a_refresh_token(realm: Env, kind: str) -> None:
    """findValidSessionForRefreshToken: a Bearer or ID token under the refresh_token provider is
    INVALID_TOKEN_TYPE, inactive."""
    body = await grant(realm)
    assert await introspect(realm, body[kind], "refresh_token") == INACTIVE


async def test_a_confidential_client_outside_the_tokens_audience_sees_it_inactive(realm: Env) -> None:
    """Before Keycloak 26.6.2 any confidential client could introspect any token; since its audience check
    (AccessTokenIntrospectionProvider.verifyAudience) scope-app, not in app's token's ``aud``, sees it inactive and
    INTROSPECT_TOKEN_ERROR names scope-app with the reason."""
    body = await grant(realm)
    assert "scope-app" not in claims(body["access_token"])["aud"]
    assert await introspect(realm, body["access_token"], client=("scope-app", "secret")) == INACTIVE
    event = await one_error(realm)
    assert event["clientId"] == "scope-app" and event["error"] == "invalid_token"
    assert event["details"]["reason"] == "Client 'scope-app' is not in the token audience"


@pytest.mark.parametrize("kind,hint", [("refresh_token", "refresh_token"), ("refresh_token", None), ("offline", None)])
async def test_another_client_sees_an_apps_refresh_token_inactive(realm: Env, kind: str, hint: str | None) -> None:
    """Keycloak 26.8 (RefreshTokenIntrospectionTest.otherClientCannotIntrospectRefreshToken*): a refresh or offline
    token is active to its own client only; confidential-cli asking about app's is answered inactive after the
    client checks, INTROSPECT_TOKEN_ERROR invalid_token naming the caller and the token, no session nor user yet
    (the reason's words are Doorkeep's: Keycloak's are not in the sources at hand)."""
    body = await grant(realm, scope="offline_access" if kind == "offline" else "")
    token = body["refresh_token"]
    assert await introspect(realm, token, hint) == INACTIVE
    event = await one_error(realm)
    assert event["clientId"] == "confidential-cli" and event["error"] == "invalid_token", event
    assert event["details"]["token_issued_for"] == "app" and event["details"]["token_type"] == claims(token)["typ"]
    reason = "Introspection access token for app client: token not issued to the introspecting client"
    assert event["details"]["reason"] == reason
    assert "sessionId" not in event and "userId" not in event
    assert (await introspect(realm, token, hint, APP))["active"] is True


async def test_a_public_client_is_not_allowed(realm: Env) -> None:
    """authorizeClient: 403 invalid_request "Client not allowed.", INTROSPECT_TOKEN_ERROR invalid_request with
    that ``detail``."""
    body = await grant(realm)
    response = await introspection(realm, body["access_token"], client=("public-cli", ""))
    assert response.status_code == 403
    assert response.json() == {"error": "invalid_request", "error_description": "Client not allowed."}
    event = await one_error(realm)
    assert event["clientId"] == "public-cli" and event["error"] == "invalid_request"
    assert event["details"]["detail"] == "Client not allowed."


@pytest.mark.parametrize("kind,hint", [("access_token", None), ("refresh_token", "refresh_token")])
async def test_after_logout_the_session_is_not_found(realm: Env, kind: str, hint: str | None) -> None:
    """verifyUserSession: USER_SESSION_NOT_FOUND, the reason "Introspection access token for app client:
    user_session_not_found", the token's session named, no user."""
    body = await grant(realm)
    assert (await logout(realm, body["refresh_token"])).status_code == 204
    assert await introspect(realm, body[kind], hint, by_issuer(kind)) == INACTIVE
    event = await one_error(realm)
    assert event["error"] == "user_session_not_found" and event["sessionId"] == body["session_state"]
    assert event["details"]["reason"] == "Introspection access token for app client: user_session_not_found"
    assert "userId" not in event


async def test_after_revocation_both_tokens_are_inactive(realm: Env) -> None:
    """A revoked refresh token detaches app's client session: its refresh and access tokens are inactive. A revoked
    access token fails verifyClient's TokenRevocationCheck: invalid_token, "JWT check failed"."""
    body = await grant(realm)
    assert (await revoke(realm, body["refresh_token"], "refresh_token")).status_code == 200
    assert await introspect(realm, body["refresh_token"], "refresh_token", APP) == INACTIVE
    assert await introspect(realm, body["access_token"]) == INACTIVE
    other = await grant(realm)
    assert (await revoke(realm, other["access_token"], "access_token")).status_code == 200
    await kc.delete(realm, "/events")
    assert await introspect(realm, other["access_token"]) == INACTIVE
    event = await one_error(realm)
    assert event["error"] == "invalid_token" and event["details"]["token_issued_for"] == "app"
    assert event["details"]["reason"] == "Introspection access token for app client: JWT check failed"
    assert "sessionId" not in event
    assert (await introspect(realm, other["refresh_token"], "refresh_token", APP))["active"] is True


@pytest.mark.parametrize("kind,hint", [("access_token", None), ("refresh_token", "refresh_token")])
async def test_a_disabled_users_tokens_are_inactive(realm: Env, kind: str, hint: str | None) -> None:
    """isUserValid: USER_DISABLED, the reason "Could not find valid user from user session <sid>", the user and
    the session named."""
    body = await grant(realm)
    await kc.update_user(realm, "user1", enabled=False)
    assert await introspect(realm, body[kind], hint, by_issuer(kind)) == INACTIVE
    event = await one_error(realm)
    sid = body["session_state"]
    assert event["error"] == "user_disabled" and event["sessionId"] == sid
    assert event["userId"] == claims(body["access_token"])["sub"]
    assert event["details"]["reason"] == f"Could not find valid user from user session {sid}"


@pytest.mark.parametrize("kind,hint", [("access_token", None), ("refresh_token", "refresh_token")])
async def test_a_disabled_clients_tokens_are_inactive(realm: Env, kind: str, hint: str | None) -> None:
    """verifyClient: CLIENT_DISABLED, the reason "Client with clientId app is disabled"; the session is not
    named yet (event.session comes after verifyClient)."""
    body = await grant(realm)
    await kc.update_client(realm, "app", enabled=False)
    # app can no longer authenticate: confidential-cli asks, and verifyClient refuses before the caller is compared
    assert await introspect(realm, body[kind], hint) == INACTIVE
    event = await one_error(realm)
    assert event["error"] == "client_disabled" and "sessionId" not in event
    assert event["details"]["reason"] == "Client with clientId app is disabled"
    assert event["details"]["token_issued_for"] == "app"


async def client_session_gone(env: Env) -> dict[str, Any]:
    """app's tokens once its client session is detached (its refresh token revoked) while the user session lives
    on with scope-app's client session (one browser, SSO)."""
    body = await browser(env)
    await browser(env, "scope-app")
    assert (await revoke(env, body["refresh_token"], "refresh_token")).status_code == 200
    await kc.delete(env, "/events")
    return body


@pytest.mark.parametrize("kind,hint", [("access_token", None), ("refresh_token", "refresh_token")])
async def test_a_disabled_user_whose_client_session_is_gone_has_no_session_found(
    realm: Env, kind: str, hint: str | None
) -> None:
    """introspectionChecks looks the session up (verifyUserSession) before the user (isUserValid): a disabled user
    whose client session is gone gives USER_SESSION_NOT_FOUND, the session named, no user yet."""
    body = await client_session_gone(realm)
    await kc.update_user(realm, "user1", enabled=False)
    await kc.delete(realm, "/events")
    assert await introspect(realm, body[kind], hint, by_issuer(kind)) == INACTIVE
    event = await one_error(realm)
    assert event["error"] == "user_session_not_found" and event["sessionId"] == body["session_state"], event
    assert event["details"]["reason"] == "Introspection access token for app client: user_session_not_found"
    assert "userId" not in event


@pytest.mark.parametrize("kind,hint", [("access_token", None), ("refresh_token", "refresh_token")])
async def test_the_realms_not_before_is_checked_with_the_client_before_the_session(
    realm: Env, kind: str, hint: str | None
) -> None:
    """verifyClient's NotBeforeCheck comes before the session lookup: a token older than the realm's not-before
    whose client session is gone (and whose user is disabled) is "JWT check failed", no session named."""
    body = await client_session_gone(realm)
    await kc.update_user(realm, "user1", enabled=False)
    realm.clock.advance(5)
    await kc.update_realm(realm, notBefore=realm.clock.now())
    await kc.delete(realm, "/events")
    assert await introspect(realm, body[kind], hint, by_issuer(kind)) == INACTIVE
    event = await one_error(realm)
    assert event["error"] == "invalid_token" and event["details"]["token_issued_for"] == "app", event
    assert event["details"]["reason"] == "Introspection access token for app client: JWT check failed"
    assert "sessionId" not in event and "userId" not in event


@pytest.mark.parametrize("kind,hint", [("access_token", None), ("refresh_token", "refresh_token")])
async def test_the_users_not_before_is_checked_with_the_user_after_the_session(
    realm: Env, kind: str, hint: str | None
) -> None:
    """The user's not-before is isUserValid's (NotBeforeCheck.forModel(session, realm, user)), after the session:
    a live session's token older than it is USER_DISABLED with the user named; with the client session gone it
    is USER_SESSION_NOT_FOUND."""
    body = await grant(realm)
    realm.clock.advance(5)
    async with realm.db.transaction() as tx:
        user = await tx.users.get(claims(body["access_token"])["sub"])
        assert user is not None
        await tx.users.update(dataclasses.replace(user, not_before=realm.clock.now()))
    await kc.delete(realm, "/events")
    assert await introspect(realm, body[kind], hint, by_issuer(kind)) == INACTIVE
    event = await one_error(realm)
    sid = body["session_state"]
    assert event["error"] == "user_disabled" and event["sessionId"] == sid and event["userId"] == user.id, event
    assert event["details"]["reason"] == f"Could not find valid user from user session {sid}"
    gone = await client_session_gone(realm)
    async with realm.db.transaction() as tx:
        await tx.users.update(dataclasses.replace(user, not_before=realm.clock.now() + 1))
    realm.clock.advance(5)
    assert await introspect(realm, gone[kind], hint, by_issuer(kind)) == INACTIVE
    event = await one_error(realm)
    assert event["error"] == "user_session_not_found" and "userId" not in event, event


@pytest.mark.parametrize("kind,hint", [("access_token", None), ("refresh_token", "refresh_token")])
async def test_the_users_not_before_comes_before_offline_access(realm: Env, kind: str, hint: str | None) -> None:
    """isUserValid before isOfflineAccessGranted: an offline token older than its user's not-before, of a client
    that lost offline_access, is USER_DISABLED (not SESSION_EXPIRED); offline access alone is SESSION_EXPIRED."""
    body = await grant(realm, scope="offline_access")
    assert claims(body["refresh_token"])["typ"] == "Offline"
    async with realm.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        app = await tx.clients.get_by_client_id(test.id, "app")
        scope = await tx.scopes.get_by_name(test.id, "offline_access")
        assert app is not None and scope is not None
        await tx.clients.unlink_scope(app.id, scope.id)
    await kc.delete(realm, "/events")
    assert await introspect(realm, body[kind], hint, by_issuer(kind)) == INACTIVE
    event = await one_error(realm)
    assert event["error"] == "session_expired", event
    assert event["details"]["reason"] == "Offline session invalid because offline access not granted anymore"
    realm.clock.advance(5)
    async with realm.db.transaction() as tx:
        user = await tx.users.get(claims(body["access_token"])["sub"])
        assert user is not None
        await tx.users.update(dataclasses.replace(user, not_before=realm.clock.now()))
    await kc.delete(realm, "/events")
    assert await introspect(realm, body[kind], hint, by_issuer(kind)) == INACTIVE
    event = await one_error(realm)
    sid = body["session_state"]
    assert event["error"] == "user_disabled" and event["userId"] == user.id, event
    assert event["details"]["reason"] == f"Could not find valid user from user session {sid}"
