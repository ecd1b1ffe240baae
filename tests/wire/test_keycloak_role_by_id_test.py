"""Keycloak 26's RoleByIdResourceTest (testsuite/integration-arquillian/tests/base/.../admin/
RoleByIdResourceTest.java, since moved to tests/base/.../tests/admin/RoleByIdResourceTest.java), ported one
method to one test over HTTP against ``roles-by-id``: realm roles role-a, role-b, role-d and
composite-role-with-d, the client ``client-a`` with its role role-c, made through the admin API as ``before()``
makes them; the events of that set-up are skipped, as the Java test skips them.

The delegated-admin methods (#49427: testRenameProtectedRoleBlockedForDelegatedAdmin,
testRenamingToProtectedRoleNameBlockedForDelegatedAdmin, testRenameProtectedRoleBlockedViaNamedRoleEndpoint,
testTOCTOURenameCompositeAttackPrevented) are ported below; who else may rename or delete an admin role, or
give a role an admin role's name, is in test_admin_role_rename.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import make_admin
from role_port import assert_event, call, create, import_test_realm, names, ok, poll_events
from wire_env import Env

pytestmark = pytest.mark.anyio

BY_ID = "/roles-by-id"


class Kc:
    def __init__(self, env: Env, realm_id: str, client: str, ids: dict[str, str]) -> None:
        self.env, self.realm_id, self.client, self.ids = env, realm_id, client, ids

    async def role(self, name: str) -> dict[str, Any]:
        found: dict[str, Any] = await ok(self.env, "GET", f"{BY_ID}/{self.ids[name]}")
        return found

    async def composites(self, name: str, **params: Any) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = await ok(self.env, "GET", f"{BY_ID}/{self.ids[name]}/composites", **params)
        return found


@pytest.fixture
async def kc(env: Env) -> Kc:
    realm_id = await import_test_realm(env)
    await create(env, "/roles", {"name": "role-a", "description": "Role A", "composite": False})
    await create(env, "/roles", {"name": "role-b", "description": "Role B", "composite": False})
    await create(env, "/roles", {"name": "role-d", "description": "Role D", "composite": False})
    with_d = {"realm": ["role-d"]}
    rep = {"name": "composite-role-with-d", "description": "Composite Role with Role D", "composite": True}
    await create(env, "/roles", {**rep, "composites": with_d})
    client = await create(env, "/clients", {"clientId": "client-a"})
    await create(env, f"/clients/{client}/roles", {"name": "role-c", "description": "Role C", "composite": False})
    ids = {r["name"]: r["id"] for r in await ok(env, "GET", "/roles")}
    ids |= {r["name"]: r["id"] for r in await ok(env, "GET", f"/clients/{client}/roles")}
    await poll_events(env)  # adminEvents.skipAll(): "Tested in RealmRolesTest already"
    return Kc(env, realm_id, client, ids)


async def test_get_role(kc: Kc) -> None:
    role = await kc.role("role-a")
    assert (role["name"], role["description"], role["composite"]) == ("role-a", "Role A", False)


async def test_update_role(kc: Kc) -> None:
    role = {**await kc.role("role-a"), "name": "role-a-new", "description": "Role A New"}
    await ok(kc.env, "PUT", f"{BY_ID}/{kc.ids['role-a']}", role)
    await assert_event(kc.env, kc.realm_id, "UPDATE", f"roles-by-id/{kc.ids['role-a']}", "REALM_ROLE", role)
    role = await kc.role("role-a")
    assert (role["name"], role["description"], role["composite"]) == ("role-a-new", "Role A New", False)


async def test_delete_role(kc: Kc) -> None:
    await kc.role("role-a")
    await ok(kc.env, "DELETE", f"{BY_ID}/{kc.ids['role-a']}")
    await assert_event(kc.env, kc.realm_id, "DELETE", f"roles-by-id/{kc.ids['role-a']}", "REALM_ROLE")
    gone = await call(kc.env, "GET", f"{BY_ID}/{kc.ids['role-a']}")
    assert gone.status_code == 404
    assert gone.json() == {"error": "Could not find role with id"}


async def test_composites(kc: Kc) -> None:
    assert (await kc.role("role-a"))["composite"] is False
    assert await kc.composites("role-a") == []

    refs = [{"id": kc.ids["role-b"], "composite": False}, {"id": kc.ids["role-c"], "composite": False}]
    path = f"roles-by-id/{kc.ids['role-a']}/composites"
    await ok(kc.env, "POST", f"/{path}", refs)
    await assert_event(kc.env, kc.realm_id, "CREATE", path, "REALM_ROLE", refs)

    assert (await kc.role("role-a"))["composite"] is True
    assert names(await kc.composites("role-a")) == {"role-b", "role-c"}
    assert names(await ok(kc.env, "GET", f"/{path}/realm")) == {"role-b"}
    assert names(await ok(kc.env, "GET", f"/{path}/clients/{kc.client}")) == {"role-c"}
    assert names(await kc.composites("role-a", search="b")) == {"role-b"}
    assert await kc.composites("role-a", first=0, max=0) == []
    assert names(await kc.composites("role-a", first=0, max=1)) == {"role-b"}
    assert names(await kc.composites("role-a", first=1, max=1)) == {"role-c"}

    await ok(kc.env, "DELETE", f"/{path}", refs)
    await assert_event(kc.env, kc.realm_id, "DELETE", path, "REALM_ROLE", refs)
    assert (await kc.role("role-a"))["composite"] is False
    assert await kc.composites("role-a") == []


async def test_create_new_mixed_realm_composite_role(kc: Kc) -> None:
    composites = {"realm": ["role-a", "composite-role-with-d"], "client": {"client-a": ["role-c"]}}
    await create(kc.env, "/roles", {"name": "role-mixed-comp", "composite": True, "composites": composites})
    mixed = await ok(kc.env, "GET", "/roles/role-mixed-comp")
    assert mixed["composite"] is True

    contained = await ok(kc.env, "GET", f"{BY_ID}/{mixed['id']}/composites")
    assert {r["name"] for r in contained if not r["clientRole"]} == {"role-a", "composite-role-with-d"}
    assert [(r["containerId"], r["name"]) for r in contained if r["clientRole"]] == [(kc.client, "role-c")]
    assert len(contained) == 3  # no role nested deeper (role-d) is listed


async def test_create_new_mixed_realm_composite_role_with_unknown_realm_role_should_throw(kc: Kc) -> None:
    composites = {"realm": ["realm-role-unknown"], "client": {kc.realm_id: ["role-c"]}}
    rep = {"name": "role-broken-comp1", "composite": True, "composites": composites}
    response = await call(kc.env, "POST", "/roles", rep)
    assert response.status_code == 404
    assert response.json() == {"errorMessage": "Realm Role with name realm-role-unknown does not exist"}
    assert (await call(kc.env, "GET", "/roles/role-broken-comp1")).status_code == 404


async def test_create_new_mixed_realm_composite_role_with_unknown_client_role_should_throw(kc: Kc) -> None:
    composites = {"realm": ["role-a"], "client": {"client-a": ["client-role-unknown"]}}
    rep = {"name": "role-broken-comp2", "composite": True, "composites": composites}
    response = await call(kc.env, "POST", "/roles", rep)
    assert response.status_code == 404
    assert response.json() == {"errorMessage": "Client Role with name client-role-unknown does not exist"}
    assert (await call(kc.env, "GET", "/roles/role-broken-comp2")).status_code == 404


async def test_attributes(kc: Kc) -> None:
    for role_id in kc.ids.values():
        role = await ok(kc.env, "GET", f"{BY_ID}/{role_id}")
        assert role["attributes"] == {}

        attributes = {"key1": ["value1"], "key2": ["value2.1", "value2.2"]}
        await ok(kc.env, "PUT", f"{BY_ID}/{role_id}", {**role, "attributes": attributes})
        role = await ok(kc.env, "GET", f"{BY_ID}/{role_id}")
        assert role["attributes"] == attributes  # Assert.assertRoleAttributes: the same keys, the same values

        del attributes["key2"]
        await ok(kc.env, "PUT", f"{BY_ID}/{role_id}", {**role, "attributes": attributes})
        role = await ok(kc.env, "GET", f"{BY_ID}/{role_id}")
        assert role["attributes"] == {"key1": ["value1"]}


async def test_delete_default_role(kc: Kc) -> None:
    default = await ok(kc.env, "GET", "/roles/default-roles-test")
    response = await call(kc.env, "DELETE", f"{BY_ID}/{default['id']}")
    assert response.status_code == 400
    assert response.json() == {"errorMessage": "default-roles-test is default role of the realm and cannot be removed."}


async def test_rename_role_to_name_previously_cached(kc: Kc) -> None:
    await create(kc.env, "/roles", {"name": "realm-role-new-1"})
    role = await ok(kc.env, "GET", "/roles/realm-role-new-1")
    assert (await call(kc.env, "GET", "/roles/realm-role-renamed-1")).status_code == 404  # cacheMissingRoleName
    await ok(kc.env, "PUT", f"{BY_ID}/{role['id']}", {"id": role["id"], "name": "realm-role-renamed-1"})
    assert (await ok(kc.env, "GET", "/roles/realm-role-renamed-1"))["id"] == role["id"]


async def test_create_role_previously_cached(kc: Kc) -> None:
    assert (await call(kc.env, "GET", "/roles/realm-role-new-2")).status_code == 404  # cacheMissingRoleName
    await create(kc.env, "/roles", {"name": "realm-role-new-2"})
    assert (await ok(kc.env, "GET", "/roles/realm-role-new-2"))["name"] == "realm-role-new-2"


async def _delegated_admin(kc: Kc, username: str) -> dict[str, str]:
    """``createDelegatedAdminUser``: a test-realm user holding manage-clients and query-clients, logged in
    through admin-cli."""
    return (await make_admin(kc.env, "test", username, "manage-clients", "query-clients"))[1]


async def _realm_admin_role(kc: Kc) -> dict[str, Any]:
    (management,) = await ok(kc.env, "GET", "/clients", clientId="realm-management")
    role: dict[str, Any] = await ok(kc.env, "GET", f"/clients/{management['id']}/roles/realm-admin")
    return {**role, "management": management["id"]}


async def test_test_rename_protected_role_blocked_for_delegated_admin(kc: Kc) -> None:
    headers = await _delegated_admin(kc, "delegated-admin")
    realm_admin = await _realm_admin_role(kc)
    renamed = {"id": realm_admin["id"], "name": "temp-role"}
    url = f"/admin/realms/test{BY_ID}/{realm_admin['id']}"
    response = await kc.env.http.put(url, json=renamed, headers=headers)
    assert response.status_code == 403 and response.json() == {"error": "HTTP 403 Forbidden"}


async def test_test_renaming_to_protected_role_name_blocked_for_delegated_admin(kc: Kc) -> None:
    """A manage-clients admin makes a client and a role of its own, then renames that role to ``realm-admin``
    through roles-by-id: 403, and the role keeps its name."""
    headers = await _delegated_admin(kc, "delegated-admin2")
    clients = "/admin/realms/test/clients"
    made = await kc.env.http.post(clients, json={"clientId": "attacker-client-1", "enabled": True}, headers=headers)
    assert made.status_code == 201, made.text
    attacker = made.headers["location"].rsplit("/", 1)[-1]
    role_made = await kc.env.http.post(f"{clients}/{attacker}/roles", json={"name": "innocent-role"}, headers=headers)
    assert role_made.status_code == 201, role_made.text
    innocent = (await kc.env.http.get(f"{clients}/{attacker}/roles/innocent-role", headers=headers)).json()
    url = f"/admin/realms/test{BY_ID}/{innocent['id']}"
    response = await kc.env.http.put(url, json={"id": innocent["id"], "name": "realm-admin"}, headers=headers)
    assert response.status_code == 403 and response.json() == {"error": "HTTP 403 Forbidden"}
    assert (await ok(kc.env, "GET", f"{BY_ID}/{innocent['id']}"))["name"] == "innocent-role"


async def test_test_rename_protected_role_blocked_via_named_role_endpoint(kc: Kc) -> None:
    headers = await _delegated_admin(kc, "delegated-admin3")
    realm_admin = await _realm_admin_role(kc)
    url = f"/admin/realms/test/clients/{realm_admin['management']}/roles/realm-admin"
    response = await kc.env.http.put(url, json={"name": "temp-role"}, headers=headers)
    assert response.status_code == 403 and response.json() == {"error": "HTTP 403 Forbidden"}


async def test_test_toctou_rename_composite_attack_prevented(kc: Kc) -> None:
    headers = await _delegated_admin(kc, "toctou-attacker")
    realm_admin = await _realm_admin_role(kc)
    url = f"/admin/realms/test{BY_ID}/{realm_admin['id']}"
    response = await kc.env.http.put(url, json={"id": realm_admin["id"], "name": "temp-role"}, headers=headers)
    assert response.status_code == 403
    unchanged = await ok(kc.env, "GET", f"/clients/{realm_admin['management']}/roles/realm-admin")
    assert unchanged["name"] == "realm-admin"
