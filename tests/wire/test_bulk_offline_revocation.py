"""Bulk revocation of offline sessions with a preview: ``POST /admin/realms/{r}/offline-sessions/revoke``
(a Doorkeep extension, issue #13 3(b); docs/bulk-revocation.md)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from admin_support import realm_admin
from doorkeep.model import Client, User
from doorkeep.sessions import service
from doorkeep.web.admin import bulk_revoke
from support import assert_error, password_grant, refresh, seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "/admin/realms/test"
URL = f"{REALM}/offline-sessions/revoke"
DAY = 86400


async def _setup(env: Env) -> tuple[dict[str, str], Client, Client, User, User]:
    await seed_realm(env.db, env.clock)
    app = await seed_client(env.db, "test", "app")
    other = await seed_client(env.db, "test", "other")
    alice = await seed_user(env.db, env.clock, "test", "alice")
    bob = await seed_user(env.db, env.clock, "test", "bob")
    return await env.admin_headers(), app, other, alice, bob


async def _offline(env: Env, user: User, client: Client, ip: str = "10.0.0.7", count: int = 1) -> list[str]:
    """Offline sessions (each with its same-id online one) started now, as a login with offline_access makes."""
    ids = []
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        for _ in range(count):
            now = env.clock.now()
            us, cs = await service.start_online(
                tx, realm, user, client, scope_param="openid offline_access", now=now, ip_address=ip
            )
            await service.create_or_update_offline(tx, realm, client, us, cs, now)
            ids.append(us.id)
    return ids


async def _post(env: Env, headers: dict[str, str], body: Any, status: int = 200) -> dict[str, Any]:
    response = await env.http.post(URL, json=body, headers=headers)
    assert response.status_code == status, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def _alive(env: Env, ids: list[str], offline: bool = True) -> list[str]:
    async with env.db.transaction() as tx:
        return [sid for sid in ids if await tx.sessions.get_user_session(sid, offline) is not None]


async def test_each_criterion_alone_ends_only_the_offline_sessions_it_matches(env: Env) -> None:
    headers, app, other, alice, bob = await _setup(env)
    old = await _offline(env, alice, app, "10.1.2.3")
    env.clock.advance(10 * DAY)
    by_bob = await _offline(env, bob, other, "192.168.5.9")
    by_alice_other = await _offline(env, alice, other, "10.2.0.1")
    cut = env.clock.now()
    env.clock.advance(DAY)
    fresh = await _offline(env, bob, app, "172.16.0.1")
    headers = await env.admin_headers()  # the first admin token has expired meanwhile

    assert await _post(env, headers, {"startedBefore": cut - DAY}) == {"count": 1}
    assert await _alive(env, old) == [] and await _alive(env, old, offline=False) == []
    assert await _post(env, headers, {"ipAddress": "192.168.0.0/16"}) == {"count": 1}
    assert await _alive(env, by_bob) == []
    assert await _post(env, headers, {"ipAddress": "172.16.0.1"}) == {"count": 1}
    assert await _alive(env, fresh) == []
    again = await _offline(env, bob, app)
    assert await _post(env, headers, {"clientId": "other"}) == {"count": 1}
    assert await _alive(env, by_alice_other) == [] and await _alive(env, again) == again
    assert await _post(env, headers, {"username": "bob"}) == {"count": 1}
    mine = await _offline(env, alice, app)
    assert await _post(env, headers, {"userId": alice.id, "lastAccessBefore": env.clock.now() + 1}) == {"count": 1}
    assert await _alive(env, mine) == []


async def test_criteria_combine_and_a_repeat_ends_nothing(env: Env) -> None:
    headers, app, other, alice, bob = await _setup(env)
    target = await _offline(env, alice, app, "10.9.8.7", count=2)
    kept = await _offline(env, alice, other, "10.9.8.7") + await _offline(env, bob, app, "10.9.8.7")
    kept += await _offline(env, alice, app, "11.0.0.1")
    body = {"clientId": "app", "username": "alice", "ipAddress": "10.0.0.0/8"}
    assert await _post(env, headers, body) == {"count": 2}
    assert await _alive(env, target) == [] and await _alive(env, kept) == kept
    assert await _post(env, headers, body) == {"count": 0}


async def test_a_dry_run_counts_and_samples_in_the_offline_sessions_shape_and_changes_nothing(env: Env) -> None:
    headers, app, _, alice, _ = await _setup(env)
    ids = await _offline(env, alice, app, "10.0.0.7", count=25)
    answer = await _post(env, headers, {"clientId": "app", "dryRun": True})
    assert answer["count"] == 25 and len(answer["sample"]) == 20
    first = answer["sample"][0]
    assert first["id"] in ids
    assert first == {
        "id": first["id"],
        "username": "alice",
        "userId": alice.id,
        "ipAddress": "10.0.0.7",
        "start": env.clock.now() * 1000,
        "lastAccess": env.clock.now() * 1000,
        "rememberMe": False,
        "clients": {app.id: "app"},
        "transientUser": False,
        "deviceLabel": "Other/Unknown on Other",
    }
    assert await _alive(env, ids) == ids and await _alive(env, ids, offline=False) == ids


async def test_more_sessions_than_one_batch_are_all_ended(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    """The batch size (500) made small, so three batches and a last partial page run in a short test."""
    monkeypatch.setattr(bulk_revoke, "BATCH", 3)
    headers, app, _, alice, _ = await _setup(env)
    ids = await _offline(env, alice, app, count=3 * 3 + 2)
    assert (await _post(env, headers, {"clientId": "app", "dryRun": True}))["count"] == 11
    assert await _post(env, headers, {"clientId": "app"}) == {"count": 11}
    assert await _alive(env, ids) == [] and await _alive(env, ids, offline=False) == []
    assert await _post(env, headers, {"clientId": "app"}) == {"count": 0}


async def test_expired_offline_sessions_are_not_counted(env: Env) -> None:
    headers, app, _, alice, _ = await _setup(env)
    await _offline(env, alice, app)
    env.clock.advance(31 * DAY)  # past the default offline idle timeout of 30 days
    headers = await env.admin_headers()
    assert await _post(env, headers, {"clientId": "app", "dryRun": True}) == {"count": 0, "sample": []}
    assert await _post(env, headers, {"clientId": "app"}) == {"count": 0}


async def test_a_revoked_offline_token_no_longer_refreshes(env: Env) -> None:
    headers, *_ = await _setup(env)
    response = await password_grant(env.http, "test", "app", "alice", scope="offline_access")
    assert response.status_code == 200, response.text
    offline_token = response.json()["refresh_token"]
    assert await _post(env, headers, {"username": "alice", "clientId": "app"}) == {"count": 1}
    assert_error(await refresh(env.http, "test", "app", offline_token), 400, "invalid_grant")


async def test_a_view_users_admin_may_not_revoke_or_preview(env: Env) -> None:
    await _setup(env)
    viewer = await realm_admin(env, "viewer", "view-users")
    for body in ({"clientId": "app"}, {"clientId": "app", "dryRun": True}):
        response = await env.http.post(URL, json=body, headers=viewer)
        assert response.status_code == 403, response.text
    assert (await env.http.post(URL, json={"clientId": "app"})).status_code == 401
    manager = await realm_admin(env, "manager", "manage-users")
    assert await _post(env, manager, {"clientId": "app"}) == {"count": 0}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "At least one criterion is required"),
        ({"dryRun": True}, "At least one criterion is required"),
        (None, "Cannot parse the JSON"),
        ([1], "Cannot parse the JSON"),
        ({"ipAddress": "10.0.0.0/99"}, "ipAddress must be an IP address or a CIDR range"),
        ({"startedBefore": "yesterday"}, "startedBefore must be epoch seconds"),
        ({"lastAccessBefore": -1}, "lastAccessBefore must be epoch seconds"),
        ({"startedBefore": 10**30}, "startedBefore must be epoch seconds"),
        ({"startedBefore": 1.5}, "startedBefore must be epoch seconds"),
        ({"username": "a\x00b"}, "username must be a non-empty string"),
        ({"clientId": 7}, "clientId must be a non-empty string"),
        ({"clientId": "app", "dryRun": "yes"}, "dryRun must be a boolean"),
        ({"clientId": ""}, "clientId must be a non-empty string"),
        ({"username": "alice", "userId": "x"}, "Give userId or username, not both"),
        ({"deviceName": "phone"}, "Unknown criterion: deviceName"),
    ],
)
async def test_bad_criteria_are_a_400_with_the_admin_error_shape(env: Env, body: Any, message: str) -> None:
    headers, *_ = await _setup(env)
    assert await _post(env, headers, body, 400) == {"error": message}


async def test_an_unknown_client_or_user_is_a_404(env: Env) -> None:
    headers, *_ = await _setup(env)
    assert await _post(env, headers, {"clientId": "nope"}, 404) == {"error": "Client not found"}
    assert await _post(env, headers, {"username": "nobody"}, 404) == {"error": "User not found"}
    assert await _post(env, headers, {"userId": "nobody"}, 404) == {"error": "User not found"}


async def test_the_real_run_records_an_admin_action_with_the_criteria_and_the_dry_run_none(env: Env) -> None:
    headers, app, _, alice, _ = await _setup(env)
    config = {"adminEventsEnabled": True, "adminEventsDetailsEnabled": True}
    assert (await env.http.put(f"{REALM}/events/config", json=config, headers=headers)).status_code == 204
    await _offline(env, alice, app, count=2)
    await _post(env, headers, {"clientId": "app", "dryRun": True})
    assert await _post(env, headers, {"clientId": "app", "ipAddress": "10.0.0.0/8"}) == {"count": 2}
    response = await env.http.get(f"{REALM}/admin-events", headers=headers)
    events = [e for e in response.json() if e["resourcePath"].startswith("offline-sessions")]
    assert len(events) == 1, events
    event = events[0]
    assert (event["operationType"], event["resourceType"], event["resourcePath"]) == (
        "ACTION",
        "USER_SESSION",
        "offline-sessions/revoke",
    )
    assert json.loads(event["representation"]) == {"clientId": "app", "ipAddress": "10.0.0.0/8"}
