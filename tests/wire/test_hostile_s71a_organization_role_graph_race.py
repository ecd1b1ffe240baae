"""OrganizationRoleGraphConcurrencyTest.concurrentEdgesCannotCreateAnAdministrativeOrganizationPath over the REST: an
organization role nesting a realm role and that realm role nesting manage-realm, asked at once, are each harmless
alone; together they would hand manage-realm to the organization role's holders. Exactly one commits (204), the
other is refused (400), and the organization role never reaches the admin role. Nestings of a realm's roles queue
behind one another (store/organization_roles.serialize_graph). Runs on both engines (the module name is a storage
area: ``race``); Keycloak's other methods race default-role switches, which Doorkeep's REST does not offer."""

from __future__ import annotations

import asyncio

import pytest

from admin_support import role_ref
from org_groups import member, organization
from org_invitations import ORGS
from org_roles import ROLES, ids, org_role, realm_role
from wire_env import Env

pytestmark = pytest.mark.anyio
ROUNDS = 6


async def test_two_nestings_at_once_never_make_an_administrative_path(realm: Env) -> None:
    env = realm
    org = await organization(env, "concurrent-role-graph-org")
    admin = await role_ref(env, "test", "manage-realm", "realm-management")
    h = await env.admin_headers()
    for n in range(ROUNDS):
        role = await org_role(env, org, f"concurrent-org-role-{n}")
        middle = await realm_role(env, f"concurrent-intermediate-role-{n}")
        answers = await asyncio.gather(
            env.http.post(f"{ORGS}/{org}/roles/{role['id']}/composites", json=[middle], headers=h),
            env.http.post(f"{ROLES}/{middle['name']}/composites", json=[admin], headers=h),
        )
        assert sorted(a.status_code for a in answers) == [204, 400], [a.text for a in answers]
        nested = await ids(env, f"{org}/roles/{role['id']}/composites")
        under = [r["id"] for r in (await env.http.get(f"{ROLES}/{middle['name']}/composites", headers=h)).json()]
        assert (nested == [middle["id"]]) != (under == [admin["id"]])
        assert admin["id"] not in await ids(env, f"{org}/roles/{role['id']}/composites/effective")
    control = await realm_role(env, "post-race-control-parent")
    child = await realm_role(env, "post-race-control-child")
    assert (await env.http.post(f"{ROLES}/{control['name']}/composites", json=[child], headers=h)).status_code == 204


async def test_a_member_removed_while_given_a_role_keeps_no_mapping(realm: Env) -> None:
    """A member removed from the organization while being given one of its roles: either the mapping is refused
    (400, no longer a member) or made and then dropped with the membership; joining again brings no role back
    (OrganizationRoleModelTest.shouldConstrainOrganizationRoleMappingsAndComposites: removeMember revokes)."""
    env = realm
    org = await organization(env, "concurrent-membership-org")
    h = await env.admin_headers()
    for n in range(ROUNDS):
        role = await org_role(env, org, f"concurrent-member-role-{n}")
        user = await member(env, org, f"concurrent-member-{n}", f"concurrent-member-{n}@example.org")
        answers = await asyncio.gather(
            env.http.post(f"{ORGS}/{org}/roles/{role['id']}/users", json=[{"id": user}], headers=h),
            env.http.delete(f"{ORGS}/{org}/members/{user}", headers=h),
        )
        assert answers[1].status_code == 204 and answers[0].status_code in (204, 400), [a.text for a in answers]
        rejoined = await env.http.post(f"{ORGS}/{org}/members", content=user, headers=h)
        assert rejoined.status_code == 201
        assert await ids(env, f"{org}/roles/{role['id']}/users") == []
