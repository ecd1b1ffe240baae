"""An identity provider's ``allowAdminRoleMapping`` switch (Keycloak 26.8, broker/admin_role_mapping.py).

Ports IdentityProviderMapperAdminRoleBrokerLoginTest (tests/base, both methods): a Hardcoded Role mapper granting
``realm-management.manage-realm`` grants it at a brokered login only while the switch is on. Around it, what
RealmAdminAccessTest asserts of the same switch on the Admin REST: such a mapper (a direct admin role, a composite
hiding one, a group carrying one) is refused with 403 while the switch is off to an administrator without
manage-realm, and only a manage-realm administrator may turn it on.

Deliberate difference: with the switch on Keycloak lets an administrator holding only manage-identity-providers
write such a mapper (RealmAdminAccessTest#testIdpManagerCannotEscalateViaIdentityProviderHardcodedRoleMapper);
Doorkeep still asks that the writer may hand the role out (web/admin/idp_mapper_grants.py), so there only an
administrator allowed to grant realm-admin (the master admin, a realm-admin) may write it.
"""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import client_uuid, forbidden, mapped, realm_admin, role_ref
from broker_support import ALIAS, Broker, broker_login, browser, served
from browser_flow import REDIRECT
from wire_env import Env

pytestmark = pytest.mark.anyio

BASE = "/admin/realms/test"
PROVIDER = f"{BASE}/identity-provider/instances/{ALIAS}"
MANAGE_REALM = "realm-management.manage-realm"
VIEW_IDPS = "realm-management.view-identity-providers"


def hardcoded_role(role: str, name: str = "grant-realm-admin") -> dict[str, Any]:
    return {
        "name": name,
        "identityProviderAlias": ALIAS,
        "identityProviderMapper": "oidc-hardcoded-role-idp-mapper",
        "config": {"role": role, "syncMode": "INHERIT"},
    }


async def set_switch(env: Env, allow: bool, headers: dict[str, str] | None = None) -> int:
    """setAllowAdminRoleMapping: the provider read, its switch set, written back; the PUT's status."""
    headers = headers or await env.admin_headers()
    rep = (await env.http.get(PROVIDER, headers=headers)).json()
    rep["config"]["allowAdminRoleMapping"] = str(allow).lower()
    return (await env.http.put(PROVIDER, json=rep, headers=headers)).status_code


async def add_mapper(env: Env, body: dict[str, Any], headers: dict[str, str] | None = None) -> int:
    made = await env.http.post(f"{PROVIDER}/mappers", json=body, headers=headers or await env.admin_headers())
    return made.status_code


async def mapper_names(env: Env) -> set[str]:
    listed = await env.http.get(f"{PROVIDER}/mappers", headers=await env.admin_headers())
    return {m["name"] for m in listed.json()}


async def login_through_broker(broker: Broker) -> None:
    async with browser(broker) as http:
        done = await broker_login(http)
        assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text


async def alice(env: Env) -> dict[str, Any]:
    found = await env.http.get(
        f"{BASE}/users", params={"username": "alice", "exact": "true"}, headers=await env.admin_headers()
    )
    [user] = found.json()
    return dict(user)


async def alice_groups(env: Env) -> set[str]:
    user = await alice(env)
    listed = await env.http.get(f"{BASE}/users/{user['id']}/groups", headers=await env.admin_headers())
    return {g["name"] for g in listed.json()}


async def test_admin_role_not_granted_during_login_when_the_switch_is_disabled(env: Env) -> None:
    """IdentityProviderMapperAdminRoleBrokerLoginTest#adminRoleNotGrantedDuringLoginWhenAllowAdminRoleMappingDisabled:
    the mapper written while the switch was on stops granting once it is off."""
    async with served(env) as broker:
        await broker.add_provider()
        assert await set_switch(env, True) == 204
        assert await add_mapper(env, hardcoded_role(MANAGE_REALM)) == 201
        assert await set_switch(env, False) == 204
        await login_through_broker(broker)
        assert "manage-realm" not in await mapped(env, "test", (await alice(env))["id"])


async def test_admin_role_granted_during_login_when_the_switch_is_enabled(env: Env) -> None:
    """IdentityProviderMapperAdminRoleBrokerLoginTest#adminRoleGrantedDuringLoginWhenAllowAdminRoleMappingEnabled."""
    async with served(env) as broker:
        await broker.add_provider()
        assert await set_switch(env, True) == 204
        assert await add_mapper(env, hardcoded_role(MANAGE_REALM)) == 201
        await login_through_broker(broker)
        assert "manage-realm" in await mapped(env, "test", (await alice(env))["id"])


async def test_an_ordinary_role_is_granted_with_the_switch_off(env: Env) -> None:
    """The switch touches admin roles only: a plain realm role's mapper works on a new provider."""
    async with served(env) as broker:
        await broker.add_provider()
        master = await env.admin_headers()
        assert (await env.http.post(f"{BASE}/roles", json={"name": "plain"}, headers=master)).status_code == 201
        assert await add_mapper(env, hardcoded_role("plain", "plain")) == 201
        await login_through_broker(broker)
        assert "plain" in await mapped(env, "test", (await alice(env))["id"])


async def test_a_composite_or_a_group_hiding_an_admin_role_is_held_back_at_login(env: Env) -> None:
    """The login-time check looks inside a composite and at a group's roles, as the write-time one does."""
    async with served(env) as broker:
        await broker.add_provider()
        master = await env.admin_headers()
        assert (await env.http.post(f"{BASE}/roles", json={"name": "wrapper"}, headers=master)).status_code == 201
        nested = await role_ref(env, "test", "manage-realm", "realm-management")
        assert (await env.http.post(f"{BASE}/roles/wrapper/composites", json=[nested], headers=master)).is_success
        assert (await env.http.post(f"{BASE}/groups", json={"name": "admins"}, headers=master)).status_code == 201
        groups = (await env.http.get(f"{BASE}/groups", headers=master)).json()
        admins = next(g["id"] for g in groups if g["name"] == "admins")
        rm = await client_uuid(env, "test", "realm-management")
        url = f"{BASE}/groups/{admins}/role-mappings/clients/{rm}"
        assert (await env.http.post(url, json=[nested], headers=master)).status_code == 204
        assert await set_switch(env, True) == 204
        assert await add_mapper(env, hardcoded_role("wrapper", "wrapper")) == 201
        group_mapper = {
            "name": "join-admins",
            "identityProviderAlias": ALIAS,
            "identityProviderMapper": "oidc-hardcoded-group-idp-mapper",
            "config": {"group": "/admins", "syncMode": "INHERIT"},
        }
        assert await add_mapper(env, group_mapper) == 201
        assert await set_switch(env, False) == 204
        await login_through_broker(broker)
        assert "wrapper" not in await mapped(env, "test", (await alice(env))["id"])
        assert "admins" not in await alice_groups(env)


async def test_an_admin_role_mapper_is_refused_while_the_switch_is_off_unless_the_writer_manages_the_realm(
    env: Env,
) -> None:
    """RealmAdminAccessTest#testIdpManagerCannotEscalateViaIdentityProviderHardcodedRoleMapper's creation-time
    guard, with a role the idp manager may grant (view-identity-providers), so Doorkeep's own rule does not decide:
    403 on create and on an update that would make a mapper grant it while the switch is off (the stored mapper
    kept), 201 and 204 once a realm admin turned it on. The master admin (manage-realm) passes with it off."""
    async with served(env) as broker:
        await broker.add_provider()
        idp_manager = await realm_admin(env, "idpadmin", "manage-identity-providers")
        viewer = hardcoded_role(VIEW_IDPS, "viewer")
        forbidden(await env.http.post(f"{PROVIDER}/mappers", json=viewer, headers=idp_manager))
        assert await mapper_names(env) == set()
        made = await env.http.post(
            f"{PROVIDER}/mappers", json=hardcoded_role("offline_access", "benign"), headers=idp_manager
        )
        assert made.status_code == 201, made.text
        url = made.headers["location"]
        stored = (await env.http.get(url, headers=idp_manager)).json()
        escalated = {**stored, "config": {**stored["config"], "role": VIEW_IDPS}}
        forbidden(await env.http.put(url, json=escalated, headers=idp_manager))
        assert (await env.http.get(url, headers=idp_manager)).json()["config"]["role"] == "offline_access"
        assert await add_mapper(env, hardcoded_role(MANAGE_REALM, "by-master")) == 201
        assert await set_switch(env, True) == 204
        assert await add_mapper(env, viewer, idp_manager) == 201
        assert (await env.http.put(url, json=escalated, headers=idp_manager)).status_code == 204
        assert await mapper_names(env) == {"benign", "viewer", "by-master"}


async def test_only_a_manage_realm_admin_may_turn_the_switch_on(env: Env) -> None:
    """RealmAdminAccessTest#testNonRealmAdminCannotEnableAllowAdminRoleMapping: 403 for manage-identity-providers
    alone, on update and on create; a realm-admin may, and may then write the mapper."""
    async with served(env) as broker:
        idp_manager = await realm_admin(env, "idpadmin", "manage-identity-providers")
        rep = broker.provider_rep(allowAdminRoleMapping="true")
        forbidden(await env.http.post(f"{BASE}/identity-provider/instances", json=rep, headers=idp_manager))
        await broker.add_provider()
        assert await set_switch(env, True, idp_manager) == 403
        stored = (await env.http.get(PROVIDER, headers=await env.admin_headers())).json()
        assert stored["config"].get("allowAdminRoleMapping") != "true"
        full = await realm_admin(env, "full", "realm-admin")
        assert await set_switch(env, True, full) == 204
        # Doorkeep's own rule: the idp manager still may not hand out an admin role it cannot grant
        assert await add_mapper(env, hardcoded_role(MANAGE_REALM), idp_manager) == 403
        assert await add_mapper(env, hardcoded_role(MANAGE_REALM), full) == 201
        # turning it off again needs no more than manage-identity-providers
        assert await set_switch(env, False, idp_manager) == 204
