"""Admin REST for realm roles, client roles and composites (KEYCLOAK.md §9.2), through the real app."""

from __future__ import annotations

from typing import Any

import pytest

from support import claims, password_grant, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

ROLES = "/admin/realms/test/roles"
CLIENTS = "/admin/realms/test/clients"


async def _setup(env: Env) -> dict[str, str]:
    await seed_realm(env.db, env.clock)
    return await env.admin_headers()


async def _role(env: Env, headers: dict[str, str], name: str, base: str = ROLES, **rep: Any) -> dict[str, Any]:
    response = await env.http.post(base, headers=headers, json={"name": name, **rep})
    assert response.status_code == 201, response.text
    body = (await env.http.get(f"{base}/{name}", headers=headers)).json()
    assert isinstance(body, dict)
    return body


async def _client(env: Env, headers: dict[str, str], client_id: str, **rep: Any) -> str:
    response = await env.http.post(CLIENTS, headers=headers, json={"clientId": client_id, **rep})
    assert response.status_code == 201, response.text
    return response.headers["location"].rsplit("/", 1)[-1]


def _names(roles: list[dict[str, Any]]) -> set[str]:
    return {r["name"] for r in roles}


async def _realm_id(env: Env) -> str:
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        return realm.id


# --- realm roles -------------------------------------------------------------------------------
async def test_creating_a_realm_role_answers_201_with_its_name_location(env: Env) -> None:
    headers = await _setup(env)
    response = await env.http.post(
        ROLES,
        headers=headers,
        json={"name": "shop admin", "description": "Runs the shop", "attributes": {"level": ["3"]}},
    )
    assert response.status_code == 201, response.text
    assert response.headers["location"] == "http://localhost/admin/realms/test/roles/shop%20admin"
    body = (await env.http.get(f"{ROLES}/shop admin", headers=headers)).json()
    assert body == {
        "id": body["id"],
        "name": "shop admin",
        "description": "Runs the shop",
        "composite": False,
        "clientRole": False,
        "containerId": await _realm_id(env),
        "attributes": {"level": ["3"]},
    }


async def test_listing_realm_roles_is_brief_unless_asked_and_searchable(env: Env) -> None:
    headers = await _setup(env)
    await _role(env, headers, "editor", description="Edits pages", attributes={"a": ["b"]})
    listed = (await env.http.get(ROLES, headers=headers)).json()
    assert _names(listed) == {"default-roles-test", "offline_access", "uma_authorization", "editor"}
    assert all("attributes" not in r for r in listed)
    full = (await env.http.get(ROLES, params={"briefRepresentation": "false"}, headers=headers)).json()
    assert next(r for r in full if r["name"] == "editor")["attributes"] == {"a": ["b"]}
    found = (await env.http.get(ROLES, params={"search": "PAGES"}, headers=headers)).json()
    assert _names(found) == {"editor"}
    paged = (await env.http.get(ROLES, params={"first": "1", "max": "2"}, headers=headers)).json()
    assert [r["name"] for r in paged] == [r["name"] for r in listed][1:3]


async def test_a_duplicate_role_name_answers_409(env: Env) -> None:
    headers = await _setup(env)
    response = await env.http.post(ROLES, headers=headers, json={"name": "offline_access"})
    assert response.status_code == 409
    assert response.json() == {"errorMessage": "Role with name offline_access already exists"}
    await _role(env, headers, "editor")
    renamed = await env.http.put(f"{ROLES}/editor", headers=headers, json={"name": "offline_access"})
    assert renamed.status_code == 409


async def test_a_role_without_a_name_answers_400_role_has_no_name(env: Env) -> None:
    headers = await _setup(env)
    response = await env.http.post(ROLES, headers=headers, json={"description": "nameless"})
    assert (response.status_code, response.json()) == (400, {"error": "role has no name"})
    await _role(env, headers, "editor", description="Edits")
    for body in ({"description": "x"}, {"name": "  "}):  # RoleResource.updateRole: a blank name is refused
        response = await env.http.put(f"{ROLES}/editor", headers=headers, json=body)
        assert (response.status_code, response.json()) == (400, {"error": "role has no name"})
    assert (await env.http.get(f"{ROLES}/editor", headers=headers)).json()["description"] == "Edits"


async def test_updating_a_role_sets_its_description_and_keeps_attributes_not_given(env: Env) -> None:
    headers = await _setup(env)
    role = await _role(env, headers, "editor", description="Edits", attributes={"a": ["1"]})
    response = await env.http.put(f"{ROLES}/editor", headers=headers, json={"name": "author", "description": None})
    assert response.status_code == 204, response.text
    assert (await env.http.get(f"{ROLES}/editor", headers=headers)).status_code == 404
    body = (await env.http.get(f"{ROLES}/author", headers=headers)).json()
    # RoleResource.updateRole: setDescription(rep.getDescription()) always; attributes only when given
    assert body["id"] == role["id"] and "description" not in body and body["attributes"] == {"a": ["1"]}


async def test_deleting_a_role_removes_it_from_users_tokens(env: Env) -> None:
    headers = await _setup(env)
    await _role(env, headers, "editor")
    await seed_user(env.db, env.clock, "test", "user1", realm_roles=("editor",))
    token = (await password_grant(env.http, "test", "admin-cli", secret=None)).json()["access_token"]
    assert "editor" in claims(token)["realm_access"]["roles"]
    assert (await env.http.delete(f"{ROLES}/editor", headers=headers)).status_code == 204
    token = (await password_grant(env.http, "test", "admin-cli", secret=None)).json()["access_token"]
    assert "editor" not in claims(token)["realm_access"]["roles"]


async def test_the_realm_default_role_cannot_be_deleted(env: Env) -> None:
    headers = await _setup(env)
    response = await env.http.delete(f"{ROLES}/default-roles-test", headers=headers)
    assert response.status_code == 400
    assert response.json() == {"errorMessage": "default-roles-test is default role of the realm and cannot be removed."}


async def test_an_unknown_role_answers_404_could_not_find_role(env: Env) -> None:
    headers = await _setup(env)
    for method, suffix in (
        ("GET", ""),
        ("PUT", ""),
        ("DELETE", ""),
        ("GET", "/composites"),
        ("POST", "/composites"),
        ("GET", "/composites/realm"),
    ):
        response = await env.http.request(method, f"{ROLES}/ghost{suffix}", headers=headers, json=[])
        assert response.status_code == 404, (method, suffix)
        assert response.json() == {"error": "Could not find role"}


async def test_a_role_is_found_by_its_id(env: Env) -> None:
    headers = await _setup(env)
    role = await _role(env, headers, "editor")
    response = await env.http.get(f"/admin/realms/test/roles-by-id/{role['id']}", headers=headers)
    assert response.status_code == 200 and response.json() == role
    missing = await env.http.get("/admin/realms/test/roles-by-id/nope", headers=headers)
    assert missing.status_code == 404 and missing.json() == {"error": "Could not find role with id"}


# --- composites --------------------------------------------------------------------------------
async def test_a_user_holding_a_composite_role_gets_its_inner_roles_in_the_token(env: Env) -> None:
    headers = await _setup(env)
    reader = await _role(env, headers, "reader")
    writer = await _role(env, headers, "writer")
    await _role(env, headers, "staff")
    added = await env.http.post(
        f"{ROLES}/staff/composites", headers=headers, json=[{"id": reader["id"]}, {"id": writer["id"]}]
    )
    assert added.status_code == 204, added.text
    assert (await env.http.get(f"{ROLES}/staff", headers=headers)).json()["composite"] is True
    await seed_user(env.db, env.clock, "test", "user1", realm_roles=("staff",), default_roles=False)
    response = await password_grant(env.http, "test", "admin-cli", secret=None)
    assert response.status_code == 200, response.text
    assert set(claims(response.json()["access_token"])["realm_access"]["roles"]) == {"staff", "reader", "writer"}


async def test_composites_are_listed_brief_and_can_be_removed(env: Env) -> None:
    headers = await _setup(env)
    reader = await _role(env, headers, "reader")
    await _role(env, headers, "staff")
    app = await _client(env, headers, "app")
    client_role = await _role(env, headers, "orders", base=f"{CLIENTS}/{app}/roles")
    await env.http.post(f"{ROLES}/staff/composites", headers=headers, json=[reader, {"id": client_role["id"]}])
    listed = (await env.http.get(f"{ROLES}/staff/composites", headers=headers)).json()
    assert _names(listed) == {"reader", "orders"} and all("attributes" not in r for r in listed)
    realm_only = (await env.http.get(f"{ROLES}/staff/composites/realm", headers=headers)).json()
    assert _names(realm_only) == {"reader"}
    removed = await env.http.request("DELETE", f"{ROLES}/staff/composites", headers=headers, json=[reader])
    assert removed.status_code == 204
    assert _names((await env.http.get(f"{ROLES}/staff/composites", headers=headers)).json()) == {"orders"}


async def test_an_unknown_composite_answers_404_and_adds_nothing(env: Env) -> None:
    headers = await _setup(env)
    reader = await _role(env, headers, "reader")
    await _role(env, headers, "staff")
    response = await env.http.post(f"{ROLES}/staff/composites", headers=headers, json=[reader, {"id": "nope"}])
    assert response.status_code == 404
    assert response.json() == {"error": "Could not find composite role"}
    assert (await env.http.get(f"{ROLES}/staff/composites", headers=headers)).json() == []


# --- client roles ------------------------------------------------------------------------------
async def test_client_roles_are_created_read_updated_and_deleted(env: Env) -> None:
    headers = await _setup(env)
    app = await _client(env, headers, "app")
    response = await env.http.post(f"{CLIENTS}/{app}/roles", headers=headers, json={"name": "orders"})
    assert response.status_code == 201
    assert response.headers["location"] == f"http://localhost{CLIENTS}/{app}/roles/orders"
    body = (await env.http.get(f"{CLIENTS}/{app}/roles/orders", headers=headers)).json()
    assert body["clientRole"] is True and body["containerId"] == app
    duplicate = await env.http.post(f"{CLIENTS}/{app}/roles", headers=headers, json={"name": "orders"})
    assert duplicate.status_code == 409
    assert duplicate.json() == {"errorMessage": "Role with name orders already exists"}
    assert (await env.http.post(ROLES, headers=headers, json={"name": "orders"})).status_code == 201
    update = await env.http.put(
        f"{CLIENTS}/{app}/roles/orders", headers=headers, json={"name": "orders", "description": "Orders"}
    )
    assert update.status_code == 204
    assert (await env.http.get(f"{CLIENTS}/{app}/roles", headers=headers)).json()[0]["description"] == "Orders"
    assert (await env.http.delete(f"{CLIENTS}/{app}/roles/orders", headers=headers)).status_code == 204
    missing = await env.http.get(f"{CLIENTS}/{app}/roles/orders", headers=headers)
    assert missing.status_code == 404 and missing.json() == {"error": "Could not find role"}


async def test_a_client_role_inside_a_realm_composite_reaches_resource_access(env: Env) -> None:
    headers = await _setup(env)
    app = await _client(env, headers, "app", secret="secret", directAccessGrantsEnabled=True)
    orders = await _role(env, headers, "orders", base=f"{CLIENTS}/{app}/roles")
    await _role(env, headers, "staff")
    await env.http.post(f"{ROLES}/staff/composites", headers=headers, json=[{"id": orders["id"]}])
    await seed_user(env.db, env.clock, "test", "user1", realm_roles=("staff",))
    token = (await password_grant(env.http, "test", "app")).json()["access_token"]
    assert claims(token)["resource_access"]["app"]["roles"] == ["orders"]


# --- who may call ------------------------------------------------------------------------------
async def test_realm_roles_need_view_realm_to_read_and_manage_realm_to_change(env: Env) -> None:
    headers = await _setup(env)
    await _role(env, headers, "editor")
    await seed_user(env.db, env.clock, "test", "viewer")
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        management = await tx.clients.get_by_client_id(realm.id, "realm-management")
        viewer = await tx.users.get_by_username(realm.id, "viewer")
        assert management is not None and viewer is not None
        role = await tx.roles.get_client_role(management.id, "view-realm")
        assert role is not None
        await tx.users.grant_roles(viewer.id, [role.id])
    token = await password_grant(env.http, "test", "admin-cli", "viewer", secret=None)
    viewer_headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    assert (await env.http.get(f"{ROLES}/editor", headers=viewer_headers)).status_code == 200
    for method, url in (
        ("POST", ROLES),
        ("PUT", f"{ROLES}/editor"),
        ("DELETE", f"{ROLES}/editor"),
        ("POST", f"{ROLES}/editor/composites"),
    ):
        response = await env.http.request(method, url, headers=viewer_headers, json={"name": "x"})
        assert response.status_code == 403, (method, url)
        assert response.json() == {"error": "HTTP 403 Forbidden"}
    app = await _client(env, headers, "app")
    assert (await env.http.get(f"{CLIENTS}/{app}/roles", headers=viewer_headers)).status_code == 403
    assert (await env.http.get(ROLES)).status_code == 401
