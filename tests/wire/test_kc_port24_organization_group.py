"""Keycloak's OrganizationGroupTest (testsuite organization/admin/, Keycloak 26.0's name of what 26.6 calls
OrganizationInternalGroupTest, ported in test_keycloak_organization_internal_group.py): each test names its Java
method. The organization's group (in 26.0 named by the organization's id; Doorkeep keeps no such group, and the
parent id its top-level groups report stands for it) is out of reach of the realm's group, user and default-group
APIs.

``testManagingOrganizationGroupNotInOrganizationScope`` and ``testDeleteGroupOnOrganizationRemoval`` drive
Keycloak's GroupModel on the server (run-on-server, ModelValidationException); ported as what the Admin REST shows:
every write that would rename, move, delete, make default, join or leave that group is refused, and after the
organization is removed nothing of it is reachable.
"""

from __future__ import annotations

import pytest

from flow_builder import admin
from org_groups import get, group, member, organization
from wire_env import Env

pytestmark = pytest.mark.anyio
ADMIN = "/admin/realms/test"


async def _its_group_ids(env: Env, org: str) -> set[str]:
    """The ids that stand for the organization's group: its own id (Keycloak 26.0 named the group so) and the
    parent id of a top-level group of it."""
    probe = await get(env, f"{org}/groups/{await group(env, org, 'probe')}")
    return {org, str(probe["parentId"])}


async def test_organization_groups_not_available_from_group_api(realm: Env) -> None:
    """OrganizationGroupTest#testOrganizationGroupsNotAvailableFromGroupAPI."""
    org_ids = {await organization(realm, f"org-{i}") for i in range(10)}
    assert len(await get(realm, "", first=-1, max=-1)) == len(org_ids)
    groups = (await admin(realm, "GET", f"{ADMIN}/groups", status=200)).json()
    assert not {g["id"] for g in groups} & org_ids
    assert (await admin(realm, "GET", f"{ADMIN}/groups/count", status=200)).json() == {"count": 0}


async def test_organization_groups_not_available_from_user_api(realm: Env) -> None:
    """OrganizationGroupTest#testOrganizationGroupsNotAvailableFromUserAPI: no group, a count of 0 with and
    without the organization's id as search."""
    org = await organization(realm)
    user = await member(realm, org, "alice")
    assert (await admin(realm, "GET", f"{ADMIN}/users/{user}/groups", status=200)).json() == []
    assert (await admin(realm, "GET", f"{ADMIN}/users/{user}/groups/count", status=200)).json() == {"count": 0}
    searched = await admin(realm, "GET", f"{ADMIN}/users/{user}/groups/count?search={org}", status=200)
    assert searched.json() == {"count": 0}


async def test_managing_organization_group_not_in_organization_scope(realm: Env) -> None:
    """OrganizationGroupTest#testManagingOrganizationGroupNotInOrganizationScope, over the Admin REST: rename,
    attributes, a child, a move, delete, default group, join (a non-member) and leave (a member) of the
    organization's group are each refused, and the membership stands."""
    org = await organization(realm)
    user = await member(realm, org, "alice")
    stranger = await member(realm, await organization(realm, "other"), "bob")
    parent = (await admin(realm, "POST", f"{ADMIN}/groups", {"name": "parent"}, 201)).headers["location"]
    parent_id = parent.rsplit("/", 1)[1]
    for gid in await _its_group_ids(realm, org):
        refused = [
            await admin(realm, "PUT", f"{ADMIN}/groups/{gid}", {"name": "fail"}),
            await admin(realm, "PUT", f"{ADMIN}/groups/{gid}", {"name": org, "attributes": {"something": ["fail"]}}),
            await admin(realm, "POST", f"{ADMIN}/groups/{gid}/children", {"name": "child"}),
            await admin(realm, "POST", f"{ADMIN}/groups/{parent_id}/children", {"id": gid, "name": org}),
            await admin(realm, "DELETE", f"{ADMIN}/groups/{gid}"),
            await admin(realm, "PUT", f"{ADMIN}/default-groups/{gid}"),
            await admin(realm, "PUT", f"{ADMIN}/users/{stranger}/groups/{gid}"),
            await admin(realm, "DELETE", f"{ADMIN}/users/{user}/groups/{gid}"),
        ]
        assert all(r.status_code in (400, 404) for r in refused), [(r.request.url, r.status_code) for r in refused]
    assert (await admin(realm, "GET", f"{ADMIN}/default-groups", status=200)).json() == []
    assert [m["id"] for m in await get(realm, f"{org}/members")] == [user]
    assert (await admin(realm, "GET", f"{ADMIN}/groups/{parent_id}/children", status=200)).json() == []
    assert (await admin(realm, "GET", f"{ADMIN}/users/{stranger}/groups", status=200)).json() == []


async def test_delete_group_on_organization_removal(realm: Env) -> None:
    """OrganizationGroupTest#testDeleteGroupOnOrganizationRemoval: once the organization is removed, neither it nor
    its group is found, and its former member belongs to nothing."""
    org = await organization(realm)
    user = await member(realm, org, "alice")
    ids = await _its_group_ids(realm, org)
    await admin(realm, "DELETE", f"{ADMIN}/organizations/{org}", status=204)
    await admin(realm, "GET", f"{ADMIN}/organizations/{org}", status=404)
    for gid in ids:
        await admin(realm, "GET", f"{ADMIN}/groups/{gid}", status=404)
    assert (await admin(realm, "GET", f"{ADMIN}/users/{user}/groups", status=200)).json() == []
    assert (await admin(realm, "GET", f"{ADMIN}/organizations/members/{user}/organizations", status=200)).json() == []
