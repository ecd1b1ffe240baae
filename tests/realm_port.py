"""Shared set-up of the wire ports of Keycloak's realm admin tests (RealmTest, split in Keycloak 26 into
tests/admin/realm/Realm*Test): one app per module (``group_port.shared_env``), and before each test the
server as AbstractRealmTest's ``managedRealm`` leaves it: only ``master`` and the realm ``test`` (imported
anew, admin events and their representations recorded), whatever the module's earlier tests created."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from keycloak_port import admin_headers
from role_port import TEST_REALM, clear_events
from wire_env import Env

REALMS = "/admin/realms"


async def admin(env: Env, method: str, path: str, body: Any = None, **params: Any) -> httpx.Response:
    """One request under /admin/realms as master's admin, answer unchecked; ``path`` starts with the realm."""
    headers = await admin_headers(env)
    return await env.http.request(method, REALMS + path, json=body, params=params or None, headers=headers)


async def realm_names(env: Env) -> set[str]:
    """``Assert.assertNames(adminClient.realms().findAll(), ...)``: the names, as a set."""
    response = await admin(env, "GET", "")
    assert response.status_code == 200, response.text
    return {r["realm"] for r in response.json()}


async def remove(env: Env, realm: str) -> None:
    response = await admin(env, "DELETE", f"/{quote(realm)}")
    assert response.status_code == 204, (realm, response.status_code, response.text)


async def managed_realm(env: Env, rep: dict[str, Any] | None = None) -> str:
    """Every realm but master removed, realm ``test`` (``rep``, or TEST_REALM) imported, its admin events
    cleared; its id."""
    for name in await realm_names(env) - {"master"}:
        await remove(env, name)
    created = await admin(env, "POST", "", rep or TEST_REALM)
    assert created.status_code == 201, created.text
    await clear_events(env)
    found = await admin(env, "GET", "/test")
    return str(found.json()["id"])


async def representation(env: Env, realm: str = "test") -> dict[str, Any]:
    response = await admin(env, "GET", f"/{quote(realm)}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
