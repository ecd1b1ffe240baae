"""Keycloak's OrganizationGroupHierarchyTest (testsuite organization/group), one test per Java method: an
organization's group tree, its top level hanging from the organization's internal group."""

from __future__ import annotations

import pytest

from org_groups import get, group, organization, status
from wire_env import Env

pytestmark = pytest.mark.anyio


async def test_top_level_group_is_child_of_internal_group(realm: Env) -> None:
    org = await organization(realm)
    found = await get(realm, f"{org}/groups/{await group(realm, org, 'Engineering')}")
    assert found["name"] == "Engineering"
    assert found["parentId"]  # the organization's internal group


async def test_nested_group_hierarchy(realm: Env) -> None:
    org = await organization(realm)
    engineering = await group(realm, org, "Engineering")
    backend = await group(realm, org, "Backend", parent=engineering)
    assert (await get(realm, f"{org}/groups/{backend}"))["parentId"] == engineering
    assert [g["name"] for g in await get(realm, f"{org}/groups/{engineering}/children")] == ["Backend"]


async def test_multi_level_nesting(realm: Env) -> None:
    org = await organization(realm)
    engineering = await group(realm, org, "Engineering")
    backend = await group(realm, org, "Backend", parent=engineering)
    platform = await group(realm, org, "Platform", parent=backend)
    assert (await get(realm, f"{org}/groups/{platform}"))["parentId"] == backend
    assert (await get(realm, f"{org}/groups/{backend}"))["parentId"] == engineering
    assert (await get(realm, f"{org}/groups/{engineering}"))["parentId"]


async def test_multiple_top_level_groups(realm: Env) -> None:
    org = await organization(realm)
    engineering = await get(realm, f"{org}/groups/{await group(realm, org, 'Engineering')}")
    sales = await get(realm, f"{org}/groups/{await group(realm, org, 'Sales')}")
    assert engineering["parentId"] and sales["parentId"]
    assert engineering["parentId"] == sales["parentId"]


async def test_complex_hierarchy(realm: Env) -> None:
    org = await organization(realm)
    engineering, sales = await group(realm, org, "Engineering"), await group(realm, org, "Sales")
    for parent, name in ((engineering, "Backend"), (engineering, "Frontend"), (sales, "Enterprise"), (sales, "SMB")):
        assert await status(realm, "POST", f"{org}/groups/{parent}/children", {"name": name}) == 201
    assert len(await get(realm, f"{org}/groups/{engineering}/children")) == 2
    assert len(await get(realm, f"{org}/groups/{sales}/children")) == 2


async def test_delete_parent_cascades_to_children(realm: Env) -> None:
    org = await organization(realm)
    engineering = await group(realm, org, "Engineering")
    backend = await group(realm, org, "Backend", parent=engineering)
    assert await status(realm, "DELETE", f"{org}/groups/{engineering}") == 204
    assert await status(realm, "GET", f"{org}/groups/{backend}") == 404


async def test_get_all_groups_returns_top_level_only(realm: Env) -> None:
    org = await organization(realm)
    engineering = await group(realm, org, "Engineering")
    assert await status(realm, "POST", f"{org}/groups/{engineering}/children", {"name": "Backend"}) == 201
    assert await status(realm, "POST", f"{org}/groups", {"name": "Sales"}) == 201
    assert len(await get(realm, f"{org}/groups")) == 2
