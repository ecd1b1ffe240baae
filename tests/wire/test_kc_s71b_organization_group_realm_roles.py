"""Realm and client roles mapped to organization groups (Keycloak main after 26.8.0), ported from
group/OrganizationGroupRoleMappingTest (``organizations/{id}/groups/{group}/role-mappings/realm`` and
``…/clients/{client}``, their ``available`` and ``composite`` lists, the group's representation) and the anchoring
rule of admin/OrganizationGroupRoleMappingTest.testCachedOrganizationGroupAnchorsRejectLaterAdminComposites; the
group's members hold the roles in their tokens as a realm group's do."""

from __future__ import annotations

from typing import Any

import pytest

from org_groups import group, member, organization
from org_invitations import ORGS
from org_role_claims import REALM, post, realm_role
from support import claims, password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio


async def call(env: Env, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    sent = await env.http.request(method, path, json=body, headers=await env.admin_headers())
    return sent.status_code, (sent.json() if sent.content else None)


def mappings(org: str, gid: str) -> str:
    return f"{ORGS}/{org}/groups/{gid}/role-mappings"


async def names(env: Env, path: str) -> list[str]:
    status, body = await call(env, "GET", path)
    assert status == 200, body
    return [r["name"] for r in body]


async def client_with_role(env: Env, client_id: str, role: str) -> tuple[str, dict[str, Any]]:
    made = await post(env, f"{REALM}/clients", {"clientId": client_id, "enabled": True})
    uuid = made.headers["location"].rsplit("/", 1)[1]
    await post(env, f"{REALM}/clients/{uuid}/roles", {"name": role})
    return uuid, (await call(env, "GET", f"{REALM}/clients/{uuid}/roles/{role}"))[1]


async def test_add_realm_role_mapping_to_org_group(realm: Env) -> None:
    """testAddRealmRoleMappingToOrgGroup, testListRoleMappings, testRemoveRoleMapping."""
    env = realm
    org = await organization(env)
    gid = await group(env, org, "role-test-group")
    role = await realm_role(env, "test-org-role")
    assert (await call(env, "POST", mappings(org, gid) + "/realm", [role]))[0] == 204
    assert await names(env, mappings(org, gid) + "/realm") == ["test-org-role"]
    status, body = await call(env, "GET", mappings(org, gid))
    assert status == 200 and [r["name"] for r in body["realmMappings"]] == ["test-org-role"]
    assert (await call(env, "DELETE", mappings(org, gid) + "/realm", [role]))[0] == 204
    assert await names(env, mappings(org, gid) + "/realm") == []


async def test_add_client_role_mapping_to_org_group(realm: Env) -> None:
    """testAddClientRoleMappingToOrgGroup."""
    env = realm
    org = await organization(env)
    gid = await group(env, org, "client-role-test-group")
    uuid, role = await client_with_role(env, "test-org-client", "client-org-role")
    assert (await call(env, "POST", mappings(org, gid) + f"/clients/{uuid}", [role]))[0] == 204
    assert await names(env, mappings(org, gid) + f"/clients/{uuid}") == ["client-org-role"]
    _status, body = await call(env, "GET", mappings(org, gid))
    assert [r["name"] for r in body["clientMappings"]["test-org-client"]["mappings"]] == ["client-org-role"]


async def test_list_available_and_effective_realm_roles(realm: Env) -> None:
    """testListAvailableRealmRoles, testListEffectiveRealmRoles (a parent group's roles count too)."""
    env = realm
    org = await organization(env)
    parent = await group(env, org, "avail-test-group")
    child = await group(env, org, "child", parent)
    role1, _ = await realm_role(env, "avail-role-1"), await realm_role(env, "avail-role-2")
    assert (await call(env, "POST", mappings(org, parent) + "/realm", [role1]))[0] == 204
    available = await names(env, mappings(org, parent) + "/realm/available")
    assert "avail-role-1" not in available and "avail-role-2" in available
    assert not any(n.startswith("realm-admin") for n in available)

    child_role = await realm_role(env, "child-role")
    composite = await realm_role(env, "composite-role")
    await post(env, f"{REALM}/roles/composite-role/composites", [child_role])
    assert (await call(env, "POST", mappings(org, child) + "/realm", [composite]))[0] == 204
    effective = await names(env, mappings(org, child) + "/realm/composite")
    assert {"composite-role", "child-role", "avail-role-1"} <= set(effective)


async def test_role_mapping_included_in_group_representation(realm: Env) -> None:
    """testRoleMappingIncludedInGroupRepresentation."""
    env = realm
    org = await organization(env)
    gid = await group(env, org, "rep-test-group")
    role = await realm_role(env, "rep-test-role")
    uuid, client_role = await client_with_role(env, "rep-test-client", "rep-client-role")
    await post(env, mappings(org, gid) + "/realm", [role])
    await post(env, mappings(org, gid) + f"/clients/{uuid}", [client_role])
    status, rep = await call(env, "GET", f"{ORGS}/{org}/groups/{gid}")
    assert status == 200
    assert rep["realmRoles"] == ["rep-test-role"]
    assert rep["clientRoles"] == {"rep-test-client": ["rep-client-role"]}


async def test_role_mapping_cannot_be_added_via_regular_groups_api(realm: Env) -> None:
    """testRoleMappingCannotBeAddedViaRegularGroupsApi: the realm's groups API does not reach an organization group.
    Keycloak answers 400; Doorkeep keeps organization groups out of the realm's group table, so the realm API does
    not find it (404). Either way nothing is read or written."""
    env = realm
    org = await organization(env)
    gid = await group(env, org, "isolation-test-group")
    status, _ = await call(env, "GET", f"{REALM}/groups/{gid}/role-mappings/realm")
    assert status in (400, 404)


async def test_members_hold_the_group_roles_in_tokens(realm: Env) -> None:
    """A member of an organization group (or of a group below it) holds its realm and client roles as a realm
    group's member would: in realm_access / resource_access; leaving the group takes them away."""
    env = realm
    org = await organization(env)
    parent = await group(env, org, "parent")
    child = await group(env, org, "child", parent)
    role = await realm_role(env, "org-group-realm-role")
    uuid, client_role = await client_with_role(env, "org-group-client", "org-group-client-role")
    await post(env, mappings(org, parent) + "/realm", [role])
    await post(env, mappings(org, child) + f"/clients/{uuid}", [client_role])
    user = await member(env, org, "grouped", "grouped@neworg.org")
    assert (await call(env, "PUT", f"{ORGS}/{org}/groups/{child}/members/{user}"))[0] == 204
    token = claims((await password_grant(env.http, "test", "app", "grouped")).json()["access_token"])
    assert "org-group-realm-role" in token["realm_access"]["roles"]
    assert token["resource_access"]["org-group-client"]["roles"] == ["org-group-client-role"]
    _status, effective = await call(env, "GET", f"{REALM}/users/{user}/role-mappings/realm/composite")
    assert "org-group-realm-role" in [r["name"] for r in effective]
    assert (await call(env, "DELETE", f"{ORGS}/{org}/groups/{child}/members/{user}"))[0] == 204
    token = claims((await password_grant(env.http, "test", "app", "grouped")).json()["access_token"])
    assert "org-group-realm-role" not in token.get("realm_access", {}).get("roles", [])
    assert "org-group-client" not in token.get("resource_access", {})


async def test_anchored_roles_reject_later_admin_composites(realm: Env) -> None:
    """testCachedOrganizationGroupAnchorsRejectLaterAdminComposites: a realm role an organization group holds (and a
    client role nested in it) cannot be given realm-management's manage-users / manage-clients later (400), nor can
    an organization group be mapped to an admin role, directly or through a composite (400)."""
    env = realm
    org = await organization(env)
    gid = await group(env, org, "cached-anchor-child")
    role = await realm_role(env, "cached-anchor-realm-role")
    _uuid, client_role = await client_with_role(env, "cached-anchor-client", "cached-anchor-client-role")
    await post(env, f"{REALM}/roles/cached-anchor-realm-role/composites", [client_role])
    await post(env, mappings(org, gid) + "/realm", [role])
    status, [management] = await call(env, "GET", f"{REALM}/clients?clientId=realm-management")
    mgmt = f"{REALM}/clients/{management['id']}/roles"
    manage_users = (await call(env, "GET", f"{mgmt}/manage-users"))[1]
    manage_clients = (await call(env, "GET", f"{mgmt}/manage-clients"))[1]
    assert (await call(env, "POST", f"{REALM}/roles/cached-anchor-realm-role/composites", [manage_users]))[0] == 400
    status, _ = await call(env, "POST", f"{REALM}/roles-by-id/{client_role['id']}/composites", [manage_clients])
    assert status == 400
    assert await names(env, f"{REALM}/roles/cached-anchor-realm-role/composites") == ["cached-anchor-client-role"]
    assert (await call(env, "GET", f"{REALM}/roles-by-id/{client_role['id']}/composites"))[1] == []

    assert (await call(env, "POST", mappings(org, gid) + f"/clients/{management['id']}", [manage_users]))[0] == 400
    holder = await realm_role(env, "holds-admin")
    await post(env, f"{REALM}/roles/holds-admin/composites", [manage_users])
    assert (await call(env, "POST", mappings(org, gid) + "/realm", [holder]))[0] == 400
    assert await names(env, mappings(org, gid) + "/realm") == ["cached-anchor-realm-role"]
    available = await names(env, mappings(org, gid) + "/realm/available")
    assert "holds-admin" not in available and "admin" not in available


async def test_delete_without_a_body_removes_every_mapping_of_that_kind(realm: Env) -> None:
    """RoleMapperResource.deleteRealmRoleMappings(null): no body removes the group's realm roles (its client roles
    stay)."""
    env = realm
    org = await organization(env)
    gid = await group(env, org, "g")
    first, second = await realm_role(env, "first"), await realm_role(env, "second")
    uuid, client_role = await client_with_role(env, "kept-client", "kept-role")
    await post(env, mappings(org, gid) + "/realm", [first, second])
    await post(env, mappings(org, gid) + f"/clients/{uuid}", [client_role])
    sent = await env.http.delete(mappings(org, gid) + "/realm", headers=await env.admin_headers())
    assert sent.status_code == 204, sent.text
    assert await names(env, mappings(org, gid) + "/realm") == []
    assert await names(env, mappings(org, gid) + f"/clients/{uuid}") == ["kept-role"]
