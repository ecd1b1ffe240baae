"""Which answer wins when a revocation (RFC 7009) has two faults at once, and what it writes (KEYCLOAK.md §8.2).

Keycloak's TokenRevocationEndpoint: checkClient (401 for bad credentials), the repeated parameters, checkToken
(undecodable → 200 ``invalid_token``; a type other than Refresh/Offline/Bearer/DPoP → 400
``unsupported_token_type``), checkIssuedFor (another client's → 400 ``invalid_request`` "Unmatching clients"),
checkUser (UserSessionUtil.findValidSessionForAccessToken: no valid session holding the client → 200
``invalid_token``). Nothing else is checked: not the not-before, not the user's ``enabled``, not rotation, so a
stale, reused or disabled user's token that still has its session is revoked. A refusal writes nothing.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

import keycloak_port as kc
from support import (
    assert_error,
    claims,
    password_grant,
    refresh,
    seed_client,
    token_url,
    update_realm,
    update_user,
)
from wire_env import Env

pytestmark = pytest.mark.anyio

BAD_CLIENT = "Invalid client or Invalid client credentials"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
INVALID = {"error": "invalid_token", "error_description": "Invalid token"}


@pytest.fixture
async def revoking(realm: Env) -> Env:
    await seed_client(realm.db, "test", "other", secret="secret")
    await kc.put(realm, "/events/config", {"eventsEnabled": True, "enabledEventTypes": ["REVOKE_GRANT_ERROR"]})
    return realm


async def login(env: Env, client_id: str = "app", scope: str = "") -> dict[str, Any]:
    response = await password_grant(env.http, "test", client_id, scope=f"openid {scope}".strip())
    assert response.status_code == 200, response.text
    return dict(response.json())


async def revoke(env: Env, token: str, client_id: str = "app", secret: str = "secret", **extra: str) -> httpx.Response:
    form = {"client_id": client_id, "client_secret": secret, "token": token, **extra}
    return await env.http.post(token_url("test", "revoke"), data=form)


async def last_error(env: Env) -> str:
    (event, *_) = await kc.get(env, "/events", type="REVOKE_GRANT_ERROR")
    return str(event["error"])


async def session_holds(env: Env, token: str, client_id: str = "app") -> bool:
    c = claims(token)
    async with env.db.transaction(write=False) as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        client = await tx.clients.get_by_client_id(realm.id, client_id)
        assert client is not None
        return await tx.sessions.get_client_session(c["sid"], c["typ"] == "Offline", client.id) is not None


async def expire_sessions(env: Env) -> None:
    """The online session ends while its tokens' own ``exp`` (issued under the old idle timeout) has not passed."""
    await update_realm(env.db, "test", sso_session_idle_timeout=60)
    env.clock.advance(61)


# --- client faults first ----------------------------------------------------------------------------------


async def test_a_wrong_client_secret_wins_over_an_undecodable_token(revoking: Env) -> None:
    assert_error(await revoke(revoking, "not.a.token", secret="wrong"), 401, "unauthorized_client", BAD_CLIENT)


async def test_a_wrong_client_secret_wins_over_repeated_parameters(revoking: Env) -> None:
    form = [("client_id", "app"), ("client_secret", "wrong"), ("token", "a"), ("token", "b")]
    response = await revoking.http.post(token_url("test", "revoke"), content=urlencode(form), headers=FORM)
    assert_error(response, 401, "unauthorized_client", BAD_CLIENT)


async def test_repeated_parameters_win_over_an_undecodable_token(revoking: Env) -> None:
    form = [("client_id", "app"), ("client_secret", "secret"), ("token", "a"), ("token", "b")]
    response = await revoking.http.post(token_url("test", "revoke"), content=urlencode(form), headers=FORM)
    assert_error(response, 400, "invalid_request", "duplicated parameter")


# --- token faults before session faults -------------------------------------------------------------------


async def test_an_id_token_of_an_expired_session_is_an_unsupported_type(revoking: Env) -> None:
    body = await login(revoking)
    await expire_sessions(revoking)
    assert_error(await revoke(revoking, body["id_token"]), 400, "unsupported_token_type", "Unsupported token type")
    assert await last_error(revoking) == "invalid_token_type"


async def test_another_clients_token_of_an_expired_session_is_unmatching_and_writes_nothing(revoking: Env) -> None:
    body = await login(revoking)
    await expire_sessions(revoking)
    assert_error(await revoke(revoking, body["refresh_token"], "other"), 400, "invalid_request", "Unmatching clients")
    assert await last_error(revoking) == "invalid_request"
    assert await session_holds(revoking, body["refresh_token"])


async def test_an_own_token_of_an_expired_session_answers_200_invalid_token_and_writes_nothing(revoking: Env) -> None:
    body = await login(revoking)
    await expire_sessions(revoking)
    response = await revoke(revoking, body["refresh_token"])
    assert (response.status_code, response.json()) == (200, INVALID)
    # checkUser records no REVOKE_GRANT_ERROR for SESSION_EXPIRED (Keycloak PR #50828)
    assert await kc.get(revoking, "/events", type="REVOKE_GRANT_ERROR") == []
    assert await session_holds(revoking, body["refresh_token"])


# --- what revocation does not check: the token is revoked despite the other fault --------------------------


async def test_a_reused_rotated_token_is_still_revoked(revoking: Env) -> None:
    await update_realm(revoking.db, "test", revoke_refresh_token=True)
    first = (await login(revoking))["refresh_token"]
    successor = await refresh(revoking.http, "test", "app", first)
    assert successor.status_code == 200, successor.text
    response = await revoke(revoking, first)
    assert (response.status_code, response.text) == (200, "")
    assert not await session_holds(revoking, first)


async def test_a_token_before_the_realms_not_before_is_still_revoked(revoking: Env) -> None:
    body = await login(revoking, scope="offline_access")
    revoking.clock.advance(1)
    await update_realm(revoking.db, "test", not_before=revoking.clock.now())
    response = await revoke(revoking, body["refresh_token"])
    assert (response.status_code, response.text) == (200, "")
    assert not await session_holds(revoking, body["refresh_token"])


async def test_a_token_of_a_disabled_user_is_still_revoked(revoking: Env) -> None:
    body = await login(revoking)
    await update_user(revoking.db, "test", "user1", enabled=False)
    response = await revoke(revoking, body["refresh_token"])
    assert (response.status_code, response.text) == (200, "")
    assert not await session_holds(revoking, body["refresh_token"])
