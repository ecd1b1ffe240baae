"""Joining a group is granting its roles (security review H2's class, by way of groups): an admin may put a
user in a group, or make it a realm default group, only when it may hand out every role the group and the
groups above it give. A helpdesk with manage-users cannot reach realm-admin through an ``admins`` group."""

from __future__ import annotations

import pytest

from admin_support import DEMO, demo_realm, forbidden, login, make_admin, role_ref
from wire_env import Env

pytestmark = pytest.mark.anyio


async def admins_group(
    env: Env, role: str = "realm-admin", client: str | None = "realm-management", name: str = "admins"
) -> tuple[str, str]:
    """Groups ``/<name>`` (holding ``role``) and ``/<name>/night-shift`` (holding nothing itself), by the master
    admin; their ids."""
    headers = await env.admin_headers()
    parent = await env.http.post(f"{DEMO}/groups", json={"name": name}, headers=headers)
    parent_id = parent.headers["location"].rsplit("/", 1)[1]
    child = await env.http.post(f"{DEMO}/groups/{parent_id}/children", json={"name": "night-shift"}, headers=headers)
    child_id = child.headers["location"].rsplit("/", 1)[1]
    ref = await role_ref(env, "demo", role, client)
    if client is None:
        url = f"{DEMO}/groups/{parent_id}/role-mappings/realm"
    else:
        clients = await env.http.get(f"{DEMO}/clients", params={"clientId": client}, headers=headers)
        url = f"{DEMO}/groups/{parent_id}/role-mappings/clients/{clients.json()[0]['id']}"
    granted = await env.http.post(url, json=[ref], headers=headers)
    assert granted.status_code == 204, granted.text
    return parent_id, child_id


async def member_of(env: Env, user_id: str) -> set[str]:
    found = await env.http.get(f"{DEMO}/users/{user_id}/groups", headers=await env.admin_headers())
    return {g["path"] for g in found.json()}


async def test_manage_users_cannot_join_a_group_holding_realm_admin_directly_or_below_it(env: Env) -> None:
    await demo_realm(env)
    admins, night_shift = await admins_group(env)
    me, headers = await make_admin(env, "demo", "helpdesk", "manage-users")
    for group in (admins, night_shift):  # the subgroup gives its parent's roles too
        forbidden(await env.http.put(f"{DEMO}/users/{me}/groups/{group}", headers=headers))
    assert await member_of(env, me) == set()
    forbidden(await env.http.get(f"{DEMO}/clients", headers=await login(env, "demo", "helpdesk")))


async def test_manage_users_cannot_create_a_user_in_a_group_holding_realm_admin(env: Env) -> None:
    await demo_realm(env)
    await admins_group(env)
    _, headers = await make_admin(env, "demo", "helpdesk", "manage-users")
    body = {"username": "accomplice", "enabled": True, "groups": ["/admins/night-shift"]}
    forbidden(await env.http.post(f"{DEMO}/users", json=body, headers=headers))
    found = await env.http.get(
        f"{DEMO}/users", params={"username": "accomplice", "exact": "true"}, headers=await env.admin_headers()
    )
    assert found.json() == []


async def test_manage_realm_cannot_make_a_group_holding_realm_admin_a_default_group(env: Env) -> None:
    await demo_realm(env)
    admins, night_shift = await admins_group(env)
    _, headers = await make_admin(env, "demo", "realmmgr", "manage-realm")
    for group in (admins, night_shift):
        forbidden(await env.http.put(f"{DEMO}/default-groups/{group}", headers=headers))
    defaults = await env.http.get(f"{DEMO}/default-groups", headers=await env.admin_headers())
    assert defaults.json() == []


async def test_groups_whose_roles_the_caller_may_give_are_joined_as_before(env: Env) -> None:
    await demo_realm(env)
    headers = await env.admin_headers()
    assert (await env.http.post(f"{DEMO}/roles", json={"name": "crew"}, headers=headers)).status_code == 201
    crew, deck = await admins_group(env, "crew", None)  # a plain realm role: anyone with manage-users gives it
    me, helpdesk = await make_admin(env, "demo", "helpdesk", "manage-users")
    assert (await env.http.put(f"{DEMO}/users/{me}/groups/{deck}", headers=helpdesk)).status_code == 204
    body = {"username": "sailor", "enabled": True, "groups": ["/admins"]}
    assert (await env.http.post(f"{DEMO}/users", json=body, headers=helpdesk)).status_code == 201
    assert await member_of(env, me) == {"/admins/night-shift"}
    _, realmmgr = await make_admin(env, "demo", "realmmgr", "manage-realm")
    assert (await env.http.put(f"{DEMO}/default-groups/{crew}", headers=realmmgr)).status_code == 204
    # the master admin may give realm-admin, so it still joins anyone to such a group
    leads, _ = await admins_group(env, name="leads")
    assert (await env.http.put(f"{DEMO}/users/{me}/groups/{leads}", headers=headers)).status_code == 204


async def test_manage_users_cannot_move_a_group_under_one_holding_realm_admin(env: Env) -> None:
    """Moving a group (POST …/children with its id) gives its members the new parents' roles."""
    await demo_realm(env)
    admins, _ = await admins_group(env)
    me, headers = await make_admin(env, "demo", "helpdesk", "manage-users")
    mine = await env.http.post(f"{DEMO}/groups", json={"name": "mine"}, headers=headers)
    assert mine.status_code == 201, mine.text
    mine_id = mine.headers["location"].rsplit("/", 1)[1]
    assert (await env.http.put(f"{DEMO}/users/{me}/groups/{mine_id}", headers=headers)).status_code == 204
    forbidden(await env.http.post(f"{DEMO}/groups/{admins}/children", json={"id": mine_id}, headers=headers))
    assert await member_of(env, me) == {"/mine"}
    forbidden(await env.http.get(f"{DEMO}/clients", headers=await login(env, "demo", "helpdesk")))
    created = await env.http.post(f"{DEMO}/groups/{admins}/children", json={"name": "empty"}, headers=headers)
    assert created.status_code == 201, created.text  # a new, empty subgroup gives nobody anything
