"""What an organization role lets an administrator grant (security review class H2), attacked from the routes
s71-a's port does not exercise: an admin role slipped into a realm or client role an organization role already
nests, through every route that writes composites (by name, by id, a client role's, an ancestor two levels up, a
partial import's overwrite); an organization role named like an admin role used where client-level mappings look
roles up by name; an organization role's id on the realm's default role, a user's or a group's realm mappings and a
scope mapping's delete; a master administrator of the realm and another realm's administrator; a user of another
realm. Keycloak's OrganizationsValidation.validateOrganizationRoleComposite and
OrganizationRoleTest.testOrganizationRoleCannotBePoisonedThroughIntermediateRealmRole decide the refusals."""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import login, realm_admin, role_ref
from org_groups import member, organization
from org_invitations import ORGS
from org_roles import CLIENTS, ROLES, call, client_with_role, ids, org_role, realm_role
from support import seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio
NO_ADMIN = {"error": "Organization roles can not have admin roles as composites"}
REALM = "/admin/realms/test"


async def admin_names(env: Env, org: str, role: dict[str, Any]) -> set[str]:
    """The realm-management roles among what ``role`` nests, transitively, read from the store."""
    async with env.db.transaction() as tx:
        _, nested = await tx.organization_roles.expand([role["id"]])
        roles = await tx.roles.get_many(nested)
        rm = (
            {c.id for c in await tx.clients.list(roles[0].realm_id) if c.client_id == "realm-management"}
            if roles
            else set()
        )
    return {r.name for r in roles if r.client_id in rm}


async def test_an_anchored_role_gains_no_admin_role_through_any_composite_route(realm: Env) -> None:
    """validateOrganizationRoleComposite's anchoring rule on every route that writes a realm or client role's
    composites: ``roles/{name}``, ``roles-by-id/{id}``, ``clients/{id}/roles/{name}``, a realm role two levels
    below the organization role, a batch mixing a harmless role with an admin one (nothing written). A partial
    import OVERWRITE of the anchored realm role replaces it (a new role: the organization role loses it, and gains
    no admin role)."""
    env = realm
    org = await organization(env, "anchored-routes")
    role = await org_role(env, org, "anchored-org-role")
    top, below = await realm_role(env, "anchored-top"), await realm_role(env, "anchored-below")
    harmless = await realm_role(env, "anchored-harmless")
    uuid, client_role = await client_with_role(env, "anchored-client", "anchored-client-role")
    h = await env.admin_headers()
    assert (await env.http.post(f"{ROLES}/{top['name']}/composites", json=[below], headers=h)).status_code == 204
    assert (await call(env, "POST", f"{org}/roles/{role['id']}/composites", [top, client_role]))[0] == 204
    realm_admin_role = await role_ref(env, "test", "realm-admin", "realm-management")
    impersonation = await role_ref(env, "test", "impersonation", "realm-management")
    for path in (
        f"{ROLES}/{top['name']}/composites",
        f"{REALM}/roles-by-id/{top['id']}/composites",
        f"{ROLES}/{below['name']}/composites",
        f"{REALM}/roles-by-id/{below['id']}/composites",
        f"{CLIENTS}/{uuid}/roles/{client_role['name']}/composites",
        f"{REALM}/roles-by-id/{client_role['id']}/composites",
    ):
        for body in ([realm_admin_role], [harmless, impersonation]):
            refused = await env.http.post(path, json=body, headers=h)
            assert (refused.status_code, refused.json()) == (400, NO_ADMIN), (path, refused.text)
    effective = set(await ids(env, f"{org}/roles/{role['id']}/composites/effective"))
    assert effective == {top["id"], below["id"], client_role["id"]}
    assert await admin_names(env, org, role) == set()
    overwrite = {
        "ifResourceExists": "OVERWRITE",
        "roles": {
            "realm": [
                {
                    "name": "anchored-below",
                    "composite": True,
                    "composites": {"client": {"realm-management": ["realm-admin"]}},
                }
            ]
        },
    }
    imported = await env.http.post(f"{REALM}/partialImport", json=overwrite, headers=h)
    assert imported.status_code in (200, 400), imported.text
    assert await admin_names(env, org, role) == set()


async def test_client_level_mappings_by_name_do_not_turn_an_organization_role_into_an_admin_role(realm: Env) -> None:
    """Client-level role mappings find a role by name (ClientRoleMappingsResource): an organization role named
    ``realm-admin`` posted to a user's realm-management mappings must not reach realm-management's realm-admin for
    an administrator with manage-users only (Keycloak: found by name, then 403 by requireMapRole; Doorkeep looks the
    representation's id up first and answers 404 ``Role not found``): nothing is mapped either way."""
    env = realm
    org = await organization(env, "named-like-admin")
    named = await org_role(env, org, "realm-admin")
    user = await member(env, org, "named-like-admin-member", "m@named-like-admin.org")
    helpdesk = await realm_admin(env, "named-like-admin-helpdesk", "manage-users", "view-clients")
    async with env.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        rm = await tx.clients.get_by_client_id(test.id, "realm-management")
    assert rm is not None
    path = f"{REALM}/users/{user}/role-mappings/clients/{rm.id}"
    sent = await env.http.post(path, json=[named], headers=helpdesk)
    assert sent.status_code in (403, 404), sent.text
    got = await env.http.get(path, headers=await env.admin_headers())
    assert got.json() == []


async def test_organization_role_ids_on_realm_role_routes_change_nothing(realm: Env) -> None:
    """An organization role's id where only realm and client roles belong: the realm's default role refuses it as
    a composite (400, validateOrganizationRoleComposite's text); a user's or a group's realm mappings and a client's
    scope mappings do not find it to delete (the member keeps the organization role)."""
    env = realm
    org = await organization(env, "ids-on-realm-routes")
    mine = await org_role(env, org, "slipped")
    user = await member(env, org, "slipped-member", "slipped@ids-on-realm-routes.org")
    assert (await call(env, "POST", f"{org}/roles/{mine['id']}/users", [{"id": user}]))[0] == 204
    h = await env.admin_headers()
    default = await role_ref(env, "test", "default-roles-test")
    refused = await env.http.post(f"{REALM}/roles-by-id/{default['id']}/composites", json=[mine], headers=h)
    assert (refused.status_code, refused.json()) == (
        400,
        {"error": "Organization roles can only be added as composites to other organization roles"},
    )
    made = await env.http.post(f"{REALM}/groups", json={"name": "slipped-group"}, headers=h)
    group = made.headers["location"].rsplit("/", 1)[1]
    uuid, _ = await client_with_role(env, "slipped-client", "slipped-client-role")
    for path in (
        f"{REALM}/users/{user}/role-mappings/realm",
        f"{REALM}/groups/{group}/role-mappings/realm",
        f"{CLIENTS}/{uuid}/scope-mappings/realm",
        f"{ROLES}/default-roles-test/composites",
    ):
        sent = await env.http.request("DELETE", path, json=[mine], headers=h)
        assert sent.status_code in (204, 400, 404), (path, sent.text)
    assert await ids(env, f"{org}/roles/{mine['id']}/users") == [user]
    composites = await env.http.get(f"{REALM}/roles-by-id/{default['id']}/composites", headers=h)
    assert mine["id"] not in {r["id"] for r in composites.json()}


async def test_other_realms_and_their_users_reach_no_organization_role(realm: Env) -> None:
    """A user of another realm is not found to be given the role (404); an administrator of master (its own
    master-realm's manage-users and manage-realm, nothing of realm ``test``) reads, nests and maps nothing (403)."""
    env = realm
    org = await organization(env, "other-realms")
    role = await org_role(env, org, "other-realms-role")
    plain = await realm_role(env, "other-realms-plain")
    user = await member(env, org, "other-realms-member", "m@other-realms.org")
    stranger = (await seed_user(env.db, env.clock, "master", "other-realms-stranger")).id
    refused = await call(env, "POST", f"{org}/roles/{role['id']}/users", [{"id": stranger}])
    assert refused[0] == 404, refused
    base = f"{ORGS}/{org}/roles/{role['id']}"
    master_manager = await realm_admin(env, "other-realms-manager", "manage-users", "manage-realm", realm="master")
    assert (await env.http.get(base, headers=master_manager)).status_code == 403
    for method, path, body in (("POST", f"{base}/composites", [plain]), ("POST", f"{base}/users", [{"id": user}])):
        sent = await env.http.request(method, path, json=body, headers=master_manager)
        assert sent.status_code == 403, (path, sent.text)
    mine = f"{org}/roles/{role['id']}"
    assert await ids(env, f"{mine}/composites") == [] and await ids(env, f"{mine}/users") == []


async def test_a_master_user_holding_a_realms_manage_organizations_hands_out_nothing(env: Env) -> None:
    """A master user holding only ``probe-realm``'s manage-organizations (master's administration client of realm
    ``probe``) manages probe's organization roles but, as probe's own manage-organizations admin, nests no realm
    role (403: manage-realm) and maps nobody (403: manage-users); holding ``probe-realm``'s manage-users as well, it
    maps a member but still nests nothing."""
    h = await env.admin_headers()
    made = await env.http.post("/admin/realms", json={"realm": "probe", "enabled": True}, headers=h)
    assert made.status_code == 201, made.text
    probe = "/admin/realms/probe"
    assert (await env.http.put(probe, json={"organizationsEnabled": True}, headers=h)).status_code == 204
    made = await env.http.post(
        f"{probe}/organizations", json={"name": "probe-org", "domains": [{"name": "probe-org.org"}]}, headers=h
    )
    org = made.headers["location"].rsplit("/", 1)[1]
    assert (await env.http.post(f"{probe}/roles", json={"name": "probe-plain"}, headers=h)).status_code == 201
    plain = (await env.http.get(f"{probe}/roles/probe-plain", headers=h)).json()
    user = (await seed_user(env.db, env.clock, "probe", "probe-member")).id
    assert (await env.http.post(f"{probe}/organizations/{org}/members", content=user, headers=h)).status_code == 201
    made = await env.http.post(f"{probe}/organizations/{org}/roles", json={"name": "probe-role"}, headers=h)
    base = made.headers["location"]
    headers = []
    for name, roles in (
        ("m-orgs", ("manage-organizations",)),
        ("m-orgs-users", ("manage-organizations", "manage-users")),
    ):
        await seed_user(env.db, env.clock, "master", name)
        async with env.db.transaction() as tx:
            master = await tx.realms.get_by_name("master")
            found = await tx.users.get_by_username(master.id, name) if master else None
            client = await tx.clients.get_by_client_id(master.id, "probe-realm") if master else None
            assert found is not None and client is not None
            for role_name in roles:
                role = await tx.roles.get_client_role(client.id, role_name)
                assert role is not None
                await tx.users.grant_roles(found.id, [role.id])
        headers.append(await login(env, "master", name))
    orgs_only, with_users = headers
    assert (await env.http.get(base, headers=orgs_only)).status_code == 200
    for each in headers:
        assert (await env.http.post(f"{base}/composites", json=[plain], headers=each)).status_code == 403
    assert (await env.http.post(f"{base}/users", json=[{"id": user}], headers=orgs_only)).status_code == 403
    assert (await env.http.post(f"{base}/users", json=[{"id": user}], headers=with_users)).status_code == 204
    assert [r["id"] for r in (await env.http.get(f"{base}/composites", headers=h)).json()] == []
