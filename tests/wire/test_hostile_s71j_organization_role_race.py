"""Organization role writes racing the deletion of what they name (security review: concurrent writes leaving a
dangling row or answering 5xx). Nesting an organization role or a realm role while it is deleted, mapping a user
while the user is deleted, creating a role in an organization being deleted: each write either lands before the
deletion (which then removes it with its target), finds nothing (404), or on PostgreSQL meets the deletion at the
database's foreign key and answers the 409 ``Conflict detected. See logs for details`` (Keycloak's
KeycloakErrorHandler text for a constraint); never a 5xx, never a row pointing at something gone. Runs on both engines (a storage area: ``race``)."""

from __future__ import annotations

import asyncio

import pytest

from org_groups import member, organization
from org_invitations import ORGS
from org_roles import ROLES, ids, org_role, realm_role
from wire_env import Env

pytestmark = pytest.mark.anyio
ROUNDS = 5


async def test_nesting_a_role_while_it_is_deleted(realm: Env) -> None:
    env = realm
    org = await organization(env, "race-nest-delete")
    h = await env.admin_headers()
    for n in range(ROUNDS):
        parent = await org_role(env, org, f"race-parent-{n}")
        child = await org_role(env, org, f"race-child-{n}")
        plain = await realm_role(env, f"race-realm-child-{n}")
        answers = await asyncio.gather(
            env.http.post(f"{ORGS}/{org}/roles/{parent['id']}/composites", json=[child, plain], headers=h),
            env.http.delete(f"{ORGS}/{org}/roles/{child['id']}", headers=h),
            env.http.delete(f"{ROLES}/{plain['name']}", headers=h),
        )
        assert answers[0].status_code in (204, 404, 409), answers[0].text
        assert [a.status_code for a in answers[1:]] == [204, 204], [a.text for a in answers]
        assert await ids(env, f"{org}/roles/{parent['id']}/composites") == []
        assert await ids(env, f"{org}/roles/{parent['id']}/composites/effective") == []


async def test_mapping_a_user_while_the_user_is_deleted(realm: Env) -> None:
    env = realm
    org = await organization(env, "race-map-delete")
    h = await env.admin_headers()
    role = await org_role(env, org, "race-mapped")
    for n in range(ROUNDS):
        user = await member(env, org, f"race-user-{n}", f"race-user-{n}@race-map-delete.org")
        answers = await asyncio.gather(
            env.http.post(f"{ORGS}/{org}/roles/{role['id']}/users", json=[{"id": user}], headers=h),
            env.http.delete(f"/admin/realms/test/users/{user}", headers=h),
        )
        assert answers[0].status_code in (204, 400, 404, 409) and answers[1].status_code == 204, [
            a.text for a in answers
        ]
        async with env.db.transaction() as tx:
            assert not await tx.organization_roles.is_mapped(role["id"], user)
    assert await ids(env, f"{org}/roles/{role['id']}/users") == []


async def test_creating_a_role_while_the_organization_is_deleted(realm: Env) -> None:
    env = realm
    h = await env.admin_headers()
    for n in range(ROUNDS):
        org = await organization(env, f"race-org-delete-{n}")
        answers = await asyncio.gather(
            env.http.post(f"{ORGS}/{org}/roles", json={"name": "late"}, headers=h),
            env.http.delete(f"{ORGS}/{org}", headers=h),
        )
        assert answers[0].status_code in (201, 404, 409) and answers[1].status_code == 204, [a.text for a in answers]
        async with env.db.transaction() as tx:
            assert await tx.organization_roles.count(org) == 0
