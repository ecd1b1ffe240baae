"""Offline grants by device through the Account REST and the Admin REST: the label, first and last use, IP,
"remove this device" and "remove all other devices" (a Doorkeep extension; docs/offline-devices.md)."""

from __future__ import annotations

from typing import Any

import pytest

from support import claims, password_grant, refresh, seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

ACCOUNT = "/realms/test/account/offline-sessions"


async def _setup(env: Env) -> str:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app")
    await seed_client(env.db, "test", "other")
    await seed_user(env.db, env.clock, "test", "user1")
    return (await seed_user(env.db, env.clock, "test", "user2")).id


async def _device(env: Env, label: str, client: str = "app", user: str = "user1") -> dict[str, Any]:
    response = await password_grant(env.http, "test", client, user, scope="openid offline_access", device_label=label)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _bearer(env: Env, user: str = "user1") -> dict[str, str]:
    response = await password_grant(env.http, "test", "app", user)
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def _alive(env: Env, tokens: dict[str, dict[str, Any]]) -> set[str]:
    out = set()
    for name, body in tokens.items():
        client = claims(body["refresh_token"])["azp"]
        if (await refresh(env.http, "test", client, body["refresh_token"])).status_code == 200:
            out.add(name)
    return out


async def test_the_account_api_lists_each_offline_device_with_label_first_and_last_use_and_ip(env: Env) -> None:
    await _setup(env)
    laptop = await _device(env, "Laptop")
    env.clock.advance(100)
    await _device(env, "Phone", client="other")
    env.clock.advance(100)
    assert (await refresh(env.http, "test", "app", laptop["refresh_token"])).status_code == 200
    await _device(env, "Not mine", user="user2")

    response = await env.http.get(ACCOUNT, headers=await _bearer(env))
    assert response.status_code == 200, response.text
    listed = response.json()
    assert [d["deviceLabel"] for d in listed] == ["Laptop", "Phone"]  # most recently used first
    first = listed[0]
    assert first["id"] == claims(laptop["refresh_token"])["sid"]
    assert first["lastAccess"] - first["started"] == 200 and first["ipAddress"]
    assert [c["clientId"] for c in first["clients"]] == ["app"] and first["current"] is False
    assert {"os", "osVersion", "device", "browser"} <= set(first)


async def test_the_account_api_removes_one_device_or_all_the_others_but_never_another_users(env: Env) -> None:
    await _setup(env)
    tokens = {name: await _device(env, name) for name in ("a", "b", "c")}
    tokens["other client"] = await _device(env, "d", client="other")
    tokens["user2"] = await _device(env, "e", user="user2")
    headers = await _bearer(env)

    sid = claims(tokens["a"]["refresh_token"])["sid"]
    assert (await env.http.delete(f"{ACCOUNT}/{sid}", headers=headers)).status_code == 204
    assert await _alive(env, tokens) == {"b", "c", "other client", "user2"}
    foreign = claims(tokens["user2"]["refresh_token"])["sid"]
    assert (await env.http.delete(f"{ACCOUNT}/{foreign}", headers=headers)).status_code == 204
    assert "user2" in await _alive(env, tokens)

    keep = claims(tokens["c"]["refresh_token"])["sid"]
    assert (await env.http.delete(ACCOUNT, params={"keep": keep}, headers=headers)).status_code == 204
    assert await _alive(env, tokens) == {"c", "user2"}
    assert [d["deviceLabel"] for d in (await env.http.get(ACCOUNT, headers=headers)).json()] == ["c"]


async def test_the_account_api_needs_a_bearer_token(env: Env) -> None:
    await _setup(env)
    assert (await env.http.get(ACCOUNT)).json() == {"error": "HTTP 401 Unauthorized"}
    assert (await env.http.delete(ACCOUNT)).status_code == 401


async def test_the_admin_api_lists_a_users_offline_devices_and_ends_all_but_one(env: Env) -> None:
    user2 = await _setup(env)
    tokens = {name: await _device(env, name, user="user2") for name in ("tv", "car")}
    tokens["work"] = await _device(env, "work", client="other", user="user2")
    tokens["user1"] = await _device(env, "x")
    headers = await env.admin_headers()
    url = f"/admin/realms/test/users/{user2}/offline-sessions"

    listed = (await env.http.get(url, headers=headers)).json()
    assert sorted(s["deviceLabel"] for s in listed) == ["car", "tv", "work"]
    assert all(s["userId"] == user2 and s["username"] == "user2" for s in listed)
    keep = claims(tokens["car"]["refresh_token"])["sid"]
    assert (await env.http.delete(url, params={"keep": keep}, headers=headers)).status_code == 204
    assert await _alive(env, tokens) == {"car", "user1"}
    one = f"/admin/realms/test/sessions/{keep}"
    assert (await env.http.delete(one, params={"isOffline": "true"}, headers=headers)).status_code == 204
    assert (await env.http.get(url, headers=headers)).json() == []
    missing = await env.http.get("/admin/realms/test/users/nobody/offline-sessions", headers=headers)
    assert missing.status_code == 404
