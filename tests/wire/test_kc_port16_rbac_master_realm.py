"""Keycloak's RealmAdminMasterRealmTest and GroupAdminRoleProtectionTest (tests/base/.../admin/authz/rbac, 2026),
ported over HTTP: a master user administers another realm through master's ``<realm>-realm`` client roles, and
joining a user to a group hands out the group's roles (and those of the groups above it).

Ported: RealmAdminMasterRealmTest.testAccessIfRoleGrantedInMasterRealmClient; GroupAdminRoleProtectionTest
.testNonRealmAdminCannotAddUserToChildGroupOfParentWithAdminRole and testNonRealmAdminCanAddUserToGroupWithoutAdminRoles.

Not ported, because they rest on the Keycloak 27 development line and contradict the Keycloak 26 sources stored
here (RolePermissions.checkAdminRoles, AdminRoles.ALL_REALM_ROLES, RealmManager.createMasterAdminManagement) and
Keycloak 26's own IllegalAdminUpgradeTest (a master user holding ``default-realm``'s manage-users maps the realm's
realm-management manage-users, test_keycloak_illegal_admin_upgrade_test.py):

* RealmAdminMasterRealmTest.testRealmAdminOnMasterClientCanMapAdminRoles and GroupAdminRoleProtectionTest
  .testRealmAdminCanAddUserToGroupWithAdminRole grant ``realm-admin`` of ``myrealm-realm``: 26's master clients have
  no such role (ALL_REALM_ROLES; keycloak#45211 proposes a realm admin role in master).
* RealmAdminMasterRealmTest.testIndividualAdminRolesCannotMapAdminRoles (manage-events held through
  ``myrealm-realm``, yet 403 mapping realm-management's manage-events), and GroupAdminRoleProtectionTest
  .testNonRealmAdminCannotAddUserToGroupWithAdminRole, testNonRealmAdminCannotMapCompositeRoleContainingAdminRole and
  testNonRealmAdminCannotAddUserToGroupWithCompositeAdminRole (manage-users held, yet 403 handing out manage-users
  inside a group or composite): 26's checkAdminRoles allows an admin to hand out the realm-management role they
  hold (canManageEvents, users().canManage()), and Doorkeep does so (doorkeep.admin.permissions). Under 27's rule
  only a realm admin hands out admin roles; Doorkeep follows KEYCLOAK.md's 26.x.
"""

from __future__ import annotations

import pytest

from rbac_port import (
    MANAGEMENT,
    MASTER_USER,
    call,
    client_role,
    create_realm,
    create_user,
    forbidden,
    grant_master_realm_management_role,
    master_user,
    ok,
    run_as,
)
from wire_env import Env

pytestmark = pytest.mark.anyio

MYREALM = "/admin/realms/myrealm"


async def test_access_if_role_granted_in_master_realm_client(env: Env) -> None:
    """RealmAdminMasterRealmTest.testAccessIfRoleGrantedInMasterRealmClient: no role, no users of myrealm; with
    ``myrealm-realm``'s manage-users, the (empty) list and a new user."""
    assert (await create_realm(env, None, "myrealm")).status_code == 201
    await master_user(env)
    headers = await run_as(env, "master", MASTER_USER)
    assert forbidden(await call(env, headers, "GET", f"{MYREALM}/users"))
    assert forbidden(await call(env, headers, "POST", f"{MYREALM}/users", {"username": "myuser"}))
    await grant_master_realm_management_role(env, "myrealm", MASTER_USER, "manage-users")
    headers = await run_as(env, "master", MASTER_USER)
    assert await ok(env, headers, "GET", f"{MYREALM}/users") == []
    await ok(env, headers, "POST", f"{MYREALM}/users", {"username": "myuser"})
    assert [u["username"] for u in await ok(env, headers, "GET", f"{MYREALM}/users?search=myuser")] == ["myuser"]


async def new_group(env: Env, name: str, parent: str | None = None) -> str:
    path = f"{MYREALM}/groups/{parent}/children" if parent else f"{MYREALM}/groups"
    response = await call(env, None, "POST", path, {"name": name})
    assert response.status_code == 201, response.text
    return str(response.headers["location"].rsplit("/", 1)[1])


async def test_non_realm_admin_cannot_add_user_to_child_group_of_parent_with_admin_role(env: Env) -> None:
    """GroupAdminRoleProtectionTest.testNonRealmAdminCannotAddUserToChildGroupOfParentWithAdminRole: the parent
    holds realm-management's manage-events, which a manage-users admin may not hand out; joining its child is 403."""
    assert (await create_realm(env, None, "myrealm")).status_code == 201
    parent = await new_group(env, "parent-group")
    uuid, manage_events = await client_role(env, None, "myrealm", MANAGEMENT, "manage-events")
    await ok(env, None, "POST", f"{MYREALM}/groups/{parent}/role-mappings/clients/{uuid}", [manage_events])
    child = await new_group(env, "child-group", parent)
    target = await create_user(env, None, "myrealm", "targetuser")
    await master_user(env)
    await grant_master_realm_management_role(env, "myrealm", MASTER_USER, "manage-users")
    headers = await run_as(env, "master", MASTER_USER)
    assert forbidden(await call(env, headers, "PUT", f"{MYREALM}/users/{target}/groups/{child}"))
    assert await ok(env, None, "GET", f"{MYREALM}/users/{target}/groups") == []


async def test_non_realm_admin_can_add_user_to_group_without_admin_roles(env: Env) -> None:
    """GroupAdminRoleProtectionTest.testNonRealmAdminCanAddUserToGroupWithoutAdminRoles."""
    assert (await create_realm(env, None, "myrealm")).status_code == 201
    group = await new_group(env, "normal-group")
    target = await create_user(env, None, "myrealm", "targetuser")
    await master_user(env)
    await grant_master_realm_management_role(env, "myrealm", MASTER_USER, "manage-users")
    headers = await run_as(env, "master", MASTER_USER)
    await ok(env, headers, "PUT", f"{MYREALM}/users/{target}/groups/{group}")
    assert [g["name"] for g in await ok(env, None, "GET", f"{MYREALM}/users/{target}/groups")] == ["normal-group"]
