"""The wire tests' kept master admin token (tests/wire_env.Env.admin_token): never handed out once the fake clock
has left the window it is good for, and not carried into another Env."""

from __future__ import annotations

import dataclasses

import pytest

from wire_env import Env

pytestmark = pytest.mark.anyio


async def _works(env: Env, token: str) -> int:
    return (await env.http.get("/admin/realms", headers={"Authorization": f"Bearer {token}"})).status_code


async def test_one_token_serves_while_the_clock_is_inside_its_life(env: Env) -> None:
    first = await env.admin_token()
    env.clock.advance(30)
    assert await env.admin_token() == first
    assert await _works(env, first) == 200


async def test_a_token_near_or_past_its_expiry_is_replaced_by_one_that_works(env: Env) -> None:
    first = await env.admin_token()
    env.clock.advance(55)  # admin-cli's token lives 60 s: inside the last 10 s, a new one
    second = await env.admin_token()
    assert second != first
    assert await _works(env, second) == 200
    env.clock.advance(300)
    assert await _works(env, second) == 401
    third = await env.admin_token()
    assert await _works(env, third) == 200


async def test_a_clock_set_back_before_the_issue_gets_a_new_token(env: Env) -> None:
    first = await env.admin_token()
    env.clock.set(env.clock.now() - 120)
    second = await env.admin_token()
    assert second != first
    assert await _works(env, second) == 200


async def test_forgetting_and_replacing_the_env_start_without_the_kept_token(env: Env) -> None:
    first = await env.admin_token()
    assert dataclasses.replace(env)._admin is None
    env.forget_admin_token()
    assert await env.admin_token() != first
