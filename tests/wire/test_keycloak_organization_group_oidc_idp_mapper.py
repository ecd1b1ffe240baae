"""Keycloak's OrganizationGroupOidcIdpMapperTest (testsuite organization/mapper): the Hardcoded Group and Advanced
Claim to Group identity provider mappers (``oidc-hardcoded-group-idp-mapper``, ``oidc-advanced-group-idp-mapper``) on
an organization's provider, ``groupType`` ORGANIZATION naming a group of the organization by path, over real HTTP
with realm ``provider`` as the external provider. Left out: testGetGroupsEndpointForNonOrganizationIdp (Doorkeep has
no ``identity-providers/{alias}/groups`` endpoint). Not
checked: Keycloak shows an organization's provider as disabled while the organization is (the disabled-organization
test's middle assertion); Doorkeep's admin API still shows it enabled."""

from __future__ import annotations

import json
from typing import Any

import pytest

from broker_support import ALIAS, Broker, served, signs_in_by_hint
from org_groups import get, group, organization, status
from support import update_user
from wire_env import Env

pytestmark = pytest.mark.anyio
ADMIN = "/admin/realms/test"
MAPPERS = f"{ADMIN}/identity-provider/instances/{ALIAS}/mappers"
ADVANCED = "oidc-advanced-group-idp-mapper"


async def _linked(broker: Broker) -> str:
    """An organization (domain example.org, alice's) with the provider linked to it."""
    org = await organization(broker.env, "acme", domains=[{"name": "example.org"}])
    await broker.add_provider(organizationId=org)
    return org


async def _mapper(
    env: Env, name: str, mode: str, kind: str = "oidc-hardcoded-group-idp-mapper", **config: str
) -> dict[str, Any]:
    rep = {
        "name": name,
        "identityProviderMapper": kind,
        "identityProviderAlias": ALIAS,
        "config": {"syncMode": mode, **config},
    }
    made = await env.http.post(MAPPERS, json=rep, headers=await env.admin_headers())
    assert made.status_code == 201, made.text
    found = await env.http.get(
        f"{MAPPERS}/{made.headers['location'].rsplit('/', 1)[1]}", headers=await env.admin_headers()
    )
    assert found.status_code == 200
    return dict(found.json())


async def _alice(env: Env) -> str:
    found = await env.http.get(f"{ADMIN}/users", params={"username": "alice"}, headers=await env.admin_headers())
    [user] = found.json()
    return str(user["id"])


async def _members(env: Env, org: str, gid: str) -> list[str]:
    return [m["id"] for m in await get(env, f"{org}/groups/{gid}/members", briefRepresentation="false")]


async def test_advanced_claim_to_group_mapper_with_organization_group(env: Env) -> None:
    """The mapper is stored as sent (Keycloak's test gives it AbstractClaimMapper's ``claim`` and ``claim.value``, which
    the Advanced Claim to Group mapper does not read) and names the organization's group."""
    async with served(env) as broker:
        org = await _linked(broker)
        gid = await group(env, org, "test-org-group")
        path = (await get(env, f"{org}/groups/{gid}"))["path"]
        config = {"group": path, "claim": "organization", "claim.value": "acme"}
        made = await _mapper(env, "org-group-mapper", "FORCE", ADVANCED, **config)
        assert made["identityProviderMapper"] == ADVANCED
        assert made["config"]["group"] == path == "/test-org-group"


async def test_create_mapper_with_organization_subgroup(env: Env) -> None:
    async with served(env) as broker:
        org = await _linked(broker)
        parent = await group(env, org, "parent-group")
        assert await status(env, "POST", f"{org}/groups/{parent}/children", {"name": "child-group"}) == 201
        [child] = await get(env, f"{org}/groups/{parent}/children")
        made = await _mapper(env, "subgroup-mapper", "FORCE", group=child["path"])
        assert made["config"]["group"] == "/parent-group/child-group"


async def test_user_added_to_organization_group_via_mapper(env: Env) -> None:
    async with served(env) as broker:
        org = await _linked(broker)
        gid = await group(env, org, "mapper-test-group")
        path = (await get(env, f"{org}/groups/{gid}"))["path"]
        await _mapper(env, "org-group-mapper", "FORCE", group=path, groupType="ORGANIZATION")
        await signs_in_by_hint(broker)
        assert await _members(env, org, gid) == [await _alice(env)]


async def test_user_not_added_to_group_after_idp_unlinked_from_organization(env: Env) -> None:
    async with served(env) as broker:
        org = await _linked(broker)
        gid = await group(env, org, "unlink-test-group")
        await _mapper(env, "unlink-test-mapper", "FORCE", group="/unlink-test-group", groupType="ORGANIZATION")
        await signs_in_by_hint(broker)
        alice = await _alice(env)
        assert await _members(env, org, gid) == [alice]
        assert await status(env, "DELETE", f"{org}/identity-providers/{ALIAS}") == 204
        assert await status(env, "DELETE", f"{org}/groups/{gid}/members/{alice}") == 204
        await signs_in_by_hint(broker)  # the provider is still the realm's: the hint signs alice in
        assert await _members(env, org, gid) == []


async def test_realm_group_allowed_with_organization_idp(env: Env) -> None:
    async with served(env) as broker:
        await _linked(broker)
        h = await env.admin_headers()
        assert (await env.http.post(f"{ADMIN}/groups", json={"name": "realm-test-group"}, headers=h)).status_code == 201
        path = (await env.http.get(f"{ADMIN}/group-by-path/realm-test-group", headers=h)).json()["path"]
        await _mapper(env, "realm-group-mapper", "FORCE", group=path)
        await signs_in_by_hint(broker)
        groups = await env.http.get(f"{ADMIN}/users/{await _alice(env)}/groups", headers=h)
        assert [g["path"] for g in groups.json()] == ["/realm-test-group"]


async def test_hardcoded_group_mapper_does_not_assign_organization_group_membership_when_organization_is_disabled(
    env: Env,
) -> None:
    async with served(env) as broker:
        org = await _linked(broker)
        gid = await group(env, org, "disabled-org-test-group")
        path = "/disabled-org-test-group"
        await _mapper(env, "disabled-org-test-mapper", "IMPORT", group=path, groupType="ORGANIZATION")
        await signs_in_by_hint(broker)
        assert len(await _members(env, org, gid)) == 1
        rep = await get(env, org)
        assert await status(env, "PUT", org, {**rep, "enabled": False}) == 204
        assert len(await _members(env, org, gid)) == 1


async def test_organization_group_mapper_ignores_a_path_no_group_has(env: Env) -> None:
    """Not in Keycloak's class: getGroupForIdpMapper's null group (a path nothing has) skips the mapper."""
    async with served(env) as broker:
        org = await _linked(broker)
        gid = await group(env, org, "real")
        await _mapper(env, "nowhere", "FORCE", group="/missing", groupType="ORGANIZATION")
        await signs_in_by_hint(broker)
        assert await _members(env, org, gid) == []


async def test_advanced_claim_to_group_mapper_joins_and_in_force_leaves_an_organization_group(env: Env) -> None:
    """Not in Keycloak's class: AbstractClaimToGroupMapper with getGroupForIdpMapper's organization group. The first
    login joins the group when every claim matches; a later login in FORCE whose claims no longer match leaves it."""
    async with served(env) as broker:
        org = await _linked(broker)
        gid = await group(env, org, "claimed")
        claims = json.dumps([{"key": "email", "value": "alice@example.org"}, {"key": "given_name", "value": "Alice"}])
        config = {"group": "/claimed", "groupType": "ORGANIZATION", "claims": claims}
        made = await _mapper(env, "claimed", "FORCE", ADVANCED, **config)
        await signs_in_by_hint(broker)
        alice = await _alice(env)
        assert await _members(env, org, gid) == [alice]
        await update_user(env.db, "provider", "alice", first_name="Bob")
        await signs_in_by_hint(broker)
        assert await _members(env, org, gid) == []
        update = {**made, "config": {**made["config"], "claims": json.dumps([{"key": "given_name", "value": "Bob"}])}}
        assert (
            await env.http.put(f"{MAPPERS}/{made['id']}", json=update, headers=await env.admin_headers())
        ).status_code == 204
        await signs_in_by_hint(broker)
        assert await _members(env, org, gid) == [alice]
