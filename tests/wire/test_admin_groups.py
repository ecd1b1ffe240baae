"""Groups through the Admin REST, and roles granted through groups wherever roles matter."""

from __future__ import annotations

import httpx
import pytest

from admin_support import DEMO, demo_realm, role_ref
from support import assert_error, claims, password_grant, seed_client, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio


async def _create(env: Env, headers: dict[str, str], url: str, body: dict[str, object]) -> httpx.Response:
    return await env.http.post(url, json=body, headers=headers)


async def test_groups_are_created_nested_listed_counted_renamed_and_deleted(env: Env) -> None:
    await demo_realm(env)
    h = await env.admin_headers()
    top = await _create(env, h, f"{DEMO}/groups", {"name": "org", "attributes": {"site": ["paris"]}})
    assert top.status_code == 201 and top.headers["location"].startswith("http://localhost/admin/realms/demo/groups/")
    org = top.headers["location"].rsplit("/", 1)[1]
    child = await _create(env, h, f"{DEMO}/groups/{org}/children", {"name": "backup"})
    assert child.status_code == 201
    assert child.json()["path"] == "/org/backup" and child.json()["parentId"] == org
    backup = child.json()["id"]
    duplicate = await _create(env, h, f"{DEMO}/groups/{org}/children", {"name": "backup"})
    assert duplicate.status_code == 409
    assert duplicate.json() == {"errorMessage": "Sibling group named 'backup' already exists."}
    assert (await _create(env, h, f"{DEMO}/groups", {"name": "org"})).json() == {
        "errorMessage": "Top level group named 'org' already exists."
    }

    listed = (await env.http.get(f"{DEMO}/groups", headers=h)).json()
    assert [(g["name"], g["path"], g["subGroupCount"]) for g in listed] == [("org", "/org", 1)]
    assert "attributes" not in listed[0]  # briefRepresentation defaults to true
    found = (await env.http.get(f"{DEMO}/groups", params={"search": "back"}, headers=h)).json()
    assert [g["path"] for g in found[0]["subGroups"]] == ["/org/backup"]
    assert (await env.http.get(f"{DEMO}/groups/count", headers=h)).json() == {"count": 2}
    assert (await env.http.get(f"{DEMO}/groups/count", params={"top": "true"}, headers=h)).json() == {"count": 1}
    children = (await env.http.get(f"{DEMO}/groups/{org}/children", headers=h)).json()
    assert [g["id"] for g in children] == [backup]
    full = (await env.http.get(f"{DEMO}/groups/{org}", headers=h)).json()
    assert full["attributes"] == {"site": ["paris"]} and full["realmRoles"] == [] and full["subGroupCount"] == 1

    renamed = await env.http.put(f"{DEMO}/groups/{backup}", json={"name": "nightly"}, headers=h)
    assert renamed.status_code == 204
    assert (await env.http.get(f"{DEMO}/groups/{backup}", headers=h)).json()["path"] == "/org/nightly"
    assert (await env.http.get(f"{DEMO}/group-by-path/org/nightly", headers=h)).json()["id"] == backup
    assert (await env.http.delete(f"{DEMO}/groups/{org}", headers=h)).status_code == 204
    gone = await env.http.get(f"{DEMO}/groups/{backup}", headers=h)
    assert gone.status_code == 404 and gone.json() == {"error": "Could not find group by id"}
    assert (await _create(env, h, f"{DEMO}/groups", {"name": ""})).status_code == 400


async def test_a_role_of_a_parent_group_reaches_tokens_and_grants_offline_access(env: Env) -> None:
    await demo_realm(env)
    await seed_client(env.db, "demo", "app")
    user = await seed_user(env.db, env.clock, "demo", "ann", default_roles=False)
    h = await env.admin_headers()
    denied = await password_grant(env.http, "demo", "app", "ann", scope="openid offline_access")
    assert_error(denied, 400, "not_allowed", "Offline tokens not allowed for the user or client")

    org = (await _create(env, h, f"{DEMO}/groups", {"name": "org"})).headers["location"].rsplit("/", 1)[1]
    team = (await _create(env, h, f"{DEMO}/groups/{org}/children", {"name": "team"})).json()["id"]
    granted = await env.http.post(
        f"{DEMO}/groups/{org}/role-mappings/realm", json=[await role_ref(env, "demo", "offline_access")], headers=h
    )
    assert granted.status_code == 204
    assert (await env.http.put(f"{DEMO}/users/{user.id}/groups/{team}", headers=h)).status_code == 204
    mine = (await env.http.get(f"{DEMO}/users/{user.id}/groups", headers=h)).json()
    assert [g["path"] for g in mine] == ["/org/team"]
    assert (await env.http.get(f"{DEMO}/users/{user.id}/groups/count", headers=h)).json() == {"count": 1}
    members = (await env.http.get(f"{DEMO}/groups/{team}/members", headers=h)).json()
    assert [m["username"] for m in members] == ["ann"]
    effective = (await env.http.get(f"{DEMO}/users/{user.id}/role-mappings/realm/composite", headers=h)).json()
    assert "offline_access" in {r["name"] for r in effective}
    inherited = (await env.http.get(f"{DEMO}/groups/{team}/role-mappings/realm/composite", headers=h)).json()
    assert [r["name"] for r in inherited] == ["offline_access"]

    offline = await password_grant(env.http, "demo", "app", "ann", scope="openid offline_access")
    assert offline.status_code == 200, offline.text
    assert claims(offline.json()["refresh_token"])["typ"] == "Offline"
    assert claims(offline.json()["access_token"])["realm_access"] == {"roles": ["offline_access"]}

    assert (await env.http.delete(f"{DEMO}/users/{user.id}/groups/{team}", headers=h)).status_code == 204
    again = await password_grant(env.http, "demo", "app", "ann", scope="openid offline_access")
    assert_error(again, 400, "not_allowed", "Offline tokens not allowed for the user or client")


async def test_new_users_join_the_default_groups_and_group_admin_roles_count(env: Env) -> None:
    await demo_realm(env)
    h = await env.admin_headers()
    admins = (await _create(env, h, f"{DEMO}/groups", {"name": "admins"})).headers["location"].rsplit("/", 1)[1]
    management = (await env.http.get(f"{DEMO}/clients", params={"clientId": "realm-management"}, headers=h)).json()[0][
        "id"
    ]
    view_users = await role_ref(env, "demo", "view-users", "realm-management")
    mapped = await env.http.post(
        f"{DEMO}/groups/{admins}/role-mappings/clients/{management}", json=[view_users], headers=h
    )
    assert mapped.status_code == 204
    assert (await env.http.put(f"{DEMO}/default-groups/{admins}", headers=h)).status_code == 204
    assert [g["path"] for g in (await env.http.get(f"{DEMO}/default-groups", headers=h)).json()] == ["/admins"]

    created = await env.http.post(
        f"{DEMO}/users",
        json={
            "username": "dora",
            "enabled": True,
            "firstName": "Dora",
            "lastName": "Explorer",
            "email": "dora@example.com",
            "credentials": [{"type": "password", "value": "pw"}],
        },
        headers=h,
    )
    assert created.status_code == 201, created.text
    token = await password_grant(env.http, "demo", "admin-cli", "dora", "pw", secret=None)
    assert token.status_code == 200, token.text
    dora = {"Authorization": f"Bearer {token.json()['access_token']}"}
    # view-users came through the default group: the user may now read the realm's users.
    users = await env.http.get(f"{DEMO}/users", headers=dora)
    assert users.status_code == 200 and [u["username"] for u in users.json()] == ["dora"]
    # view-users holds query-users, which lists clients (ClientPermissions.canList), none of them without view-clients
    listed = await env.http.get(f"{DEMO}/clients", headers=dora)
    assert (listed.status_code, listed.json()) == (200, [])
    assert (await env.http.post(f"{DEMO}/clients", json={"clientId": "x"}, headers=dora)).status_code == 403


async def test_an_unknown_default_group_answers_404_group_not_found(env: Env) -> None:
    """RealmAdminResource.addDefaultGroup / removeDefaultGroup: NotFoundException("Group not found"), for another
    realm's group too; nothing is recorded."""
    await demo_realm(env)
    h = await env.admin_headers()
    master_group = await _create(env, h, "/admin/realms/master/groups", {"name": "elsewhere"})
    assert master_group.status_code == 201, master_group.text
    elsewhere = master_group.headers["location"].rsplit("/", 1)[1]
    for group_id in ("no-such-group", elsewhere):
        for method in ("PUT", "DELETE"):
            response = await env.http.request(method, f"{DEMO}/default-groups/{group_id}", headers=h)
            assert (response.status_code, response.json()) == (404, {"error": "Group not found"}), (method, group_id)
    assert (await env.http.get(f"{DEMO}/default-groups", headers=h)).json() == []
