"""Keycloak's AbstractAdminRBACTest (tests/base/.../admin/authz/rbac, 2026) over HTTP: realms, users and admin
role grants made through the Admin REST API, as the master admin or as the admin a test acts as.

``run_as`` is the Java ``runAs``: a password grant at ``admin-cli`` of the realm, its bearer header. The master user
``mymasteradmin`` (AbstractAdminRBACTest.MasterUserConfig) holds no role until a test grants one.
"""

from __future__ import annotations

from typing import Any

import httpx

from admin_support import login
from wire_env import Env

MASTER_USER = "mymasteradmin"
MANAGEMENT = "realm-management"


async def call(env: Env, headers: dict[str, str] | None, method: str, path: str, body: Any = None) -> httpx.Response:
    """An admin request as ``headers`` (the master admin when None)."""
    return await env.http.request(method, path, json=body, headers=headers or await env.admin_headers())


async def ok(env: Env, headers: dict[str, str] | None, method: str, path: str, body: Any = None) -> Any:
    """An admin request that must succeed; its JSON body, if any."""
    response = await call(env, headers, method, path, body)
    assert response.status_code < 300, (method, path, response.status_code, response.text)
    return response.json() if response.content else None


async def create_realm(env: Env, headers: dict[str, str] | None, name: str) -> httpx.Response:
    return await call(env, headers, "POST", "/admin/realms", {"realm": name, "enabled": True})


async def create_user(env: Env, headers: dict[str, str] | None, realm: str, username: str) -> str:
    """AbstractAdminRBACTest.createUser: a complete profile and the password ``password``; the new id."""
    rep = {
        "username": username,
        "email": f"{username}@keycloak.org",
        "firstName": "First",
        "lastName": "Last",
        "enabled": True,
        "credentials": [{"type": "password", "value": "password", "temporary": False}],
    }
    response = await call(env, headers, "POST", f"/admin/realms/{realm}/users", rep)
    assert response.status_code == 201, response.text
    return str(response.headers["location"].rsplit("/", 1)[1])


async def master_user(env: Env) -> str:
    """The master user of AbstractAdminRBACTest (``mymasteradmin``, no roles); their id."""
    return await create_user(env, None, "master", MASTER_USER)


async def user_id(env: Env, headers: dict[str, str] | None, realm: str, username: str) -> str:
    found = await ok(env, headers, "GET", f"/admin/realms/{realm}/users?username={username}&exact=true")
    assert len(found) == 1, found
    return str(found[0]["id"])


async def client_role(
    env: Env, headers: dict[str, str] | None, realm: str, client_id: str, name: str
) -> tuple[str, dict[str, Any]]:
    """The UUID of ``client_id`` and its role ``name``, looked up as ``headers``."""
    clients = await ok(env, headers, "GET", f"/admin/realms/{realm}/clients?clientId={client_id}")
    uuid = str(clients[0]["id"])
    return uuid, await ok(env, headers, "GET", f"/admin/realms/{realm}/clients/{uuid}/roles/{name}")


async def grant_realm_management_role(
    env: Env, headers: dict[str, str] | None, realm: str, username: str, role: str
) -> httpx.Response:
    """AbstractAdminRBACTest.grantRealmManagementRole: the look-ups must succeed (the Java wraps their failure in an
    IllegalStateException), the mapping's answer is returned."""
    uid = await user_id(env, headers, realm, username)
    uuid, rep = await client_role(env, headers, realm, MANAGEMENT, role)
    return await call(env, headers, "POST", f"/admin/realms/{realm}/users/{uid}/role-mappings/clients/{uuid}", [rep])


async def grant_master_realm_management_role(env: Env, target_realm: str, username: str, role: str) -> None:
    """AbstractAdminRBACTest.grantMasterRealmManagementRole, as the master admin: ``role`` of master's client
    ``<target_realm>-realm`` to the master user ``username``."""
    uid = await user_id(env, None, "master", username)
    uuid, rep = await client_role(env, None, "master", f"{target_realm}-realm", role)
    await ok(env, None, "POST", f"/admin/realms/master/users/{uid}/role-mappings/clients/{uuid}", [rep])


async def grant_realm_role(env: Env, headers: dict[str, str] | None, realm: str, uid: str, name: str) -> httpx.Response:
    """AbstractAdminRBACTest.grantRealmRole: the realm role (created when missing) mapped to the user."""
    found = await call(env, headers, "GET", f"/admin/realms/{realm}/roles/{name}")
    if found.status_code == 404:
        await ok(env, headers, "POST", f"/admin/realms/{realm}/roles", {"name": name})
        found = await call(env, headers, "GET", f"/admin/realms/{realm}/roles/{name}")
    assert found.status_code == 200, found.text
    return await call(env, headers, "POST", f"/admin/realms/{realm}/users/{uid}/role-mappings/realm", [found.json()])


async def revoke_realm_role(env: Env, realm: str, uid: str, name: str) -> None:
    """AbstractAdminRBACTest.revokeRealmRole, as the master admin."""
    rep = await ok(env, None, "GET", f"/admin/realms/{realm}/roles/{name}")
    await ok(env, None, "DELETE", f"/admin/realms/{realm}/users/{uid}/role-mappings/realm", [rep])


async def run_as(env: Env, realm: str, username: str) -> dict[str, str]:
    """AbstractAdminRBACTest.runAs through ``admin-cli``: the user's bearer header."""
    return await login(env, realm, username)


def forbidden(response: httpx.Response) -> bool:
    return response.status_code == 403
