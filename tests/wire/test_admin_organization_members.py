"""Organization members through the Admin REST (Keycloak 26's OrganizationMemberResource).

Ported in part from Keycloak's OrganizationMemberTest; the Keycloak method each test follows is named in its
docstring.
"""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import admin_events, enable_admin_events
from support import seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio
ORGS = "/admin/realms/test/organizations"


async def _org(env: Env, name: str) -> tuple[str, dict[str, str]]:
    h = await env.admin_headers()
    assert (await env.http.put("/admin/realms/test", json={"organizationsEnabled": True}, headers=h)).status_code == 204
    response = await env.http.post(ORGS, json={"name": name, "domains": [{"name": f"{name}.org"}]}, headers=h)
    assert response.status_code == 201, response.text
    return response.headers["location"].rsplit("/", 1)[1], h


async def _user(env: Env, username: str, **kw: Any) -> str:
    return (await seed_user(env.db, env.clock, "test", username, **kw)).id


async def test_a_user_is_added_read_counted_and_removed(realm: Env) -> None:
    """OrganizationMemberTest.testAddMember, testGet, testDeleteMembers."""
    env = realm
    org, h = await _org(env, "acme")
    alice = await _user(env, "alice")
    added = await env.http.post(f"{ORGS}/{org}/members", content=alice, headers=h)
    assert added.status_code == 201 and added.headers["location"].endswith(f"/organizations/{org}/members/{alice}")
    member = (await env.http.get(f"{ORGS}/{org}/members/{alice}", headers=h)).json()
    assert member["id"] == alice and member["username"] == "alice" and member["membershipType"] == "UNMANAGED"
    assert "access" not in member
    assert (await env.http.get(f"{ORGS}/{org}/members/count", headers=h)).json() == 1
    assert (await env.http.delete(f"{ORGS}/{org}/members/{alice}", headers=h)).status_code == 204
    gone = await env.http.get(f"{ORGS}/{org}/members/{alice}", headers=h)
    assert (gone.status_code, gone.json()) == (404, {"error": "HTTP 404 Not Found"})
    again = await env.http.delete(f"{ORGS}/{org}/members/{alice}", headers=h)
    assert again.status_code == 404
    assert (await env.http.get(f"{ORGS}/{org}/members/count", headers=h)).json() == 0


async def test_the_body_may_be_a_quoted_id_and_a_second_add_is_a_conflict(realm: Env) -> None:
    """OrganizationMemberTest.testAddMemberWithQuotedId (issue 34401), testAddAlreadyMemberOfOrganization."""
    env = realm
    org, h = await _org(env, "acme")
    bob = await _user(env, "bob")
    assert (await env.http.post(f"{ORGS}/{org}/members", json=bob, headers=h)).status_code == 201
    twice = await env.http.post(f"{ORGS}/{org}/members", content=f"  {bob} ", headers=h)
    assert (twice.status_code, twice.json()) == (409, {"errorMessage": "User is already a member of the organization."})


async def test_a_user_of_another_realm_or_none_cannot_be_added(realm: Env) -> None:
    """OrganizationMemberTest.testAddMemberFromDifferentRealm."""
    env = realm
    org, h = await _org(env, "acme")
    await seed_realm(env.db, env.clock, "other")
    stranger = (await seed_user(env.db, env.clock, "other", "stranger")).id
    for body in (stranger, "no-such-user"):
        refused = await env.http.post(f"{ORGS}/{org}/members", content=body, headers=h)
        assert (refused.status_code, refused.json()) == (400, {"errorMessage": "User does not exist"})


async def test_members_are_searched_and_paged_by_username(realm: Env) -> None:
    """OrganizationMemberTest.testSearchMembers, testGetAll."""
    env = realm
    org, h = await _org(env, "acme")
    for i in range(12):
        user = await _user(env, f"member{i:02d}", first_name="Jo" if i == 5 else "Al", email=f"m{i}@acme.org")
        assert (await env.http.post(f"{ORGS}/{org}/members", content=user, headers=h)).status_code == 201
    listed = (await env.http.get(f"{ORGS}/{org}/members", headers=h)).json()
    assert [m["username"] for m in listed] == [f"member{i:02d}" for i in range(10)]
    tail = (await env.http.get(f"{ORGS}/{org}/members", params={"first": 10, "max": 5}, headers=h)).json()
    assert [m["username"] for m in tail] == ["member10", "member11"]
    by_name = (await env.http.get(f"{ORGS}/{org}/members", params={"search": "jo"}, headers=h)).json()
    assert [m["username"] for m in by_name] == ["member05"]
    exact = await env.http.get(f"{ORGS}/{org}/members", params={"search": "m3@acme.org", "exact": "true"}, headers=h)
    assert [m["username"] for m in exact.json()] == ["member03"]
    managed = await env.http.get(f"{ORGS}/{org}/members", params={"membershipType": "managed"}, headers=h)
    assert managed.json() == []


async def test_a_members_organizations_are_listed_from_both_paths(realm: Env) -> None:
    """OrganizationMemberTest.testGetOrganizationsOfMember: a user may belong to several organizations."""
    env = realm
    acme, h = await _org(env, "acme")
    beta, _ = await _org(env, "beta")
    carol = await _user(env, "carol")
    for org in (acme, beta):
        assert (await env.http.post(f"{ORGS}/{org}/members", content=carol, headers=h)).status_code == 201
    mine = (await env.http.get(f"{ORGS}/members/{carol}/organizations", headers=h)).json()
    assert [o["name"] for o in mine] == ["acme", "beta"] and "attributes" not in mine[0]
    full = await env.http.get(
        f"{ORGS}/{acme}/members/{carol}/organizations", params={"briefRepresentation": "false"}, headers=h
    )
    assert full.json()[0]["attributes"] == {} and full.json()[0]["domains"] == [
        {"name": "acme.org", "verified": False, "autoRedirect": False}
    ]
    missing = await env.http.get(f"{ORGS}/members/nobody/organizations", headers=h)
    assert missing.status_code == 404


async def test_deleting_a_user_or_the_organization_ends_the_membership(realm: Env) -> None:
    """OrganizationMemberTest.testDeleteUserAlsoDeleteMembership."""
    env = realm
    org, h = await _org(env, "acme")
    dave, erin = await _user(env, "dave"), await _user(env, "erin")
    for user in (dave, erin):
        assert (await env.http.post(f"{ORGS}/{org}/members", content=user, headers=h)).status_code == 201
    assert (await env.http.delete(f"/admin/realms/test/users/{dave}", headers=h)).status_code == 204
    assert [m["username"] for m in (await env.http.get(f"{ORGS}/{org}/members", headers=h)).json()] == ["erin"]
    assert (await env.http.delete(f"{ORGS}/{org}", headers=h)).status_code == 204
    assert (await env.http.get(f"{ORGS}/members/{erin}/organizations", headers=h)).json() == []
    assert (await env.http.get(f"/admin/realms/test/users/{erin}", headers=h)).status_code == 200  # the user stays


async def test_membership_changes_are_organization_membership_events(realm: Env) -> None:
    env = realm
    org, h = await _org(env, "acme")
    await enable_admin_events(env, clear=True)
    frank = await _user(env, "frank")
    assert (await env.http.post(f"{ORGS}/{org}/members", content=frank, headers=h)).status_code == 201
    assert (await env.http.delete(f"{ORGS}/{org}/members/{frank}", headers=h)).status_code == 204
    found = [e for e in await admin_events(env) if e["resourceType"] == "ORGANIZATION_MEMBERSHIP"]
    assert sorted((e["operationType"], e["resourcePath"]) for e in found) == [
        ("CREATE", f"organizations/{org}/members"),
        ("DELETE", f"organizations/{org}/members/{frank}"),
    ]
    created = next(e for e in found if e["operationType"] == "CREATE")
    assert '"alias":"acme"' in created["representation"].replace(" ", "")
