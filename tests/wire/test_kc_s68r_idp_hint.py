"""KcOidcBrokerIdpHintTest (tests/base broker/) and IdentityProviderAuthenticator's choices that
test_broker_oidc_login.py and test_broker_redirector.py do not cover: the hint after the login page was shown
(KEYCLOAK-5260), and a hint naming a link-only provider."""

from __future__ import annotations

import pytest

from broker_support import ALIAS, browser, served, start_login
from wire_env import Env

pytestmark = pytest.mark.anyio
PROVIDER_AUTH = "/realms/provider/protocol/openid-connect/auth"


async def test_successful_redirect_to_provider_after_login_page_shown(env: Env) -> None:
    """KcOidcBrokerIdpHintTest#testSuccessfulRedirectToProviderAfterLoginPageShown (KEYCLOAK-5260): the login page
    first, then the same authorization request with the hint, twice, goes to the provider each time; without the
    hint again, the login page, no redirect."""
    async with served(env) as broker:
        await broker.add_provider()
        async with browser(broker) as http:
            page = await start_login(http)
            assert page.status_code == 200 and "kc-form-login" in page.text
            for _ in range(2):
                hinted = await start_login(http, kc_idp_hint=ALIAS)
                assert hinted.status_code == 303, hinted.text[:800]
                to_provider = await http.get(hinted.headers["location"])
                assert to_provider.status_code == 302, to_provider.text[:800]
                assert to_provider.headers["location"].startswith(broker.base + PROVIDER_AUTH)
            page = await start_login(http)
            assert page.status_code == 200 and "kc-form-login" in page.text, page.text[:800]


async def test_a_hint_naming_a_link_only_provider_reaches_the_broker_login_and_stops_there(env: Env) -> None:
    """IdentityProviderAuthenticator.redirect looks among the enabled providers only, link-only or not, so the hint
    is followed (303 to ``/broker/{alias}/login``); IdentityBrokerService.performLogin then refuses a link-only
    provider ("is not allowed to perform a login"). Deliberate difference: Keycloak answers that refusal with 502
    and "Could not send authentication request to identity provider."; Doorkeep keeps its one answer for a provider
    a login may not use (400, "Could not proceed with authentication request to identity provider.", as for a
    disabled or unknown one), never a 5xx for a request naming the wrong provider. No provider is contacted."""
    async with served(env) as broker:
        await broker.add_provider(linkOnly=True)
        async with browser(broker) as http:
            hinted = await start_login(http, kc_idp_hint=ALIAS)
            assert hinted.status_code == 303, hinted.text[:800]
            location = hinted.headers["location"]
            assert location.startswith(f"{broker.base}/realms/test/broker/{ALIAS}/login?"), location
            refused = await http.get(location)
            assert refused.status_code == 400 and "location" not in refused.headers
            assert "Could not proceed with authentication request to identity provider." in refused.text
