"""Organization roles over the wire (Keycloak's OrganizationRolesResource and OrganizationRoleResource): roles,
realm and client roles made through the Admin REST of realm ``test`` as the master admin."""

from __future__ import annotations

from typing import Any

from org_invitations import ORGS
from wire_env import Env

ROLES = "/admin/realms/test/roles"
CLIENTS = "/admin/realms/test/clients"


async def org_role(env: Env, org: str, name: str, **extra: Any) -> dict[str, Any]:
    """A new role of ``org`` (described ``name`` + `` description``), read back."""
    h = await env.admin_headers()
    made = await env.http.post(
        f"{ORGS}/{org}/roles", json={"name": name, "description": f"{name} description", **extra}, headers=h
    )
    assert made.status_code == 201, made.text
    got = await env.http.get(made.headers["location"], headers=h)
    assert got.status_code == 200, got.text
    body: dict[str, Any] = got.json()
    return body


async def realm_role(env: Env, name: str, description: str | None = None) -> dict[str, Any]:
    h = await env.admin_headers()
    made = await env.http.post(ROLES, json={"name": name, "description": description}, headers=h)
    assert made.status_code == 201, made.text
    body: dict[str, Any] = (await env.http.get(f"{ROLES}/{name}", headers=h)).json()
    return body


async def client_with_role(env: Env, client_id: str, role: str) -> tuple[str, dict[str, Any]]:
    """A new client's UUID and its role ``role``."""
    h = await env.admin_headers()
    made = await env.http.post(CLIENTS, json={"clientId": client_id, "enabled": True}, headers=h)
    assert made.status_code == 201, made.text
    uuid = made.headers["location"].rsplit("/", 1)[1]
    assert (await env.http.post(f"{CLIENTS}/{uuid}/roles", json={"name": role}, headers=h)).status_code == 201
    return uuid, (await env.http.get(f"{CLIENTS}/{uuid}/roles/{role}", headers=h)).json()


async def call(env: Env, method: str, path: str, body: Any = None, **params: Any) -> Any:
    """``method organizations/{path}`` as the master admin: (status, JSON body or None)."""
    sent = await env.http.request(method, f"{ORGS}/{path}", json=body, params=params, headers=await env.admin_headers())
    return sent.status_code, (sent.json() if sent.content else None)


async def ids(env: Env, path: str, **params: Any) -> list[str]:
    status, body = await call(env, "GET", path, **params)
    assert status == 200, body
    return [item["id"] for item in body]
