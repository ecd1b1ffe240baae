"""Device labels on offline sessions made by the authorization-code flow (a Doorkeep extension, issue #13
item 2; docs/offline-devices.md): the label the client sends on the code exchange, or one made from the
browser's User-Agent; a refused label leaves the code unused."""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import client_offline_sessions
from browser_flow import exchange, login
from support import assert_error, claims, seed_login_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"


async def _setup(env: Env) -> None:
    await seed_login_realm(env.db, env.clock)


async def _code(env: Env) -> str:
    env.http.headers["User-Agent"] = FIREFOX
    return (await login(env.http, "test", "app", scope="openid offline_access"))["code"]


async def _listed(env: Env) -> list[dict[str, Any]]:
    return await client_offline_sessions(env, "test", "app")


async def test_the_label_sent_on_the_code_exchange_names_the_offline_session(env: Env) -> None:
    await _setup(env)
    response = await exchange(env.http, "test", "app", await _code(env), device_label="Living-room\tTV\x1b")
    assert response.status_code == 200, response.text
    assert claims(response.json()["refresh_token"])["typ"] == "Offline"
    [session] = await _listed(env)
    assert session["id"] == response.json()["session_state"] and session["deviceLabel"] == "Living-room TV"


async def test_without_a_label_the_offline_session_is_named_after_the_browser(env: Env) -> None:
    await _setup(env)
    response = await exchange(env.http, "test", "app", await _code(env))
    assert response.status_code == 200, response.text
    [session] = await _listed(env)
    assert session["deviceLabel"] == "Firefox/121.0 on Linux"


async def test_a_refused_label_leaves_the_code_unused_so_the_client_can_correct_it(env: Env) -> None:
    await _setup(env)
    code = await _code(env)
    refused = await exchange(env.http, "test", "app", code, device_label="x" * 256)
    assert_error(refused, 400, "invalid_request", "Invalid parameter: device_label")
    assert await _listed(env) == []
    retried = await exchange(env.http, "test", "app", code, device_label="Phone")
    assert retried.status_code == 200, retried.text
    assert [s["deviceLabel"] for s in await _listed(env)] == ["Phone"]
