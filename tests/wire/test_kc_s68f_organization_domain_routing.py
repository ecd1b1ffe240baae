"""Keycloak's OrganizationSharedIdpBrokerTest (tests/base organization/authentication/), its Keycloak 26.x form, over
real HTTP with the provider another realm of the same server (tests/broker_support.py).

Keycloak 26.8 routes an organization's domains to providers through the domain itself (``identityProviderAlias``,
``autoRedirect``) and lets one provider serve several organizations: that form is ported in
tests/wire/test_kc_s70g_organization_shared_idp.py. This file keeps the Keycloak 26.x form, which Doorkeep still
serves: each provider bound to one domain (``kc.org.domain``, ``kc.org.broker.redirect.mode.email-matches``).
Each method is ported with one provider per organization (or per domain) bound that way; what it asserts holds the
same: which provider the typed address goes to, which organization the token's ``organization`` claim names, the
review's domain check, and the addresses no provider takes staying in the consumer realm. The provider realm's
client knows one broker endpoint (alias ``kc``), so a method signing in through two providers runs each login in
its own served pair.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from broker_support import ALIAS, Broker, browser, code_tokens, provider_login, served, start_login
from browser_flow import form_action, form_fields
from flow_builder import admin
from support import claims, update_user
from wire_env import Env

pytestmark = pytest.mark.anyio
TEST = "/admin/realms/test"
EMAIL_MATCH = "kc.org.broker.redirect.mode.email-matches"
DOMAINS = {"org-a": "orga.org", "org-b": "orgb.org"}
MISMATCH = "Email domain does not match any domain from the organization"


async def _org(env: Env, name: str, *domains: str) -> str:
    """createOrganization(name, domains): organizations on, the organization's id."""
    await admin(env, "PUT", TEST, {"organizationsEnabled": True}, 204)
    body = {"name": name, "alias": name, "domains": [{"name": d} for d in domains]}
    made = await admin(env, "POST", f"{TEST}/organizations", body, 201)
    return str(made.headers["location"].rsplit("/", 1)[1])


async def _routed(broker: Broker, org: str, domain: str, alias: str = ALIAS) -> None:
    """setDomainRouting(org, domain, alias) in 26.x's words: the organization's provider ``alias``, bound to
    ``domain`` and redirecting it."""
    config = {**broker.provider_rep()["config"], "kc.org.domain": domain, EMAIL_MATCH: "true"}
    await broker.add_provider(alias=alias, config=config)
    await admin(broker.env, "POST", f"{TEST}/organizations/{org}/identity-providers", alias, 204)


async def _typed(http: httpx.AsyncClient, username: str, **params: str) -> httpx.Response:
    page = await start_login(http, **params)
    assert page.status_code == 200 and 'name="password"' not in page.text, page.text[:800]
    return await http.post(form_action(page.text), data={**form_fields(page.text), "username": username})


def _to_broker(answer: httpx.Response, alias: str) -> bool:
    location = answer.headers.get("location", "")
    return answer.status_code == 303 and location.split("?")[0].endswith(f"/realms/test/broker/{alias}/login")


async def _signed_in_through(http: httpx.AsyncClient, typed: str, alias: str = ALIAS) -> dict[str, Any]:
    """The typed address sent to ``alias``, alice at the provider realm, the code's access token claims."""
    answer = await _typed(http, typed, scope="openid organization:*")
    assert _to_broker(answer, alias), answer.text[:800]
    to_provider = await http.get(answer.headers["location"])
    done = await http.get(await provider_login(http, to_provider))
    return claims((await code_tokens(http, done))["access_token"])


@pytest.mark.parametrize(
    ("email", "mine", "other"), [("alice@orga.org", "org-a", "org-b"), ("bob@orgb.org", "org-b", "org-a")]
)
async def test_shared_idp_resolves_org_from_email_domain(env: Env, email: str, mine: str, other: str) -> None:
    """OrganizationSharedIdpBrokerTest#testSharedIdpResolvesOrgFromEmailDomain: org-a (orga.org) and org-b
    (orgb.org), each with its provider bound to its domain (one shared provider in 27-dev); the user of each domain
    goes to its provider and the token (``organization:*``) names that organization, never the other."""
    async with served(env) as broker:
        await update_user(env.db, "provider", "alice", email=email)
        org_a, org_b = await _org(env, "org-a", "orga.org"), await _org(env, "org-b", "orgb.org")
        ids = {"org-a": org_a, "org-b": org_b}
        await _routed(broker, ids[mine], email.split("@")[1])
        other_config = {**broker.provider_rep()["config"], "kc.org.domain": DOMAINS[other]}
        await broker.add_provider(alias="other-idp", config={**other_config, EMAIL_MATCH: "true"})
        await admin(env, "POST", f"{TEST}/organizations/{ids[other]}/identity-providers", "other-idp", 204)
        async with browser(broker) as http:
            organization = (await _signed_in_through(http, email))["organization"]
        assert mine in organization and other not in organization, organization


async def test_auth_note_preserved_overrides_email_domain(env: Env) -> None:
    """OrganizationSharedIdpBrokerTest#testAuthNotePreservedOverridesEmailDomain: ``newuser@orgb.org`` goes to
    org-b's provider, which answers with alice's ``alice@orga.org``; the first broker login's review refuses that
    address (org-b's domain), takes ``newuser@orgb.org``, and the token names org-b, the organization the login
    went through, not the one alice's first address would resolve."""
    async with served(env) as broker:
        await update_user(env.db, "provider", "alice", email="alice@orga.org")
        await _org(env, "org-a", "orga.org")
        org_b = await _org(env, "org-b", "orgb.org")
        await _routed(broker, org_b, "orgb.org")
        async with browser(broker) as http:
            answer = await _typed(http, "newuser@orgb.org", scope="openid organization:*")
            assert _to_broker(answer, ALIAS), answer.text[:800]
            to_provider = await http.get(answer.headers["location"])
            review = await http.get(await provider_login(http, to_provider))
            assert review.status_code == 200 and 'name="email"' in review.text, review.text[:800]
            fields = {**form_fields(review.text), "firstName": "New", "lastName": "User"}
            refused = await http.post(form_action(review.text), data={**fields, "email": "alice@orga.org"})
            assert refused.status_code == 200 and MISMATCH in refused.text, refused.text[:800]
            fields = {**form_fields(refused.text), "firstName": "New", "lastName": "User"}
            done = await http.post(form_action(refused.text), data={**fields, "email": "newuser@orgb.org"})
            organization = claims((await code_tokens(http, done))["access_token"])["organization"]
        assert organization == ["org-b"], organization


async def test_single_org_idp_fallback(env: Env) -> None:
    """OrganizationSharedIdpBrokerTest#testSingleOrgIdpFallback: one organization, its provider routing its
    domain; alice goes there and the token names org-a."""
    async with served(env) as broker:
        await update_user(env.db, "provider", "alice", email="alice@orga.org")
        await _routed(broker, await _org(env, "org-a", "orga.org"), "orga.org")
        async with browser(broker) as http:
            assert "org-a" in (await _signed_in_through(http, "alice@orga.org"))["organization"]


async def test_non_federated_domain_shows_password_form(env: Env) -> None:
    """OrganizationSharedIdpBrokerTest#testNonFederatedDomainShowsPasswordForm: org-a owns acme.com (its provider
    bound there) and internal.acme.com (no provider): ``bob@internal.acme.com`` stays in the consumer realm."""
    async with served(env) as broker:
        await _routed(broker, await _org(env, "org-a", "acme.com", "internal.acme.com"), "acme.com")
        async with browser(broker) as http:
            answer = await _typed(http, "bob@internal.acme.com")
            assert answer.status_code == 200 and "/realms/provider/" not in answer.text, answer.text[:800]
            assert _to_broker(await _typed(http, "bob@acme.com"), ALIAS)


@pytest.mark.parametrize(("email", "alias"), [("carol@hr.acme.com", "idp-y"), ("dave@sales.acme.com", "idp-x")])
async def test_wildcard_domain_with_specific_override(env: Env, email: str, alias: str) -> None:
    """OrganizationSharedIdpBrokerTest#testWildcardDomainWithSpecificOverride: org-a owns ``*.acme.com`` (idp-x
    bound there) and ``hr.acme.com`` (idp-y): the most specific binding wins, so carol of hr.acme.com goes to
    idp-y and dave of sales.acme.com to idp-x; whichever provider was linked first."""
    async with served(env) as broker:
        org = await _org(env, "org-a", "*.acme.com", "hr.acme.com")
        await _routed(broker, org, "*.acme.com", "idp-x")
        await _routed(broker, org, "hr.acme.com", "idp-y")
        async with browser(broker) as http:
            assert _to_broker(await _typed(http, email), alias)
        for provider in ("idp-x", "idp-y"):
            await admin(env, "DELETE", f"{TEST}/identity-provider/instances/{provider}", None, 204)
        await _routed(broker, org, "hr.acme.com", "idp-y")
        await _routed(broker, org, "*.acme.com", "idp-x")
        async with browser(broker) as http:
            assert _to_broker(await _typed(http, email), alias)


@pytest.mark.parametrize(
    ("email", "alias"), [("alice@acme.com", "idp-x"), ("bob@partner.com", "idp-y"), ("carol@internal.acme.com", None)]
)
async def test_multiple_domains_mixed_federation_routing(env: Env, email: str, alias: str | None) -> None:
    """OrganizationSharedIdpBrokerTest#testMultipleDomainsMixedFederationRouting: org-a owns acme.com (idp-x),
    partner.com (idp-y) and internal.acme.com (no provider): each address goes to its domain's provider, carol's
    stays in the consumer realm."""
    async with served(env) as broker:
        org = await _org(env, "org-a", "acme.com", "partner.com", "internal.acme.com")
        await _routed(broker, org, "acme.com", "idp-x")
        await _routed(broker, org, "partner.com", "idp-y")
        async with browser(broker) as http:
            answer = await _typed(http, email)
            if alias is None:
                assert answer.status_code == 200 and 'name="username"' in answer.text, answer.text[:800]
            else:
                assert _to_broker(answer, alias), answer.text[:800]
