"""Keycloak's CreateRealmRoleTest (tests/base/.../admin/authz/rbac, 2026), ported over HTTP: what master's
``create-realm`` role lets a master user do (RealmsAdminResource.importRealm, grantPermissionsToRealmCreator: the
creator is given every role of master's new ``<realm>-realm`` client, AdminRoles.ALL_REALM_ROLES).

Not ported:

* ``testAllowMapNonAdminRealmRoleFGAPEnabled`` and ``testAllowMapAdminRoleFGAPEnabled``: they set the realm's
  ``adminPermissionsEnabled`` (fine-grained admin permissions v2), which Doorkeep does not have; without it they
  are ``testMapNonAdminRole`` and ``testMapRealmManagementRole``.
* ``testMapRealmAdminRoleAllowed``: its comment says "realm creator gets realm-admin". In the Keycloak 26 sources
  stored here the creator gets ALL_REALM_ROLES of ``<realm>-realm``, which has no ``realm-admin``
  (RealmManager.createMasterAdminManagement, AdminRoles.ALL_REALM_ROLES), and RolePermissions.checkAdminRoles lets
  only master's ``admin`` hand out ``realm-admin``. The test belongs to the 27 development line (keycloak#45211,
  a realm admin role in master); Doorkeep keeps 26's rule (403), tested in test_master_realm_clients.py.
"""

from __future__ import annotations

import pytest

from rbac_port import (
    MASTER_USER,
    create_realm,
    create_user,
    forbidden,
    grant_master_realm_management_role,
    grant_realm_management_role,
    grant_realm_role,
    master_user,
    ok,
    revoke_realm_role,
    run_as,
)
from wire_env import Env

pytestmark = pytest.mark.anyio


async def creator(env: Env) -> dict[str, str]:
    """onBeforeEach: the master user holding ``create-realm``; their header."""
    uid = await master_user(env)
    granted = await grant_realm_role(env, None, "master", uid, "create-realm")
    assert granted.status_code == 204, granted.text
    return await run_as(env, "master", MASTER_USER)


async def test_create_realm_forbidden(env: Env) -> None:
    """testCreateRealmForbidden: without create-realm (granted, then revoked) the master user creates no realm."""
    await creator(env)
    uid = (await ok(env, None, "GET", f"/admin/realms/master/users?username={MASTER_USER}&exact=true"))[0]["id"]
    await revoke_realm_role(env, "master", uid, "create-realm")
    headers = await run_as(env, "master", MASTER_USER)
    assert forbidden(await create_realm(env, headers, "myrealm"))
    assert (await env.http.get("/admin/realms/myrealm", headers=await env.admin_headers())).status_code == 404


async def test_create_realm(env: Env) -> None:
    """testCreateRealm: the creator reads the new realm and finds it among the realms listed to them."""
    headers = await creator(env)
    assert (await create_realm(env, headers, "myrealm")).status_code == 201
    assert (await ok(env, headers, "GET", "/admin/realms/myrealm"))["realm"] == "myrealm"
    assert "myrealm" in {r["realm"] for r in await ok(env, headers, "GET", "/admin/realms")}


async def test_map_non_admin_role(env: Env) -> None:
    """testMapNonAdminRole: in the realm they made, the creator creates a realm role and maps it to a user."""
    headers = await creator(env)
    assert (await create_realm(env, headers, "myrealm")).status_code == 201
    uid = await create_user(env, headers, "myrealm", "myadmin")
    assert (await grant_realm_role(env, headers, "myrealm", uid, "myrole")).status_code == 204
    mapped = await ok(env, None, "GET", f"/admin/realms/myrealm/users/{uid}/role-mappings/realm")
    assert "myrole" in {r["name"] for r in mapped}


async def test_map_realm_management_role(env: Env) -> None:
    """testMapRealmManagementRole: the creator hands out realm-management's manage-users of their realm."""
    headers = await creator(env)
    assert (await create_realm(env, headers, "myrealm")).status_code == 201
    await create_user(env, headers, "myrealm", "myadmin")
    granted = await grant_realm_management_role(env, headers, "myrealm", "myadmin", "manage-users")
    assert granted.status_code == 204, granted.text


async def test_map_admin_role_forbidden(env: Env) -> None:
    """testMapAdminRoleForbidden: with create-realm plus master-realm's manage-users and view-realm, the master user
    creates a master user but may not give them master's ``admin``."""
    headers = await creator(env)
    await grant_master_realm_management_role(env, "master", MASTER_USER, "manage-users")
    await grant_master_realm_management_role(env, "master", MASTER_USER, "view-realm")
    headers = await run_as(env, "master", MASTER_USER)
    uid = await create_user(env, headers, "master", "myadmin")
    assert forbidden(await grant_realm_role(env, headers, "master", uid, "admin"))
    mapped = await ok(env, None, "GET", f"/admin/realms/master/users/{uid}/role-mappings/realm")
    assert "admin" not in {r["name"] for r in mapped}
