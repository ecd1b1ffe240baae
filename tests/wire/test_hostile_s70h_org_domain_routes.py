"""Combinations of session 70's organization features a user or an administrator could steer: realm-level domain
routing (``PUT organizations/domains/{name}``), claims of another organization's domain (``POST
organizations/{id}/domains``), per-link MANAGED membership (``PUT organizations/{id}/identity-providers/{alias}``)
and the first broker login's domain gate (Keycloak 26.8's IdpAddOrganizationMemberAuthenticator.passesDomainGate,
which reads ``org.getDomains()``: every domain the organization claims, shared or not).

- A domain of organization A routed, through the realm-level PUT, to a provider linked (MANAGED) only to
  organization B: the PUT is accepted (OrganizationDomainsResource checks only that the provider exists in the
  realm), but a user of that domain logging in through the provider joins neither organization: B's gate does not
  know A's domain, and A is not linked to the provider.
- Organization B claiming A's domain: B's gate now passes for that domain, so the same login makes the user a
  MANAGED member of B (never of A). That is Keycloak's model (testDomainSharedAcrossOrgs shares a domain, and the
  gate reads every claimed domain); it takes manage-organizations on the realm, which can add members outright.
- ``organizationLinks`` on a provider written through a partial import or a realm import: an organization of another
  realm, or two MANAGED links for one provider, are refused as on ``identity-provider/instances``; nothing written.
"""

from __future__ import annotations

from typing import Any

import pytest

from broker_support import ALIAS, Broker, browser, provider_login, served, start_login
from browser_flow import REDIRECT, form_action, form_fields
from flow_builder import admin
from support import update_user
from wire_env import Env

pytestmark = pytest.mark.anyio
TEST = "/admin/realms/test"
MANAGED = {"autoMembership": True, "membershipType": "MANAGED"}


async def _org(env: Env, name: str, *domains: str, realm: str = "test") -> str:
    base = f"/admin/realms/{realm}"
    await admin(env, "PUT", base, {"organizationsEnabled": True}, 204)
    body = {"name": name, "alias": name, "domains": [{"name": d} for d in domains]}
    made = await admin(env, "POST", f"{base}/organizations", body, 201)
    return str(made.headers["location"].rsplit("/", 1)[1])


async def _link(env: Env, org: str, settings: dict[str, Any]) -> None:
    await admin(env, "POST", f"{TEST}/organizations/{org}/identity-providers", ALIAS, 204)
    await admin(env, "PUT", f"{TEST}/organizations/{org}/identity-providers/{ALIAS}", settings, 204)


async def _membership(env: Env, org: str) -> str | None:
    [user] = (await admin(env, "GET", f"{TEST}/users?username=alice&exact=true", status=200)).json()
    answer = await admin(env, "GET", f"{TEST}/organizations/{org}/members/{user['id']}")
    return str(answer.json()["membershipType"]) if answer.status_code == 200 else None


async def _login_through_provider(broker: Broker) -> None:
    async with browser(broker) as http:
        hinted = await start_login(http, kc_idp_hint=ALIAS)
        assert hinted.status_code == 303, hinted.text[:800]
        done = await http.get(await provider_login(http, await http.get(hinted.headers["location"])))
    assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text[:800]


async def _a_and_b(env: Env, broker: Broker) -> tuple[str, str]:
    """alice@acme.com at the provider; A owns acme.com, B owns b.org; the provider linked MANAGED to B only."""
    await update_user(env.db, "provider", "alice", email="alice@acme.com")
    a = await _org(env, "a", "acme.com")
    b = await _org(env, "b", "b.org")
    await broker.add_provider()
    await _link(env, b, MANAGED)
    return a, b


async def test_routing_a_domain_to_another_organizations_provider_joins_nobody(env: Env) -> None:
    async with served(env) as broker:
        a, b = await _a_and_b(env, broker)
        route = {"identityProviderAlias": ALIAS, "autoRedirect": True}
        await admin(env, "PUT", f"{TEST}/organizations/domains/acme.com", route, 204)
        got = (await admin(env, "GET", f"{TEST}/organizations/domains/acme.com", status=200)).json()
        assert got["identityProviderAlias"] == ALIAS
        await _login_through_provider(broker)
        assert await _membership(env, a) is None
        assert await _membership(env, b) is None


async def test_claiming_anothers_domain_passes_that_organizations_gate_only(env: Env) -> None:
    async with served(env) as broker:
        a, b = await _a_and_b(env, broker)
        await admin(env, "POST", f"{TEST}/organizations/{b}/domains", "acme.com", 204)
        await _login_through_provider(broker)
        assert await _membership(env, b) == "MANAGED"
        assert await _membership(env, a) is None


async def test_unclaimed_again_the_gate_closes(env: Env) -> None:
    """The claim withdrawn before the login: B's gate no longer knows acme.com."""
    async with served(env) as broker:
        a, b = await _a_and_b(env, broker)
        await admin(env, "POST", f"{TEST}/organizations/{b}/domains", "acme.com", 204)
        await admin(env, "DELETE", f"{TEST}/organizations/{b}/domains/acme.com", status=204)
        await _login_through_provider(broker)
        assert await _membership(env, b) is None
        assert await _membership(env, a) is None


def _provider(broker: Broker, links: list[dict[str, Any]], alias: str = "imported") -> dict[str, Any]:
    return broker.provider_rep() | {"alias": alias, "organizationLinks": links}


async def _aliases(env: Env) -> list[str]:
    found = (await admin(env, "GET", f"{TEST}/identity-provider/instances", status=200)).json()
    return sorted(p["alias"] for p in found)


async def _foreign_and_duplicate(env: Env) -> list[list[dict[str, Any]]]:
    """The bad link lists: an organization of realm ``provider``; two MANAGED links; one organization twice."""
    own = await _org(env, "own", "own.org")
    second = await _org(env, "second", "second.org")
    foreign = await _org(env, "foreign", "foreign.org", realm="provider")
    return [
        [{"organizationId": foreign, "autoMembership": True, "membershipType": "UNMANAGED"}],
        [{"organizationId": o, "autoMembership": True, "membershipType": "MANAGED"} for o in (own, second)],
    ]


async def _sound_links(env: Env, realm: str = "test") -> None:
    """Every stored link names an organization of the realm; at most one MANAGED link per provider."""
    base = f"/admin/realms/{realm}"
    orgs = {o["id"] for o in (await admin(env, "GET", f"{base}/organizations", status=200)).json()}
    for provider in (await admin(env, "GET", f"{base}/identity-provider/instances", status=200)).json():
        links = provider.get("organizationLinks") or []
        assert {link["organizationId"] for link in links} <= orgs, provider
        assert sum(link.get("membershipType") == "MANAGED" for link in links) <= 1, provider


@pytest.mark.parametrize("policy", ["FAIL", "OVERWRITE", "SKIP"])
async def test_partial_import_writes_no_foreign_or_doubly_managed_link(env: Env, policy: str) -> None:
    """IdentityProvidersPartialImport: the partial import links a provider as its ``organizationLinks`` say, under
    the link rules (updateOrganizationBroker); whatever the policy, no link to another realm's organization and no
    second MANAGED link (the import is refused, 400, and writes nothing)."""
    async with served(env) as broker:
        if policy != "FAIL":
            await broker.add_provider(alias="imported")
        for links in await _foreign_and_duplicate(env):
            body = {"ifResourceExists": policy, "identityProviders": [_provider(broker, links)]}
            answer = await admin(env, "POST", f"{TEST}/partialImport", body)
            assert answer.status_code < 500, answer.text
            await _sound_links(env)
            if policy == "FAIL" and answer.status_code == 200:
                await admin(env, "DELETE", f"{TEST}/identity-provider/instances/imported", status=204)


async def test_realm_import_writes_no_foreign_or_doubly_managed_link(env: Env) -> None:
    """A realm file whose provider names another realm's organization, or two MANAGED links: refused or imported
    without them, never a 5xx."""
    async with served(env) as broker:
        for i, links in enumerate(await _foreign_and_duplicate(env)):
            body = {
                "realm": f"imported{i}",
                "organizationsEnabled": True,
                "identityProviders": [_provider(broker, links)],
            }
            answer = await admin(env, "POST", "/admin/realms", body)
            assert answer.status_code < 500, answer.text
            if answer.status_code == 201:
                await _sound_links(env, f"imported{i}")


@pytest.mark.parametrize("off", ["organization", "provider"])
async def test_a_route_through_a_disabled_organization_or_provider_is_not_followed(env: Env, off: str) -> None:
    """The auto-redirecting domain of a disabled organization, or naming a disabled provider: identity-first login
    does not send the typed address to the provider (Organizations.resolveOrganization takes enabled organizations
    only; OrganizationAdapter.resolveIdentityProvider an enabled provider only)."""
    async with served(env) as broker:
        org = await _org(env, "acme", "acme.org")
        await broker.add_provider()
        await _link(env, org, MANAGED)
        route = {"identityProviderAlias": ALIAS, "autoRedirect": True}
        await admin(env, "PUT", f"{TEST}/organizations/domains/acme.org", route, 204)
        if off == "organization":
            rep = (await admin(env, "GET", f"{TEST}/organizations/{org}", status=200)).json()
            await admin(env, "PUT", f"{TEST}/organizations/{org}", {**rep, "enabled": False}, 204)
        else:
            rep = (await admin(env, "GET", f"{TEST}/identity-provider/instances/{ALIAS}", status=200)).json()
            await admin(env, "PUT", f"{TEST}/identity-provider/instances/{ALIAS}", {**rep, "enabled": False}, 204)
        async with browser(broker) as http:
            page = await start_login(http)
            assert page.status_code == 200, page.text[:500]
            data = {**form_fields(page.text), "username": "someone@acme.org"}
            answer = await http.post(form_action(page.text), data=data)
        assert answer.status_code < 500, answer.text[:500]
        assert f"/broker/{ALIAS}/login" not in answer.headers.get("location", ""), answer.headers


@pytest.mark.parametrize(("email", "status"), [("alice@b.org", 400), ("alice@acme.com", 204)])
async def test_a_managed_members_address_stays_in_the_domain_routed_to_its_provider(
    env: Env, email: str, status: int
) -> None:
    """OrganizationMemberValidator for a MANAGED member written through the Admin REST API: the address must stay in
    the domain that routes to the member's provider (Keycloak 26.8: the domain row's identityProviderAlias), here
    set through the realm-level PUT; another organization's domain is refused, nothing written."""
    async with served(env) as broker:
        await update_user(env.db, "provider", "alice", email="alice@acme.com")
        a = await _org(env, "a", "acme.com")
        await _org(env, "b", "b.org")
        await broker.add_provider()
        await _link(env, a, MANAGED)
        route = {"identityProviderAlias": ALIAS, "autoRedirect": False}
        await admin(env, "PUT", f"{TEST}/organizations/domains/acme.com", route, 204)
        await _login_through_provider(broker)
        [user] = (await admin(env, "GET", f"{TEST}/users?username=alice&exact=true", status=200)).json()
        assert await _membership(env, a) == "MANAGED"
        answer = await admin(env, "PUT", f"{TEST}/users/{user['id']}", {**user, "email": email})
        assert answer.status_code == status, answer.text
        after = (await admin(env, "GET", f"{TEST}/users/{user['id']}", status=200)).json()
        if status == 400:
            assert answer.json()["errorMessage"] == "Email domain does not match any domain from the organization"
            assert after["email"] == "alice@acme.com"
