"""Keycloak's OrganizationGroupUserQueryTest (testsuite organization/group), one test per Java method: a user's
organization groups stay out of the realm's user APIs and show through the organization's."""

from __future__ import annotations

import pytest

from org_groups import engineering_pair, get, group, member, organization, status
from wire_env import Env

pytestmark = pytest.mark.anyio
ADMIN = "/admin/realms/test"


async def _realm_group(env: Env, name: str, user: str) -> None:
    h = await env.admin_headers()
    made = await env.http.post(f"{ADMIN}/groups", json={"name": name}, headers=h)
    assert made.status_code == 201
    gid = made.headers["location"].rsplit("/", 1)[1]
    assert (await env.http.put(f"{ADMIN}/users/{user}/groups/{gid}", headers=h)).status_code == 204


async def _user_groups(env: Env, user: str) -> list[str]:
    found = await env.http.get(f"{ADMIN}/users/{user}/groups", headers=await env.admin_headers())
    assert found.status_code == 200
    return [g["name"] for g in found.json()]


async def test_user_get_groups_does_not_include_org_groups(realm: Env) -> None:
    org = await organization(realm)
    user = await member(realm, org, "alice")
    await _realm_group(realm, "RealmGroup", user)
    gid = await group(realm, org, "Engineering")
    assert await status(realm, "PUT", f"{org}/groups/{gid}/members/{user}") == 204
    names = await _user_groups(realm, user)
    assert "RealmGroup" in names and "Engineering" not in names


async def test_get_org_group_members_via_org_api(realm: Env) -> None:
    org, gid = await engineering_pair(realm)
    assert len(await get(realm, f"{org}/groups/{gid}/members", briefRepresentation="true")) == 2


async def test_user_in_multiple_org_groups_across_orgs(realm: Env) -> None:
    org_a, org_b = await organization(realm, "orga"), await organization(realm, "orgb")
    user = await member(realm, org_a, "multiorg", "multiorg@example.com")
    assert await status(realm, "POST", f"{org_b}/members", user) == 201
    a1, a2 = await group(realm, org_a, "EngineeringA"), await group(realm, org_a, "SalesA")
    b1 = await group(realm, org_b, "EngineeringB")
    for org, gid in ((org_a, a1), (org_a, a2), (org_b, b1)):
        assert await status(realm, "PUT", f"{org}/groups/{gid}/members/{user}") == 204
    for org, gid in ((org_a, a1), (org_a, a2), (org_b, b1)):
        assert len(await get(realm, f"{org}/groups/{gid}/members", briefRepresentation="true")) == 1


async def test_groups_count_does_not_include_org_groups(realm: Env) -> None:
    org = await organization(realm)
    user = await member(realm, org, "alice")
    await _realm_group(realm, "RealmGroup1", user)
    await _realm_group(realm, "RealmGroup2", user)
    for i in (1, 2, 3):
        gid = await group(realm, org, f"OrgGroup{i}")
        assert await status(realm, "PUT", f"{org}/groups/{gid}/members/{user}") == 204
    assert sorted(await _user_groups(realm, user)) == ["RealmGroup1", "RealmGroup2"]


async def test_querying_non_existent_org_group_returns_not_found(realm: Env) -> None:
    org = await organization(realm)
    assert await status(realm, "GET", f"{org}/groups/non-existent-id") == 404
