"""Revoke Refresh Token and Refresh Token Max Reuse (KEYCLOAK.md §6.3), online and offline."""

from __future__ import annotations

import pytest

from support import (
    assert_error,
    claims,
    password_grant,
    refresh,
    seed_client,
    seed_realm,
    seed_user,
    update_client,
    update_realm,
)
from wire_env import Env

pytestmark = pytest.mark.anyio
REUSE = "Maximum allowed refresh token reuse exceeded"


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock, revoke_refresh_token=True)
    await seed_client(env.db, "test", "app")
    await seed_user(env.db, env.clock, "test", "user1")
    return env


async def login(env: Env, scope: str = "offline_access") -> str:
    """A password grant's refresh token; ``scope`` "" sends no scope (an online token): ``scope=`` is invalid_scope."""
    response = await password_grant(env.http, "test", "app", scope=scope or None)
    assert response.status_code == 200, response.text
    return str(response.json()["refresh_token"])


async def use(env: Env, token: str) -> tuple[int, dict[str, str]]:
    response = await refresh(env.http, "test", "app", token)
    return response.status_code, response.json()


@pytest.mark.parametrize("scope", ["offline_access", ""])
async def test_each_token_works_once_and_reuse_detaches_the_client_session(realm: Env, scope: str) -> None:
    t0 = await login(realm, scope)
    assert "reuse_id" in claims(t0)
    status, body = await use(realm, t0)
    assert status == 200
    t1 = body["refresh_token"]
    assert claims(t1)["reuse_id"] == claims(t0)["reuse_id"]
    status, body = await use(realm, t0)
    assert (status, body["error_description"]) == (400, REUSE)
    # the detach sticks: the newest token is dead too
    status, body = await use(realm, t1)
    assert (status, body["error_description"]) == (400, "Session doesn't have required client")


async def test_an_older_token_after_rotation_is_stale(realm: Env) -> None:
    t0 = await login(realm)
    t1 = (await use(realm, t0))[1]["refresh_token"]
    realm.clock.advance(5)
    t2 = (await use(realm, t1))[1]["refresh_token"]
    assert t2
    status, body = await use(realm, t0)
    assert (status, body["error_description"]) == (400, "Stale token")


async def test_max_reuse_one_allows_a_single_reuse(realm: Env) -> None:
    await update_realm(realm.db, "test", refresh_token_max_reuse=1)
    t0 = await login(realm)
    assert (await use(realm, t0))[0] == 200
    assert (await use(realm, t0))[0] == 200
    status, body = await use(realm, t0)
    assert (status, body["error_description"]) == (400, REUSE)


async def test_different_logins_are_tracked_independently(realm: Env) -> None:
    a0 = await login(realm)
    b0 = await login(realm)
    assert claims(a0)["reuse_id"] != claims(b0)["reuse_id"]
    assert (await use(realm, a0))[0] == 200
    assert (await use(realm, b0))[0] == 200


async def test_two_tabs_in_one_session_have_separate_families(realm: Env) -> None:
    # same online session, two password grants are two sessions; emulate with two families via re-login
    t0 = await login(realm, "")
    t1 = (await use(realm, t0))[1]["refresh_token"]
    assert (await use(realm, t1))[0] == 200


async def test_turning_rotation_on_later_tracks_tokens_without_reuse_id(realm: Env) -> None:
    await update_realm(realm.db, "test", revoke_refresh_token=False)
    t0 = await login(realm)
    assert "reuse_id" not in claims(t0)
    await update_realm(realm.db, "test", revoke_refresh_token=True)
    status, body = await use(realm, t0)
    assert status == 200
    assert "reuse_id" not in claims(body["refresh_token"])
    status, body = await use(realm, t0)
    assert (status, body["error_description"]) == (400, REUSE)


async def test_turning_rotation_off_after_a_failure_does_not_revive_the_session(realm: Env) -> None:
    t0 = await login(realm)
    t1 = (await use(realm, t0))[1]["refresh_token"]
    assert (await use(realm, t0))[0] == 400
    await update_realm(realm.db, "test", revoke_refresh_token=False)
    status, body = await use(realm, t1)
    assert (status, body["error_description"]) == (400, "Session doesn't have required client")


async def test_without_rotation_there_is_no_reuse_id(realm: Env) -> None:
    await update_realm(realm.db, "test", revoke_refresh_token=False)
    t0 = await login(realm)
    assert "reuse_id" not in claims(t0)


async def test_client_override_turns_rotation_off_for_one_client(realm: Env) -> None:
    await update_client(realm.db, "test", "app", attributes={"revoke.refresh.token": "false"})
    t0 = await login(realm)
    assert "reuse_id" not in claims(t0)
    for _ in range(3):
        assert (await use(realm, t0))[0] == 200


async def test_client_override_max_reuse(realm: Env) -> None:
    await update_client(realm.db, "test", "app", attributes={"refresh.token.max.reuse": "2"})
    t0 = await login(realm)
    for _ in range(3):
        assert (await use(realm, t0))[0] == 200
    assert_error(await refresh(realm.http, "test", "app", t0), 400, "invalid_grant", REUSE)


async def test_introspection_shows_only_the_latest_token_active(realm: Env) -> None:
    t0 = await login(realm)
    t1 = (await use(realm, t0))[1]["refresh_token"]

    async def active(token: str) -> bool:
        response = await realm.http.post(
            "/realms/test/protocol/openid-connect/token/introspect",
            # the refresh_token provider: only it checks reuse (Keycloak's verifyTokenReuse)
            data={"token": token, "token_type_hint": "refresh_token", "client_id": "app", "client_secret": "secret"},
        )
        assert response.status_code == 200
        return bool(response.json()["active"])

    assert not await active(t0)
    assert await active(t1)
