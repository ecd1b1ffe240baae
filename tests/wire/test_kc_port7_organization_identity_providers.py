"""Keycloak's OrganizationIdentityProviderTest (organization/broker/): each test names its Java method. An
organization is made as AbstractOrganizationTest.createOrganization makes it: ``<name>-identity-provider`` created for
it (``organizationId``), bound to its first domain with "Redirect when email domain matches"."""

from __future__ import annotations

from typing import Any

import pytest

from flow_builder import admin
from wire_env import Env

pytestmark = pytest.mark.anyio
REALM = "/admin/realms/test"
ORGS = f"{REALM}/organizations"
IDPS = f"{REALM}/identity-provider/instances"
DOMAIN = "kc.org.domain"


def _broker(alias: str, **config: str) -> dict[str, Any]:
    endpoints = {"authorizationUrl": "https://idp.example/auth", "tokenUrl": "https://idp.example/token"}
    return {"alias": alias, "providerId": "oidc", "enabled": True, "config": {"clientId": "c", **endpoints, **config}}


async def _org(env: Env, name: str = "neworg", *domains: str) -> str:
    """createOrganization(name, domains...): the organization's id, its provider ``<name>-identity-provider``."""
    await admin(env, "PUT", REALM, {"organizationsEnabled": True}, 204)
    domains = domains if domains else (f"{name}.org",)
    body = {"name": name, "alias": name, "domains": [{"name": d} for d in domains]}
    org = str((await admin(env, "POST", ORGS, body, 201)).headers["location"].rsplit("/", 1)[1])
    bound = {DOMAIN: domains[0], "kc.org.broker.redirect.mode.email-matches": "true"} if domains != ("",) else {}
    await admin(env, "POST", IDPS, {**_broker(f"{name}-identity-provider", **bound), "organizationId": org}, 201)
    return org


async def _get(env: Env, path: str, status: int = 200) -> Any:
    return (await admin(env, "GET", path, status=status)).json()


async def test_update(realm: Env) -> None:
    """testUpdate: through identity-provider/instances the link never changes (an unknown organization is 400,
    another or none keeps it); a blank or absent ``kc.org.domain`` removes the domain."""
    org = await _org(realm)
    alias = "neworg-identity-provider"
    assert (await _get(realm, f"{ORGS}/{org}/identity-providers/{alias}"))["organizationId"] == org
    actual = await _get(realm, f"{IDPS}/{alias}")
    assert actual["organizationId"] == org
    await admin(realm, "PUT", f"{IDPS}/{alias}", {**actual, "organizationId": "somethingelse"}, 400)
    second = await _org(realm, "secondorg")
    await admin(realm, "PUT", f"{IDPS}/{alias}", {**actual, "organizationId": second}, 204)
    assert (await _get(realm, f"{IDPS}/{alias}"))["organizationId"] == org
    await admin(realm, "PUT", f"{IDPS}/{alias}", {**actual, "organizationId": None}, 204)
    actual = await _get(realm, f"{IDPS}/{alias}")
    assert actual["organizationId"] == org
    domain = actual["config"][DOMAIN]
    await admin(realm, "PUT", f"{IDPS}/{alias}", {**actual, "config": {**actual["config"], DOMAIN: " "}}, 204)
    actual = await _get(realm, f"{IDPS}/{alias}")
    assert DOMAIN not in actual["config"]
    await admin(realm, "PUT", f"{IDPS}/{alias}", {**actual, "config": {**actual["config"], DOMAIN: domain}}, 204)
    actual = await _get(realm, f"{IDPS}/{alias}")
    assert actual["config"][DOMAIN] == domain
    without = {k: v for k, v in actual["config"].items() if k != DOMAIN}
    await admin(realm, "PUT", f"{IDPS}/{alias}", {**actual, "config": without}, 204)
    assert DOMAIN not in (await _get(realm, f"{IDPS}/{alias}"))["config"]


async def test_delete(realm: Env) -> None:
    """testDelete: unlinked providers are 404 under the organization and stay in the realm."""
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
    assert len(await _get(realm, IDPS)) == 6


async def test_creating_existing_identity_provider(realm: Env) -> None:
    """testCreatingExistingIdentityProvider: linking the organization's own provider again is 409; linking it to
    another organization is 204 since Keycloak 26.8 (a provider links several organizations)."""
    org = await _org(realm)
    alias = "neworg-identity-provider"
    rep = await _get(realm, f"{ORGS}/{org}/identity-providers/{alias}")
    copy = {k: v for k, v in rep.items() if k not in ("internalId", "organizationId", "organizationLinks")}
    await admin(realm, "POST", IDPS, {**copy, "alias": "another-idp"}, 201)
    await admin(realm, "POST", f"{ORGS}/{org}/identity-providers", alias, 409)
    second = await _org(realm, "secondorg")
    await admin(realm, "POST", f"{ORGS}/{second}/identity-providers", alias, 204)


async def test_removing_org_should_remove_idp(realm: Env) -> None:
    """testRemovingOrgShouldRemoveIdP: the provider stays in the realm, without organization or domain."""
    org = await _org(realm)
    await admin(realm, "DELETE", f"{ORGS}/{org}", status=204)
    rep = await _get(realm, f"{IDPS}/neworg-identity-provider")
    assert rep.get("organizationId") is None and DOMAIN not in rep["config"]


async def test_update_or_delete_identity_provider_not_assigned_to_organization(realm: Env) -> None:
    """testUpdateOrDeleteIdentityProviderNotAssignedToOrganization: a second unlink is 404."""
    org = await _org(realm)
    await admin(realm, "POST", IDPS, {"alias": "some-broker", "displayName": "some-broker", "providerId": "oidc"}, 201)
    path = f"{ORGS}/{org}/identity-providers/neworg-identity-provider"
    await admin(realm, "DELETE", path, status=204)
    await admin(realm, "DELETE", path, status=404)


async def test_assign_domain_not_bound_to_organization(realm: Env) -> None:
    """testAssignDomainNotBoundToOrganization: a domain the organization lacks is 400 on update and on create."""
    org = await _org(realm)
    rep = await _get(realm, f"{ORGS}/{org}/identity-providers/neworg-identity-provider")
    rep["config"][DOMAIN] = "unknown.org"
    await admin(realm, "PUT", f"{IDPS}/neworg-identity-provider", rep, 400)
    created = {k: v for k, v in rep.items() if k != "internalId"}
    await admin(realm, "POST", IDPS, {**created, "alias": "newbroker"}, 400)


async def test_removed_domain_updated_in_idp(realm: Env) -> None:
    """testRemovedDomainUpdatedInIDP: removing the domain a provider is bound to unbinds the provider."""
    org = await _org(realm, "testorg", "testorg.com", "testorg.net")
    path = f"{ORGS}/{org}/identity-providers/testorg-identity-provider"
    assert (await _get(realm, path))["config"][DOMAIN] == "testorg.com"
    rep = await _get(realm, f"{ORGS}/{org}")
    await admin(realm, "PUT", f"{ORGS}/{org}", {**rep, "domains": [{"name": "testorg.net"}]}, 204)
    assert DOMAIN not in (await _get(realm, path))["config"]


async def test_link_identity_provider_to_organization_without_domain(realm: Env) -> None:
    """testLinkIdentityProviderToOrganizationWithoutDomain."""
    org = await _org(realm, "myorg", "")
    assert len(await _get(realm, f"{ORGS}/{org}/identity-providers")) == 1
