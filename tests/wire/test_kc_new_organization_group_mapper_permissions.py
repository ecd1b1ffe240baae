"""Keycloak's new-framework OrganizationGroupMapperPermissionsTest (tests/organization/authz/): an identity provider
mapper naming an organization's group (``groupType`` ORGANIZATION) is created, updated and deleted only by an
administrator who may manage organizations besides manage-identity-providers; a realm group's mapper needs no
organization role. Both engines."""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import realm_admin
from org_groups import group, organization
from wire_env import Env

pytestmark = pytest.mark.anyio
ADMIN = "/admin/realms/test"
ALIAS = "neworg-identity-provider"
MAPPERS = f"{ADMIN}/identity-provider/instances/{ALIAS}/mappers"


async def _setup(env: Env) -> tuple[str, dict[str, str], dict[str, str]]:
    """AbstractOrganizationTest.createOrganization (an organization with its provider linked), and the class's two
    administrators: manage-idps-only (view-organizations, manage-identity-providers) and manage-idps-and-orgs
    (manage-organizations, manage-identity-providers)."""
    h = await env.admin_headers()
    org = await organization(env)
    idp = {"alias": ALIAS, "providerId": "oidc", "config": {"clientId": "broker", "clientSecret": "secret"}}
    assert (await env.http.post(f"{ADMIN}/identity-provider/instances", json=idp, headers=h)).status_code == 201
    linked = await env.http.post(f"{ADMIN}/organizations/{org}/identity-providers", content=ALIAS, headers=h)
    assert linked.status_code == 204, linked.text
    only = await realm_admin(env, "manage-idps-only", "view-organizations", "manage-identity-providers")
    both = await realm_admin(env, "manage-idps-and-orgs", "manage-organizations", "manage-identity-providers")
    return org, only, both


def _org_mapper(path: str, org: str) -> dict[str, Any]:
    return {
        "name": "org-group-mapper",
        "identityProviderMapper": "oidc-hardcoded-group-idp-mapper",
        "identityProviderAlias": ALIAS,
        "config": {"syncMode": "FORCE", "group": path, "groupType": "ORGANIZATION", "organizationId": org},
    }


async def _org_group_path(env: Env, org: str, name: str) -> str:
    gid = await group(env, org, name)
    found = await env.http.get(f"{ADMIN}/organizations/{org}/groups/{gid}", headers=await env.admin_headers())
    return str(found.json()["path"])


async def _created(env: Env, rep: dict[str, Any]) -> str:
    made = await env.http.post(MAPPERS, json=rep, headers=await env.admin_headers())
    assert made.status_code == 201, made.text
    return str(made.headers["location"].rsplit("/", 1)[1])


async def test_org_group_mapper_requires_manage_organization(realm: Env) -> None:
    """OrganizationGroupMapperPermissionsTest#testOrgGroupMapperRequiresManageOrganization."""
    env = realm
    org, only, both = await _setup(env)
    rep = _org_mapper(await _org_group_path(env, org, "test-perm-group"), org)
    assert (await env.http.post(MAPPERS, json=rep, headers=only)).status_code == 403
    assert (await env.http.get(MAPPERS, headers=await env.admin_headers())).json() == []
    assert (await env.http.post(MAPPERS, json=rep, headers=both)).status_code == 201


async def test_org_group_mapper_update_requires_manage_organization(realm: Env) -> None:
    """OrganizationGroupMapperPermissionsTest#testOrgGroupMapperUpdateRequiresManageOrganization; beyond it, turning
    the organization group's mapper into a realm group's is refused too (the stored mapper is checked)."""
    env = realm
    org, only, both = await _setup(env)
    mapper_id = await _created(env, _org_mapper(await _org_group_path(env, org, "test-update-perm-group"), org))
    stored = (await env.http.get(f"{MAPPERS}/{mapper_id}", headers=await env.admin_headers())).json()
    assert (await env.http.put(f"{MAPPERS}/{mapper_id}", json=stored, headers=only)).status_code == 403
    realm_group = {**stored, "config": {"syncMode": "FORCE", "group": "/elsewhere"}}
    assert (await env.http.put(f"{MAPPERS}/{mapper_id}", json=realm_group, headers=only)).status_code == 403
    assert (await env.http.put(f"{MAPPERS}/{mapper_id}", json=stored, headers=both)).status_code == 204


async def test_org_group_mapper_delete_requires_manage_organization(realm: Env) -> None:
    """OrganizationGroupMapperPermissionsTest#testOrgGroupMapperDeleteRequiresManageOrganization."""
    env = realm
    org, only, both = await _setup(env)
    mapper_id = await _created(env, _org_mapper(await _org_group_path(env, org, "test-delete-perm-group"), org))
    assert (await env.http.delete(f"{MAPPERS}/{mapper_id}", headers=only)).status_code == 403
    assert (await env.http.get(f"{MAPPERS}/{mapper_id}", headers=await env.admin_headers())).status_code == 200
    assert (await env.http.delete(f"{MAPPERS}/{mapper_id}", headers=both)).status_code == 204


async def test_realm_group_mapper_does_not_require_manage_organization(realm: Env) -> None:
    """OrganizationGroupMapperPermissionsTest#testRealmGroupMapperDoesNotRequireManageOrganization."""
    env = realm
    _, only, _ = await _setup(env)
    made = await env.http.post(f"{ADMIN}/groups", json={"name": "test-realm-group"}, headers=await env.admin_headers())
    assert made.status_code == 201
    rep = {
        "name": "realm-group-mapper",
        "identityProviderMapper": "oidc-hardcoded-group-idp-mapper",
        "identityProviderAlias": ALIAS,
        "config": {"syncMode": "FORCE", "group": "/test-realm-group"},
    }
    assert (await env.http.post(MAPPERS, json=rep, headers=only)).status_code == 201
