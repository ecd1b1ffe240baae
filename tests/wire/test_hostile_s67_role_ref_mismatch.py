"""A role mapping names its role by name *and* id, which must agree (RoleMapperResource, ClientRoleMappingsResource:
``roleModel == null || !roleModel.getId().equals(role.getId())``). The attack on that rule: a delegated admin pairs
the name of a role it may hand out with the id of one it may not, or the reverse, hoping one half is checked and the
other granted. Every mix is 404 "Role not found" and grants nothing, for a user's and a group's mappings."""

from __future__ import annotations

import pytest

from admin_support import DEMO, client_uuid, demo_realm, make_admin, mapped, mappings_url, role_ref
from wire_env import Env

pytestmark = pytest.mark.anyio

NOT_FOUND = {"error": "Role not found"}


async def test_a_name_it_may_grant_with_the_id_of_realm_admin_grants_nothing(env: Env) -> None:
    await demo_realm(env)
    me, headers = await make_admin(env, "demo", "helpdesk", "manage-users", "view-users")
    rm = await client_uuid(env, "demo", "realm-management")
    realm_admin = await role_ref(env, "demo", "realm-admin", "realm-management")
    held = await role_ref(env, "demo", "view-users", "realm-management")  # held, so the caller may map it
    offline = await role_ref(env, "demo", "offline_access")
    mixes = [
        (mappings_url("demo", me, rm), {"id": realm_admin["id"], "name": held["name"]}),
        (mappings_url("demo", me, rm), {"id": held["id"], "name": realm_admin["name"]}),
        (mappings_url("demo", me), {"id": realm_admin["id"], "name": offline["name"]}),  # a client role's id
        (mappings_url("demo", me, rm), {"id": offline["id"], "name": realm_admin["name"]}),  # a realm role's id
    ]
    before = await mapped(env, "demo", me)
    for url, rep in mixes:
        response = await env.http.post(url, json=[rep], headers=headers)
        assert (response.status_code, response.json()) == (404, NOT_FOUND), (url, rep)
    assert await mapped(env, "demo", me) == before
    assert "realm-admin" not in before


async def test_a_groups_mapping_mixing_names_and_ids_grants_nothing(env: Env) -> None:
    await demo_realm(env)
    _, headers = await make_admin(env, "demo", "helpdesk", "manage-users", "view-users")
    admin = await env.admin_headers()
    made = await env.http.post(f"{DEMO}/groups", json={"name": "staff"}, headers=admin)
    group = made.headers["location"].rsplit("/", 1)[1]
    rm = await client_uuid(env, "demo", "realm-management")
    realm_admin = await role_ref(env, "demo", "realm-admin", "realm-management")
    held = await role_ref(env, "demo", "view-users", "realm-management")
    url = f"{DEMO}/groups/{group}/role-mappings/clients/{rm}"
    for rep in ({"id": realm_admin["id"], "name": held["name"]}, {"id": held["id"], "name": realm_admin["name"]}):
        response = await env.http.post(url, json=[rep], headers=headers)
        assert (response.status_code, response.json()) == (404, NOT_FOUND), rep
    listed = (await env.http.get(url, headers=admin)).json()
    assert listed == []
