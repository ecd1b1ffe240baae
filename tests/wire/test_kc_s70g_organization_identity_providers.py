"""Keycloak's OrganizationIdentityProviderTest (organization/broker/), its Keycloak 26.8 form: a provider links
several organizations (the representation's ``organizationLinks``), and an organization is made as 26.8's
AbstractOrganizationTest.createOrganization makes it: the organization with its domains, its provider
``<name>-identity-provider`` created without ``kc.org.domain`` and linked, then the first domain routed to it
(``identityProviderAlias``, ``autoRedirect``) in a PUT of the organization.

testAddIdpFromDifferentRealm runs on the server in Keycloak; its wire port stays in
tests/wire/test_admin_organization_identity_providers.py. tests/wire/test_kc_port7_organization_identity_providers.py
keeps the 26.x form (``kc.org.domain`` bindings).
"""

from __future__ import annotations

from typing import Any

import pytest

from flow_builder import admin
from wire_env import Env

pytestmark = pytest.mark.anyio
REALM = "/admin/realms/test"
ORGS = f"{REALM}/organizations"
IDPS = f"{REALM}/identity-provider/instances"


def _broker(alias: str) -> dict[str, Any]:
    """createOrgBroker: an OpenID Connect provider hidden on the login page, no organization config."""
    endpoints = {"authorizationUrl": "https://idp.example/auth", "tokenUrl": "https://idp.example/token"}
    config = {"clientId": "broker-app", "clientSecret": "broker-secret", "syncMode": "IMPORT", **endpoints}
    return {"alias": alias, "providerId": "oidc", "enabled": True, "hideOnLogin": True, "config": config}


async def _org(env: Env, name: str = "neworg", *domains: str) -> str:
    """createOrganization(name, domains...): the organization, its provider linked, its first domain routed there."""
    await admin(env, "PUT", REALM, {"organizationsEnabled": True}, 204)
    domains = domains if domains else (f"{name}.org",)
    body = {"name": name, "alias": name, "domains": [{"name": d} for d in domains if d]}
    org = str((await admin(env, "POST", ORGS, body, 201)).headers["location"].rsplit("/", 1)[1])
    alias = f"{name}-identity-provider"
    await admin(env, "POST", IDPS, _broker(alias), 201)
    await admin(env, "POST", f"{ORGS}/{org}/identity-providers", alias, 204)
    if domains[0]:
        rep = await _get(env, f"{ORGS}/{org}")
        for row in rep["domains"]:
            if row["name"] == domains[0]:
                row |= {"identityProviderAlias": alias, "autoRedirect": True}
        await admin(env, "PUT", f"{ORGS}/{org}", rep, 204)
    return org


async def _get(env: Env, path: str, status: int = 200) -> Any:
    return (await admin(env, "GET", path, status=status)).json()


def _orgs_of(rep: dict[str, Any]) -> list[str]:
    """hasOrgLink / hasNoOrgLinks: the organizations of the representation's ``organizationLinks``."""
    return [link["organizationId"] for link in rep.get("organizationLinks") or []]


async def test_update(realm: Env) -> None:
    """testUpdate: the provider's ``organizationLinks`` in a PUT of identity-provider/instances are ignored (an
    unknown organization, another organization, none): the link to the organization stays."""
    org = await _org(realm)
    alias = "neworg-identity-provider"
    assert _orgs_of(await _get(realm, f"{ORGS}/{org}/identity-providers/{alias}")) == [org]
    actual = await _get(realm, f"{IDPS}/{alias}")
    assert _orgs_of(actual) == [org]
    await admin(realm, "PUT", f"{IDPS}/{alias}", {**actual, "organizationLinks": [{"organizationId": "x"}]}, 204)
    actual = await _get(realm, f"{IDPS}/{alias}")
    assert org in _orgs_of(actual)
    second = await _org(realm, "secondorg")
    await admin(realm, "PUT", f"{IDPS}/{alias}", {**actual, "organizationLinks": [{"organizationId": second}]}, 204)
    actual = await _get(realm, f"{IDPS}/{alias}")
    assert org in _orgs_of(actual)
    await admin(realm, "PUT", f"{IDPS}/{alias}", {**actual, "organizationLinks": None}, 204)
    assert org in _orgs_of(await _get(realm, f"{IDPS}/{alias}"))


async def test_delete(realm: Env) -> None:
    """testDelete: five more providers linked (six), each unlinked: 404 under the organization, still in the realm;
    unlinking the organization's own provider leaves the realm's providers in place."""
    org = await _org(realm)
    for i in range(5):
        await admin(realm, "POST", IDPS, _broker(f"idp-{i}"), 201)
        await admin(realm, "POST", f"{ORGS}/{org}/identity-providers", f"idp-{i}", 204)
    assert len(await _get(realm, f"{ORGS}/{org}/identity-providers")) == 6
    for i in range(5):
        await admin(realm, "DELETE", f"{ORGS}/{org}/identity-providers/idp-{i}", status=204)
        await _get(realm, f"{ORGS}/{org}/identity-providers/idp-{i}", 404)
        await _get(realm, f"{IDPS}/idp-{i}")
    await admin(realm, "DELETE", f"{ORGS}/{org}/identity-providers/neworg-identity-provider", status=204)
    assert await _get(realm, IDPS)


async def test_creating_existing_identity_provider(realm: Env) -> None:
    """testCreatingExistingIdentityProvider: the organization's own provider linked again is 409; linked to a second
    organization 204, the provider then linked to both."""
    org = await _org(realm)
    alias = "neworg-identity-provider"
    rep = await _get(realm, f"{ORGS}/{org}/identity-providers/{alias}")
    copy = {k: v for k, v in rep.items() if k not in ("internalId", "organizationId", "organizationLinks")}
    await admin(realm, "POST", IDPS, {**copy, "alias": "another-idp"}, 201)
    await admin(realm, "POST", f"{ORGS}/{org}/identity-providers", alias, 409)
    second = await _org(realm, "secondorg")
    await admin(realm, "POST", f"{ORGS}/{second}/identity-providers", alias, 204)
    assert sorted(_orgs_of(await _get(realm, f"{IDPS}/{alias}"))) == sorted([org, second])


async def test_removing_org_should_remove_idp(realm: Env) -> None:
    """testRemovingOrgShouldRemoveIdP: the provider stays in the realm, linked to no organization."""
    org = await _org(realm)
    await admin(realm, "DELETE", f"{ORGS}/{org}", status=204)
    assert _orgs_of(await _get(realm, f"{IDPS}/neworg-identity-provider")) == []


async def test_update_or_delete_identity_provider_not_assigned_to_organization(realm: Env) -> None:
    """testUpdateOrDeleteIdentityProviderNotAssignedToOrganization: unlinking is 204, a second time 404."""
    org = await _org(realm)
    await admin(realm, "POST", IDPS, {"alias": "some-broker", "displayName": "some-broker", "providerId": "oidc"}, 201)
    path = f"{ORGS}/{org}/identity-providers/neworg-identity-provider"
    await admin(realm, "DELETE", path, status=204)
    await admin(realm, "DELETE", path, status=404)


async def test_assign_domain_with_non_existent_idp(realm: Env) -> None:
    """testAssignDomainWithNonExistentIdp: a domain routed to a provider the realm does not have is 400, and the
    routing stays as it was."""
    org = await _org(realm)
    rep = await _get(realm, f"{ORGS}/{org}")
    rows = [{**d, "identityProviderAlias": "unknown-idp"} if d["name"] == "neworg.org" else d for d in rep["domains"]]
    await admin(realm, "PUT", f"{ORGS}/{org}", {**rep, "domains": rows}, 400)
    [row] = (await _get(realm, f"{ORGS}/{org}"))["domains"]
    assert row["identityProviderAlias"] == "neworg-identity-provider"


async def test_removed_domain_updated_in_idp(realm: Env) -> None:
    """testRemovedDomainUpdatedInIDP: testorg.com routed to the provider, testorg.net not; testorg.com removed from
    the organization, testorg.net is still routed nowhere."""
    org = await _org(realm, "testorg", "testorg.com", "testorg.net")
    rep = await _get(realm, f"{ORGS}/{org}")
    [first] = [d for d in rep["domains"] if d["name"] == "testorg.com"]
    assert first["identityProviderAlias"] == "testorg-identity-provider"
    kept = [d for d in rep["domains"] if d["name"] != "testorg.com"]
    await admin(realm, "PUT", f"{ORGS}/{org}", {**rep, "domains": kept}, 204)
    [remaining] = (await _get(realm, f"{ORGS}/{org}"))["domains"]
    assert remaining["name"] == "testorg.net" and remaining.get("identityProviderAlias") is None, remaining


async def test_link_identity_provider_to_organization_without_domain(realm: Env) -> None:
    """testLinkIdentityProviderToOrganizationWithoutDomain."""
    org = await _org(realm, "myorg", "")
    assert len(await _get(realm, f"{ORGS}/{org}/identity-providers")) == 1


async def test_link_idp_to_multiple_organizations(realm: Env) -> None:
    """testLinkIdpToMultipleOrganizations: orga's provider linked to orgb as well (two links, seen from both
    organizations); unlinked from orga, it is linked to orgb only, 404 under orga."""
    org_a = await _org(realm, "orga", "orga.com")
    [provider] = await _get(realm, f"{ORGS}/{org_a}/identity-providers")
    alias = provider["alias"]
    org_b = await _org(realm, "orgb", "orgb.com")
    await admin(realm, "POST", f"{ORGS}/{org_b}/identity-providers", alias, 204)
    rep = await _get(realm, f"{IDPS}/{alias}")
    assert len(rep["organizationLinks"]) == 2 and set(_orgs_of(rep)) == {org_a, org_b}
    await _get(realm, f"{ORGS}/{org_a}/identity-providers/{alias}")
    await _get(realm, f"{ORGS}/{org_b}/identity-providers/{alias}")
    await admin(realm, "DELETE", f"{ORGS}/{org_a}/identity-providers/{alias}", status=204)
    rep = await _get(realm, f"{IDPS}/{alias}")
    assert _orgs_of(rep) == [org_b]
    await _get(realm, f"{ORGS}/{org_b}/identity-providers/{alias}")
    await _get(realm, f"{ORGS}/{org_a}/identity-providers/{alias}", 404)
