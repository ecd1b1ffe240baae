"""Which refusal wins when an introspected token has two faults at once (Keycloak 26's introspectionChecks).

Every refusal is ``{"active": false}``; what tells them apart is the INTROSPECT_TOKEN_ERROR event's error, and
none of them writes: an expired session stays, a reused token's client session is not detached. The order:
the client's authentication (401), then the token's signature and issuer, its client (exists, enabled, the
not-before, expiry, revocation), a refresh token's own client (Keycloak 26.8), the session, the user (enabled,
not-before), offline access, and last, under Revoke Refresh Token, the reuse check (refreshFlag=false).
"""

from __future__ import annotations

from typing import Any

import pytest

import keycloak_port as kc
from support import claims, password_grant, refresh, seed_client, token_url, update_client, update_realm, update_user
from wire_env import Env

pytestmark = pytest.mark.anyio
INACTIVE = {"active": False}


@pytest.fixture
async def rotating(realm: Env) -> Env:
    await update_realm(realm.db, "test", revoke_refresh_token=True)
    await seed_client(realm.db, "test", "other", secret="secret")
    await kc.put(realm, "/events/config", {"eventsEnabled": True, "enabledEventTypes": ["INTROSPECT_TOKEN_ERROR"]})
    return realm


async def rotated(env: Env, scope: str = "") -> tuple[str, str]:
    """A refresh token used once (a reuse if used again) and its successor."""
    response = await password_grant(env.http, "test", "app", scope=f"openid {scope}".strip())
    assert response.status_code == 200, response.text
    first = str(response.json()["refresh_token"])
    env.clock.advance(2)
    second = await refresh(env.http, "test", "app", first)
    assert second.status_code == 200, second.text
    return first, str(second.json()["refresh_token"])


async def introspect(env: Env, token: str, client: str = "app", secret: str = "secret") -> dict[str, Any]:
    form = {"client_id": client, "client_secret": secret, "token": token, "token_type_hint": "refresh_token"}
    response = await env.http.post(token_url("test", "token/introspect"), data=form)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def refused_as(env: Env, token: str, error: str, client: str = "app") -> None:
    assert await introspect(env, token, client) == INACTIVE
    (event, *_) = await kc.get(env, "/events", type="INTROSPECT_TOKEN_ERROR")
    assert event["error"] == error, event


async def test_a_wrong_caller_secret_wins_over_a_garbage_token(rotating: Env) -> None:
    form = {"client_id": "app", "client_secret": "wrong", "token": "not.a.token"}
    response = await rotating.http.post(token_url("test", "token/introspect"), data=form)
    assert response.status_code == 401, response.text


async def test_a_reused_token_of_a_disabled_client_is_client_disabled(rotating: Env) -> None:
    reused, _ = await rotated(rotating)
    await update_client(rotating.db, "test", "app", enabled=False)
    await refused_as(rotating, reused, "client_disabled", client="other")


async def test_a_reused_token_of_a_disabled_user_is_user_disabled_and_detaches_nothing(rotating: Env) -> None:
    reused, successor = await rotated(rotating)
    await update_user(rotating.db, "test", "user1", enabled=False)
    await refused_as(rotating, reused, "user_disabled")
    await update_user(rotating.db, "test", "user1", enabled=True)
    assert (await introspect(rotating, successor))["active"] is True


async def test_a_reused_token_of_an_expired_session_is_session_expired_and_the_session_stays(rotating: Env) -> None:
    reused, _ = await rotated(rotating)
    await update_realm(rotating.db, "test", sso_session_idle_timeout=60)
    rotating.clock.advance(61)
    await refused_as(rotating, reused, "session_expired")
    async with rotating.db.transaction(write=False) as tx:
        assert await tx.sessions.get_user_session(claims(reused)["sid"], False) is not None


async def test_a_reused_token_alone_is_inactive_and_detaches_nothing(rotating: Env) -> None:
    reused, successor = await rotated(rotating)
    await refused_as(rotating, reused, "invalid_token")
    assert (await introspect(rotating, successor))["active"] is True
    assert (await refresh(rotating.http, "test", "app", successor)).status_code == 200


async def test_another_clients_token_of_an_expired_session_is_refused_before_the_session(rotating: Env) -> None:
    _, successor = await rotated(rotating)
    await update_realm(rotating.db, "test", sso_session_idle_timeout=60)
    rotating.clock.advance(61)
    await refused_as(rotating, successor, "invalid_token", client="other")


async def test_an_offline_token_without_the_offline_scope_of_a_disabled_user_is_user_disabled(rotating: Env) -> None:
    _, successor = await rotated(rotating, "offline_access")
    (scope,) = [s for s in await kc.get(rotating, "/client-scopes") if s["name"] == "offline_access"]
    await kc.delete(rotating, f"/clients/{await kc.client_uuid(rotating, 'app')}/optional-client-scopes/{scope['id']}")
    await update_user(rotating.db, "test", "user1", enabled=False)
    await refused_as(rotating, successor, "user_disabled")
    await update_user(rotating.db, "test", "user1", enabled=True)
    await refused_as(rotating, successor, "session_expired")
