"""Keycloak's KcOidcBrokerPkceTest (tests/base/.../tests/broker/KcOidcBrokerPkceTest.java @6b3c5721): the whole of
AbstractBrokerTest run again with the provider's ``pkceEnabled`` = true and ``pkceMethod`` = S256
(OAuth2IdentityProviderConfig.PKCE_ENABLED / PKCE_METHOD). The class adds no method of its own; what it checks is
that brokering still works when the broker sends a PKCE challenge and must then send the verifier
(AbstractOAuth2IdentityProvider.createAuthorizationUrl: a fresh verifier kept in the authentication session, its
``code_challenge`` and ``code_challenge_method`` on the provider's authorization URL; the verifier on the token
request).

Doorkeep's broker tests (broker_support.py) already configure the provider this way, so every AbstractBrokerTest
method ported there (test_broker_oidc_login.py and the test_kc_port*_broker_* modules) runs under PKCE as this
class asks. Here the class's point is pinned where a broker that sent no challenge, or the wrong verifier, would be
caught: the provider realm's client is made to require S256 (``pkce.code.challenge.method``), so the provider
itself refuses a login without a correct challenge and verifier.

Ported: ``testLogInAsUserInIDP`` (AbstractBrokerTest) under S256, with the provider enforcing PKCE; its
``plain`` twin (Keycloak's PkceUtils.encodeCodeChallenge, the verifier as challenge); and two controls the Java
suite has no need of: a broker with PKCE off is refused by that provider, and a challenge swapped on the way to the
provider makes the provider refuse the broker's verifier (the broker then answers as to any refused token request).
"""

from __future__ import annotations

import base64
import hashlib

import pytest

from broker_support import Broker, browser, button, provider_login, query, served, start_login
from browser_flow import REDIRECT
from wire_env import Env

pytestmark = pytest.mark.anyio

PROVIDER_CLIENTS = "/admin/realms/provider/clients"


async def _provider_requires(broker: Broker, method: str) -> None:
    """The provider realm's ``broker-app`` enforces PKCE with ``method`` (OIDCAdvancedConfigWrapper)."""
    headers = await broker.env.admin_headers()
    [client] = (await broker.env.http.get(PROVIDER_CLIENTS, params={"clientId": "broker-app"}, headers=headers)).json()
    client["attributes"] = {**client.get("attributes", {}), "pkce.code.challenge.method": method}
    updated = await broker.env.http.put(f"{PROVIDER_CLIENTS}/{client['id']}", json=client, headers=headers)
    assert updated.status_code == 204, updated.text


async def _usernames(broker: Broker) -> list[str]:
    headers = await broker.env.admin_headers()
    listed = await broker.env.http.get("/admin/realms/test/users", params={"search": "alice"}, headers=headers)
    return [u["username"] for u in listed.json()]


async def _logs_in(broker: Broker, method: str) -> dict[str, str]:
    """testLogInAsUserInIDP: through the login page's button to the provider and back to the app with a code. The
    parameters the broker sent to the provider."""
    async with browser(broker) as http:
        page = await start_login(http)
        to_provider = await http.get(button(page))
        sent = query(to_provider.headers["location"])
        assert sent["code_challenge_method"] == method, sent
        done = await http.get(await provider_login(http, to_provider))
        assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        assert query(done.headers["location"])["code"]
    assert await _usernames(broker) == ["alice"]
    return sent


async def test_log_in_as_user_in_idp_with_s256_pkce(env: Env) -> None:
    """KcOidcBrokerPkceTest (AbstractBrokerTest.testLogInAsUserInIDP, pkceMethod S256), the provider enforcing S256:
    a 43-character base64url challenge, and the provider accepts the verifier the broker sends."""
    async with served(env) as broker:
        await broker.add_provider(config=broker.provider_rep(pkceEnabled="true", pkceMethod="S256")["config"])
        await _provider_requires(broker, "S256")
        sent = await _logs_in(broker, "S256")
        assert len(sent["code_challenge"]) == 43 and "=" not in sent["code_challenge"]


async def test_log_in_as_user_in_idp_with_plain_pkce(env: Env) -> None:
    """The same with ``pkceMethod`` plain (PkceUtils.encodeCodeChallenge: the verifier itself, 43..128 characters
    of the unreserved set), the provider enforcing plain."""
    async with served(env) as broker:
        await broker.add_provider(config=broker.provider_rep(pkceEnabled="true", pkceMethod="plain")["config"])
        await _provider_requires(broker, "plain")
        sent = await _logs_in(broker, "plain")
        assert 43 <= len(sent["code_challenge"]) <= 128


async def test_a_broker_without_pkce_is_refused_by_a_provider_that_requires_it(env: Env) -> None:
    """Control: ``pkceEnabled`` off, the provider's authorization endpoint refuses the request (back at the broker's
    endpoint as ``invalid_request``), and the consumer shows its unexpected-error message; no user is made."""
    async with served(env) as broker:
        await broker.add_provider(config=broker.provider_rep(pkceEnabled="false")["config"])
        await _provider_requires(broker, "S256")
        async with browser(broker) as http:
            page = await start_login(http)
            to_provider = await http.get(button(page))
            assert "code_challenge" not in query(to_provider.headers["location"])
            refused = await http.get(to_provider.headers["location"])
            assert refused.status_code == 302, refused.text
            back = query(refused.headers["location"])
            assert back["error"] == "invalid_request", back
            assert back["error_description"] == "Missing parameter: code_challenge_method"
            shown = await http.get(refused.headers["location"])
            assert "Unexpected error when authenticating with identity provider" in shown.text
        assert await _usernames(broker) == []


def _s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


async def test_a_swapped_challenge_makes_the_provider_refuse_the_brokers_verifier(env: Env) -> None:
    """Control: the challenge replaced on its way to the provider by one of a verifier the broker does not know;
    the provider refuses the broker's token request (PKCE verification failed), the broker answers 502 with its
    unexpected-error message, and no user is made."""
    async with served(env) as broker:
        await broker.add_provider()
        async with browser(broker) as http:
            page = await start_login(http)
            to_provider = await http.get(button(page))
            location: str = to_provider.headers["location"]
            challenge = query(location)["code_challenge"]
            forged = _s256("x" * 43)
            assert forged != challenge
            to_provider.headers["location"] = location.replace(
                f"code_challenge={challenge}", f"code_challenge={forged}"
            )
            failed = await http.get(await provider_login(http, to_provider))
            assert failed.status_code == 502, failed.text
            assert "Unexpected error when authenticating with identity provider" in failed.text
        assert await _usernames(broker) == []
