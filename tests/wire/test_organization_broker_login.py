"""Logging in through an organization's identity provider, end to end over real HTTP with the provider another realm
of the same server (OrganizationBrokerSelfRegistrationTest, in part): the login page shows no organization's
provider (IdentityProviderBean's REALM_ONLY); ``kc_idp_hint`` still reaches it; a user the first broker login
creates or links through it becomes a MANAGED member (idp-add-organization-member). Hostile: hints that are URLs or
paths, another realm's provider, a disabled organization."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from broker_support import ALIAS, Broker, browser, provider_login, served, start_login
from browser_flow import REDIRECT, form_action, form_fields, typed_fields
from support import seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio
ORGS = "/admin/realms/test/organizations"


async def _org(broker: Broker, **rep: Any) -> str:
    env, h = broker.env, await broker.env.admin_headers()
    on = await env.http.put("/admin/realms/test", json={"organizationsEnabled": True}, headers=h)
    assert on.status_code == 204, on.text
    body = {"name": "acme", "domains": [{"name": "example.org"}], **rep}
    made = await env.http.post(ORGS, json=body, headers=h)
    assert made.status_code == 201, made.text
    return str(made.headers["location"].rsplit("/", 1)[1])


async def _members(broker: Broker, org: str) -> list[tuple[str, str]]:
    listed = await broker.env.http.get(f"{ORGS}/{org}/members", headers=await broker.env.admin_headers())
    assert listed.status_code == 200, listed.text
    return [(m["username"], m["membershipType"]) for m in listed.json()]


async def _through_hint(http: httpx.AsyncClient) -> httpx.Response:
    """The client's request with ``kc_idp_hint``, the provider's login page, then the broker's endpoint."""
    hinted = await start_login(http, kc_idp_hint=ALIAS)
    assert hinted.status_code == 303, hinted.text
    to_provider = await http.get(hinted.headers["location"])
    return await http.get(await provider_login(http, to_provider))


async def test_a_user_created_through_the_organization_s_provider_is_a_managed_member(env: Env) -> None:
    """OrganizationBrokerSelfRegistrationTest.testRegistrationRedirectWhenSingleBroker: the new user joins as
    MANAGED; the plain login page has no button for an organization's provider."""
    async with served(env) as broker:
        org = await _org(broker)
        await broker.add_provider(organizationId=org)
        async with browser(broker) as http:
            page = await start_login(http)
            assert page.status_code == 200 and 'id="social-kc"' not in page.text
            done = await _through_hint(http)
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        assert await _members(broker, org) == [("alice", "MANAGED")]
        managed = await broker.env.http.get(
            f"{ORGS}/{org}/members", params={"membershipType": "MANAGED"}, headers=await broker.env.admin_headers()
        )
        assert [m["username"] for m in managed.json()] == ["alice"]


async def test_an_existing_account_linked_through_it_becomes_a_managed_member(env: Env) -> None:
    """The Conditional Organization sub-flow runs after "User creation or linking": a linked account joins too."""
    async with served(env) as broker:
        await seed_user(env.db, env.clock, "test", "alice-local", "local-pass", email="alice@example.org")
        org = await _org(broker)
        await broker.add_provider(organizationId=org)
        async with browser(broker) as http:
            confirm = await _through_hint(http)
            assert "Account already exists" in confirm.text, confirm.text
            fields = {**form_fields(confirm.text), "submitAction": "linkAccount"}
            reauth = await http.post(form_action(confirm.text), data=fields)
            done = await http.post(
                form_action(reauth.text), data={**typed_fields(reauth.text), "password": "local-pass"}
            )
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        assert await _members(broker, org) == [("alice-local", "MANAGED")]


async def test_a_disabled_organization_s_provider_adds_no_member(env: Env) -> None:
    """idp-add-organization-member is not configured for a disabled organization: nothing joins."""
    async with served(env) as broker:
        org = await _org(broker, enabled=False)
        await broker.add_provider(organizationId=org)
        async with browser(broker) as http:
            done = await _through_hint(http)
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        assert await _members(broker, org) == []


async def test_a_realm_provider_keeps_its_button_and_adds_no_member(env: Env) -> None:
    async with served(env) as broker:
        org = await _org(broker)
        await broker.add_provider()
        async with browser(broker) as http:
            page = await start_login(http)
            assert 'id="social-kc"' in page.text
            done = await _through_hint(http)
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        assert await _members(broker, org) == []


@pytest.mark.parametrize(
    "hint",
    ["https://evil.example/", "//evil.example", "../kc", "kc/../../evil", "kc?x=https://evil.example", "KC", "theirs"],
)
async def test_hints_that_name_no_provider_of_the_realm_show_the_login_page(env: Env, hint: str) -> None:
    """IdentityProviderAuthenticator: a hint is looked up as an alias of this realm; anything else is ignored,
    never followed as a URL, and another realm's provider is not this realm's."""
    async with served(env) as broker:
        org = await _org(broker)
        await broker.add_provider(organizationId=org)
        h = await broker.env.admin_headers()
        theirs = {**broker.provider_rep(), "alias": "theirs"}
        made = await broker.env.http.post("/admin/realms/provider/identity-provider/instances", json=theirs, headers=h)
        assert made.status_code == 201, made.text
        async with browser(broker) as http:
            page = await start_login(http, kc_idp_hint=hint)
            assert page.status_code == 200, page.headers.get("location")
            assert "evil.example" not in page.headers.get("location", "")
            assert 'id="social-kc"' not in page.text
