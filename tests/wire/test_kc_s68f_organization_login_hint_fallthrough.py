"""Keycloak's OrganizationLoginHintFallthroughTest (tests/base organization/authentication/), over real HTTP with the
provider another realm of the same server (tests/broker_support.py).

A copy of the browser flow gets a second Identity Provider Redirector, ALTERNATIVE, after the Organization sub-flow
and before the forms, its ``defaultProvider`` the provider realm (its "Pass login_hint" on). An address no
organization owns falls through the Organization step (OrganizationAuthenticator.attempted) to that redirector,
which sends the browser to the provider with the typed address as ``login_hint`` (keycloak#52268: attempted()
keeps the name as the login's ``login_hint`` for the redirector), so the provider realm's login form shows it.
"""

from __future__ import annotations

import httpx
import pytest

from broker_support import ALIAS, browser, query, served, start_login
from flow_builder import admin
from org_fallthrough_flow import fallthrough_flow, typed_name, unrelated_org
from support import seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio
TEST = "/admin/realms/test"
TYPED = "alice@other-domain.example"
EMAIL_MATCH = "kc.org.broker.redirect.mode.email-matches"


async def test_login_hint_preserved_on_fallthrough_to_default_provider(env: Env) -> None:
    """OrganizationLoginHintFallthroughTest#testLoginHintPreservedOnFallthroughToDefaultProvider: the typed address,
    which no organization owns, reaches the default provider as ``login_hint`` and fills its username field."""
    async with served(env) as broker:
        await unrelated_org(broker)
        config = {**broker.provider_rep()["config"], "loginHint": "true"}
        await broker.add_provider(config=config)  # its alias kc: the provider realm's client knows that endpoint
        await fallthrough_flow(env, ALIAS)
        async with browser(broker) as http:
            answer = await typed_name(http, TYPED)
            assert answer.status_code == 303, answer.text[:800]
            assert answer.headers["location"].split("?")[0].endswith(f"/realms/test/broker/{ALIAS}/login")
            to_provider = await http.get(answer.headers["location"])
            assert to_provider.status_code == 302, to_provider.text[:800]
            assert query(to_provider.headers["location"]).get("login_hint") == TYPED
            page = await http.get(to_provider.headers["location"])
            assert f'value="{TYPED}"' in page.text and 'name="password"' in page.text, page.text[:800]


def _to_broker(answer: httpx.Response, alias: str) -> bool:
    location = answer.headers.get("location", "")
    return answer.status_code == 303 and location.split("?")[0].endswith(f"/realms/test/broker/{alias}/login")


async def test_what_the_organization_step_settles_never_falls_through(env: Env) -> None:
    """The redirector after the Organization step runs only when the step passes the login on: an unknown address of
    an organization's domain gets unknownUserChallenge's page, and an address its provider takes goes to that
    provider, not to the default one."""
    async with served(env) as broker:
        await unrelated_org(broker)
        await broker.add_provider()
        orgs = (await admin(env, "GET", f"{TEST}/organizations", status=200)).json()
        own = {**broker.provider_rep()["config"], "kc.org.domain": "unrelated-org.example", EMAIL_MATCH: "true"}
        await broker.add_provider(alias="org-idp", organizationId=orgs[0]["id"], config=own)
        await fallthrough_flow(env, ALIAS)
        async with browser(broker) as http:
            assert _to_broker(await typed_name(http, "carol@unrelated-org.example"), "org-idp")
        url = f"{TEST}/identity-provider/instances/org-idp"
        rep = (await admin(env, "GET", url, status=200)).json()
        await admin(env, "PUT", url, {**rep, "config": {**rep["config"], EMAIL_MATCH: "false"}}, 204)
        async with browser(broker) as http:
            page = await typed_name(http, "carol@unrelated-org.example")
            told = "Your email domain matches the unrelated-org organization but you don&#39;t have an account yet."
            assert page.status_code == 200 and told in page.text, page.text[:800]


async def test_a_known_member_passed_on_goes_to_the_default_provider(env: Env) -> None:
    """OrganizationAuthenticator.action: a known user of the organization with a password is passed on
    (``attempted``, no name kept), so the flow's next alternative, the redirector, sends the browser to its default
    provider, as Keycloak's flow runs; with the default provider disabled the password page comes instead."""
    async with served(env) as broker:
        await unrelated_org(broker)
        await seed_user(env.db, env.clock, "test", "bob", email="bob@unrelated-org.example")
        await broker.add_provider()
        await fallthrough_flow(env, ALIAS)
        async with browser(broker) as http:
            assert _to_broker(await typed_name(http, "bob@unrelated-org.example"), ALIAS)
            assert _to_broker(await typed_name(http, TYPED), ALIAS)
        url = f"{TEST}/identity-provider/instances/{ALIAS}"
        rep = (await admin(env, "GET", url, status=200)).json()
        await admin(env, "PUT", url, {**rep, "enabled": False}, 204)
        async with browser(broker) as http:
            for typed in ("bob@unrelated-org.example", TYPED):
                page = await typed_name(http, typed)
                assert page.status_code == 200 and 'name="password"' in page.text, page.text[:800]
                assert 'id="kc-attempted-username"' in page.text


async def test_a_login_hint_no_organization_resolves_falls_through_from_the_authorization_request(env: Env) -> None:
    """OrganizationAuthenticator.authenticate takes the request's ``login_hint`` as typed: no organization resolves
    it, so the authorization request itself goes on to the default provider, the hint passed on."""
    async with served(env) as broker:
        await unrelated_org(broker)
        await broker.add_provider(config={**broker.provider_rep()["config"], "loginHint": "true"})
        await fallthrough_flow(env, ALIAS)
        async with browser(broker) as http:
            answer = await start_login(http, login_hint=TYPED)
            assert answer.status_code == 303, answer.text[:800]
            assert answer.headers["location"].split("?")[0].endswith(f"/realms/test/broker/{ALIAS}/login")
            to_provider = await http.get(answer.headers["location"])
            assert to_provider.status_code == 302 and query(to_provider.headers["location"])["login_hint"] == TYPED
