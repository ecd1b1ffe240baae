"""Keycloak's OrganizationGroupMembershipTest (testsuite organization/group), one test per Java method: a member's
explicit memberships of the organization's groups, on top of the organization membership, and the member's
``members/{id}/groups`` listing."""

from __future__ import annotations

import pytest

from org_groups import get, group, member, organization, status
from support import seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio


async def _join(env: Env, org: str, gid: str, user: str) -> None:
    assert await status(env, "PUT", f"{org}/groups/{gid}/members/{user}") == 204


async def _count(env: Env, org: str, gid: str) -> int:
    return len(await get(env, f"{org}/groups/{gid}/members", briefRepresentation="true"))


async def _groups_of(env: Env, org: str, user: str, **params: int) -> list[str]:
    return [g["name"] for g in await get(env, f"{org}/members/{user}/groups", briefRepresentation="true", **params)]


async def test_dual_membership_model(realm: Env) -> None:
    org = await organization(realm)
    user, backend = await member(realm, org, "alice"), await group(realm, org, "Backend")
    await _join(realm, org, backend, user)
    assert [m["id"] for m in await get(realm, f"{org}/groups/{backend}/members", briefRepresentation="false")] == [user]
    assert [m["id"] for m in await get(realm, f"{org}/members")] == [user]


async def test_org_membership_required_before_group_membership(realm: Env) -> None:
    org = await organization(realm)
    outsider = (await seed_user(realm.db, realm.clock, "test", "nonmember", email="nonmember@example.com")).id
    gid = await group(realm, org, "Engineering")
    assert await status(realm, "PUT", f"{org}/groups/{gid}/members/{outsider}") == 400


async def _in_two_groups(realm: Env) -> tuple[str, str, str, str]:
    """An organization, its member alice, and its groups Engineering and Sales she is in."""
    org = await organization(realm)
    user = await member(realm, org, "alice")
    engineering, sales = await group(realm, org, "Engineering"), await group(realm, org, "Sales")
    for gid in (engineering, sales):
        await _join(realm, org, gid, user)
    return org, user, engineering, sales


async def test_member_in_multiple_org_groups(realm: Env) -> None:
    org, _, engineering, sales = await _in_two_groups(realm)
    assert (await _count(realm, org, engineering), await _count(realm, org, sales)) == (1, 1)


async def test_remove_from_group_does_not_remove_from_org(realm: Env) -> None:
    org = await organization(realm)
    user, backend = await member(realm, org, "alice"), await group(realm, org, "Backend")
    await _join(realm, org, backend, user)
    assert await status(realm, "DELETE", f"{org}/groups/{backend}/members/{user}") == 204
    assert await _count(realm, org, backend) == 0
    assert len(await get(realm, f"{org}/members")) == 1


async def test_remove_from_org_removes_from_all_org_groups(realm: Env) -> None:
    org, user, engineering, sales = await _in_two_groups(realm)
    assert await status(realm, "DELETE", f"{org}/members/{user}") == 204
    assert (await _count(realm, org, engineering), await _count(realm, org, sales)) == (0, 0)


async def test_nested_group_membership_is_explicit(realm: Env) -> None:
    org = await organization(realm)
    user, engineering = await member(realm, org, "alice"), await group(realm, org, "Engineering")
    backend = await group(realm, org, "Backend", parent=engineering)
    await _join(realm, org, backend, user)
    assert (await _count(realm, org, backend), await _count(realm, org, engineering)) == (1, 0)


async def test_member_of_parent_and_child(realm: Env) -> None:
    org = await organization(realm)
    user, engineering = await member(realm, org, "alice"), await group(realm, org, "Engineering")
    backend = await group(realm, org, "Backend", parent=engineering)
    for gid in (engineering, backend):
        await _join(realm, org, gid, user)
    assert (await _count(realm, org, engineering), await _count(realm, org, backend)) == (1, 1)


async def test_add_same_member_twice_returns_conflict(realm: Env) -> None:
    org = await organization(realm)
    user, gid = await member(realm, org, "alice"), await group(realm, org, "Engineering")
    await _join(realm, org, gid, user)
    assert await status(realm, "PUT", f"{org}/groups/{gid}/members/{user}") == 409


async def test_get_member_group_memberships(realm: Env) -> None:
    org = await organization(realm)
    user = await member(realm, org, "alice")
    for name in ("Engineering", "Sales", "Support"):
        await _join(realm, org, await group(realm, org, name), user)
    assert sorted(await _groups_of(realm, org, user)) == ["Engineering", "Sales", "Support"]


async def test_get_member_group_memberships_with_pagination(realm: Env) -> None:
    org = await organization(realm)
    user = await member(realm, org, "alice")
    for i in range(5):
        await _join(realm, org, await group(realm, org, f"Group{i}"), user)
    pages = [await _groups_of(realm, org, user, first=first, max=2) for first in (0, 2, 4)]
    assert [len(p) for p in pages] == [2, 2, 1]
    assert len(await _groups_of(realm, org, user)) == 5


async def test_get_member_group_memberships_empty(realm: Env) -> None:
    org = await organization(realm)
    assert await _groups_of(realm, org, await member(realm, org, "alice")) == []


async def test_get_member_group_memberships_with_hierarchy(realm: Env) -> None:
    org = await organization(realm)
    user, engineering = await member(realm, org, "alice"), await group(realm, org, "Engineering")
    await _join(realm, org, await group(realm, org, "Backend", parent=engineering), user)
    assert await _groups_of(realm, org, user) == ["Backend"]


async def test_get_member_group_memberships_after_removal(realm: Env) -> None:
    org = await organization(realm)
    user = await member(realm, org, "alice")
    engineering, sales = await group(realm, org, "Engineering"), await group(realm, org, "Sales")
    for gid in (engineering, sales):
        await _join(realm, org, gid, user)
    assert len(await _groups_of(realm, org, user)) == 2
    assert await status(realm, "DELETE", f"{org}/groups/{engineering}/members/{user}") == 204
    assert await _groups_of(realm, org, user) == ["Sales"]
