"""Which error wins when a refresh has two faults at once, and what the refusal writes (KEYCLOAK.md §6.1).

Keycloak 26 answers with the first check that fails: client authentication (TokenEndpoint.checkClient), then
TokenManager.verifyRefreshToken (signature, type, issuer, the realm's and client's not-before, expiry, the
token's client, its binding), then AbstractRefreshTokenProvider.refreshAccessToken: TokenManager.validateToken
(session, user, client session, offline access), the user's not-before, consent, the rotation check
(validateTokenReuseForRefresh) and last the offline permission (createOrUpdateOfflineSession, while the new
refresh token is made). Only validateToken's expired session or client session and the rotation check's
detach write; a refusal before them leaves every session as it was.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import keycloak_port as kc
from key_provider_port import created_id, metadata, rep
from support import (
    assert_error,
    claims,
    header,
    password_grant,
    refresh,
    seed_client,
    update_client,
    update_realm,
    update_user,
)
from wire_env import Env

pytestmark = pytest.mark.anyio

REUSE = "Maximum allowed refresh token reuse exceeded"
NOT_ALLOWED = "Offline tokens not allowed for the user or client"
MISMATCH = "Invalid refresh token. Token client and authorized client don't match"
BAD_CLIENT = "Invalid client or Invalid client credentials"


@pytest.fixture
async def rotating(realm: Env) -> Env:
    """Realm ``test`` with Revoke Refresh Token on (max reuse 0) and REFRESH_TOKEN_ERROR events kept."""
    await update_realm(realm.db, "test", revoke_refresh_token=True)
    await kc.put(realm, "/events/config", {"eventsEnabled": True, "enabledEventTypes": ["REFRESH_TOKEN_ERROR"]})
    return realm


async def login(env: Env, scope: str = "", client_id: str = "app", secret: str | None = "secret") -> dict[str, Any]:
    response = await password_grant(env.http, "test", client_id, secret=secret, scope=f"openid {scope}".strip())
    assert response.status_code == 200, response.text
    return dict(response.json())


async def rotated(env: Env, scope: str = "") -> tuple[str, str]:
    """A token used once (so reusing it is a rotation fault) and its successor."""
    first = (await login(env, scope))["refresh_token"]
    env.clock.advance(2)
    second = await refresh(env.http, "test", "app", first)
    assert second.status_code == 200, second.text
    env.clock.advance(2)
    return first, str(second.json()["refresh_token"])


async def last_error(env: Env) -> dict[str, Any]:
    (event, *_) = await kc.get(env, "/events", type="REFRESH_TOKEN_ERROR")
    return dict(event)


async def refused(env: Env, response: httpx.Response, status: int, error: str, description: str) -> None:
    """The answer, and Keycloak's REFRESH_TOKEN_ERROR: ``invalid_token`` with the description as ``reason``."""
    assert_error(response, status, error, description)
    event = await last_error(env)
    assert (event["error"], event["details"]["reason"]) == ("invalid_token", description), event


async def expire_sessions(env: Env) -> None:
    """The online session ends (its idle timeout lowered to 60 s, 61 s pass) while its refresh token, issued under
    the old timeout, is still active: a session fault without a token fault."""
    await update_realm(env.db, "test", sso_session_idle_timeout=60)
    env.clock.advance(61)


async def client_session_kept(env: Env, token: str, client_id: str = "app") -> bool:
    c = claims(token)
    async with env.db.transaction(write=False) as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        client = await tx.clients.get_by_client_id(realm.id, client_id)
        assert client is not None
        return await tx.sessions.get_client_session(c["sid"], c["typ"] == "Offline", client.id) is not None


# --- the rotation fault with a session, user or client fault: the other fault wins, nothing is detached -------


async def test_a_reused_token_of_a_logged_out_session_answers_session_not_active(rotating: Env) -> None:
    reused, _ = await rotated(rotating)
    await kc.delete(rotating, f"/sessions/{claims(reused)['sid']}")
    await refused(
        rotating, await refresh(rotating.http, "test", "app", reused), 400, "invalid_grant", "Session not active"
    )


async def test_a_reused_offline_token_of_a_revoked_offline_session_answers_not_found(rotating: Env) -> None:
    reused, _ = await rotated(rotating, "offline_access")
    await kc.delete(rotating, f"/sessions/{claims(reused)['sid']}?isOffline=true")
    response = await refresh(rotating.http, "test", "app", reused)
    await refused(rotating, response, 400, "invalid_grant", "Offline user session not found")


@pytest.mark.parametrize("scope", ["", "offline_access"])
async def test_a_reused_token_of_a_disabled_user_answers_user_disabled_and_detaches_nothing(
    rotating: Env, scope: str
) -> None:
    reused, successor = await rotated(rotating, scope)
    await update_user(rotating.db, "test", "user1", enabled=False)
    await refused(rotating, await refresh(rotating.http, "test", "app", reused), 400, "invalid_grant", "User disabled")
    assert await client_session_kept(rotating, successor)
    await update_user(rotating.db, "test", "user1", enabled=True)
    assert (await refresh(rotating.http, "test", "app", successor)).status_code == 200


async def test_a_reused_token_of_a_disabled_client_fails_client_authentication_and_detaches_nothing(
    rotating: Env,
) -> None:
    reused, successor = await rotated(rotating)
    await update_client(rotating.db, "test", "app", enabled=False)
    assert_error(await refresh(rotating.http, "test", "app", reused), 401, "invalid_client", BAD_CLIENT)
    await update_client(rotating.db, "test", "app", enabled=True)
    assert (await refresh(rotating.http, "test", "app", successor)).status_code == 200


async def test_a_reused_token_issued_before_the_users_not_before_is_stale_and_detaches_nothing(rotating: Env) -> None:
    """The user's not-before is checked after validateToken and before the rotation check: "Stale token" without
    the rotation's detach, so the successor works again once the not-before is cleared."""
    reused, successor = await rotated(rotating)
    await update_user(rotating.db, "test", "user1", not_before=rotating.clock.now() + 1)
    await refused(rotating, await refresh(rotating.http, "test", "app", reused), 400, "invalid_grant", "Stale token")
    assert await client_session_kept(rotating, successor)
    await update_user(rotating.db, "test", "user1", not_before=0)
    assert (await refresh(rotating.http, "test", "app", successor)).status_code == 200


async def test_a_wrong_client_secret_wins_over_a_reused_token(rotating: Env) -> None:
    reused, successor = await rotated(rotating)
    response = await refresh(rotating.http, "test", "app", reused, secret="wrong")
    assert_error(response, 401, "unauthorized_client", BAD_CLIENT)
    assert (await refresh(rotating.http, "test", "app", successor)).status_code == 200


# --- the rotation fault and the offline permission: the rotation check comes first ---------------------------


async def take_offline_role(env: Env) -> None:
    """The user loses offline_access (it leaves the default roles). The offline_access client scope's mapping of
    that role goes first: with it, validateToken would refuse the user before the rotation check
    (UserSessionUtil.isOfflineAccessGranted, test_kc_s71k_offline_role_granted.py); without it the scope stays
    permitted and only the making of the new refresh token asks for the role."""
    uid = await kc.user_id(env, "user1")
    (role,) = [
        r for r in await kc.get(env, f"/users/{uid}/role-mappings/realm/composite") if r["name"] == "offline_access"
    ]
    (scope,) = [s for s in await kc.get(env, "/client-scopes") if s["name"] == "offline_access"]
    await kc.delete(env, f"/client-scopes/{scope['id']}/scope-mappings/realm", [role])
    default = await kc.get(env, "/roles/default-roles-test")
    await kc.delete(env, f"/roles-by-id/{default['id']}/composites", [role])


async def test_a_reused_offline_token_of_a_user_without_offline_access_is_a_reuse_and_detaches(
    rotating: Env,
) -> None:
    """Keycloak checks the offline permission only while it makes the new refresh token, after the rotation
    check: a reused token of a user who lost the role answers the reuse error and its client session goes."""
    reused, successor = await rotated(rotating, "offline_access")
    await take_offline_role(rotating)
    await refused(rotating, await refresh(rotating.http, "test", "app", reused), 400, "invalid_grant", REUSE)
    assert not await client_session_kept(rotating, successor)


async def test_a_fresh_offline_token_of_a_user_without_offline_access_is_refused_and_not_used_up(
    rotating: Env,
) -> None:
    """The refusal is ``not_allowed`` (event error ``not_allowed``). Keycloak 26 keeps the use its rotation check
    counted before the refusal (keycloak#49213, a bug its open fix #51749 removes); Doorkeep writes nothing, so the
    same token works once the role is back."""
    _, successor = await rotated(rotating, "offline_access")
    await take_offline_role(rotating)
    response = await refresh(rotating.http, "test", "app", successor)
    assert_error(response, 400, "not_allowed", NOT_ALLOWED)
    event = await last_error(rotating)
    assert (event["error"], event["details"]["reason"]) == ("not_allowed", NOT_ALLOWED), event
    assert await client_session_kept(rotating, successor)
    default = await kc.get(rotating, "/roles/default-roles-test")
    (role,) = await kc.get(rotating, "/roles", search="offline_access")
    await kc.post(rotating, f"/roles-by-id/{default['id']}/composites", [role])
    again = await refresh(rotating.http, "test", "app", successor)
    assert again.status_code == 200, again.text


# --- token faults with a session fault: verifyRefreshToken's answer wins and the session is left as it is -----


async def test_another_clients_token_of_an_expired_session_is_a_mismatch_and_leaves_the_session(realm: Env) -> None:
    await kc.put(realm, "/events/config", {"eventsEnabled": True, "enabledEventTypes": ["REFRESH_TOKEN_ERROR"]})
    token = (await login(realm))["refresh_token"]
    await seed_client(realm.db, "test", "public-cli", public=True)
    await expire_sessions(realm)
    response = await refresh(realm.http, "test", "public-cli", token, secret=None)
    await refused(realm, response, 400, "invalid_grant", MISMATCH)
    assert await client_session_kept(realm, token)


@pytest.mark.parametrize("level", ["realm", "client"])
async def test_a_token_before_the_realms_or_clients_not_before_of_an_expired_session_is_stale(
    realm: Env, level: str
) -> None:
    """verifyRefreshToken's NotBeforeCheck (realm, client) comes before the session is looked at: "Stale token",
    and the expired session is not logged out by this refusal."""
    await kc.put(realm, "/events/config", {"eventsEnabled": True, "enabledEventTypes": ["REFRESH_TOKEN_ERROR"]})
    token = (await login(realm))["refresh_token"]
    await expire_sessions(realm)
    if level == "realm":
        await update_realm(realm.db, "test", not_before=realm.clock.now())
    else:
        await update_client(realm.db, "test", "app", not_before=realm.clock.now())
    await refused(realm, await refresh(realm.http, "test", "app", token), 400, "invalid_grant", "Stale token")
    assert await client_session_kept(realm, token)


async def test_a_token_before_the_users_not_before_of_an_expired_session_answers_session_not_active(
    realm: Env,
) -> None:
    """The user's not-before is checked after the session: "Session not active", and the session is logged out."""
    await kc.put(realm, "/events/config", {"eventsEnabled": True, "enabledEventTypes": ["REFRESH_TOKEN_ERROR"]})
    token = (await login(realm))["refresh_token"]
    await expire_sessions(realm)
    await update_user(realm.db, "test", "user1", not_before=realm.clock.now())
    await refused(realm, await refresh(realm.http, "test", "app", token), 400, "invalid_grant", "Session not active")
    assert not await client_session_kept(realm, token)


async def test_an_offline_token_without_the_offline_scope_and_before_the_users_not_before_answers_the_scope(
    realm: Env,
) -> None:
    """Keycloak 26.7+ checks offline access inside validateToken and the user's not-before after it (26.0-26.2
    checked the not-before first): the offline-access refusal wins."""
    await kc.put(realm, "/events/config", {"eventsEnabled": True, "enabledEventTypes": ["REFRESH_TOKEN_ERROR"]})
    token = (await login(realm, "offline_access"))["refresh_token"]
    (scope,) = [s for s in await kc.get(realm, "/client-scopes") if s["name"] == "offline_access"]
    await kc.delete(realm, f"/clients/{await kc.client_uuid(realm, 'app')}/optional-client-scopes/{scope['id']}")
    await update_user(realm.db, "test", "user1", not_before=realm.clock.now() + 1)
    response = await refresh(realm.http, "test", "app", token)
    description = "Offline session invalid because offline access not granted anymore"
    await refused(realm, response, 400, "invalid_grant", description)


async def test_an_offline_token_survives_the_end_of_its_online_session(realm: Env) -> None:
    token = (await login(realm, "offline_access"))["refresh_token"]
    realm.clock.advance(1801)  # the online session's idle timeout; the offline session's is 30 days
    assert (await refresh(realm.http, "test", "app", token)).status_code == 200


# --- a token that is no refresh token ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["access_token", "id_token", "garbage", "unsigned"])
async def test_a_token_that_is_no_refresh_token_is_an_invalid_refresh_token(realm: Env, kind: str) -> None:
    await kc.put(realm, "/events/config", {"eventsEnabled": True, "enabledEventTypes": ["REFRESH_TOKEN_ERROR"]})
    body = await login(realm)
    token = {
        "access_token": body["access_token"],
        "id_token": body["id_token"],
        "garbage": "not.a.token",
        "unsigned": body["refresh_token"].rsplit(".", 1)[0] + ".",
    }[kind]
    response = await refresh(realm.http, "test", "app", token)
    await refused(realm, response, 400, "invalid_grant", "Invalid refresh token")


async def test_a_wrong_client_secret_wins_over_a_garbage_token(realm: Env) -> None:
    response = await refresh(realm.http, "test", "app", "not.a.token", secret="wrong")
    assert_error(response, 401, "unauthorized_client", BAD_CLIENT)


async def test_a_token_of_a_dropped_key_is_invalid_whatever_else_is_wrong(realm: Env) -> None:
    """The signature is the first check: a refresh token whose HMAC key was removed is an invalid refresh token,
    though its user is also disabled and its session also expired."""
    await kc.put(realm, "/events/config", {"eventsEnabled": True, "enabledEventTypes": ["REFRESH_TOKEN_ERROR"]})
    key = await created_id(
        realm, await rep(realm, "rotated-out", "hmac-generated", {"priority": "1000", "algorithm": "HS512"})
    )
    token = (await login(realm))["refresh_token"]
    assert header(token)["kid"] == (await metadata(realm))["active"]["HS512"]
    await kc.delete(realm, f"/components/{key}")
    await update_user(realm.db, "test", "user1", enabled=False)
    await expire_sessions(realm)
    response = await refresh(realm.http, "test", "app", token)
    await refused(realm, response, 400, "invalid_grant", "Invalid refresh token")


async def test_an_offline_token_without_the_offline_scope_whose_consent_was_revoked_has_no_session(
    realm: Env,
) -> None:
    """Revoking the consent removes the client from the user's offline sessions (an offline session left without
    a client goes, UserSessionManager.revokeOfflineToken): the session lookup fails before offline access."""
    await kc.put(realm, "/events/config", {"eventsEnabled": True, "enabledEventTypes": ["REFRESH_TOKEN_ERROR"]})
    token = (await login(realm, "offline_access"))["refresh_token"]
    (scope,) = [s for s in await kc.get(realm, "/client-scopes") if s["name"] == "offline_access"]
    await kc.delete(realm, f"/clients/{await kc.client_uuid(realm, 'app')}/optional-client-scopes/{scope['id']}")
    await kc.delete(realm, f"/users/{claims(token)['sub']}/consents/app")
    response = await refresh(realm.http, "test", "app", token)
    await refused(realm, response, 400, "invalid_grant", "Offline user session not found")
