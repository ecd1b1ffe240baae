"""The organization groups in the ``organization`` claim (Keycloak 26.6's OrganizationGroupMembershipMapper, added
to the realm's ``organization`` scope as its tests add it). Ported in part from Keycloak's
OrganizationGroupMembershipOIDCMapperTest; the Keycloak method each test follows is named in its docstring."""

from __future__ import annotations

from typing import Any

import pytest

from org_groups import GROUP_MAPPER, group, organization
from org_invitations import ORGS
from support import claims, password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio
REALM = "/admin/realms/test"


async def _scope(env: Env) -> tuple[str, dict[str, Any]]:
    h = await env.admin_headers()
    [scope] = [
        s for s in (await env.http.get(f"{REALM}/client-scopes", headers=h)).json() if s["name"] == "organization"
    ]
    return scope["id"], scope


async def _setup(env: Env) -> dict[str, str]:
    """user1 in acme (groups /engineering and /engineering/backend) and beta (no group); the group mapper on the
    ``organization`` scope."""
    h = await env.admin_headers()
    acme, beta = await organization(env, "acme"), await organization(env, "beta")
    [user] = (await env.http.get(f"{REALM}/users", params={"username": "user1", "exact": "true"}, headers=h)).json()
    for org in (acme, beta):
        assert (await env.http.post(f"{ORGS}/{org}/members", content=user["id"], headers=h)).status_code == 201
    eng = await group(env, acme, "engineering")
    backend = await group(env, acme, "backend", parent=eng)
    await group(env, acme, "sales")
    for gid in (eng, backend):
        assert (await env.http.put(f"{ORGS}/{acme}/groups/{gid}/members/{user['id']}", headers=h)).status_code == 204
    scope_id, _ = await _scope(env)
    added = await env.http.post(
        f"{REALM}/client-scopes/{scope_id}/protocol-mappers/models", json=GROUP_MAPPER, headers=h
    )
    assert added.status_code == 201, added.text
    return h


async def _access(env: Env, scope: str) -> dict[str, Any]:
    response = await password_grant(env.http, "test", "app", "user1", scope=scope)
    assert response.status_code == 200, response.text
    return claims(response.json()["access_token"])


async def test_each_organization_names_the_users_groups_by_path(realm: Env) -> None:
    """OrganizationGroupMembershipOIDCMapperTest.testNestedGroupsWithRelativePaths, testEmptyGroupsWhenUserHasNoGroups,
    testCompositionWithStringTypeOrgMapper: the aliases the membership mapper wrote become a map, each with its
    ``groups`` (empty for an organization the user is in no group of)."""
    env = realm
    await _setup(env)
    access = await _access(env, "openid organization:*")
    assert access["organization"] == {
        "acme": {"groups": ["/engineering", "/engineering/backend"]},
        "beta": {"groups": []},
    }
    only = await _access(env, "openid organization:beta")
    assert only["organization"] == {"beta": {"groups": []}}
    assert "organization" not in await _access(env, "openid")


async def test_groups_join_the_id_and_attributes_the_membership_mapper_adds(realm: Env) -> None:
    """OrganizationGroupMembershipOIDCMapperTest.testCompositionWithAttributesAndId; leaving the organization
    takes its groups out of the next token."""
    env = realm
    h = await _setup(env)
    scope_id, scope = await _scope(env)
    [mapper] = [m for m in scope["protocolMappers"] if m["protocolMapper"] == "oidc-organization-membership-mapper"]
    mapper["config"] |= {"addOrganizationId": "true"}
    models = f"{REALM}/client-scopes/{scope_id}/protocol-mappers/models/{mapper['id']}"
    assert (await env.http.put(models, json=mapper, headers=h)).status_code == 204
    acme = (await _access(env, "openid organization:*"))["organization"]["acme"]
    assert set(acme) == {"id", "groups"} and acme["groups"] == ["/engineering", "/engineering/backend"]
    [user] = (await env.http.get(f"{REALM}/users", params={"username": "user1"}, headers=h)).json()
    assert (await env.http.delete(f"{ORGS}/{acme['id']}/members/{user['id']}", headers=h)).status_code == 204
    assert list((await _access(env, "openid organization:*"))["organization"]) == ["beta"]
