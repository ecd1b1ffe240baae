"""Keycloak 26.8's multi-IdP organizations (#48907, #48910: the V3 data model): OrganizationDomainManagementTest
(realm-level domains ``organizations/domains``, claimed by organizations through ``organizations/{id}/domains``,
one domain shared by several organizations), which Doorkeep does not implement here, and
OrganizationIdentityProviderLinkTest (a provider linked to several organizations, each link with ``autoMembership``
and ``membershipType``, written by ``PUT organizations/{id}/identity-providers/{alias}``), which it does since s70
(test_kc_s70b_org_idp_links.py).

For domains Doorkeep keeps Keycloak 26's model until then: a domain belongs to one organization (400 "Domain … is
already linked to another organization …"). No answer of the new domain API can be taken for the feature's: the
paths no route takes are the deliberate 501 of a Keycloak feature Doorkeep lacks (web/not_found.py);
``organizations/domains`` is read as an organization's id by Doorkeep's routes (GET 404 "Organization not found."),
and a method Doorkeep's route lacks but Keycloak serves (POST there) is the same 501 (web/not_found.py, s68-s).
"""

from __future__ import annotations

import pytest

from flow_builder import admin
from wire_env import Env

pytestmark = pytest.mark.anyio
REALM = "/admin/realms/test"
ORGS = f"{REALM}/organizations"


async def _organization(env: Env) -> str:
    await admin(env, "PUT", REALM, {"organizationsEnabled": True}, 204)
    made = await admin(env, "POST", ORGS, {"name": "acme", "domains": [{"name": "acme.org"}]}, 201)
    return str(made.headers["location"].rsplit("/", 1)[1])


async def _not_implemented(env: Env, method: str, path: str, body: object = None) -> None:
    answer = await admin(env, method, path, body, 501)
    assert answer.json() == {
        "error": "HTTP 501 Not Implemented",
        "error_description": f"Doorkeep does not implement {method} {path}",
    }


async def test_realm_level_domains_are_not_implemented(realm: Env) -> None:
    """OrganizationDomainManagementTest's OrganizationDomainsResource (testCreateAndGetDomain,
    testCreateDuplicateDomain, testListDomains, testUpdateDomain, testDeleteUnclaimedDomain): ``organizations/domains``
    names no organization and takes no POST; every method of ``organizations/domains/{name}`` is 501."""
    await _organization(realm)
    domain = {"name": "standalone.example.com", "verified": True, "autoRedirect": False}
    await _not_implemented(realm, "POST", f"{ORGS}/domains", domain)
    listed = await admin(realm, "GET", f"{ORGS}/domains", status=404)
    assert listed.json() == {"errorMessage": "Organization not found."}
    await _not_implemented(realm, "GET", f"{ORGS}/domains/standalone.example.com")
    await _not_implemented(realm, "PUT", f"{ORGS}/domains/standalone.example.com", {"verified": True})
    await _not_implemented(realm, "DELETE", f"{ORGS}/domains/standalone.example.com")


async def test_claiming_domains_is_not_implemented(realm: Env) -> None:
    """OrganizationDomainManagementTest's OrganizationDomainLinksResource (testClaimDomain,
    testClaimDomainAlreadyClaimed, testClaimNonExistentDomain, testUnclaimDomain, testDeleteClaimedDomainFails,
    testDomainSharedAcrossOrgs): ``organizations/{id}/domains`` is 501; an organization's domains are written with
    the organization, and stay its own."""
    org = await _organization(realm)
    await _not_implemented(realm, "POST", f"{ORGS}/{org}/domains", "acme.org")
    await _not_implemented(realm, "GET", f"{ORGS}/{org}/domains")
    await _not_implemented(realm, "GET", f"{ORGS}/{org}/domains/acme.org")
    await _not_implemented(realm, "DELETE", f"{ORGS}/{org}/domains/acme.org")
    shared = await admin(realm, "POST", ORGS, {"name": "other", "domains": [{"name": "acme.org"}]}, 400)
    assert shared.json()["errorMessage"].startswith("Domain acme.org is already linked to another organization")


async def test_link_settings_are_written_by_the_link_s_put(realm: Env) -> None:
    """OrganizationIdentityProviderLinkTest's PUT, which Doorkeep implements since s70 (its full port is
    test_kc_s70b_org_idp_links.py): 204, and the provider's ``organizationLinks`` says it."""
    org = await _organization(realm)
    provider = {
        "alias": "acme-idp",
        "providerId": "oidc",
        "enabled": True,
        "config": {"clientId": "c", "clientSecret": "s", "authorizationUrl": "http://localhost/a"},
    }
    await admin(realm, "POST", f"{REALM}/identity-provider/instances", provider, 201)
    await admin(realm, "POST", f"{ORGS}/{org}/identity-providers", "acme-idp", 204)
    link = {"autoMembership": True, "membershipType": "MANAGED"}
    await admin(realm, "PUT", f"{ORGS}/{org}/identity-providers/acme-idp", link, 204)
    read = (await admin(realm, "GET", f"{ORGS}/{org}/identity-providers/acme-idp", status=200)).json()
    assert read["organizationId"] == org
    assert read["organizationLinks"] == [{"organizationId": org, **link}]
