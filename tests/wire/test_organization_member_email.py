"""The e-mail of a user the first broker login brings in through an organization's provider (organizations/member_email.py,
Keycloak 26's OrganizationMemberValidator in the IDP_REVIEW context): it must be of the domain the provider is bound to
(``kc.org.domain``): the review page shows (IdpReviewProfileAuthenticator's ``missing`` mode), and refuses another
domain with "Email domain does not match any domain from the organization".
The provider realm's ``alice`` has ``alice@example.org``; the organization owns ``acme.org``."""

from __future__ import annotations

import httpx
import pytest

from broker_support import ALIAS, Broker, browser, provider_login, query, served, start_login
from browser_flow import REDIRECT, form_action, form_fields
from wire_env import Env

pytestmark = pytest.mark.anyio
ORGS = "/admin/realms/test/organizations"
WRONG = "Email domain does not match any domain from the organization"


async def _bound_provider(broker: Broker, domain: str, owned: str = "acme.org") -> str:
    env, h = broker.env, await broker.env.admin_headers()
    assert (await env.http.put("/admin/realms/test", json={"organizationsEnabled": True}, headers=h)).status_code == 204
    made = await env.http.post(ORGS, json={"name": "acme", "domains": [{"name": owned}]}, headers=h)
    assert made.status_code == 201, made.text
    org = str(made.headers["location"].rsplit("/", 1)[1])
    await broker.add_provider(organizationId=org, config={**broker.provider_rep()["config"], "kc.org.domain": domain})
    return org


async def _review(http: httpx.AsyncClient) -> httpx.Response:
    hinted = await start_login(http, kc_idp_hint=ALIAS)
    assert hinted.status_code == 303, hinted.text
    return await http.get(await provider_login(http, await http.get(hinted.headers["location"])))


async def _submit(http: httpx.AsyncClient, review: httpx.Response, email: str) -> httpx.Response:
    """The review page posted with ``email`` (the names filled in)."""
    typed = {"username": "alice", "email": email, "firstName": "Alice", "lastName": "L"}
    return await http.post(form_action(review.text), data={**form_fields(review.text), **typed})


async def _members(broker: Broker, org: str) -> list[tuple[str, str]]:
    listed = await broker.env.http.get(f"{ORGS}/{org}/members", headers=await broker.env.admin_headers())
    return [(m["email"], m["membershipType"]) for m in listed.json()]


@pytest.mark.parametrize(
    "typed", ["alice@evil-acme.org", "alice@acme.org.evil.com", "alice@sub.acme.org", "alice@example.org"]
)
async def test_an_address_outside_the_provider_s_domain_is_refused_on_review(env: Env, typed: str) -> None:
    async with served(env) as broker:
        org = await _bound_provider(broker, "acme.org")
        async with browser(broker) as http:
            review = await _review(http)
            assert review.status_code == 200 and "Update Account Information" in review.text, review.text
            again = await _submit(http, review, typed)
            assert again.status_code == 200 and WRONG in again.text, again.text
        assert await _members(broker, org) == []


@pytest.mark.parametrize("typed", ["alice@acme.org", "Alice@ACME.org"])
async def test_an_address_of_the_provider_s_domain_makes_a_managed_member(env: Env, typed: str) -> None:
    async with served(env) as broker:
        org = await _bound_provider(broker, "acme.org")
        async with browser(broker) as http:
            done = await _submit(http, await _review(http), typed)
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        [(email, kind)] = await _members(broker, org)
        assert email.lower() == "alice@acme.org" and kind == "MANAGED"


@pytest.mark.parametrize(
    ("typed", "accepted"),
    [("alice@acme.org", True), ("alice@Deep.Sub.acme.org", True), ("alice@evil-acme.org", False)],
)
async def test_a_provider_bound_to_a_wildcard_domain_takes_its_subdomains(env: Env, typed: str, accepted: bool) -> None:
    """Keycloak 26.6: the e-mail's domain is matched against ``*.acme.org`` as isSameDomain matches it."""
    async with served(env) as broker:
        org = await _bound_provider(broker, "*.acme.org", owned="*.acme.org")
        async with browser(broker) as http:
            done = await _submit(http, await _review(http), typed)
            assert (done.status_code == 302) is accepted and (WRONG in done.text) is not accepted, done.text
        assert [kind for _, kind in await _members(broker, org)] == (["MANAGED"] if accepted else [])


async def test_a_provider_bound_to_any_domain_asks_nothing(env: Env) -> None:
    async with served(env) as broker:
        org = await _bound_provider(broker, "ANY", owned="example.org")  # alice's: Keycloak 26.8's domain gate
        async with browser(broker) as http:
            done = await _review(http)
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        assert await _members(broker, org) == [("alice@example.org", "MANAGED")]


async def _account_token(http: httpx.AsyncClient, done: httpx.Response) -> dict[str, str]:
    assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
    code = query(done.headers["location"])["code"]
    data = {"grant_type": "authorization_code", "code": code, "client_id": "app", "client_secret": "secret"}
    answer = await http.post("/realms/test/protocol/openid-connect/token", data={**data, "redirect_uri": REDIRECT})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


@pytest.mark.parametrize(
    ("typed", "status"), [("alice@evil-acme.org", 400), ("alice@example.org", 400), ("al@acme.org", 204)]
)
async def test_a_managed_member_keeps_to_the_provider_s_domain_in_the_account(
    env: Env, typed: str, status: int
) -> None:
    """resolveExpectedDomainsForManagedUser: the account's profile update holds the member the provider brought
    to the provider's domain."""
    async with served(env) as broker:
        await _bound_provider(broker, "acme.org")
        async with browser(broker) as http:
            headers = await _account_token(http, await _submit(http, await _review(http), "alice@acme.org"))
            body = {"username": "alice", "email": typed, "firstName": "Alice", "lastName": "L"}
            answer = await http.post("/realms/test/account/", json=body, headers=headers)
            assert answer.status_code == status, answer.text
            assert (WRONG in answer.text) == (status == 400)


@pytest.mark.parametrize(
    ("typed", "status"),
    [("alice@evil-acme.org", 400), ("alice@ACME.org.evil.com", 400), ("Al@ACME.org", 204), ("not-an-email", 400)],
)
async def test_an_administrator_keeps_a_managed_member_to_the_provider_s_domain(
    env: Env, typed: str, status: int
) -> None:
    """The USER_API context (Admin REST ``PUT users/{id}``): the same validator holds the MANAGED member; an address
    that is no e-mail gets the e-mail's own error alone."""
    async with served(env) as broker:
        org = await _bound_provider(broker, "acme.org")
        async with browser(broker) as http:
            await _account_token(http, await _submit(http, await _review(http), "alice@acme.org"))
        h = await env.admin_headers()
        [alice] = (await env.http.get("/admin/realms/test/users?username=alice&exact=true", headers=h)).json()
        answer = await env.http.put(f"/admin/realms/test/users/{alice['id']}", json={"email": typed}, headers=h)
        assert answer.status_code == status, answer.text
        if typed == "not-an-email":
            assert answer.json()["errorMessage"] == "error-invalid-email"
        elif status == 400:
            assert answer.json() == {"field": "email", "errorMessage": WRONG, "params": ["email"]}
        [(email, kind)] = await _members(broker, org)
        assert kind == "MANAGED" and email == (typed.lower() if status == 204 else "alice@acme.org")


async def test_an_administrator_may_give_an_unmanaged_member_any_address(env: Env) -> None:
    """OrganizationMemberValidator checks no UNMANAGED member: an administrator's added member keeps any domain."""
    async with served(env) as broker:
        org = await _bound_provider(broker, "acme.org")
        h = await env.admin_headers()
        [user1] = (await env.http.get("/admin/realms/test/users?username=user1&exact=true", headers=h)).json()
        added = await env.http.post(f"{ORGS}/{org}/members", content=user1["id"], headers=h)
        assert added.status_code == 201, added.text
        answer = await env.http.put(f"/admin/realms/test/users/{user1['id']}", json={"email": "u1@else.org"}, headers=h)
        assert answer.status_code == 204, answer.text
