"""Renaming a role must not hand out an admin role either: what an admin role allows follows its name."""

from __future__ import annotations

import pytest

from admin_support import DEMO, MASTER, client_uuid, demo_realm, forbidden, make_admin, role_ref
from support import seed_client
from wire_env import Env

pytestmark = pytest.mark.anyio


async def test_manage_clients_cannot_rename_management_roles(env: Env) -> None:
    await demo_realm(env)
    _, headers = await make_admin(env, "demo", "clientmgr", "manage-clients")
    rm = await client_uuid(env, "demo", "realm-management")
    manage_users = await role_ref(env, "demo", "manage-users", "realm-management")
    forbidden(await env.http.put(f"{DEMO}/clients/{rm}/roles/manage-users", json={"name": "retired"}, headers=headers))
    forbidden(await env.http.put(f"{DEMO}/roles-by-id/{manage_users['id']}", json={"name": "retired"}, headers=headers))
    forbidden(
        await env.http.put(f"{DEMO}/clients/{rm}/roles/manage-clients", json={"name": "realm-admin2"}, headers=headers)
    )
    assert (await role_ref(env, "demo", "manage-users", "realm-management"))["id"] == manage_users["id"]
    kept = await env.http.put(
        f"{DEMO}/clients/{rm}/roles/manage-users",
        json={"name": "manage-users", "description": "Helpdesk"},
        headers=headers,
    )
    assert kept.status_code == 204
    app = await seed_client(env.db, "demo", "app")
    assert (
        await env.http.post(f"{DEMO}/clients/{app.id}/roles", json={"name": "ops"}, headers=headers)
    ).status_code == 201
    # an ordinary client's role may carry any name but an admin role's (keycloak#49427)
    forbidden(await env.http.put(f"{DEMO}/clients/{app.id}/roles/ops", json={"name": "manage-users"}, headers=headers))
    renamed = await env.http.put(f"{DEMO}/clients/{app.id}/roles/ops", json={"name": "operators"}, headers=headers)
    assert renamed.status_code == 204


async def test_master_manage_realm_cannot_rename_admin_roles_or_take_their_name(env: Env) -> None:
    _, headers = await make_admin(env, "master", "m-realmmgr", "manage-realm")
    assert (await env.http.post(f"{MASTER}/roles", json={"name": "boss"}, headers=headers)).status_code == 201
    for old, new in (
        ("admin", "retired"),
        ("create-realm", "retired"),
        ("boss", "admin"),
        ("boss", "create-realm"),
        ("boss", "manage-users"),
    ):
        forbidden(await env.http.put(f"{MASTER}/roles/{old}", json={"name": new}, headers=headers))
    assert (await env.http.put(f"{MASTER}/roles/boss", json={"name": "chief"}, headers=headers)).status_code == 204


async def test_a_realm_admin_may_rename_its_realm_s_management_roles(env: Env) -> None:
    await demo_realm(env)
    _, headers = await make_admin(env, "demo", "boss", "realm-admin")
    rm = await client_uuid(env, "demo", "realm-management")
    renamed = await env.http.put(f"{DEMO}/clients/{rm}/roles/impersonation", json={"name": "act-as"}, headers=headers)
    assert renamed.status_code == 204


async def test_admin_roles_are_deleted_only_by_realm_admin_or_the_master_admin(env: Env) -> None:
    await demo_realm(env)
    _, clientmgr = await make_admin(env, "demo", "clientmgr", "manage-clients")
    rm = await client_uuid(env, "demo", "realm-management")
    impersonation = await role_ref(env, "demo", "impersonation", "realm-management")
    forbidden(await env.http.delete(f"{DEMO}/clients/{rm}/roles/impersonation", headers=clientmgr))
    forbidden(await env.http.delete(f"{DEMO}/roles-by-id/{impersonation['id']}", headers=clientmgr))
    _, m_realmmgr = await make_admin(env, "master", "m-realmmgr", "manage-realm")
    for name in ("admin", "create-realm"):
        forbidden(await env.http.delete(f"{MASTER}/roles/{name}", headers=m_realmmgr))
    assert (await env.http.get(f"{MASTER}/users", headers=await env.admin_headers())).status_code == 200
    _, boss = await make_admin(env, "demo", "boss", "realm-admin")
    assert (await env.http.delete(f"{DEMO}/clients/{rm}/roles/impersonation", headers=boss)).status_code == 204
