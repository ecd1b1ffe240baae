"""Keycloak 26's UserGroupTest and UserRoleTest (tests/base/.../tests/admin/user/, from the old testsuite's
admin UserTest), ported one method to one test: a user's group memberships (paged, searched, counted, full
representations) and role mappings, with the admin events they record.

The realm roles of Keycloak's testrealm.json that the role listings name (``user`` as a default role, and
``admin``, ``customer-user-premium``, ``realm-composite-role``, ``sample-realm-role``, ``attribute-role``) are made
through the admin API. Already covered elsewhere: test_admin_users.py (role-mapping shapes and 404s),
test_admin_groups.py (group CRUD)."""

from __future__ import annotations

from typing import Any

import pytest

from keycloak_port import get
from role_port import assert_event, call, clear_events, create, names, ok
from role_port import import_test_realm as _import
from wire_env import Env

pytestmark = pytest.mark.anyio

TESTREALM_ROLES = ("admin", "customer-user-premium", "realm-composite-role", "sample-realm-role", "attribute-role")
DEFAULTS = {"user", "offline_access", "uma_authorization", "default-roles-test"}


@pytest.fixture
async def realm_id(env: Env) -> str:
    """Realm ``test`` with admin events and their representations recorded."""
    return await _import(env)


async def _testrealm_roles(env: Env) -> None:
    """testrealm.json's realm roles, ``user`` among the default roles."""
    for name in ("user", *TESTREALM_ROLES):
        await create(env, "/roles", {"name": name})
    user = await get(env, "/roles/user")
    await ok(env, "POST", "/roles/default-roles-test/composites", [user])


async def _group(env: Env, realm_id: str, rep: dict[str, Any]) -> str:
    """UserGroupTest.createGroup: 201 and one CREATE GROUP event with the representation."""
    group_id = await create(env, "/groups", rep)
    await assert_event(env, realm_id, "CREATE", f"groups/{group_id}", "GROUP", rep)
    return group_id


async def _join(env: Env, user_id: str, group_id: str) -> None:
    await ok(env, "PUT", f"/users/{user_id}/groups/{group_id}")


async def _groups(env: Env, user_id: str, **params: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = await get(env, f"/users/{user_id}/groups", **params)
    return found


async def _member_of_ten(env: Env, realm_id: str, username: str) -> str:
    """A new user joined to ``group-1`` .. ``group-10``, each join a CREATE GROUP_MEMBERSHIP event."""
    user_id = await create(env, "/users", {"username": username})
    await clear_events(env)
    for i in range(1, 11):
        rep = {"name": f"group-{i}"}
        group_id = await _group(env, realm_id, rep)
        await _join(env, user_id, group_id)
        path = f"users/{user_id}/groups/{group_id}"
        await assert_event(env, realm_id, "CREATE", path, "GROUP_MEMBERSHIP", rep)
    return user_id


# --- UserGroupTest ----------------------------------------------------------------------------------------
async def test_get_groups_for_user_full_representation(env: Env, realm_id: str) -> None:
    user = {"username": "averagejoe", "email": "joe@average.com", "firstName": "average", "lastName": "joe"}
    user_id = await create(env, "/users", {**user, "enabled": True})
    attributes = {"attribute1": ["attribute1", "attribute2"]}
    group_id = await create(env, "/groups", {"name": "groupWithAttribute", "attributes": attributes})
    await _join(env, user_id, group_id)
    groups = await _groups(env, user_id, first=0, max=100, briefRepresentation="false")
    assert groups and "attribute1" in groups[0]["attributes"]


async def test_get_searched_groups_for_user_full_representation(env: Env, realm_id: str) -> None:
    user_id = await create(env, "/users", {"username": "averagejoe", "email": "joe@average.com", "enabled": True})
    first = await create(env, "/groups", {"name": "group1WithAttribute", "attributes": {"attribute1": ["attribute1"]}})
    second = await create(env, "/groups", {"name": "group2WithAttribute", "attributes": {"attribute2": ["attribute2"]}})
    await _join(env, user_id, first)
    await _join(env, user_id, second)
    groups = {g["name"]: g for g in await _groups(env, user_id, search="group2", briefRepresentation="false")}
    assert "attribute2" in groups["group2WithAttribute"]["attributes"]
    assert await _groups(env, user_id, search="group3", briefRepresentation="false") == []


async def test_group_membership_paginated(env: Env, realm_id: str) -> None:
    """Also the old testsuite's UserGroupMembershipTest#groupMembershipPaginated (admin/user/)."""
    user_id = await _member_of_ten(env, realm_id, "user-a")
    groups = await _groups(env, user_id, first=5, max=6)
    assert [g["name"] for g in groups] == ["group-5", "group-6", "group-7", "group-8", "group-9"]


async def test_group_membership_search(env: Env, realm_id: str) -> None:
    """Also the old testsuite's UserGroupMembershipTest#groupMembershipSearch (admin/user/)."""
    user_id = await _member_of_ten(env, realm_id, "user-b")

    async def count(search: str) -> Any:
        return (await get(env, f"/users/{user_id}/groups/count", search=search))["count"]

    assert names(await _groups(env, user_id, search="-3", first=0, max=10)) == {"group-3"}
    assert await count("-3") == 1
    assert names(await _groups(env, user_id, search="1", first=0, max=10)) == {"group-1", "group-10"}
    assert await count("1") == 2
    assert await _groups(env, user_id, search="1", first=2, max=10) == []
    assert len(await _groups(env, user_id, search="gr", first=2, max=10)) == 8
    assert await count("gr") == 10
    assert len(await _groups(env, user_id, search="Gr", first=2, max=10)) == 8


async def test_create_user_with_groups(env: Env, realm_id: str) -> None:
    await _group(env, realm_id, {"name": "test-group"})
    user_id = await create(env, "/users", {"username": "user-with-groups", "groups": ["test-group"]})
    assert [g["name"] for g in await _groups(env, user_id)] == ["test-group"]


async def test_join_parent_group_after_sub_group(env: Env, realm_id: str) -> None:
    """#9482: two memberships are listed by name whichever was joined first."""
    user_id = await create(env, "/users", {"username": "user-with-sub-and-parent-group"})
    sub = await create(env, "/groups", {"name": "sub-group"})
    parent = await create(env, "/groups", {"name": "parent-group", "subGroups": [{"name": "sub-group"}]})
    await _join(env, user_id, sub)
    assert [g["name"] for g in await _groups(env, user_id)] == ["sub-group"]
    await _join(env, user_id, parent)
    assert [g["name"] for g in await _groups(env, user_id)] == ["parent-group", "sub-group"]


async def test_join_sub_group_after_parent_group(env: Env, realm_id: str) -> None:
    user_id = await create(env, "/users", {"username": "user-with-sub-and-parent-group"})
    sub = await create(env, "/groups", {"name": "sub-group"})
    parent = await create(env, "/groups", {"name": "parent-group", "subGroups": [{"name": "sub-group"}]})
    await _join(env, user_id, parent)
    assert [g["name"] for g in await _groups(env, user_id)] == ["parent-group"]
    await _join(env, user_id, sub)
    assert [g["name"] for g in await _groups(env, user_id)] == ["parent-group", "sub-group"]


# --- UserRoleTest -----------------------------------------------------------------------------------------
async def _client_roles(env: Env, *role_names: str) -> str:
    """The client ``myclient`` with these roles; its uuid."""
    uuid = await create(env, "/clients", {"clientId": "myclient"})
    for name in role_names:
        rep = {"name": name, "attributes": {"attribute1": ["value1"]}} if name == "client-composite" else {"name": name}
        await create(env, f"/clients/{uuid}/roles", rep)
    return uuid


async def _add_composite(env: Env, path: str, child: str) -> None:
    """``roles().get(parent).addComposites([child])`` under the realm's or a client's roles (``path``)."""
    await ok(env, "POST", f"{path}/composites", [await get(env, child)])


async def test_role_mappings(env: Env, realm_id: str) -> None:
    await _testrealm_roles(env)
    await create(env, "/roles", {"name": "realm-role"})
    await create(env, "/roles", {"name": "realm-composite", "attributes": {"attribute1": ["value1"]}})
    await create(env, "/roles", {"name": "realm-child"})
    await _add_composite(env, "/roles/realm-composite", "/roles/realm-child")
    uuid = await _client_roles(env, "client-role", "client-role2", "client-composite", "client-child")
    client_roles = f"/clients/{uuid}/roles"
    await _add_composite(env, f"{client_roles}/client-composite", f"{client_roles}/client-child")
    user_id = await create(env, "/users", {"username": "myuser"})
    await clear_events(env)

    realm_level = f"/users/{user_id}/role-mappings/realm"
    client_level = f"/users/{user_id}/role-mappings/clients/{uuid}"
    assert names(await get(env, realm_level)) == {"default-roles-test"}
    assert names(await get(env, f"{realm_level}/composite")) == DEFAULTS

    added = [await get(env, "/roles/realm-role"), await get(env, "/roles/realm-composite")]
    await ok(env, "POST", realm_level, added)
    await assert_event(env, realm_id, "CREATE", realm_level.lstrip("/"), "REALM_ROLE_MAPPING", added)
    added = [await get(env, f"{client_roles}/client-role")]
    await ok(env, "POST", client_level, added)
    await assert_event(env, realm_id, "CREATE", client_level.lstrip("/"), "CLIENT_ROLE_MAPPING", added)
    await ok(env, "POST", client_level, [await get(env, f"{client_roles}/client-composite")])
    await assert_event(env, realm_id, "CREATE", client_level.lstrip("/"), "CLIENT_ROLE_MAPPING")

    assert names(await get(env, realm_level)) == {"realm-role", "realm-composite", "default-roles-test"}
    assert names(await get(env, f"{realm_level}/available")) == {"realm-child", *TESTREALM_ROLES, "user"} | {
        "offline_access",
        "uma_authorization",
    }
    assert names(await get(env, f"{realm_level}/composite")) == {"realm-role", "realm-composite", "realm-child"} | (
        DEFAULTS
    )
    full = {r["name"]: r for r in await get(env, f"{realm_level}/composite", briefRepresentation="false")}
    assert "attribute1" in full["realm-composite"]["attributes"]

    assert names(await get(env, client_level)) == {"client-role", "client-composite"}
    assert names(await get(env, f"{client_level}/available")) == {"client-role2", "client-child"}
    assert names(await get(env, f"{client_level}/composite")) == {"client-role", "client-composite", "client-child"}
    full = {r["name"]: r for r in await get(env, f"{client_level}/composite", briefRepresentation="false")}
    assert "attribute1" in full["client-composite"]["attributes"]

    mappings = await get(env, f"/users/{user_id}/role-mappings")
    assert names(mappings["realmMappings"]) == {"realm-role", "realm-composite", "default-roles-test"}
    assert list(mappings["clientMappings"]) == ["myclient"]
    assert names(mappings["clientMappings"]["myclient"]["mappings"]) == {"client-role", "client-composite"}

    removed = [await get(env, "/roles/realm-role")]
    assert (await call(env, "DELETE", realm_level, removed)).status_code == 204
    await assert_event(env, realm_id, "DELETE", realm_level.lstrip("/"), "REALM_ROLE_MAPPING", removed)
    assert names(await get(env, realm_level)) == {"realm-composite", "default-roles-test"}
    removed = [await get(env, f"{client_roles}/client-role")]
    assert (await call(env, "DELETE", client_level, removed)).status_code == 204
    await assert_event(env, realm_id, "DELETE", client_level.lstrip("/"), "CLIENT_ROLE_MAPPING", removed)
    assert names(await get(env, client_level)) == {"client-composite"}


async def test_roles_can_be_assigned_even_when_they_are_already_indirectly_assigned(env: Env, realm_id: str) -> None:
    """KEYCLOAK-10603: a role held through a composite or a group may still be mapped directly."""
    await _testrealm_roles(env)
    for name in ("realm-composite", "realm-child", "realm-role-in-group"):
        await create(env, "/roles", {"name": name})
    await _add_composite(env, "/roles/realm-composite", "/roles/realm-child")
    uuid = await _client_roles(env, "client-composite", "client-child", "client-role-in-group")
    client_roles = f"/clients/{uuid}/roles"
    await _add_composite(env, f"{client_roles}/client-composite", f"{client_roles}/client-child")
    group_id = await create(env, "/groups", {"name": "mygroup"})
    user_id = await create(env, "/users", {"username": "myuser"})

    group_roles = f"/groups/{group_id}/role-mappings"
    await ok(env, "POST", f"{group_roles}/realm", [await get(env, "/roles/realm-role-in-group")])
    await ok(env, "POST", f"{group_roles}/clients/{uuid}", [await get(env, f"{client_roles}/client-role-in-group")])
    await _join(env, user_id, group_id)
    realm_level = f"/users/{user_id}/role-mappings/realm"
    client_level = f"/users/{user_id}/role-mappings/clients/{uuid}"
    await ok(env, "POST", realm_level, [await get(env, "/roles/realm-composite")])
    await ok(env, "POST", client_level, [await get(env, f"{client_roles}/client-composite")])

    others = {*TESTREALM_ROLES, "user", "offline_access", "uma_authorization"}
    effective_realm = {"realm-composite", "realm-child", "realm-role-in-group"} | DEFAULTS
    effective_client = {"client-composite", "client-child", "client-role-in-group"}
    assert names(await get(env, realm_level)) == {"realm-composite", "default-roles-test"}
    assert names(await get(env, f"{realm_level}/available")) == {"realm-child", "realm-role-in-group"} | others
    assert names(await get(env, f"{realm_level}/composite")) == effective_realm
    assert names(await get(env, client_level)) == {"client-composite"}
    assert names(await get(env, f"{client_level}/available")) == {"client-child", "client-role-in-group"}
    assert names(await get(env, f"{client_level}/composite")) == effective_client

    for role in ("realm-child", "realm-role-in-group"):
        await ok(env, "POST", realm_level, [await get(env, f"/roles/{role}")])
    for role in ("client-child", "client-role-in-group"):
        await ok(env, "POST", client_level, [await get(env, f"{client_roles}/{role}")])

    direct_realm = {"realm-composite", "realm-child", "realm-role-in-group", "default-roles-test"}
    assert names(await get(env, realm_level)) == direct_realm
    assert names(await get(env, f"{realm_level}/available")) == others
    assert names(await get(env, f"{realm_level}/composite")) == effective_realm
    assert names(await get(env, client_level)) == effective_client
    assert await get(env, f"{client_level}/available") == []
    assert names(await get(env, f"{client_level}/composite")) == effective_client
    mappings = await get(env, f"/users/{user_id}/role-mappings")
    assert names(mappings["realmMappings"]) == direct_realm
    assert list(mappings["clientMappings"]) == ["myclient"]
    assert names(mappings["clientMappings"]["myclient"]["mappings"]) == effective_client
