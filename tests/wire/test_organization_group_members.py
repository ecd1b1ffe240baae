"""Members of organization groups through the Admin REST (Keycloak 26.6's OrganizationGroupResource). Ported in
part from Keycloak's OrganizationGroupsTest and OrganizationGroupIsolationTest; the Keycloak method each test
follows is named in its docstring."""

from __future__ import annotations

import pytest

from admin_support import admin_events, enable_admin_events
from org_groups import get, group, member, organization
from org_invitations import ORGS
from support import seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio


async def test_a_member_joins_is_listed_and_leaves(realm: Env) -> None:
    """OrganizationGroupsTest.testMemberJoinGroup, testMemberLeaveGroup, testMemberAlreadyInGroup."""
    env = realm
    org, h = await organization(env), await env.admin_headers()
    gid = await group(env, org, "team")
    alice, bob = await member(env, org, "alice"), await member(env, org, "bob")
    for user in (bob, alice):
        assert (await env.http.put(f"{ORGS}/{org}/groups/{gid}/members/{user}", headers=h)).status_code == 204
    again = await env.http.put(f"{ORGS}/{org}/groups/{gid}/members/{alice}", headers=h)
    assert (again.status_code, again.json()) == (409, {"errorMessage": "User is already a member of the group"})
    listed = await get(env, f"{org}/groups/{gid}/members")
    assert [(m["username"], m["membershipType"]) for m in listed] == [("alice", "UNMANAGED"), ("bob", "UNMANAGED")]
    assert "attributes" not in (await get(env, f"{org}/groups/{gid}/members", briefRepresentation="true"))[0]
    assert [m["username"] for m in await get(env, f"{org}/groups/{gid}/members", first=1, max=5)] == ["bob"]
    assert (await env.http.delete(f"{ORGS}/{org}/groups/{gid}/members/{alice}", headers=h)).status_code == 204
    assert (await env.http.delete(f"{ORGS}/{org}/groups/{gid}/members/{alice}", headers=h)).status_code == 204
    assert [m["username"] for m in await get(env, f"{org}/groups/{gid}/members")] == ["bob"]
    assert [g["name"] for g in await get(env, f"{org}/groups")] == ["team"]  # the group stays


async def test_only_members_of_the_organization_join_its_groups(realm: Env) -> None:
    """OrganizationGroupsTest.testNonMemberCannotJoinGroup, OrganizationGroupIsolationTest
    .testCannotAddMemberFromDifferentOrg, testMultiOrgUserSeesGroupsFromBothOrgs; a user of another realm or none
    is 404."""
    env = realm
    org, other, h = await organization(env), await organization(env, "other"), await env.admin_headers()
    gid, theirs = await group(env, org, "team"), await group(env, other, "sales")
    outsider = (await seed_user(env.db, env.clock, "test", "outsider")).id
    refused = await env.http.put(f"{ORGS}/{org}/groups/{gid}/members/{outsider}", headers=h)
    assert (refused.status_code, refused.json()) == (400, {"errorMessage": "User is not member of the organization"})
    alice = await member(env, org, "alice")
    across = await env.http.put(f"{ORGS}/{other}/groups/{theirs}/members/{alice}", headers=h)
    assert across.status_code == 400
    assert (await env.http.post(f"{ORGS}/{other}/members", content=alice, headers=h)).status_code == 201
    assert (await env.http.put(f"{ORGS}/{other}/groups/{theirs}/members/{alice}", headers=h)).status_code == 204
    assert (await env.http.put(f"{ORGS}/{org}/groups/{gid}/members/{alice}", headers=h)).status_code == 204
    wrong_org = await env.http.put(f"{ORGS}/{org}/groups/{theirs}/members/{alice}", headers=h)
    assert (wrong_org.status_code, wrong_org.json()["errorMessage"]) == (
        400,
        "Group does not belong to the organization",
    )
    await seed_realm(env.db, env.clock, name="elsewhere")
    stranger = (await seed_user(env.db, env.clock, "elsewhere", "stranger")).id
    for user in (stranger, "no-such-user"):
        missing = await env.http.put(f"{ORGS}/{org}/groups/{gid}/members/{user}", headers=h)
        assert (missing.status_code, missing.json()) == (404, {"errorMessage": "User does not exist"})
        gone = await env.http.delete(f"{ORGS}/{org}/groups/{gid}/members/{user}", headers=h)
        assert gone.status_code == 404


async def test_leaving_the_organization_leaves_its_groups(realm: Env) -> None:
    """A member removed from the organization is no longer in its groups (Keycloak removes the user from the
    organization's group tree); another organization's groups keep them; deleting the user empties the group."""
    env = realm
    org, other, h = await organization(env), await organization(env, "other"), await env.admin_headers()
    top = await group(env, org, "top")
    child = await group(env, org, "child", parent=top)
    theirs = await group(env, other, "theirs")
    alice, bob = await member(env, org, "alice"), await member(env, org, "bob")
    assert (await env.http.post(f"{ORGS}/{other}/members", content=alice, headers=h)).status_code == 201
    for gid, o in ((top, org), (child, org), (theirs, other)):
        assert (await env.http.put(f"{ORGS}/{o}/groups/{gid}/members/{alice}", headers=h)).status_code == 204
    assert (await env.http.put(f"{ORGS}/{org}/groups/{top}/members/{bob}", headers=h)).status_code == 204
    assert (await env.http.delete(f"{ORGS}/{org}/members/{alice}", headers=h)).status_code == 204
    assert [m["username"] for m in await get(env, f"{org}/groups/{top}/members")] == ["bob"]
    assert await get(env, f"{org}/groups/{child}/members") == []
    assert [m["username"] for m in await get(env, f"{other}/groups/{theirs}/members")] == ["alice"]
    assert (await env.http.delete(f"/admin/realms/test/users/{bob}", headers=h)).status_code == 204
    assert await get(env, f"{org}/groups/{top}/members") == []


async def test_the_realm_user_api_refuses_organization_groups(realm: Env) -> None:
    """OrganizationGroupsTest.testCannotJoinOrganizationGroupViaUserAPI: UserResource refuses a group of an
    organization (400), and its groups list does not show them."""
    env = realm
    org, h = await organization(env), await env.admin_headers()
    gid = await group(env, org, "team")
    alice = await member(env, org, "alice")
    joined = await env.http.put(f"/admin/realms/test/users/{alice}/groups/{gid}", headers=h)
    assert (joined.status_code, joined.json()) == (
        400,
        {"errorMessage": "Cannot access organization related group via non Organization API."},
    )
    assert (await env.http.delete(f"/admin/realms/test/users/{alice}/groups/{gid}", headers=h)).status_code == 400
    assert (await env.http.put(f"{ORGS}/{org}/groups/{gid}/members/{alice}", headers=h)).status_code == 204
    assert (await env.http.get(f"/admin/realms/test/users/{alice}/groups", headers=h)).json() == []


async def test_membership_changes_record_organization_group_membership_events(realm: Env) -> None:
    """joinGroup and leaveGroup record CREATE / DELETE ORGANIZATION_GROUP_MEMBERSHIP at the request's path with
    the group's brief representation; removing a user who was not in the group records nothing."""
    env = realm
    await enable_admin_events(env)
    org, h = await organization(env), await env.admin_headers()
    gid = await group(env, org, "team")
    alice = await member(env, org, "alice")
    await env.http.put(f"{ORGS}/{org}/groups/{gid}/members/{alice}", headers=h)
    await env.http.delete(f"{ORGS}/{org}/groups/{gid}/members/{alice}", headers=h)
    await env.http.delete(f"{ORGS}/{org}/groups/{gid}/members/{alice}", headers=h)
    found = await admin_events(env, resourceTypes="ORGANIZATION_GROUP_MEMBERSHIP")
    path = f"organizations/{org}/groups/{gid}/members/{alice}"
    assert sorted((e["operationType"], e["resourcePath"]) for e in found) == [("CREATE", path), ("DELETE", path)]


async def test_a_members_groups_are_listed_searched_and_refused_for_non_members(realm: Env) -> None:
    """``members/{id}/groups`` (OrganizationMemberResource.groupMemberships): brief by default, ``search`` over the
    names, 404 for a user outside the organization."""
    env = realm
    org, h = await organization(env), await env.admin_headers()
    alice = await member(env, org, "alice")
    top = await group(env, org, "sales", attributes={"k": ["v"]})
    for gid in (top, await group(env, org, "ops", parent=top)):
        assert (await env.http.put(f"{ORGS}/{org}/groups/{gid}/members/{alice}", headers=h)).status_code == 204
    brief = await get(env, f"{org}/members/{alice}/groups")
    assert [(g["name"], g["path"], "attributes" in g) for g in brief] == [
        ("ops", "/sales/ops", False),
        ("sales", "/sales", False),
    ]
    full = await get(env, f"{org}/members/{alice}/groups", briefRepresentation="false", search="SAL")
    assert [(g["name"], g["attributes"]) for g in full] == [("sales", {"k": ["v"]})]
    outsider = (await seed_user(env.db, env.clock, "test", "outsider")).id
    for user in (outsider, "no-such-user"):
        assert (await env.http.get(f"{ORGS}/{org}/members/{user}/groups", headers=h)).status_code == 404


async def test_a_member_of_a_subgroup_is_already_a_member_of_the_groups_above_it(realm: Env) -> None:
    """joinGroup's user.isMemberOf (RoleUtils.isMember counts the user's groups' ancestors): joining a group above
    the user's subgroup is 409; leaving it records the DELETE event while the user stays in the subgroup."""
    env = realm
    await enable_admin_events(env)
    org, h = await organization(env), await env.admin_headers()
    top = await group(env, org, "top")
    middle = await group(env, org, "middle", parent=top)
    leaf = await group(env, org, "leaf", parent=middle)
    alice = await member(env, org, "alice")
    assert (await env.http.put(f"{ORGS}/{org}/groups/{leaf}/members/{alice}", headers=h)).status_code == 204
    for gid in (middle, top):
        again = await env.http.put(f"{ORGS}/{org}/groups/{gid}/members/{alice}", headers=h)
        assert (again.status_code, again.json()) == (409, {"errorMessage": "User is already a member of the group"})
        assert await get(env, f"{org}/groups/{gid}/members") == []
    assert (await env.http.delete(f"{ORGS}/{org}/groups/{top}/members/{alice}", headers=h)).status_code == 204
    assert [m["username"] for m in await get(env, f"{org}/groups/{leaf}/members")] == ["alice"]
    found = await admin_events(env, resourceTypes="ORGANIZATION_GROUP_MEMBERSHIP")
    assert sorted((e["operationType"], e["resourcePath"].split("/")[3]) for e in found) == [
        ("CREATE", leaf),
        ("DELETE", top),
    ]
