"""Keycloak 26's ClientRolesTest (testsuite/integration-arquillian/tests/base/.../admin/client/
ClientRolesTest.java), ported one method to one test over HTTP: a client ``roleClient`` made as
AbstractClientTest.createOidcClient makes it, then ``clients/{id}/roles`` written and read through the admin
API with the admin events assertAdminEvents expects.

Already covered elsewhere, not repeated here: who may read and write client roles
(test_admin_roles.py, test_admin_role_escalation.py, test_admin_role_rename.py).
"""

from __future__ import annotations

from typing import Any

import pytest

from role_port import assert_event, call, create, import_test_realm, names, ok, poll_events, user_named
from wire_env import Env

pytestmark = pytest.mark.anyio


class Kc:
    """The test's state after ``init()``: the realm's id, and roleClient's id and roles path."""

    def __init__(self, env: Env, realm_id: str, client: str) -> None:
        self.env, self.realm_id, self.client = env, realm_id, client
        self.roles = f"/clients/{client}/roles"

    async def create_role(self, rep: dict[str, Any]) -> None:
        """``rolesRsc.create(role)`` and the CREATE CLIENT_ROLE event it records."""
        await create(self.env, self.roles, rep)
        path = f"clients/{self.client}/roles/{rep['name']}"
        await assert_event(self.env, self.realm_id, "CREATE", path, "CLIENT_ROLE", rep)

    async def create_realm_role(self, rep: dict[str, Any]) -> None:
        await create(self.env, "/roles", rep)
        await assert_event(self.env, self.realm_id, "CREATE", f"roles/{rep['name']}", "REALM_ROLE", rep)

    async def role(self, name: str) -> dict[str, Any]:
        found: dict[str, Any] = await ok(self.env, "GET", f"{self.roles}/{name}")
        return found

    async def listed(self, **params: Any) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = await ok(self.env, "GET", self.roles, **params)
        return found


def make_role(name: str, **fields: Any) -> dict[str, Any]:
    """``makeRole``: a RoleRepresentation as the admin client sends it (``composite`` is a primitive)."""
    return {"name": name, "composite": False, **fields}


@pytest.fixture
async def kc(env: Env) -> Kc:
    """``init()``: createOidcClient("roleClient"), whose CREATE CLIENT event it asserts."""
    realm_id = await import_test_realm(env)
    rep = {"clientId": "roleClient", "name": "roleClient", "protocol": "openid-connect"}
    client = await create(env, "/clients", rep)
    await assert_event(env, realm_id, "CREATE", f"clients/{client}", "CLIENT", rep)
    return Kc(env, realm_id, client)


async def has_role(kc: Kc, name: str) -> bool:
    return name in names(await kc.listed())


async def test_test_add_role(kc: Kc) -> None:
    role1 = make_role("role1", description="role1-description", attributes={"role1-attr-key": ["role1-attr-val"]})
    await kc.create_role(role1)
    added = await kc.role("role1")
    assert (added["name"], added["description"], added["attributes"]) == (
        "role1",
        "role1-description",
        {"role1-attr-key": ["role1-attr-val"]},
    )


async def test_create_role_with_same_name(kc: Kc) -> None:
    role = make_role("role-a")
    await create(kc.env, kc.roles, role)
    again = await call(kc.env, "POST", kc.roles, role)
    assert again.status_code == 409
    assert again.json() == {"errorMessage": "Role with name role-a already exists"}


async def test_create_role_with_name_pattern(kc: Kc) -> None:
    response = await call(kc.env, "POST", kc.roles, make_role("role-a-{pattern}"))
    assert response.status_code == 201, response.text
    # createRole builds the Location with Encode.encodePathSegmentAsIs: the braces are no URI template
    assert response.headers["location"].endswith(f"/clients/{kc.client}/roles/role-a-%7Bpattern%7D")
    assert (await kc.role("role-a-{pattern}"))["name"] == "role-a-{pattern}"


async def test_test_remove_role(kc: Kc) -> None:
    await kc.create_role(make_role("role2"))
    await ok(kc.env, "DELETE", f"{kc.roles}/role2")
    await assert_event(kc.env, kc.realm_id, "DELETE", f"clients/{kc.client}/roles/role2", "CLIENT_ROLE")
    assert not await has_role(kc, "role2")


async def test_test_composites(kc: Kc) -> None:
    await kc.create_role(make_role("role-a"))
    assert (await kc.role("role-a"))["composite"] is False
    assert await ok(kc.env, "GET", f"{kc.roles}/role-a/composites") == []
    await kc.create_role(make_role("role-b"))
    await kc.create_realm_role(make_role("role-c"))

    both = [await kc.role("role-b"), await ok(kc.env, "GET", "/roles/role-c")]
    composites_path = f"clients/{kc.client}/roles/role-a/composites"
    await ok(kc.env, "POST", f"{kc.roles}/role-a/composites", both)
    await assert_event(kc.env, kc.realm_id, "CREATE", composites_path, "CLIENT_ROLE", both)

    assert (await kc.role("role-a"))["composite"] is True
    assert names(await ok(kc.env, "GET", f"{kc.roles}/role-a/composites")) == {"role-b", "role-c"}
    assert names(await ok(kc.env, "GET", f"{kc.roles}/role-a/composites/realm")) == {"role-c"}
    client_composites = await ok(kc.env, "GET", f"{kc.roles}/role-a/composites/clients/{kc.client}")
    assert names(client_composites) == {"role-b"}

    await ok(kc.env, "DELETE", f"{kc.roles}/role-a/composites", both)
    await assert_event(kc.env, kc.realm_id, "DELETE", composites_path, "CLIENT_ROLE", both)
    assert (await kc.role("role-a"))["composite"] is False
    assert await ok(kc.env, "GET", f"{kc.roles}/role-a/composites") == []


async def test_test_composite_roles_search(kc: Kc) -> None:
    await kc.create_role(make_role("main-role"))
    created = []
    for i in range(20):
        await kc.create_role(make_role(f"role{i}"))
        created.append(await kc.role(f"role{i}"))
    await ok(kc.env, "POST", f"{kc.roles}/main-role/composites", created)
    by_id = f"/roles-by-id/{(await kc.role('main-role'))['id']}/composites"

    assert len(await ok(kc.env, "GET", by_id)) == 20
    assert len(await ok(kc.env, "GET", by_id, first=0, max=10)) == 10
    assert names(await ok(kc.env, "GET", by_id, search="role1")) == {"role1", *(f"role1{i}" for i in range(10))}
    assert len(await ok(kc.env, "GET", by_id, search="role1", first=5, max=5)) == 5


async def test_users_in_role(kc: Kc) -> None:
    await create(kc.env, kc.roles, make_role("test-role"))
    assert await has_role(kc, "test-role")
    role_to_add = [await kc.role("test-role")]
    usernames = [f"user{i}" for i in range(10)]
    for username in usernames:
        await create(kc.env, "/users", {"username": username})
        user = await user_named(kc.env, username)
        await ok(kc.env, "POST", f"/users/{user['id']}/role-mappings/clients/{kc.client}", role_to_add)

    members = f"{kc.roles}/test-role/users"
    assert [u["username"] for u in await ok(kc.env, "GET", members)] == usernames
    first_five = await ok(kc.env, "GET", members, first=0, max=5)
    assert [u["username"] for u in first_five] == usernames[:5]
    assert "notBefore" in first_five[0], "Not in full representation"
    last_five = await ok(kc.env, "GET", members, briefRepresentation="true", first=5, max=10)
    assert [u["username"] for u in last_five] == usernames[5:]
    assert "notBefore" not in last_five[0], "Not in brief representation"


async def test_test_search_for_roles(kc: Kc) -> None:
    for name in [*(f"role{i}" for i in range(15)), "abcdef", "defghi"]:
        await kc.create_role(make_role(name))
    assert len(await kc.listed(search="def", first=-1, max=-1)) == 2
    assert len(await kc.listed(search="role", first=-1, max=-1)) == 15
    assert len(await kc.listed(search="role", first=1, max=5)) == 5


async def test_test_pagination_roles(kc: Kc) -> None:
    for i in range(15):
        await kc.create_role(make_role(f"role{i}"))
    assert len(await kc.listed()) == 15
    assert len(await kc.listed(first=1, max=5)) == 5
    # first without max pages nothing: RoleContainerResource.getRoles pages only when both are given
    assert len(await kc.listed(first=1)) >= 15


async def test_test_pagination_roles_cache(kc: Kc) -> None:
    for i in range(5):
        await kc.create_role(make_role(f"paginaterole{i}"))
    before = await kc.listed(first=1, max=1000)
    await kc.create_role(make_role("anewrole"))
    assert len(await kc.listed(first=1, max=1000)) == len(before) + 1


async def _roles_with_attributes(kc: Kc) -> None:
    for i in range(5):
        await kc.create_role(make_role(f"attributesrole{i}", attributes={"attribute1": ["value1", "value2"]}))


async def test_get_roles_with_full_representation(kc: Kc) -> None:
    await _roles_with_attributes(kc)
    roles = await kc.listed(briefRepresentation="false")
    assert "attribute1" in roles[0]["attributes"]


async def test_get_roles_with_brief_representation(kc: Kc) -> None:
    await _roles_with_attributes(kc)
    roles = await kc.listed()
    assert "attributes" not in roles[0]
    assert await poll_events(kc.env) == []  # listing records nothing
