"""Keycloak 26.8's realm-level organization domains: OrganizationDomainManagementTest (every method), with the answers
OrganizationDomainsResource, OrganizationDomainLinksResource and the JPA OrganizationProvider's createDomain,
updateDomain, removeDomain, addDomainToOrganization and removeDomainFromOrganization give (statuses, messages), the
domain routing (``identityProviderAlias``, ``autoRedirect``) and the organization representation's domains."""

from __future__ import annotations

from typing import Any

import pytest

from doorkeep.realms.exportimport.export import realm_representation
from flow_builder import admin
from wire_env import Env

pytestmark = pytest.mark.anyio
REALM = "/admin/realms/test"
ORGS = f"{REALM}/organizations"
DOMAINS = f"{ORGS}/domains"


async def _enable(env: Env) -> None:
    await admin(env, "PUT", REALM, {"organizationsEnabled": True}, 204)


async def _domain(env: Env, name: str, **fields: Any) -> None:
    made = await admin(env, "POST", DOMAINS, {"name": name, **fields}, 201)
    assert made.headers["location"].endswith(f"{DOMAINS}/{name.strip().lower()}")


async def _org(env: Env, name: str, *domains: str) -> str:
    body: dict[str, Any] = {"name": name, "domains": [{"name": d} for d in domains]}
    made = await admin(env, "POST", ORGS, body, 201)
    return str(made.headers["location"].rsplit("/", 1)[1])


async def _provider(env: Env, alias: str) -> None:
    body = {"alias": alias, "providerId": "oidc", "config": {"clientId": "c", "authorizationUrl": "https://idp/a"}}
    await admin(env, "POST", f"{REALM}/identity-provider/instances", body, 201)


async def test_create_and_get_domain(realm: Env) -> None:
    """testCreateAndGetDomain: 201, then the domain as created."""
    await _enable(realm)
    await _domain(realm, "standalone.example.com", verified=True, autoRedirect=False)
    got = (await admin(realm, "GET", f"{DOMAINS}/standalone.example.com", status=200)).json()
    assert got == {"name": "standalone.example.com", "verified": True, "autoRedirect": False}


async def test_create_duplicate_domain(realm: Env) -> None:
    """testCreateDuplicateDomain: the second is 409 (createDomain's ModelDuplicateException), also in another case."""
    await _enable(realm)
    await _domain(realm, "dup.example.com")
    again = await admin(realm, "POST", DOMAINS, {"name": "DUP.example.com"}, 409)
    assert again.json() == {"errorMessage": "A domain with name 'dup.example.com' already exists in the realm"}


async def test_list_domains(realm: Env) -> None:
    """testListDomains: ``search`` finds the names holding it (lower-cased), ``first``/``max`` page them by name."""
    await _enable(realm)
    for name in ("list-b.example.com", "list-a.example.com", "other.example.com"):
        await _domain(realm, name)
    found = (await realm.http.get(DOMAINS, params={"search": "LIST-"}, headers=await realm.admin_headers())).json()
    assert [d["name"] for d in found] == ["list-a.example.com", "list-b.example.com"]
    paged = await realm.http.get(DOMAINS, params={"first": 1, "max": 1}, headers=await realm.admin_headers())
    assert [d["name"] for d in paged.json()] == ["list-b.example.com"]
    assert paged.headers["cache-control"] == "no-cache"


async def test_update_domain(realm: Env) -> None:
    """testUpdateDomain: 204, the verified flag and auto redirect as sent; an unknown domain is 404 with
    updateDomain's message."""
    await _enable(realm)
    await _domain(realm, "update.example.com", verified=False)
    await admin(realm, "PUT", f"{DOMAINS}/update.example.com", {"verified": True, "autoRedirect": True}, 204)
    got = (await admin(realm, "GET", f"{DOMAINS}/update.example.com", status=200)).json()
    assert got["verified"] is True and got["autoRedirect"] is True
    missing = await admin(realm, "PUT", f"{DOMAINS}/Nope.example.com", {"verified": True}, 404)
    assert missing.json() == {"errorMessage": "Domain 'Nope.example.com' does not exist in the realm"}


async def test_delete_unclaimed_domain(realm: Env) -> None:
    """testDeleteUnclaimedDomain: 204, then 404 "Domain not found"."""
    await _enable(realm)
    await _domain(realm, "todelete.example.com")
    await admin(realm, "DELETE", f"{DOMAINS}/todelete.example.com", status=204)
    gone = await admin(realm, "DELETE", f"{DOMAINS}/todelete.example.com", status=404)
    assert gone.json() == {"errorMessage": "Domain not found"}
    assert (await admin(realm, "GET", f"{DOMAINS}/todelete.example.com", status=404)).json() == gone.json()


async def test_delete_claimed_domain_fails(realm: Env) -> None:
    """testDeleteClaimedDomainFails: 409 while an organization claims it (removeDomain's message)."""
    await _enable(realm)
    await _domain(realm, "claimed-del.example.com")
    org = await _org(realm, "del-claim-test")
    await admin(realm, "POST", f"{ORGS}/{org}/domains", "claimed-del.example.com", 204)
    refused = await admin(realm, "DELETE", f"{DOMAINS}/claimed-del.example.com", status=409)
    assert refused.json() == {"errorMessage": "Domain 'claimed-del.example.com' is still claimed by 1 organization(s)"}


async def test_claim_domain(realm: Env) -> None:
    """testClaimDomain: 204; the organization's domains list it, and read it with its verified flag."""
    await _enable(realm)
    await _domain(realm, "claim.example.com", verified=True)
    org = await _org(realm, "claim-test")
    await admin(realm, "POST", f"{ORGS}/{org}/domains", "claim.example.com", 204)
    listed = (await admin(realm, "GET", f"{ORGS}/{org}/domains", status=200)).json()
    assert listed == [{"name": "claim.example.com", "verified": True, "autoRedirect": False}]
    one = (await admin(realm, "GET", f"{ORGS}/{org}/domains/CLAIM.example.com", status=200)).json()
    assert one == listed[0]
    org_rep = (await admin(realm, "GET", f"{ORGS}/{org}", status=200)).json()
    assert org_rep["domains"] == listed


async def test_claim_domain_already_claimed(realm: Env) -> None:
    """testClaimDomainAlreadyClaimed: the second claim is 409."""
    await _enable(realm)
    await _domain(realm, "double-claim.example.com")
    org = await _org(realm, "double-claim-test")
    await admin(realm, "POST", f"{ORGS}/{org}/domains", "double-claim.example.com", 204)
    again = await admin(realm, "POST", f"{ORGS}/{org}/domains", "Double-Claim.example.com", 409)
    assert again.json() == {"errorMessage": "Domain already claimed by this organization"}


async def test_claim_non_existent_domain(realm: Env) -> None:
    """testClaimNonExistentDomain: 404 with addDomainToOrganization's message; a blank name is 400."""
    await _enable(realm)
    org = await _org(realm, "no-domain-test")
    missing = await admin(realm, "POST", f"{ORGS}/{org}/domains", "nonexistent.example.com", 404)
    assert missing.json() == {"errorMessage": "Domain 'nonexistent.example.com' does not exist in the realm"}
    blank = await admin(realm, "POST", f"{ORGS}/{org}/domains", " ", 400)
    assert blank.json() == {"errorMessage": "Domain name cannot be empty"}


async def test_unclaim_domain(realm: Env) -> None:
    """testUnclaimDomain: 204; the organization no longer lists it, the realm still has it; a second unclaim is
    404 "Domain not claimed by this organization"."""
    await _enable(realm)
    await _domain(realm, "unclaim.example.com")
    org = await _org(realm, "unclaim-test")
    await admin(realm, "POST", f"{ORGS}/{org}/domains", "unclaim.example.com", 204)
    await admin(realm, "DELETE", f"{ORGS}/{org}/domains/unclaim.example.com", status=204)
    assert (await admin(realm, "GET", f"{ORGS}/{org}/domains", status=200)).json() == []
    await admin(realm, "GET", f"{DOMAINS}/unclaim.example.com", status=200)
    again = await admin(realm, "DELETE", f"{ORGS}/{org}/domains/unclaim.example.com", status=404)
    assert again.json() == {"errorMessage": "Domain not claimed by this organization"}
    read = await admin(realm, "GET", f"{ORGS}/{org}/domains/unclaim.example.com", status=404)
    assert read.json() == again.json()


async def test_domain_shared_across_orgs(realm: Env) -> None:
    """testDomainSharedAcrossOrgs: two organizations claim one domain; both list it. Deleting one leaves the domain
    to the other; deleting the last claimant takes it away."""
    await _enable(realm)
    await _domain(realm, "shared.example.com", verified=True)
    a, b = await _org(realm, "shared-a"), await _org(realm, "shared-b")
    for org in (a, b):
        await admin(realm, "POST", f"{ORGS}/{org}/domains", "shared.example.com", 204)
    for org in (a, b):
        names = [d["name"] for d in (await admin(realm, "GET", f"{ORGS}/{org}/domains", status=200)).json()]
        assert names == ["shared.example.com"]
    await admin(realm, "DELETE", f"{ORGS}/{a}", status=204)
    await admin(realm, "GET", f"{DOMAINS}/shared.example.com", status=200)
    await admin(realm, "DELETE", f"{ORGS}/{b}", status=204)
    await admin(realm, "GET", f"{DOMAINS}/shared.example.com", status=404)


async def test_a_domain_named_in_an_organization_is_a_realm_domain(realm: Env) -> None:
    """OrganizationAdapter.setDomains: a domain of a created organization is a domain of the realm, claimed by it;
    removed from the organization it is deleted (no other organization claims it); another organization naming it
    in its representation is refused (validateDomain), claiming it is not."""
    await _enable(realm)
    org = await _org(realm, "acme", "acme.org")
    listed = (await admin(realm, "GET", DOMAINS, status=200)).json()
    assert listed == [{"name": "acme.org", "verified": False, "autoRedirect": False}]
    other = await admin(realm, "POST", ORGS, {"name": "beta", "domains": [{"name": "acme.org"}]}, 400)
    assert other.json()["errorMessage"] == "Domain acme.org is already linked to another organization in realm test"
    beta = await _org(realm, "beta")
    await admin(realm, "POST", f"{ORGS}/{beta}/domains", "acme.org", 204)
    rep = (await admin(realm, "GET", f"{ORGS}/{beta}", status=200)).json()
    await admin(realm, "PUT", f"{ORGS}/{beta}", rep, 204)  # sent back as read: it already claims it
    acme = (await admin(realm, "GET", f"{ORGS}/{org}", status=200)).json()
    await admin(realm, "PUT", f"{ORGS}/{org}", {**acme, "domains": []}, 204)
    await admin(realm, "GET", f"{DOMAINS}/acme.org", status=200)  # beta still claims it
    await admin(realm, "PUT", f"{ORGS}/{beta}", {**rep, "domains": []}, 204)
    await admin(realm, "GET", f"{DOMAINS}/acme.org", status=404)


async def test_domain_routing_names_a_provider(realm: Env) -> None:
    """createDomain / updateDomain: ``identityProviderAlias`` must name a provider of the realm (400 otherwise); an
    organization's representation may route its domain only to a provider linked to it (resolveIdentityProvider);
    unlinking the provider or deleting it removes the routing."""
    await _enable(realm)
    await _provider(realm, "corp")
    missing = await admin(realm, "POST", DOMAINS, {"name": "r.example.com", "identityProviderAlias": "nope"}, 400)
    assert missing.json() == {"errorMessage": "Identity provider with alias 'nope' does not exist in the realm"}
    await admin(realm, "GET", f"{DOMAINS}/r.example.com", status=404)  # nothing half-written
    await _domain(realm, "r.example.com", identityProviderAlias="corp", autoRedirect=True)
    got = (await admin(realm, "GET", f"{DOMAINS}/r.example.com", status=200)).json()
    assert got == {"name": "r.example.com", "verified": False, "identityProviderAlias": "corp", "autoRedirect": True}
    bad = await admin(realm, "PUT", f"{DOMAINS}/r.example.com", {"identityProviderAlias": "nope"}, 400)
    assert bad.json() == {"errorMessage": "Identity provider with alias 'nope' does not exist in the realm"}

    org = await _org(realm, "acme", "acme.org")
    routed = {"name": "acme", "domains": [{"name": "acme.org", "identityProviderAlias": "corp", "autoRedirect": True}]}
    unlinked = await admin(realm, "PUT", f"{ORGS}/{org}", routed, 400)
    assert unlinked.json() == {"errorMessage": "Identity provider 'corp' is not associated with organization acme"}
    await admin(realm, "POST", f"{ORGS}/{org}/identity-providers", "corp", 204)
    await admin(realm, "PUT", f"{ORGS}/{org}", routed, 204)
    domain = (await admin(realm, "GET", f"{ORGS}/{org}", status=200)).json()["domains"][0]
    assert domain == {"name": "acme.org", "verified": False, "identityProviderAlias": "corp", "autoRedirect": True}
    await admin(realm, "DELETE", f"{ORGS}/{org}/identity-providers/corp", status=204)
    domain = (await admin(realm, "GET", f"{ORGS}/{org}/domains/acme.org", status=200)).json()
    assert domain == {"name": "acme.org", "verified": False, "autoRedirect": False}
    await admin(realm, "DELETE", f"{REALM}/identity-provider/instances/corp", status=204)
    got = (await admin(realm, "GET", f"{DOMAINS}/r.example.com", status=200)).json()
    assert got == {"name": "r.example.com", "verified": False, "autoRedirect": False}


async def test_domain_calls_record_no_admin_event(realm: Env) -> None:
    """OrganizationDomainsResource and OrganizationDomainLinksResource hold no AdminEventBuilder."""
    await admin(realm, "PUT", REALM, {"organizationsEnabled": True, "adminEventsEnabled": True}, 204)
    await admin(realm, "DELETE", f"{REALM}/admin-events", status=204)
    await _domain(realm, "quiet.example.com")
    org = await _org(realm, "quiet")
    await admin(realm, "POST", f"{ORGS}/{org}/domains", "quiet.example.com", 204)
    await admin(realm, "DELETE", f"{ORGS}/{org}/domains/quiet.example.com", status=204)
    await admin(realm, "DELETE", f"{DOMAINS}/quiet.example.com", status=204)
    events = (await admin(realm, "GET", f"{REALM}/admin-events", status=200)).json()
    assert [e["resourcePath"] for e in events] == [f"organizations/{org}"]  # the organization's creation only


async def test_domain_routing_survives_a_realm_export_and_import(realm: Env) -> None:
    """RealmRepresentation.organizations: each domain with its routing; the import links the organization's
    providers first, then routes its domains; a route to a provider the file does not link is refused."""
    await _enable(realm)
    await _provider(realm, "corp")
    org = await _org(realm, "acme", "acme.org")
    await admin(realm, "POST", f"{ORGS}/{org}/identity-providers", "corp", 204)
    routed = [{"name": "acme.org", "verified": True, "identityProviderAlias": "corp", "autoRedirect": True}]
    await admin(realm, "PUT", f"{ORGS}/{org}", {"name": "acme", "domains": routed}, 204)
    async with realm.db.transaction() as tx:
        found = await tx.realms.get_by_name("test")
        assert found is not None
        rep = await realm_representation(tx, found, users=False)
    assert rep["organizations"][0]["domains"] == routed
    copy = {**rep, "realm": "copy", "id": None}
    copy["organizations"] = [{k: v for k, v in o.items() if k != "id"} for o in rep["organizations"]]
    await admin(realm, "POST", "/admin/realms", copy, 201)
    orgs = (await admin(realm, "GET", "/admin/realms/copy/organizations", status=200)).json()
    assert orgs[0]["domains"] == routed
    unlinked = {**copy, "realm": "copy2"}
    unlinked["organizations"] = [{**o, "identityProviders": []} for o in copy["organizations"]]
    refused = await admin(realm, "POST", "/admin/realms", unlinked, 400)
    assert "is not associated with organization acme" in refused.text
    await admin(realm, "GET", "/admin/realms/copy2", status=404)
