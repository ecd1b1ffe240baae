"""Keycloak 26.8's ``PUT organizations/{id}/members/{userId}/membership-type`` (issue 48913, PR 52370): change a
member's membership type without removing them; @keycloak/keycloak-admin-client 26.8.0 calls it as
``organizations.updateMembershipType({orgId, userId}, "MANAGED")``.

Every answer here is OrganizationMemberResource.updateMembershipType's, in its order: the organization (the
locator's view permission, 404 "Organization not found."), the body bound to MembershipType (Jackson: a JSON string
naming a constant, or its index), the organization's manage permission, the id, a null type (400 "membershipType
cannot be null"), the member (404 to whoever may query users, else 403), manage-users on the user; the same type
again is 204 with no event; a change is 204 and an UPDATE ORGANIZATION_MEMBERSHIP event whose representation is
the member (its new type) and whose details are the username, e-mail and ``membershipType``. The newest stored
OrganizationMemberResource (keycloak/keycloak, with the FGAP organization-admin additions after 26.8) has this
method as 26.8.0's javadoc describes it (OrganizationMemberResource.updateMembershipType "Since: Keycloak server
26.8.0").
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from admin_support import admin_events, enable_admin_events, realm_admin
from org_membership_type import new_member, new_org, put_type, type_of
from wire_env import Env

pytestmark = pytest.mark.anyio
REALM = "/admin/realms/test"
ORGS = f"{REALM}/organizations"
NOT_FOUND = {"error": "HTTP 404 Not Found"}
FORBIDDEN = {"error": "HTTP 403 Forbidden"}


async def _put(env: Env, org: str, user: str, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return await put_type(env, org, user, json.dumps(body), headers)


async def test_the_type_changes_both_ways_and_the_member_stays(realm: Env) -> None:
    env = realm
    org = await new_org(env, "acme")
    alice = await new_member(env, org, "alice")
    assert await type_of(env, org, alice) == "UNMANAGED"
    assert (await _put(env, org, alice, "MANAGED")).status_code == 204
    assert await type_of(env, org, alice) == "MANAGED"
    listed = await env.http.get(f"{ORGS}/{org}/members?membershipType=managed", headers=await env.admin_headers())
    assert [m["id"] for m in listed.json()] == [alice]
    assert (await _put(env, org, alice, "UNMANAGED")).status_code == 204
    assert await type_of(env, org, alice) == "UNMANAGED"
    assert (await env.http.get(f"{ORGS}/{org}/members/count", headers=await env.admin_headers())).json() == 1


async def test_a_managed_member_removed_goes_with_the_organization_rule(realm: Env) -> None:
    """What the type decides: removing a member made MANAGED removes the user (JpaOrganizationProvider.removeMember),
    one made UNMANAGED again only leaves."""
    env = realm
    org = await new_org(env, "acme")
    h = await env.admin_headers()
    bob, carol = await new_member(env, org, "bob"), await new_member(env, org, "carol")
    assert (await _put(env, org, bob, "MANAGED")).status_code == 204
    assert (await env.http.delete(f"{ORGS}/{org}/members/{bob}", headers=h)).status_code == 204
    assert (await env.http.get(f"{REALM}/users/{bob}", headers=h)).status_code == 404
    assert (await _put(env, org, carol, "MANAGED")).status_code == 204
    assert (await _put(env, org, carol, "UNMANAGED")).status_code == 204
    assert (await env.http.delete(f"{ORGS}/{org}/members/{carol}", headers=h)).status_code == 204
    assert (await env.http.get(f"{REALM}/users/{carol}", headers=h)).status_code == 200


async def test_a_change_is_an_update_event_and_the_same_type_none(realm: Env) -> None:
    env = realm
    org = await new_org(env, "acme")
    dave = await new_member(env, org, "dave")
    await enable_admin_events(env, clear=True)
    assert (await _put(env, org, dave, "UNMANAGED")).status_code == 204  # already: nothing recorded
    assert (await _put(env, org, dave, "MANAGED")).status_code == 204
    found = [e for e in await admin_events(env) if e["resourceType"] == "ORGANIZATION_MEMBERSHIP"]
    assert [(e["operationType"], e["resourcePath"]) for e in found] == [
        ("UPDATE", f"organizations/{org}/members/{dave}/membership-type")
    ]
    event = found[0]
    rep = json.loads(event["representation"])
    assert (rep["id"], rep["username"], rep["membershipType"]) == (dave, "dave", "MANAGED")
    assert event["details"] == {"username": "dave", "email": "dave@dave.org", "membershipType": "MANAGED"}


@pytest.mark.parametrize(
    ("body", "wanted"),
    [('"MANAGED"', "MANAGED"), ("1", "MANAGED"), ("0", "UNMANAGED")],
)
async def test_the_body_binds_as_jackson_binds_an_enum(realm: Env, body: str, wanted: str) -> None:
    """A JSON string naming the constant, or its index (MembershipType is UNMANAGED, MANAGED)."""
    env = realm
    org = await new_org(env, "acme")
    erin = await new_member(env, org, "erin")
    if wanted == "UNMANAGED":
        assert (await _put(env, org, erin, "MANAGED")).status_code == 204
    assert (await put_type(env, org, erin, body)).status_code == 204
    assert await type_of(env, org, erin) == wanted


@pytest.mark.parametrize("body", ['"managed"', '""', '"OWNER"', "2", "true", '{"membershipType": "MANAGED"}', "1.0"])
async def test_other_bodies_are_jacksons_mismatched_input(realm: Env, body: str) -> None:
    env = realm
    org = await new_org(env, "acme")
    frank = await new_member(env, org, "frank")
    answer = await put_type(env, org, frank, body)
    assert (answer.status_code, answer.json()) == (
        400,
        {"error": "unknown_error", "error_description": "Cannot parse the JSON"},
    )
    assert await type_of(env, org, frank) == "UNMANAGED"


async def test_no_type_and_malformed_json(realm: Env) -> None:
    env = realm
    org = await new_org(env, "acme")
    gina = await new_member(env, org, "gina")
    for body in ("null", ""):
        answer = await put_type(env, org, gina, body)
        assert (answer.status_code, answer.json()) == (400, {"errorMessage": "membershipType cannot be null"}), body
    broken = await put_type(env, org, gina, "MANAGED")  # not JSON: the parser's 400
    assert broken.status_code == 400
    assert await type_of(env, org, gina) == "UNMANAGED"


async def test_not_a_member_or_no_such_user_is_404_and_unknown_organization_404(realm: Env) -> None:
    env = realm
    org = await new_org(env, "acme")
    other = await new_org(env, "other")
    hank = await new_member(env, other, "hank")
    for user in (hank, "no-such-user"):
        answer = await _put(env, org, user, "MANAGED")
        assert (answer.status_code, answer.json()) == (404, NOT_FOUND), user
    assert await type_of(env, other, hank) == "UNMANAGED"
    missing = await _put(env, "no-such-org", hank, "MANAGED")
    assert (missing.status_code, missing.json()) == (404, {"errorMessage": "Organization not found."})


async def test_blank_id_is_400(realm: Env) -> None:
    env = realm
    org = await new_org(env, "acme")
    answer = await _put(env, org, "%20", "MANAGED")
    assert (answer.status_code, answer.json()) == (400, {"errorMessage": "id cannot be null"})


async def test_permissions_in_keycloaks_order(realm: Env) -> None:
    """auth.orgs().requireManage(organization) first (after the body binds), the member lookup (403 instead of 404
    to whoever may not query users), then auth.users().requireManage(member)."""
    env = realm
    org = await new_org(env, "acme")
    ivy = await new_member(env, org, "ivy")
    view_only = await realm_admin(env, "org-viewer", "view-organizations", "manage-users")
    assert (await _put(env, org, ivy, "MANAGED", view_only)).json() == FORBIDDEN
    no_users = await realm_admin(env, "org-manager", "manage-organizations")
    refused = await _put(env, org, ivy, "MANAGED", no_users)
    assert (refused.status_code, refused.json()) == (403, FORBIDDEN)
    unknown = await _put(env, org, "no-such-user", "MANAGED", no_users)
    assert (unknown.status_code, unknown.json()) == (403, FORBIDDEN)  # cannot query users: 403, not 404
    querying = await realm_admin(env, "org-querier", "manage-organizations", "query-users")
    unknown = await _put(env, org, "no-such-user", "MANAGED", querying)
    assert (unknown.status_code, unknown.json()) == (404, NOT_FOUND)
    assert (await _put(env, org, ivy, "MANAGED", querying)).status_code == 403  # a member, but not manage-users
    both = await realm_admin(env, "org-admin", "manage-organizations", "manage-users")
    assert (await _put(env, org, ivy, "MANAGED", both)).status_code == 204
    assert await type_of(env, org, ivy) == "MANAGED"
    bad_body = await put_type(env, org, ivy, '"nope"', view_only)  # the body binds before the manage check
    assert bad_body.status_code == 400


async def test_text_plain_is_415(realm: Env) -> None:
    env = realm
    org = await new_org(env, "acme")
    jack = await new_member(env, org, "jack")
    h = {**await env.admin_headers(), "Content-Type": "text/plain"}
    answer = await env.http.put(f"{ORGS}/{org}/members/{jack}/membership-type", content='"MANAGED"', headers=h)
    assert answer.status_code == 415
