"""Refreshing with offline tokens: lifetimes and the ordered error pipeline (KEYCLOAK.md §5, §6.1)."""

from __future__ import annotations

import pytest

from support import (
    assert_error,
    claims,
    password_grant,
    refresh,
    seed_client,
    seed_realm,
    update_client,
    update_realm,
    update_user,
)
from wire_env import Env

pytestmark = pytest.mark.anyio
DAY = 86400


@pytest.fixture
async def realm(realm: Env) -> Env:
    """The shared ``test`` realm plus a second confidential client, ``other``."""
    await seed_client(realm.db, "test", "other")
    return realm


async def offline_token(env: Env, client: str = "app", scope: str = "offline_access") -> str:
    response = await password_grant(env.http, "test", client, scope=scope)
    assert response.status_code == 200, response.text
    return str(response.json()["refresh_token"])


async def offline_exists(env: Env, sid: str) -> bool:
    async with env.db.transaction() as tx:
        return await tx.sessions.get_user_session(sid, True) is not None


async def test_offline_token_survives_thirty_days_if_used_within_idle(realm: Env) -> None:
    token = await offline_token(realm)
    for _ in range(5):
        realm.clock.advance(29 * DAY)
        response = await refresh(realm.http, "test", "app", token)
        assert response.status_code == 200, response.text
        token = response.json()["refresh_token"]


async def test_offline_token_idle_for_thirty_days_fails_and_deletes_the_session(realm: Env) -> None:
    token = await offline_token(realm)
    realm.clock.advance(30 * DAY)
    response = await refresh(realm.http, "test", "app", token)
    assert_error(response, 400, "invalid_grant", "Offline session not active")
    assert not await offline_exists(realm, claims(token)["sid"])
    again = await refresh(realm.http, "test", "app", token)
    assert_error(again, 400, "invalid_grant", "Offline user session not found")


async def test_offline_idle_boundary_is_exact(realm: Env) -> None:
    await update_realm(realm.db, "test", offline_session_idle_timeout=600)
    token = await offline_token(realm)
    realm.clock.advance(599)
    assert (await refresh(realm.http, "test", "app", token)).status_code == 200
    realm.clock.advance(600)
    assert_error(await refresh(realm.http, "test", "app", token), 400, "invalid_grant", "Offline session not active")


async def test_offline_max_is_ignored_unless_limited(realm: Env) -> None:
    token = await offline_token(realm)
    for _ in range(4):
        realm.clock.advance(20 * DAY)
        response = await refresh(realm.http, "test", "app", token)
        assert response.status_code == 200, response.text


async def test_offline_max_limited_ends_the_session_after_sixty_days(realm: Env) -> None:
    await update_realm(realm.db, "test", offline_session_max_lifespan_enabled=True)
    token = await offline_token(realm)
    for _ in range(2):
        realm.clock.advance(29 * DAY)
        response = await refresh(realm.http, "test", "app", token)
        assert response.status_code == 200
        token = response.json()["refresh_token"]
    assert response.json()["refresh_expires_in"] == 2 * DAY  # capped by the 60-day max
    # In the token's exp second the token itself still holds (JsonWebToken.isExpired: now > exp), but the
    # session's max is reached (isSessionValid: max > now): the session check refuses, and deletes it.
    realm.clock.advance(2 * DAY)
    assert_error(await refresh(realm.http, "test", "app", token), 400, "invalid_grant", "Offline session not active")
    realm.clock.advance(1)
    assert_error(await refresh(realm.http, "test", "app", token), 400, "invalid_grant", "Token is not active")


async def test_lowering_the_realm_max_takes_effect_at_the_next_refresh(realm: Env) -> None:
    await update_realm(realm.db, "test", offline_session_max_lifespan_enabled=True)
    token = await offline_token(realm)
    realm.clock.advance(1800)
    await update_realm(realm.db, "test", offline_session_max_lifespan=1000)
    response = await refresh(realm.http, "test", "app", token)
    assert_error(response, 400, "invalid_grant", "Offline session not active")
    assert not await offline_exists(realm, claims(token)["sid"])


async def test_max_3600_idle_6000_works_at_1800_and_fails_at_3660(realm: Env) -> None:
    await update_realm(
        realm.db,
        "test",
        offline_session_max_lifespan_enabled=True,
        offline_session_max_lifespan=3600,
        offline_session_idle_timeout=6000,
    )
    token = await offline_token(realm)
    realm.clock.advance(1800)
    response = await refresh(realm.http, "test", "app", token)
    assert response.status_code == 200
    assert response.json()["refresh_expires_in"] == 1800
    realm.clock.advance(1860)
    assert_error(await refresh(realm.http, "test", "app", token), 400, "invalid_grant", "Token is not active")


async def test_client_offline_max_expires_only_the_client_session(realm: Env) -> None:
    await update_realm(
        realm.db,
        "test",
        offline_session_max_lifespan_enabled=True,
        offline_session_max_lifespan=3600,
        offline_session_idle_timeout=7200,
    )
    await update_client(realm.db, "test", "app", attributes={"client.offline.session.max.lifespan": "1000"})
    body = (await password_grant(realm.http, "test", "app", scope="offline_access")).json()
    assert body["refresh_expires_in"] == 1000
    realm.clock.advance(600)
    response = await refresh(realm.http, "test", "app", body["refresh_token"])
    assert response.json()["refresh_expires_in"] == 400
    # the access token is capped by the client session max too
    assert response.json()["expires_in"] == 300
    realm.clock.advance(1000)
    await update_realm(realm.db, "test", offline_session_max_lifespan=36000)  # keep the user session alive
    token = body["refresh_token"]
    # lift the token's own exp check out of the way: the session rule is what we test
    response = await refresh(realm.http, "test", "app", token)
    assert response.status_code == 400
    assert response.json()["error_description"] in ("Token is not active", "Client session not active")
    assert await offline_exists(realm, body["session_state"])


async def test_client_offline_idle_override_detaches_only_that_client(realm: Env) -> None:
    await update_client(realm.db, "test", "app", attributes={"client.offline.session.idle.timeout": "600"})
    token = await offline_token(realm)
    realm.clock.advance(601)
    response = await refresh(realm.http, "test", "app", token)
    assert_error(response, 400, "invalid_grant", "Client session not active")
    assert await offline_exists(realm, claims(token)["sid"])
    again = await refresh(realm.http, "test", "app", token)
    assert_error(again, 400, "invalid_grant", "Session doesn't have required client")


@pytest.mark.parametrize("raw", [" 600", "600 ", "6e2", "0x258"])
async def test_a_client_timeout_java_cannot_parse_as_a_long_is_unset(realm: Env, raw: str) -> None:
    """SessionExpirationUtils.getClientAttributeTimeout: a non-blank value goes to ``Long.parseLong`` as it is,
    which refuses blanks around the digits: such a value is -1 (unset), so the realm's 30 days apply."""
    await update_client(realm.db, "test", "app", attributes={"client.offline.session.idle.timeout": raw})
    token = await offline_token(realm)
    realm.clock.advance(601)
    assert (await refresh(realm.http, "test", "app", token)).status_code == 200


async def test_realm_client_offline_idle_applies_when_client_has_no_override(realm: Env) -> None:
    await update_realm(realm.db, "test", client_offline_session_idle_timeout=300)
    token = await offline_token(realm)
    realm.clock.advance(301)
    assert_error(await refresh(realm.http, "test", "app", token), 400, "invalid_grant", "Client session not active")


async def test_client_offline_max_without_realm_limit_does_not_set_exp(realm: Env) -> None:
    await update_client(realm.db, "test", "app", attributes={"client.offline.session.max.lifespan": "1000"})
    body = (await password_grant(realm.http, "test", "app", scope="offline_access")).json()
    assert body["refresh_expires_in"] == 0
    assert "exp" not in claims(body["refresh_token"])


async def test_tampered_token_is_invalid_refresh_token(realm: Env) -> None:
    token = await offline_token(realm)
    head, body, sig = token.split(".")
    forged = ".".join([head, body, sig[:-4] + ("AAAA" if not sig.endswith("AAAA") else "BBBB")])
    assert_error(await refresh(realm.http, "test", "app", forged), 400, "invalid_grant", "Invalid refresh token")
    assert_error(await refresh(realm.http, "test", "app", "garbage"), 400, "invalid_grant", "Invalid refresh token")


async def test_alg_none_token_is_refused(realm: Env) -> None:
    import base64
    import json

    token = await offline_token(realm)
    payload = token.split(".")[1]
    header = base64.urlsafe_b64encode(json.dumps({"alg": "none", "typ": "JWT"}).encode()).rstrip(b"=").decode()
    assert_error(
        await refresh(realm.http, "test", "app", f"{header}.{payload}."), 400, "invalid_grant", "Invalid refresh token"
    )


async def test_access_token_is_not_a_refresh_token(realm: Env) -> None:
    body = (await password_grant(realm.http, "test", "app", scope="offline_access")).json()
    assert_error(
        await refresh(realm.http, "test", "app", body["access_token"]), 400, "invalid_grant", "Invalid refresh token"
    )


async def test_token_of_another_realm_is_refused(realm: Env) -> None:
    await seed_realm(realm.db, realm.clock, "second")
    await seed_client(realm.db, "second", "app")
    token = await offline_token(realm)
    assert_error(await refresh(realm.http, "second", "app", token), 400, "invalid_grant", "Invalid refresh token")


async def test_token_of_another_client_is_refused(realm: Env) -> None:
    token = await offline_token(realm)
    response = await refresh(realm.http, "test", "other", token)
    assert_error(
        response, 400, "invalid_grant", "Invalid refresh token. Token client and authorized client don't match"
    )


async def test_missing_refresh_token_is_invalid_request(realm: Env) -> None:
    response = await realm.http.post(
        "/realms/test/protocol/openid-connect/token",
        data={"grant_type": "refresh_token", "client_id": "app", "client_secret": "secret"},
    )
    assert_error(response, 400, "invalid_request", "No refresh token")


async def test_disabled_user_cannot_refresh(realm: Env) -> None:
    token = await offline_token(realm)
    await update_user(realm.db, "test", "user1", enabled=False)
    assert_error(await refresh(realm.http, "test", "app", token), 400, "invalid_grant", "User disabled")


async def test_deleted_user_loses_offline_sessions(realm: Env) -> None:
    token = await offline_token(realm)
    async with realm.db.transaction() as tx:
        user = await tx.users.get(claims(token)["sub"])
        assert user is not None
        await tx.users.delete(user.id)
    assert_error(
        await refresh(realm.http, "test", "app", token), 400, "invalid_grant", "Offline user session not found"
    )


async def test_disabled_client_cannot_refresh(realm: Env) -> None:
    token = await offline_token(realm)
    await update_client(realm.db, "test", "app", enabled=False)
    assert_error(await refresh(realm.http, "test", "app", token), 401, "invalid_client")


async def test_deleted_client_takes_its_offline_sessions_with_it(realm: Env) -> None:
    token = await offline_token(realm)
    async with realm.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        client = await tx.clients.get_by_client_id(test.id, "app")
        assert client is not None
        await tx.clients.delete(client.id)
        assert await tx.sessions.client_sessions(claims(token)["sid"], True) == []
    assert_error(await refresh(realm.http, "test", "app", token), 401, "invalid_client")


async def test_losing_the_offline_access_role_is_offline_access_not_granted(realm: Env) -> None:
    """TokenManager.validateToken: UserSessionUtil.isOfflineAccessGranted keeps the offline_access scope only for a
    user holding its offline_access role (DefaultClientSessionContext.isClientScopePermittedForUser)."""
    token = await offline_token(realm)
    async with realm.db.transaction() as tx:
        user = await tx.users.get(claims(token)["sub"])
        assert user is not None
        await tx.users.revoke_roles(user.id, await tx.users.role_ids(user.id))
    response = await refresh(realm.http, "test", "app", token)
    assert_error(response, 400, "invalid_grant", "Offline session invalid because offline access not granted anymore")


async def test_client_losing_the_offline_access_scope_invalidates_the_session(realm: Env) -> None:
    token = await offline_token(realm)
    async with realm.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        client = await tx.clients.get_by_client_id(test.id, "app")
        scope = await tx.scopes.get_by_name(test.id, "offline_access")
        assert client is not None and scope is not None
        await tx.clients.unlink_scope(client.id, scope.id)
    assert_error(
        await refresh(realm.http, "test", "app", token),
        400,
        "invalid_grant",
        "Offline session invalid because offline access not granted anymore",
    )


@pytest.mark.parametrize("level", ["realm", "client", "user"])
async def test_not_before_policy_makes_older_offline_tokens_stale(realm: Env, level: str) -> None:
    token = await offline_token(realm)
    realm.clock.advance(10)
    now = realm.clock.now()
    if level == "realm":
        await update_realm(realm.db, "test", not_before=now)
    elif level == "client":
        await update_client(realm.db, "test", "app", not_before=now)
    else:
        await update_user(realm.db, "test", "user1", not_before=now)
    assert_error(await refresh(realm.http, "test", "app", token), 400, "invalid_grant", "Stale token")
    fresh = await password_grant(realm.http, "test", "app", scope="offline_access")
    assert fresh.json()["not-before-policy"] == now


async def test_online_refresh_token_expires_with_sso_idle(realm: Env) -> None:
    body = (await password_grant(realm.http, "test", "app")).json()
    assert body["refresh_expires_in"] == 1800
    realm.clock.advance(1801)
    assert_error(
        await refresh(realm.http, "test", "app", body["refresh_token"]), 400, "invalid_grant", "Token is not active"
    )


async def test_online_session_past_sso_max_is_not_active(realm: Env) -> None:
    await update_realm(realm.db, "test", sso_session_max_lifespan=100, sso_session_idle_timeout=1000)
    body = (await password_grant(realm.http, "test", "app")).json()
    assert body["refresh_expires_in"] == 100
    await update_realm(realm.db, "test", sso_session_max_lifespan=50)
    realm.clock.advance(60)
    assert_error(
        await refresh(realm.http, "test", "app", body["refresh_token"]), 400, "invalid_grant", "Session not active"
    )


async def test_a_client_timeout_set_after_issuance_applies_at_the_next_refresh(realm: Env) -> None:
    token = await offline_token(realm)
    assert (await refresh(realm.http, "test", "app", token)).status_code == 200  # warms the config cache
    await update_client(realm.db, "test", "app", attributes={"client.offline.session.idle.timeout": "600"})
    realm.clock.advance(601)
    assert_error(await refresh(realm.http, "test", "app", token), 400, "invalid_grant", "Client session not active")


async def test_disabling_a_client_after_a_cached_refresh_takes_effect_at_once(realm: Env) -> None:
    token = await offline_token(realm)
    assert (await refresh(realm.http, "test", "app", token)).status_code == 200
    await update_client(realm.db, "test", "app", enabled=False)
    assert_error(await refresh(realm.http, "test", "app", token), 401, "invalid_client")


async def _stored_times(env: Env, sid: str) -> tuple[int, int]:
    """The offline session's last refresh and its ``app`` client session's timestamp, as stored."""
    async with env.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        client = await tx.clients.get_by_client_id(test.id, "app")
        assert client is not None
        us = await tx.sessions.get_user_session(sid, True)
        cs = await tx.sessions.get_client_session(sid, True, client.id)
    assert us is not None and cs is not None
    return us.last_session_refresh, cs.timestamp


async def test_refresh_moves_the_session_timestamps_only_forward(realm: Env) -> None:
    """Keycloak's UserSessionAdapter.setLastSessionRefresh and AuthenticatedClientSessionAdapter.setTimestamp
    return when the new value is not above the stored one: a clock set back (a time offset reset) keeps the
    later values, a second refresh within the same second writes nothing, the next later one moves both."""
    token = await offline_token(realm)
    sid = claims(token)["sid"]
    realm.clock.advance(100)
    later = realm.clock.now()
    assert (await refresh(realm.http, "test", "app", token)).status_code == 200
    assert await _stored_times(realm, sid) == (later, later)
    assert (await refresh(realm.http, "test", "app", token)).status_code == 200  # the same second
    assert await _stored_times(realm, sid) == (later, later)
    realm.clock.advance(-50)
    assert (await refresh(realm.http, "test", "app", token)).status_code == 200
    assert await _stored_times(realm, sid) == (later, later)
    realm.clock.advance(60)
    assert (await refresh(realm.http, "test", "app", token)).status_code == 200
    assert await _stored_times(realm, sid) == (later + 10, later + 10)
