"""Organization roles mapped to organization groups (Keycloak main after 26.8.0), ported from
admin/OrganizationGroupRoleEndpointTest (the admin console's routes ``role-mappings/organizations`` and
``…/available``; the newest version and the older one's methods) and the organization-role methods of
admin/OrganizationGroupRoleMappingTest, whose run-on-server checks (GroupModel.hasDirectRole, resolveRoleClaims) are
read here through the REST mappings and the Organization Role Membership mapper's claim."""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import admin_events, enable_admin_events
from org_groups import group, member, organization
from org_invitations import ORGS
from org_role_claims import REALM, grant, org_role, post, role_mapper
from support import claims
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


async def mapped(env: Env, org: str, gid: str, alias: str = "acme") -> list[str]:
    """mappedRoleNames: the names under ``organizationMappings[alias]`` of the group's MappingsRepresentation."""
    status, body = await call(env, "GET", mappings(org, gid))
    assert status == 200, body
    if "organizationMappings" not in body:
        return []
    return [r["name"] for r in body["organizationMappings"][alias]]


async def available(env: Env, org: str, gid: str) -> list[str]:
    return await names(env, mappings(org, gid) + "/organizations/available")


async def change(env: Env, method: str, org: str, gid: str, body: Any) -> int:
    return (await call(env, method, mappings(org, gid) + "/organizations", body))[0]


async def acme_with_group(env: Env) -> tuple[str, str]:
    """The @BeforeEach: organization acme and its top-level group dev-team."""
    org = await organization(env, "acme")
    return org, await group(env, org, "dev-team")


async def test_available_roles_track_direct_mappings_and_exclude_the_default_by_identity(realm: Env) -> None:
    """availableRolesTrackDirectMappingsAndExcludeTheDefaultByIdentity (and the older testGetAvailableOrganizationRoles,
    testAddOrganizationRolesToGroup, testRemoveOrganizationRolesFromGroup): a role named like a default role is
    offered; the real default role never is; mapping takes a role off the offer and into organizationMappings."""
    env = realm
    org, gid = await acme_with_group(env)
    admin = await org_role(env, org, "admin")
    editor = await org_role(env, org, "default-roles-business-editor")
    assert sorted(await available(env, org, gid)) == ["admin", "default-roles-business-editor"]
    assert await change(env, "POST", org, gid, [admin]) == 204
    assert await available(env, org, gid) == [editor["name"]]
    assert await mapped(env, org, gid) == ["admin"]
    assert await names(env, mappings(org, gid) + "/organizations") == ["admin"]
    assert await change(env, "DELETE", org, gid, [admin]) == 204
    assert sorted(await available(env, org, gid)) == ["admin", "default-roles-business-editor"]
    assert await mapped(env, org, gid) == []


async def test_add_and_delete_are_batch_capable_and_idempotent(realm: Env) -> None:
    """addAndDeleteAreBatchCapableAndIdempotent (and the older testMultipleOrganizationRolesWorkflow)."""
    env = realm
    org, gid = await acme_with_group(env)
    admin, editor = await org_role(env, org, "admin"), await org_role(env, org, "editor")
    assert await change(env, "POST", org, gid, [admin, editor, admin]) == 204
    assert await mapped(env, org, gid) == ["admin", "editor"]
    assert await available(env, org, gid) == []
    assert await change(env, "DELETE", org, gid, [admin, admin]) == 204
    assert await change(env, "DELETE", org, gid, [admin]) == 204
    assert await mapped(env, org, gid) == ["editor"]
    assert await change(env, "DELETE", org, gid, [editor]) == 204
    assert await mapped(env, org, gid) == []


async def test_invalid_mixed_batches_do_not_partially_add_or_delete(realm: Env) -> None:
    """invalidMixedBatchesDoNotPartiallyAddOrDelete: one unknown id fails the whole batch (400), whichever its
    place, adding or removing."""
    env = realm
    org, gid = await acme_with_group(env)
    valid, missing = await org_role(env, org, "batch-role"), {"id": "missing-role-id"}
    for batch in ([valid, missing], [missing, valid]):
        assert await change(env, "POST", org, gid, batch) == 400
        assert await mapped(env, org, gid) == []
    assert await change(env, "POST", org, gid, [valid]) == 204
    for batch in ([valid, missing], [missing, valid]):
        assert await change(env, "DELETE", org, gid, batch) == 400
        assert await mapped(env, org, gid) == ["batch-role"]


async def test_validates_payload_type_ownership_and_generic_group_context(realm: Env) -> None:
    """validatesPayloadTypeOwnershipAndGenericGroupContext: empty lists are fine; null, a null item, a role without
    id or unknown: 400; the id decides, not a misleading name; a realm role and another organization's role: 400; a
    realm group offers no organization role and refuses writes (400)."""
    env = realm
    org, gid = await acme_with_group(env)
    role = await org_role(env, org, "authoritative-name")
    assert await change(env, "POST", org, gid, []) == 204
    assert await change(env, "DELETE", org, gid, []) == 204
    for method in ("POST", "DELETE"):
        for bad in (None, [None], [{"name": "no-id"}]):
            assert await change(env, method, org, gid, bad) == 400, (method, bad)
    assert await change(env, "POST", org, gid, [{"id": "missing-role-id"}]) == 400
    assert await change(env, "POST", org, gid, [{"id": role["id"], "name": "not-the-authoritative-name"}]) == 204
    assert await mapped(env, org, gid) == ["authoritative-name"]
    assert await change(env, "DELETE", org, gid, [{"id": role["id"], "name": "not-the-authoritative-name"}]) == 204

    await post(env, f"{REALM}/roles", {"name": "realm-role"})
    _, realm_role = await call(env, "GET", f"{REALM}/roles/realm-role")
    assert await change(env, "POST", org, gid, [realm_role]) == 400
    other = await organization(env, "other")
    assert await change(env, "POST", org, gid, [await org_role(env, other, "foreign-role")]) == 400
    assert await mapped(env, org, gid) == []

    made = await post(env, f"{REALM}/groups", {"name": "realm-group"})
    realm_group = made.headers["location"].rsplit("/", 1)[1]
    generic = f"{REALM}/groups/{realm_group}/role-mappings/organizations"
    assert await call(env, "GET", generic + "/available") == (200, [])
    assert (await call(env, "POST", generic, [role]))[0] == 400
    assert (await call(env, "DELETE", generic, [role]))[0] == 400


async def test_rejects_the_default_role_and_default_as_a_composite_child(realm: Env) -> None:
    """rejectsTheDefaultRoleAndDefaultAsACompositeChild (and the older testCannotAssignDefaultRoleToGroup)."""
    env = realm
    org, gid = await acme_with_group(env)
    status, default = await call(env, "GET", f"{ORGS}/{org}/roles/default")
    assert status == 200
    assert await change(env, "POST", org, gid, [default]) == 400
    assert default["id"] not in [
        r["id"] for r in (await call(env, "GET", mappings(org, gid) + "/organizations/available"))[1]
    ]
    composite = await org_role(env, org, "composite-role")
    status, _ = await call(env, "POST", f"{ORGS}/{org}/roles/{composite['id']}/composites", [default])
    assert status == 400


async def test_corrupt_role_graph_stays_unavailable(realm: Env) -> None:
    """corruptRoleGraphsAndStoredMappingsStayUnavailable: an organization role a stored row makes nest
    realm-management's manage-realm (what the API refuses) is neither offered nor mapped; a stored mapping of the
    default role to a group is not shown."""
    env = realm
    org, gid = await acme_with_group(env)
    role = await org_role(env, org, "corrupt-role-graph")
    async with env.db.transaction() as tx:
        realm_row = await tx.realms.get_by_name("test")
        assert realm_row is not None
        management = await tx.clients.get_by_client_id(realm_row.id, "realm-management")
        assert management is not None
        manage_realm = await tx.roles.get_client_role(management.id, "manage-realm")
        assert manage_realm is not None
        stored = await tx.organization_roles.get(org, role["id"])
        assert stored is not None
        await tx.organization_roles.add_composites(stored, [manage_realm.id], [])
        default = await tx.organization_roles.default_role(org)
        assert default is not None
        await tx.organization_group_roles.grant(realm_row.id, gid, [default.id])
    assert "corrupt-role-graph" not in await available(env, org, gid)
    assert await change(env, "POST", org, gid, [role]) == 400
    assert await mapped(env, org, gid) == []


async def test_unknown_group_is_not_found(realm: Env) -> None:
    """internalRootIsUnavailableThroughEveryPublicGroupOperation / genericAndCorrupt…: a group the organization does
    not have answers 404 on the role mapping routes."""
    env = realm
    org, _ = await acme_with_group(env)
    for path in ("", "/organizations", "/organizations/available"):
        assert (await call(env, "GET", mappings(org, "no-such-group") + path))[0] == 404


async def test_mapping_events(realm: Env) -> None:
    """Writes record ORGANIZATION_ROLE_MAPPING (CREATE / DELETE) at the request's path with the roles; an empty list
    records nothing."""
    env = realm
    org, gid = await acme_with_group(env)
    admin = await org_role(env, org, "admin")
    await enable_admin_events(env, clear=True)
    assert await change(env, "POST", org, gid, []) == 204
    assert await change(env, "POST", org, gid, [admin]) == 204
    assert await change(env, "DELETE", org, gid, [admin]) == 204
    found = [e for e in await admin_events(env) if e["resourceType"] == "ORGANIZATION_ROLE_MAPPING"]
    path = f"organizations/{org}/groups/{gid}/role-mappings/organizations"
    assert sorted((e["operationType"], e["resourcePath"]) for e in found) == [("CREATE", path), ("DELETE", path)]


# --- admin/OrganizationGroupRoleMappingTest (run-on-server), over the wire ------------------------------------
async def _roles_claim(env: Env, username: str) -> list[str]:
    found = claims((await grant(env, "openid organization", username))["access_token"])["organization"]
    roles: list[str] = found["acme"]["roles"]
    return roles


async def test_organization_roles_from_group_are_effective_and_in_claims(realm: Env) -> None:
    """testAssignAndRemoveOrganizationRoleOnOrganizationGroup, testListOrganizationRolesAssignedToGroup,
    testOrganizationRolesFromGroupAreEffectiveAndIncludedInClaims, testDirectAndGroupOrganizationRolesAreCombined:
    a member of a group holds the group's organization roles beside their own; unmapping takes them away."""
    env = realm
    org = await organization(env, "acme")
    dev_team = await group(env, org, "dev-team")
    developer, manager = await org_role(env, org, "developer"), await org_role(env, org, "manager")
    user = await member(env, org, "dev-user", "dev-user@acme.org")
    assert (await call(env, "PUT", f"{ORGS}/{org}/groups/{dev_team}/members/{user}"))[0] == 204
    assert await change(env, "POST", org, dev_team, [developer, manager]) == 204
    assert await mapped(env, org, dev_team) == ["developer", "manager"]
    assert await change(env, "DELETE", org, dev_team, [manager]) == 204
    await post(env, f"{ORGS}/{org}/roles/{manager['id']}/users", [{"id": user}])
    await role_mapper(env)
    assert await _roles_claim(env, "dev-user") == ["default-roles-org-acme", "developer", "manager"]
    found = claims((await grant(env, "openid organization", "dev-user"))["access_token"])["organization"]["acme"]
    assert "realm_access" not in found  # claims.getRealmRoles() empty
    assert await change(env, "DELETE", org, dev_team, [developer]) == 204
    assert await _roles_claim(env, "dev-user") == ["default-roles-org-acme", "manager"]


async def test_group_composites_and_hierarchy(realm: Env) -> None:
    """testVisibleGroupCompositeRolesAreInheritedByMembers, testOrganizationMemberOutsideGroupHasNoGroupRoles,
    testOrganizationRoleInheritanceAcrossParentsAndBranches: a group's role brings what it nests; the roles of the
    groups above a member's groups are theirs, each once; a sibling group's are not; a member in no group gets the
    default role only."""
    env = realm
    org = await organization(env, "acme")
    division = await group(env, org, "division")
    team_a, team_b = await group(env, org, "team-a", division), await group(env, org, "team-b", division)
    child_a, child_b = await group(env, org, "child-a", team_a), await group(env, org, "child-b", team_b)
    unjoined = await group(env, org, "unjoined", division)
    for gid, name in (
        (division, "division-role"),
        (team_a, "team-a-role"),
        (team_b, "team-b-role"),
        (child_a, "child-a-role"),
        (child_b, "child-b-role"),
        (unjoined, "unjoined-role"),
    ):
        assert await change(env, "POST", org, gid, [await org_role(env, org, name)]) == 204
    composite, nested = await org_role(env, org, "team-composite"), await org_role(env, org, "team-composite-child")
    await post(env, f"{ORGS}/{org}/roles/{composite['id']}/composites", [nested])
    assert await change(env, "POST", org, child_a, [composite]) == 204
    user = await member(env, org, "multi-branch-user", "multi@acme.org")
    for gid in (child_a, child_b):
        assert (await call(env, "PUT", f"{ORGS}/{org}/groups/{gid}/members/{user}"))[0] == 204
    await member(env, org, "standalone-user", "standalone@acme.org")
    await role_mapper(env)
    assert await _roles_claim(env, "multi-branch-user") == [
        "child-a-role",
        "child-b-role",
        "default-roles-org-acme",
        "division-role",
        "team-a-role",
        "team-b-role",
        "team-composite",
        "team-composite-child",
    ]
    assert await _roles_claim(env, "standalone-user") == ["default-roles-org-acme"]
    assert await change(env, "DELETE", org, child_a, [composite]) == 204
    roles = await _roles_claim(env, "multi-branch-user")
    assert "team-composite" not in roles and "team-composite-child" not in roles


async def test_independent_sources_keep_role_until_last_source_is_removed(realm: Env) -> None:
    """testIndependentSourcesKeepRoleUntilLastSourceIsRemoved: a role held directly, through a group and through
    the default role shows once, and stays until the last source goes."""
    env = realm
    org = await organization(env, "acme")
    source_team = await group(env, org, "source-team")
    shared = await org_role(env, org, "shared-role")
    user = await member(env, org, "multi-source-user", "multi-source@acme.org")
    assert (await call(env, "PUT", f"{ORGS}/{org}/groups/{source_team}/members/{user}"))[0] == 204
    await post(env, f"{ORGS}/{org}/roles/{shared['id']}/users", [{"id": user}])
    assert await change(env, "POST", org, source_team, [shared]) == 204
    status, default = await call(env, "GET", f"{ORGS}/{org}/roles/default")
    await post(env, f"{ORGS}/{org}/roles/{default['id']}/composites", [shared])
    await role_mapper(env)
    assert (await _roles_claim(env, "multi-source-user")).count("shared-role") == 1
    assert await change(env, "DELETE", org, source_team, [shared]) == 204
    status, _ = await call(env, "DELETE", f"{ORGS}/{org}/roles/{shared['id']}/users", [{"id": user}])
    assert status == 204
    assert "shared-role" in await _roles_claim(env, "multi-source-user")
    status, _ = await call(env, "DELETE", f"{ORGS}/{org}/roles/{default['id']}/composites", [shared])
    assert status == 204
    assert "shared-role" not in await _roles_claim(env, "multi-source-user")


async def test_group_deletion_drops_its_role_mappings(realm: Env) -> None:
    """Deleting the group or the role removes the mapping (foreign keys): the member loses the role."""
    env = realm
    org = await organization(env, "acme")
    gid = await group(env, org, "team")
    role = await org_role(env, org, "team-role")
    user = await member(env, org, "team-user", "team-user@acme.org")
    assert (await call(env, "PUT", f"{ORGS}/{org}/groups/{gid}/members/{user}"))[0] == 204
    assert await change(env, "POST", org, gid, [role]) == 204
    await role_mapper(env)
    assert "team-role" in await _roles_claim(env, "team-user")
    assert (await call(env, "DELETE", f"{ORGS}/{org}/roles/{role['id']}"))[0] == 204
    assert await _roles_claim(env, "team-user") == ["default-roles-org-acme"]
    again = await org_role(env, org, "team-role")
    assert await change(env, "POST", org, gid, [again]) == 204
    assert (await call(env, "DELETE", f"{ORGS}/{org}/groups/{gid}"))[0] == 204
    assert await _roles_claim(env, "team-user") == ["default-roles-org-acme"]
    async with env.db.transaction() as tx:
        assert await tx.organization_group_roles.of_organization(org) == []
