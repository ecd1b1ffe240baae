"""Organization groups through the Admin REST (Keycloak 26.6's OrganizationGroupsResource and
OrganizationGroupResource). Ported in part from Keycloak's OrganizationGroupsTest and OrganizationGroupIsolationTest;
the Keycloak method each test follows is named in its docstring."""

from __future__ import annotations

import pytest

from admin_support import admin_events, enable_admin_events, realm_admin
from org_groups import get, group, organization
from org_invitations import ORGS
from wire_env import Env

pytestmark = pytest.mark.anyio


async def test_a_top_level_group_is_created_listed_read_updated_and_deleted(realm: Env) -> None:
    """OrganizationGroupsTest.testCreateOrganizationGroup, testGetOrganizationGroup, testUpdateOrganizationGroup,
    testDeleteOrganizationGroup."""
    env = realm
    org, h = await organization(env), await env.admin_headers()
    made = await env.http.post(
        f"{ORGS}/{org}/groups", json={"name": "team", "description": "d", "attributes": {"dept": ["eng"]}}, headers=h
    )
    assert made.status_code == 201, made.text
    gid = made.json()["id"]
    assert made.headers["location"].endswith(f"/organizations/{org}/groups/{gid}")
    assert made.json()["path"] == "/team" and "attributes" not in made.json()
    listed = await get(env, f"{org}/groups", briefRepresentation="false")
    assert [(g["name"], g["path"], g["attributes"]) for g in listed] == [("team", "/team", {"dept": ["eng"]})]
    assert "attributes" not in (await get(env, f"{org}/groups"))[0]
    full = await get(env, f"{org}/groups/{gid}")
    assert (full["description"], full["realmRoles"], full["clientRoles"]) == ("d", [], {})
    assert (
        "subGroupCount" not in full
        and (await get(env, f"{org}/groups/{gid}", subGroupsCount="true"))["subGroupCount"] == 0
    )
    updated = await env.http.put(f"{ORGS}/{org}/groups/{gid}", json={"name": "renamed"}, headers=h)
    assert updated.status_code == 204, updated.text
    after = await get(env, f"{org}/groups/{gid}")
    assert (after["path"], after.get("description"), after["attributes"]) == ("/renamed", None, {"dept": ["eng"]})
    assert (await env.http.delete(f"{ORGS}/{org}/groups/{gid}", headers=h)).status_code == 204
    assert await get(env, f"{org}/groups") == []
    gone = await env.http.get(f"{ORGS}/{org}/groups/{gid}", headers=h)
    assert (gone.status_code, gone.json()) == (404, {"errorMessage": "Group does not exist"})


async def test_names_are_required_and_unique_among_siblings(realm: Env) -> None:
    """OrganizationGroupsTest.testCreateDuplicateGroupName; the same name is free under another parent, in another
    organization and among the realm's groups (OrganizationGroupIsolationTest.testOrgGroupsSeparateFromRealmGroups)."""
    env = realm
    org, other, h = await organization(env), await organization(env, "other"), await env.admin_headers()
    top = await group(env, org, "eng")
    again = await env.http.post(f"{ORGS}/{org}/groups", json={"name": "eng"}, headers=h)
    assert (again.status_code, again.json()) == (409, {"errorMessage": "Group with the given name already exists."})
    await group(env, org, "eng", parent=top)
    child = await env.http.post(f"{ORGS}/{org}/groups/{top}/children", json={"name": "eng"}, headers=h)
    assert (child.status_code, child.json()["errorMessage"]) == (
        409,
        "Sibling group with the given name already exists",
    )
    await group(env, other, "eng")
    assert (await env.http.post("/admin/realms/test/groups", json={"name": "eng"}, headers=h)).status_code == 201
    for body in ({}, {"name": "  "}, {"name": 7}):
        blank = await env.http.post(f"{ORGS}/{org}/groups", json=body, headers=h)
        assert (blank.status_code, blank.json()) == (400, {"errorMessage": "Group name is missing"})
    huge = await env.http.post(f"{ORGS}/{org}/groups", json={"name": "x" * 5000}, headers=h)
    assert huge.status_code == 400
    rename = await env.http.put(f"{ORGS}/{org}/groups/{await group(env, org, 'ops')}", json={"name": "eng"}, headers=h)
    assert (rename.status_code, rename.json()["errorMessage"]) == (
        409,
        "Sibling group with the given name already exists.",
    )


async def test_subgroups_paths_counts_and_search(realm: Env) -> None:
    """OrganizationGroupsTest.testCreateSubGroup, testSubGroupCountQueryParameter, testSearchGroupsByNameNonExact,
    testFindGroupByPathWithNestedOrganizationGroups."""
    env = realm
    org = await organization(env)
    parent = await group(env, org, "sales")
    child = await group(env, org, "emea", parent=parent)
    await group(env, org, "apac", parent=parent)
    await group(env, org, "grand", parent=child)
    await group(env, org, "sales-team")
    await group(env, org, "marketing", attributes={"tier": ["gold"]})
    assert [g["name"] for g in await get(env, f"{org}/groups")] == ["marketing", "sales", "sales-team"]
    assert [g["name"] for g in await get(env, f"{org}/groups", first=1, max=1)] == ["sales"]
    assert [g["path"] for g in await get(env, f"{org}/groups", search="SALES")] == ["/sales", "/sales-team"]
    assert [g["path"] for g in await get(env, f"{org}/groups", search="grand")] == ["/sales/emea/grand"]
    assert [g["path"] for g in await get(env, f"{org}/groups", search="sales", exact="true")] == ["/sales"]
    assert [g["name"] for g in await get(env, f"{org}/groups", q="tier:gold")] == ["marketing"]
    kids = await get(env, f"{org}/groups/{parent}/children")
    assert [(g["name"], g["path"], g["parentId"]) for g in kids] == [
        ("apac", "/sales/apac", parent),
        ("emea", "/sales/emea", parent),
    ]
    assert [g["name"] for g in await get(env, f"{org}/groups/{parent}/children", search="em")] == ["emea"]
    assert (await get(env, f"{org}/groups/{parent}", subGroupsCount="true"))["subGroupCount"] == 2
    counted = await get(env, f"{org}/groups", subGroupsCount="true")
    assert [g["subGroupCount"] for g in counted] == [0, 2, 0]
    found = await get(env, f"{org}/groups/group-by-path/sales/emea/grand")
    assert (found["name"], found["path"]) == ("grand", "/sales/emea/grand")
    assert (await get(env, f"{org}/groups/group-by-path/sales", subGroupsCount="true"))["subGroupCount"] == 2
    missing = await env.http.get(f"{ORGS}/{org}/groups/group-by-path/sales/nope", headers=await env.admin_headers())
    assert (missing.status_code, missing.json()) == (404, {"error": "Group path does not exist"})


async def test_groups_move_within_the_organization_only(realm: Env) -> None:
    """OrganizationGroupsTest.testMoveGroupWithinOrganization, testMoveGroupToTopLevel,
    testCannotMoveGroupToDifferentOrganization; a move under the group's own subgroup is refused."""
    env = realm
    org, other, h = await organization(env), await organization(env, "other"), await env.admin_headers()
    one, two = await group(env, org, "one"), await group(env, org, "two")
    child = await group(env, org, "child", parent=one)
    moved = await env.http.post(f"{ORGS}/{org}/groups/{two}/children", json={"id": child, "name": "x"}, headers=h)
    assert moved.status_code == 204, moved.text
    assert (await get(env, f"{org}/groups/{child}"))["path"] == "/two/child"
    top = await env.http.post(f"{ORGS}/{org}/groups", json={"id": child, "name": "x"}, headers=h)
    assert top.status_code == 204 and (await get(env, f"{org}/groups/{child}"))["path"] == "/child"
    loop = await env.http.post(f"{ORGS}/{org}/groups/{child}/children", json={"id": two, "name": "two"}, headers=h)
    assert loop.status_code == 204
    back = await env.http.post(f"{ORGS}/{org}/groups/{child}/children", json={"id": child, "name": "c"}, headers=h)
    assert back.status_code == 400
    cycle = await env.http.post(f"{ORGS}/{org}/groups/{two}/children", json={"id": child, "name": "c"}, headers=h)
    assert (cycle.status_code, cycle.json()) == (
        400,
        {"errorMessage": "Cannot move group into itself or one of its subgroups"},
    )
    foreign = await group(env, other, "foreign")
    across = await env.http.post(f"{ORGS}/{org}/groups/{one}/children", json={"id": foreign, "name": "f"}, headers=h)
    assert (across.status_code, across.json()["errorMessage"]) == (400, "Group does not belong to this organization")
    realm_group = (await env.http.post("/admin/realms/test/groups", json={"name": "rg"}, headers=h)).headers["location"]
    plain = await env.http.post(
        f"{ORGS}/{org}/groups", json={"id": realm_group.rsplit("/", 1)[1], "name": "rg"}, headers=h
    )
    assert (plain.status_code, plain.json()["errorMessage"]) == (400, "Can only move organization groups")
    nowhere = await env.http.post(f"{ORGS}/{org}/groups", json={"id": "nope", "name": "n"}, headers=h)
    assert (nowhere.status_code, nowhere.json()) == (404, {"error": "Could not find group by id"})


async def test_organizations_and_the_realm_group_api_do_not_see_each_others_groups(realm: Env) -> None:
    """OrganizationGroupIsolationTest.testOrgGroupsNotInRealmGroupsAPI, testOrgGroupsIsolatedBetweenOrganizations;
    deleting the organization takes its groups."""
    env = realm
    org, other, h = await organization(env), await organization(env, "other"), await env.admin_headers()
    mine = await group(env, org, "Engineering")
    await group(env, other, "Sales")
    assert [g["name"] for g in await get(env, f"{other}/groups")] == ["Sales"]
    realm_groups = await env.http.get("/admin/realms/test/groups", headers=h)
    assert realm_groups.json() == []
    assert (await env.http.get(f"/admin/realms/test/groups/{mine}", headers=h)).status_code == 404
    cross = await env.http.get(f"{ORGS}/{other}/groups/{mine}", headers=h)
    assert (cross.status_code, cross.json()) == (400, {"errorMessage": "Group does not belong to the organization"})
    assert (await env.http.delete(f"{ORGS}/{other}/groups/{mine}", headers=h)).status_code == 400
    assert (await env.http.delete(f"{ORGS}/{org}", headers=h)).status_code == 204
    async with env.db.transaction() as tx:
        assert await tx.organization_groups.organization_of(mine) is None


async def test_writes_record_organization_group_events(realm: Env) -> None:
    """The admin events OrganizationGroupsResource and OrganizationGroupResource record: CREATE at the collection
    with the id, UPDATE for a move or an update, DELETE, all ORGANIZATION_GROUP at the request's path."""
    env = realm
    await enable_admin_events(env)
    org, h = await organization(env), await env.admin_headers()
    top = await group(env, org, "top")
    child = await group(env, org, "child", parent=top)
    await env.http.put(f"{ORGS}/{org}/groups/{child}", json={"name": "renamed"}, headers=h)
    await env.http.delete(f"{ORGS}/{org}/groups/{top}", headers=h)
    found = [
        (e["operationType"], e["resourcePath"]) for e in await admin_events(env, resourceTypes="ORGANIZATION_GROUP")
    ]
    assert sorted(found) == sorted(
        [
            ("CREATE", f"organizations/{org}/groups"),
            ("CREATE", f"organizations/{org}/groups/{top}/children"),
            ("UPDATE", f"organizations/{org}/groups/{child}"),
            ("DELETE", f"organizations/{org}/groups/{top}"),
        ]
    )


async def test_only_a_manage_realm_admin_reaches_the_groups(realm: Env) -> None:
    """OrganizationsResource asks manage-realm of every call; a view-realm admin gets 403 reading and writing, and
    the realm without organizations answers 404."""
    env = realm
    org = await organization(env)
    gid = await group(env, org, "g")
    viewer = await realm_admin(env, "viewer", "view-realm", "view-users")
    assert (await env.http.get(f"{ORGS}/{org}/groups", headers=viewer)).status_code == 403
    assert (await env.http.post(f"{ORGS}/{org}/groups", json={"name": "x"}, headers=viewer)).status_code == 403
    assert (await env.http.delete(f"{ORGS}/{org}/groups/{gid}", headers=viewer)).status_code == 403
    h = await env.admin_headers()
    assert (
        await env.http.put("/admin/realms/test", json={"organizationsEnabled": False}, headers=h)
    ).status_code == 204
    off = await env.http.get(f"{ORGS}/{org}/groups/{gid}", headers=h)
    assert (off.status_code, off.json()) == (404, {"errorMessage": "Organizations not enabled for this realm."})
