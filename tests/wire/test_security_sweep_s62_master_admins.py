"""Security sweep s62: privilege escalation through master's own admin client ``master-realm`` (session 61) and
master's per-realm clients (session 60), as RolePermissions.checkAdminRoles and RealmManager decide them.

Attacks: a master admin holding only master-realm's manage-users hands themself each other master-realm role, the
master ``admin`` and ``create-realm`` roles and another realm's ``<realm>-realm`` roles (only view-users and the
query roles pass, as Keycloak's AdminRoles allow a manage-users holder); a manage-realm holder nests ``admin`` into
master's default roles; a ``create-realm`` holder creates a realm under the name a renamed or deleted realm left
behind, hoping its master client (and who holds its roles) comes back with it: a renamed realm's client follows
the new name, a deleted realm's goes, and the creator administers only the realm it made."""

from __future__ import annotations

import pytest

from admin_support import MASTER, client_uuid, forbidden, make_admin, mappings_url, role_ref
from wire_env import Env

pytestmark = pytest.mark.anyio


async def _master_clients(env: Env) -> set[str]:
    listed = await env.http.get(f"{MASTER}/clients", headers=await env.admin_headers())
    assert listed.status_code == 200, listed.text
    return {c["clientId"] for c in listed.json()}


async def _new_realm(env: Env, name: str, headers: dict[str, str]) -> None:
    made = await env.http.post("/admin/realms", json={"realm": name, "enabled": True}, headers=headers)
    assert made.status_code == 201, made.text


async def test_master_realm_manage_users_hands_out_only_what_it_allows(env: Env) -> None:
    await _new_realm(env, "s62demo", await env.admin_headers())
    me, headers = await make_admin(env, "master", "s62-usermgr", "manage-users")
    own = await client_uuid(env, "master", "master-realm")
    for name, status in [("view-users", 204), ("query-users", 204), ("query-clients", 204), ("manage-clients", 403),
                         ("manage-realm", 403), ("impersonation", 403), ("view-realm", 403), ("create-client", 403),
                         ("manage-events", 403)]:  # fmt: skip
        role = await role_ref(env, "master", name, "master-realm")
        answer = await env.http.post(mappings_url("master", me, own), json=[role], headers=headers)
        assert answer.status_code == status, (name, answer.text)
    for name in ("admin", "create-realm"):
        role = await role_ref(env, "master", name)
        forbidden(await env.http.post(mappings_url("master", me), json=[role], headers=headers))
    other = await client_uuid(env, "master", "s62demo-realm")
    role = await role_ref(env, "master", "manage-users", "s62demo-realm")
    forbidden(await env.http.post(mappings_url("master", me, other), json=[role], headers=headers))
    forbidden(await env.http.get("/admin/realms/s62demo/users", headers=headers))


async def test_master_realm_manage_realm_cannot_nest_admin_into_default_roles(env: Env) -> None:
    _, headers = await make_admin(env, "master", "s62-realmmgr", "manage-realm")
    admin = await role_ref(env, "master", "admin")
    composite = f"{MASTER}/roles/default-roles-master/composites"
    forbidden(await env.http.post(composite, json=[admin], headers=headers))
    nested = await env.http.get(composite, headers=await env.admin_headers())
    assert "admin" not in {r["name"] for r in nested.json()}


async def test_a_realm_creator_never_inherits_a_renamed_or_deleted_realms_master_client(env: Env) -> None:
    master = await env.admin_headers()
    for name in ("s62old", "s62gone"):
        await _new_realm(env, name, master)
    renamed = await env.http.put("/admin/realms/s62old", json={"realm": "s62new"}, headers=master)
    assert renamed.status_code == 204, renamed.text
    gone = await env.http.delete("/admin/realms/s62gone", headers=master)
    assert gone.status_code == 204, gone.text
    clients = await _master_clients(env)
    assert "s62new-realm" in clients and not {"s62old-realm", "s62gone-realm"} & clients
    _, headers = await make_admin(env, "master", "s62-creator", realm_roles=("create-realm",))
    for name in ("s62old", "s62gone"):
        await _new_realm(env, name, headers)
    assert {"s62old-realm", "s62gone-realm", "s62new-realm"} <= await _master_clients(env)
    for name in ("s62old", "s62gone"):  # the creator administers what it made
        mine = await env.http.get(f"/admin/realms/{name}/users", headers=headers)
        assert mine.status_code == 200, mine.text
    forbidden(await env.http.get("/admin/realms/s62new/users", headers=headers))  # and not the renamed realm
    forbidden(await env.http.get("/admin/realms/s62new/clients", headers=headers))
