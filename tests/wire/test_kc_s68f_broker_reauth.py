"""Keycloak's BrokerReAuthTest and OrganizationBrokerReAuthTest (tests/base organization/broker/, the method of their
AbstractBrokerReAuthTest, each with the provider shown and hidden on the login page), over real HTTP with the
provider another realm of the same server (tests/broker_support.py).

A user who came in through the provider (no password of the consumer realm) asks for UPDATE_EMAIL by ``kc_action``
while that action's ``max_auth_age`` is 0: the re-authentication page says "Please re-authenticate to continue"
and offers the provider the user is linked to, hidden on the login page or not (Keycloak bypasses ``hideOnLogin``
while the authentication session is a forced re-authentication: LoginFilter with the FORCED_REAUTHENTICATION note,
keycloak#48857). Its button leads through the provider (still signed in there) back to the consumer realm's
``required-action?execution=UPDATE_EMAIL``. OrganizationBrokerReAuthTest does the same with organizations on, the
provider the organization ``neworg``'s, bound to the user's domain and redirecting it, reached from the username
page.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import pytest

from broker_support import ALIAS, Broker, browser, button, provider_login, served, start_login
from browser_flow import REDIRECT, form_action, form_fields
from flow_builder import admin
from login_client import raw
from support import update_user
from wire_env import Env

pytestmark = pytest.mark.anyio
TEST = "/admin/realms/test"
UPDATE_EMAIL = f"{TEST}/authentication/required-actions/UPDATE_EMAIL"
REAUTHENTICATE = "Please re-authenticate to continue"


async def _update_email_asks_again(env: Env) -> None:
    """UPDATE_EMAIL enabled with ``max_auth_age`` 0 (Constants.MAX_AUTH_AGE_KEY)."""
    action = (await admin(env, "GET", UPDATE_EMAIL, status=200)).json()
    config = {**action.get("config", {}), "max_auth_age": "0"}
    await admin(env, "PUT", UPDATE_EMAIL, {**action, "enabled": True, "config": config}, 204)


async def _hidden(broker: Broker) -> None:
    """BrokerReAuthTest's admin hiding the provider after the user came in through it."""
    url = f"{TEST}/identity-provider/instances/{ALIAS}"
    rep = (await admin(broker.env, "GET", url, status=200)).json()
    await admin(broker.env, "PUT", url, {**rep, "hideOnLogin": True}, 204)


def _signed_in(done: httpx.Response) -> None:
    assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text[:800]


async def _reauthenticated_through_the_provider(broker: Broker, http: httpx.AsyncClient) -> None:
    """The method's second half: the AIA asks again, the provider's button, back at UPDATE_EMAIL."""
    await _update_email_asks_again(broker.env)
    broker.env.clock.advance(1)
    page = await start_login(http, kc_action="UPDATE_EMAIL")
    assert page.status_code == 200 and REAUTHENTICATE in page.text, page.text[:800]
    assert 'name="password"' in page.text  # the login page, the name fixed (LoginPage.assertCurrent)
    to_provider = await http.get(button(page))
    assert to_provider.status_code == 302, to_provider.text[:500]
    assert "/realms/provider/" in to_provider.headers["location"], to_provider.headers["location"]
    at_provider = await http.get(to_provider.headers["location"])
    assert at_provider.status_code == 302, at_provider.text[:500]  # the provider realm's SSO session answers
    with raw(http):
        back = await http.get(at_provider.headers["location"])
    assert back.status_code == 302, back.text[:500]
    location = urlsplit(back.headers["location"])
    assert "/realms/test/" in location.path and "execution=UPDATE_EMAIL" in location.query, back.headers["location"]
    page = await http.get(back.headers["location"])
    assert page.status_code == 200 and 'name="email"' in page.text, page.text[:800]


@pytest.mark.parametrize("hide_on_login", [False, True])
async def test_brokered_user_redirected_to_idp_for_re_authentication(env: Env, hide_on_login: bool) -> None:
    """BrokerReAuthTest#testBrokeredUserRedirectedToIdpForReAuthenticationWhenAppInitiatedActionRequiresReAuth
    (organizations off): the provider's button on the login page, alice in (first broker login, "Happy days" is
    the client's page), the provider hidden afterwards when asked, then the re-authentication."""
    async with served(env) as broker:
        await broker.add_provider()
        async with browser(broker) as http:
            page = await start_login(http)
            assert page.status_code == 200, page.text[:500]
            to_provider = await http.get(button(page))
            _signed_in(await http.get(await provider_login(http, to_provider)))
            if hide_on_login:
                await _hidden(broker)
            await _reauthenticated_through_the_provider(broker, http)


async def _neworg(broker: Broker, hide_on_login: bool) -> None:
    """OrganizationBrokerReAuthTest#performFirstBrokerLogin's set-up: ``neworg`` owning neworg.org, the provider
    its, bound to neworg.org and redirecting it, hidden on the login page when asked."""
    env = broker.env
    await admin(env, "PUT", TEST, {"organizationsEnabled": True}, 204)
    body = {"name": "neworg", "alias": "neworg", "domains": [{"name": "neworg.org"}]}
    made = await admin(env, "POST", f"{TEST}/organizations", body, 201)
    org = str(made.headers["location"].rsplit("/", 1)[1])
    config = {"kc.org.domain": "neworg.org", "kc.org.broker.redirect.mode.email-matches": "true"}
    await broker.add_provider(config={**broker.provider_rep()["config"], **config}, hideOnLogin=hide_on_login)
    await admin(env, "POST", f"{TEST}/organizations/{org}/identity-providers", ALIAS, 204)


@pytest.mark.parametrize("hide_on_login", [False, True])
async def test_organization_brokered_user_redirected_to_idp_for_re_authentication(
    env: Env, hide_on_login: bool
) -> None:
    """OrganizationBrokerReAuthTest#testBrokeredUserRedirectedToIdpForReAuthenticationWhenAppInitiatedAction
    RequiresReAuth: the user's address typed on the username page goes to the organization's provider, alice in,
    then the re-authentication offers that provider, though it is an organization's and maybe hidden."""
    async with served(env) as broker:
        await update_user(env.db, "provider", "alice", email="testuser@neworg.org")
        await _neworg(broker, hide_on_login)
        async with browser(broker) as http:
            page = await start_login(http)
            assert page.status_code == 200 and 'name="password"' not in page.text, page.text[:500]
            typed = await http.post(
                form_action(page.text), data={**form_fields(page.text), "username": "testuser@neworg.org"}
            )
            assert typed.status_code == 303, typed.text[:500]
            to_provider = await http.get(typed.headers["location"])
            _signed_in(await http.get(await provider_login(http, to_provider)))
            await _reauthenticated_through_the_provider(broker, http)


async def test_the_forced_re_authentication_shows_only_linked_usable_providers(env: Env) -> None:
    """The other side of that bypass: ``hideOnLogin`` is skipped for the providers the user is linked to, never for
    another hidden one, and a disabled or link-only linked provider stays out; with no forced re-authentication
    (a fresh login) the hidden provider has no button."""
    async with served(env) as broker:
        await broker.add_provider()
        await broker.add_provider(alias="other", hideOnLogin=True)
        async with browser(broker) as http:
            page = await start_login(http)
            to_provider = await http.get(button(page))
            _signed_in(await http.get(await provider_login(http, to_provider)))
            await _hidden(broker)
            await _update_email_asks_again(env)
            env.clock.advance(1)
            page = await start_login(http, kc_action="UPDATE_EMAIL")
            assert REAUTHENTICATE in page.text and 'id="social-kc"' in page.text, page.text[:800]
            assert 'id="social-other"' not in page.text
            url = f"{TEST}/identity-provider/instances/{ALIAS}"
            rep = (await admin(env, "GET", url, status=200)).json()
            for change in ({"enabled": False}, {"linkOnly": True}):
                await admin(env, "PUT", url, {**rep, **change}, 204)
                page = await start_login(http, kc_action="UPDATE_EMAIL")
                assert REAUTHENTICATE in page.text and 'id="social-kc"' not in page.text, page.text[:800]
            await admin(env, "PUT", url, rep, 204)
        async with browser(broker) as fresh:  # no session: prompt=login or max_age=0 force nothing to show
            for params in ({}, {"prompt": "login"}, {"max_age": "0"}, {"kc_action": "UPDATE_EMAIL"}):
                page = await start_login(fresh, **params)
                assert page.status_code == 200 and 'id="social-' not in page.text, (params, page.text[:800])
