"""Keycloak's OrganizationGroupIsolationTest (testsuite organization/group), one test per Java method: an
organization's groups stay apart from the realm's groups and from other organizations'.
testCannotUseOrgGroupInAuthorizationPolicy is left out: Doorkeep has no Authorization Services."""

from __future__ import annotations

import pytest

from org_groups import get, group, member, organization, status
from wire_env import Env

pytestmark = pytest.mark.anyio
GROUPS = "/admin/realms/test/groups"


async def _realm_group(env: Env, name: str) -> str:
    made = await env.http.post(GROUPS, json={"name": name}, headers=await env.admin_headers())
    assert made.status_code == 201
    return str(made.headers["location"].rsplit("/", 1)[1])


async def test_org_groups_not_in_realm_groups_api(realm: Env) -> None:
    org = await organization(realm)
    assert await status(realm, "POST", f"{org}/groups", {"name": "Engineering"}) == 201
    await _realm_group(realm, "RealmGroup")
    names = [g["name"] for g in (await realm.http.get(GROUPS, headers=await realm.admin_headers())).json()]
    assert "RealmGroup" in names and "Engineering" not in names


async def test_org_groups_isolated_between_organizations(realm: Env) -> None:
    org_a, org_b = await organization(realm, "orga"), await organization(realm, "orgb")
    group_a, group_b = await group(realm, org_a, "Engineering"), await group(realm, org_b, "Sales")
    assert [g["name"] for g in await get(realm, f"{org_a}/groups", first=0, max=10, briefRepresentation="true")] == [
        "Engineering"
    ]
    assert [g["name"] for g in await get(realm, f"{org_b}/groups", first=0, max=10, briefRepresentation="true")] == [
        "Sales"
    ]
    assert await status(realm, "GET", f"{org_a}/groups/{group_b}") == 400
    assert await status(realm, "GET", f"{org_b}/groups/{group_a}") == 400


async def test_cannot_add_member_from_different_org(realm: Env) -> None:
    org_a, org_b = await organization(realm, "orga"), await organization(realm, "orgb")
    alice = await member(realm, org_a, "alice", "alice@orga.com")
    group_b = await group(realm, org_b, "Sales")
    assert await status(realm, "PUT", f"{org_b}/groups/{group_b}/members/{alice}") == 400


async def test_multi_org_user_sees_groups_from_both_orgs(realm: Env) -> None:
    org_a, org_b = await organization(realm, "orga"), await organization(realm, "orgb")
    user = await member(realm, org_a, "multiorg", "multiorg@example.com")
    assert await status(realm, "POST", f"{org_b}/members", user) == 201
    group_a, group_b = await group(realm, org_a, "EngineeringA"), await group(realm, org_b, "SalesB")
    assert await status(realm, "PUT", f"{org_a}/groups/{group_a}/members/{user}") == 204
    assert await status(realm, "PUT", f"{org_b}/groups/{group_b}/members/{user}") == 204
    assert len(await get(realm, f"{org_a}/groups/{group_a}/members", briefRepresentation="true")) == 1
    assert len(await get(realm, f"{org_b}/groups/{group_b}/members", briefRepresentation="true")) == 1


async def test_org_groups_separate_from_realm_groups_with_same_name(realm: Env) -> None:
    org = await organization(realm)
    org_group = await group(realm, org, "Engineering")
    realm_group = await _realm_group(realm, "Engineering")
    assert (await get(realm, f"{org}/groups/{org_group}"))["name"] == "Engineering"
    found = await realm.http.get(f"{GROUPS}/{realm_group}", headers=await realm.admin_headers())
    assert (found.json()["name"], found.json()["id"]) == ("Engineering", realm_group)
    assert org_group != realm_group


async def test_search_org_groups_does_not_return_realm_groups(realm: Env) -> None:
    org = await organization(realm)
    await group(realm, org, "Engineering")
    await _realm_group(realm, "Engineering-Realm")
    found = await get(realm, f"{org}/groups", search="Engineering", briefRepresentation="true")
    assert [g["name"] for g in found] == ["Engineering"]
