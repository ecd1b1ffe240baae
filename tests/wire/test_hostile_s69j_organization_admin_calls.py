"""Attacks on Keycloak 26.8's organization calls merged in session 69: ``PUT organizations/{id}/members/{userId}/
membership-type`` (OrganizationMemberResource.updateMembershipType) and the ``identityProvider`` parameter of
``GET organizations`` and ``GET organizations/count`` (OrganizationsResource.search / getOrganizationCount).

- Privilege: an admin with only the query-/view- roles, or manage-users without the organization's manage
  permission, changes no type; another realm's realm-admin is refused at the realm (RealmsAdminResource: a token of
  another realm than master reaches no other realm, 403); an organization or a user of another realm, or a member
  of another organization, is not found through this realm's path and keeps its type.
- Data: the ``identityProvider`` filter tells which organization a provider belongs to only to whoever may view
  organizations (canView filters every organization out for query-organizations: ``[]`` and 0, as without the
  filter); a provider of another realm, or the provider's internal id, names no organization here, and the alias
  is compared exactly, as the realm's provider lookup by alias compares it (a padded, upper-cased or wildcard alias
  names none: before, Doorkeep stripped the parameter and found ``acme-idp`` for ``"acme-idp "``).
- Bodies: only Jackson's binding of MembershipType (the exact constant name, or its index); look-alikes (case,
  padding, control characters, a string holding a number's text is tested by the s69g file) are the 400 and the
  type stays; a huge body is refused without a 500.
"""

from __future__ import annotations

import json

import pytest

from admin_support import realm_admin
from org_membership_type import new_member, new_org, put_type, type_of
from support import seed_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
REALM = "/admin/realms/test"
ORGS = f"{REALM}/organizations"
FORBIDDEN = {"error": "HTTP 403 Forbidden"}
MISMATCHED = {"error": "unknown_error", "error_description": "Cannot parse the JSON"}


async def _provider(env: Env, alias: str, realm: str = "test") -> str:
    h = await env.admin_headers()
    rep = {"alias": alias, "providerId": "oidc", "config": {"clientId": "x", "clientSecret": "y"}}
    made = await env.http.post(f"/admin/realms/{realm}/identity-provider/instances", json=rep, headers=h)
    assert made.status_code == 201, made.text
    got = await env.http.get(f"/admin/realms/{realm}/identity-provider/instances/{alias}", headers=h)
    return str(got.json()["internalId"])


async def _link(env: Env, org: str, alias: str, realm: str = "test") -> None:
    h = await env.admin_headers()
    linked = await env.http.post(
        f"/admin/realms/{realm}/organizations/{org}/identity-providers", content=alias, headers=h
    )
    assert linked.status_code == 204, linked.text


@pytest.mark.parametrize(
    "roles",
    [
        ("query-organizations", "manage-users"),
        ("view-organizations", "manage-users"),
        ("view-organizations", "view-users", "query-users"),
        ("manage-users",),
        ("view-realm", "manage-users"),
        ("manage-identity-providers", "manage-users"),
        ("manage-organizations", "view-users", "query-users"),
        ("manage-organizations", "query-organizations"),
    ],
)
async def test_without_both_manage_permissions_the_type_stays(realm: Env, roles: tuple[str, ...]) -> None:
    env = realm
    org = await new_org(env, "acme")
    alice = await new_member(env, org, "alice")
    caller = await realm_admin(env, "limited", *roles)
    answer = await put_type(env, org, alice, '"MANAGED"', caller)
    assert (answer.status_code, answer.json()) == (403, FORBIDDEN), roles
    assert await type_of(env, org, alice) == "UNMANAGED"


async def test_another_realms_admin_changes_nothing_here(realm: Env) -> None:
    env = realm
    org = await new_org(env, "acme")
    alice = await new_member(env, org, "alice")
    await seed_realm(env.db, env.clock, "other")
    outsider = await realm_admin(env, "otheradmin", "realm-admin", realm="other")
    answer = await put_type(env, org, alice, '"MANAGED"', outsider)
    assert answer.status_code == 403, answer.text
    for path in (ORGS, f"{ORGS}/count"):
        listed = await env.http.get(path, params={"identityProvider": "x"}, headers=outsider)
        assert listed.status_code == 403, (path, listed.text)
    assert await type_of(env, org, alice) == "UNMANAGED"


async def test_ids_from_another_realm_or_organization_are_not_found(realm: Env) -> None:
    env = realm
    org = await new_org(env, "acme")
    globex = await new_org(env, "globex")
    bob = await new_member(env, globex, "bob")
    await seed_realm(env.db, env.clock, "other")
    far_org = await new_org(env, "faraway", realm="other")
    far_user = await new_member(env, far_org, "carol", realm="other")
    cross_member = await put_type(env, org, bob, '"MANAGED"')
    assert cross_member.status_code == 404, cross_member.text
    far_member = await put_type(env, org, far_user, '"MANAGED"')
    assert far_member.status_code == 404, far_member.text
    far = await put_type(env, far_org, far_user, '"MANAGED"')
    assert (far.status_code, far.json()) == (404, {"errorMessage": "Organization not found."})
    assert await type_of(env, globex, bob) == "UNMANAGED"
    assert await type_of(env, far_org, far_user, realm="other") == "UNMANAGED"


@pytest.mark.parametrize(
    "body",
    [
        '"Managed"',
        '"MANAGED "',
        '" MANAGED"',
        '"MANAGED\\u0000"',
        '"MANAGED\\n"',
        '"\\u039cANAGED"',  # a Greek capital mu in front
        '["MANAGED"]',
        "-1",
        "1e0",
        '{"MANAGED": true}',
        '"null"',
    ],
)
async def test_look_alike_bodies_are_refused_and_the_type_stays(realm: Env, body: str) -> None:
    env = realm
    org = await new_org(env, "acme")
    dave = await new_member(env, org, "dave")
    answer = await put_type(env, org, dave, body)
    assert (answer.status_code, answer.json()) == (400, MISMATCHED), body
    assert await type_of(env, org, dave) == "UNMANAGED"


@pytest.mark.parametrize("body", ["MANAGED", "managed", "'MANAGED'", '"MANAGED'])
async def test_bare_words_are_not_json(realm: Env, body: str) -> None:
    env = realm
    org = await new_org(env, "acme")
    erin = await new_member(env, org, "erin")
    answer = await put_type(env, org, erin, body.encode())
    assert answer.status_code == 400, answer.text
    assert await type_of(env, org, erin) == "UNMANAGED"


async def test_a_huge_or_deep_body_is_refused_without_a_500(realm: Env) -> None:
    env = realm
    org = await new_org(env, "acme")
    frank = await new_member(env, org, "frank")
    huge = json.dumps("M" * 3_000_000)
    answer = await put_type(env, org, frank, huge)
    assert 400 <= answer.status_code < 500, answer.status_code
    deep = "[" * 5000 + "]" * 5000
    answer = await put_type(env, org, frank, deep)
    assert 400 <= answer.status_code < 500, answer.status_code
    assert await type_of(env, org, frank) == "UNMANAGED"


async def test_a_query_admin_learns_no_providers_organization(realm: Env) -> None:
    env = realm
    org = await new_org(env, "acme")
    await _provider(env, "acme-idp")
    await _link(env, org, "acme-idp")
    querying = await realm_admin(env, "querier", "query-organizations", "view-identity-providers")
    for alias in ("acme-idp", "no-such-idp"):
        listed = await env.http.get(ORGS, params={"identityProvider": alias}, headers=querying)
        assert (listed.status_code, listed.json()) == (200, []), alias
        counted = await env.http.get(f"{ORGS}/count", params={"identityProvider": alias}, headers=querying)
        assert (counted.status_code, counted.json()) == (200, 0), alias
    for roles in (("view-identity-providers",), ("manage-identity-providers",), ("view-users",)):
        caller = await realm_admin(env, "idp-" + roles[0], *roles)
        for path in (ORGS, f"{ORGS}/count"):
            answer = await env.http.get(path, params={"identityProvider": "acme-idp"}, headers=caller)
            assert (answer.status_code, answer.json()) == (403, FORBIDDEN), (roles, path)


async def test_a_provider_is_named_by_its_alias_in_this_realm_only(realm: Env) -> None:
    env = realm
    org = await new_org(env, "acme")
    internal = await _provider(env, "acme-idp")
    await _link(env, org, "acme-idp")
    await seed_realm(env.db, env.clock, "other")
    far_org = await new_org(env, "faraway", realm="other")
    far_internal = await _provider(env, "far-idp", realm="other")
    await _link(env, far_org, "far-idp", realm="other")
    h = await env.admin_headers()
    for alias in ("far-idp", far_internal, internal, "ACME-IDP", "acme-idp ", "acme-%", "acme-*", "acme-idp\x00"):
        listed = await env.http.get(ORGS, params={"identityProvider": alias}, headers=h)
        assert (listed.status_code, listed.json()) == (200, []), alias
        counted = await env.http.get(f"{ORGS}/count", params={"identityProvider": alias}, headers=h)
        assert (counted.status_code, counted.json()) == (200, 0), alias
