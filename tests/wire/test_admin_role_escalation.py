"""Admin roles can only be handed out by admins who hold them (security review H2; Keycloak's
RolePermissions.checkAdminRoles behind requireMapRole and requireMapComposite)."""

from __future__ import annotations

import pytest

from admin_support import (
    DEMO,
    MASTER,
    client_uuid,
    demo_realm,
    forbidden,
    login,
    make_admin,
    mapped,
    mappings_url,
    role_ref,
)
from support import seed_client, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio


# --- the review's four reproductions ---------------------------------------------------------------
async def test_manage_users_cannot_grant_itself_realm_admin(env: Env) -> None:
    await demo_realm(env)
    me, headers = await make_admin(env, "demo", "helpdesk", "manage-users")
    rm = await client_uuid(env, "demo", "realm-management")
    realm_admin = await role_ref(env, "demo", "realm-admin", "realm-management")
    forbidden(await env.http.post(mappings_url("demo", me, rm), json=[realm_admin], headers=headers))
    # A name alone names no role (RoleMapperResource: 404 before the permission check); nothing is granted either.
    unnamed = await env.http.post(mappings_url("demo", me, rm), json=[{"name": "realm-admin"}], headers=headers)
    assert unnamed.status_code == 404, unnamed.text
    assert "realm-admin" not in await mapped(env, "demo", me)
    headers = await login(env, "demo", "helpdesk")
    forbidden(await env.http.get(f"{DEMO}/clients", headers=headers))


async def test_master_manage_users_cannot_grant_admin_or_create_realm(env: Env) -> None:
    me, headers = await make_admin(env, "master", "m-helpdesk", "manage-users")
    for name in ("admin", "create-realm"):
        forbidden(
            await env.http.post(mappings_url("master", me), json=[await role_ref(env, "master", name)], headers=headers)
        )
        unnamed = await env.http.post(mappings_url("master", me), json=[{"name": name}], headers=headers)
        assert unnamed.status_code == 404, unnamed.text  # a name alone names no role
    assert await mapped(env, "master", me) == {"default-roles-master", "manage-users"}
    headers = await login(env, "master", "m-helpdesk")
    forbidden(await env.http.post("/admin/realms", json={"realm": "mine"}, headers=headers))


async def test_manage_realm_cannot_nest_realm_admin_into_the_default_roles(env: Env) -> None:
    await demo_realm(env)
    _, headers = await make_admin(env, "demo", "realmmgr", "manage-realm")
    await seed_user(env.db, env.clock, "demo", "user1")
    realm_admin = await role_ref(env, "demo", "realm-admin", "realm-management")
    default = await role_ref(env, "demo", "default-roles-demo")
    for url in (f"{DEMO}/roles/default-roles-demo/composites", f"{DEMO}/roles-by-id/{default['id']}/composites"):
        forbidden(await env.http.post(url, json=[realm_admin], headers=headers))
    composites = await env.http.get(f"{DEMO}/roles/default-roles-demo/composites", headers=headers)
    assert "realm-admin" not in {r["name"] for r in composites.json()}
    forbidden(await env.http.get(f"{DEMO}/users", headers=await login(env, "demo", "user1")))


async def test_manage_clients_cannot_nest_realm_admin_into_a_client_role(env: Env) -> None:
    await demo_realm(env)
    _, headers = await make_admin(env, "demo", "clientmgr", "manage-clients")
    realm_admin = await role_ref(env, "demo", "realm-admin", "realm-management")
    account = await client_uuid(env, "demo", "account")
    manage_account = await role_ref(env, "demo", "manage-account", "account")
    for url in (
        f"{DEMO}/clients/{account}/roles/manage-account/composites",
        f"{DEMO}/roles-by-id/{manage_account['id']}/composites",
    ):
        forbidden(await env.http.post(url, json=[realm_admin], headers=headers))
    # nor any other management role it does not hold, nor into a role of a client it created
    app = await seed_client(env.db, "demo", "app")
    created = await env.http.post(f"{DEMO}/clients/{app.id}/roles", json={"name": "ops"}, headers=headers)
    assert created.status_code == 201
    for name in ("manage-users", "manage-realm", "impersonation", "realm-admin"):
        child = await role_ref(env, "demo", name, "realm-management")
        forbidden(await env.http.post(f"{DEMO}/clients/{app.id}/roles/ops/composites", json=[child], headers=headers))
    listed = await env.http.get(f"{DEMO}/clients/{app.id}/roles/ops/composites", headers=headers)
    assert listed.json() == []


# --- the same class, other spellings ---------------------------------------------------------------
async def test_a_custom_composite_wrapping_realm_admin_is_refused_too(env: Env) -> None:
    await demo_realm(env)
    root = await env.admin_headers()
    assert (await env.http.post(f"{DEMO}/roles", json={"name": "wrapper"}, headers=root)).status_code == 201
    assert (await env.http.post(f"{DEMO}/roles", json={"name": "outer"}, headers=root)).status_code == 201
    realm_admin = await role_ref(env, "demo", "realm-admin", "realm-management")
    wrapper, outer = await role_ref(env, "demo", "wrapper"), await role_ref(env, "demo", "outer")
    assert (
        await env.http.post(f"{DEMO}/roles/wrapper/composites", json=[realm_admin], headers=root)
    ).status_code == 204
    assert (await env.http.post(f"{DEMO}/roles/outer/composites", json=[wrapper], headers=root)).status_code == 204
    me, helpdesk = await make_admin(env, "demo", "helpdesk", "manage-users")
    for role in (wrapper, outer):
        forbidden(await env.http.post(mappings_url("demo", me), json=[role], headers=helpdesk))
    _, realmmgr = await make_admin(env, "demo", "realmmgr", "manage-realm")
    forbidden(await env.http.post(f"{DEMO}/roles/default-roles-demo/composites", json=[outer], headers=realmmgr))
    assert await mapped(env, "demo", me) == {"default-roles-demo", "manage-users"}


async def test_nothing_is_granted_when_one_role_of_the_list_is_refused(env: Env) -> None:
    await demo_realm(env)
    me, headers = await make_admin(env, "demo", "helpdesk", "manage-users")
    rm = await client_uuid(env, "demo", "realm-management")
    view_users = await role_ref(env, "demo", "view-users", "realm-management")
    realm_admin = await role_ref(env, "demo", "realm-admin", "realm-management")
    forbidden(await env.http.post(mappings_url("demo", me, rm), json=[view_users, realm_admin], headers=headers))
    # a refused role comes before an unknown one: 403, as Keycloak checks each role in turn
    forbidden(await env.http.post(mappings_url("demo", me, rm), json=[realm_admin, {"name": "ghost"}], headers=headers))
    assert await mapped(env, "demo", me) == {"default-roles-demo", "manage-users"}


async def test_a_default_role_holding_an_admin_role_cannot_be_granted_by_manage_users(env: Env) -> None:
    await demo_realm(env)
    root = await env.admin_headers()
    view_clients = await role_ref(env, "demo", "view-clients", "realm-management")
    nested = await env.http.post(f"{DEMO}/roles/default-roles-demo/composites", json=[view_clients], headers=root)
    assert nested.status_code == 204
    # (everyone holding the default roles now holds view-clients too, so this admin does not)
    _, headers = await make_admin(env, "demo", "helpdesk", "manage-users", default_roles=False)
    victim = await seed_user(env.db, env.clock, "demo", "fresh", default_roles=False)
    default = await role_ref(env, "demo", "default-roles-demo")
    forbidden(await env.http.post(mappings_url("demo", victim.id), json=[default], headers=headers))


async def test_revoking_an_admin_role_needs_the_same_right_as_granting_it(env: Env) -> None:
    await demo_realm(env)
    boss, _ = await make_admin(env, "demo", "boss", "realm-admin")
    _, headers = await make_admin(env, "demo", "helpdesk", "manage-users")
    rm = await client_uuid(env, "demo", "realm-management")
    realm_admin = await role_ref(env, "demo", "realm-admin", "realm-management")
    forbidden(await env.http.request("DELETE", mappings_url("demo", boss, rm), json=[realm_admin], headers=headers))
    forbidden(await env.http.delete(mappings_url("demo", boss, rm), headers=headers))  # no body: every mapping
    assert "realm-admin" in await mapped(env, "demo", boss)


async def test_revoking_every_master_realm_mapping_of_an_admin_is_refused_to_manage_users(env: Env) -> None:
    _, headers = await make_admin(env, "master", "m-helpdesk", "manage-users")
    async with env.db.transaction() as tx:
        master = await tx.realms.get_by_name("master")
        assert master is not None
        root = await tx.users.get_by_username(master.id, "admin")
        assert root is not None
    forbidden(await env.http.delete(mappings_url("master", root.id), headers=headers))
    forbidden(
        await env.http.request(
            "DELETE", mappings_url("master", root.id), json=[await role_ref(env, "master", "admin")], headers=headers
        )
    )
    assert "admin" in await mapped(env, "master", root.id)


async def test_a_service_account_gets_no_admin_role_from_manage_users(env: Env) -> None:
    await demo_realm(env)
    app = await seed_client(env.db, "demo", "robot", service_accounts=True)
    _, headers = await make_admin(env, "demo", "helpdesk", "manage-users", "view-clients")
    account = (await env.http.get(f"{DEMO}/clients/{app.id}/service-account-user", headers=headers)).json()
    rm = await client_uuid(env, "demo", "realm-management")
    for name in ("realm-admin", "manage-clients", "manage-realm"):
        role = await role_ref(env, "demo", name, "realm-management")
        forbidden(await env.http.post(mappings_url("demo", account["id"], rm), json=[role], headers=headers))
    assert await mapped(env, "demo", account["id"]) == {"default-roles-demo"}


async def test_manage_realm_cannot_nest_admin_into_master_default_roles(env: Env) -> None:
    _, headers = await make_admin(env, "master", "m-realmmgr", "manage-realm")
    for name in ("admin", "create-realm"):
        url = f"{MASTER}/roles/default-roles-master/composites"
        forbidden(await env.http.post(url, json=[await role_ref(env, "master", name)], headers=headers))
        unnamed = await env.http.post(url, json=[{"name": name}], headers=headers)
        assert unnamed.status_code == 404, unnamed.text  # RoleResource.addComposites: no id, no composite


async def test_manage_realm_cannot_nest_a_client_role_without_manage_clients(env: Env) -> None:
    await demo_realm(env)
    _, headers = await make_admin(env, "demo", "realmmgr", "manage-realm")
    assert (await env.http.post(f"{DEMO}/roles", json={"name": "staff"}, headers=headers)).status_code == 201
    view_profile = await role_ref(env, "demo", "view-profile", "account")
    forbidden(await env.http.post(f"{DEMO}/roles/staff/composites", json=[view_profile], headers=headers))
    offline = await role_ref(env, "demo", "offline_access")
    ok = await env.http.post(f"{DEMO}/roles/staff/composites", json=[offline], headers=headers)
    assert ok.status_code == 204
