"""Keycloak's OrganizationMemberTest (organization/member/), the methods that drive the Admin REST alone:
``neworg`` (neworg.org) as AbstractOrganizationTest.createOrganization makes it, members added as addMember does
(a user named by the address, made a member). The methods that onboard a member through the organization's
provider (testGetAllDisabledOrganization, testGetAllDisabledOrganizationProvider,
testUserFederatedBeforeTheIDPBoundWithAnOrgIsNotMember, testManagedMemberOnlyRemovedFromHomeOrganization) are not
ported here (test_kc_port12_disabled_organization.py and test_kc_port7_organization_members.py have them);
test_admin_organization_members.py follows some others in part."""

from __future__ import annotations

from typing import Any

import pytest

from flow_builder import admin
from organization_login_support import REALM, organization
from support import seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio
ORGS = f"{REALM}/organizations"
MEMBER = "jdoe@neworg.org"


async def _create_organization(env: Env, alias: str = "neworg") -> str:
    await admin(env, "PUT", REALM, {"organizationsEnabled": True}, 204)
    return await organization(env, alias)


async def _add_member(env: Env, org: str, email: str = MEMBER, first: str = "John", last: str = "Doe") -> str:
    body = {"username": email, "email": email, "firstName": first, "lastName": last, "enabled": True}
    made = await admin(env, "POST", f"{REALM}/users", body, 201)
    user_id = str(made.headers["location"].rsplit("/", 1)[1])
    await admin(env, "POST", f"{ORGS}/{org}/members", user_id, 201)
    return user_id


async def _get(env: Env, path: str, status: int = 200, **params: Any) -> Any:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return (await admin(env, "GET", f"{path}?{query}" if query else path, status=status)).json()


async def test_update(realm: Env) -> None:
    org = await _create_organization(realm)
    user_id = await _add_member(realm, org)
    expected = await _get(realm, f"{REALM}/users/{user_id}")
    expected.update(firstName="f", lastName="l", email="some@differentthanorg.com")
    await admin(realm, "PUT", f"{REALM}/users/{user_id}", expected, 204)
    existing = await _get(realm, f"{ORGS}/{org}/members/{user_id}")
    for key in ("id", "username", "email", "firstName", "lastName"):
        assert existing[key] == expected[key], key


async def test_user_already_member_of_organization(realm: Env) -> None:
    org = await _create_organization(realm)
    user_id = await _add_member(realm, org, "someone@user.org")
    await admin(realm, "POST", f"{ORGS}/{org}/members", user_id, 409)


async def test_get(realm: Env) -> None:
    org = await _create_organization(realm)
    user_id = await _add_member(realm, org)
    existing = await _get(realm, f"{ORGS}/{org}/members/{user_id}")
    assert (existing["id"], existing["username"], existing["email"]) == (user_id, MEMBER, MEMBER)


async def test_get_member_organization(realm: Env) -> None:
    org = await _create_organization(realm)
    user_id = await _add_member(realm, org)
    org_b = await _create_organization(realm, "orgb")
    await admin(realm, "POST", f"{ORGS}/{org_b}/members", user_id, 201)
    for path in (f"{ORGS}/{org}/members/{user_id}/organizations", f"{ORGS}/members/{user_id}/organizations"):
        found = await _get(realm, path, briefRepresentation="true")
        assert sorted(o["id"] for o in found) == sorted([org, org_b])


async def test_get_all(realm: Env) -> None:
    org = await _create_organization(realm)
    expected = {await _add_member(realm, org, f"member-{i}@neworg.org") for i in range(15)}
    existing = await _get(realm, f"{ORGS}/{org}/members", first=-1, max=-1)
    assert {m["id"] for m in existing} == expected
    assert all(m["enabled"] and m["firstName"] == "John" and m["lastName"] == "Doe" for m in existing)
    paged = [m["id"] for first in (0, 5, 10) for m in await _get(realm, f"{ORGS}/{org}/members", first=first, max=5)]
    assert sorted(paged) == sorted(expected)


async def test_delete_unmanaged_member(realm: Env) -> None:
    org = await _create_organization(realm)
    user_id = await _add_member(realm, org)
    assert "attributes" not in await _get(realm, f"{REALM}/users/{user_id}")
    await admin(realm, "DELETE", f"{ORGS}/{org}/members/{user_id}", status=204)
    assert "attributes" not in await _get(realm, f"{REALM}/users/{user_id}")  # the user stays, no longer a member
    await _get(realm, f"{ORGS}/{org}/members/{user_id}", status=404)


async def test_update_email_unmanaged_member(realm: Env) -> None:
    org = await _create_organization(realm)
    user_id = await _add_member(realm, org)
    expected = await _get(realm, f"{REALM}/users/{user_id}")
    await admin(realm, "PUT", f"{REALM}/users/{user_id}", {**expected, "email": "some@unknown.org"}, 204)
    actual = await _get(realm, f"{REALM}/users/{user_id}")
    assert (actual["id"], actual["email"]) == (user_id, "some@unknown.org")


async def test_delete_members_on_organization_removal(realm: Env) -> None:
    org = await _create_organization(realm)
    members = [await _add_member(realm, org, f"member-{i}@neworg.org") for i in range(5)]
    await admin(realm, "DELETE", f"{ORGS}/{org}", status=204)
    for user_id in members:
        await _get(realm, f"{ORGS}/{org}/members/{user_id}", status=404)
        await _get(realm, f"{REALM}/users/{user_id}")  # unmanaged members stay users of the realm
        await _get(realm, f"{ORGS}/{org}/members/{user_id}/organizations", status=404)


async def test_search_members(realm: Env) -> None:
    org = await _create_organization(realm)
    people = [
        ("batwoman", "Katherine", "Kane"),
        ("brucewayne", "Bruce", "Wayne"),
        ("harveydent", "Harvey", "Dent"),
        ("marthaw", "Martha", "Wayne"),
        ("thejoker", "Jack", "White"),
    ]
    for name, first, last in people:
        await _add_member(realm, org, f"{name}@neworg.org", first, last)

    async def names(**params: Any) -> list[str]:
        return [m["username"].split("@")[0] for m in await _get(realm, f"{ORGS}/{org}/members", **params)]

    [bruce] = await _get(realm, f"{ORGS}/{org}/members", search="brucewayne@neworg.org", exact="true")
    assert (bruce["email"], bruce["firstName"], bruce["lastName"]) == ("brucewayne@neworg.org", "Bruce", "Wayne")
    assert await names(search="Harvey", exact="true") == ["harveydent"]
    assert await names(search="Wayne", exact="true") == ["brucewayne", "marthaw"]
    assert await names(search="Gordon", exact="true") == []
    assert await names(search="neworg", exact="false") == [p[0] for p in people]
    assert await names(search="th", exact="false") == ["batwoman", "marthaw", "thejoker"]
    assert await names(search="way", exact="false") == ["brucewayne", "marthaw"]
    assert await names(search="nonexistent", exact="false") == []
    assert await names(search="", exact="false", first=0, max=3) == ["batwoman", "brucewayne", "harveydent"]
    assert await names(search="", exact="false", first=3, max=3) == ["marthaw", "thejoker"]
    assert await names(membershipType="MANAGED", first=-1, max=-1) == []
    assert len(await names(membershipType="UNMANAGED", first=-1, max=-1)) == 5


async def test_add_member_from_different_realm(realm: Env) -> None:
    org = await _create_organization(realm)
    await seed_realm(realm.db, realm.clock, "master-like")
    stranger = await seed_user(realm.db, realm.clock, "master-like", "master-test-user")
    await admin(realm, "POST", f"{ORGS}/{org}/members", stranger.id, 400)
    assert await _get(realm, f"{ORGS}/{org}/members", first=-1, max=-1) == []


async def test_member_in_multiple_organizations(realm: Env) -> None:
    org_a, org_b = await _create_organization(realm, "org-a"), await _create_organization(realm, "org-b")
    user_id = await _add_member(realm, org_a)
    await admin(realm, "POST", f"{ORGS}/{org_b}/members", user_id, 201)
    for org in (org_a, org_b):
        assert user_id in [m["id"] for m in await _get(realm, f"{ORGS}/{org}/members", first=-1, max=-1)]
    found = await _get(realm, f"{ORGS}/{org_a}/members/{user_id}/organizations", briefRepresentation="true")
    assert {o["id"] for o in found} == {org_a, org_b}


async def test_members_count(realm: Env) -> None:
    org = await _create_organization(realm)
    for i in range(10):
        await _add_member(realm, org, f"user{i}@neworg.org", f"First{i}", f"Last{i}")
    assert await _get(realm, f"{ORGS}/{org}/members/count") == 10


async def test_non_member_can_unset_email_that_matches_org(realm: Env) -> None:
    await _create_organization(realm)
    body = {"username": "brucewayne", "firstName": "Bruce", "lastName": "Wayne", "email": "bwayne@neworg.org"}
    user_id = (await admin(realm, "POST", f"{REALM}/users", body, 201)).headers["location"].rsplit("/", 1)[1]
    await admin(realm, "PUT", f"{REALM}/users/{user_id}", {**body, "email": ""}, 204)
    assert "email" not in await _get(realm, f"{REALM}/users/{user_id}")


async def test_get_member_organizations_brief_vs_full_representation(realm: Env) -> None:
    org = await _create_organization(realm)
    rep = await _get(realm, f"{ORGS}/{org}")
    await admin(realm, "PUT", f"{ORGS}/{org}", {**rep, "attributes": {"testAttribute": ["testValue"]}}, 204)
    user_id = await _add_member(realm, org)
    for path in (f"{ORGS}/{org}/members/{user_id}/organizations", f"{ORGS}/members/{user_id}/organizations"):
        [brief] = await _get(realm, path, briefRepresentation="true")
        for key in ("id", "name", "alias", "enabled"):
            assert brief[key] == rep[key], key
        assert brief.get("description") == rep.get("description") and "attributes" not in brief
        [full] = await _get(realm, path, briefRepresentation="false")
        assert full["id"] == org and full["attributes"] == {"testAttribute": ["testValue"]}
