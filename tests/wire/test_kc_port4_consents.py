"""ConsentsTest.testConsents (tests/base/.../tests/admin/ConsentsTest.java) with its identity broker, which
test_keycloak_consents_test.py left out when Doorkeep had no brokering: the ``consumer`` realm's login page sends
the user to its OpenID Connect identity provider (the ``provider`` realm of the same server, over real HTTP), where
the user logs in and grants the broker's client the consent it requires; back at the consumer the brokered user
exists. At the provider the user's one consent is to the broker's client and its one session holds that client;
the consent revoked, no consent is left and the session stays, holding no client.

Here the consumer realm is broker_support's ``test`` and the provider's client ``broker-app`` (Keycloak's
``kc-oidc-idp`` and ``brokerapp``); the identity provider is configured as the Java test's (``prompt`` login,
default scope ``email profile``, backchannel logout supported).
"""

from __future__ import annotations

from typing import Any

import pytest

from broker_support import ALIAS, Broker, browser, button, query, served, start_login
from browser_flow import REDIRECT, form_action, form_fields, submit
from wire_env import Env

pytestmark = pytest.mark.anyio

PROVIDER = "/admin/realms/provider"
CONSUMER = "/admin/realms/test"
CLIENT_ID = "broker-app"


async def _admin(broker: Broker, method: str, path: str, body: Any = None, status: int = 200) -> Any:
    env = broker.env
    response = await env.http.request(method, path, json=body, headers=await env.admin_headers())
    assert response.status_code == status, (method, path, response.status_code, response.text)
    return response.json() if status == 200 else None


async def _set_up(broker: Broker) -> None:
    """ProviderRealmClientConf's ``consentRequired`` on the broker's client, and ConsumerRealmConf's provider."""
    found = await _admin(broker, "GET", f"{PROVIDER}/clients?clientId={CLIENT_ID}")
    client = {**found[0], "consentRequired": True}
    await _admin(broker, "PUT", f"{PROVIDER}/clients/{client['id']}", client, status=204)
    rep = broker.provider_rep(prompt="login", defaultScope="email profile", backchannelSupported="true")
    await _admin(broker, "POST", f"{CONSUMER}/identity-provider/instances", rep, status=201)


async def test_consents(env: Env) -> None:
    async with served(env) as broker:
        await _set_up(broker)
        async with browser(broker) as http:
            page = await start_login(http)
            to_provider = await http.get(button(page))
            assert to_provider.status_code == 302, to_provider.text
            location = to_provider.headers["location"]
            assert "/realms/provider/" in location, "Driver should be on the provider realm page right now"
            assert query(location)["prompt"] == "login"
            login = await http.get(location)
            assert login.status_code == 200, login.text
            fields = {**form_fields(login.text), "username": "alice", "password": "password"}
            consent = await http.post(form_action(login.text), data=fields)
            assert consent.status_code == 200, consent.text[:500]  # consentPage.assertCurrent()
            assert 'name="accept"' in consent.text and 'name="cancel"' in consent.text, consent.text[:500]
            back = await submit(http, consent, accept="yes")  # consentPage.confirm()
            assert back.status_code == 302, back.text[:500]
            assert back.headers["location"].startswith(f"{broker.base}/realms/test/broker/{ALIAS}/endpoint")
            done = await http.get(back.headers["location"])
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text[:500]
            answer = query(done.headers["location"])
            assert answer.get("code") and "error" not in answer  # parseLoginResponse().isSuccess()

        consumer_users = await _admin(broker, "GET", f"{CONSUMER}/users?search=&first=0&max=5")
        assert await _admin(broker, "GET", f"{CONSUMER}/users/count") > 0, "There must be at least one user"
        found = [u for u in consumer_users if u["username"] == "alice" and u["email"] == "alice@example.org"]
        assert found, "There must be user alice in realm test"

        # the user of the same names in the provider realm
        users = await _admin(broker, "GET", f"{PROVIDER}/users?firstName={found[0]['firstName']}&first=0&max=1")
        assert len(users) == 1, "Same user should be in provider realm"
        user = f"{PROVIDER}/users/{users[0]['id']}"

        consents = await _admin(broker, "GET", f"{user}/consents")
        assert len(consents) == 1, "There should be one consent"
        assert consents[0]["clientId"] == CLIENT_ID
        sessions = await _admin(broker, "GET", f"{user}/sessions")
        assert len(sessions) == 1, "There should be one active session"
        assert len(sessions[0]["clients"]) == 1, "There should be one client in user session"

        await _admin(broker, "DELETE", f"{user}/consents/{CLIENT_ID}", status=204)
        assert await _admin(broker, "GET", f"{user}/consents") == [], "There should be no consents"
        sessions = await _admin(broker, "GET", f"{user}/sessions")
        assert len(sessions) == 1, "There should be one active session"
        assert sessions[0]["clients"] == {}, "There should be no client in user session"
