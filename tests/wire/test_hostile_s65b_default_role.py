"""Hostile s65b: the realm's default role kept by id (Realm.default_role_id) against admin writes that try to move it."""

from __future__ import annotations

from typing import Any

import pytest

from wire_env import Env

pytestmark = pytest.mark.anyio

REALMS = "/admin/realms"


async def _call(env: Env, method: str, path: str, body: Any = None, status: int | None = None) -> Any:
    response = await env.http.request(method, f"{REALMS}{path}", headers=await env.admin_headers(), json=body)
    if status is None:
        assert response.status_code < 300, response.text
    else:
        assert response.status_code == status, response.text
    return response.json() if response.content else None


async def _new_user_roles(env: Env, realm: str, username: str) -> set[str]:
    await _call(env, "POST", f"/{realm}/users", {"username": username, "enabled": True})
    user_id = (await _call(env, "GET", f"/{realm}/users?username={username}&exact=true"))[0]["id"]
    return {
        r["name"]
        for r in await _call(env, "GET", f"/{realm}/users/{user_id}/role-mappings/realm?briefRepresentation=true")
    }


async def test_realm_put_cannot_point_the_default_role_elsewhere(env: Env) -> None:
    await _call(env, "POST", "", {"realm": "shop", "enabled": True})
    await _call(env, "POST", "", {"realm": "other", "enabled": True})
    default = await _call(env, "GET", "/shop/roles/default-roles-shop")
    await _call(env, "POST", "/shop/roles", {"name": "powerful"})
    powerful = await _call(env, "GET", "/shop/roles/powerful")
    foreign = await _call(env, "GET", "/other/roles/default-roles-other")
    clients = await _call(env, "GET", "/shop/clients?clientId=realm-management")
    client_role = await _call(env, "GET", f"/shop/clients/{clients[0]['id']}/roles/realm-admin")
    for target in (powerful, foreign, client_role):
        rep = await _call(env, "GET", "/shop")
        rep["defaultRole"] = {"id": target["id"], "name": target["name"]}
        await _call(env, "PUT", "/shop", rep)
        for key in ("default_role_id", "defaultRoleId"):  # no such field: Jackson's 400, nothing stored
            await _call(env, "PUT", "/shop", {**rep, key: target["id"]}, status=400)
        after = await _call(env, "GET", "/shop")
        assert after["defaultRole"]["id"] == default["id"], (target, after["defaultRole"])
    roles = await _new_user_roles(env, "shop", "newbie")
    assert "default-roles-shop" in roles and "powerful" not in roles


async def test_import_naming_a_builtin_role_as_default_makes_no_self_composite(env: Env) -> None:
    """RealmManager.importRealm: defaultRole ``offline_access`` is the default role; setupOfflineRole finds the role
    there and adds nothing, so it never contains itself."""
    body = {"realm": "odd", "enabled": True, "defaultRole": {"name": "offline_access"}}
    await _call(env, "POST", "", body, status=201)
    realm = await _call(env, "GET", "/odd")
    assert realm["defaultRole"]["name"] == "offline_access"
    role = await _call(env, "GET", "/odd/roles/offline_access")
    assert realm["defaultRole"]["id"] == role["id"]
    composites = await _call(env, "GET", "/odd/roles/offline_access/composites")
    assert role["id"] not in {c["id"] for c in composites}
    assert "offline_access" in await _new_user_roles(env, "odd", "newbie")


async def test_partial_import_listing_the_renamed_default_twice_keeps_a_default_role(env: Env) -> None:
    await _call(env, "POST", "", {"realm": "shop", "enabled": True})
    role = await _call(env, "GET", "/shop/roles/default-roles-shop")
    await _call(env, "PUT", f"/shop/roles-by-id/{role['id']}", {**role, "name": "everyone"})
    twice = [{"name": "everyone", "description": "one"}, {"name": "everyone", "description": "two"}]
    body = {"ifResourceExists": "OVERWRITE", "roles": {"realm": twice}}
    response = await env.http.post(f"{REALMS}/shop/partialImport", headers=await env.admin_headers(), json=body)
    assert response.status_code < 500, response.text
    realm = await _call(env, "GET", "/shop")
    assert realm["defaultRole"]["name"] == "everyone"
    assert await env.http.get(
        f"{REALMS}/shop/roles-by-id/{realm['defaultRole']['id']}", headers=await env.admin_headers()
    )
    assert "everyone" in await _new_user_roles(env, "shop", "newbie")
