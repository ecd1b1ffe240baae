"""Keycloak's OrganizationMemberTest (tests/base organization/member/), the methods test_keycloak_organization_member_test
left out: each test names its Java method. ``neworg`` (neworg.org) as AbstractOrganizationTest.createOrganization
makes it; the managed member comes in through the provider realm of broker_support.

Not ported, newer than Keycloak 26: testGetMemberOrganizationRequiresMembershipInCurrentOrganization (26's
``members/{id}/organizations`` reads any user of the realm), testSearchMembersBriefVsFullRepresentation (26's member
search has no ``briefRepresentation``: always full), testUserProfileAttributePermissions (26 maps members with
ModelToRepresentation, without the user profile's view permissions)."""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import forbidden, login
from broker_support import Broker, served, signs_in_by_hint
from flow_builder import admin
from organization_login_support import REALM, organization, owns_broker_domain
from wire_env import Env

pytestmark = pytest.mark.anyio
ORGS = f"{REALM}/organizations"
MEMBER = "jdoe@neworg.org"


async def _org(env: Env, alias: str = "neworg") -> str:
    await admin(env, "PUT", REALM, {"organizationsEnabled": True}, 204)
    return await organization(env, alias)


async def _add_member(
    env: Env, org: str, email: str = MEMBER, first: str = "John", last: str = "Doe", **rep: Any
) -> str:
    body = {"username": email, "email": email, "firstName": first, "lastName": last, "enabled": True, **rep}
    made = await admin(env, "POST", f"{REALM}/users", body, 201)
    user_id = str(made.headers["location"].rsplit("/", 1)[1])
    await admin(env, "POST", f"{ORGS}/{org}/members", user_id, 201)
    return user_id


async def _get(env: Env, path: str, status: int = 200, **params: Any) -> Any:
    response = await env.http.get(path, params=params, headers=await env.admin_headers())
    assert response.status_code == status, response.text
    return response.json()


async def test_search_members_with_sql_wildcards(realm: Env) -> None:
    """testSearchMembersWithSqlWildcards: ``_`` and ``%`` match only themselves, in partial and exact searches."""
    org = await _org(realm)
    for email, first in (("john_doe@test.org", "John"), ("johnadoe@test.org", "Johna"), ("johnbdoe@test.org", "Johnb")):
        await _add_member(realm, org, email, first, "Doe")

    async def found(text: str, exact: bool = False, key: str = "username") -> list[str]:
        members = await _get(realm, f"{ORGS}/{org}/members", search=text, exact=str(exact).lower())
        return [m[key] for m in members]

    assert await found("john_") == ["john_doe@test.org"]
    await _add_member(realm, org, "50%@test.org", "Fifty", "Percent", username="fifty")
    await _add_member(realm, org, "500@test.org", "Five", "Hundred")
    await _add_member(realm, org, "50abc@test.org", "Fiftyabc", "Test")
    assert await found("50%", key="email") == ["50%@test.org"]
    assert await found("john_doe@test.org", exact=True) == ["john_doe@test.org"]
    assert await found("50%@test.org", exact=True, key="email") == ["50%@test.org"]
    await _add_member(realm, org, "test_fn@test.org", "TestName", "LastName", username="testfn")
    await _add_member(realm, org, "testafn@test.org", "TestaName", "LastName", username="testafn")
    assert await found("test_", key="email") == ["test_fn@test.org"]
    await _add_member(realm, org, "50%_test@test.org", "FirstName", "Last", username="testpercent")
    await _add_member(realm, org, "50atest@test.org", "FirstName", "Last", username="testatest")
    assert await found("50%_", key="email") == ["50%_test@test.org"]


async def test_get_member_organizations_forbidden_for_non_admin_user(realm: Env) -> None:
    """testGetMemberOrganizationsForbiddenForNonAdminUser: a user without admin roles gets 403."""
    org_a, org_b = await _org(realm, "orga"), await _org(realm, "orgb")
    user_a = await _add_member(realm, org_a, "usera@orga.org")
    await admin(realm, "POST", f"{ORGS}/{org_b}/members", user_a, 201)
    body = {"username": "userb", "email": "userb@test.org", "firstName": "userb", "lastName": "userb"}
    user_b = (await admin(realm, "POST", f"{REALM}/users", {**body, "enabled": True}, 201)).headers["location"]
    await admin(realm, "PUT", f"{user_b}/reset-password", {"type": "password", "value": "password"}, 204)
    headers = await login(realm, "test", "userb")
    path = f"{ORGS}/members/{user_a}/organizations?briefRepresentation=true"
    forbidden(await realm.http.get(path, headers=headers))


async def _managed(broker: Broker, org: str) -> str:
    """alice of the provider realm signs in through ``kc``, linked to ``org``: her id, a MANAGED member."""
    env = broker.env
    await owns_broker_domain(env, org)
    await broker.add_provider(organizationId=org)
    await signs_in_by_hint(broker)
    members = await _get(env, f"{ORGS}/{org}/members", first=-1, max=-1)
    [alice] = [m for m in members if m["username"] == "alice"]
    assert alice["membershipType"] == "MANAGED"
    return str(alice["id"])


async def test_managed_member_only_removed_from_home_organization(env: Env) -> None:
    """testManagedMemberOnlyRemovedFromHomeOrganization: removing a MANAGED member from another organization ends
    only that membership; removing them from their own organization removes the user (JpaOrganizationProvider
    .removeMember: userProvider.removeUser)."""
    async with served(env) as broker:
        org_a = await _org(env, "org-a")
        alice = await _managed(broker, org_a)
        org_b = await _org(env, "org-b")
        other = await _add_member(env, org_b, "bob@org-b.org")
        await admin(env, "POST", f"{ORGS}/{org_b}/members", alice, 201)
        assert len(await _get(env, f"{ORGS}/{org_b}/members", first=-1, max=-1)) == 2
        await admin(env, "DELETE", f"{ORGS}/{org_b}/members/{alice}", status=204)
        assert [m["id"] for m in await _get(env, f"{ORGS}/{org_b}/members", first=-1, max=-1)] == [other]
        assert [m["id"] for m in await _get(env, f"{ORGS}/{org_a}/members", first=-1, max=-1)] == [alice]
        await _get(env, f"{REALM}/users/{alice}")
        await admin(env, "DELETE", f"{ORGS}/{org_a}/members/{alice}", status=204)
        assert await _get(env, f"{ORGS}/{org_a}/members", first=-1, max=-1) == []
        await _get(env, f"{REALM}/users/{alice}", 404)
        assert [m["id"] for m in await _get(env, f"{ORGS}/{org_b}/members", first=-1, max=-1)] == [other]


async def test_user_federated_before_the_idp_bound_with_an_org_is_not_member(env: Env) -> None:
    """testUserFederatedBeforeTheIDPBoundWithAnOrgIsNotMember: linking a provider to an organization (bound to its
    domain, or to ANY) makes none of the users it brought in before a member."""
    async with served(env) as broker:
        await broker.add_provider()
        await signs_in_by_hint(broker)
        assert len(await _get(env, f"{REALM}/users", username="alice", exact="true")) == 1
        await admin(env, "PUT", REALM, {"organizationsEnabled": True}, 204)
        made = await admin(env, "POST", ORGS, {"name": "neworg", "domains": [{"name": "neworg.org"}]}, 201)
        org = made.headers["location"].rsplit("/", 1)[1]
        rep = broker.provider_rep()
        config = {**rep["config"], "kc.org.domain": "neworg.org", "kc.org.broker.redirect.mode.email-matches": "true"}
        await admin(env, "PUT", f"{REALM}/identity-provider/instances/kc", {**rep, "config": config}, 204)
        await admin(env, "POST", f"{ORGS}/{org}/identity-providers", "kc", 204)
        assert await _get(env, f"{ORGS}/{org}/members", first=-1, max=-1) == []
        linked = await _get(env, f"{REALM}/identity-provider/instances/kc")
        any_domain = {**linked, "config": {**linked["config"], "kc.org.domain": "ANY"}}
        await admin(env, "PUT", f"{REALM}/identity-provider/instances/kc", any_domain, 204)
        assert await _get(env, f"{ORGS}/{org}/members", first=-1, max=-1) == []
