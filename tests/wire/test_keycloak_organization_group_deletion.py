"""Keycloak's OrganizationGroupDeletionTest (testsuite organization/group), one test per Java method: what deleting
an organization, a group or a membership leaves behind."""

from __future__ import annotations

import pytest

from org_groups import engineering_pair, get, group, member, organization, status, stored
from wire_env import Env

pytestmark = pytest.mark.anyio
USERS = "/admin/realms/test/users"


async def test_delete_org_deletes_all_groups(realm: Env) -> None:
    org = await organization(realm)
    engineering, sales = await group(realm, org, "Engineering"), await group(realm, org, "Sales")
    backend = await group(realm, org, "Backend", parent=engineering)
    assert len(await get(realm, f"{org}/groups", briefRepresentation="true", populateHierarchy="false")) == 2
    assert await status(realm, "DELETE", org) == 204
    assert await status(realm, "GET", org) == 404
    for gid in (engineering, sales, backend):
        assert not await stored(realm, gid)


async def test_delete_org_with_unmanaged_members(realm: Env) -> None:
    org = await organization(realm)
    user = await member(realm, org, "unmanaged", "unmanaged@example.com")
    gid = await group(realm, org, "Engineering")
    assert await status(realm, "PUT", f"{org}/groups/{gid}/members/{user}") == 204
    assert len(await get(realm, f"{org}/groups/{gid}/members", briefRepresentation="true")) == 1
    assert await status(realm, "DELETE", org) == 204
    found = await realm.http.get(f"{USERS}/{user}", headers=await realm.admin_headers())
    assert (found.status_code, found.json()["email"]) == (200, "unmanaged@example.com")


async def test_delete_org_with_nested_groups_and_members(realm: Env) -> None:
    org = await organization(realm)
    user = await member(realm, org, "alice")
    engineering = await group(realm, org, "Engineering")
    backend = await group(realm, org, "Backend", parent=engineering)
    assert await status(realm, "PUT", f"{org}/groups/{backend}/members/{user}") == 204
    assert await status(realm, "DELETE", org) == 204
    found = await realm.http.get(f"{USERS}/{user}", headers=await realm.admin_headers())
    assert found.status_code == 200
    assert not await stored(realm, engineering) and not await stored(realm, backend)


async def test_delete_group_removes_members(realm: Env) -> None:
    org, gid = await engineering_pair(realm)
    assert len(await get(realm, f"{org}/groups/{gid}/members", briefRepresentation="true")) == 2
    assert await status(realm, "DELETE", f"{org}/groups/{gid}") == 204
    assert len(await get(realm, f"{org}/members")) == 2
    assert await status(realm, "GET", f"{org}/groups/{gid}") == 404


async def test_delete_nested_group_does_not_delete_parent(realm: Env) -> None:
    org = await organization(realm)
    engineering = await group(realm, org, "Engineering")
    backend = await group(realm, org, "Backend", parent=engineering)
    assert await status(realm, "DELETE", f"{org}/groups/{backend}") == 204
    assert (await get(realm, f"{org}/groups/{engineering}"))["name"] == "Engineering"
    assert await get(realm, f"{org}/groups/{engineering}/children") == []


async def test_multi_org_user_removed_from_one_org(realm: Env) -> None:
    org_a, org_b = await organization(realm, "orga"), await organization(realm, "orgb")
    user = await member(realm, org_a, "multiorg", "multiorg@example.com")
    added = await realm.http.post(
        f"/admin/realms/test/organizations/{org_b}/members", content=user, headers=await realm.admin_headers()
    )
    assert added.status_code == 201
    group_a, group_b = await group(realm, org_a, "EngineeringA"), await group(realm, org_b, "EngineeringB")
    assert await status(realm, "PUT", f"{org_a}/groups/{group_a}/members/{user}") == 204
    assert await status(realm, "PUT", f"{org_b}/groups/{group_b}/members/{user}") == 204
    assert await status(realm, "DELETE", f"{org_a}/members/{user}") == 204
    assert (await realm.http.get(f"{USERS}/{user}", headers=await realm.admin_headers())).status_code == 200
    assert await get(realm, f"{org_a}/members") == []
    assert len(await get(realm, f"{org_b}/members")) == 1
    assert len(await get(realm, f"{org_b}/groups/{group_b}/members", briefRepresentation="true")) == 1
