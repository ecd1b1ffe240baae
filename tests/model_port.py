"""Keycloak's model tests (testsuite .../testsuite/model/*ModelTest.java, MultipleRealmsTest) driven through the Admin
REST API instead of the server's model layer: a realm made by ``POST /admin/realms``, its objects made, read and
removed by the admin calls Keycloak's own admin console makes, each Java ``runJobInTransaction`` becoming one or
more HTTP requests (each its own transaction, as each job is)."""

from __future__ import annotations

from typing import Any

import httpx

from wire_env import Env


async def call(env: Env, method: str, path: str, body: Any = None, **params: Any) -> httpx.Response:
    """An admin request as master's admin, ``path`` under ``/admin/realms``; the answer unchecked."""
    headers = await env.admin_headers()
    url = f"/admin/realms{path}"
    return await env.http.request(method, url, json=body, params=params or None, headers=headers)


async def ok(env: Env, method: str, path: str, body: Any = None, **params: Any) -> Any:
    """An admin request that must succeed: the JSON of a 200, None for a 201 or 204."""
    response = await call(env, method, path, body, **params)
    assert response.status_code in (200, 201, 204), (method, path, response.status_code, response.text)
    return response.json() if response.status_code == 200 else None


async def create(env: Env, path: str, rep: dict[str, Any]) -> str:
    """``POST`` expecting 201; the new id (the Location's last segment)."""
    response = await call(env, "POST", path, rep)
    assert response.status_code == 201, (path, response.status_code, response.text)
    return str(response.headers["location"]).rsplit("/", 1)[-1]


async def new_realm(env: Env, name: str, **extra: Any) -> str:
    """``RealmManager.createRealm`` / ``RealmBuilder.create().name(name)``: the realm made; its id."""
    await ok(env, "POST", "", {"realm": name, "enabled": True, **extra})
    return str((await ok(env, "GET", f"/{name}"))["id"])


async def client_uuid(env: Env, realm: str, client_id: str) -> str:
    (client,) = await ok(env, "GET", f"/{realm}/clients", clientId=client_id)
    return str(client["id"])


async def user_id(env: Env, realm: str, username: str) -> str:
    (user,) = await ok(env, "GET", f"/{realm}/users", username=username, exact="true")
    return str(user["id"])


async def users_named(env: Env, realm: str, **params: Any) -> set[str]:
    """The usernames a ``GET users`` search answers."""
    return {u["username"] for u in await ok(env, "GET", f"/{realm}/users", **params)}
