"""Keycloak's InternalClientManagementTest (tests/base/.../admin/authz/rbac, 2026), ported over HTTP: an admin who
may manage clients or the realm still may not redefine an admin role (rename it, delete it, or change its
composites), whether it is realm-management's, a role of master's ``<realm>-realm`` clients or master's ``admin``
and ``create-realm``. Keycloak: RolePermissions.canManage(role) refuses ``isRealmAdminRole`` roles; Doorkeep:
doorkeep.admin.permissions.may_redefine, which the composite writes now check as well as renames and deletes.

Every method is ported; ``grantMasterRealmManagementRole(Config.getAdminRealm(), ...)`` is a role of master's own
``master-realm`` client.
"""

from __future__ import annotations

from typing import Any

import pytest

from rbac_port import MASTER_USER, call, create_realm, forbidden, grant_master_realm_management_role, master_user, ok
from rbac_port import run_as as login_as
from wire_env import Env

pytestmark = pytest.mark.anyio

MASTER = "/admin/realms/master"
TEMP_ROLE_NAME = "xyzzy-temp-role"


def renamed(original: dict[str, Any]) -> dict[str, Any]:
    return {"id": original["id"], "name": f"{original['name']}_renamed", "description": original.get("description")}


async def acting(env: Env, target_realm: str, role: str) -> dict[str, str]:
    """The master user holding ``role`` of master's ``<target_realm>-realm``; their header."""
    await master_user(env)
    await grant_master_realm_management_role(env, target_realm, MASTER_USER, role)
    return await login_as(env, "master", MASTER_USER)


async def client_role(env: Env, headers: dict[str, str], realm: str, client_id: str, name: str) -> dict[str, Any]:
    uuid = (await ok(env, headers, "GET", f"/admin/realms/{realm}/clients?clientId={client_id}"))[0]["id"]
    role: dict[str, Any] = await ok(env, headers, "GET", f"/admin/realms/{realm}/clients/{uuid}/roles/{name}")
    return role


async def test_manage_clients_admin_cannot_rename_role_in_realm_management_client(env: Env) -> None:
    """testManageClientsAdminCannotRenameRoleInRealmManagementClient."""
    assert (await create_realm(env, None, "myrealm")).status_code == 201
    headers = await acting(env, "myrealm", "manage-clients")
    role = await client_role(env, headers, "myrealm", "realm-management", "realm-admin")
    path = f"/admin/realms/myrealm/roles-by-id/{role['id']}"
    assert forbidden(await call(env, headers, "PUT", path, renamed(role)))
    assert (await ok(env, None, "GET", path))["name"] == "realm-admin"


async def test_master_realm_manage_clients_admin_cannot_rename_role_in_realm_admin_container(env: Env) -> None:
    """testMasterRealmManageClientsAdminCannotRenameRoleInRealmAdminContainer: ``myrealm-realm``'s manage-realm."""
    assert (await create_realm(env, None, "myrealm")).status_code == 201
    headers = await acting(env, "master", "manage-clients")
    role = await client_role(env, headers, "master", "myrealm-realm", "manage-realm")
    path = f"{MASTER}/roles-by-id/{role['id']}"
    assert forbidden(await call(env, headers, "PUT", path, renamed(role)))
    assert (await ok(env, None, "GET", path))["name"] == "manage-realm"


async def test_master_realm_manage_realm_admin_cannot_rename_admin_realm_role(env: Env) -> None:
    """testMasterRealmManageRealmAdminCannotRenameAdminRealmRole: master's admin and create-realm, by id."""
    headers = await acting(env, "master", "manage-realm")
    for name in ("admin", "create-realm"):
        role = await ok(env, headers, "GET", f"{MASTER}/roles/{name}")
        assert forbidden(await call(env, headers, "PUT", f"{MASTER}/roles-by-id/{role['id']}", renamed(role))), name
        assert (await ok(env, None, "GET", f"{MASTER}/roles/{name}"))["id"] == role["id"]


async def test_non_master_realm_manage_realm_admin_can_rename_admin_realm_role(env: Env) -> None:
    """testNonMasterRealmManageRealmAdminCanRenameAdminRealmRole: realm roles named admin and create-realm in
    another realm are no admin roles; a master user with ``myrealm-realm``'s manage-realm renames them by name."""
    assert (await create_realm(env, None, "myrealm")).status_code == 201
    for name in ("admin", "create-realm"):
        await ok(env, None, "POST", "/admin/realms/myrealm/roles", {"name": name, "composite": False})
    headers = await acting(env, "myrealm", "manage-realm")
    for name in ("admin", "create-realm"):
        role = await ok(env, headers, "GET", f"/admin/realms/myrealm/roles/{name}")
        await ok(env, headers, "PUT", f"/admin/realms/myrealm/roles/{name}", renamed(role))
        updated = await ok(env, headers, "GET", f"/admin/realms/myrealm/roles/{name}_renamed")
        assert updated["name"] == f"{name}_renamed"


async def test_master_realm_manage_realm_admin_cannot_rename_admin_realm_role_via_name_based_endpoint(
    env: Env,
) -> None:
    """testMasterRealmManageRealmAdminCannotRenameAdminRealmRoleViaNameBasedEndpoint."""
    headers = await acting(env, "master", "manage-realm")
    for name in ("admin", "create-realm"):
        role = await ok(env, headers, "GET", f"{MASTER}/roles/{name}")
        assert forbidden(await call(env, headers, "PUT", f"{MASTER}/roles/{name}", renamed(role))), name
        assert (await ok(env, None, "GET", f"{MASTER}/roles/{name}"))["id"] == role["id"]


async def test_master_realm_manage_realm_admin_cannot_delete_admin_realm_role_via_name_based_endpoint(
    env: Env,
) -> None:
    """testMasterRealmManageRealmAdminCannotDeleteAdminRealmRoleViaNameBasedEndpoint: the role stays."""
    headers = await acting(env, "master", "manage-realm")
    for name in ("admin", "create-realm"):
        assert forbidden(await call(env, headers, "DELETE", f"{MASTER}/roles/{name}")), name
        assert (await ok(env, headers, "GET", f"{MASTER}/roles/{name}"))["name"] == name


async def test_master_realm_manage_realm_admin_cannot_delete_composites_from_admin_realm_role(env: Env) -> None:
    """testMasterRealmManageRealmAdminCannotDeleteCompositesFromAdminRealmRoleViaNameBasedEndpoint: removing one of
    ``admin``'s composites (which would take that realm's administration away from every global admin) is 403."""
    headers = await acting(env, "master", "manage-realm")
    before = await ok(env, headers, "GET", f"{MASTER}/roles/admin/composites")
    target = before[0]
    assert forbidden(await call(env, headers, "DELETE", f"{MASTER}/roles/admin/composites", [target]))
    after = await ok(env, headers, "GET", f"{MASTER}/roles/admin/composites")
    assert len(after) == len(before)


async def test_master_realm_manage_realm_admin_cannot_add_composites_to_admin_realm_role(env: Env) -> None:
    """testMasterRealmManageRealmAdminCannotAddCompositesToAdminRealmRoleViaNameBasedEndpoint: nesting even a plain
    role into ``admin`` (handing it to every global admin) is 403."""
    headers = await acting(env, "master", "manage-realm")
    await ok(env, None, "POST", f"{MASTER}/roles", {"name": TEMP_ROLE_NAME, "description": "temp"})
    temp = await ok(env, None, "GET", f"{MASTER}/roles/{TEMP_ROLE_NAME}")
    assert forbidden(await call(env, headers, "POST", f"{MASTER}/roles/admin/composites", [temp]))
    after = await ok(env, headers, "GET", f"{MASTER}/roles/admin/composites")
    assert TEMP_ROLE_NAME not in {r["name"] for r in after}


async def test_a_realm_admin_still_changes_the_composites_of_a_plain_role(env: Env) -> None:
    """The guard is on admin roles only: the same manage-realm admin nests a plain role into another one and takes
    it out again."""
    headers = await acting(env, "master", "manage-realm")
    for name in ("outer", TEMP_ROLE_NAME):
        await ok(env, None, "POST", f"{MASTER}/roles", {"name": name})
    temp = await ok(env, None, "GET", f"{MASTER}/roles/{TEMP_ROLE_NAME}")
    await ok(env, headers, "POST", f"{MASTER}/roles/outer/composites", [temp])
    assert [r["name"] for r in await ok(env, headers, "GET", f"{MASTER}/roles/outer/composites")] == [TEMP_ROLE_NAME]
    await ok(env, headers, "DELETE", f"{MASTER}/roles/outer/composites", [temp])
    assert await ok(env, headers, "GET", f"{MASTER}/roles/outer/composites") == []
