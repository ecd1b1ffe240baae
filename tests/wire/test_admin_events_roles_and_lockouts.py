"""Admin events of role writes and lockout releases as Keycloak 26 records them: a client role written through
``roles-by-id`` is a CLIENT_ROLE event (RoleByIdResource.updateRole, deleteRole; RoleResource.addComposites,
deleteComposites), a created role's event carries its id (RoleContainerResource.createRole), and releasing a
user with no login failures records nothing (AttackDetectionResource.clearBruteForceForUser)."""

from __future__ import annotations

import json

import pytest

from admin_support import admin_events, client_uuid, enable_admin_events
from support import assert_error, password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "/admin/realms/test"
ATTACK = f"{REALM}/attack-detection/brute-force/users"


async def _role_id(env: Env, url: str) -> str:
    response = await env.http.get(url, headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    return str(response.json()["id"])


async def test_writes_to_a_client_role_by_id_are_client_role_events(realm: Env) -> None:
    headers = await realm.admin_headers()
    app = await client_uuid(realm, "test", "app")
    for name in ("boss", "worker"):
        made = await realm.http.post(f"{REALM}/clients/{app}/roles", json={"name": name}, headers=headers)
        assert made.status_code == 201, made.text
    boss = await _role_id(realm, f"{REALM}/clients/{app}/roles/boss")
    worker = await _role_id(realm, f"{REALM}/clients/{app}/roles/worker")
    await enable_admin_events(realm, clear=True)
    by_id = f"{REALM}/roles-by-id/{boss}"
    assert (await realm.http.put(by_id, json={"name": "boss", "description": "d"}, headers=headers)).status_code == 204
    ref = [{"id": worker}]
    assert (await realm.http.post(f"{by_id}/composites", json=ref, headers=headers)).status_code == 204
    removed = await realm.http.request("DELETE", f"{by_id}/composites", json=ref, headers=headers)
    assert removed.status_code == 204
    assert (await realm.http.delete(by_id, headers=headers)).status_code == 204
    events = await admin_events(realm)
    assert sorted((e["operationType"], e["resourceType"], e["resourcePath"]) for e in events) == sorted(
        [
            ("UPDATE", "CLIENT_ROLE", f"roles-by-id/{boss}"),
            ("CREATE", "CLIENT_ROLE", f"roles-by-id/{boss}/composites"),
            ("DELETE", "CLIENT_ROLE", f"roles-by-id/{boss}/composites"),
            ("DELETE", "CLIENT_ROLE", f"roles-by-id/{boss}"),
        ]
    )


async def test_a_realm_role_by_id_stays_a_realm_role_event(realm: Env) -> None:
    headers = await realm.admin_headers()
    assert (await realm.http.post(f"{REALM}/roles", json={"name": "plain"}, headers=headers)).status_code == 201
    plain = await _role_id(realm, f"{REALM}/roles/plain")
    await enable_admin_events(realm, clear=True)
    assert (await realm.http.delete(f"{REALM}/roles-by-id/{plain}", headers=headers)).status_code == 204
    [event] = await admin_events(realm)
    assert (event["operationType"], event["resourceType"]) == ("DELETE", "REALM_ROLE")


async def test_a_created_roles_event_carries_its_id_and_composite_flag(realm: Env) -> None:
    await enable_admin_events(realm, clear=True)
    headers = await realm.admin_headers()
    body = {"name": "fresh", "description": "new one", "attributes": {"k": ["v"]}}
    assert (await realm.http.post(f"{REALM}/roles", json=body, headers=headers)).status_code == 201
    fresh = await _role_id(realm, f"{REALM}/roles/fresh")
    [event] = await admin_events(realm)
    assert (event["operationType"], event["resourceType"], event["resourcePath"]) == (
        "CREATE",
        "REALM_ROLE",
        "roles/fresh",
    )
    assert json.loads(event["representation"]) == {
        "id": fresh,
        "name": "fresh",
        "description": "new one",
        "composite": False,
        "attributes": {"k": ["v"]},
    }


async def test_releasing_a_user_without_failures_records_no_event(realm: Env) -> None:
    headers = await realm.admin_headers()
    found = await realm.http.get(f"{REALM}/users", params={"username": "user1", "exact": "true"}, headers=headers)
    user_id = found.json()[0]["id"]
    update = await realm.http.put(REALM, json={"bruteForceProtected": True, "failureFactor": 5}, headers=headers)
    assert update.status_code == 204
    await enable_admin_events(realm, clear=True)
    for target in (user_id, "no-such-user"):
        assert (await realm.http.delete(f"{ATTACK}/{target}", headers=headers)).status_code == 204
    assert await admin_events(realm) == []
    realm.clock.advance(5)
    assert_error(await password_grant(realm.http, "test", "app", "user1", "wrong"), 400, "invalid_grant")
    assert (await realm.http.delete(f"{ATTACK}/{user_id}", headers=headers)).status_code == 204
    [event] = await admin_events(realm)
    assert (event["operationType"], event["resourceType"], event["resourcePath"]) == (
        "DELETE",
        "USER_LOGIN_FAILURE",
        f"attack-detection/brute-force/users/{user_id}",
    )
