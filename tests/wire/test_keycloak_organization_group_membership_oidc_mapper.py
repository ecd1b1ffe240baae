"""Keycloak's OrganizationGroupMembershipOIDCMapperTest (testsuite organization/mapper), one test per Java method:
the organization group membership mapper on the realm's ``organization`` scope (its @Before), the membership
mapper's multivalued / jsonType / addOrganizationAttributes / addOrganizationId reset first."""

from __future__ import annotations

from typing import Any

import pytest

from org_groups import GROUP_MAPPER, group, organization, status
from org_invitations import ORGS
from support import claims, password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio
REALM = "/admin/realms/test"
RESET = ("multivalued", "jsonType.label", "addOrganizationAttributes", "addOrganizationId")


async def _membership_mapper(env: Env, **config: str) -> None:
    """setMapperConfig: the ``organization`` scope's membership mapper, the @Before's keys removed, ``config`` set."""
    h = await env.admin_headers()
    [scope] = [
        s for s in (await env.http.get(f"{REALM}/client-scopes", headers=h)).json() if s["name"] == "organization"
    ]
    [mapper] = [m for m in scope["protocolMappers"] if m["protocolMapper"] == "oidc-organization-membership-mapper"]
    mapper["config"] = {k: v for k, v in mapper["config"].items() if k not in RESET} | config
    url = f"{REALM}/client-scopes/{scope['id']}/protocol-mappers/models/{mapper['id']}"
    assert (await env.http.put(url, json=mapper, headers=h)).status_code == 204
    added = await env.http.post(
        f"{REALM}/client-scopes/{scope['id']}/protocol-mappers/models", json=GROUP_MAPPER, headers=h
    )
    assert added.status_code == 201, added.text


async def _user1(env: Env, *orgs: str) -> str:
    h = await env.admin_headers()
    [user] = (await env.http.get(f"{REALM}/users", params={"username": "user1", "exact": "true"}, headers=h)).json()
    for org in orgs:
        assert (await env.http.post(f"{ORGS}/{org}/members", content=user["id"], headers=h)).status_code == 201
    return str(user["id"])


async def _join(env: Env, org: str, gid: str, user: str) -> None:
    assert await status(env, "PUT", f"{org}/groups/{gid}/members/{user}") == 204


async def _organization_claim(env: Env, scope: str) -> Any:
    response = await password_grant(env.http, "test", "app", "user1", scope=scope)
    assert response.status_code == 200, response.text
    return claims(response.json()["access_token"])["organization"]


async def test_nested_groups_with_relative_paths(realm: Env) -> None:
    org = await organization(realm, "acme")
    user = await _user1(realm, org)
    engineering = await group(realm, org, "engineering")
    for gid in (engineering, await group(realm, org, "backend", parent=engineering)):
        await _join(realm, org, gid, user)
    await _membership_mapper(realm, multivalued="false")
    groups = (await _organization_claim(realm, "openid organization"))["acme"]["groups"]
    assert sorted(groups) == ["/engineering", "/engineering/backend"]
    assert all(p.startswith("/") and org not in p for p in groups)


async def test_empty_groups_when_user_has_no_groups(realm: Env) -> None:
    await _user1(realm, await organization(realm, "acme"))
    await _membership_mapper(realm)
    assert (await _organization_claim(realm, "openid organization"))["acme"]["groups"] == []


async def test_composition_with_attributes_and_id(realm: Env) -> None:
    keyed = {"attributes": {"key": ["value1", "value2"]}}
    org_a, org_b = await organization(realm, "org-a", **keyed), await organization(realm, "org-b", **keyed)
    user = await _user1(realm, org_a, org_b)
    await _join(realm, org_a, await group(realm, org_a, "engineering"), user)
    await _join(realm, org_b, await group(realm, org_b, "sales"), user)
    await _membership_mapper(realm, multivalued="true", addOrganizationAttributes="true", addOrganizationId="true")
    claim = await _organization_claim(realm, "openid organization:*")
    for alias, path in (("org-a", "/engineering"), ("org-b", "/sales")):
        assert set(claim[alias]) == {"id", "key", "groups"}
        assert all(v is not None for v in claim[alias].values())
        assert claim[alias]["groups"] == [path]


async def test_composition_with_string_type_org_mapper(realm: Env) -> None:
    orgs = [await organization(realm, name) for name in ("org-a", "org-b", "org-c")]
    user = await _user1(realm, *orgs)
    await _join(realm, orgs[0], await group(realm, orgs[0], "engineering"), user)
    await _membership_mapper(realm)
    claim = await _organization_claim(realm, "openid organization:*")
    assert set(claim) == {"org-a", "org-b", "org-c"}
    assert [claim[a]["groups"] for a in ("org-a", "org-b", "org-c")] == [["/engineering"], [], []]
