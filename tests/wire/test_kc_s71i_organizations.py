"""What Keycloak's newest OrganizationTest (tests/base/.../tests/organization/admin/OrganizationTest.java,
keycloak@18e8f334) adds over the copy test_kc_port7_organizations.py follows: ``testDomainWithIdpRouting`` and
``testDomainIdpRoutingValidation``, the routing of an organization's domain (``identityProviderAlias``,
``autoRedirect``) read and written through the organization's representation.

The organization is made as createOrganization makes it for this class: created with its domain ``<name>.org``,
its broker ``<name>-identity-provider`` (OIDC, hidden on the login page, import sync) created and linked, and the
domain routed to that broker with ``autoRedirect`` ("createOrganization already sets identityProviderAlias and
autoRedirect on the first domain"). Keycloak 26.8 keeps that routing on the domain (MigrateTo26_8_0 moves an older
provider's ``kc.org.domain`` / ``kc.org.broker.redirect.mode.email-matches`` there); the stored
AbstractOrganizationTest (@09ecbaa0) still writes the provider's configuration, so the routing is set here through
the organization's representation. Not ported: ``testGetByDomainNameWithMalformedDomain`` and
``testCountAndExists`` (the server-side OrganizationProvider, through runOnServer).
"""

from __future__ import annotations

from typing import Any

import pytest

from flow_builder import admin
from wire_env import Env

pytestmark = pytest.mark.anyio
REALM = "/admin/realms/test"
ORGS = f"{REALM}/organizations"


async def _domain(env: Env, org_id: str, name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The organization's representation and its domain ``name`` in it."""
    rep: dict[str, Any] = (await admin(env, "GET", f"{ORGS}/{org_id}", status=200)).json()
    [domain] = [d for d in rep["domains"] if d["name"] == name]
    return rep, domain


async def _create_organization(env: Env, name: str) -> tuple[str, str]:
    """AbstractOrganizationTest.createOrganization(name): the organization's id and its broker's alias."""
    await admin(env, "PUT", REALM, {"organizationsEnabled": True}, 204)
    domain = f"{name}.org"
    body = {
        "name": name,
        "alias": name,
        "description": f"{name} is a test organization!",
        "domains": [{"name": domain}],
    }
    made = await admin(env, "POST", ORGS, body, 201)
    org_id = made.headers["location"].rsplit("/", 1)[-1]
    alias = f"{name}-identity-provider"
    config = {"clientId": "broker-app", "clientSecret": "broker-secret", "syncMode": "IMPORT"}
    broker = {"alias": alias, "providerId": "oidc", "enabled": True, "hideOnLogin": True, "config": config}
    await admin(env, "POST", f"{REALM}/identity-provider/instances", broker, 201)
    await admin(env, "POST", f"{ORGS}/{org_id}/identity-providers", alias, 204)
    rep, first = await _domain(env, org_id, domain)
    first.update(identityProviderAlias=alias, autoRedirect=True)
    await admin(env, "PUT", f"{ORGS}/{org_id}", rep, 204)
    return org_id, alias


async def test_domain_with_idp_routing(realm: Env) -> None:
    """testDomainWithIdpRouting: the broker made for the organization's domain routes it (alias, autoRedirect);
    cleared through the organization's update, then set back to the organization's broker."""
    org_id, alias = await _create_organization(realm, "idp-routing-test")
    rep, domain = await _domain(realm, org_id, "idp-routing-test.org")
    assert domain.get("identityProviderAlias") is not None, domain
    assert domain["autoRedirect"] is True

    domain.pop("identityProviderAlias")
    domain["autoRedirect"] = False
    await admin(realm, "PUT", f"{ORGS}/{org_id}", rep, 204)
    rep, domain = await _domain(realm, org_id, "idp-routing-test.org")
    assert domain.get("identityProviderAlias") is None and domain["autoRedirect"] is False, domain

    [linked] = (await admin(realm, "GET", f"{ORGS}/{org_id}/identity-providers", status=200)).json()
    assert linked["alias"] == alias
    domain["identityProviderAlias"], domain["autoRedirect"] = alias, True
    await admin(realm, "PUT", f"{ORGS}/{org_id}", rep, 204)
    _, domain = await _domain(realm, org_id, "idp-routing-test.org")
    assert (domain["identityProviderAlias"], domain["autoRedirect"]) == (alias, True)


async def test_domain_idp_routing_validation(realm: Env) -> None:
    """testDomainIdpRoutingValidation: routing the domain to a provider that does not exist is a 400."""
    org_id, _ = await _create_organization(realm, "idp-validation-test")
    rep, domain = await _domain(realm, org_id, "idp-validation-test.org")
    domain["identityProviderAlias"] = "nonexistent-idp"
    await admin(realm, "PUT", f"{ORGS}/{org_id}", rep, 400)
