"""The built-in browser flow's Organization step (oauth/login_organization.py, Keycloak 26's OrganizationAuthenticator),
over real HTTP with the provider another realm of the same server: the username page first while the realm has an
organization, the redirect to the organization's provider whose ``kc.org.domain`` is the typed e-mail's domain
(``kc.org.broker.redirect.mode.email-matches``) with the typed address as ``login_hint``, the password page for a
known user, the organization's providers for an unknown user of its domain (OrganizationAuthenticationTest,
OrganizationBrokerSelfRegistrationTest in part). Hostile: look-alike domains, two ``@``, disabled organizations and
providers, another organization's provider, hints that try to lead elsewhere."""

from __future__ import annotations

import html
import re
from typing import Any

import httpx
import pytest

from broker_support import ALIAS, Broker, browser, provider_login, query, served, start_login
from browser_flow import REDIRECT, form_action, form_fields
from support import seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio
ORGS = "/admin/realms/test/organizations"
BROKER_LOGIN = f"/realms/test/broker/{ALIAS}/login"


async def _organization(broker: Broker, alias: str = "acme", domain: str = "acme.org", **rep: Any) -> str:
    """Organizations on, and one organization owning ``domain``: its id."""
    env, h = broker.env, await broker.env.admin_headers()
    on = await env.http.put("/admin/realms/test", json={"organizationsEnabled": True}, headers=h)
    assert on.status_code == 204, on.text
    made = await env.http.post(ORGS, json={"name": alias, "domains": [{"name": domain}], **rep}, headers=h)
    assert made.status_code == 201, made.text
    return str(made.headers["location"].rsplit("/", 1)[1])


async def _linked_provider(
    broker: Broker, org: str, domain: str = "acme.org", redirect: str = "true", **rep: Any
) -> None:
    """The provider realm as the organization's provider, bound to ``domain``, passing the login hint on."""
    config = {"kc.org.domain": domain, "kc.org.broker.redirect.mode.email-matches": redirect, "loginHint": "true"}
    await broker.add_provider(organizationId=org, config={**broker.provider_rep()["config"], **config}, **rep)


def _username_page(page: httpx.Response) -> bool:
    return page.status_code == 200 and 'name="username"' in page.text and 'name="password"' not in page.text


def _login_form(page: httpx.Response) -> bool:
    return page.status_code == 200 and 'name="username"' in page.text and 'name="password"' in page.text


def _password_page(page: httpx.Response, name: str) -> bool:
    """The name passed on (OrganizationAuthenticator.attempted, USERNAME_HIDDEN): shown fixed, the password asked."""
    fixed = f'id="kc-attempted-username">{html.escape(name)}<'
    return page.status_code == 200 and fixed in page.text and 'name="username"' not in page.text


async def _type(http: httpx.AsyncClient, username: str) -> httpx.Response:
    page = await start_login(http)
    assert _username_page(page), page.text
    return await http.post(form_action(page.text), data={**form_fields(page.text), "username": username})


def _to_provider(answer: httpx.Response) -> bool:
    location = answer.headers.get("location", "")
    return answer.status_code == 303 and location.split("?")[0].endswith(BROKER_LOGIN)


async def test_the_login_page_asks_for_the_username_alone_only_while_the_realm_has_an_organization(env: Env) -> None:
    """isEnabledAndOrganizationsPresent: organizations off, or on without one, leave the usual form."""
    async with served(env) as broker:
        async with browser(broker) as http:
            assert _login_form(await start_login(http))
        h = await env.admin_headers()
        assert (
            await env.http.put("/admin/realms/test", json={"organizationsEnabled": True}, headers=h)
        ).status_code == 204
        async with browser(broker) as http:
            assert _login_form(await start_login(http))
        await _organization(broker)
        async with browser(broker) as http:
            assert _username_page(await start_login(http))


@pytest.mark.parametrize("typed", ["someone@acme.org", "Someone@ACME.ORG", "  someone@acme.org "])
async def test_an_address_of_the_provider_s_domain_goes_to_it_with_the_address_as_login_hint(
    env: Env, typed: str
) -> None:
    async with served(env) as broker:
        await _linked_provider(broker, await _organization(broker))
        async with browser(broker) as http:
            answer = await _type(http, typed)
            assert _to_provider(answer), answer.text
            upstream = await http.get(answer.headers["location"])
            assert upstream.status_code == 302, upstream.text
            assert upstream.headers["location"].startswith(f"{broker.base}/realms/provider/")
            assert query(upstream.headers["location"])["login_hint"] == typed.strip()


async def test_a_login_hint_of_the_domain_goes_to_the_provider_without_the_username_page(env: Env) -> None:
    async with served(env) as broker:
        await _linked_provider(broker, await _organization(broker))
        async with browser(broker) as http:
            answer = await start_login(http, login_hint="hinted@acme.org")
            assert _to_provider(answer), answer.text
            upstream = await http.get(answer.headers["location"])
            assert query(upstream.headers["location"])["login_hint"] == "hinted@acme.org"


async def test_an_any_domain_provider_takes_every_domain_of_its_organization(env: Env) -> None:
    async with served(env) as broker:
        await _linked_provider(broker, await _organization(broker), domain="ANY")
        async with browser(broker) as http:
            assert _to_provider(await _type(http, "someone@acme.org"))


@pytest.mark.parametrize(
    "typed",
    [
        "someone@evil-acme.org",
        "someone@acme.org.evil.com",
        "someone@sub.acme.org",
        "someone@evil@acme.org",
        "acme.org",
        "someone@acme.org/../evil",
        "someone@https://evil.example/acme.org",
        "someone@acme.org\u200b",
        "someone@" + "a" * 5000,
    ],
)
async def test_addresses_outside_the_organization_s_domain_get_the_usual_form(env: Env, typed: str) -> None:
    """Only the exact domain counts: look-alikes and a second ``@`` are no organization's; the name passes on to the
    password page (OrganizationAuthenticator's ``attempted``), never a redirect, never a 500."""
    async with served(env) as broker:
        await _linked_provider(broker, await _organization(broker))
        async with browser(broker) as http:
            answer = await _type(http, typed)
            assert _password_page(answer, typed.strip()), answer.text
            assert "location" not in answer.headers


async def test_a_nul_in_the_address_is_never_a_redirect_nor_a_500(env: Env) -> None:
    """SQLite takes the name and passes it on; PostgreSQL's guard refuses it as invalid input (400)."""
    async with served(env) as broker:
        await _linked_provider(broker, await _organization(broker))
        async with browser(broker) as http:
            answer = await _type(http, "someone@acme.org\x00x")
            assert answer.status_code in (200, 400) and "location" not in answer.headers, answer.text


@pytest.mark.parametrize(
    ("org_rep", "provider_rep", "redirect"),
    [
        ({"enabled": False}, {}, "true"),
        ({}, {"enabled": False}, "true"),
        ({}, {}, "false"),
        ({}, {"linkOnly": True}, "true"),
    ],
)
async def test_no_redirect_through_a_disabled_organization_or_provider_or_one_not_set_to(
    env: Env, org_rep: dict[str, Any], provider_rep: dict[str, Any], redirect: str
) -> None:
    async with served(env) as broker:
        await _linked_provider(broker, await _organization(broker, **org_rep), redirect=redirect, **provider_rep)
        async with browser(broker) as http:
            answer = await _type(http, "someone@acme.org")
            assert answer.status_code == 200 and "location" not in answer.headers, answer.text


async def test_an_unknown_user_of_the_domain_is_told_and_offered_the_organization_s_providers(env: Env) -> None:
    """unknownUserChallenge: the username page again, the message, the organization's public provider, and no
    registration link beside it."""
    async with served(env) as broker:
        await _linked_provider(broker, await _organization(broker), redirect="false")
        async with browser(broker) as http:
            page = await _type(http, "newcomer@acme.org")
            assert _username_page(page), page.text
            assert "Your email domain matches the acme organization but you don&#39;t have an account yet." in page.text
            assert f'id="social-{ALIAS}"' in page.text


async def test_another_organization_s_provider_is_neither_followed_nor_offered(env: Env) -> None:
    async with served(env) as broker:
        await _organization(broker)
        other = await _organization(broker, alias="globex", domain="globex.org")
        await _linked_provider(broker, other, domain="globex.org")
        async with browser(broker) as http:
            page = await _type(http, "someone@acme.org")
            assert _username_page(page) and "acme organization" in page.text
            assert f'id="social-{ALIAS}"' not in page.text


async def test_a_known_user_with_a_password_gets_the_password_page_restarts_and_signs_in(env: Env) -> None:
    """tryRedirectBroker: a user with credentials here picks how to sign in; the password page follows."""
    async with served(env) as broker:
        await seed_user(env.db, env.clock, "test", "bob", "bob-pass", email="bob@acme.org")
        await _linked_provider(broker, await _organization(broker))
        async with browser(broker) as http:
            page = await _type(http, "bob@acme.org")
            assert page.status_code == 200 and 'name="password"' in page.text and 'name="username"' not in page.text
            restart = re.search(r'href="([^"]*login-actions/restart[^"]*)"', page.text)
            assert restart is not None, page.text
            again = await http.get(restart.group(1).replace("&amp;", "&"), follow_redirects=True)
            assert _username_page(again), again.text  # "Restart login": the organization step asks anew
            page = await http.post(
                form_action(again.text), data={**form_fields(again.text), "username": "bob@acme.org"}
            )
            done = await http.post(form_action(page.text), data={**form_fields(page.text), "password": "bob-pass"})
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text


async def test_an_unknown_name_and_a_wrong_password_get_the_usual_error_and_a_blank_one_is_asked_again(
    env: Env,
) -> None:
    async with served(env) as broker:
        await _organization(broker)
        async with browser(broker) as http:
            page = await _type(http, "nobody")
            assert _password_page(page, "nobody"), page.text
            again = await http.post(form_action(page.text), data={**form_fields(page.text), "password": "x"})
            assert _password_page(again, "nobody") and "Invalid username or password." in again.text
        async with browser(broker) as http:  # a blank name: the username page again
            blank = await _type(http, "   ")
            assert _username_page(blank) and "Invalid username." in blank.text


async def test_a_managed_member_without_a_password_goes_back_to_the_provider_it_came_from(env: Env) -> None:
    """resolveHomeBroker: the member the provider created (its address of no domain of an organization) is sent
    to that provider again, its e-mail the login hint. The organization has no domains, so Keycloak 26.8's domain
    gate on the first broker login lets the address join."""
    async with served(env) as broker:
        await _linked_provider(broker, await _organization(broker, domains=[]), domain="ANY", redirect="false")
        async with browser(broker) as http:
            hinted = await start_login(http, kc_idp_hint=ALIAS)
            done = await http.get(await provider_login(http, await http.get(hinted.headers["location"])))
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        async with browser(broker) as http:
            answer = await _type(http, "alice@example.org")
            assert _to_provider(answer), answer.text
            upstream = await http.get(answer.headers["location"])
            assert query(upstream.headers["location"])["login_hint"] == "alice@example.org"
