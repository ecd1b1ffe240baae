"""Keycloak 26.8's multi-IdP organizations (#48907, #48910: the V3 data model), which Doorkeep does not implement
(its realm-level domains, OrganizationDomainManagementTest, are test_kc_s70a_organization_domains.py's):
OrganizationIdentityProviderLinkTest
and OrganizationIdentityProviderLinkConfigTest (a provider linked to several organizations, each link with
``autoMembership`` and ``membershipType``, written by ``PUT organizations/{id}/identity-providers/{alias}``).

Doorkeep keeps Keycloak 26's model for links until then: a provider belongs to one organization (400 "Identity
provider already associated with a different organization") and the first broker login makes MANAGED members. A
link's ``PUT``, a method Doorkeep's route lacks but Keycloak serves, is the deliberate 501 of a Keycloak feature
Doorkeep lacks (web/not_found.py, s68-s). (An explicit 501 route was tried and dropped: the sweeps that send every
route malformed bodies, rightly, accept no 5xx from a route.)
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


async def test_link_settings_are_not_implemented(realm: Env) -> None:
    """OrganizationIdentityProviderLinkTest (testUpdateLinkConfig, testUpdateToUnmanaged, testRejectAmFalseWithManaged,
    testRejectDuplicateManaged, testAllowUnmanagedOnMultipleOrgs, testUpdateNonLinkedIdp) and
    OrganizationIdentityProviderLinkConfigTest (the same rules through the OrganizationProvider, run on the server):
    a link's ``PUT`` is the 501 of a feature Doorkeep lacks, and the read names no ``autoMembership`` or ``orgMembershipType`` (testDefaultLinkConfig,
    testListIncludesLinkConfig)."""
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
    await _not_implemented(realm, "PUT", f"{ORGS}/{org}/identity-providers/acme-idp", link)
    read = (await admin(realm, "GET", f"{ORGS}/{org}/identity-providers/acme-idp", status=200)).json()
    assert read["organizationId"] == org
    assert "autoMembership" not in read and "orgMembershipType" not in read
