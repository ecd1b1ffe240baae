"""Parallel refreshes of one token are serialised by the database, not by Python (KEYCLOAK.md §6.3).

Each engine runs the same scenario: N concurrent refreshes of one offline token; with max reuse k
exactly k+1 succeed and the rest fail with invalid_grant.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from support import password_grant, refresh, seed_client, seed_realm, seed_user
from wire_env import Env, make_env

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["sqlite", "postgresql"])
async def engine_env(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Env]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'doorkeep.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    env, db = await make_env(url)
    try:
        yield env
    finally:
        await env.drain()
        await env.http.aclose()
        await db.dispose()


@pytest.mark.parametrize(("max_reuse", "scope"), [(0, "offline_access"), (2, "offline_access"), (0, "")])
async def test_parallel_refreshes_allow_exactly_max_reuse_plus_one(engine_env: Env, max_reuse: int, scope: str) -> None:
    env = engine_env
    await seed_realm(env.db, env.clock, revoke_refresh_token=True, refresh_token_max_reuse=max_reuse)
    await seed_client(env.db, "test", "app")
    await seed_user(env.db, env.clock, "test", "user1")
    token = (await password_grant(env.http, "test", "app", scope=scope)).json()["refresh_token"]
    responses = await asyncio.gather(*(refresh(env.http, "test", "app", token) for _ in range(5)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(200) == max_reuse + 1, [r.text for r in responses]
    assert all(r.json()["error"] == "invalid_grant" for r in responses if r.status_code != 200)


async def test_parallel_refreshes_without_rotation_all_succeed(engine_env: Env) -> None:
    env = engine_env
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app")
    await seed_user(env.db, env.clock, "test", "user1")
    token = (await password_grant(env.http, "test", "app", scope="offline_access")).json()["refresh_token"]
    responses = await asyncio.gather(*(refresh(env.http, "test", "app", token) for _ in range(8)))
    assert [r.status_code for r in responses] == [200] * 8


async def test_one_code_exchanged_in_parallel_gives_exactly_one_token_response(engine_env: Env) -> None:
    from browser_flow import exchange, login
    from support import update_client

    env = engine_env
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app")
    await update_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    await seed_user(env.db, env.clock, "test", "user1")
    code = (await login(env.http, "test", "app", scope="openid offline_access"))["code"]
    responses = await asyncio.gather(*(exchange(env.http, "test", "app", code) for _ in range(5)))
    assert sorted(r.status_code for r in responses) == [200, 400, 400, 400, 400], [r.text for r in responses]
    assert {r.json()["error_description"] for r in responses if r.status_code == 400} == {"Code not valid"}
