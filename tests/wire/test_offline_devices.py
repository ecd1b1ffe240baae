"""Device labels on offline sessions and the per-client cap on a user's offline sessions
(a Doorkeep extension, issue #13 item 2; docs/offline-devices.md)."""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import client_offline_sessions, client_uuid
from support import (
    assert_error,
    claims,
    password_grant,
    refresh,
    seed_client,
    seed_realm,
    seed_user,
    update_client,
)
from wire_env import Env

pytestmark = pytest.mark.anyio

CAP = "offline.session.max.per.user"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"


async def _setup(env: Env, cap: str | None = None) -> None:
    await seed_realm(env.db, env.clock, events_enabled=True)
    await seed_client(env.db, "test", "app", attributes={CAP: cap} if cap is not None else {})
    await seed_client(env.db, "test", "other")
    await seed_user(env.db, env.clock, "test", "user1")


async def _offline(env: Env, client: str = "app", agent: str = FIREFOX, **extra: str) -> str:
    """A new offline session of user1 by password grant; its id."""
    response = await env.http.post(
        "/realms/test/protocol/openid-connect/token",
        data={
            "grant_type": "password",
            "client_id": client,
            "client_secret": "secret",
            "username": "user1",
            "password": "password",
            "scope": "openid offline_access",
            **extra,
        },
        headers={"User-Agent": agent},
    )
    assert response.status_code == 200, response.text
    return str(claims(response.json()["refresh_token"])["sid"])


async def _offline_sessions(env: Env, client: str = "app") -> list[dict[str, Any]]:
    return await client_offline_sessions(env, "test", client)


async def test_an_offline_session_carries_the_label_the_client_sent_cleaned_of_control_characters(env: Env) -> None:
    await _setup(env)
    sid = await _offline(env, device_label="  Kitchen\ttablet\x07 \u202e ")
    [listed] = await _offline_sessions(env)
    assert listed["id"] == sid and listed["deviceLabel"] == "Kitchen tablet"
    assert listed["ipAddress"] and listed["start"] and listed["lastAccess"]


async def test_without_a_label_the_offline_session_is_labelled_from_its_user_agent(env: Env) -> None:
    await _setup(env)
    await _offline(env)
    [listed] = await _offline_sessions(env)
    assert listed["deviceLabel"] == "Firefox/121.0 on Linux"


async def test_a_long_label_is_cut_and_an_absurd_one_is_refused_before_anything_is_written(env: Env) -> None:
    await _setup(env)
    await _offline(env, device_label="x" * 200)
    [listed] = await _offline_sessions(env)
    assert listed["deviceLabel"] == "x" * 64
    response = await password_grant(env.http, "test", "app", scope="openid offline_access", device_label="y" * 256)
    assert_error(response, 400, "invalid_request", "Invalid parameter: device_label")
    assert len(await _offline_sessions(env)) == 1


async def test_online_sessions_keep_keycloaks_representation_without_a_label(env: Env) -> None:
    await _setup(env)
    response = await password_grant(env.http, "test", "app", device_label="Phone")
    assert response.status_code == 200
    uuid = await client_uuid(env, "test", "app")
    listed = await env.http.get(f"/admin/realms/test/clients/{uuid}/user-sessions", headers=await env.admin_headers())
    assert [set(s) for s in listed.json()] == [
        {"id", "username", "userId", "ipAddress", "start", "lastAccess", "rememberMe", "clients", "transientUser"}
    ]


async def test_without_a_cap_a_user_may_hold_any_number_of_offline_sessions(env: Env) -> None:
    await _setup(env)
    for _ in range(4):
        await _offline(env)
    assert len(await _offline_sessions(env)) == 4


async def test_the_cap_ends_the_least_recently_used_offline_session_with_an_event(env: Env) -> None:
    await _setup(env, cap="2")
    first = await env.http.post(
        "/realms/test/protocol/openid-connect/token",
        data={
            "grant_type": "password",
            "client_id": "app",
            "client_secret": "secret",
            "username": "user1",
            "password": "password",
            "scope": "openid offline_access",
            "device_label": "laptop",
        },
    )
    laptop_token = first.json()["refresh_token"]
    env.clock.advance(60)
    phone = await _offline(env, device_label="phone")
    env.clock.advance(60)
    assert (await refresh(env.http, "test", "app", laptop_token)).status_code == 200  # laptop used last
    env.clock.advance(60)
    tablet = await _offline(env, device_label="tablet")

    listed = {s["deviceLabel"]: s["id"] for s in await _offline_sessions(env)}
    assert set(listed) == {"laptop", "tablet"} and listed["tablet"] == tablet
    events = await env.http.get(
        "/admin/realms/test/events", params={"type": "REVOKE_GRANT"}, headers=await env.admin_headers()
    )
    [event] = events.json()
    assert event["sessionId"] == phone and event["clientId"] == "app"
    assert event["details"]["reason"] == "offline_session_cap" and event["details"]["offline_session_cap"] == "2"


async def test_the_cap_counts_only_that_clients_sessions_and_the_ended_token_no_longer_refreshes(env: Env) -> None:
    await _setup(env, cap="1")
    await _offline(env, client="other")
    await _offline(env, client="other")
    response = await password_grant(env.http, "test", "app", scope="openid offline_access")
    old = response.json()["refresh_token"]
    env.clock.advance(5)
    await _offline(env)
    assert len(await _offline_sessions(env)) == 1
    assert len(await _offline_sessions(env, "other")) == 2
    assert_error(await refresh(env.http, "test", "app", old), 400, "invalid_grant")


async def test_turning_the_cap_on_later_trims_on_the_next_new_offline_session(env: Env) -> None:
    await _setup(env)
    for _ in range(3):
        await _offline(env)
        env.clock.advance(1)
    await update_client(env.db, "test", "app", attributes={CAP: "1"})
    newest = await _offline(env)
    assert [s["id"] for s in await _offline_sessions(env)] == [newest]
