"""Keycloak's OrganizationPostBrokerMembershipTest (tests/base organization/broker/, Keycloak 26.8), over real HTTP
with the provider another realm of the same server (tests/broker_support.py), every method ported.

Keycloak 26.8 links a provider to several organizations, each link with ``autoMembership`` and ``membershipType``
(``PUT organizations/{id}/identity-providers/{alias}``). The first broker login's
IdpAddOrganizationMemberAuthenticator goes through every organization the provider is linked to: an enabled one
whose link has auto-membership and whose domains (when it has any) include the user's e-mail domain gets the user,
MANAGED or UNMANAGED as the link says; an existing member keeps the membership it has (addManagedMember answers
false). Routing a typed address to the provider is the provider's ``kc.org.domain`` with the e-mail-match redirect
(setDomainRouting's domain-level ``identityProviderAlias`` is routed the same way).

testMembershipTypeNotUpgradedOnReLogin calls addManagedMember on the server in Keycloak; its wire equivalent here:
an UNMANAGED member links the provider (MANAGED link) to the account through the first broker login and stays
UNMANAGED.
"""

from __future__ import annotations

import httpx
import pytest

from broker_support import ALIAS, Broker, browser, provider_login, served, start_login
from browser_flow import REDIRECT, form_action, form_fields, typed_fields
from flow_builder import admin
from support import seed_user, update_user
from wire_env import Env

pytestmark = pytest.mark.anyio
TEST = "/admin/realms/test"
EMAIL_MATCH = "kc.org.broker.redirect.mode.email-matches"


async def _org(env: Env, name: str, *domains: str) -> str:
    await admin(env, "PUT", TEST, {"organizationsEnabled": True}, 204)
    body = {"name": name, "alias": name, "domains": [{"name": d} for d in domains]}
    made = await admin(env, "POST", f"{TEST}/organizations", body, 201)
    return str(made.headers["location"].rsplit("/", 1)[1])


async def _linked(
    broker: Broker,
    org: str,
    alias: str = ALIAS,
    domain: str | None = None,
    auto: bool = True,
    kind: str = "UNMANAGED",
) -> None:
    """linkIdpToOrg: the provider realm as ``alias`` (made when missing; bound to ``domain`` and redirecting it when
    given), linked to the organization with these link settings."""
    if (await admin(broker.env, "GET", f"{TEST}/identity-provider/instances/{alias}")).status_code == 404:
        config = dict(broker.provider_rep()["config"])
        if domain is not None:
            config |= {"kc.org.domain": domain, EMAIL_MATCH: "true"}
        await broker.add_provider(alias=alias, config=config)
    await admin(broker.env, "POST", f"{TEST}/organizations/{org}/identity-providers", alias, 204)
    link = {"autoMembership": auto, "membershipType": kind}
    await admin(broker.env, "PUT", f"{TEST}/organizations/{org}/identity-providers/{alias}", link, 204)


async def _endpoint_known(broker: Broker, alias: str) -> None:
    """The provider realm's client ``broker-app`` also takes ``alias``'s broker endpoint (KcOidcBrokerConfiguration
    registers one per provider)."""
    clients = (await admin(broker.env, "GET", "/admin/realms/provider/clients?clientId=broker-app", status=200)).json()
    rep = clients[0]
    uris = [*rep["redirectUris"], f"{broker.base}/realms/test/broker/{alias}/endpoint"]
    await admin(broker.env, "PUT", f"/admin/realms/provider/clients/{rep['id']}", {**rep, "redirectUris": uris}, 204)


async def _membership(env: Env, org: str, username: str) -> str | None:
    """The user's membership type in the organization, None when not a member (assertIsNotMember's 404)."""
    users = (await admin(env, "GET", f"{TEST}/users?username={username}&exact=true", status=200)).json()
    assert len(users) == 1, users
    answer = await admin(env, "GET", f"{TEST}/organizations/{org}/members/{users[0]['id']}")
    if answer.status_code == 404:
        return None
    assert answer.status_code == 200, answer.text
    return str(answer.json()["membershipType"])


async def _typed_in(http: httpx.AsyncClient, email: str, alias: str = ALIAS, username: str = "alice") -> None:
    """loginViaBrokerAndGetUserId: the address on the username page, its provider, the user back at the client."""
    page = await start_login(http)
    assert page.status_code == 200 and 'name="password"' not in page.text, page.text[:800]
    typed = await http.post(form_action(page.text), data={**form_fields(page.text), "username": email})
    assert typed.status_code == 303 and f"/broker/{alias}/login" in typed.headers["location"], typed.text[:800]
    done = await http.get(await provider_login(http, await http.get(typed.headers["location"]), username))
    assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text[:800]


async def _hinted_in(http: httpx.AsyncClient, alias: str = ALIAS) -> httpx.Response:
    """loginViaBrokerWithIdpHint: ``kc_idp_hint`` straight to the provider, alice signed in there."""
    hinted = await start_login(http, kc_idp_hint=alias)
    assert hinted.status_code == 303, hinted.text[:800]
    return await http.get(await provider_login(http, await http.get(hinted.headers["location"])))


async def test_single_org_domain_match_auto_added(env: Env) -> None:
    """testSingleOrgDomainMatchAutoAdded: one organization, its MANAGED link, the address of its domain."""
    async with served(env) as broker:
        await update_user(env.db, "provider", "alice", email="alice@acme.com")
        org = await _org(env, "org-a", "acme.com")
        await _linked(broker, org, domain="acme.com", kind="MANAGED")
        async with browser(broker) as http:
            await _typed_in(http, "alice@acme.com")
        assert await _membership(env, org, "alice") == "MANAGED"


async def test_different_idps_same_org_different_membership_types(env: Env) -> None:
    """testDifferentIdpsSameOrgDifferentMembershipTypes: acme.com routed to idp-x (MANAGED link), partner.com to
    idp-y (UNMANAGED link), both the organization's; alice and bob join through theirs, each as its link says."""
    async with served(env) as broker:
        await update_user(env.db, "provider", "alice", email="alice@acme.com")
        await seed_user(env.db, env.clock, "provider", "bob", email="bob@partner.com", first_name="Bob")
        org = await _org(env, "org-a", "acme.com", "partner.com")
        for alias, domain, kind in (("idp-x", "acme.com", "MANAGED"), ("idp-y", "partner.com", "UNMANAGED")):
            await _endpoint_known(broker, alias)
            await _linked(broker, org, alias, domain, kind=kind)
        async with browser(broker) as http:
            await _typed_in(http, "alice@acme.com", "idp-x")
        async with browser(broker) as http:
            await _typed_in(http, "bob@partner.com", "idp-y", username="bob")
        assert await _membership(env, org, "alice") == "MANAGED"
        assert await _membership(env, org, "bob") == "UNMANAGED"


async def test_domain_gate_blocks_cross_org_membership(env: Env) -> None:
    """testDomainGateBlocksCrossOrgMembership: one provider linked to org-a (MANAGED) and org-b (UNMANAGED, domain
    globex.com); alice@acme.com joins org-a only."""
    async with served(env) as broker:
        await update_user(env.db, "provider", "alice", email="alice@acme.com")
        org_a, org_b = await _org(env, "org-a", "acme.com"), await _org(env, "org-b", "globex.com")
        await _linked(broker, org_a, domain="acme.com", kind="MANAGED")
        await _linked(broker, org_b)
        async with browser(broker) as http:
            await _typed_in(http, "alice@acme.com")
        assert await _membership(env, org_a, "alice") == "MANAGED"
        assert await _membership(env, org_b, "alice") is None


async def test_auto_membership_false_skips_org(env: Env) -> None:
    """testAutoMembershipFalseSkipsOrg: org-b has no domains (its gate would pass) but its link has auto-membership
    off: alice joins org-a only, UNMANAGED as its link says."""
    async with served(env) as broker:
        await update_user(env.db, "provider", "alice", email="alice@acme.com")
        org_a, org_b = await _org(env, "org-a", "acme.com"), await _org(env, "org-b")
        await _linked(broker, org_a, domain="acme.com")
        await _linked(broker, org_b, auto=False)
        async with browser(broker) as http:
            await _typed_in(http, "alice@acme.com")
        assert await _membership(env, org_a, "alice") == "UNMANAGED"
        assert await _membership(env, org_b, "alice") is None


async def test_membership_type_not_upgraded_on_re_login(env: Env) -> None:
    """testMembershipTypeNotUpgradedOnReLogin over HTTP: ``invited@acme.com``, an UNMANAGED member with a password,
    links the organization's provider (a MANAGED link) to the account (confirm, then the password) and stays
    UNMANAGED: addManagedMember adds nothing for a member."""
    async with served(env) as broker:
        await update_user(env.db, "provider", "alice", email="invited@acme.com")
        await seed_user(env.db, env.clock, "test", "invited@acme.com", "local-pass", email="invited@acme.com")
        org = await _org(env, "org-a", "acme.com")
        await _linked(broker, org, kind="MANAGED")
        [user] = (await admin(env, "GET", f"{TEST}/users?username=invited@acme.com&exact=true", status=200)).json()
        added = await env.http.post(
            f"{TEST}/organizations/{org}/members", content=user["id"], headers=await env.admin_headers()
        )
        assert added.status_code == 201, added.text
        assert await _membership(env, org, "invited@acme.com") == "UNMANAGED"
        async with browser(broker) as http:
            confirm = await _hinted_in(http)
            assert "Account already exists" in confirm.text, confirm.text[:800]
            fields = {**form_fields(confirm.text), "submitAction": "linkAccount"}
            reauth = await http.post(form_action(confirm.text), data=fields)
            done = await http.post(
                form_action(reauth.text), data={**typed_fields(reauth.text), "password": "local-pass"}
            )
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text[:800]
        links = (await admin(env, "GET", f"{TEST}/users/{user['id']}/federated-identity", status=200)).json()
        assert [link["identityProvider"] for link in links] == [ALIAS]
        assert await _membership(env, org, "invited@acme.com") == "UNMANAGED"


async def test_idp_initiated_single_org_fallback(env: Env) -> None:
    """testIdpInitiatedSingleOrgFallback: ``kc_idp_hint`` to a provider of one organization (UNMANAGED link)."""
    async with served(env) as broker:
        await update_user(env.db, "provider", "alice", email="alice@acme.com")
        org = await _org(env, "org-a", "acme.com")
        await _linked(broker, org)
        async with browser(broker) as http:
            done = await _hinted_in(http)
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text[:800]
        assert await _membership(env, org, "alice") == "UNMANAGED"


async def test_idp_initiated_shared_idp_domain_disambiguates(env: Env) -> None:
    """testIdpInitiatedSharedIdpDomainDisambiguates: the hinted provider is org-a's (MANAGED) and org-b's
    (UNMANAGED); alice@acme.com joins org-a only."""
    async with served(env) as broker:
        await update_user(env.db, "provider", "alice", email="alice@acme.com")
        org_a, org_b = await _org(env, "org-a", "acme.com"), await _org(env, "org-b", "globex.com")
        await _linked(broker, org_a, kind="MANAGED")
        await _linked(broker, org_b)
        async with browser(broker) as http:
            done = await _hinted_in(http)
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text[:800]
        assert await _membership(env, org_a, "alice") == "MANAGED"
        assert await _membership(env, org_b, "alice") is None


async def test_idp_initiated_unowned_domain_no_membership(env: Env) -> None:
    """testIdpInitiatedUnownedDomainNoMembership: charlie@unknown.com through a provider of two organizations with
    domains, neither his: he signs in and joins neither."""
    async with served(env) as broker:
        await update_user(env.db, "provider", "alice", email="charlie@unknown.com")
        org_a, org_b = await _org(env, "org-a", "acme.com"), await _org(env, "org-b", "globex.com")
        await _linked(broker, org_a)
        await _linked(broker, org_b)
        async with browser(broker) as http:
            done = await _hinted_in(http)
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text[:800]
        assert await _membership(env, org_a, "alice") is None
        assert await _membership(env, org_b, "alice") is None


@pytest.mark.parametrize("kind", ["MANAGED", "UNMANAGED"])
async def test_domainless_org_gate_skipped_and_types_across_orgs(env: Env, kind: str) -> None:
    """testDifferentMembershipTypesAcrossOrgs (org-a MANAGED) and testDomainlessOrgGateSkipped (org-a UNMANAGED):
    org-b has no domains, so its UNMANAGED link takes alice whatever her address; she joins both, each as its
    link says."""
    async with served(env) as broker:
        await update_user(env.db, "provider", "alice", email="alice@acme.com")
        org_a, org_b = await _org(env, "org-a", "acme.com"), await _org(env, "org-b")
        await _linked(broker, org_a, domain="acme.com", kind=kind)
        await _linked(broker, org_b)
        async with browser(broker) as http:
            await _typed_in(http, "alice@acme.com")
        assert await _membership(env, org_a, "alice") == kind
        assert await _membership(env, org_b, "alice") == "UNMANAGED"
