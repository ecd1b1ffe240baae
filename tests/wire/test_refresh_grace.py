"""The refresh grace period (issue #13 item 1): a retried refresh gets the same successor; reuse kills one chain.

Realm ``test`` rotates refresh tokens (max reuse 0) with a 30-second grace period; the fake clock moves time.
With the grace period off, Keycloak's behaviour (a reuse detaches the client session) is pinned by
test_rotation.py.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from browser_flow import exchange
from browser_flow import login as browser_login
from support import claims, password_grant, seed_client, seed_realm, seed_user, token_url, update_client
from wire_env import Env

pytestmark = pytest.mark.anyio
GRACE = 30
REUSE = "Maximum allowed refresh token reuse exceeded"
STALE = "Stale token"
AGENT = "grace-test/1.0 (retrying)"


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(
        env.db,
        env.clock,
        revoke_refresh_token=True,
        events_enabled=True,
        enabled_event_types=("REFRESH_TOKEN", "REFRESH_TOKEN_ERROR"),  # Keycloak keeps neither by default
        attributes={"refreshTokenGracePeriod": str(GRACE)},
    )
    await seed_client(env.db, "test", "app")
    await update_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    await seed_user(env.db, env.clock, "test", "user1")
    return env


async def login(env: Env, scope: str = "offline_access") -> str:
    response = await password_grant(env.http, "test", "app", scope=scope)
    assert response.status_code == 200, response.text
    return str(response.json()["refresh_token"])


async def use(env: Env, token: str) -> httpx.Response:
    form = {"grant_type": "refresh_token", "refresh_token": token, "client_id": "app", "client_secret": "secret"}
    return await env.http.post(token_url("test"), data=form, headers={"User-Agent": AGENT})


async def rotated(env: Env, token: str) -> dict[str, Any]:
    response = await use(env, token)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def refused(response: httpx.Response, description: str) -> bool:
    return response.status_code == 400 and response.json() == {
        "error": "invalid_grant",
        "error_description": description,
    }


@pytest.mark.parametrize("scope", ["offline_access", "openid"])
async def test_a_retry_inside_the_window_gets_the_same_successor_and_a_fresh_access_token(
    realm: Env, scope: str
) -> None:
    t0 = await login(realm, scope)
    first = await rotated(realm, t0)
    realm.clock.advance(GRACE - 1)
    retry = await rotated(realm, t0)
    assert retry["refresh_token"] == first["refresh_token"]  # the same bytes: same jti, iat, exp, signature
    assert claims(retry["access_token"])["jti"] != claims(first["access_token"])["jti"]
    assert claims(retry["access_token"])["iat"] == claims(first["access_token"])["iat"] + GRACE - 1
    assert retry["refresh_expires_in"] == first["refresh_expires_in"] - (GRACE - 1) or "exp" not in claims(t0)
    # one chain: the successor carries on, and once it is used the old token is reuse
    t2 = (await rotated(realm, first["refresh_token"]))["refresh_token"]
    assert claims(t2)["reuse_id"] == claims(t0)["reuse_id"]
    assert refused(await use(realm, t0), STALE)


async def test_parallel_presentations_inside_the_window_give_exactly_one_successor(realm: Env) -> None:
    t0 = await login(realm)
    responses = await asyncio.gather(*(use(realm, t0) for _ in range(8)))
    assert [r.status_code for r in responses] == [200] * 8, [r.text for r in responses]
    successors = {r.json()["refresh_token"] for r in responses}
    assert len(successors) == 1
    (t1,) = successors
    assert (await use(realm, t1)).status_code == 200


async def test_a_retry_after_the_window_is_reuse_and_revokes_only_that_chain(realm: Env) -> None:
    # two chains (two code exchanges) in one SSO session, hence one client session
    chains = []
    for _ in range(2):
        code = (await browser_login(realm.http, "test", "app", scope="openid"))["code"]
        response = await exchange(realm.http, "test", "app", code)
        assert response.status_code == 200, response.text
        chains.append(response.json()["refresh_token"])
    a0, b0 = chains
    assert claims(a0)["sid"] == claims(b0)["sid"] and claims(a0)["reuse_id"] != claims(b0)["reuse_id"]
    a1 = (await rotated(realm, a0))["refresh_token"]
    realm.clock.advance(GRACE + 1)
    assert refused(await use(realm, a0), REUSE)
    assert refused(await use(realm, a1), STALE)  # the whole chain died with the reused token
    b1 = (await rotated(realm, b0))["refresh_token"]  # the other chain of the same client session lives on
    assert (await use(realm, b1)).status_code == 200


async def test_reuse_after_the_successor_was_used_revokes_the_chain_and_records_why_and_from_where(
    realm: Env,
) -> None:
    t0 = await login(realm)
    t1 = (await rotated(realm, t0))["refresh_token"]
    t2 = (await rotated(realm, t1))["refresh_token"]
    assert refused(await use(realm, t0), STALE)
    assert refused(await use(realm, t2), STALE)
    response = await realm.http.get("/admin/realms/test/events", headers=await realm.admin_headers())
    errors = [ev for ev in response.json() if ev["type"] == "REFRESH_TOKEN_ERROR"]
    assert [ev["details"]["reason"] for ev in errors] == ["refresh_token_chain_revoked", "refresh_token_reused"]
    reused = errors[1]
    assert reused["error"] == "invalid_token" and reused["ipAddress"] == "127.0.0.1"
    assert reused["details"]["user_agent"] == AGENT
    assert reused["details"]["refresh_token_id"] == claims(t0)["jti"]
    assert reused["userId"] == claims(t0)["sub"] and reused["sessionId"] == claims(t0)["sid"]
    assert all(t0 not in str(ev) and t2 not in str(ev) for ev in errors)  # no token in an event


async def test_a_client_override_of_zero_turns_the_grace_period_off_for_that_client(realm: Env) -> None:
    await update_client(realm.db, "test", "app", attributes={"refresh.token.grace.period": "0"})
    t0 = await login(realm)
    t1 = (await rotated(realm, t0))["refresh_token"]
    assert refused(await use(realm, t0), REUSE)
    assert refused(await use(realm, t1), "Session doesn't have required client")  # Keycloak: detached


async def test_a_client_override_gives_a_grace_period_where_the_realm_has_none(env: Env) -> None:
    await seed_realm(env.db, env.clock, revoke_refresh_token=True)
    await seed_client(env.db, "test", "app", attributes={"refresh.token.grace.period": "90"})
    await seed_user(env.db, env.clock, "test", "user1")
    t0 = await login(env)
    t1 = (await rotated(env, t0))["refresh_token"]
    env.clock.advance(90)
    assert (await rotated(env, t0))["refresh_token"] == t1
    env.clock.advance(1)
    assert refused(await use(env, t0), REUSE)


async def test_the_retried_token_is_inactive_at_introspection_and_its_successor_active(realm: Env) -> None:
    t0 = await login(realm)
    t1 = (await rotated(realm, t0))["refresh_token"]
    await rotated(realm, t0)  # a retry changes nothing

    async def active(token: str) -> bool:
        # the refresh_token provider: only it checks reuse (Keycloak's verifyTokenReuse)
        form = {"token": token, "token_type_hint": "refresh_token", "client_id": "app", "client_secret": "secret"}
        response = await realm.http.post(token_url("test", "token/introspect"), data=form)
        return bool(response.json()["active"])

    assert not await active(t0)
    assert await active(t1)
