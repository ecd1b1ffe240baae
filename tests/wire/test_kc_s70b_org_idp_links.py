"""Keycloak 26.8's per-link settings of an organization's identity provider: OrganizationIdentityProviderLinkTest
(every method) and OrganizationIdentityProviderLinkConfigTest's rules (run on the server in Keycloak, over the
Admin REST API here), with the newest OrganizationIdentityProviderTest cases that link one provider to several
organizations.

A link made by ``POST organizations/{id}/identity-providers`` has auto-membership on and UNMANAGED;
``PUT organizations/{id}/identity-providers/{alias}`` sets ``autoMembership`` and ``membershipType`` (204), refusing
MANAGED without auto-membership ("C2") and a second MANAGED link of one provider ("C1") with 400, and a provider not
linked to the organization with 404. The provider's representation lists its links (``organizationLinks``) and
names the first one's organization in the deprecated ``organizationId``. Keycloak's test reads the settings as
``autoMembership`` / ``orgMembershipType`` of the organization's provider; the 26.8.0 representation (and its admin
client) carries them in ``organizationLinks``, which is what is asserted.
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


async def _org(env: Env, name: str) -> str:
    """createOrganization: ``name`` owning ``<name>.org``, with its own provider ``<name>-identity-provider``."""
    await admin(env, "PUT", REALM, {"organizationsEnabled": True}, 204)
    made = await admin(env, "POST", ORGS, {"name": name, "domains": [{"name": f"{name}.org"}]}, 201)
    org = str(made.headers["location"].rsplit("/", 1)[1])
    await _idp(env, f"{name}-identity-provider")
    await admin(env, "POST", f"{ORGS}/{org}/identity-providers", f"{name}-identity-provider", 204)
    return org


async def _idp(env: Env, alias: str) -> None:
    """createOrgBroker: an OpenID Connect provider of the realm, linked to nothing."""
    config = {"clientId": "broker-app", "clientSecret": "broker-secret", "authorizationUrl": "http://localhost/a"}
    rep = {"alias": alias, "providerId": "oidc", "enabled": True, "hideOnLogin": True, "config": config}
    await admin(env, "POST", IDPS, rep, 201)


def _link(org: str, auto: bool = True, kind: str = "UNMANAGED") -> dict[str, Any]:
    return {"organizationId": org, "autoMembership": auto, "membershipType": kind}


async def _put(env: Env, org: str, alias: str, body: Any, status: int) -> Any:
    answer = await admin(env, "PUT", f"{ORGS}/{org}/identity-providers/{alias}", body, status)
    return answer.json() if answer.content else None


async def _links(env: Env, org: str, alias: str) -> list[dict[str, Any]]:
    rep = (await admin(env, "GET", f"{ORGS}/{org}/identity-providers/{alias}", status=200)).json()
    links: list[dict[str, Any]] = rep["organizationLinks"]
    return links


async def test_default_link_config(realm: Env) -> None:
    """testDefaultLinkConfig / LinkConfigTest.testGetIdentityProviderLink: a new link has auto-membership on and is
    UNMANAGED (read through the organization also as ``autoMembership`` / ``orgMembershipType``, the getters
    Keycloak's test calls); the deprecated ``organizationId`` names the organization."""
    org = await _org(realm, "test-default")
    rep = (
        await admin(realm, "GET", f"{ORGS}/{org}/identity-providers/test-default-identity-provider", status=200)
    ).json()
    assert rep["organizationLinks"] == [_link(org)]
    assert (rep["autoMembership"], rep["orgMembershipType"]) == (True, "UNMANAGED")  # the test's getters
    assert rep["organizationId"] == org
    assert (await admin(realm, "GET", f"{IDPS}/test-default-identity-provider", status=200)).json()[
        "organizationLinks"
    ] == [_link(org)]


@pytest.mark.parametrize(("auto", "kind"), [(True, "MANAGED"), (False, "UNMANAGED"), (True, "UNMANAGED")])
async def test_update_link_config(realm: Env, auto: bool, kind: str) -> None:
    """testUpdateLinkConfig, testUpdateToUnmanaged, LinkConfigTest.testValidCombinations and
    testUpdateIdentityProviderLink: each allowed combination is 204 and read back."""
    org = await _org(realm, "test-update")
    alias = "test-update-identity-provider"
    assert await _put(realm, org, alias, {"autoMembership": auto, "membershipType": kind}, 204) is None
    assert await _links(realm, org, alias) == [_link(org, auto, kind)]


async def test_reject_am_false_with_managed(realm: Env) -> None:
    """testRejectAmFalseWithManaged / LinkConfigTest.testC2ValidationAutoMembershipFalseWithManagedRejected: 400,
    the link unchanged."""
    org = await _org(realm, "test-c2")
    alias = "test-c2-identity-provider"
    refused = await _put(realm, org, alias, {"autoMembership": False, "membershipType": "MANAGED"}, 400)
    assert refused == {"errorMessage": "Managed membership requires auto membership to be enabled"}
    assert await _links(realm, org, alias) == [_link(org)]


async def _shared(env: Env, name: str) -> tuple[str, str, str]:
    """Two organizations and one more provider linked to both: their ids and its alias."""
    org_a, org_b = await _org(env, f"{name}-a"), await _org(env, f"{name}-b")
    alias = f"{name}-identity-provider"
    await _idp(env, alias)
    for org in (org_a, org_b):
        await admin(env, "POST", f"{ORGS}/{org}/identity-providers", alias, 204)
    return org_a, org_b, alias


async def test_reject_duplicate_managed(realm: Env) -> None:
    """testRejectDuplicateManaged / LinkConfigTest.testC1ValidationAtMostOneManagedPerIdp and testC1OnUpdatePath:
    one MANAGED link per provider; reverting the first frees the slot for the second."""
    org_a, org_b, alias = await _shared(realm, "shared-c1")
    managed = {"autoMembership": True, "membershipType": "MANAGED"}
    await _put(realm, org_a, alias, managed, 204)
    refused = await _put(realm, org_b, alias, managed, 400)
    assert refused == {
        "errorMessage": "Identity provider is already linked to another organization with managed membership"
    }
    assert await _links(realm, org_b, alias) == [_link(org_a, True, "MANAGED"), _link(org_b)]
    await _put(realm, org_a, alias, {"autoMembership": True, "membershipType": "UNMANAGED"}, 204)
    await _put(realm, org_b, alias, managed, 204)
    assert await _links(realm, org_a, alias) == [_link(org_a), _link(org_b, True, "MANAGED")]


async def test_allow_unmanaged_on_multiple_orgs(realm: Env) -> None:
    """testAllowUnmanagedOnMultipleOrgs: UNMANAGED on both links is 204 twice; the provider's ``organizationId`` is
    the first organization; ``organizations?identityProvider=`` finds both."""
    org_a, org_b, alias = await _shared(realm, "shared-multi")
    for org in (org_a, org_b):
        await _put(realm, org, alias, {"autoMembership": True, "membershipType": "UNMANAGED"}, 204)
    rep = (await admin(realm, "GET", f"{IDPS}/{alias}", status=200)).json()
    assert rep["organizationId"] == org_a
    assert rep["organizationLinks"] == [_link(org_a), _link(org_b)]
    found = (await admin(realm, "GET", f"{ORGS}?identityProvider={alias}", status=200)).json()
    assert sorted(o["id"] for o in found) == sorted([org_a, org_b])


async def test_list_includes_link_config(realm: Env) -> None:
    """testListIncludesLinkConfig: the organization's provider list carries the link's settings."""
    org = await _org(realm, "test-list")
    alias = "test-list-identity-provider"
    await _put(realm, org, alias, {"autoMembership": True, "membershipType": "MANAGED"}, 204)
    listed = (await admin(realm, "GET", f"{ORGS}/{org}/identity-providers", status=200)).json()
    [found] = [p for p in listed if p["alias"] == alias]
    assert found["organizationLinks"] == [_link(org, True, "MANAGED")]
    assert (found["autoMembership"], found["orgMembershipType"]) == (True, "MANAGED")


async def test_update_non_linked_idp(realm: Env) -> None:
    """testUpdateNonLinkedIdp / LinkConfigTest.testUpdateIdentityProviderLink's removed link: 404."""
    org = await _org(realm, "test-nolink")
    await _idp(realm, "unlinked-identity-provider")
    body = {"autoMembership": True, "membershipType": "UNMANAGED"}
    refused = await _put(realm, org, "unlinked-identity-provider", body, 404)
    assert refused == {"errorMessage": "Identity provider not found with the given alias"}
    await admin(realm, "DELETE", f"{ORGS}/{org}/identity-providers/test-nolink-identity-provider", status=204)
    await _put(realm, org, "test-nolink-identity-provider", body, 404)


async def test_a_missing_field_keeps_the_link_s_value(realm: Env) -> None:
    """A field left out or null keeps what the link has (a partial body is no reset to the defaults)."""
    org = await _org(realm, "partial")
    alias = "partial-identity-provider"
    await _put(realm, org, alias, {"membershipType": "MANAGED"}, 204)
    await _put(realm, org, alias, {"autoMembership": None}, 204)
    assert await _links(realm, org, alias) == [_link(org, True, "MANAGED")]


async def test_unlinking_one_organization_keeps_the_other_link(realm: Env) -> None:
    """removeIdentityProvider of one organization, or deleting it, takes only that link; the provider stays."""
    org_a, org_b, alias = await _shared(realm, "keep")
    await _put(realm, org_b, alias, {"autoMembership": False, "membershipType": "UNMANAGED"}, 204)
    await admin(realm, "DELETE", f"{ORGS}/{org_a}/identity-providers/{alias}", status=204)
    rep = (await admin(realm, "GET", f"{IDPS}/{alias}", status=200)).json()
    assert (rep["organizationId"], rep["organizationLinks"]) == (org_b, [_link(org_b, False)])
    await admin(realm, "DELETE", f"{ORGS}/{org_b}", status=204)
    rep = (await admin(realm, "GET", f"{IDPS}/{alias}", status=200)).json()
    assert "organizationId" not in rep and "organizationLinks" not in rep


async def test_a_provider_created_with_links_and_written_again_keeps_them(realm: Env) -> None:
    """IdentityProviderRepresentation.organizationLinks written on create (each organization of the realm, the link
    rules checked); a later write of the provider keeps its links whatever it sends."""
    await admin(realm, "PUT", REALM, {"organizationsEnabled": True}, 204)
    made = await admin(realm, "POST", ORGS, {"name": "one", "domains": [{"name": "one.org"}]}, 201)
    org = str(made.headers["location"].rsplit("/", 1)[1])
    config = {"clientId": "c", "clientSecret": "s", "authorizationUrl": "http://localhost/a"}
    rep = {"alias": "made", "providerId": "oidc", "config": config}
    await admin(realm, "POST", IDPS, {**rep, "organizationLinks": [_link(org, False, "MANAGED")]}, 400)
    await admin(realm, "POST", IDPS, {**rep, "organizationLinks": [_link("nope")]}, 400)
    await admin(realm, "GET", f"{IDPS}/made", status=404)
    await admin(realm, "POST", IDPS, {**rep, "organizationLinks": [_link(org, True, "MANAGED")]}, 201)
    stored = (await admin(realm, "GET", f"{IDPS}/made", status=200)).json()
    assert stored["organizationLinks"] == [_link(org, True, "MANAGED")]
    await admin(realm, "PUT", f"{IDPS}/made", {**stored, "organizationLinks": []}, 204)
    assert (await admin(realm, "GET", f"{IDPS}/made", status=200)).json()["organizationLinks"] == [
        _link(org, True, "MANAGED")
    ]
