"""Master's per-realm admin clients ``<realm>-realm`` (RealmManager.setupMasterAdminManagement) and master's
``create-realm`` role (RealmsAdminResource.importRealm / grantPermissionsToRealmCreator): a master user holding
``demo-realm``'s manage-users administers demo's users and nothing else; a create-realm holder creates a realm and
then administers it; the client follows its realm through renames and deletion, and shows in master's export."""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import FORBIDDEN_BODY, login, make_admin, role_ref
from console_support import HTML, sign_in
from doorkeep.realms.exportimport import files
from doorkeep.realms.provisioning import MANAGEMENT_ROLES
from support import password_grant, seed_user, update_client
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio

MASTER = "/admin/realms/master"


async def as_admin(env: Env, method: str, path: str, body: Any = None, status: int | None = None) -> Any:
    """A request as master's admin that must succeed (or answer ``status``); its JSON body, if any."""
    response = await env.http.request(method, path, json=body, headers=await env.admin_headers())
    assert response.status_code == (status or response.status_code) and response.status_code < 300, response.text
    return response.json() if response.content else None


async def master_client(env: Env, realm: str) -> dict[str, Any] | None:
    found = await as_admin(env, "GET", f"{MASTER}/clients?clientId={realm}-realm")
    return found[0] if found else None


async def new_realm(env: Env, name: str) -> None:
    await as_admin(env, "POST", "/admin/realms", {"realm": name, "enabled": True}, status=201)


async def master_user(env: Env, username: str, *grants: tuple[str, str]) -> dict[str, str]:
    """A master user holding these roles (``(clientId, name)``; clientId "" for a realm role): their header."""
    user = await seed_user(env.db, env.clock, "master", username)
    for client_id, name in grants:
        if client_id:
            client = await master_client(env, client_id.removesuffix("-realm"))
            assert client is not None, client_id
            path = f"{MASTER}/users/{user.id}/role-mappings/clients/{client['id']}"
            await as_admin(env, "POST", path, [await role_ref(env, "master", name, client_id)])
        else:
            await as_admin(
                env, "POST", f"{MASTER}/users/{user.id}/role-mappings/realm", [await role_ref(env, "master", name)]
            )
    return await login(env, "master", username)


def refused(response: Any) -> bool:
    return bool(response.status_code == 403 and response.json() == FORBIDDEN_BODY)


async def test_a_new_realm_gets_a_bearer_only_client_in_master_whose_roles_masters_admin_holds(env: Env) -> None:
    await new_realm(env, "shop")
    client = await master_client(env, "shop")
    assert client is not None
    assert (client["name"], client["bearerOnly"], client["publicClient"]) == ("shop Realm", True, False)
    roles = await as_admin(env, "GET", f"{MASTER}/clients/{client['id']}/roles")
    assert {r["name"] for r in roles} == set(MANAGEMENT_ROLES)
    assert {r["description"] for r in roles if r["name"] == "view-users"} == {"${role_view-users}"}
    view_users = await as_admin(env, "GET", f"{MASTER}/clients/{client['id']}/roles/view-users/composites")
    assert {r["name"] for r in view_users} == {"query-users", "query-groups"}
    held = await as_admin(env, "GET", f"{MASTER}/roles/admin/composites/clients/{client['id']}")
    assert {r["name"] for r in held} == set(MANAGEMENT_ROLES)


async def test_a_master_user_with_demo_realm_manage_users_manages_demos_users_and_nothing_else(env: Env) -> None:
    await new_realm(env, "demo")
    await new_realm(env, "other")
    headers = await master_user(env, "helpdesk", ("demo-realm", "manage-users"))
    listed = await env.http.get("/admin/realms/demo/users", headers=headers)
    assert listed.status_code == 200, listed.text
    made = await env.http.post("/admin/realms/demo/users", json={"username": "newbie"}, headers=headers)
    assert made.status_code == 201, made.text
    assert refused(await env.http.get("/admin/realms/demo/clients", headers=headers))
    assert refused(await env.http.put("/admin/realms/demo", json={"displayName": "x"}, headers=headers))
    assert refused(await env.http.get("/admin/realms/other/users", headers=headers))
    assert refused(await env.http.get("/admin/realms/master/users", headers=headers))
    assert refused(await env.http.post("/admin/realms", json={"realm": "mine"}, headers=headers))
    realms = await env.http.get("/admin/realms", headers=headers)
    assert realms.status_code == 200 and realms.json() == [{"realm": "demo"}], realms.text
    # of demo's realm-management it hands out what manage-users allows (IllegalAdminUpgradeTest), nothing more
    newbie = made.headers["location"].rsplit("/", 1)[1]
    rm = (await as_admin(env, "GET", "/admin/realms/demo/clients?clientId=realm-management"))[0]["id"]
    mappings = f"/admin/realms/demo/users/{newbie}/role-mappings/clients/{rm}"
    for name in ("view-users", "manage-users"):
        role = [await role_ref(env, "demo", name, "realm-management")]
        assert (await env.http.post(mappings, json=role, headers=headers)).status_code == 204, name
    for name in ("manage-clients", "view-realm", "realm-admin"):
        role = [await role_ref(env, "demo", name, "realm-management")]
        assert refused(await env.http.post(mappings, json=role, headers=headers)), name
    # nor can it hand its own demo-realm role to another master user (that takes master's manage-users)
    other = await seed_user(env.db, env.clock, "master", "friend")
    client = await master_client(env, "demo")
    assert client is not None
    own = [await role_ref(env, "master", "manage-users", "demo-realm")]
    grant = f"{MASTER}/users/{other.id}/role-mappings/clients/{client['id']}"
    assert refused(await env.http.post(grant, json=own, headers=headers))


async def test_whoami_names_the_demo_realm_roles_a_master_user_holds(env: Env) -> None:
    await new_realm(env, "demo")
    await master_user(env, "viewer", ("demo-realm", "view-users"))
    await update_client(env.db, "master", "security-admin-console", direct_access_grants_enabled=True)
    grant = await password_grant(env.http, "master", "security-admin-console", "viewer", "password", secret=None)
    token = {"Authorization": "Bearer " + grant.json()["access_token"]}
    got = await env.http.get("/admin/master/console/whoami?currentRealm=demo", headers=token)
    assert got.status_code == 200, got.text
    assert got.json()["realm_access"] == {"demo": ["query-groups", "query-users", "view-users"]}
    assert got.json()["createRealm"] is False
    nothing = await env.http.get("/admin/master/console/whoami?currentRealm=master", headers=token)
    assert nothing.status_code == 403 and nothing.json() == {"error": "No realm access"}


async def test_a_create_realm_holder_creates_a_realm_and_then_administers_it_alone(env: Env) -> None:
    await new_realm(env, "elsewhere")
    headers = await master_user(env, "founder", ("", "create-realm"))
    made = await env.http.post("/admin/realms", json={"realm": "founded", "enabled": True}, headers=headers)
    assert made.status_code == 201, made.text
    assert (await env.http.get("/admin/realms/founded/clients", headers=headers)).status_code == 200
    assert (await env.http.put("/admin/realms/founded", json={"displayName": "F"}, headers=headers)).status_code == 204
    assert refused(await env.http.get("/admin/realms/elsewhere/users", headers=headers))
    listed = await env.http.get("/admin/realms?briefRepresentation=true", headers=headers)
    assert [r["realm"] for r in listed.json()] == ["founded"], listed.text
    client = await master_client(env, "founded")
    assert client is not None
    users = await as_admin(env, "GET", f"{MASTER}/users?username=founder&exact=true")
    held = await as_admin(env, "GET", f"{MASTER}/users/{users[0]['id']}/role-mappings/clients/{client['id']}")
    assert {r["name"] for r in held} == set(MANAGEMENT_ROLES) - {"impersonation"}  # AdminRoles.ALL_REALM_ROLES
    # without create-realm, no realm is made
    plain = await master_user(env, "plain")
    assert refused(await env.http.post("/admin/realms", json={"realm": "nope"}, headers=plain))


async def test_renaming_a_realm_renames_its_client_and_deleting_it_deletes_the_client(env: Env) -> None:
    await new_realm(env, "before")
    headers = await master_user(env, "keeper", ("before-realm", "manage-realm"))
    renamed = await env.http.put("/admin/realms/before", json={"realm": "after"}, headers=headers)
    assert renamed.status_code == 204, renamed.text
    assert await master_client(env, "before") is None
    client = await master_client(env, "after")
    assert client is not None and client["name"] == "before Realm"  # renameRealm sets the clientId only
    assert (await env.http.get("/admin/realms/after", headers=headers)).status_code == 200  # the grant followed
    deleted = await env.http.delete("/admin/realms/after", headers=headers)
    assert deleted.status_code == 204, deleted.text
    assert await master_client(env, "after") is None
    assert (await env.http.get("/admin/realms", headers=headers)).status_code == 403


async def test_masters_export_shows_each_realms_client_with_its_roles(env: Env) -> None:
    await new_realm(env, "shop")
    exported = await files.export_realm(env.db, "master")
    (client,) = [c for c in exported["clients"] if c["clientId"] == "shop-realm"]
    assert (client["name"], client["bearerOnly"], client["fullScopeAllowed"]) == ("shop Realm", True, False)
    assert {r["name"] for r in exported["roles"]["client"]["shop-realm"]} == set(MANAGEMENT_ROLES)
    (admin,) = [r for r in exported["roles"]["realm"] if r["name"] == "admin"]
    assert set(admin["composites"]["client"]["shop-realm"]) == set(MANAGEMENT_ROLES)
    partial = await env.http.post(
        f"{MASTER}/partial-export?exportClients=true&exportGroupsAndRoles=true", headers=await env.admin_headers()
    )
    assert partial.status_code == 200, partial.text
    assert "shop-realm" in {c["clientId"] for c in partial.json()["clients"]}
    assert {r["name"] for r in partial.json()["roles"]["client"]["shop-realm"]} == set(MANAGEMENT_ROLES)


async def test_the_console_opens_a_master_users_realm_and_lists_only_the_realms_it_administers(env: Env) -> None:
    await new_realm(env, "demo")
    await new_realm(env, "other")
    await master_user(env, "viewer", ("demo-realm", "view-users"))
    async with client_at(env, "127.0.0.2") as http:
        start = await sign_in(http, "/admin/master/console/", "viewer")
        assert start.status_code == 303 and start.headers["location"].endswith("/admin/master/console/demo/")
        landing = await http.get(start.headers["location"], headers=HTML)
        assert landing.status_code == 200, landing.text[:300]
        assert 'aria-label="Realm demo"' in landing.text and ">Users<" in landing.text
        assert ">Clients<" not in landing.text and "/other/" not in landing.text
        users = await http.get("/admin/master/console/demo/users", headers=HTML)
        assert users.status_code == 200, users.text[:300]
        for path in ("/other/users", "/master/users"):
            page = await http.get("/admin/master/console" + path, headers=HTML)
            assert page.status_code == 404 and "Realm not found." in page.text, path


async def test_a_rename_onto_a_name_masters_clients_hold_is_a_conflict(env: Env) -> None:
    await new_realm(env, "first")
    await as_admin(env, "POST", f"{MASTER}/clients", {"clientId": "taken-realm"}, status=201)
    clash = await env.http.put("/admin/realms/first", json={"realm": "taken"}, headers=await env.admin_headers())
    assert (clash.status_code, clash.json()) == (409, {"errorMessage": "Realm with same name exists"})
    assert await master_client(env, "first") is not None


async def test_a_realm_name_too_long_for_its_master_client_is_refused(env: Env) -> None:
    """The client's clientId, ``<realm>-realm``, is a VARCHAR(255) as in Keycloak: a longer one is bad input, not
    a database error."""
    headers = await env.admin_headers()
    long_name = "r" * 250
    made = await env.http.post("/admin/realms", json={"realm": long_name}, headers=headers)
    assert (made.status_code, made.json()) == (400, {"error": "invalid_request", "error_description": "Invalid input"})
    await new_realm(env, "short")
    renamed = await env.http.put("/admin/realms/short", json={"realm": long_name}, headers=headers)
    assert renamed.status_code == 400, renamed.text
    assert await master_client(env, "short") is not None


async def test_only_masters_admin_renames_a_master_client_into_or_out_of_a_realm_clients_name(env: Env) -> None:
    await new_realm(env, "demo")
    _, headers = await make_admin(env, "master", "clientmgr", "manage-clients")
    client = await master_client(env, "demo")
    assert client is not None
    url = f"{MASTER}/clients/{client['id']}"
    assert refused(await env.http.put(url, json={"clientId": "stolen"}, headers=headers))
    made = await env.http.post(f"{MASTER}/clients", json={"clientId": "app"}, headers=headers)
    assert made.status_code == 201, made.text
    app = made.headers["location"].rsplit("/", 1)[1]
    assert refused(await env.http.put(f"{MASTER}/clients/{app}", json={"clientId": "future-realm"}, headers=headers))
    assert (
        await env.http.put(f"{MASTER}/clients/{app}", json={"clientId": "app2"}, headers=headers)
    ).status_code == 204
    await as_admin(env, "PUT", f"{MASTER}/clients/{app}", {"clientId": "future-realm"}, status=204)
    assert await master_client(env, "demo") is not None


async def test_only_masters_admin_makes_or_deletes_a_client_of_a_realm_clients_name(env: Env) -> None:
    """A master manage-clients admin can neither delete ``demo-realm`` (every master user's access to demo goes with
    it) nor make ``future-realm``, by the Admin REST or by client registration (it would be adopted, with whatever
    roles its maker gave it, when realm ``future`` is made). Other names, and master's admin, are unaffected."""
    await new_realm(env, "demo")
    _, headers = await make_admin(env, "master", "clientmgr2", "manage-clients")
    client = await master_client(env, "demo")
    assert client is not None
    deleted = await env.http.delete(f"{MASTER}/clients/{client['id']}", headers=headers)
    assert deleted.status_code == 400, deleted.text  # an existing realm's client is internal (ClientManager)
    assert await master_client(env, "demo") is not None
    for name in ("future-realm", "x-realm"):
        assert refused(await env.http.post(f"{MASTER}/clients", json={"clientId": name}, headers=headers))
    registered = await env.http.post(
        "/realms/master/clients-registrations/default", json={"clientId": "future-realm"}, headers=headers
    )
    assert registered.status_code == 403, registered.text
    assert await master_client(env, "future") is None
    made = await env.http.post(f"{MASTER}/clients", json={"clientId": "realm-helper"}, headers=headers)
    assert made.status_code == 201, made.text
    await as_admin(env, "POST", f"{MASTER}/clients", {"clientId": "future-realm"}, status=201)


async def test_no_one_deletes_the_client_of_an_existing_realm(env: Env) -> None:
    """ClientTest.removeInternalClientExpectingBadRequestException: master's ``<realm>-realm`` client of an existing
    realm is internal (ClientManager.isInternalClient), so even master's admin gets 400 "Could not delete client",
    by the Admin REST and by client registration; a ``*-realm`` client naming no realm is deleted as any other."""
    await new_realm(env, "demo")
    client = await master_client(env, "demo")
    assert client is not None
    headers = await env.admin_headers()
    deleted = await env.http.delete(f"{MASTER}/clients/{client['id']}", headers=headers)
    assert deleted.status_code == 400, deleted.text
    assert deleted.json() == {"error": "invalid_request", "error_description": "Could not delete client"}
    assert await master_client(env, "demo") is not None
    await as_admin(env, "POST", f"{MASTER}/clients", {"clientId": "nowhere-realm"}, status=201)
    (orphan,) = await as_admin(env, "GET", f"{MASTER}/clients?clientId=nowhere-realm")
    await as_admin(env, "DELETE", f"{MASTER}/clients/{orphan['id']}", status=204)
