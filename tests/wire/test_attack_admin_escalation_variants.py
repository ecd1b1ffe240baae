"""Attacker sweep of admin privilege escalation (security review H2): every admin action that could hand out a
role checks that the caller may hand it out (Keycloak's RolePermissions.checkAdminRoles behind requireMapRole
and requireMapComposite), whatever the door. tests/wire/test_admin_role_escalation.py and
test_admin_group_escalation.py cover direct mappings, composites and group membership; this module covers the
other doors: partial import (users, groups, roles, service accounts, overwrites), fields of a realm, role,
user or group body that would carry roles, a hardcoded role mapper, a new client's service account and scope
mappings, composites of a role the caller holds, and the master realm's crossings into other realms.

Each refusal is checked on the outcome too (nothing created or granted, the admin still without the rights),
and each door with a harmless request that passes, so a test cannot pass by refusing everything.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from admin_support import DEMO, MASTER, client_uuid, demo_realm, forbidden, login, make_admin, mapped, role_ref
from support import password_grant, seed_client, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

RM = {"realm-management": ["realm-admin"]}
TOKEN = "/realms/demo/protocol/openid-connect/token"


async def admins_group(env: Env) -> str:
    """Group ``/admins`` holding realm-admin, made by the master admin; its id."""
    root = await env.admin_headers()
    made = await env.http.post(f"{DEMO}/groups", json={"name": "admins"}, headers=root)
    group = made.headers["location"].rsplit("/", 1)[1]
    rm = await client_uuid(env, "demo", "realm-management")
    ref = await role_ref(env, "demo", "realm-admin", "realm-management")
    granted = await env.http.post(f"{DEMO}/groups/{group}/role-mappings/clients/{rm}", json=[ref], headers=root)
    assert granted.status_code == 204, granted.text
    return group


async def names(env: Env, path: str, key: str = "name", **params: str) -> set[str]:
    listed = await env.http.get(f"{DEMO}/{path}", params=params, headers=await env.admin_headers())
    assert listed.status_code == 200, listed.text
    return {str(item[key]) for item in listed.json()}


async def composites(env: Env, role: str) -> set[str]:
    return await names(env, f"roles/{role}/composites")


def bearer(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 200, response.text
    return {"Authorization": "Bearer " + response.json()["access_token"]}


# --- partial import --------------------------------------------------------------------------------
PARTIAL_IMPORTS: list[dict[str, Any]] = [
    {"users": [{"username": "mole1", "enabled": True, "clientRoles": RM}]},
    {"users": [{"username": "mole2", "enabled": True, "groups": ["/admins"]}]},
    {"groups": [{"name": "ring", "clientRoles": RM}]},
    {"groups": [{"name": "ring", "subGroups": [{"name": "inner", "clientRoles": RM}]}]},
    {"roles": {"realm": [{"name": "wrapper", "composite": True, "composites": {"client": RM}}]}},
    {
        "roles": {
            "realm": [
                {"name": "outer", "composite": True, "composites": {"realm": ["inner"]}},
                {"name": "inner", "composite": True, "composites": {"client": RM}},
            ]
        }
    },
    {"roles": {"client": {"realm-management": [{"name": "deputy", "composite": True, "composites": {"client": RM}}]}}},
    {"ifResourceExists": "OVERWRITE", "roles": {"client": {"realm-management": [{"name": "realm-admin"}]}}},
    {
        "clients": [{"clientId": "robot", "serviceAccountsEnabled": True, "secret": "s", "publicClient": False}],
        "users": [
            {"username": "service-account-robot", "serviceAccountClientId": "robot", "enabled": True, "clientRoles": RM}
        ],
    },
    {"ifResourceExists": "OVERWRITE", "users": [{"username": "importer", "enabled": True, "groups": ["/admins"]}]},
    {"ifResourceExists": "SKIP", "users": [{"username": "fresh", "enabled": True, "clientRoles": RM}]},
]


@pytest.mark.parametrize("body", PARTIAL_IMPORTS)
async def test_partial_import_cannot_carry_an_admin_role_in_any_shape(env: Env, body: dict[str, Any]) -> None:
    await demo_realm(env)
    await admins_group(env)
    me, headers = await make_admin(env, "demo", "importer", "manage-realm", "manage-users", "manage-clients")
    users, groups, roles = await names(env, "users", "username"), await names(env, "groups"), await names(env, "roles")
    forbidden(await env.http.post(f"{DEMO}/partialImport", json=body, headers=headers))
    assert await names(env, "users", "username") == users
    assert (await names(env, "groups"), await names(env, "roles")) == (groups, roles)
    assert "realm-admin" in await names(env, f"clients/{await client_uuid(env, 'demo', 'realm-management')}/roles")
    assert await mapped(env, "demo", me) == {"default-roles-demo", "manage-realm", "manage-users", "manage-clients"}
    forbidden(await env.http.get(f"{DEMO}/events", headers=await login(env, "demo", "importer")))


async def test_partial_import_of_roles_the_caller_may_give_still_works(env: Env) -> None:
    await demo_realm(env)
    _, headers = await make_admin(env, "demo", "importer", "manage-realm", "manage-users", "manage-clients")
    body = {
        "roles": {"realm": [{"name": "crew"}]},
        "groups": [{"name": "deck", "realmRoles": ["crew"], "clientRoles": {"realm-management": ["view-users"]}}],
        "users": [{"username": "sailor", "enabled": True, "realmRoles": ["crew"], "groups": ["/deck"]}],
    }
    done = await env.http.post(f"{DEMO}/partialImport", json=body, headers=headers)
    assert done.status_code == 200 and done.json()["added"] == 3, done.text


@pytest.mark.parametrize(
    "body",
    [
        {"users": [{"username": "mole", "enabled": True, "realmRoles": ["admin"]}]},
        {"users": [{"username": "mole", "enabled": True, "realmRoles": ["create-realm"]}]},
        {"roles": {"realm": [{"name": "boss", "composite": True, "composites": {"realm": ["admin"]}}]}},
        {"groups": [{"name": "bosses", "realmRoles": ["admin"]}]},
    ],
)
async def test_master_partial_import_cannot_hand_out_admin_or_create_realm(env: Env, body: dict[str, Any]) -> None:
    _, headers = await make_admin(env, "master", "m-importer", "manage-realm", "manage-users", "manage-clients")
    forbidden(await env.http.post(f"{MASTER}/partialImport", json=body, headers=headers))
    root = await env.admin_headers()
    found = await env.http.get(f"{MASTER}/users", params={"username": "mole", "exact": "true"}, headers=root)
    assert found.json() == []
    forbidden(
        await env.http.post("/admin/realms", json={"realm": "mine"}, headers=await login(env, "master", "m-importer"))
    )


# --- role-carrying fields of other bodies ------------------------------------------------------------
async def test_put_realm_default_role_and_group_fields_hand_out_nothing(env: Env) -> None:
    await demo_realm(env)
    await admins_group(env)
    _, headers = await make_admin(env, "demo", "realmmgr", "manage-realm")
    realm_admin = await role_ref(env, "demo", "realm-admin", "realm-management")
    default = await role_ref(env, "demo", "default-roles-demo")
    before = await composites(env, "default-roles-demo")
    for body in (
        {"defaultRoles": ["realm-admin"]},
        {"defaultRole": {**default, "composite": True, "composites": {"client": RM}}},
        {"defaultRole": realm_admin},
        {"defaultGroups": ["/admins"]},
        {"users": [{"username": "mole", "clientRoles": RM}], "groups": [{"name": "ring", "clientRoles": RM}]},
        {"roles": {"realm": [{"name": "wrapper", "composite": True, "composites": {"client": RM}}]}},
    ):
        response = await env.http.put(DEMO, json=body, headers=headers)
        assert response.status_code in (204, 403), (body, response.text)
    assert await composites(env, "default-roles-demo") == before
    defaults = await env.http.get(f"{DEMO}/default-groups", headers=await env.admin_headers())
    assert defaults.json() == []
    realm = (await env.http.get(DEMO, headers=await env.admin_headers())).json()
    assert realm["defaultRole"]["name"] == "default-roles-demo"
    assert "mole" not in await names(env, "users", "username") and "wrapper" not in await names(env, "roles")
    await seed_user(env.db, env.clock, "demo", "user1")
    forbidden(await env.http.get(f"{DEMO}/users", headers=await login(env, "demo", "user1")))


async def test_a_role_body_carries_no_composite_the_caller_may_not_give(env: Env) -> None:
    """RoleContainerResource.createRole nests a new role's composites (KEYCLOAK-12754) under requireMapComposite;
    RoleResource.updateRole changes no composites."""
    await demo_realm(env)
    _, headers = await make_admin(env, "demo", "realmmgr", "manage-realm")
    body = {"name": "sneaky", "composite": True, "composites": {"client": RM}}
    forbidden(await env.http.post(f"{DEMO}/roles", json=body, headers=headers))
    assert "sneaky" not in await names(env, "roles")
    assert (await env.http.post(f"{DEMO}/roles", json={"name": "plain"}, headers=headers)).status_code == 201
    updated = await env.http.put(f"{DEMO}/roles/plain", json={**body, "name": "plain"}, headers=headers)
    assert updated.status_code in (204, 403), updated.text
    assert await composites(env, "plain") == set()
    ok = await env.http.post(
        f"{DEMO}/roles",
        json={"name": "fine", "composite": True, "composites": {"realm": ["offline_access"]}},
        headers=headers,
    )
    assert ok.status_code == 201, ok.text


async def test_user_create_and_update_take_no_roles_or_admin_groups_from_the_body(env: Env) -> None:
    await demo_realm(env)
    await admins_group(env)
    me, headers = await make_admin(env, "demo", "helpdesk", "manage-users")
    body = {"username": "accomplice", "enabled": True, "realmRoles": ["offline_access"], "clientRoles": RM}
    created = await env.http.post(f"{DEMO}/users", json=body, headers=headers)
    assert created.status_code == 201, created.text
    assert await mapped(env, "demo", created.headers["location"].rsplit("/", 1)[1]) == {"default-roles-demo"}
    update = {"realmRoles": ["offline_access"], "clientRoles": RM, "groups": ["/admins"]}
    assert (await env.http.put(f"{DEMO}/users/{me}", json=update, headers=headers)).status_code == 204
    assert await mapped(env, "demo", me) == {"default-roles-demo", "manage-users"}
    groups = await env.http.get(f"{DEMO}/users/{me}/groups", headers=await env.admin_headers())
    assert groups.json() == []
    forbidden(await env.http.get(f"{DEMO}/clients", headers=await login(env, "demo", "helpdesk")))


async def test_group_create_and_update_take_no_roles_from_the_body(env: Env) -> None:
    await demo_realm(env)
    me, headers = await make_admin(env, "demo", "helpdesk", "manage-users")
    made = await env.http.post(f"{DEMO}/groups", json={"name": "ring", "clientRoles": RM}, headers=headers)
    assert made.status_code == 201, made.text
    group = made.headers["location"].rsplit("/", 1)[1]
    renamed = await env.http.put(f"{DEMO}/groups/{group}", json={"name": "ring2", "clientRoles": RM}, headers=headers)
    assert renamed.status_code == 204, renamed.text
    mappings = await env.http.get(f"{DEMO}/groups/{group}/role-mappings", headers=await env.admin_headers())
    assert mappings.json() == {}, mappings.text
    assert (await env.http.put(f"{DEMO}/users/{me}/groups/{group}", headers=headers)).status_code == 204
    rm = await client_uuid(env, "demo", "realm-management")
    realm_admin = await role_ref(env, "demo", "realm-admin", "realm-management")
    url = f"{DEMO}/groups/{group}/role-mappings/clients/{rm}"
    forbidden(await env.http.post(url, json=[realm_admin], headers=headers))
    forbidden(await env.http.get(f"{DEMO}/clients", headers=await login(env, "demo", "helpdesk")))


# --- clients: mappers, service accounts, scope mappings ------------------------------------------------
async def test_a_hardcoded_admin_role_in_a_token_gives_no_admin_rights(env: Env) -> None:
    """manage-clients alone may not add a mapper that writes realm-admin into every token (CVE-2026-4629's
    class: 403, nothing written); and even one a master admin adds makes no admin, as the admin API reads the
    caller's roles from the store, not from the token."""
    await demo_realm(env)
    _, narrow = await make_admin(env, "demo", "clientmgr", "manage-clients")
    headers = await env.admin_headers()
    mapper = {
        "name": "hc",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-hardcoded-role-mapper",
        "config": {"role": "realm-management.realm-admin"},
    }
    rep = {"clientId": "evilapp", "publicClient": True, "directAccessGrantsEnabled": True, "protocolMappers": [mapper]}
    forbidden(await env.http.post(f"{DEMO}/clients", json=rep, headers=narrow))
    assert (await env.http.get(f"{DEMO}/clients", params={"clientId": "evilapp"}, headers=headers)).json() == []
    assert (await env.http.post(f"{DEMO}/clients", json=rep, headers=headers)).status_code == 201
    await seed_user(env.db, env.clock, "demo", "user1")
    token = await password_grant(env.http, "demo", "evilapp", "user1", secret=None)
    forbidden(await env.http.get(f"{DEMO}/users", headers=bearer(token)))
    forbidden(await env.http.get(f"{DEMO}/clients", headers=bearer(token)))


async def test_a_new_clients_service_account_gets_no_admin_role_even_with_admin_scope_mappings(env: Env) -> None:
    await demo_realm(env)
    _, headers = await make_admin(env, "demo", "clientmgr", "manage-clients")
    rep = {"clientId": "bot", "serviceAccountsEnabled": True, "publicClient": False, "secret": "s3"}
    made = await env.http.post(f"{DEMO}/clients", json=rep, headers=headers)
    assert made.status_code == 201, made.text
    bot = made.headers["location"].rsplit("/", 1)[1]
    rm = await client_uuid(env, "demo", "realm-management")
    realm_admin = await role_ref(env, "demo", "realm-admin", "realm-management")
    # a scope mapping only limits what a token may carry (canMapClientScope: manage-clients may add any role)
    scoped = await env.http.post(
        f"{DEMO}/clients/{bot}/scope-mappings/clients/{rm}", json=[realm_admin], headers=headers
    )
    assert scoped.status_code == 204, scoped.text
    account = (await env.http.get(f"{DEMO}/clients/{bot}/service-account-user", headers=headers)).json()
    assert await mapped(env, "demo", account["id"]) == {"default-roles-demo"}
    token = await env.http.post(
        TOKEN, data={"grant_type": "client_credentials", "client_id": "bot", "client_secret": "s3"}
    )
    forbidden(await env.http.get(f"{DEMO}/users", headers=bearer(token)))
    forbidden(
        await env.http.post(
            f"{DEMO}/users/{account['id']}/role-mappings/clients/{rm}", json=[realm_admin], headers=headers
        )
    )


# --- composites of a role the caller holds ---------------------------------------------------------------
async def test_no_admin_role_is_nested_into_a_role_the_caller_holds(env: Env) -> None:
    await demo_realm(env)
    me, headers = await make_admin(env, "demo", "helpdesk", "manage-users", "manage-clients", "manage-realm")
    await seed_client(env.db, "demo", "app")
    assert (await env.http.post(f"{DEMO}/roles", json={"name": "mine"}, headers=headers)).status_code == 201
    mine = await role_ref(env, "demo", "mine")
    assert (
        await env.http.post(f"{DEMO}/users/{me}/role-mappings/realm", json=[mine], headers=headers)
    ).status_code == 204
    manage_users = await role_ref(env, "demo", "manage-users", "realm-management")
    rm = await client_uuid(env, "demo", "realm-management")
    for child in ("realm-admin", "manage-events", "impersonation", "manage-authorization"):
        ref = await role_ref(env, "demo", child, "realm-management")
        for url in (
            f"{DEMO}/roles/mine/composites",
            f"{DEMO}/roles-by-id/{mine['id']}/composites",
            f"{DEMO}/clients/{rm}/roles/manage-users/composites",
            f"{DEMO}/roles-by-id/{manage_users['id']}/composites",
        ):
            forbidden(await env.http.post(url, json=[ref], headers=headers))
    assert await composites(env, "mine") == set()
    ok = await env.http.post(
        f"{DEMO}/roles/mine/composites", json=[await role_ref(env, "demo", "offline_access")], headers=headers
    )
    assert ok.status_code == 204, ok.text
    forbidden(await env.http.get(f"{DEMO}/events", headers=await login(env, "demo", "helpdesk")))


# --- the master realm and other realms ---------------------------------------------------------------
async def test_no_crossing_from_one_realm_into_another(env: Env) -> None:
    await demo_realm(env)
    demo_admin, demo_headers = await make_admin(env, "demo", "boss", "realm-admin")
    _, m_users = await make_admin(env, "master", "m-helpdesk", "manage-users", "impersonation")
    _, m_realm = await make_admin(env, "master", "m-realmmgr", "manage-realm")
    async with env.db.transaction() as tx:
        master = await tx.realms.get_by_name("master")
        assert master is not None
        root_user = await tx.users.get_by_username(master.id, "admin")
        assert root_user is not None
    # a realm's own admin reaches no other realm, and cannot impersonate master's admin
    forbidden(await env.http.post(f"{MASTER}/users/{root_user.id}/impersonation", headers=demo_headers))
    forbidden(await env.http.get(f"{MASTER}/users", headers=demo_headers))
    admin_role = await role_ref(env, "master", "admin")  # looked up by name in demo: there is none
    mapped_in = await env.http.post(
        f"{DEMO}/users/{demo_admin}/role-mappings/realm", json=[admin_role], headers=demo_headers
    )
    assert (mapped_in.status_code, mapped_in.json()) == (404, {"error": "Role not found"})
    assert "admin" not in await mapped(env, "demo", demo_admin)
    renamed = await env.http.put(DEMO, json={"realm": "master"}, headers=demo_headers)
    assert renamed.status_code == 409, renamed.text
    # master's realm-management roles administer master only
    forbidden(await env.http.get(f"{DEMO}/users", headers=m_users))
    forbidden(await env.http.post(f"{DEMO}/users/{demo_admin}/impersonation", headers=m_users))
    forbidden(await env.http.put(DEMO, json={"enabled": False}, headers=m_realm))
    refused = await env.http.put(MASTER, json={"realm": "elsewhere"}, headers=m_realm)
    assert (refused.status_code, refused.json()) == (400, {"errorMessage": "Can't rename master realm"})
    assert (await env.http.get(f"{MASTER}/users", headers=m_users)).status_code == 200
