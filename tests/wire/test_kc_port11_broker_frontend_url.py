"""The consumer realm's ``frontendUrl`` in what the broker sends the provider, ported from Keycloak's
KcOidcBrokerFrontendUrlTest (testsuite/.../tests/broker/, keycloak@032dfc16) over real HTTP. Its ReverseProxy is
here the same app served on a second port: the realm's ``frontendUrl`` names that origin, the provider's client
registers ``{frontendUrl}/realms/test/broker/kc/endpoint/*``, and the login starts there (``oauth.baseUrl``).

* testLogInAsUserInIDP: the redirect to the provider carries ``redirect_uri`` under the frontend URL, and the login
  ends at the client (Review Profile off, a user ``consumer`` in the consumer realm as the Java test makes).
* loginWithExistingUser is ``@Ignore``'d there and not ported.
"""

from __future__ import annotations

from urllib.parse import quote

import httpx
import pytest

from broker_support import ALIAS, Broker, button, provider_login, query, served, start_login
from browser_flow import REDIRECT
from doorkeep import outbound_tls
from flow_builder import admin
from served_app import serving
from support import seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

FLOW = quote("first broker login", safe="")


async def _frontend(broker: Broker, url: str) -> None:
    """The consumer realm's ``frontendUrl``; the provider's client registering the broker endpoint under it."""
    env = broker.env
    realm = (await admin(env, "GET", "/admin/realms/test", status=200)).json()
    realm["attributes"] = {**(realm.get("attributes") or {}), "frontendUrl": url}
    await admin(env, "PUT", "/admin/realms/test", realm, status=204)
    (client,) = (await admin(env, "GET", "/admin/realms/provider/clients?clientId=broker-app", status=200)).json()
    client["redirectUris"] = [f"{url}/realms/test/broker/{ALIAS}/endpoint/*"]
    await admin(env, "PUT", f"/admin/realms/provider/clients/{client['id']}", client, status=204)


async def _review_off(env: Env) -> None:
    base = "/admin/realms/test/authentication"
    rows = (await admin(env, "GET", f"{base}/flows/{FLOW}/executions", status=200)).json()
    [review] = [r for r in rows if r.get("providerId") == "idp-review-profile"]
    config = (await admin(env, "GET", f"{base}/config/{review['authenticationConfig']}", status=200)).json()
    config["config"]["update.profile.on.first.login"] = "off"
    await admin(env, "PUT", f"{base}/config/{config['id']}", config, status=204)


async def test_log_in_as_user_in_idp_uses_the_frontend_url(env: Env) -> None:
    """testLogInAsUserInIDP: the provider is sent ``redirect_uri`` under the realm's frontend URL, its answer comes
    back there, and the login ends at the client with a code."""
    async with served(env) as broker, serving(env.apps[0]) as front:
        await _review_off(env)
        await seed_user(env.db, env.clock, "test", "consumer", email="consumer@localhost.com", first_name="FirstName")
        await broker.add_provider()
        await _frontend(broker, front)
        async with httpx.AsyncClient(base_url=front, timeout=30, verify=outbound_tls.context()) as http:
            page = await start_login(http)
            assert page.status_code == 200, page.text
            social = button(page)
            assert social.startswith(f"{front}/realms/test/broker/{ALIAS}/login?"), social
            to_provider = await http.get(social)
            assert to_provider.status_code == 302, to_provider.text
            sent = query(to_provider.headers["location"])
            assert sent["redirect_uri"] == f"{front}/realms/test/broker/{ALIAS}/endpoint", sent
            assert f"redirect_uri={quote(front, safe='')}" in to_provider.headers["location"]
            back = await provider_login(http, to_provider)
            assert back.startswith(f"{front}/realms/test/broker/{ALIAS}/endpoint?"), back
            done = await http.get(back)
        assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        assert "code" in query(done.headers["location"])
