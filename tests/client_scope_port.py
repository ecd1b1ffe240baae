"""Helpers of the wire ports of Keycloak 26's client-scope admin tests (ClientScopeTest,
ClientScopeEvaluateTest, ClientScopeProtocolMapperTest): realm ``test`` with admin events and their
details on, every call made as master's admin, and ``adminEvents.poll()`` / ``AdminEventAssertion``
as Keycloak's test framework has them."""

from __future__ import annotations

import json
from typing import Any

import httpx

from support import seed_realm
from wire_env import Env

REALM = "/admin/realms/test"
SCOPES = f"{REALM}/client-scopes"
_PENDING: dict[int, list[dict[str, Any]]] = {}


async def setup(env: Env) -> None:
    """Realm ``test`` recording admin events with their representations; nothing recorded yet."""
    await seed_realm(env.db, env.clock)
    await call(env, "PUT", "/events/config", {"adminEventsEnabled": True, "adminEventsDetailsEnabled": True})
    await call(env, "DELETE", "/admin-events")
    _PENDING[id(env)] = []


async def call(env: Env, method: str, path: str, body: Any = None, **params: str) -> httpx.Response:
    """One admin REST call on realm ``test``, as master's admin."""
    headers = await env.admin_headers()
    kw: dict[str, Any] = {"params": params, "headers": headers}
    if body is not None:
        kw["json"] = body
    return await env.http.request(method, REALM + path, **kw)


async def ok(env: Env, method: str, path: str, body: Any = None, status: int = 204, **params: str) -> Any:
    """A call that must answer ``status``; its JSON body (None for an empty one)."""
    response = await call(env, method, path, body, **params)
    assert response.status_code == status, (method, path, response.status_code, response.text)
    return response.json() if response.content else None


def created_id(response: httpx.Response) -> str:
    """ApiUtil.getCreatedId: 201 and the last segment of the Location."""
    assert response.status_code == 201, (response.status_code, response.text)
    return response.headers["location"].rsplit("/", 1)[-1]


async def poll(env: Env) -> dict[str, Any]:
    """``adminEvents.poll()``: the oldest admin event not polled yet (None when there is none)."""
    pending = _PENDING.setdefault(id(env), [])
    fresh = await ok(env, "GET", "/admin-events", status=200, max="1000")
    await ok(env, "DELETE", "/admin-events")
    pending.extend(reversed(fresh))  # listed newest first
    assert pending, "no admin event was recorded"
    return pending.pop(0)


def assert_event(
    event: dict[str, Any], operation: str, path: str, resource_type: str, representation: Any = None
) -> None:
    """AdminEventAssertion.assertEvent: a successful event of this operation, path and resource type; with a
    representation, each non-null field of it equal in the event's (a list: the roles' id → name)."""
    assert (event["operationType"], event["resourcePath"], event["resourceType"]) == (operation, path, resource_type)
    if representation is None:
        return
    actual = json.loads(event["representation"])
    if isinstance(representation, list):
        assert {r.get("id"): r["name"] for r in actual} == {r.get("id"): r["name"] for r in representation}
        return
    for key, value in representation.items():
        if value is not None:
            assert actual.get(key) == value, (key, value, actual.get(key))


async def create_scope(env: Env, rep: dict[str, Any]) -> str:
    """AbstractClientScopeTest.createClientScope: created, and its CREATE event asserted."""
    scope_id = created_id(await call(env, "POST", "/client-scopes", rep))
    assert_event(await poll(env), "CREATE", f"client-scopes/{scope_id}", "CLIENT_SCOPE", rep)
    return scope_id


async def remove_scope(env: Env, scope_id: str) -> None:
    await ok(env, "DELETE", f"/client-scopes/{scope_id}")
    assert_event(await poll(env), "DELETE", f"client-scopes/{scope_id}", "CLIENT_SCOPE")


async def create_client(env: Env, rep: dict[str, Any]) -> str:
    """AbstractClientScopeTest.createClientWithCleanup: created, and its CREATE event asserted."""
    uuid = created_id(await call(env, "POST", "/clients", rep))
    assert_event(await poll(env), "CREATE", f"clients/{uuid}", "CLIENT", rep)
    return uuid


async def scope_id_named(env: Env, name: str) -> str:
    """AdminApiUtil.findClientScopeByName."""
    listed = await ok(env, "GET", "/client-scopes", status=200)
    return str(next(s["id"] for s in listed if s["name"] == name))


def names(reps: list[dict[str, Any]]) -> list[str]:
    return [r["name"] for r in reps]
