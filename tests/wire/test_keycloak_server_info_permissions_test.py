"""Keycloak's ServerInfoPermissionsTest (tests/base/.../tests/admin/ServerInfoPermissionsTest.java), its one method
ported to one test: who may read ``GET /admin/serverinfo`` and who sees the system in it (ServerInfoAdminResource:
``systemInfo``, ``cpuInfo`` and ``memoryInfo`` to master's admins; only ``systemInfo.version`` to a manage-realm
admin of another realm; neither to the rest; 403 to a user with no admin role), and that a realm-admin cannot hand
out a ``view-system`` role (RolePermissions: an admin role the granter does not hold), while master's admin can.

Keycloak 26.6.4 / 26.6.6 ("The view-system admin role no longer exists": full server information only to
master-realm users holding manage-realm) postdate the ported method, whose last part gave the holder of
``view-system`` the system: here that holder sees none.

PermissionsTestRealmConfig1's users that the method logs in (``realm-admin``, ``none``, ``view-realm``,
``manage-users``, ``manage-realm``) are imported into ``permissions-test``. Differences kept:

* ``master-view-realm`` (a master user holding the ``permissions-test-realm`` client's view-realm): Doorkeep has
  no per-realm clients in master (web/admin/whoami.py); master's admin stands in for it.
* ``systemInfo.javaVersion``: Doorkeep runs no JVM; the full system info is told from the version-only one by
  ``osName`` and ``serverTime``, the two other fields the Java method checks.
* ``adminPermissionsEnabled`` (fine-grained admin permissions v2, which Doorkeep lacks): master's admin assigns
  ``view-system`` without it, as the Java comment says it may.
"""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import FORBIDDEN_BODY
from keycloak_port import admin_headers
from permissions_port import login, realm_rep, user_rep
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "permissions-test"
BASE = f"/admin/realms/{REALM}"
SYSTEM = ("systemInfo", "cpuInfo", "memoryInfo")


async def _master(env: Env, method: str, path: str, body: Any = None, **params: Any) -> Any:
    headers = await admin_headers(env)
    response = await env.http.request(method, path, json=body, params=params or None, headers=headers)
    assert response.status_code in (200, 201, 204), (method, path, response.status_code, response.text)
    return response.json() if response.status_code == 200 else None


async def _info(env: Env, headers: dict[str, str]) -> dict[str, Any]:
    response = await env.http.get("/admin/serverinfo", headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def _forbidden(env: Env, headers: dict[str, str]) -> None:
    response = await env.http.get("/admin/serverinfo", headers=headers)
    assert (response.status_code, response.json()) == (403, FORBIDDEN_BODY), response.text


def _sees_system(info: dict[str, Any]) -> None:
    assert all(info.get(key) is not None for key in SYSTEM), sorted(info)
    assert info["systemInfo"].get("osName") is not None and info["systemInfo"].get("serverTime") is not None
    assert info["memoryInfo"]["total"] >= info["memoryInfo"]["used"] > 0, info["memoryInfo"]


def _sees_no_system(info: dict[str, Any]) -> None:
    assert not [key for key in SYSTEM if info.get(key) is not None], sorted(info)


async def test_server_info(env: Env) -> None:
    names = ("realm-admin", "view-realm", "manage-users", "manage-realm")
    users = [user_rep(name, name) for name in names] + [user_rep("none")]
    await _master(env, "POST", "/admin/realms", realm_rep(REALM, users))
    await _master(env, "POST", "/admin/realms/master/users", user_rep("permissions-test-master-none"))
    callers = {name: await login(env, REALM, name) for name in (*names, "none")}

    # a user in master with no permission: forbidden; with any (master's admin stands in): the system
    await _forbidden(env, await login(env, "master", "permissions-test-master-none", "admin-cli"))
    _sees_system(await _info(env, await admin_headers(env)))
    # a user in the test realm with no permission: forbidden; with one: no system
    await _forbidden(env, callers["none"])
    _sees_no_system(await _info(env, callers["view-realm"]))
    _sees_no_system(await _info(env, callers["manage-users"]))
    # manage-realm: the version only
    info = await _info(env, callers["manage-realm"])
    assert info.get("systemInfo") == {"version": info["systemInfo"]["version"]}, info.get("systemInfo")
    assert info.get("cpuInfo") is None and info.get("memoryInfo") is None

    (management,) = await _master(env, "GET", f"{BASE}/clients", clientId="realm-management")
    roles = f"{BASE}/clients/{management['id']}/roles"
    await _master(env, "POST", roles, {"name": "view-system"})
    view_system = await _master(env, "GET", f"{roles}/view-system")
    (user,) = await _master(env, "GET", f"{BASE}/users", username="view-realm", exact="true")
    mappings = f"{BASE}/users/{user['id']}/role-mappings/clients/{management['id']}"
    # view-system cannot be assigned by the realm's own realm-admin
    refused = await env.http.post(mappings, json=[view_system], headers=callers["realm-admin"])
    assert (refused.status_code, refused.json()) == (403, FORBIDDEN_BODY), refused.text
    # master's admin assigns it; since Keycloak 26.6.4 its holder still sees no system
    await _master(env, "POST", mappings, [view_system])
    try:
        _sees_no_system(await _info(env, await login(env, REALM, "view-realm")))
    finally:
        await _master(env, "DELETE", mappings, [view_system])
        await _master(env, "DELETE", f"{roles}/view-system")
    _sees_no_system(await _info(env, await login(env, REALM, "view-realm")))
