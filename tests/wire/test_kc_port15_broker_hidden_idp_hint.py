"""Keycloak's KcOidcBrokerHiddenIdpHintTest (tests/base/.../tests/broker/KcOidcBrokerHiddenIdpHintTest.java
@75dae5c7): a provider hidden on the login page (``hideOnLogin``; the framework's ``hideOnLoginPage()``) is still
reached with ``kc_idp_hint``, and the login through it completes.

The Java method fills the provider's login form and then ``updateAccountInformation()`` (the first broker login's
review page, its consumer realm asking for names the provider user lacks). Here the provider user ``alice`` has a
first name and e-mail and both realms run without VERIFY_PROFILE (broker_support.py, as Keycloak's broker tests
relax it), so the default ``missing`` review asks nothing and the browser goes straight back to the client; the
step is asserted as that. Added: the login page offers no button for the hidden provider (HiddenProviderTest's
point, for the same realm), and the hinted login makes the user and links it.

Ported: ``testSuccessfulRedirectToProviderHiddenOnLoginPage``.
"""

from __future__ import annotations

import pytest

from broker_support import ALIAS, browser, provider_login, query, served, start_login
from browser_flow import REDIRECT
from wire_env import Env

pytestmark = pytest.mark.anyio


async def test_successful_redirect_to_provider_hidden_on_login_page(env: Env) -> None:
    """KcOidcBrokerHiddenIdpHintTest.testSuccessfulRedirectToProviderHiddenOnLoginPage"""
    async with served(env) as broker:
        await broker.add_provider(hideOnLogin=True)
        async with browser(broker) as http:
            page = await start_login(http)
            assert page.status_code == 200 and f'id="social-{ALIAS}"' not in page.text

        async with browser(broker) as http:
            hinted = await start_login(http, kc_idp_hint=ALIAS)
            assert hinted.status_code == 303, hinted.text
            to_provider = await http.get(hinted.headers["location"])
            assert to_provider.status_code == 302, to_provider.text
            assert "/realms/provider/" in to_provider.headers["location"], "not sent on to the provider realm"
            done = await http.get(await provider_login(http, to_provider))
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
            answer = query(done.headers["location"])
            assert answer.get("code") and "error" not in answer, answer  # parseLoginResponse().isSuccess()

        headers = await env.admin_headers()
        [user] = (await env.http.get("/admin/realms/test/users", params={"username": "alice"}, headers=headers)).json()
        links = await env.http.get(f"/admin/realms/test/users/{user['id']}/federated-identity", headers=headers)
        assert [link["identityProvider"] for link in links.json()] == [ALIAS]
