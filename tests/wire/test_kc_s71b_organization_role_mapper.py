"""Keycloak's OrganizationRoleMembershipOIDCMapperTest (main after 26.8.0, organization/mapper): the Organization Role
Membership mapper (``oidc-organization-role-membership-mapper``) on the realm's ``organization`` scope, every token
switch on (its @BeforeEach), the membership mapper's multivalued / jsonType / claim name / addOrganization* reset.

What the mapper puts in each mapped organization's entry is OrganizationRoleMapperUtils': ``roles`` (the member's
organization roles, the default role included), ``realm_access.roles`` and ``resource_access.<clientId>.roles``
(the realm and client roles those nest). Those realm and client roles are not the user's: the token's own
``realm_access`` / ``resource_access`` never carry them (Keycloak's newest test: ``not isUserInRole``)."""

from __future__ import annotations

from typing import Any

import pytest

from org_groups import member, organization
from org_invitations import ORGS
from org_role_claims import (
    MAPPER,
    REALM,
    add_member,
    assign,
    client_role,
    grant,
    membership_mapper,
    org_role,
    post,
    realm_role,
    role_mapper,
)
from support import add_audience, claims, token_url, update_client
from wire_env import Env

pytestmark = pytest.mark.anyio


def entry(found: dict[str, Any], claim: str, alias: str) -> dict[str, Any]:
    """organizationData: the organization's entry under the (dotted) claim name."""
    current: Any = found
    for part in claim.split("."):
        assert isinstance(current, dict), found
        current = current.get(part)
    assert isinstance(current, dict) and alias in current, found
    value: dict[str, Any] = current[alias]
    return value


async def _surfaces(env: Env, tokens: dict[str, Any]) -> list[dict[str, Any]]:
    """The access token's, ID token's, userinfo's and introspection's claims."""
    access = tokens["access_token"]
    info = await env.http.get(token_url("test", "userinfo"), headers={"Authorization": f"Bearer {access}"})
    assert info.status_code == 200, info.text
    form = {"token": access, "client_id": "app", "client_secret": "secret"}
    introspected = (await env.http.post(token_url("test", "token/introspect"), data=form)).json()
    assert introspected["active"] is True
    return [claims(access), claims(tokens["id_token"]), info.json(), introspected]


async def _acme_and_other(env: Env) -> tuple[str, str, str, dict[str, Any], dict[str, Any]]:
    """testRolesAndCompositesAcrossTokenSurfaces' set-up: a member of acme and other, acme-admin nesting acme-auditor,
    a realm role and a client role, other-admin; the ids of acme, other and the member, the realm role and the
    client role."""
    acme, other = await organization(env, "acme"), await organization(env, "other")
    user = await member(env, acme, "role-member", "role-member@acme.org")
    await add_member(env, other, user)
    acme_admin, auditor = await org_role(env, acme, "acme-admin"), await org_role(env, acme, "acme-auditor")
    other_admin = await org_role(env, other, "other-admin")
    realm_composite = await realm_role(env, "organization-realm-composite")
    client_composite = await client_role(env, "organization-role-client", "organization-client-composite")
    await post(env, f"{ORGS}/{acme}/roles/{acme_admin['id']}/composites", [auditor, realm_composite, client_composite])
    await assign(env, acme, acme_admin, user)
    await assign(env, other, other_admin, user)
    await add_audience(env.db, "test", "app")
    await role_mapper(env)
    return acme, other, user, realm_composite, client_composite


async def test_roles_and_composites_across_token_surfaces(realm: Env) -> None:
    """OrganizationRoleMembershipOIDCMapperTest.testRolesAndCompositesAcrossTokenSurfaces: in the access token, the
    ID token, userinfo and introspection, acme's entry has ``roles`` (acme-admin, the nested acme-auditor), the
    nested realm role in ``realm_access`` and the nested client role in ``resource_access``, never the old
    ``organization_roles`` key; other's entry only other's roles; the token's own realm_access / resource_access
    carry none of them; a custom and a dotted claim name of the membership mapper move the claim; without the
    organization scope there is no claim."""
    env = realm
    await _acme_and_other(env)
    tokens = await grant(env, "openid organization:*")
    for found in await _surfaces(env, tokens):
        acme = entry(found, "organization", "acme")
        assert "organization_roles" not in acme
        assert acme["roles"] == ["acme-admin", "acme-auditor", "default-roles-org-acme"]
        assert acme["realm_access"] == {"roles": ["organization-realm-composite"]}
        assert acme["resource_access"] == {"organization-role-client": {"roles": ["organization-client-composite"]}}
        other = entry(found, "organization", "other")
        assert "organization_roles" not in other
        assert other["roles"] == ["default-roles-org-other", "other-admin"]
        assert "realm_access" not in other and "resource_access" not in other
    access = claims(tokens["access_token"])
    realm_roles = access.get("realm_access", {}).get("roles", [])
    assert "organization-realm-composite" not in realm_roles and "acme-admin" not in realm_roles
    assert "organization-role-client" not in access.get("resource_access", {})
    assert "acme" not in access.get("resource_access", {})

    for claim in ("my_orgs", "custom.org"):  # assertCustomClaimName
        await membership_mapper(env, **{"claim.name": claim})
        access = claims((await grant(env, "openid organization:*"))["access_token"])
        acme = entry(access, claim, "acme")
        assert "organization_roles" not in acme and "acme-admin" in acme["roles"]
        assert "organization" not in access
        if "." in claim:
            assert claim not in access and claim.split(".")[0] in access
        else:
            assert claim in access

    access = claims((await grant(env, "openid"))["access_token"])
    assert "organization" not in access and "custom" not in access


async def test_single_organization_scope_maps_that_organization_only(realm: Env) -> None:
    """resolveOrganizations: ``organization:acme`` maps acme alone; the roles of other stay out (older version's
    testCustomClaimName asked for ``organization`` with one membership)."""
    env = realm
    await _acme_and_other(env)
    found = claims((await grant(env, "openid organization:acme"))["access_token"])["organization"]
    assert list(found) == ["acme"]
    assert found["acme"]["roles"] == ["acme-admin", "acme-auditor", "default-roles-org-acme"]


async def test_member_without_roles_gets_the_default_role(realm: Env) -> None:
    """resolveRoleClaims: the default role is mapped on the organization's internal group, so every member holds
    it: a member with no other role still gets ``roles`` [default-roles-<alias>] and no realm or client access."""
    env = realm
    org = await organization(env, "acme")
    await member(env, org, "role-member", "role-member@acme.org")
    await role_mapper(env)
    found = claims((await grant(env, "openid organization"))["access_token"])["organization"]
    assert found == {"acme": {"roles": ["default-roles-org-acme"]}}


async def test_default_role_composites_reach_every_member(realm: Env) -> None:
    """OrganizationGroupRoleMappingTest.testDefaultRoleCompositesAreInheritedThroughOrganizationMembership over the
    wire: an organization role nested in the default role (and those it nests) reach every member."""
    env = realm
    org = await organization(env, "acme")
    await member(env, org, "role-member", "role-member@acme.org")
    composite, read, write = [await org_role(env, org, n) for n in ("admin-composite", "read-users", "write-users")]
    await post(env, f"{ORGS}/{org}/roles/{composite['id']}/composites", [read, write])
    default = (await env.http.get(f"{ORGS}/{org}/roles/default", headers=await env.admin_headers())).json()
    await post(env, f"{ORGS}/{org}/roles/{default['id']}/composites", [composite])
    await role_mapper(env)
    found = claims((await grant(env, "openid organization"))["access_token"])["organization"]
    assert found["acme"]["roles"] == ["admin-composite", "default-roles-org-acme", "read-users", "write-users"]


async def test_disabled_organization_gets_no_roles(realm: Env) -> None:
    """resolveRoleClaims returns nothing for a disabled organization."""
    env = realm
    org = await organization(env, "acme")
    user = await member(env, org, "role-member", "role-member@acme.org")
    await assign(env, org, await org_role(env, org, "acme-admin"), user)
    await role_mapper(env)
    h = await env.admin_headers()
    rep = (await env.http.get(f"{ORGS}/{org}", headers=h)).json()
    assert (await env.http.put(f"{ORGS}/{org}", json={**rep, "enabled": False}, headers=h)).status_code == 204
    found = claims((await grant(env, "openid organization:*"))["access_token"]).get("organization")
    assert not isinstance(found, dict) or "roles" not in found.get("acme", {})


async def test_realm_and_client_roles_follow_the_client_scope(realm: Env) -> None:
    """The mapper's filter keeps a realm or client role an organization role nests only when it is among the client
    session's roles' scope: with full scope off, only those scope-mapped to the client (or its scopes) show in the
    organization's entry; organization roles always do."""
    env = realm
    await _acme_and_other(env)
    await update_client(env.db, "test", "app", full_scope_allowed=False)
    acme = claims((await grant(env, "openid organization:*"))["access_token"])["organization"]["acme"]
    assert acme["roles"] == ["acme-admin", "acme-auditor", "default-roles-org-acme"]
    assert "realm_access" not in acme and "resource_access" not in acme
    h = await env.admin_headers()
    [app] = (await env.http.get(f"{REALM}/clients", params={"clientId": "app"}, headers=h)).json()
    role = (await env.http.get(f"{REALM}/roles/organization-realm-composite", headers=h)).json()
    await post(env, f"{REALM}/clients/{app['id']}/scope-mappings/realm", [role])
    acme = claims((await grant(env, "openid organization:*"))["access_token"])["organization"]["acme"]
    assert acme["realm_access"] == {"roles": ["organization-realm-composite"]}
    assert "resource_access" not in acme


async def test_mapper_type_in_serverinfo(realm: Env) -> None:
    """OrganizationRoleMembershipMapper's provider: id, display type, category, help text and
    addIncludeInTokensConfig's switches (ID, access, lightweight, userinfo, introspection)."""
    env = realm
    info = (await env.http.get("/admin/serverinfo", headers=await env.admin_headers())).json()
    [found] = [t for t in info["protocolMapperTypes"]["openid-connect"] if t["id"] == MAPPER]
    assert found["name"] == "Organization Role Membership"
    assert found["category"] == "Token mapper"
    assert found["helpText"] == "Map user Organization role membership"
    assert found["priority"] == 20
    names = [p["name"] for p in found["properties"]]
    assert names == [
        "id.token.claim",
        "access.token.claim",
        "lightweight.claim",
        "userinfo.token.claim",
        "introspection.token.claim",
    ]
