"""Keycloak keeps the realm's default role by id (``RealmModel.getDefaultRole``), so an admin may rename it and it
stays the default role: new users get it, the realm representation names it, and it still cannot be deleted."""

from __future__ import annotations

from typing import Any

import pytest

from wire_env import Env

pytestmark = pytest.mark.anyio

REALMS = "/admin/realms"


async def _call(env: Env, method: str, path: str, body: Any = None) -> Any:
    response = await env.http.request(method, f"{REALMS}{path}", headers=await env.admin_headers(), json=body)
    assert response.status_code < 300, response.text
    return response.json() if response.content else None


async def _new_user_roles(env: Env, realm: str, username: str) -> set[str]:
    await _call(env, "POST", f"/{realm}/users", {"username": username, "enabled": True})
    user_id = (await _call(env, "GET", f"/{realm}/users?username={username}&exact=true"))[0]["id"]
    return {r["name"] for r in await _call(env, "GET", f"/{realm}/users/{user_id}/role-mappings/realm")}


@pytest.mark.parametrize("route", ["by-name", "by-id"])
async def test_a_renamed_default_role_stays_the_default_role(env: Env, route: str) -> None:
    await _call(env, "POST", "", {"realm": "shop", "enabled": True})
    role = await _call(env, "GET", "/shop/roles/default-roles-shop")
    path = "/shop/roles/default-roles-shop" if route == "by-name" else f"/shop/roles-by-id/{role['id']}"
    await _call(env, "PUT", path, {**role, "name": "everyone"})
    realm = await _call(env, "GET", "/shop")
    assert realm["defaultRole"]["id"] == role["id"] and realm["defaultRole"]["name"] == "everyone"
    assert "everyone" in await _new_user_roles(env, "shop", "newbie")
    composites = await _call(env, "GET", "/shop/roles/everyone/composites")
    assert "offline_access" in {r["name"] for r in composites}
    response = await env.http.delete(f"{REALMS}/shop/roles/everyone", headers=await env.admin_headers())
    assert response.status_code == 400, response.text
    assert response.json()["errorMessage"] == "everyone is default role of the realm and cannot be removed."
    # a role later made under the old name is an ordinary role
    await _call(env, "POST", "/shop/roles", {"name": "default-roles-shop"})
    assert (await _call(env, "GET", "/shop"))["defaultRole"]["id"] == role["id"]
    assert "default-roles-shop" not in await _new_user_roles(env, "shop", "second")
    exported = await _call(env, "POST", "/shop/partial-export")
    assert exported["defaultRole"]["id"] == role["id"] and exported["defaultRole"]["name"] == "everyone"


async def test_a_partial_import_overwriting_the_renamed_default_role_makes_the_new_one_default(env: Env) -> None:
    """RolesPartialImport deletes the overwritten default role and sets the one it creates as the default role."""
    await _call(env, "POST", "", {"realm": "shop", "enabled": True})
    role = await _call(env, "GET", "/shop/roles/default-roles-shop")
    await _call(env, "PUT", f"/shop/roles-by-id/{role['id']}", {**role, "name": "everyone"})
    body = {"ifResourceExists": "OVERWRITE", "roles": {"realm": [{"name": "everyone", "description": "new"}]}}
    result = await _call(env, "POST", "/shop/partialImport", body)
    assert result["overwritten"] == 1, result
    realm = await _call(env, "GET", "/shop")
    assert realm["defaultRole"]["name"] == "everyone" and realm["defaultRole"]["id"] != role["id"]
    assert "everyone" in await _new_user_roles(env, "shop", "newbie")


async def test_renaming_the_realm_and_then_the_default_role(env: Env) -> None:
    await _call(env, "POST", "", {"realm": "shop", "enabled": True})
    role = await _call(env, "GET", "/shop/roles/default-roles-shop")
    await _call(env, "PUT", "/shop", {"realm": "store"})
    await _call(env, "PUT", "/store/roles/default-roles-shop", {**role, "name": "members"})
    assert (await _call(env, "GET", "/store"))["defaultRole"]["id"] == role["id"]
    assert "members" in await _new_user_roles(env, "store", "newbie")
