"""Admin roles can only be handed out by admins who hold them (security review H2; Keycloak's
RolePermissions.checkAdminRoles behind requireMapRole and requireMapComposite)."""

from __future__ import annotations

import httpx
import pytest

from support import password_grant, seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

FORBIDDEN = {"error": "HTTP 403 Forbidden"}
DEMO = "/admin/realms/demo"
MASTER = "/admin/realms/master"


async def _role(env: Env, realm: str, name: str, client_id: str | None = None) -> dict[str, str]:
    """``{"id", "name"}`` of a realm role, or of a role of the client with this clientId."""
    async with env.db.transaction() as tx:
        found = await tx.realms.get_by_name(realm)
        assert found is not None
        if client_id is None:
            role = await tx.roles.get_realm_role(found.id, name)
        else:
            client = await tx.clients.get_by_client_id(found.id, client_id)
            assert client is not None
            role = await tx.roles.get_client_role(client.id, name)
        assert role is not None, name
        return {"id": role.id, "name": role.name}


async def _client_uuid(env: Env, realm: str, client_id: str) -> str:
    async with env.db.transaction() as tx:
        found = await tx.realms.get_by_name(realm)
        assert found is not None
        client = await tx.clients.get_by_client_id(found.id, client_id)
        assert client is not None
        return client.id


async def _admin(env: Env, realm: str, username: str, *management: str,
                 realm_roles: tuple[str, ...] = (), default_roles: bool = True) -> tuple[str, dict[str, str]]:
    """A user of ``realm`` holding these realm-management roles (and realm roles): their id and bearer header."""
    user = await seed_user(env.db, env.clock, realm, username, realm_roles=realm_roles, default_roles=default_roles)
    async with env.db.transaction() as tx:
        found = await tx.realms.get_by_name(realm)
        assert found is not None
        management_client = await tx.clients.get_by_client_id(found.id, "realm-management")
        assert management_client is not None
        for name in management:
            role = await tx.roles.get_client_role(management_client.id, name)
            assert role is not None, name
            await tx.users.grant_roles(user.id, [role.id])
    return user.id, await _login(env, realm, username)


async def _login(env: Env, realm: str, username: str) -> dict[str, str]:
    response = await password_grant(env.http, realm, "admin-cli", username, secret=None)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def _mapped(env: Env, realm: str, user_id: str) -> set[str]:
    """Names of the user's direct role mappings, realm and client roles alike, read as the master admin."""
    body = (await env.http.get(f"/admin/realms/{realm}/users/{user_id}/role-mappings",
                               headers=await env.admin_headers())).json()
    names = {r["name"] for r in body.get("realmMappings", [])}
    for client in body.get("clientMappings", {}).values():
        names |= {r["name"] for r in client["mappings"]}
    return names


def _forbidden(response: httpx.Response) -> None:
    assert response.status_code == 403, response.text
    assert response.json() == FORBIDDEN


async def _demo(env: Env) -> None:
    await seed_realm(env.db, env.clock, "demo")


def _mappings(realm: str, user_id: str, client_uuid: str | None = None) -> str:
    base = f"/admin/realms/{realm}/users/{user_id}/role-mappings"
    return f"{base}/clients/{client_uuid}" if client_uuid else f"{base}/realm"


# --- the review's four reproductions ---------------------------------------------------------------
async def test_manage_users_cannot_grant_itself_realm_admin(env: Env) -> None:
    await _demo(env)
    me, headers = await _admin(env, "demo", "helpdesk", "manage-users")
    rm = await _client_uuid(env, "demo", "realm-management")
    realm_admin = await _role(env, "demo", "realm-admin", "realm-management")
    for body in ([realm_admin], [{"name": "realm-admin"}]):
        _forbidden(await env.http.post(_mappings("demo", me, rm), json=body, headers=headers))
    assert "realm-admin" not in await _mapped(env, "demo", me)
    headers = await _login(env, "demo", "helpdesk")
    _forbidden(await env.http.get(f"{DEMO}/clients", headers=headers))


async def test_master_manage_users_cannot_grant_admin_or_create_realm(env: Env) -> None:
    me, headers = await _admin(env, "master", "m-helpdesk", "manage-users")
    for name in ("admin", "create-realm"):
        _forbidden(await env.http.post(_mappings("master", me), json=[await _role(env, "master", name)],
                                       headers=headers))
    assert await _mapped(env, "master", me) == {"default-roles-master", "manage-users"}
    headers = await _login(env, "master", "m-helpdesk")
    _forbidden(await env.http.post("/admin/realms", json={"realm": "mine"}, headers=headers))


async def test_manage_realm_cannot_nest_realm_admin_into_the_default_roles(env: Env) -> None:
    await _demo(env)
    _, headers = await _admin(env, "demo", "realmmgr", "manage-realm")
    await seed_user(env.db, env.clock, "demo", "user1")
    realm_admin = await _role(env, "demo", "realm-admin", "realm-management")
    default = await _role(env, "demo", "default-roles-demo")
    for url in (f"{DEMO}/roles/default-roles-demo/composites", f"{DEMO}/roles-by-id/{default['id']}/composites"):
        _forbidden(await env.http.post(url, json=[realm_admin], headers=headers))
    composites = await env.http.get(f"{DEMO}/roles/default-roles-demo/composites", headers=headers)
    assert "realm-admin" not in {r["name"] for r in composites.json()}
    _forbidden(await env.http.get(f"{DEMO}/users", headers=await _login(env, "demo", "user1")))


async def test_manage_clients_cannot_nest_realm_admin_into_a_client_role(env: Env) -> None:
    await _demo(env)
    _, headers = await _admin(env, "demo", "clientmgr", "manage-clients")
    realm_admin = await _role(env, "demo", "realm-admin", "realm-management")
    account = await _client_uuid(env, "demo", "account")
    manage_account = await _role(env, "demo", "manage-account", "account")
    for url in (f"{DEMO}/clients/{account}/roles/manage-account/composites",
                f"{DEMO}/roles-by-id/{manage_account['id']}/composites"):
        _forbidden(await env.http.post(url, json=[realm_admin], headers=headers))
    # nor any other management role it does not hold, nor into a role of a client it created
    app = await seed_client(env.db, "demo", "app")
    created = await env.http.post(f"{DEMO}/clients/{app.id}/roles", json={"name": "ops"}, headers=headers)
    assert created.status_code == 201
    for name in ("manage-users", "manage-realm", "impersonation", "realm-admin"):
        child = await _role(env, "demo", name, "realm-management")
        _forbidden(await env.http.post(f"{DEMO}/clients/{app.id}/roles/ops/composites", json=[child],
                                       headers=headers))
    listed = await env.http.get(f"{DEMO}/clients/{app.id}/roles/ops/composites", headers=headers)
    assert listed.json() == []


# --- the same class, other spellings ---------------------------------------------------------------
async def test_a_custom_composite_wrapping_realm_admin_is_refused_too(env: Env) -> None:
    await _demo(env)
    root = await env.admin_headers()
    assert (await env.http.post(f"{DEMO}/roles", json={"name": "wrapper"}, headers=root)).status_code == 201
    assert (await env.http.post(f"{DEMO}/roles", json={"name": "outer"}, headers=root)).status_code == 201
    realm_admin = await _role(env, "demo", "realm-admin", "realm-management")
    wrapper, outer = await _role(env, "demo", "wrapper"), await _role(env, "demo", "outer")
    assert (await env.http.post(f"{DEMO}/roles/wrapper/composites", json=[realm_admin], headers=root)).status_code == 204
    assert (await env.http.post(f"{DEMO}/roles/outer/composites", json=[wrapper], headers=root)).status_code == 204
    me, helpdesk = await _admin(env, "demo", "helpdesk", "manage-users")
    for role in (wrapper, outer):
        _forbidden(await env.http.post(_mappings("demo", me), json=[role], headers=helpdesk))
    _, realmmgr = await _admin(env, "demo", "realmmgr", "manage-realm")
    _forbidden(await env.http.post(f"{DEMO}/roles/default-roles-demo/composites", json=[outer], headers=realmmgr))
    assert await _mapped(env, "demo", me) == {"default-roles-demo", "manage-users"}


async def test_nothing_is_granted_when_one_role_of_the_list_is_refused(env: Env) -> None:
    await _demo(env)
    me, headers = await _admin(env, "demo", "helpdesk", "manage-users")
    rm = await _client_uuid(env, "demo", "realm-management")
    view_users = await _role(env, "demo", "view-users", "realm-management")
    realm_admin = await _role(env, "demo", "realm-admin", "realm-management")
    _forbidden(await env.http.post(_mappings("demo", me, rm), json=[view_users, realm_admin], headers=headers))
    # a refused role comes before an unknown one: 403, as Keycloak checks each role in turn
    _forbidden(await env.http.post(_mappings("demo", me, rm), json=[realm_admin, {"name": "ghost"}],
                                   headers=headers))
    assert await _mapped(env, "demo", me) == {"default-roles-demo", "manage-users"}


async def test_a_default_role_holding_an_admin_role_cannot_be_granted_by_manage_users(env: Env) -> None:
    await _demo(env)
    root = await env.admin_headers()
    view_clients = await _role(env, "demo", "view-clients", "realm-management")
    nested = await env.http.post(f"{DEMO}/roles/default-roles-demo/composites", json=[view_clients], headers=root)
    assert nested.status_code == 204
    # (everyone holding the default roles now holds view-clients too, so this admin does not)
    _, headers = await _admin(env, "demo", "helpdesk", "manage-users", default_roles=False)
    victim = await seed_user(env.db, env.clock, "demo", "fresh", default_roles=False)
    default = await _role(env, "demo", "default-roles-demo")
    _forbidden(await env.http.post(_mappings("demo", victim.id), json=[default], headers=headers))


async def test_revoking_an_admin_role_needs_the_same_right_as_granting_it(env: Env) -> None:
    await _demo(env)
    boss, _ = await _admin(env, "demo", "boss", "realm-admin")
    _, headers = await _admin(env, "demo", "helpdesk", "manage-users")
    rm = await _client_uuid(env, "demo", "realm-management")
    realm_admin = await _role(env, "demo", "realm-admin", "realm-management")
    _forbidden(await env.http.request("DELETE", _mappings("demo", boss, rm), json=[realm_admin], headers=headers))
    _forbidden(await env.http.delete(_mappings("demo", boss, rm), headers=headers))  # no body: every mapping
    assert "realm-admin" in await _mapped(env, "demo", boss)


async def test_revoking_every_master_realm_mapping_of_an_admin_is_refused_to_manage_users(env: Env) -> None:
    _, headers = await _admin(env, "master", "m-helpdesk", "manage-users")
    async with env.db.transaction() as tx:
        master = await tx.realms.get_by_name("master")
        assert master is not None
        root = await tx.users.get_by_username(master.id, "admin")
        assert root is not None
    _forbidden(await env.http.delete(_mappings("master", root.id), headers=headers))
    _forbidden(await env.http.request("DELETE", _mappings("master", root.id),
                                      json=[await _role(env, "master", "admin")], headers=headers))
    assert "admin" in await _mapped(env, "master", root.id)


async def test_a_service_account_gets_no_admin_role_from_manage_users(env: Env) -> None:
    await _demo(env)
    app = await seed_client(env.db, "demo", "robot", service_accounts=True)
    _, headers = await _admin(env, "demo", "helpdesk", "manage-users", "view-clients")
    account = (await env.http.get(f"{DEMO}/clients/{app.id}/service-account-user", headers=headers)).json()
    rm = await _client_uuid(env, "demo", "realm-management")
    for name in ("realm-admin", "manage-clients", "manage-realm"):
        role = await _role(env, "demo", name, "realm-management")
        _forbidden(await env.http.post(_mappings("demo", account["id"], rm), json=[role], headers=headers))
    assert await _mapped(env, "demo", account["id"]) == {"default-roles-demo"}


async def test_manage_realm_cannot_nest_admin_into_master_default_roles(env: Env) -> None:
    _, headers = await _admin(env, "master", "m-realmmgr", "manage-realm")
    for name in ("admin", "create-realm"):
        role = await _role(env, "master", name)
        _forbidden(await env.http.post(f"{MASTER}/roles/default-roles-master/composites", json=[role],
                                       headers=headers))


async def test_manage_realm_cannot_nest_a_client_role_without_manage_clients(env: Env) -> None:
    await _demo(env)
    _, headers = await _admin(env, "demo", "realmmgr", "manage-realm")
    assert (await env.http.post(f"{DEMO}/roles", json={"name": "staff"}, headers=headers)).status_code == 201
    view_profile = await _role(env, "demo", "view-profile", "account")
    _forbidden(await env.http.post(f"{DEMO}/roles/staff/composites", json=[view_profile], headers=headers))
    offline = await _role(env, "demo", "offline_access")
    ok = await env.http.post(f"{DEMO}/roles/staff/composites", json=[offline], headers=headers)
    assert ok.status_code == 204
