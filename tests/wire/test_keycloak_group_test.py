"""Keycloak's GroupTest (tests/base/.../tests/admin/group/GroupTest.java, formerly
testsuite/integration-arquillian/.../admin/group/GroupTest.java), ported one method to one test over HTTP.
GroupTestRealmConfig's realm ``test`` (events on; the user ``direct-login`` / ``password``; the confidential
client ``resource-owner`` / ``secret`` with direct access grants) is imported through ``POST /admin/realms``
with admin events and their representations kept, and every test drives ``groups``, ``groups/{id}``,
``groups/{id}/children``, ``groups/{id}/members``, ``groups/{id}/role-mappings``, ``users/{id}/groups``,
``default-groups`` and ``group-by-path`` as master's admin, checking the admin events as the Java test does.

``doNotAllowSameGroupNameAtTopLevelInDatabase`` runs on the server against ``RealmModel.createGroup``; here
the store's ``groups.create`` is called twice in its own transactions, and the database's unique index answers.

Who may list, read and change groups (query-groups, view-users, manage-users) and the ``access`` each sees
is in test_admin_group_permissions.py, joining groups that hand out admin roles in
test_admin_group_escalation.py; search and counting in test_keycloak_group_search_test.py.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError

import group_port
from doorkeep.model import Group
from doorkeep.store.database import is_duplicate
from group_port import add_sub_group, create_group, fresh_realm, login
from keycloak_port import admin_headers
from role_port import TEST_REALM, assert_event, call, clear_events, create, names, ok, poll_events
from wire_env import Env

pytestmark = pytest.mark.anyio
# One app for the module (group_port.shared_env), each test on a realm ``test`` imported anew.
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

GROUP_TEST_REALM = {
    **TEST_REALM,
    "eventsEnabled": True,
    "users": [
        {
            "username": "direct-login",
            "firstName": "Direct",
            "lastName": "Login",
            "email": "direct-login@localhost",
            "enabled": True,
            "credentials": [{"type": "password", "value": "password"}],
        }
    ],
    "clients": [{"clientId": "resource-owner", "directAccessGrantsEnabled": True, "secret": "secret"}],
}


@pytest.fixture
async def realm_id(env: Env) -> str:
    """GroupTestRealmConfig, with the admin events the Java test's AdminEvents injection keeps."""
    return await fresh_realm(env, GROUP_TEST_REALM)


async def create_realm_role(env: Env, name: str) -> dict[str, Any]:
    """``createRealmRole``: the role made and read back."""
    await create(env, "/roles", {"name": name})
    role: dict[str, Any] = await ok(env, "GET", f"/roles/{name}")
    return role


async def test_create_multi_delete_multi_read_multi(env: Env, realm_id: str) -> None:
    group_ids = [await create(env, "/groups", {"name": f"Test Group {i}"}) for i in range(100)]
    deleted_all = asyncio.Event()
    failures: list[str] = []

    async def read_briefs() -> None:
        while not deleted_all.is_set():
            response = await call(env, "GET", "/groups", first=0, max=2147483647, briefRepresentation="true")
            if response.status_code != 200:
                failures.append(f"{response.status_code} {response.text}")
            await asyncio.sleep(0)

    reader = asyncio.create_task(read_briefs())
    for group_id in group_ids:
        await ok(env, "DELETE", f"/groups/{group_id}")
    deleted_all.set()
    await reader
    assert failures == []


async def test_test_client_remove_with_client_role_group_mapping(env: Env, realm_id: str) -> None:
    """KEYCLOAK-2716: a client whose role is mapped to a group can be deleted."""
    client = {"clientId": "foo", "rootUrl": "http://foo", "protocol": "openid-connect"}
    client_uuid = await create(env, "/clients", client)
    await assert_event(env, realm_id, "CREATE", f"clients/{client_uuid}", "CLIENT", client)
    role = {"name": "foo-role"}
    await create(env, f"/clients/{client_uuid}/roles", role)
    await assert_event(env, realm_id, "CREATE", f"clients/{client_uuid}/roles/foo-role", "CLIENT_ROLE", role)
    role = await ok(env, "GET", f"/clients/{client_uuid}/roles/foo-role")

    group_id = await create_group(env, realm_id, {"name": "2716"})
    await ok(env, "POST", f"/groups/{group_id}/role-mappings/clients/{client_uuid}", [role])
    path = f"groups/{group_id}/role-mappings/clients/{client_uuid}"
    await assert_event(env, realm_id, "CREATE", path, "CLIENT_ROLE_MAPPING", [role])

    await ok(env, "DELETE", f"/clients/{client_uuid}")
    await assert_event(env, realm_id, "DELETE", f"clients/{client_uuid}", "CLIENT")


def assert_same_name_not_allowed(response: Any, message: str) -> None:
    assert response.status_code == 409, response.text
    assert response.json() == {"errorMessage": message}


async def test_do_not_allow_same_group_name_at_same_level(env: Env, realm_id: str) -> None:
    """KEYCLOAK-16888: the 409's message names the clash."""
    top = {"name": "top"}
    await create_group(env, realm_id, top)
    response = await call(env, "POST", "/groups", {"name": "top"})
    assert_same_name_not_allowed(response, "Top level group named 'top' already exists.")
    response = await call(env, "POST", "/groups", top)  # moving it to the top level again: nothing is done
    assert response.status_code == 204, response.text

    response = await call(env, "POST", f"/groups/{top['id']}/children", {"name": "level2"})
    assert response.status_code == 201, response.text
    level2 = {"name": "level2", "id": response.headers["location"].rsplit("/", 1)[-1]}
    response = await call(env, "POST", f"/groups/{top['id']}/children", {"name": "level2"})
    assert_same_name_not_allowed(response, "Sibling group named 'level2' already exists.")
    response = await call(env, "POST", f"/groups/{top['id']}/children", level2)  # the same parent: nothing is done
    assert response.status_code == 204, response.text


async def test_do_not_allow_same_group_name_at_same_level_when_updating_name(env: Env, realm_id: str) -> None:
    """KEYCLOAK-11412."""
    top1, top2 = {"name": "top1"}, {"name": "top2"}
    await create_group(env, realm_id, top1)
    await create_group(env, realm_id, top2)
    response = await call(env, "PUT", f"/groups/{top2['id']}", {**top2, "name": "top1"})
    assert_same_name_not_allowed(response, "Sibling group named 'top1' already exists.")

    await add_sub_group(env, top1, {"name": "level2-1"})
    other = {"name": "level2-2"}
    await add_sub_group(env, top1, other)
    response = await call(env, "PUT", f"/groups/{other['id']}", {**other, "name": "level2-1"})
    assert_same_name_not_allowed(response, "Sibling group named 'level2-1' already exists.")


async def test_allow_same_group_name_at_different_level(env: Env, realm_id: str) -> None:
    top = {"name": "test-group"}
    await create_group(env, realm_id, top)
    response = await call(env, "POST", f"/groups/{top['id']}/children", {"name": "test-group"})
    assert response.status_code == 201, response.text
    assert (await ok(env, "GET", "/group-by-path/test-group/test-group"))["path"] == "/test-group/test-group"


async def test_do_not_allow_same_group_name_at_top_level(env: Env, realm_id: str) -> None:
    await create_group(env, realm_id, {"name": "test-group"})
    response = await call(env, "POST", "/groups", {"name": "test-group"})
    assert response.status_code == 409, response.text


async def test_do_not_allow_same_group_name_at_top_level_in_database(env: Env, realm_id: str) -> None:
    """The unique key holds at the top level too (ModelDuplicateException): not only the REST check."""

    def top_level(group_id: str) -> Group:
        return Group(group_id, realm_id, "test-group", None, "/test-group", None, {})

    async with env.db.transaction() as tx:
        await tx.groups.create(top_level(str(uuid.uuid4())))
    with pytest.raises(IntegrityError) as refused:
        async with env.db.transaction() as tx:
            await tx.groups.create(top_level(str(uuid.uuid4())))
    assert is_duplicate(refused.value)


async def test_create_group_with_empty_name_should_fail(env: Env, realm_id: str) -> None:
    """KEYCLOAK-17581."""
    for name in ("", None):
        response = await call(env, "POST", "/groups", {"name": name})
        assert response.status_code == 400, response.text
        assert response.json() == {"errorMessage": "Group name is missing"}


async def test_updating_group_with_empty_name_should_fail(env: Env, realm_id: str) -> None:
    """KEYCLOAK-17581: a PUT without a name is refused too (GroupResource.updateGroup's isBlank)."""
    group_id = await create(env, "/groups", {"name": "groupWithName"})
    for name in ("", None):
        response = await call(env, "PUT", f"/groups/{group_id}", {"name": name})
        assert response.status_code == 400, response.text
        assert response.json() == {"errorMessage": "Group name is missing"}
    assert (await ok(env, "GET", f"/groups/{group_id}"))["name"] == "groupWithName"


async def test_create_and_test_groups(env: Env, realm_id: str) -> None:
    top_role = await create_realm_role(env, "topRole")
    level2_role = await create_realm_role(env, "level2Role")
    level3_role = await create_realm_role(env, "level3Role")
    await clear_events(env)  # role events tested elsewhere

    top = {"name": "top"}
    response = await call(env, "POST", "/groups", top)
    top["id"] = response.headers["location"].rsplit("/", 1)[-1]
    await assert_event(env, realm_id, "CREATE", f"groups/{top['id']}", "GROUP", top)
    await ok(env, "POST", f"/groups/{top['id']}/role-mappings/realm", [top_role])
    path = f"groups/{top['id']}/role-mappings/realm"
    await assert_event(env, realm_id, "CREATE", path, "REALM_ROLE_MAPPING", [top_role])

    level2 = {"name": "level2"}
    response = await call(env, "POST", f"/groups/{top['id']}/children", level2)
    await assert_event(env, realm_id, "CREATE", f"groups/{top['id']}/children", "GROUP", level2)
    location = response.headers["location"]
    level2_id = location.rsplit("/", 1)[-1]
    by_id = await ok(env, "GET", f"/groups/{level2_id}")
    assert (by_id["id"], by_id["name"]) == (level2_id, "level2")
    got = await env.http.get(location, headers=await admin_headers(env))  # the Location answers a plain GET
    assert got.status_code == 200 and got.json()["id"] == level2_id

    level2 = await ok(env, "GET", "/group-by-path/top/level2")
    await ok(env, "POST", f"/groups/{level2['id']}/role-mappings/realm", [level2_role])
    path = f"groups/{level2['id']}/role-mappings/realm"
    await assert_event(env, realm_id, "CREATE", path, "REALM_ROLE_MAPPING", [level2_role])
    level3 = {"name": "level3"}
    await call(env, "POST", f"/groups/{level2['id']}/children", level3)
    await assert_event(env, realm_id, "CREATE", f"groups/{level2['id']}/children", "GROUP", level3)
    level3 = await ok(env, "GET", "/group-by-path/top/level2/level3")
    await ok(env, "POST", f"/groups/{level3['id']}/role-mappings/realm", [level3_role])
    path = f"groups/{level3['id']}/role-mappings/realm"
    await assert_event(env, realm_id, "CREATE", path, "REALM_ROLE_MAPPING", [level3_role])

    top = await ok(env, "GET", "/group-by-path/top")
    assert top["realmRoles"] == ["topRole"]
    assert len(await ok(env, "GET", f"/groups/{top['id']}/children", first=0, briefRepresentation="false")) == 1
    level2 = await ok(env, "GET", "/group-by-path/top/level2")
    assert (level2["name"], level2["realmRoles"]) == ("level2", ["level2Role"])
    assert len(await ok(env, "GET", f"/groups/{level2['id']}/children", first=0, briefRepresentation="false")) == 1
    level3 = await ok(env, "GET", "/group-by-path/top/level2/level3")
    assert (level3["name"], level3["realmRoles"]) == ("level3", ["level3Role"])

    (user,) = await ok(env, "GET", "/users", search="direct-login", first=-1, max=-1)
    await ok(env, "PUT", f"/users/{user['id']}/groups/{level3['id']}")
    path = f"users/{user['id']}/groups/{level3['id']}"
    await assert_event(env, realm_id, "CREATE", path, "GROUP_MEMBERSHIP")
    assert [g["name"] for g in await ok(env, "GET", f"/users/{user['id']}/groups")] == ["level3"]

    token = await login(env, "direct-login", "resource-owner", "secret")
    assert {"topRole", "level2Role", "level3Role"} <= set(token["realm_access"]["roles"])

    await ok(env, "PUT", f"/default-groups/{level3['id']}")
    await assert_event(env, realm_id, "CREATE", f"default-groups/{level3['id']}", "GROUP")
    assert [g["id"] for g in await ok(env, "GET", "/default-groups")] == [level3["id"]]

    new_user = {"username": "groupUser", "email": "group@group.com", "enabled": True}
    user_id = await create(env, "/users", new_user)
    await assert_event(env, realm_id, "CREATE", f"users/{user_id}", "USER", new_user)
    assert [g["name"] for g in await ok(env, "GET", f"/users/{user_id}/groups")] == ["level3"]

    await ok(env, "DELETE", f"/default-groups/{level3['id']}")
    await assert_event(env, realm_id, "DELETE", f"default-groups/{level3['id']}", "GROUP")
    assert await ok(env, "GET", "/default-groups") == []

    await ok(env, "DELETE", f"/groups/{top['id']}")
    await assert_event(env, realm_id, "DELETE", f"groups/{top['id']}", "GROUP")
    for path in ("top/level2/level3", "top/level2", "top"):
        assert (await call(env, "GET", f"/group-by-path/{path}")).status_code == 404
    # The imported user holds no realm role of its own (an import adds no default roles), so nothing is left.
    assert "realm_access" not in await login(env, "direct-login", "resource-owner", "secret")


async def test_update_group(env: Env, realm_id: str) -> None:
    group_name = f"group-{uuid.uuid4()}"
    await create_group(
        env, realm_id, {"name": group_name, "attributes": {"attr1": ["attrval1"], "attr2": ["attrval2"]}}
    )
    group = await ok(env, "GET", f"/group-by-path/{group_name}")
    assert group["name"] == group_name
    assert group["attributes"] == {"attr1": ["attrval1"], "attr2": ["attrval2"]}

    new_name = f"group-{uuid.uuid4()}"
    group["name"] = new_name
    group["attributes"] = {"attr2": ["attrval2", "attrval2-2"], "attr3": ["attrval2"]}
    await ok(env, "PUT", f"/groups/{group['id']}", group)
    await assert_event(env, realm_id, "UPDATE", f"groups/{group['id']}", "GROUP", group)

    group = await ok(env, "GET", f"/group-by-path/{new_name}")
    assert group["name"] == new_name
    assert set(group["attributes"]) == {"attr2", "attr3"}
    assert sorted(group["attributes"]["attr2"]) == ["attrval2", "attrval2-2"]
    assert group["attributes"]["attr3"] == ["attrval2"]


async def test_move_groups(env: Env, realm_id: str) -> None:
    group1, group2 = {"name": "mygroup1"}, {"name": "mygroup2"}
    await create_group(env, realm_id, group1)
    await create_group(env, realm_id, group2)

    response = await call(env, "POST", f"/groups/{group1['id']}/children", group2)
    assert response.status_code == 204, response.text
    children = await ok(env, "GET", f"/groups/{group1['id']}/children", first=0, max=10, briefRepresentation="false")
    assert names(children) == {"mygroup2"}
    assert (await ok(env, "GET", f"/groups/{group2['id']}"))["path"] == "/mygroup1/mygroup2"

    group3 = {"name": "mygroup2"}
    group3["id"] = await create(env, "/groups", group3)
    # A top-level "mygroup2" cannot move under "mygroup1", which already has a "mygroup2".
    response = await call(env, "POST", f"/groups/{group1['id']}/children", group3)
    assert response.status_code == 409, response.text
    await ok(env, "DELETE", f"/groups/{group3['id']}")

    response = await call(env, "POST", "/groups", group2)  # back to the top level
    assert response.status_code == 204, response.text
    children = await ok(env, "GET", f"/groups/{group1['id']}/children", first=0, max=10, briefRepresentation="false")
    assert children == []
    assert (await ok(env, "GET", f"/groups/{group2['id']}"))["path"] == "/mygroup2"


async def test_group_membership(env: Env, realm_id: str) -> None:
    group_rep = {"name": "group"}
    group_id = await create_group(env, realm_id, group_rep)
    user_a = await create(env, "/users", {"username": "user-a", "enabled": True})
    await assert_event(env, realm_id, "CREATE", f"users/{user_a}", "USER")
    user_b = await create(env, "/users", {"username": "user-b", "enabled": True})
    await assert_event(env, realm_id, "CREATE", f"users/{user_b}", "USER")

    async def members() -> set[str]:
        return {u["username"] for u in await ok(env, "GET", f"/groups/{group_id}/members", first=0, max=10)}

    await ok(env, "PUT", f"/users/{user_a}/groups/{group_id}")
    await assert_event(env, realm_id, "CREATE", f"users/{user_a}/groups/{group_id}", "GROUP_MEMBERSHIP", group_rep)
    assert await members() == {"user-a"}
    await ok(env, "PUT", f"/users/{user_b}/groups/{group_id}")
    await assert_event(env, realm_id, "CREATE", f"users/{user_b}/groups/{group_id}", "GROUP_MEMBERSHIP", group_rep)
    assert await members() == {"user-a", "user-b"}
    await ok(env, "DELETE", f"/users/{user_a}/groups/{group_id}")
    await assert_event(env, realm_id, "DELETE", f"users/{user_a}/groups/{group_id}", "GROUP_MEMBERSHIP", group_rep)
    assert await members() == {"user-b"}
    assert await ok(env, "GET", f"/users/{user_a}/groups") == []


async def test_group_membership_users_order(env: Env, realm_id: str) -> None:
    """KEYCLOAK-6300: members are listed by username."""
    group_id = await create_group(env, realm_id, {"name": "group"})
    usernames = [f"user{i}" for i in range(9)]
    for username in usernames:
        user_id = await create(env, "/users", {"username": username, "enabled": True})
        await ok(env, "PUT", f"/users/{user_id}/groups/{group_id}")
    members = await ok(env, "GET", f"/groups/{group_id}/members", first=0, max=10)
    assert [m["username"] for m in members] == usernames


async def test_delete_realm_with_default_groups(env: Env, realm_id: str) -> None:
    """KEYCLOAK-2700: a realm with default groups can be deleted."""
    rep = {"realm": "foo", "defaultGroups": ["/default1"], "groups": [{"name": "default1", "path": "/default1"}]}
    headers = await admin_headers(env)
    created = await env.http.post("/admin/realms", json=rep, headers=headers)
    assert created.status_code == 201, created.text
    removed = await env.http.delete("/admin/realms/foo", headers=headers)
    assert removed.status_code == 204, removed.text


async def client_with_roles(env: Env, *role_names: str) -> str:
    """``myclient`` with these roles, ``client-composite`` holding ``client-child``; its id."""
    client_id = await create(env, "/clients", {"clientId": "myclient"})
    for name in role_names:
        await create(env, f"/clients/{client_id}/roles", {"name": name})
    child = await ok(env, "GET", f"/clients/{client_id}/roles/client-child")
    await ok(env, "POST", f"/clients/{client_id}/roles/client-composite/composites", [child])
    return client_id


async def test_role_mappings(env: Env, realm_id: str) -> None:
    for name in ("realm-role", "realm-composite", "realm-child"):
        await create_realm_role(env, name)
    await ok(env, "POST", "/roles/realm-composite/composites", [await ok(env, "GET", "/roles/realm-child")])
    client_id = await client_with_roles(env, "client-role", "client-role2", "client-composite", "client-child")
    await clear_events(env)  # roles and clients tested elsewhere

    group_id = await create_group(env, realm_id, {"name": "group"})
    roles = f"/groups/{group_id}/role-mappings"
    assert await ok(env, "GET", f"{roles}/realm") == []

    added = [await ok(env, "GET", "/roles/realm-role"), await ok(env, "GET", "/roles/realm-composite")]
    await ok(env, "POST", f"{roles}/realm", added)
    await assert_event(env, realm_id, "CREATE", f"groups/{group_id}/role-mappings/realm", "REALM_ROLE_MAPPING", added)

    client_role = await ok(env, "GET", f"/clients/{client_id}/roles/client-role")
    client_composite = await ok(env, "GET", f"/clients/{client_id}/roles/client-composite")
    await ok(env, "POST", f"{roles}/clients/{client_id}", [client_role])
    await ok(env, "POST", f"{roles}/clients/{client_id}", [client_composite])
    path = f"groups/{group_id}/role-mappings/clients/{client_id}"
    events = await poll_events(env)
    assert [(e["operationType"], e["resourceType"], e["resourcePath"]) for e in events] == [
        ("CREATE", "CLIENT_ROLE_MAPPING", path)
    ] * 2

    assert names(await ok(env, "GET", f"{roles}/realm")) == {"realm-role", "realm-composite"}
    available = {"realm-child", "offline_access", "uma_authorization", "default-roles-test"}
    assert names(await ok(env, "GET", f"{roles}/realm/available")) == available
    effective = {"realm-role", "realm-composite", "realm-child"}
    assert names(await ok(env, "GET", f"{roles}/realm/composite")) == effective

    assert names(await ok(env, "GET", f"{roles}/clients/{client_id}")) == {"client-role", "client-composite"}
    assert names(await ok(env, "GET", f"{roles}/clients/{client_id}/available")) == {"client-role2", "client-child"}
    effective = {"client-role", "client-composite", "client-child"}
    assert names(await ok(env, "GET", f"{roles}/clients/{client_id}/composite")) == effective

    everything = await ok(env, "GET", roles)
    assert names(everything["realmMappings"]) == {"realm-role", "realm-composite"}
    assert list(everything["clientMappings"]) == ["myclient"]
    assert names(everything["clientMappings"]["myclient"]["mappings"]) == {"client-role", "client-composite"}

    realm_role = await ok(env, "GET", "/roles/realm-role")
    await ok(env, "DELETE", f"{roles}/realm", [realm_role])
    path = f"groups/{group_id}/role-mappings/realm"
    await assert_event(env, realm_id, "DELETE", path, "REALM_ROLE_MAPPING", [realm_role])
    assert names(await ok(env, "GET", f"{roles}/realm")) == {"realm-composite"}

    await ok(env, "DELETE", f"{roles}/clients/{client_id}", [client_role])
    path = f"groups/{group_id}/role-mappings/clients/{client_id}"
    await assert_event(env, realm_id, "DELETE", path, "CLIENT_ROLE_MAPPING", [client_role])
    assert names(await ok(env, "GET", f"{roles}/clients/{client_id}")) == {"client-composite"}


async def test_roles_can_be_assigned_even_when_they_are_already_indirectly_assigned(env: Env, realm_id: str) -> None:
    """KEYCLOAK-10603."""
    for name in ("realm-composite", "realm-child"):
        await create_realm_role(env, name)
    await ok(env, "POST", "/roles/realm-composite/composites", [await ok(env, "GET", "/roles/realm-child")])
    client_id = await client_with_roles(env, "client-composite", "client-child")
    await clear_events(env)
    group_id = await create_group(env, realm_id, {"name": "group"})
    roles = f"/groups/{group_id}/role-mappings"

    await ok(env, "POST", f"{roles}/realm", [await ok(env, "GET", "/roles/realm-composite")])
    client_composite = await ok(env, "GET", f"/clients/{client_id}/roles/client-composite")
    await ok(env, "POST", f"{roles}/clients/{client_id}", [client_composite])

    defaults = {"offline_access", "uma_authorization", "default-roles-test"}
    assert names(await ok(env, "GET", f"{roles}/realm")) == {"realm-composite"}
    assert names(await ok(env, "GET", f"{roles}/realm/available")) == {"realm-child", *defaults}
    assert names(await ok(env, "GET", f"{roles}/realm/composite")) == {"realm-composite", "realm-child"}
    assert names(await ok(env, "GET", f"{roles}/clients/{client_id}")) == {"client-composite"}
    assert names(await ok(env, "GET", f"{roles}/clients/{client_id}/available")) == {"client-child"}
    effective = {"client-composite", "client-child"}
    assert names(await ok(env, "GET", f"{roles}/clients/{client_id}/composite")) == effective

    await ok(env, "POST", f"{roles}/realm", [await ok(env, "GET", "/roles/realm-child")])
    client_child = await ok(env, "GET", f"/clients/{client_id}/roles/client-child")
    await ok(env, "POST", f"{roles}/clients/{client_id}", [client_child])

    assert names(await ok(env, "GET", f"{roles}/realm")) == {"realm-composite", "realm-child"}
    assert names(await ok(env, "GET", f"{roles}/realm/available")) == defaults
    assert names(await ok(env, "GET", f"{roles}/realm/composite")) == {"realm-composite", "realm-child"}
    assert names(await ok(env, "GET", f"{roles}/clients/{client_id}")) == effective
    assert await ok(env, "GET", f"{roles}/clients/{client_id}/available") == []
    assert names(await ok(env, "GET", f"{roles}/clients/{client_id}/composite")) == effective

    everything = await ok(env, "GET", roles)
    assert names(everything["realmMappings"]) == {"realm-composite", "realm-child"}
    assert list(everything["clientMappings"]) == ["myclient"]
    assert names(everything["clientMappings"]["myclient"]["mappings"]) == effective


async def test_default_max_results(env: Env, realm_id: str) -> None:
    """Members default to 100 a page; a negative ``first`` and ``max`` mean all."""
    group_id = await create(env, "/groups", {"name": "test"})
    for i in range(110):  # UserRepresentation.groups joins at creation: one call per user instead of two
        await create(env, "/users", {"username": f"test-{i}", "enabled": True, "groups": ["/test"]})
    members = f"/groups/{group_id}/members"
    assert len(await ok(env, "GET", members)) == 100
    assert len(await ok(env, "GET", members, first=0, max=105)) == 105
    assert len(await ok(env, "GET", members, first=0, max=1000)) == 110
    assert len(await ok(env, "GET", members, first=-1, max=-2)) == 110


async def test_get_groups_with_brief_and_full_representation(env: Env, realm_id: str) -> None:
    await create_group(
        env, realm_id, {"name": "groupWithAttribute", "attributes": {"attribute1": ["attribute1", "attribute2"]}}
    )
    (brief, *_) = await ok(env, "GET", "/groups", search="groupWithAttribute", first=0, max=20)
    assert "attributes" not in brief
    (full, *_) = await ok(
        env, "GET", "/groups", search="groupWithAttribute", first=0, max=20, briefRepresentation="false"
    )
    assert "attribute1" in full["attributes"]


async def test_get_sub_groups(env: Env, realm_id: str) -> None:
    parent = {"name": "parent"}
    await create_group(env, realm_id, parent)
    await add_sub_group(env, parent, {"name": "child", "attributes": {"attribute1": ["value1", "value2"]}})
    children = f"/groups/{parent['id']}/children"
    assert "attributes" not in (await ok(env, "GET", children, briefRepresentation="true"))[0]
    full = (await ok(env, "GET", children, briefRepresentation="false"))[0]
    assert sorted(full["attributes"]["attribute1"]) == ["value1", "value2"]


async def test_remove_all_group_attributes(env: Env, realm_id: str) -> None:
    rep = {"name": "remove-all-attributes-group", "attributes": {"test-key": ["test-val"]}}
    group_id = await create(env, "/groups", rep)
    assert (await ok(env, "GET", f"/groups/{group_id}"))["attributes"] == {"test-key": ["test-val"]}
    await ok(env, "PUT", f"/groups/{group_id}", {**rep, "attributes": {}})
    assert (await ok(env, "GET", f"/groups/{group_id}"))["attributes"] == {}


async def test_test_brief_representation_on_group_members(env: Env, realm_id: str) -> None:
    profile = await ok(env, "GET", "/users/profile")
    await ok(env, "PUT", "/users/profile", {**profile, "unmanagedAttributePolicy": "ENABLED"})
    await assert_event(env, realm_id, "UPDATE", "users/profile", "USER_PROFILE")

    group_id = await create_group(env, realm_id, {"name": "brief-grouptest-group"})
    attributes = {"myattribute": ["myvalue"]}
    user_id = await create(
        env, "/users", {"username": "brief-grouptest-user", "enabled": True, "attributes": attributes}
    )
    await ok(env, "PUT", f"/users/{user_id}/groups/{group_id}")

    members = f"/groups/{group_id}/members"
    default = (await ok(env, "GET", members))[0]
    full = (await ok(env, "GET", members, briefRepresentation="false"))[0]
    brief = (await ok(env, "GET", members, briefRepresentation="true"))[0]
    assert full["attributes"] == attributes and default["attributes"] == attributes
    assert "attributes" not in brief
