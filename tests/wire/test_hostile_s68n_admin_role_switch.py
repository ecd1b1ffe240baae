"""Hostile: session 68's ``allowAdminRoleMapping`` switch (IdentityProviderMapperAdminRoleBrokerLoginTest's guard)
against changes made after a harmless mapper was written. With the switch off on a new provider:

* a mapper for the plain role ``plain``, which a realm admin then makes a composite holding realm-management's
  ``manage-users``: the brokered login grants nothing;
* a mapper for a role renamed after the mapper was written into the name the mapper holds (the admin composite
  ``wrapper`` renamed ``plain2``): nothing;
* a group mapper for ``/staff/team``, whose parent ``staff`` is then given ``manage-users``: alice joins nothing;
* a mapper for the realm's default roles, into which the master admin put ``manage-users``: nothing through the
  mapper (the default roles a new user gets are the realm's own business, not the provider's).

Meanwhile a provider's writer holding only manage-identity-providers cannot turn the switch on in any spelling."""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import client_uuid, mapped, realm_admin, role_ref
from broker_support import ALIAS, Broker, broker_login, browser, served
from browser_flow import REDIRECT
from flow_builder import admin
from wire_env import Env

pytestmark = pytest.mark.anyio

BASE = "/admin/realms/test"
PROVIDER = f"{BASE}/identity-provider/instances/{ALIAS}"


def _role_mapper(name: str, role: str) -> dict[str, Any]:
    return {
        "name": name,
        "identityProviderAlias": ALIAS,
        "identityProviderMapper": "oidc-hardcoded-role-idp-mapper",
        "config": {"role": role, "syncMode": "INHERIT"},
    }


async def _alice(env: Env) -> str:
    [user] = (await admin(env, "GET", f"{BASE}/users?username=alice&exact=true", status=200)).json()
    return str(user["id"])


async def _login(broker: Broker) -> None:
    async with browser(broker) as http:
        done = await broker_login(http)
        assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text[:800]


async def _group(env: Env, name: str, parent: str | None = None) -> str:
    url = f"{BASE}/groups/{parent}/children" if parent else f"{BASE}/groups"
    made = await admin(env, "POST", url, {"name": name}, 201)
    return str(made.headers["location"].rsplit("/", 1)[1])


async def test_roles_and_groups_made_admin_after_the_mapper_grant_nothing(env: Env) -> None:
    async with served(env) as broker:
        await broker.add_provider()
        manage_users = await role_ref(env, "test", "manage-users", "realm-management")
        for name in ("plain", "wrapper"):
            await admin(env, "POST", f"{BASE}/roles", {"name": name}, 201)
        staff = await _group(env, "staff")
        await _group(env, "team", staff)
        for name, role in (("plain", "plain"), ("renamed", "plain2"), ("defaults", "default-roles-test")):
            await admin(env, "POST", f"{PROVIDER}/mappers", _role_mapper(name, role), 201)
        group_mapper = {
            "name": "team",
            "identityProviderAlias": ALIAS,
            "identityProviderMapper": "oidc-hardcoded-group-idp-mapper",
            "config": {"group": "/staff/team", "syncMode": "INHERIT"},
        }
        await admin(env, "POST", f"{PROVIDER}/mappers", group_mapper, 201)
        # afterwards: the roles and the group made to carry an admin role
        await admin(env, "POST", f"{BASE}/roles/plain/composites", [manage_users], 204)
        await admin(env, "POST", f"{BASE}/roles/wrapper/composites", [manage_users], 204)
        wrapper = await role_ref(env, "test", "wrapper")
        await admin(env, "PUT", f"{BASE}/roles-by-id/{wrapper['id']}", {"name": "plain2"}, 204)
        rm = await client_uuid(env, "test", "realm-management")
        await admin(env, "POST", f"{BASE}/groups/{staff}/role-mappings/clients/{rm}", [manage_users], 204)
        await admin(env, "POST", f"{BASE}/roles/default-roles-test/composites", [manage_users], 204)
        await _login(broker)
        alice = await _alice(env)
        held = await mapped(env, "test", alice)
        assert not held & {"plain", "plain2", "manage-users"}, held
        groups = (await admin(env, "GET", f"{BASE}/users/{alice}/groups", status=200)).json()
        assert [g["name"] for g in groups] == [], groups


@pytest.mark.parametrize("value", ["true", "TRUE", "True", True, " true", ["true"], 1])
async def test_no_spelling_of_the_switch_is_turned_on_by_an_idp_manager(env: Env, value: Any) -> None:
    """Either the write is refused (403) or what is stored does not count as on at a login either."""
    async with served(env) as broker:
        await broker.add_provider()
        idp_manager = await realm_admin(env, "idpadmin", "manage-identity-providers")
        rep = (await env.http.get(PROVIDER, headers=await env.admin_headers())).json()
        rep["config"]["allowAdminRoleMapping"] = value
        answer = await env.http.put(PROVIDER, json=rep, headers=idp_manager)
        assert answer.status_code in (204, 400, 403), answer.text
        stored = (await env.http.get(PROVIDER, headers=await env.admin_headers())).json()["config"]
        if answer.status_code == 204:
            assert str(stored.get("allowAdminRoleMapping")).lower() != "true", stored
        await admin(env, "POST", f"{PROVIDER}/mappers", _role_mapper("mu", "realm-management.manage-users"), 201)
        await _login(broker)
        assert "manage-users" not in await mapped(env, "test", await _alice(env))
