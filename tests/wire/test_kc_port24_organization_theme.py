"""Keycloak's OrganizationThemeTest and IdentityProviderThemeConfigTest (testsuite organization/admin/), as far as the
stock login pages' HTML shows them: each test names its Java method.

Both classes switch the realm to a test theme of Keycloak's testsuite (``organization``, ``themeconfig``) whose
templates print what the theme SPI hands them: "Sign-in to the realm", "Sign-in to myorg organization", "The <attr>
is <value>", "User is member of myorg" (the ``organization`` bean of the login pages), and the provider's
``kcTheme-*`` configuration (IdentityProviderBean's theme config). Doorkeep has no theme SPI, so those strings
cannot apply; what is ported is what the stock pages show at the same steps of each method: which page comes (the
username page, the password page, the provider realm's login, the update-profile page) and, where the stock
message names it, the organization. ``testOrganizationAttributes`` is the identity-first method plus the theme's
attribute lines: its non-theme part is ``test_organization_on_identity_first_login``. The Keycloak 26.x form of
each method is ported (the organization's provider redirects by ``kc.org.broker.redirect.mode.email-matches``;
27-dev moved that to the domain's ``autoRedirect``).
"""

from __future__ import annotations

import html
from typing import Any

import httpx
import pytest

from broker_support import Broker, browser, served, start_login
from browser_flow import form_action, form_fields, start
from flow_builder import admin
from support import seed_login_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio
TEST = "/admin/realms/test"
UNKNOWN = "Your email domain matches the myorg organization but you don't have an account yet."


async def _organization(broker: Broker, *domains: str, redirect: bool) -> str:
    """AbstractOrganizationTest#createOrganization("myorg", domains): organizations on, ``myorg`` owning
    ``domains``, the provider realm its provider for the first domain; its e-mail redirect removed unless
    ``redirect``."""
    await admin(broker.env, "PUT", TEST, {"organizationsEnabled": True}, 204)
    body = {"name": "myorg", "alias": "myorg", "domains": [{"name": d} for d in domains]}
    org = str((await admin(broker.env, "POST", f"{TEST}/organizations", body, 201)).headers["location"])
    org = org.rsplit("/", 1)[1]
    config: dict[str, str] = {**broker.provider_rep()["config"], "kc.org.domain": domains[0]}
    if redirect:
        config["kc.org.broker.redirect.mode.email-matches"] = "true"
    await broker.add_provider(organizationId=org, config=config)
    return org


async def _tom(env: Env, realm: str = "test", **user: Any) -> str:
    """UserBuilder's tom / password, Tom Brady, with ``user``'s changes."""
    made = await seed_user(env.db, env.clock, realm, "tom", first_name="Tom", last_name="Brady", **user)
    return made.id


def _username_page(page: httpx.Response) -> bool:
    return page.status_code == 200 and 'name="username"' in page.text and 'name="password"' not in page.text


def _password_present(page: httpx.Response) -> bool:
    """LoginPage#isPasswordInputPresent."""
    return page.status_code == 200 and 'name="password"' in page.text


async def _login_username(http: httpx.AsyncClient, username: str) -> httpx.Response:
    """The client's login page (the username page while the realm has an organization), ``username`` typed."""
    page = await start_login(http)
    assert _username_page(page), page.text
    return await http.post(form_action(page.text), data={**form_fields(page.text), "username": username})


def _update_profile(page: httpx.Response, broker: Broker) -> bool:
    """waitForPage("update account information") on the consumer realm."""
    return (
        page.status_code == 200
        and "Update Account Information" in page.text
        and f"{broker.base}/realms/test/" in str(page.url)
    )


async def test_organization_on_regular_login(env: Env) -> None:
    """OrganizationThemeTest#testOrganizationOnRegularLogin: a user of the organization's domain typed on the
    username page gets the password page."""
    async with served(env) as broker:
        await _organization(broker, "myorg.com", redirect=False)
        await _tom(env, email="tom@myorg.com")
        async with browser(broker) as http:
            page = await _login_username(http, "tom@myorg.com")
            assert _password_present(page), page.text


async def test_organization_on_identity_first_login(env: Env) -> None:
    """OrganizationThemeTest#testOrganizationOnIdentityFirstLogin (and testOrganizationAttributes' non-theme part):
    an unknown address of the domain gets no password field; the stock page names the organization."""
    async with served(env) as broker:
        await _organization(broker, "myorg.com", redirect=False)
        async with browser(broker) as http:
            page = await _login_username(http, "non-user@myorg.com")
            assert not _password_present(page) and _username_page(page), page.text
            assert UNKNOWN in html.unescape(page.text)


async def test_organization_on_idp_review(env: Env) -> None:
    """OrganizationThemeTest#testOrganizationOnIdPReview: the address goes to the provider realm's login; tom of
    the provider (no e-mail) signs in there and comes back to the consumer's review-profile page."""
    async with served(env) as broker:
        await seed_user(env.db, env.clock, "provider", "tom", first_name="Tom", last_name="Brady", email=None)
        await _organization(broker, "myorg.com", redirect=True)
        async with browser(broker) as http:
            answer = await _login_username(http, "tom@myorg.com")
            assert answer.status_code == 303, answer.text
            to_provider = await http.get(answer.headers["location"])
            assert to_provider.headers["location"].startswith(f"{broker.base}/realms/provider/")
            login = await http.get(to_provider.headers["location"])
            assert login.status_code == 200 and 'name="password"' in login.text, login.text
            fields = {**form_fields(login.text), "username": "tom", "password": "password"}
            back = await http.post(form_action(login.text), data=fields)
            assert back.status_code == 302, back.text
            review = await http.get(back.headers["location"], follow_redirects=True)
            assert _update_profile(review, broker), review.text
            assert 'name="email"' in review.text


async def test_organization_on_update_profile(env: Env) -> None:
    """OrganizationThemeTest#testOrganizationOnUpdateProfile: tom (tom@myorg.org, UPDATE_PROFILE) typed by username
    gets the password page, then the update-profile page of the consumer realm."""
    async with served(env) as broker:
        await _tom(env, email="tom@myorg.org", required_actions=("UPDATE_PROFILE",))
        await _organization(broker, "myorg.com", "myorg.org", redirect=True)
        async with browser(broker) as http:
            page = await _login_username(http, "tom")
            assert _password_present(page), page.text
            done = await http.post(form_action(page.text), data={**form_fields(page.text), "password": "password"})
            if done.status_code in (302, 303):
                done = await http.get(done.headers["location"], follow_redirects=True)
            assert _update_profile(done, broker), done.text


async def test_user_is_member(env: Env) -> None:
    """OrganizationThemeTest#testUserIsMember: a member typed by e-mail gets the password page (the theme's "User
    is member of myorg" line is the ``organization`` bean's)."""
    async with served(env) as broker:
        tom = await _tom(env, email="tom@myorg.com", required_actions=("UPDATE_PROFILE",))
        org = await _organization(broker, "myorg.com", redirect=False)
        await admin(env, "POST", f"{TEST}/organizations/{org}/members", tom, 201)
        async with browser(broker) as http:
            page = await _login_username(http, "tom@myorg.com")
            assert _password_present(page), page.text


async def test_identity_provider_theme_configs(env: Env) -> None:
    """IdentityProviderThemeConfigTest#testIdentityProviderThemeConfigs: provider ``broker`` (``oidc``, nothing but
    the two attributes, as IdentityProviderBuilder makes it) has its button on the login page, and neither
    configuration value is printed (the stock page prints no ``kcTheme-*`` value; Keycloak's ``themeconfig`` test
    theme prints that one)."""
    await seed_login_realm(env.db, env.clock)
    shown, hidden = "This value is shown in the Keycloak theme", "This value is not shown in the Keycloak theme"
    config = {"unsupported-themeConfig": hidden, "kcTheme-idpConfigValue": shown}
    rep = {"alias": "broker", "providerId": "oidc", "config": config}
    await admin(env, "POST", f"{TEST}/identity-provider/instances", rep, 201)
    page = await start(env.http, "test", "app")
    assert page.status_code == 200 and 'id="social-broker"' in page.text, page.text
    assert hidden not in page.text and shown not in page.text
