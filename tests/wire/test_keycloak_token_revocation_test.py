"""Keycloak's TokenRevocationTest, the rest of it, and the TokenRevocationEndpoint paths its methods do not reach.

test_keycloak_logout_revoke_introspect.py ports testRevokeToken, testRevokeAccessToken,
testRevokedAccessTokenCacheLifespan, testRevokeOfflineToken, testRevokeOfflineTokenWithOnlineSSOSession,
testTokenTypeHint, testRevokeTokenFromDifferentClient, testRevokeAlreadyRevokedToken, testRevokeSingleNormalSession
and testRevokeSingleOfflineSession; this file ports testRevokeRequestParamsMoreThanOnce, the one method left. No
method is skipped. The other tests follow TokenRevocationEndpoint (checkToken, checkIssuedFor, checkUser,
revokeClientSession, revokeAccessToken) and UserSessionUtil.findValidSessionForAccessToken, each refusal with the
REVOKE_GRANT_ERROR event Keycloak's EventBuilder records.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest

import keycloak_port as kc
from doorkeep.keys.ring import KeyRing
from doorkeep.model import Consent
from doorkeep.sessions.cleaner import clean_once
from doorkeep.tokens import TokenCodec
from support import claims, token_url
from token_port import (
    INVALID_TOKEN,
    access_refused_everywhere,
    enabled,
    events_of,
    grant,
    introspect,
    keep_events,
    prepare,
    revoke,
)
from wire_env import Env

pytestmark = pytest.mark.anyio

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
IDLE_PAST = 1800 + 120 + 1  # ssoSessionIdleTimeout plus SessionTimeoutHelper.IDLE_TIMEOUT_WINDOW_SECONDS, and one


@pytest.fixture
async def realm(realm: Env) -> Env:
    await prepare(realm)
    await keep_events(realm, "REVOKE_GRANT", "REVOKE_GRANT_ERROR")
    return realm


async def one_error(env: Env) -> dict[str, Any]:
    (event,) = await events_of(env, "REVOKE_GRANT_ERROR")
    return event


async def without_azp(env: Env, token: str) -> str:
    """The token signed again by the realm's own key, without ``azp`` (a token Keycloak never issues, but
    one its checkIssuedFor guards against)."""
    body = {name: value for name, value in claims(token).items() if name != "azp"}
    codec = TokenCodec(KeyRing())
    async with env.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        if body["typ"] == "Bearer":
            return await codec.sign(tx, test.id, body, "RS256", env.clock.now())
        return await codec.sign_internal(tx, test.id, body, env.clock.now())


async def test_revoke_request_params_more_than_once(realm: Env) -> None:
    """testRevokeRequestParamsMoreThanOnce (KEYCLOAK-17300): two ``token`` parameters; refused after the client
    authentication, without an event (checkParameterDuplicated throws before any event.error)."""
    body = await grant(realm)
    assert await enabled(realm, body)
    pairs = [("token", body["refresh_token"]), ("token", "foo"), ("token_type_hint", "refresh_token")]
    pairs += [("client_id", "app"), ("client_secret", "secret")]
    response = await realm.http.post(token_url("test", "revoke"), content=urlencode(pairs), headers=FORM)
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_request", "error_description": "duplicated parameter"}
    assert await events_of(realm, "REVOKE_GRANT_ERROR") == []
    assert await enabled(realm, body)


@pytest.mark.parametrize("kind", ["access_token", "refresh_token"])
async def test_a_token_without_azp_is_answered_200_invalid_token(realm: Env, kind: str) -> None:
    """checkIssuedFor: no ``azp`` is 200 invalid_token, reason "Issued for not set"; nothing is revoked."""
    body = await grant(realm)
    response = await revoke(realm, await without_azp(realm, body[kind]), kind)
    assert response.status_code == 200 and response.json() == INVALID_TOKEN
    event = await one_error(realm)
    assert event["error"] == "invalid_token" and event["clientId"] == "app"
    assert event["details"]["reason"] == "Issued for not set"
    assert await enabled(realm, body)


@pytest.mark.parametrize("kind", ["access_token", "refresh_token"])
async def test_another_clients_token_is_400_unmatching_clients(realm: Env, kind: str) -> None:
    """checkIssuedFor: ``azp`` not the caller is 400 invalid_request "Unmatching clients" (event error
    invalid_request, the reason the same text); the token stays usable."""
    body = await grant(realm)
    response = await revoke(realm, body[kind], kind, client_id="scope-app")
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_request", "error_description": "Unmatching clients"}
    event = await one_error(realm)
    assert event["error"] == "invalid_request" and event["clientId"] == "scope-app"
    assert event["details"]["reason"] == "Unmatching clients"
    assert await enabled(realm, body)


@pytest.mark.parametrize("kind", ["access_token", "refresh_token"])
async def test_after_the_session_expired_the_answer_is_200_invalid_token(realm: Env, kind: str) -> None:
    """checkUser: a session still stored but past its idle timeout is SESSION_EXPIRED; once the cleaner
    removed it, USER_SESSION_NOT_FOUND; both 200 invalid_token, and neither recorded as REVOKE_GRANT_ERROR (Keycloak
    PR #50828). The (expired) token is still decoded: Keycloak's session.tokens().decode checks only the signature."""
    body = await grant(realm)
    realm.clock.advance(IDLE_PAST)
    response = await revoke(realm, body[kind], kind)
    assert response.status_code == 200 and response.json() == INVALID_TOKEN
    assert await events_of(realm, "REVOKE_GRANT_ERROR") == []
    realm.clock.advance(180)  # the cleaner's window past the idle timeout (cleaner.CLEANER_WINDOW)
    await clean_once(realm.db, realm.clock.now())
    response = await revoke(realm, body[kind], kind)
    assert response.status_code == 200 and response.json() == INVALID_TOKEN
    assert await events_of(realm, "REVOKE_GRANT_ERROR") == []


async def test_a_disabled_users_refresh_token_is_still_revoked(realm: Env) -> None:
    """checkUser looks at the session and that its user exists, not whether the user is enabled: a disabled
    user's token is revoked (200, REVOKE_GRANT naming the user), and stays revoked once the user is enabled."""
    body = await grant(realm)
    await kc.update_user(realm, "user1", enabled=False)
    response = await revoke(realm, body["refresh_token"], "refresh_token")
    assert response.status_code == 200 and response.text == ""
    (event,) = await events_of(realm, "REVOKE_GRANT")
    assert event["userId"] == claims(body["access_token"])["sub"] and event["sessionId"] == body["session_state"]
    await kc.update_user(realm, "user1", enabled=True)
    assert not await enabled(realm, body)


async def test_revoking_an_offline_token_removes_the_offline_session_and_the_consents_offline_grant(
    realm: Env,
) -> None:
    """revokeClientSession: removeClientFromOfflineUserSession, the offline session going with its last client.
    The consent record stays (UserConsentManager is not called); its "Offline Token" grant, derived from the
    offline sessions, is gone."""
    user = await kc.user_id(realm, "user1")
    app = await kc.client_uuid(realm, "app")
    async with realm.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        profile = next(s.id for s in await tx.scopes.list(test.id) if s.name == "profile")
        await tx.sessions.save_consent(Consent(user, app, (profile,), 1000, 2000))
    body = await grant(realm, scope="offline_access")
    (consent,) = await kc.get(realm, f"/users/{user}/consents")
    assert consent["additionalGrants"] == [{"client": app, "key": "Offline Token"}]
    assert len(await kc.get(realm, f"/users/{user}/offline-sessions/{app}")) == 1

    response = await revoke(realm, body["refresh_token"], "refresh_token")
    assert response.status_code == 200 and response.text == ""
    assert await kc.get(realm, f"/users/{user}/offline-sessions/{app}") == []
    (consent,) = await kc.get(realm, f"/users/{user}/consents")
    assert consent["clientId"] == "app" and consent["grantedClientScopes"] == ["profile"]
    assert consent["additionalGrants"] == []
    async with realm.db.transaction() as tx:
        assert await tx.sessions.get_user_session(body["session_state"], True) is None


async def test_an_offline_token_without_a_stored_consent_leaves_no_consent_entry(realm: Env) -> None:
    """Without a consent record the client was listed only for its offline token; after the revocation it is
    not listed at all (UserResource.getConsents)."""
    user = await kc.user_id(realm, "user1")
    body = await grant(realm, scope="offline_access")
    assert [c["clientId"] for c in await kc.get(realm, f"/users/{user}/consents")] == ["app"]
    assert (await revoke(realm, body["refresh_token"], "refresh_token")).status_code == 200
    assert await kc.get(realm, f"/users/{user}/consents") == []


async def test_a_revoked_access_token_is_kept_in_the_revoked_token_store(realm: Env) -> None:
    """revokeAccessToken: REVOKE_GRANT with ``token_id`` and the user, no session (event.session is not set on
    this path); introspection, userinfo and the REST APIs refuse it; the user's session and refresh token stay."""
    body = await grant(realm)
    response = await revoke(realm, body["access_token"], "access_token")
    assert response.status_code == 200 and response.text == ""
    (event,) = await events_of(realm, "REVOKE_GRANT")
    assert event["details"]["token_id"] == claims(body["access_token"])["jti"]
    assert event["userId"] == claims(body["access_token"])["sub"] and "sessionId" not in event
    await access_refused_everywhere(realm, body["access_token"])
    userinfo = await realm.http.get(
        token_url("test", "userinfo"), headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert 'error="invalid_token"' in userinfo.headers["www-authenticate"]
    fresh = await grant(realm)
    assert (await introspect(realm, fresh["access_token"]))["active"] is True


async def test_an_id_token_is_an_unsupported_token_type(realm: Env) -> None:
    """checkToken: ``typ`` ID is none of Refresh, Offline, Bearer, DPoP: 400 unsupported_token_type, event error
    invalid_token_type with the reason "Unsupported token type"."""
    body = await grant(realm)
    response = await revoke(realm, body["id_token"])
    assert response.status_code == 400
    assert response.json() == {"error": "unsupported_token_type", "error_description": "Unsupported token type"}
    event = await one_error(realm)
    assert event["error"] == "invalid_token_type" and event["details"]["reason"] == "Unsupported token type"


async def test_no_token_is_400_token_not_provided(realm: Env) -> None:
    """checkToken: no ``token`` is 400 invalid_request "Token not provided", with that reason."""
    form = {"client_id": "app", "client_secret": "secret"}
    response = await realm.http.post(token_url("test", "revoke"), data=form)
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_request", "error_description": "Token not provided"}
    event = await one_error(realm)
    assert event["error"] == "invalid_request" and event["details"]["reason"] == "Token not provided"
