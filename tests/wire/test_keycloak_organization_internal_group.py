"""Keycloak's OrganizationInternalGroupTest (testsuite organization/group), the methods that use the Admin REST:
the organization's internal group (the parent of its top-level groups) is out of the realm's group and user APIs.
The methods that drive Keycloak's model on the server (testManagingOrgInternalGroupNotInOrganizationScope,
testDeleteInternalGroupOnOrganizationRemoval) have no Doorkeep counterpart: Doorkeep keeps no internal group."""

from __future__ import annotations

import pytest

from org_groups import get, group, member, organization
from wire_env import Env

pytestmark = pytest.mark.anyio
ADMIN = "/admin/realms/test"


async def _internal_group(env: Env, org: str) -> str:
    """The internal group's id, as the parent of a top-level group names it."""
    return str((await get(env, f"{org}/groups/{await group(env, org, 'probe')}"))["parentId"])


async def test_org_internal_group_not_available_from_group_api(realm: Env) -> None:
    orgs = {await organization(realm, f"org-{i}") for i in range(10)}
    assert len(await get(realm, "", first=-1, max=-1)) == len(orgs)
    internal = {await _internal_group(realm, org) for org in orgs}
    groups = await realm.http.get(f"{ADMIN}/groups", headers=await realm.admin_headers())
    assert groups.status_code == 200
    assert not {g["id"] for g in groups.json()} & (orgs | internal)


async def test_org_internal_group_not_available_from_user_api(realm: Env) -> None:
    org = await organization(realm)
    user, h = await member(realm, org, "alice"), await realm.admin_headers()
    assert (await realm.http.get(f"{ADMIN}/users/{user}/groups", headers=h)).json() == []
    for params in ({}, {"search": org}):
        counted = await realm.http.get(f"{ADMIN}/users/{user}/groups/count", params=params, headers=h)
        assert counted.json() == {"count": 0}


async def test_cannot_remove_internal_org_membership_via_user_api(realm: Env) -> None:
    org = await organization(realm)
    user, internal = await member(realm, org, "alice"), await _internal_group(realm, org)
    left = await realm.http.delete(f"{ADMIN}/users/{user}/groups/{internal}", headers=await realm.admin_headers())
    assert left.status_code == 400


async def test_cannot_get_internal_group_via_realm_api(realm: Env) -> None:
    org = await organization(realm)
    found = await realm.http.get(f"{ADMIN}/group-by-path/{org}", headers=await realm.admin_headers())
    assert found.status_code == 404


async def test_cannot_move_internal_group_via_group_api(realm: Env) -> None:
    org, h = await organization(realm), await realm.admin_headers()
    made = await realm.http.post(f"{ADMIN}/groups", json={"name": "realm_group"}, headers=h)
    assert made.status_code == 201
    rep = {
        "id": await _internal_group(realm, org),
        "name": org,
        "path": f"/{org}",
        "parentId": made.headers["location"].rsplit("/", 1)[1],
    }
    assert (await realm.http.post(f"{ADMIN}/groups", json=rep, headers=h)).status_code == 400
