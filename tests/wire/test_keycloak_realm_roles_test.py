"""Keycloak 26's RealmRolesTest (testsuite/integration-arquillian/tests/base/.../admin/realm/
RealmRolesTest.java, since moved to tests/base/.../tests/admin/realm/RealmRolesTest.java), ported one method
to one test over HTTP: ``before()`` makes the realm roles role-a (with an attribute), role-b, role-with-users
and role-without-users, the client ``client-a`` with its role role-c, the user ``test-role-member`` and the
group ``test-role-group`` through the admin API and checks their eight CREATE events; each test then drives
``roles/{role-name}`` and its ``composites``, ``users`` and ``groups``. The new framework has since split the
class, over AbstractRealmRolesTest, into RealmRolesCRUDTest, RealmRolesSearchTest, RealmRolesUserTest and
RealmRolesGroupTest, whose methods are these under the same names, but for RealmRolesUserTest's
testUsersInRoleRespectsUserProfileAttributePermissions (test_kc_new_admin_realm_roles_user.py).

Who may read and write realm roles is covered in test_admin_roles.py and test_admin_role_escalation.py.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from role_port import assert_event, assert_subset, call, create, import_test_realm, names, ok, poll_events, user_named
from wire_env import Env

pytestmark = pytest.mark.anyio

ROLE_A_ATTRIBUTES = {"role-a-attr-key1": ["role-a-attr-val1"]}


class Kc:
    def __init__(self, env: Env, realm_id: str, client: str, ids: dict[str, str]) -> None:
        self.env, self.realm_id, self.client, self.ids = env, realm_id, client, ids

    async def role(self, name: str) -> dict[str, Any]:
        found: dict[str, Any] = await ok(self.env, "GET", f"/roles/{name}")
        return found

    async def listed(self, **params: Any) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = await ok(self.env, "GET", "/roles", **params)
        return found

    async def create_role(self, rep: dict[str, Any]) -> None:
        await create(self.env, "/roles", rep)
        await assert_event(self.env, self.realm_id, "CREATE", f"roles/{rep['name']}", "REALM_ROLE", rep)

    async def members(self, role: str, **params: Any) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = await ok(self.env, "GET", f"/roles/{role}/users", **params)
        return found

    async def grant(self, user_id: str, role: str) -> None:
        """``users().get(id).roles().realmLevel().add([role])``."""
        await ok(self.env, "POST", f"/users/{user_id}/role-mappings/realm", [await self.role(role)])


def make_role(name: str, **fields: Any) -> dict[str, Any]:
    return {"name": name, "composite": False, **fields}


MEMBER = {"username": "test-role-member", "email": "test-role-member@test-role-member.com", "enabled": True}


@pytest.fixture
async def kc(env: Env) -> Kc:
    """``before()``: what every method starts from, and its eight CREATE events."""
    realm_id = await import_test_realm(env)
    role_reps = [
        make_role("role-a", description="Role A", attributes=ROLE_A_ATTRIBUTES),
        make_role("role-b", description="Role B"),
        make_role("role-with-users", description="Role with users"),
        make_role("role-without-users", description="role-without-users"),
    ]
    for rep in role_reps:
        await create(env, "/roles", rep)
    client_rep = {"clientId": "client-a"}
    client = await create(env, "/clients", client_rep)
    role_c = make_role("role-c", description="Role C")
    await create(env, f"/clients/{client}/roles", role_c)
    ids = {r["name"]: r["id"] for r in await ok(env, "GET", "/roles")}
    ids |= {r["name"]: r["id"] for r in await ok(env, "GET", f"/clients/{client}/roles")}
    member = await create(env, "/users", {**MEMBER, "requiredActions": []})
    group_rep = {"name": "test-role-group", "path": "/test-role-group"}
    group = await create(env, "/groups", group_rep)

    # The Java test asserts these eight in order; events of one instant have no order here, so as a set.
    expected = [
        *(("CREATE", "REALM_ROLE", f"roles/{r['name']}", r) for r in role_reps),
        ("CREATE", "CLIENT", f"clients/{client}", client_rep),
        ("CREATE", "CLIENT_ROLE", f"clients/{client}/roles/role-c", role_c),
        ("CREATE", "USER", f"users/{member}", MEMBER),
        ("CREATE", "GROUP", f"groups/{group}", group_rep),
    ]
    events = await poll_events(env)
    found = {(e["operationType"], e["resourceType"], e["resourcePath"]): e for e in events}
    assert sorted(found) == sorted(key[:3] for key in expected) and len(events) == len(expected)
    for operation, resource_type, path, rep in expected:
        recorded = found[(operation, resource_type, path)]
        assert recorded["realmId"] == realm_id
        assert_subset(rep, json.loads(recorded["representation"]))
    return Kc(env, realm_id, client, ids)


async def test_get_role(kc: Kc) -> None:
    role = await kc.role("role-a")
    assert (role["name"], role["description"], role["attributes"], role["composite"]) == (
        "role-a",
        "Role A",
        ROLE_A_ATTRIBUTES,
        False,
    )


async def test_create_role_with_same_name(kc: Kc) -> None:
    response = await call(kc.env, "POST", "/roles", make_role("role-a"))
    assert response.status_code == 409
    assert response.json() == {"errorMessage": "Role with name role-a already exists"}


async def test_update_role(kc: Kc) -> None:
    new_attributes = {"attrKeyNew": ["attrValueNew"]}
    role = {**await kc.role("role-a"), "name": "role-a-new", "description": "Role A New", "attributes": new_attributes}
    await ok(kc.env, "PUT", "/roles/role-a", role)
    await assert_event(kc.env, kc.realm_id, "UPDATE", "roles/role-a", "REALM_ROLE", role)
    role = await kc.role("role-a-new")
    assert (role["name"], role["description"], role["attributes"], role["composite"]) == (
        "role-a-new",
        "Role A New",
        new_attributes,
        False,
    )


async def test_delete_role(kc: Kc) -> None:
    await ok(kc.env, "DELETE", "/roles/role-a")
    await assert_event(kc.env, kc.realm_id, "DELETE", "roles/role-a", "REALM_ROLE")
    gone = await call(kc.env, "GET", "/roles/role-a")
    assert gone.status_code == 404 and gone.json() == {"error": "Could not find role"}


async def test_composites(kc: Kc) -> None:
    assert (await kc.role("role-a"))["composite"] is False
    assert await ok(kc.env, "GET", "/roles/role-a/composites") == []

    refs = [{"id": kc.ids["role-b"], "composite": False}, {"id": kc.ids["role-c"], "composite": False}]
    await ok(kc.env, "POST", "/roles/role-a/composites", refs)
    await assert_event(kc.env, kc.realm_id, "CREATE", "roles/role-a/composites", "REALM_ROLE", refs)

    assert (await kc.role("role-a"))["composite"] is True
    assert names(await ok(kc.env, "GET", "/roles/role-a/composites")) == {"role-b", "role-c"}
    assert names(await ok(kc.env, "GET", "/roles/role-a/composites/realm")) == {"role-b"}
    assert names(await ok(kc.env, "GET", f"/roles/role-a/composites/clients/{kc.client}")) == {"role-c"}

    await ok(kc.env, "DELETE", "/roles/role-a/composites", refs)
    await assert_event(kc.env, kc.realm_id, "DELETE", "roles/role-a/composites", "REALM_ROLE", refs)
    assert (await kc.role("role-a"))["composite"] is False
    assert await ok(kc.env, "GET", "/roles/role-a/composites") == []

    # RealmRolesCRUDTest adds: a role holding composites can be deleted, and its composites stay.
    await create(kc.env, "/roles", make_role("role-z"))
    await ok(kc.env, "POST", "/roles/role-z/composites", refs)
    await ok(kc.env, "DELETE", "/roles/role-z")
    assert (await call(kc.env, "GET", "/roles/role-z")).status_code == 404
    assert (await kc.role("role-b"))["id"] == kc.ids["role-b"]
    assert (await ok(kc.env, "GET", f"/clients/{kc.client}/roles/role-c"))["id"] == kc.ids["role-c"]


async def test_test_users_in_role(kc: Kc) -> None:
    (user,) = await ok(kc.env, "GET", "/users", search="test-role-member")
    await kc.grant(user["id"], "role-with-users")
    assert [u["username"] for u in await kc.members("role-with-users")] == ["test-role-member"]


async def test_test_users_not_in_role(kc: Kc) -> None:
    assert await kc.members("role-without-users") == []


async def test_test_groups_in_role(kc: Kc) -> None:
    groups = await ok(kc.env, "GET", "/groups")
    group = next(g for g in groups if g["path"] == "/test-role-group")
    await ok(kc.env, "POST", f"/groups/{group['id']}/role-mappings/realm", [await kc.role("role-with-users")])
    in_role = await ok(kc.env, "GET", "/roles/role-with-users/groups")
    assert any(g["path"] == "/test-role-group" for g in in_role)


async def test_test_groups_not_in_role(kc: Kc) -> None:
    assert await ok(kc.env, "GET", "/roles/role-without-users/groups") == []


async def test_role_membership_after_user_removal(kc: Kc) -> None:
    user = await user_named(kc.env, "test-role-member")
    await kc.grant(user["id"], "role-with-users")
    assert [u["username"] for u in await kc.members("role-with-users")] == ["test-role-member"]
    await ok(kc.env, "DELETE", f"/users/{user['id']}")
    assert await kc.members("role-with-users") == []


async def test_test_role_membership_with_pagination(kc: Kc) -> None:
    second = {**MEMBER, "username": "test-role-member2", "email": "test-role-member2@test-role-member.com"}
    await create(kc.env, "/users", {**second, "requiredActions": []})
    users = await ok(kc.env, "GET", "/users", search="test-role-member")
    assert len(users) == 2
    for user in users:
        await kc.grant(user["id"], "role-with-users")

    page = await kc.members("role-with-users", first=0, max=1)
    assert [u["username"] for u in page] == ["test-role-member"]
    assert "notBefore" in page[0], "Not in full representation"
    page = await kc.members("role-with-users", briefRepresentation="true", first=1, max=1)
    assert [u["username"] for u in page] == ["test-role-member2"]
    assert "notBefore" not in page[0], "Not in brief representation"
    assert await kc.members("role-with-users", briefRepresentation="true", first=2, max=1) == []


async def test_test_search_for_realm_roles(kc: Kc) -> None:
    found = await kc.listed(search="role-", briefRepresentation="true")
    assert found, "the realm roles role-a, role-b... match"
    assert all(r["clientRole"] is False for r in found), [r["name"] for r in found if r["clientRole"]]


async def test_test_search_for_roles(kc: Kc) -> None:
    for name in [*(f"testrole{i}" for i in range(15)), "abcdefg", "defghij"]:
        await kc.create_role(make_role(name))
    assert len(await kc.listed(search="defg", first=-1, max=-1)) == 2
    assert len(await kc.listed(search="testrole", first=-1, max=-1)) == 15
    assert len(await kc.listed(search="testrole", first=1, max=5)) == 5


async def test_test_pagination_roles(kc: Kc) -> None:
    for i in range(15):
        await kc.create_role(make_role(f"role{i}"))
    assert len(await kc.listed(first=1, max=5)) == 5
    assert len(await kc.listed(first=5, max=5)) == 5
    assert len(await kc.listed(first=1, max=5)) == 5
    assert len(await kc.listed(first=1)) > 15


async def test_test_pagination_roles_cache(kc: Kc) -> None:
    for i in range(5):
        await kc.create_role(make_role(f"paginaterole{i}"))
    before = await kc.listed(first=1, max=1000)
    await kc.create_role(make_role("anewrole"))
    assert len(await kc.listed(first=1, max=1000)) == len(before) + 1


async def test_get_roles_with_full_representation(kc: Kc) -> None:
    for i in range(5):
        await kc.create_role(make_role(f"attributesrole{i}", attributes={"attribute1": ["value1", "value2"]}))
    roles = await kc.listed(search="attributesrole", briefRepresentation="false")
    assert "attribute1" in roles[0]["attributes"]


async def test_get_roles_with_brief_representation(kc: Kc) -> None:
    for i in range(5):
        await kc.create_role(make_role(f"attributesrolebrief{i}", attributes={"attribute1": ["value1", "value2"]}))
    roles = await kc.listed(search="attributesrolebrief", briefRepresentation="true")
    assert "attributes" not in roles[0]


async def test_test_default_roles(kc: Kc) -> None:
    user = await user_named(kc.env, "test-role-member")
    mappings = f"/users/{user['id']}/role-mappings"

    async def realm_names(suffix: str = "") -> set[str]:
        return names(await ok(kc.env, "GET", f"{mappings}/realm{suffix}"))

    async def client_names(suffix: str = "") -> set[str]:
        return names(await ok(kc.env, "GET", f"{mappings}/clients/{kc.client}{suffix}"))

    assert "default-roles-test" in await realm_names()
    assert {"default-roles-test", "offline_access", "uma_authorization"} <= await realm_names("/composite")

    await ok(kc.env, "POST", "/roles/default-roles-test/composites", [await kc.role("role-a")])
    direct = await realm_names()
    assert "default-roles-test" in direct and "role-a" not in direct
    effective = await realm_names("/composite")
    assert {"default-roles-test", "offline_access", "uma_authorization", "role-a"} <= effective
    assert await client_names() == set()
    assert await client_names("/composite") == set()

    role_c = await ok(kc.env, "GET", f"/clients/{kc.client}/roles/role-c")
    await ok(kc.env, "POST", "/roles/default-roles-test/composites", [role_c])
    assert await client_names() == set()
    assert "role-c" in await client_names("/composite")


async def test_test_delete_default_role(kc: Kc) -> None:
    response = await call(kc.env, "DELETE", "/roles/default-roles-test")
    assert response.status_code == 400
    assert response.json() == {"errorMessage": "default-roles-test is default role of the realm and cannot be removed."}
