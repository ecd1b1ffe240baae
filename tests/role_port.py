"""Shared set-up of the wire ports of Keycloak's role tests (ClientRolesTest, RoleByIdResourceTest,
RealmRolesTest): realm ``test`` imported with admin events on, roles, clients, users and groups made through
the admin API as the Java tests make them, and ``assertAdminEvents.assertEvent`` over ``GET admin-events``."""

from __future__ import annotations

import json
from typing import Any

import httpx

from keycloak_port import ADMIN, admin_headers, get, import_realm
from wire_env import Env

TEST_REALM = {"realm": "test", "enabled": True, "adminEventsEnabled": True, "adminEventsDetailsEnabled": True}


async def import_test_realm(env: Env) -> str:
    """Realm ``test`` with admin events (and their representations) recorded; its id."""
    await import_realm(env, TEST_REALM)
    await clear_events(env)
    realm: dict[str, Any] = await get(env, "")
    return str(realm["id"])


async def call(env: Env, method: str, path: str, body: Any = None, **params: Any) -> httpx.Response:
    """One admin request as the master realm's admin, answer unchecked."""
    headers = await admin_headers(env)
    return await env.http.request(method, ADMIN + path, json=body, params=params or None, headers=headers)


async def create(env: Env, path: str, rep: dict[str, Any]) -> str:
    """``POST`` a representation, expecting 201; the new resource's id or name (the Location's last segment)."""
    response = await call(env, "POST", path, rep)
    assert response.status_code == 201, (path, response.status_code, response.text)
    return str(response.headers["location"]).rsplit("/", 1)[-1]


async def ok(env: Env, method: str, path: str, body: Any = None, **params: Any) -> Any:
    """A request that must succeed: the JSON body of a 200, None for a 204."""
    response = await call(env, method, path, body, **params)
    assert response.status_code in (200, 204), (method, path, response.status_code, response.text)
    return response.json() if response.status_code == 200 else None


async def user_named(env: Env, username: str) -> dict[str, Any]:
    """``getFullUserRep`` / ``users().search(username)``: the one user of that exact username."""
    (user,) = await get(env, "/users", username=username, exact="true")
    return dict(user)


def names(roles: list[dict[str, Any]]) -> set[str]:
    """``Assert.assertNames`` compares the set of names."""
    return {r["name"] for r in roles}


async def clear_events(env: Env) -> None:
    response = await env.http.delete(f"{ADMIN}/admin-events", headers=await admin_headers(env))
    assert response.status_code == 204, response.text


async def poll_events(env: Env) -> list[dict[str, Any]]:
    """Every admin event since the last poll, oldest first, and the queue emptied."""
    found: list[dict[str, Any]] = await get(env, "/admin-events", max=1000)
    await clear_events(env)
    return list(reversed(found))


async def assert_event(
    env: Env,
    realm_id: str,
    operation: str,
    path: str,
    resource_type: str,
    rep: Any = None,
) -> None:
    """``assertAdminEvents.assertEvent``: exactly one new event, of this realm, operation, resource type and
    path, by master's admin; with ``rep``, every non-null field of it equals the recorded
    representation's (AssertAdminEvents compares the expected representation's non-null properties)."""
    found = await poll_events(env)
    assert len(found) == 1, [(e["operationType"], e["resourceType"], e.get("resourcePath")) for e in found]
    event = found[0]
    assert (event["realmId"], event["operationType"], event["resourceType"], event["resourcePath"]) == (
        realm_id,
        operation,
        resource_type,
        path,
    )
    assert event["authDetails"]["realmId"] == "master", event["authDetails"]
    if rep is not None:
        assert_subset(rep, json.loads(event["representation"]))


def assert_subset(expected: Any, actual: Any) -> None:
    """Expected's non-null fields, recursively, equal actual's; lists element by element."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), (expected, actual)
        for key, value in expected.items():
            if value is not None:
                assert key in actual, (key, actual)
                assert_subset(value, actual[key])
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), (expected, actual)
        for one, other in zip(expected, actual, strict=True):
            assert_subset(one, other)
    else:
        assert expected == actual, (expected, actual)
