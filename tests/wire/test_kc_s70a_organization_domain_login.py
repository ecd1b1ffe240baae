"""Identity-first login routed by Keycloak 26.8's domain rows: the organization's domain that matches the typed
e-mail most specifically (Organizations.getMatchingDomain) sends it to the provider it names
(``identityProviderAlias``) while ``autoRedirect``, the provider being linked to the organization and usable; no
``kc.org.domain`` on the provider. Hostile: look-alike domains, case, a route to a provider not linked to the
organization (set through the realm-level API), a domain two organizations claim (no organization is inferred)."""

from __future__ import annotations

import html
from typing import Any

import httpx
import pytest

from broker_support import ALIAS, Broker, browser, provider_login, query, served, start_login
from browser_flow import form_action, form_fields
from support import update_user
from wire_env import Env

pytestmark = pytest.mark.anyio
REALM = "/admin/realms/test"
ORGS = f"{REALM}/organizations"
BROKER_LOGIN = f"/realms/test/broker/{ALIAS}/login"
MISMATCH = "Email domain does not match any domain from the organization"
NO_ACCOUNT = "Your email domain matches the {} organization but you don&#39;t have an account yet."


async def _call(env: Env, method: str, path: str, body: Any = None, status: int = 204) -> httpx.Response:
    answer = await env.http.request(method, path, json=body, headers=await env.admin_headers())
    assert answer.status_code == status, (method, path, answer.text)
    return answer


async def _routed_org(broker: Broker, *domains: dict[str, Any], link: bool = True, name: str = "acme") -> str:
    """Organizations on, an organization with these domains (names only), the provider realm as its provider
    (no ``kc.org.domain``), then its domains as given (with their routing)."""
    env = broker.env
    await _call(env, "PUT", REALM, {"organizationsEnabled": True})
    plain = [{"name": d["name"]} for d in domains]
    made = await _call(env, "POST", ORGS, {"name": name, "domains": plain}, 201)
    org = str(made.headers["location"].rsplit("/", 1)[1])
    if link:
        await broker.add_provider(config={**broker.provider_rep()["config"], "loginHint": "true"})
        await _call(env, "POST", f"{ORGS}/{org}/identity-providers", ALIAS)
        await _call(env, "PUT", f"{ORGS}/{org}", {"name": name, "domains": list(domains)})
    return org


def _route(name: str, redirect: bool = True) -> dict[str, Any]:
    return {"name": name, "identityProviderAlias": ALIAS, "autoRedirect": redirect}


async def _type(http: httpx.AsyncClient, username: str) -> httpx.Response:
    page = await start_login(http)
    assert page.status_code == 200 and 'name="password"' not in page.text, page.text[:500]
    return await http.post(form_action(page.text), data={**form_fields(page.text), "username": username})


def _to_provider(answer: httpx.Response) -> bool:
    location = answer.headers.get("location", "")
    return answer.status_code == 303 and location.split("?")[0].endswith(BROKER_LOGIN)


def _password_page(answer: httpx.Response, name: str) -> bool:
    fixed = f'id="kc-attempted-username">{html.escape(name)}<'
    return answer.status_code == 200 and fixed in answer.text


@pytest.mark.parametrize("typed", ["someone@acme.org", "Someone@ACME.ORG"])
async def test_an_auto_redirecting_domain_sends_its_addresses_to_its_provider(env: Env, typed: str) -> None:
    async with served(env) as broker:
        await _routed_org(broker, _route("acme.org"))
        async with browser(broker) as http:
            answer = await _type(http, typed)
            assert _to_provider(answer), answer.text[:500]
            upstream = await http.get(answer.headers["location"])
            assert query(upstream.headers["location"])["login_hint"] == typed


async def test_a_domain_without_auto_redirect_only_names_its_organization(env: Env) -> None:
    async with served(env) as broker:
        await _routed_org(broker, _route("acme.org", redirect=False))
        async with browser(broker) as http:
            answer = await _type(http, "someone@acme.org")
            assert answer.status_code == 200 and NO_ACCOUNT.format("acme") in answer.text, answer.text[:800]


async def test_the_most_specific_domain_routes(env: Env) -> None:
    """``hr.acme.org`` (not redirecting) is more specific than ``*.acme.org`` (redirecting) for ``hr.acme.org``;
    ``x.dev.acme.org`` only matches the wildcard."""
    async with served(env) as broker:
        await _routed_org(broker, _route("*.acme.org"), _route("hr.acme.org", redirect=False))
        async with browser(broker) as http:
            assert _to_provider(await _type(http, "someone@x.dev.acme.org"))
        async with browser(broker) as http:
            assert not _to_provider(await _type(http, "someone@hr.acme.org"))


@pytest.mark.parametrize(
    "typed", ["someone@acme.org.evil.org", "someone@evilacme.org", "someone@evil@acme.org", "acme.org", "x@acme"]
)
async def test_look_alike_domains_are_not_routed(env: Env, typed: str) -> None:
    async with served(env) as broker:
        await _routed_org(broker, _route("acme.org"))
        async with browser(broker) as http:
            answer = await _type(http, typed)
            assert not _to_provider(answer) and answer.status_code < 500, answer.text[:500]
            assert _password_page(answer, typed), answer.text[:500]


async def test_a_route_to_a_provider_not_linked_to_the_organization_is_not_followed(env: Env) -> None:
    """The realm-level API routes a domain to any provider of the realm; the login follows the route only to a
    provider linked to the organization claiming the domain."""
    async with served(env) as broker:
        await _routed_org(broker, {"name": "acme.org"}, link=False)
        await broker.add_provider(config={**broker.provider_rep()["config"], "loginHint": "true"})
        await _call(env, "PUT", f"{ORGS}/domains/acme.org", {"identityProviderAlias": ALIAS, "autoRedirect": True})
        async with browser(broker) as http:
            answer = await _type(http, "someone@acme.org")
            assert not _to_provider(answer), answer.text[:500]


async def test_a_domain_two_organizations_claim_names_neither(env: Env) -> None:
    """Doorkeep infers no organization from a domain several organizations claim (which one Keycloak's
    resolveByDomain would pick is not defined): the unknown user gets the password page, not "matches the …
    organization", and no redirect."""
    async with served(env) as broker:
        await _routed_org(broker, _route("acme.org"))
        made = await _call(env, "POST", ORGS, {"name": "beta"}, 201)
        await _call(env, "POST", f"{ORGS}/{made.headers['location'].rsplit('/', 1)[1]}/domains", "acme.org")
        async with browser(broker) as http:
            answer = await _type(http, "someone@acme.org")
            assert not _to_provider(answer)
            assert _password_page(answer, "someone@acme.org"), answer.text[:800]


async def test_the_review_holds_the_address_to_the_domains_routing_to_the_provider(env: Env) -> None:
    """OrganizationMemberValidator in the IDP_REVIEW context with Keycloak 26.8's routing: the provider's identity
    brings ``alice@elsewhere.org``; the review refuses it (not a domain routing to the provider) and takes an address
    of ``acme.org``; the token's ``organization`` names acme."""
    async with served(env) as broker:
        await update_user(env.db, "provider", "alice", email="alice@elsewhere.org")
        await _routed_org(broker, _route("acme.org"))
        async with browser(broker) as http:
            answer = await _type(http, "newuser@acme.org")
            assert _to_provider(answer), answer.text[:500]
            review = await http.get(await provider_login(http, await http.get(answer.headers["location"])))
            assert review.status_code == 200 and 'name="email"' in review.text, review.text[:800]
            fields = {**form_fields(review.text), "firstName": "New", "lastName": "User"}
            refused = await http.post(form_action(review.text), data={**fields, "email": "alice@elsewhere.org"})
            assert refused.status_code == 200 and MISMATCH in refused.text, refused.text[:800]
            fields = {**form_fields(refused.text), "firstName": "New", "lastName": "User"}
            done = await http.post(form_action(refused.text), data={**fields, "email": "newuser@acme.org"})
            assert done.status_code in (302, 303), done.text[:800]


async def _second_organization(broker: Broker) -> None:
    """``beta`` claims ``beta.org``, is linked to the same provider and routes ``beta.org`` to it."""
    made = await _call(broker.env, "POST", ORGS, {"name": "beta", "domains": [{"name": "beta.org"}]}, 201)
    org = made.headers["location"].rsplit("/", 1)[1]
    await _call(broker.env, "POST", f"{ORGS}/{org}/identity-providers", ALIAS)
    await _call(broker.env, "PUT", f"{ORGS}/{org}", {"name": "beta", "domains": [_route("beta.org")]})


@pytest.mark.parametrize(("reviewed", "refused"), [("alice@beta.org", False), ("alice@elsewhere.org", True)])
async def test_the_review_takes_a_domain_of_the_second_linked_organization(
    env: Env, reviewed: str, refused: bool
) -> None:
    """A provider linked to two organizations (``organizationLinks``): the review holds the address to the domains of
    every linked organization routing to it, not only the first link's; an address of neither is refused."""
    async with served(env) as broker:
        await update_user(env.db, "provider", "alice", email="alice@elsewhere.org")
        await _routed_org(broker, _route("acme.org"))
        await _second_organization(broker)
        async with browser(broker) as http:
            answer = await _type(http, "newuser@beta.org")
            assert _to_provider(answer), answer.text[:500]
            review = await http.get(await provider_login(http, await http.get(answer.headers["location"])))
            assert review.status_code == 200 and 'name="email"' in review.text, review.text[:800]
            fields = {**form_fields(review.text), "firstName": "New", "lastName": "User", "email": reviewed}
            posted = await http.post(form_action(review.text), data=fields)
            assert posted.status_code < 500
            assert (MISMATCH in posted.text) is refused, posted.text[:800]
