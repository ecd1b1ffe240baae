"""What admins may still hand out under the admin-role rule (Keycloak's checkAdminRoles): what they
hold, what their manage roles imply, ordinary roles, and everything for the master admin."""

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


async def test_a_realm_admin_grants_realm_admin_and_manage_users(env: Env) -> None:
    await demo_realm(env)
    _, headers = await make_admin(env, "demo", "boss", "realm-admin")
    user = await seed_user(env.db, env.clock, "demo", "deputy")
    rm = await client_uuid(env, "demo", "realm-management")
    for name in ("realm-admin", "manage-users", "impersonation"):
        granted = await env.http.post(
            mappings_url("demo", user.id, rm),
            json=[await role_ref(env, "demo", name, "realm-management")],
            headers=headers,
        )
        assert granted.status_code == 204, name
    assert {"realm-admin", "manage-users", "impersonation"} <= await mapped(env, "demo", user.id)
    realm_admin = await role_ref(env, "demo", "realm-admin", "realm-management")
    revoked = await env.http.request("DELETE", mappings_url("demo", user.id, rm), json=[realm_admin], headers=headers)
    assert revoked.status_code == 204
    assert "realm-admin" not in await mapped(env, "demo", user.id)


async def test_a_realm_admin_may_nest_realm_admin_into_a_realm_role(env: Env) -> None:
    await demo_realm(env)
    _, headers = await make_admin(env, "demo", "boss", "realm-admin")
    assert (await env.http.post(f"{DEMO}/roles", json={"name": "ops"}, headers=headers)).status_code == 201
    realm_admin = await role_ref(env, "demo", "realm-admin", "realm-management")
    nested = await env.http.post(f"{DEMO}/roles/ops/composites", json=[realm_admin], headers=headers)
    assert nested.status_code == 204


async def test_manage_users_grants_ordinary_realm_and_client_roles(env: Env) -> None:
    await demo_realm(env)
    root = await env.admin_headers()
    assert (await env.http.post(f"{DEMO}/roles", json={"name": "editor"}, headers=root)).status_code == 201
    app = await seed_client(env.db, "demo", "app")
    assert (
        await env.http.post(f"{DEMO}/clients/{app.id}/roles", json={"name": "reader"}, headers=root)
    ).status_code == 201
    _, headers = await make_admin(env, "demo", "helpdesk", "manage-users")
    user = await seed_user(env.db, env.clock, "demo", "user1")
    for url, body in (
        (mappings_url("demo", user.id), [await role_ref(env, "demo", "editor")]),
        (mappings_url("demo", user.id), [await role_ref(env, "demo", "offline_access")]),
        (mappings_url("demo", user.id, app.id), [await role_ref(env, "demo", "reader", "app")]),
        (
            mappings_url("demo", user.id, await client_uuid(env, "demo", "account")),
            [await role_ref(env, "demo", "manage-account", "account")],
        ),
    ):
        assert (await env.http.post(url, json=body, headers=headers)).status_code == 204, body
    assert {"editor", "offline_access", "reader", "manage-account"} <= await mapped(env, "demo", user.id)
    assert (await env.http.delete(mappings_url("demo", user.id, app.id), headers=headers)).status_code == 204
    assert "reader" not in await mapped(env, "demo", user.id)


async def test_manage_users_grants_the_user_roles_and_the_query_roles(env: Env) -> None:
    await demo_realm(env)
    _, headers = await make_admin(env, "demo", "helpdesk", "manage-users")
    user = await seed_user(env.db, env.clock, "demo", "junior")
    rm = await client_uuid(env, "demo", "realm-management")
    names = ("manage-users", "view-users", "query-users", "query-groups", "query-clients", "query-realms")
    body = [await role_ref(env, "demo", name, "realm-management") for name in names]
    assert (await env.http.post(mappings_url("demo", user.id, rm), json=body, headers=headers)).status_code == 204
    assert set(names) <= await mapped(env, "demo", user.id)
    junior = await login(env, "demo", "junior")
    assert (await env.http.post(f"{DEMO}/users", json={"username": "new"}, headers=junior)).status_code == 201


async def test_view_clients_is_granted_only_by_an_admin_who_holds_or_manages_it(env: Env) -> None:
    await demo_realm(env)
    user = await seed_user(env.db, env.clock, "demo", "user1")
    rm = await client_uuid(env, "demo", "realm-management")
    view_clients = await role_ref(env, "demo", "view-clients", "realm-management")
    _, plain = await make_admin(env, "demo", "helpdesk", "manage-users")
    forbidden(await env.http.post(mappings_url("demo", user.id, rm), json=[view_clients], headers=plain))
    for username, extra in (("viewer", "view-clients"), ("manager", "manage-clients")):
        _, headers = await make_admin(env, "demo", username, "manage-users", extra)
        granted = await env.http.post(mappings_url("demo", user.id, rm), json=[view_clients], headers=headers)
        assert granted.status_code == 204, username
        await env.http.delete(mappings_url("demo", user.id, rm), headers=headers)


async def test_available_roles_list_only_what_the_caller_may_map(env: Env) -> None:
    await demo_realm(env)
    user = await seed_user(env.db, env.clock, "demo", "user1")
    rm = await client_uuid(env, "demo", "realm-management")
    url = mappings_url("demo", user.id, rm) + "/available"
    _, helpdesk = await make_admin(env, "demo", "helpdesk", "manage-users")
    names = {r["name"] for r in (await env.http.get(url, headers=helpdesk)).json()}
    # Keycloak 26.7's RolePermissions.checkAdminRoles lets anyone who may map roles hand out query-organizations too
    queries = {"query-users", "query-groups", "query-clients", "query-realms", "query-organizations"}
    assert names == {"manage-users", "view-users", *queries}
    _, viewer = await make_admin(env, "demo", "viewer", "view-users")
    assert (await env.http.get(url, headers=viewer)).json() == []
    everything = {r["name"] for r in (await env.http.get(url, headers=await env.admin_headers())).json()}
    assert "realm-admin" in everything and "impersonation" in everything


async def test_manage_clients_nests_ordinary_and_client_viewing_roles_into_its_clients_roles(env: Env) -> None:
    await demo_realm(env)
    _, headers = await make_admin(env, "demo", "clientmgr", "manage-clients")
    app = await seed_client(env.db, "demo", "app")
    assert (
        await env.http.post(f"{DEMO}/clients/{app.id}/roles", json={"name": "ops"}, headers=headers)
    ).status_code == 201
    children = [
        await role_ref(env, "demo", "view-profile", "account"),
        await role_ref(env, "demo", "view-clients", "realm-management"),
        await role_ref(env, "demo", "query-clients", "realm-management"),
    ]
    nested = await env.http.post(f"{DEMO}/clients/{app.id}/roles/ops/composites", json=children, headers=headers)
    assert nested.status_code == 204
    listed = await env.http.get(f"{DEMO}/clients/{app.id}/roles/ops/composites", headers=headers)
    assert {r["name"] for r in listed.json()} == {"view-profile", "view-clients", "query-clients"}


async def test_the_master_admin_grants_and_nests_anything(env: Env) -> None:
    await demo_realm(env)
    root = await env.admin_headers()
    user = await seed_user(env.db, env.clock, "demo", "deputy")
    rm = await client_uuid(env, "demo", "realm-management")
    realm_admin = await role_ref(env, "demo", "realm-admin", "realm-management")
    assert (await env.http.post(mappings_url("demo", user.id, rm), json=[realm_admin], headers=root)).status_code == 204
    nested = await env.http.post(f"{DEMO}/roles/default-roles-demo/composites", json=[realm_admin], headers=root)
    assert nested.status_code == 204
    second = await seed_user(env.db, env.clock, "master", "second-root")
    admin_role = await role_ref(env, "master", "admin")
    assert (await env.http.post(mappings_url("master", second.id), json=[admin_role], headers=root)).status_code == 204
    assert "admin" in await mapped(env, "master", second.id)
    new_root = await login(env, "master", "second-root")
    assert (await env.http.get(f"{MASTER}/users", headers=new_root)).status_code == 200


async def test_a_master_admin_holding_create_realm_may_grant_it_but_not_admin(env: Env) -> None:
    _, headers = await make_admin(env, "master", "creator", "manage-users", realm_roles=("create-realm",))
    user = await seed_user(env.db, env.clock, "master", "someone")
    create_realm = await role_ref(env, "master", "create-realm")
    assert (
        await env.http.post(mappings_url("master", user.id), json=[create_realm], headers=headers)
    ).status_code == 204
    forbidden(
        await env.http.post(
            mappings_url("master", user.id), json=[await role_ref(env, "master", "admin")], headers=headers
        )
    )
