"""Keycloak's OrganizationSharedIdpBrokerTest (tests/base organization/authentication/, the newest stored form), on
Keycloak 26.8's organization model, over real HTTP with the provider another realm of the same server
(tests/broker_support.py): one provider linked to several organizations (default link: auto-membership, UNMANAGED),
each organization's domain routed to it through the organization representation (setDomainRouting: the domain's
``identityProviderAlias`` and ``autoRedirect`` in a PUT of the organization), no ``kc.org.domain`` anywhere.

Every method is ported whole: the typed address goes to the provider its domain routes to, alice/bob/carol/dave
sign in there, the token's ``organization`` claim (``organization:*``) names the organization of the address, the
user's federated identity names the provider the most specific domain routed to, and an address of a domain routed
nowhere stays on the consumer realm. testAuthNotePreservedOverridesEmailDomain: the organization the identity-first
step resolved (Keycloak's ORGANIZATION_ATTRIBUTE auth note, OrganizationAuthenticator.action) is the one the first
broker login's review holds the e-mail to (OrganizationMemberValidator reads the login's organization), not every
organization the shared provider is linked to.

tests/wire/test_kc_s68f_organization_domain_routing.py keeps the Keycloak 26.x form of the same class (one provider
per organization, bound by ``kc.org.domain``).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from broker_support import ALIAS, Broker, browser, button, code_tokens, provider_login, query, served, start_login
from browser_flow import REDIRECT, form_action, form_fields
from flow_builder import admin
from support import claims, seed_user, update_user
from wire_env import Env

pytestmark = pytest.mark.anyio
TEST = "/admin/realms/test"
MISMATCH = "Email domain does not match any domain from the organization"
ALL_ORGS = "openid organization:*"


async def _org(env: Env, name: str, *domains: str) -> str:
    """createOrganization(name, domains): organizations on, the organization's id."""
    await admin(env, "PUT", TEST, {"organizationsEnabled": True}, 204)
    body = {"name": name, "alias": name, "domains": [{"name": d} for d in domains]}
    made = await admin(env, "POST", f"{TEST}/organizations", body, 201)
    return str(made.headers["location"].rsplit("/", 1)[1])


async def _provider(broker: Broker, alias: str = ALIAS) -> None:
    """createRealOrgBroker(alias): the provider realm as ``alias`` of the consumer realm, its broker endpoint one of
    the provider realm's client's redirect URIs."""
    await broker.add_provider(alias=alias)
    if alias == ALIAS:
        return
    found = (await admin(broker.env, "GET", "/admin/realms/provider/clients?clientId=broker-app", status=200)).json()
    rep = found[0]
    uris = [*rep["redirectUris"], f"{broker.base}/realms/test/broker/{alias}/endpoint"]
    await admin(broker.env, "PUT", f"/admin/realms/provider/clients/{rep['id']}", {**rep, "redirectUris": uris}, 204)


async def _link(env: Env, org: str, alias: str = ALIAS) -> None:
    await admin(env, "POST", f"{TEST}/organizations/{org}/identity-providers", alias, 204)


async def _route(env: Env, org: str, domain: str, alias: str = ALIAS) -> None:
    """setDomainRouting: the organization's representation read, its domain ``domain`` routed to ``alias`` with
    auto-redirect, the representation put back."""
    rep: dict[str, Any] = (await admin(env, "GET", f"{TEST}/organizations/{org}", status=200)).json()
    for row in rep["domains"]:
        if row["name"] == domain:
            row |= {"identityProviderAlias": alias, "autoRedirect": True}
    await admin(env, "PUT", f"{TEST}/organizations/{org}", rep, 204)
    again = (await admin(env, "GET", f"{TEST}/organizations/{org}", status=200)).json()
    [routed] = [d for d in again["domains"] if d["name"] == domain]
    assert routed["identityProviderAlias"] == alias and routed["autoRedirect"] is True, again


async def _shared(broker: Broker) -> tuple[str, str]:
    """createSharedIdpSetup: org-a (orga.org) and org-b (orgb.org), one provider linked to both, each
    organization's domain routed to it."""
    await _provider(broker)
    org_a, org_b = await _org(broker.env, "org-a", "orga.org"), await _org(broker.env, "org-b", "orgb.org")
    for org in (org_a, org_b):
        await _link(broker.env, org)
    for org, domain in ((org_a, "orga.org"), (org_b, "orgb.org")):
        await _route(broker.env, org, domain)
    return org_a, org_b


async def _provider_user(env: Env, username: str, email: str) -> None:
    """createProviderUser: a user of the provider realm with that e-mail (verified), names set."""
    await seed_user(env.db, env.clock, "provider", username, email=email, first_name=username.title())
    await update_user(env.db, "provider", username, last_name="User", email_verified=True)


async def _typed(http: httpx.AsyncClient, username: str, scope: str = "openid") -> httpx.Response:
    page = await start_login(http, scope=scope)
    assert page.status_code == 200 and 'name="password"' not in page.text, page.text[:800]
    return await http.post(form_action(page.text), data={**form_fields(page.text), "username": username})


def _to_broker(answer: httpx.Response, alias: str = ALIAS) -> bool:
    location = answer.headers.get("location", "")
    return answer.status_code == 303 and location.split("?")[0].endswith(f"/realms/test/broker/{alias}/login")


async def _at_provider(http: httpx.AsyncClient, answer: httpx.Response, username: str) -> httpx.Response:
    """The consumer's redirect followed to the provider realm's login page (the URL asserted to be the provider
    realm's), ``username`` signed in there, the consumer's broker endpoint's answer."""
    to_provider = await http.get(answer.headers["location"])
    assert "/realms/provider/" in to_provider.headers["location"], to_provider.headers
    return await http.get(await provider_login(http, to_provider, username))


async def _signed_in(http: httpx.AsyncClient, typed: str, username: str, alias: str = ALIAS) -> dict[str, Any]:
    """The typed address sent to ``alias``, ``username`` at the provider realm, back at the client with a code:
    the access token's claims."""
    answer = await _typed(http, typed, ALL_ORGS)
    assert _to_broker(answer, alias), answer.text[:800]
    done = await _at_provider(http, answer, username)
    return claims((await code_tokens(http, done))["access_token"])


async def _identity_providers(env: Env, email: str) -> list[str]:
    """The providers the consumer's user of that e-mail (exact search) is linked through."""
    found = (await admin(env, "GET", f"{TEST}/users?email={email}&exact=true", status=200)).json()
    assert len(found) == 1, found
    links = (await admin(env, "GET", f"{TEST}/users/{found[0]['id']}/federated-identity", status=200)).json()
    return [link["identityProvider"] for link in links]


def _stays(answer: httpx.Response) -> bool:
    """The answer is a page of the consumer realm, not a redirect to a provider."""
    return answer.status_code == 200 and "/realms/test/" in answer.text and "/realms/provider/" not in answer.text


async def test_shared_idp_resolves_org_from_email_domain(env: Env) -> None:
    """testSharedIdpResolvesOrgFromEmailDomain: alice@orga.org and bob@orgb.org go through the one shared
    provider; each token (``organization:*``) names the organization of the address, never the other."""
    async with served(env) as broker:
        await _shared(broker)
        await update_user(env.db, "provider", "alice", email="alice@orga.org", last_name="User", email_verified=True)
        await _provider_user(env, "bob", "bob@orgb.org")
        async with browser(broker) as http:
            alice = (await _signed_in(http, "alice@orga.org", "alice"))["organization"]
        assert "org-a" in alice and "org-b" not in alice, alice
        async with browser(broker) as http:
            bob = (await _signed_in(http, "bob@orgb.org", "bob"))["organization"]
        assert "org-b" in bob and "org-a" not in bob, bob
        assert await _identity_providers(env, "alice@orga.org") == [ALIAS]
        assert await _identity_providers(env, "bob@orgb.org") == [ALIAS]


async def test_auth_note_preserved_overrides_email_domain(env: Env) -> None:
    """testAuthNotePreservedOverridesEmailDomain: ``newuser@orgb.org`` typed, org-b's domain routes to the shared
    provider, whose alice answers with ``alice@orga.org`` (a domain routing to the same provider, org-a's). The
    login's organization is org-b: the review refuses ``alice@orga.org``, takes ``newuser@orgb.org``, and the token
    names org-b."""
    async with served(env) as broker:
        await _shared(broker)
        await update_user(env.db, "provider", "alice", email="alice@orga.org", last_name="User", email_verified=True)
        async with browser(broker) as http:
            answer = await _typed(http, "newuser@orgb.org", ALL_ORGS)
            assert _to_broker(answer), answer.text[:800]
            review = await _at_provider(http, answer, "alice")
            assert review.status_code == 200 and 'name="email"' in review.text, review.text[:800]
            fields = {**form_fields(review.text), "firstName": "New", "lastName": "User"}
            refused = await http.post(form_action(review.text), data={**fields, "email": "alice@orga.org"})
            assert refused.status_code == 200 and MISMATCH in refused.text, refused.text[:800]
            fields = {**form_fields(refused.text), "firstName": "New", "lastName": "User"}
            done = await http.post(form_action(refused.text), data={**fields, "email": "newuser@orgb.org"})
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text[:800]
            organization = claims((await code_tokens(http, done))["access_token"])["organization"]
        assert "org-b" in organization, organization
        assert await _identity_providers(env, "newuser@orgb.org") == [ALIAS]


async def test_the_address_the_login_resolved_passes_the_review_untouched(env: Env) -> None:
    """The other side of testAuthNotePreservedOverridesEmailDomain: the provider's address is of the login's
    organization (typed ``someone@orgb.org``, alice's address ``alice@orgb.org``): no review page, straight back
    to the client, alice a member of org-b only."""
    async with served(env) as broker:
        await _shared(broker)
        await update_user(env.db, "provider", "alice", email="alice@orgb.org", last_name="User", email_verified=True)
        async with browser(broker) as http:
            answer = await _typed(http, "someone@orgb.org", ALL_ORGS)
            done = await _at_provider(http, answer, "alice")
            organization = claims((await code_tokens(http, done))["access_token"])["organization"]
        assert "org-b" in organization and "org-a" not in organization, organization


async def test_single_org_idp_fallback(env: Env) -> None:
    """testSingleOrgIdpFallback: a provider of one organization, its domain routed to it; alice goes there and
    the token names org-a."""
    async with served(env) as broker:
        await _provider(broker, "single-org-idp")
        org = await _org(env, "org-a", "orga.org")
        await _link(env, org, "single-org-idp")
        await _route(env, org, "orga.org", "single-org-idp")
        await update_user(env.db, "provider", "alice", email="alice@orga.org", last_name="User", email_verified=True)
        async with browser(broker) as http:
            token = await _signed_in(http, "alice@orga.org", "alice", "single-org-idp")
        assert "org-a" in token["organization"], token
        assert await _identity_providers(env, "alice@orga.org") == ["single-org-idp"]


async def test_non_federated_domain_shows_password_form(env: Env) -> None:
    """testNonFederatedDomainShowsPasswordForm: org-a owns acme.com (routed to idp-x) and internal.acme.com (routed
    nowhere): ``bob@internal.acme.com`` stays on the consumer realm; ``bob@acme.com`` goes to idp-x."""
    async with served(env) as broker:
        await _provider(broker, "idp-x")
        org = await _org(env, "org-a", "acme.com", "internal.acme.com")
        await _link(env, org, "idp-x")
        await _route(env, org, "acme.com", "idp-x")
        await _provider_user(env, "bob", "bob@internal.acme.com")
        async with browser(broker) as http:
            answer = await _typed(http, "bob@internal.acme.com")
            assert _stays(answer), answer.text[:800]
        async with browser(broker) as http:
            assert _to_broker(await _typed(http, "bob@acme.com"), "idp-x")


async def _two_providers(broker: Broker, *domains: str) -> str:
    """org-a owning ``domains``, providers idp-x and idp-y (the provider realm) both linked to it."""
    for alias in ("idp-x", "idp-y"):
        await _provider(broker, alias)
    org = await _org(broker.env, "org-a", *domains)
    for alias in ("idp-x", "idp-y"):
        await _link(broker.env, org, alias)
    return org


async def test_wildcard_domain_with_specific_override(env: Env) -> None:
    """testWildcardDomainWithSpecificOverride: org-a owns ``*.acme.com`` (routed to idp-x) and ``hr.acme.com``
    (routed to idp-y): carol@hr.acme.com signs in through idp-y (the most specific domain), dave@sales.acme.com
    through idp-x (the wildcard); each consumer user is linked through that provider."""
    async with served(env) as broker:
        org = await _two_providers(broker, "*.acme.com", "hr.acme.com")
        await _route(env, org, "*.acme.com", "idp-x")
        await _route(env, org, "hr.acme.com", "idp-y")
        await _provider_user(env, "carol", "carol@hr.acme.com")
        await _provider_user(env, "dave", "dave@sales.acme.com")
        async with browser(broker) as http:
            await _signed_in(http, "carol@hr.acme.com", "carol", "idp-y")
        assert await _identity_providers(env, "carol@hr.acme.com") == ["idp-y"]
        async with browser(broker) as http:
            await _signed_in(http, "dave@sales.acme.com", "dave", "idp-x")
        assert await _identity_providers(env, "dave@sales.acme.com") == ["idp-x"]


async def test_multiple_domains_mixed_federation_routing(env: Env) -> None:
    """testMultipleDomainsMixedFederationRouting: org-a owns acme.com (idp-x), partner.com (idp-y) and
    internal.acme.com (routed nowhere): alice@acme.com signs in through idp-x, bob@partner.com through idp-y, and
    carol@internal.acme.com stays on the consumer realm."""
    async with served(env) as broker:
        org = await _two_providers(broker, "acme.com", "partner.com", "internal.acme.com")
        await _route(env, org, "acme.com", "idp-x")
        await _route(env, org, "partner.com", "idp-y")
        await update_user(env.db, "provider", "alice", email="alice@acme.com", last_name="User", email_verified=True)
        await _provider_user(env, "bob", "bob@partner.com")
        async with browser(broker) as http:
            await _signed_in(http, "alice@acme.com", "alice", "idp-x")
        assert await _identity_providers(env, "alice@acme.com") == ["idp-x"]
        async with browser(broker) as http:
            await _signed_in(http, "bob@partner.com", "bob", "idp-y")
        assert await _identity_providers(env, "bob@partner.com") == ["idp-y"]
        async with browser(broker) as http:
            assert _stays(await _typed(http, "carol@internal.acme.com"))


async def _review_after_typing(http: httpx.AsyncClient, typed: str) -> httpx.Response:
    answer = await _typed(http, typed, ALL_ORGS)
    assert _to_broker(answer), answer.text[:800]
    to_provider = await http.get(answer.headers["location"])
    broker_endpoint = await provider_login(http, to_provider)
    return await http.get(broker_endpoint)


async def test_hostile_the_login_organization_deleted_before_the_provider_answers(env: Env) -> None:
    """The organization the login resolved is deleted while the browser is at the provider: no error, the review
    falls back to the domains of the organizations the provider is still linked to (org-a's ``orga.org``), so
    ``alice@orga.org`` goes straight through and joins org-a."""
    async with served(env) as broker:
        _, org_b = await _shared(broker)
        await update_user(env.db, "provider", "alice", email="alice@orga.org", last_name="User", email_verified=True)
        async with browser(broker) as http:
            answer = await _typed(http, "newuser@orgb.org", ALL_ORGS)
            to_provider = await http.get(answer.headers["location"])
            await admin(env, "DELETE", f"{TEST}/organizations/{org_b}", None, 204)
            done = await http.get(await provider_login(http, to_provider))
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text[:800]
            organization = claims((await code_tokens(http, done))["access_token"])["organization"]
        assert organization == ["org-a"], organization


async def test_hostile_the_provider_unlinked_from_the_login_organization_meanwhile(env: Env) -> None:
    """The provider is unlinked from the login's organization (org-b) while the browser is at the provider: the
    review no longer holds the address to org-b (its routing went with the link); alice's ``alice@orga.org``, a
    domain routed to the provider by org-a, passes; no 500."""
    async with served(env) as broker:
        _, org_b = await _shared(broker)
        await update_user(env.db, "provider", "alice", email="alice@orga.org", last_name="User", email_verified=True)
        async with browser(broker) as http:
            answer = await _typed(http, "newuser@orgb.org", ALL_ORGS)
            to_provider = await http.get(answer.headers["location"])
            await admin(env, "DELETE", f"{TEST}/organizations/{org_b}/identity-providers/{ALIAS}", None, 204)
            done = await http.get(await provider_login(http, to_provider))
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text[:800]


async def test_hostile_a_look_alike_address_is_refused_by_the_login_organization(env: Env) -> None:
    """Typed ``x@orgb.org``; the review refuses look-alikes of org-b's domain and org-a's domain alike."""
    async with served(env) as broker:
        await _shared(broker)
        await update_user(env.db, "provider", "alice", email="alice@orga.org", last_name="User", email_verified=True)
        async with browser(broker) as http:
            review = await _review_after_typing(http, "x@orgb.org")
            assert review.status_code == 200 and 'name="email"' in review.text, review.text[:800]
            page = review
            for email in ("a@orgb.org.evil.org", "a@evilorgb.org", "a@sub.orgb.org", "a@orga.org", "a@ORGA.ORG"):
                fields = {**form_fields(page.text), "firstName": "New", "lastName": "User", "email": email}
                page = await http.post(form_action(page.text), data=fields)
                assert page.status_code == 200 and MISMATCH in page.text, (email, page.text[:800])
            fields = {**form_fields(page.text), "firstName": "New", "lastName": "User", "email": "a@ORGB.org"}
            done = await http.post(form_action(page.text), data=fields)
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text[:800]


async def test_the_provider_picked_on_the_no_account_page_reviews_for_that_organization(env: Env) -> None:
    """OrganizationAuthenticator.action notes the organization before unknownUserChallenge: ``newuser@orgb.org``
    typed, org-b's domain names the shared provider without auto-redirect, so the username page says "matches the
    org-b organization" with the provider's button; through it, alice's ``alice@orga.org`` (org-a's domain, routed
    to the same provider) is refused at the review, ``newuser@orgb.org`` taken."""
    async with served(env) as broker:
        _, org_b = await _shared(broker)
        rep = (await admin(env, "GET", f"{TEST}/organizations/{org_b}", status=200)).json()
        rep["domains"] = [{**d, "autoRedirect": False} for d in rep["domains"]]
        await admin(env, "PUT", f"{TEST}/organizations/{org_b}", rep, 204)
        await update_user(env.db, "provider", "alice", email="alice@orga.org", last_name="User", email_verified=True)
        async with browser(broker) as http:
            page = await _typed(http, "newuser@orgb.org", ALL_ORGS)
            assert page.status_code == 200 and "matches the org-b organization" in page.text, page.text[:800]
            sent = await http.get(button(page))
            review = await http.get(await provider_login(http, sent))
            assert review.status_code == 200 and 'name="email"' in review.text, review.text[:800]
            fields = {**form_fields(review.text), "firstName": "New", "lastName": "User", "email": "alice@orga.org"}
            refused = await http.post(form_action(review.text), data=fields)
            assert refused.status_code == 200 and MISMATCH in refused.text, refused.text[:800]
            fields = {**form_fields(refused.text), "firstName": "New", "lastName": "User", "email": "newuser@orgb.org"}
            done = await http.post(form_action(refused.text), data=fields)
            organization = claims((await code_tokens(http, done))["access_token"])["organization"]
        assert "org-b" in organization and "org-a" not in organization, organization


async def _organization_noted(env: Env, page: httpx.Response) -> str | None:
    """The login's organization (the ORGANIZATION_ATTRIBUTE auth note) as the page's authentication session holds it."""
    tab = query(form_action(page.text))["tab_id"]
    async with env.db.transaction() as tx:
        found = await tx.flows.get_auth_session(tab)
    assert found is not None
    noted = found.request.get("organization_context")
    return str(noted) if noted is not None else None


async def test_hostile_a_new_name_forgets_the_organization_the_previous_one_resolved(env: Env) -> None:
    """``newuser@orgb.org`` typed: the username page of org-b notes org-b as the login's organization; then, on that
    page, ``someone@elsewhere.org`` (no organization): the password page, the note gone (resolveUser's
    clearAuthenticationSession), so no later broker login of this tab is held to org-b's domains."""
    async with served(env) as broker:
        _, org_b = await _shared(broker)
        rep = (await admin(env, "GET", f"{TEST}/organizations/{org_b}", status=200)).json()
        rep["domains"] = [{**d, "autoRedirect": False} for d in rep["domains"]]
        await admin(env, "PUT", f"{TEST}/organizations/{org_b}", rep, 204)
        async with browser(broker) as http:
            page = await _typed(http, "newuser@orgb.org", ALL_ORGS)
            assert "matches the org-b organization" in page.text, page.text[:800]
            assert await _organization_noted(env, page) == org_b
            again = await http.post(
                form_action(page.text), data={**form_fields(page.text), "username": "someone@elsewhere.org"}
            )
            assert again.status_code == 200 and 'name="password"' in again.text, again.text[:800]
            assert await _organization_noted(env, again) is None
