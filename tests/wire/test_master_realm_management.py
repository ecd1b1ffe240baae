"""Master's own admin client is ``master-realm``, as Keycloak makes it (RealmManager.setupMasterAdminManagement;
setupRealmAdminManagement skips master): master lists Keycloak's fresh clients and no ``realm-management``; a
master user given master-realm's manage-users manages master's users and nothing else, through the REST API, the
console's whoami and the console; a Keycloak export of master, and an older Doorkeep export naming
``realm-management``, import with ``master-realm`` and export back so."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from admin_support import FORBIDDEN_BODY, make_admin
from console_support import HTML, sign_in
from doorkeep.realms.exportimport import files
from doorkeep.realms.provisioning import MANAGEMENT_ROLES
from support import password_grant, update_client
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio

MASTER = "/admin/realms/master"
KEYCLOAK_FRESH_MASTER = {"account", "account-console", "admin-cli", "broker", "master-realm", "security-admin-console"}


async def as_admin(env: Env, method: str, path: str, body: Any = None) -> Any:
    response = await env.http.request(method, path, json=body, headers=await env.admin_headers())
    assert response.status_code < 300, response.text
    return response.json() if response.content else None


def claims(headers: dict[str, str]) -> dict[str, Any]:
    payload = headers["Authorization"].removeprefix("Bearer ").split(".")[1]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return decoded


async def test_masters_clients_are_keycloaks_fresh_master_with_a_client_per_realm(env: Env) -> None:
    await as_admin(env, "POST", "/admin/realms", {"realm": "shop", "enabled": True})
    others = {r["realm"] for r in await as_admin(env, "GET", "/admin/realms")} - {"master"}
    listed = await as_admin(env, "GET", f"{MASTER}/clients")
    assert {c["clientId"] for c in listed} == KEYCLOAK_FRESH_MASTER | {f"{name}-realm" for name in others}
    (own,) = [c for c in listed if c["clientId"] == "master-realm"]
    assert (own["name"], own["bearerOnly"], own["fullScopeAllowed"]) == ("master Realm", True, False)
    roles = await as_admin(env, "GET", f"{MASTER}/clients/{own['id']}/roles")
    assert {r["name"] for r in roles} == set(MANAGEMENT_ROLES)  # no realm-admin: master's admin holds them
    held = await as_admin(env, "GET", f"{MASTER}/roles/admin/composites/clients/{own['id']}")
    assert {r["name"] for r in held} == set(MANAGEMENT_ROLES)
    view_users = await as_admin(env, "GET", f"{MASTER}/clients/{own['id']}/roles/view-users/composites")
    assert {r["name"] for r in view_users} == {"query-users", "query-groups"}
    deleted = await env.http.delete(f"{MASTER}/clients/{own['id']}", headers=await env.admin_headers())
    assert deleted.status_code == 400, deleted.text  # internal, as realm-management is elsewhere
    renamed = await env.http.put(
        f"{MASTER}/clients/{own['id']}", json={"clientId": "renamed"}, headers=await env.admin_headers()
    )
    assert (renamed.status_code, renamed.json()) == (403, FORBIDDEN_BODY)


async def test_the_master_admins_token_names_master_realm_roles(env: Env) -> None:
    access = claims(await env.admin_headers())["resource_access"]
    assert "realm-management" not in access
    assert set(access["master-realm"]["roles"]) == set(MANAGEMENT_ROLES)


async def test_a_master_user_with_master_realm_manage_users_manages_master_users_and_not_clients(env: Env) -> None:
    await as_admin(env, "POST", "/admin/realms", {"realm": "demo", "enabled": True})
    _, headers = await make_admin(env, "master", "helpdesk", "manage-users")
    assert claims(headers)["resource_access"]["master-realm"]["roles"] == ["manage-users"]
    listed = await env.http.get(f"{MASTER}/users", headers=headers)
    assert listed.status_code == 200, listed.text
    made = await env.http.post(f"{MASTER}/users", json={"username": "newbie"}, headers=headers)
    assert made.status_code == 201, made.text
    for method, path in (("GET", f"{MASTER}/clients"), ("GET", "/admin/realms/demo/users")):
        refused = await env.http.request(method, path, headers=headers)
        assert (refused.status_code, refused.json()) == (403, FORBIDDEN_BODY), path
    made_client = await env.http.post(f"{MASTER}/clients", json={"clientId": "app"}, headers=headers)
    assert made_client.status_code == 403, made_client.text


async def test_whoami_and_the_console_show_a_master_realm_manage_users_holder_masters_users(env: Env) -> None:
    await make_admin(env, "master", "desk", "manage-users")
    await update_client(env.db, "master", "security-admin-console", direct_access_grants_enabled=True)
    granted = await password_grant(env.http, "master", "security-admin-console", "desk", secret=None)
    assert granted.status_code == 200, granted.text
    bearer = {"Authorization": f"Bearer {granted.json()['access_token']}"}
    who = await env.http.get("/admin/master/console/whoami?currentRealm=master", headers=bearer)
    assert who.status_code == 200, who.text
    assert who.json()["realm_access"] == {"master": ["manage-users"]}  # its roles held (addRealmAccess)
    async with client_at(env, "127.0.0.2") as http:
        start = await sign_in(http, "/admin/master/console/", "desk")
        assert start.status_code == 303, start.text
        users = await http.get("/admin/master/console/master/users", headers=HTML)
        assert users.status_code == 200 and "desk" in users.text, users.text[:300]


def keycloak_master_export() -> dict[str, Any]:
    """Master as Keycloak exports it: ``master-realm`` among its clients, master's admin holding its roles, a user
    granted one of them."""
    management: list[dict[str, Any]] = []
    for name, children in MANAGEMENT_ROLES.items():
        role: dict[str, Any] = {"name": name, "description": f"${{role_{name}}}"}
        if children:
            role |= {"composite": True, "composites": {"client": {"master-realm": list(children)}}}
        management.append(role)
    return {
        "realm": "master",
        "enabled": True,
        "roles": {
            "realm": [
                {"name": "create-realm"},
                {
                    "name": "admin",
                    "composite": True,
                    "composites": {"realm": ["create-realm"], "client": {"master-realm": list(MANAGEMENT_ROLES)}},
                },
            ],
            "client": {"master-realm": management},
        },
        "clients": [
            {"clientId": "master-realm", "name": "master Realm", "bearerOnly": True, "fullScopeAllowed": False},
            {"clientId": "admin-cli", "publicClient": True, "directAccessGrantsEnabled": True},
        ],
        "users": [
            {
                "username": "admin",
                "enabled": True,
                "realmRoles": ["admin"],
                "credentials": [{"type": "password", "value": "admin"}],
            },
            {
                "username": "helpdesk",
                "enabled": True,
                "clientRoles": {"master-realm": ["manage-users"]},
                "credentials": [{"type": "password", "value": "password"}],
            },
        ],
    }


async def imported_then_exported(env: Env, data: dict[str, Any]) -> dict[str, Any]:
    async with env.db.transaction() as tx:
        await files.import_realm(tx, data, env.clock.now(), skip_existing=False)
    env.forget_admin_token()
    return await files.export_realm(env.db, "master")


async def helpdesk_can_manage_master_users_only(env: Env) -> None:
    response = await password_grant(env.http, "master", "admin-cli", "helpdesk", secret=None)
    assert response.status_code == 200, response.text
    headers = {"Authorization": f"Bearer {response.json()['access_token']}"}
    assert (await env.http.get(f"{MASTER}/users", headers=headers)).status_code == 200
    assert (await env.http.get(f"{MASTER}/clients", headers=headers)).status_code == 403


async def test_a_keycloak_export_of_master_imports_and_exports_back_with_master_realm(env: Env) -> None:
    exported = await imported_then_exported(env, keycloak_master_export())
    client_ids = {c["clientId"] for c in exported["clients"]}
    assert "master-realm" in client_ids and "realm-management" not in client_ids
    assert {r["name"] for r in exported["roles"]["client"]["master-realm"]} == set(MANAGEMENT_ROLES)
    (admin,) = [r for r in exported["roles"]["realm"] if r["name"] == "admin"]
    assert set(admin["composites"]["client"]["master-realm"]) == set(MANAGEMENT_ROLES)
    (helpdesk,) = [u for u in exported["users"] if u["username"] == "helpdesk"]
    assert helpdesk["clientRoles"] == {"master-realm": ["manage-users"]}
    await helpdesk_can_manage_master_users_only(env)
    assert "master-realm" in claims(await env.admin_headers())["resource_access"]


async def test_an_older_doorkeep_export_of_master_naming_realm_management_imports_as_master_realm(env: Env) -> None:
    """Doorkeep gave master a realm-management client (with realm-admin) before; such a file is read in Keycloak's
    shape: the client, its roles and the grants naming it become master-realm's, and admin holds them."""
    old = keycloak_master_export()
    old["roles"]["realm"][1]["composites"] = {"realm": ["create-realm"]}
    management = old["roles"]["client"].pop("master-realm")
    realm_admin = {"name": "realm-admin", "composite": True}
    realm_admin["composites"] = {"client": {"realm-management": list(MANAGEMENT_ROLES)}}
    old["roles"]["client"]["realm-management"] = [
        {**r, "composites": {"client": {"realm-management": r["composites"]["client"]["master-realm"]}}}
        if "composites" in r
        else r
        for r in management
    ] + [realm_admin]
    old["clients"][0] = {"clientId": "realm-management", "name": "${client_realm-management}", "bearerOnly": True}
    old["users"][1]["clientRoles"] = {"realm-management": ["manage-users"]}
    exported = await imported_then_exported(env, old)
    client_ids = {c["clientId"] for c in exported["clients"]}
    assert "master-realm" in client_ids and "realm-management" not in client_ids
    (own,) = [c for c in exported["clients"] if c["clientId"] == "master-realm"]
    assert own["name"] == "master Realm"
    assert {r["name"] for r in exported["roles"]["client"]["master-realm"]} == {*MANAGEMENT_ROLES, "realm-admin"}
    (admin,) = [r for r in exported["roles"]["realm"] if r["name"] == "admin"]
    assert set(admin["composites"]["client"]["master-realm"]) == set(MANAGEMENT_ROLES)
    await helpdesk_can_manage_master_users_only(env)
