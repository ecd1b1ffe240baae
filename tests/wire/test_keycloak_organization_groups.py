"""Keycloak's OrganizationGroupsTest (testsuite organization/group), one test per Java method: an organization's
groups made, read, renamed, nested, moved and deleted, and its members joining them, through the Admin REST."""

from __future__ import annotations

import pytest

from org_groups import get, group, member, organization, status
from support import seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio


async def test_create_organization_group(realm: Env) -> None:
    org = await organization(realm)
    assert await status(realm, "POST", f"{org}/groups", {"name": "test-group"}) == 201
    assert [(g["name"], g["path"]) for g in await get(realm, f"{org}/groups")] == [("test-group", "/test-group")]


async def test_create_duplicate_group_name(realm: Env) -> None:
    org = await organization(realm)
    assert await status(realm, "POST", f"{org}/groups", {"name": "duplicate-group"}) == 201
    assert await status(realm, "POST", f"{org}/groups", {"name": "duplicate-group"}) == 409


async def test_get_organization_group(realm: Env) -> None:
    org = await organization(realm)
    made = await realm.http.post(
        f"/admin/realms/test/organizations/{org}/groups",
        json={"name": "test-group"},
        headers=await realm.admin_headers(),
    )
    assert made.status_code == 201
    gid = made.headers["location"].rsplit("/", 1)[1]  # ApiUtil.getCreatedId
    found = await get(realm, f"{org}/groups/{gid}")
    assert (found["name"], found["path"]) == ("test-group", "/test-group")


async def test_update_organization_group(realm: Env) -> None:
    org = await organization(realm)
    gid = await group(realm, org, "original-name", description="Original description")
    body = {"name": "updated-name", "description": "Updated description"}
    assert await status(realm, "PUT", f"{org}/groups/{gid}", body) == 204
    found = await get(realm, f"{org}/groups/{gid}")
    assert (found["name"], found["path"], found["description"]) == (
        "updated-name",
        "/updated-name",
        "Updated description",
    )


async def test_delete_organization_group(realm: Env) -> None:
    org = await organization(realm)
    gid = await group(realm, org, "test-group")
    assert await status(realm, "DELETE", f"{org}/groups/{gid}") == 204
    assert await get(realm, f"{org}/groups", first=0, max=10) == []


async def test_create_sub_group(realm: Env) -> None:
    org = await organization(realm)
    parent = await group(realm, org, "parent-group")
    assert await status(realm, "POST", f"{org}/groups/{parent}/children", {"name": "child-group"}) == 201
    subs = await get(realm, f"{org}/groups/{parent}/children", first=0, max=10)
    assert [(g["name"], g["path"]) for g in subs] == [("child-group", "/parent-group/child-group")]


async def test_member_join_group(realm: Env) -> None:
    org = await organization(realm)
    user, gid = await member(realm, org, "alice"), await group(realm, org, "test-group")
    assert await status(realm, "PUT", f"{org}/groups/{gid}/members/{user}") == 204
    listed = await get(realm, f"{org}/groups/{gid}/members", first=0, max=10, briefRepresentation="false")
    assert [m["id"] for m in listed] == [user]


async def test_member_leave_group(realm: Env) -> None:
    org = await organization(realm)
    user, gid = await member(realm, org, "alice"), await group(realm, org, "test-group")
    assert await status(realm, "PUT", f"{org}/groups/{gid}/members/{user}") == 204
    assert len(await get(realm, f"{org}/groups/{gid}/members", first=0, max=10)) == 1
    assert await status(realm, "DELETE", f"{org}/groups/{gid}/members/{user}") == 204
    assert await get(realm, f"{org}/groups/{gid}/members", first=0, max=10) == []


async def test_non_member_cannot_join_group(realm: Env) -> None:
    org = await organization(realm)
    outsider = (await seed_user(realm.db, realm.clock, "test", "nonmember", email="nonmember@example.com")).id
    gid = await group(realm, org, "test-group")
    assert await status(realm, "PUT", f"{org}/groups/{gid}/members/{outsider}") == 400


async def test_member_already_in_group(realm: Env) -> None:
    org = await organization(realm)
    user, gid = await member(realm, org, "alice"), await group(realm, org, "test-group")
    assert await status(realm, "PUT", f"{org}/groups/{gid}/members/{user}") == 204
    assert await status(realm, "PUT", f"{org}/groups/{gid}/members/{user}") == 409


async def test_cannot_join_organization_group_via_user_api(realm: Env) -> None:
    org = await organization(realm)
    user, gid = await member(realm, org, "alice"), await group(realm, org, "test-group")
    joined = await realm.http.put(f"/admin/realms/test/users/{user}/groups/{gid}", headers=await realm.admin_headers())
    assert joined.status_code == 400


async def test_move_group_within_organization(realm: Env) -> None:
    org = await organization(realm)
    parent1, parent2 = await group(realm, org, "parent1"), await group(realm, org, "parent2")
    child = await group(realm, org, "child-group", parent=parent1)
    assert [g["name"] for g in await get(realm, f"{org}/groups/{parent1}/children", first=0, max=10)] == ["child-group"]
    moved = {"id": child, "name": "child-group"}
    assert await status(realm, "POST", f"{org}/groups/{parent2}/children", moved) == 204
    assert await get(realm, f"{org}/groups/{parent1}/children", first=0, max=10) == []
    assert [g["name"] for g in await get(realm, f"{org}/groups/{parent2}/children", first=0, max=10)] == ["child-group"]


async def test_cannot_move_group_to_different_organization(realm: Env) -> None:
    org1, org2 = await organization(realm, "org1"), await organization(realm, "org2")
    gid, parent = await group(realm, org1, "test-group"), await group(realm, org2, "parent-group")
    moved = {"id": gid, "name": "test-group"}
    assert await status(realm, "POST", f"{org2}/groups/{parent}/children", moved) == 400


async def test_search_groups_by_name_non_exact(realm: Env) -> None:
    org = await organization(realm)
    for name in ("sales", "sales-team", "marketing", "engineering"):
        await group(realm, org, name)
    found = await get(realm, f"{org}/groups", search="sales", exact="false")
    assert sorted(g["name"] for g in found) == ["sales", "sales-team"]
