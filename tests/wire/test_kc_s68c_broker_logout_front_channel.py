"""Keycloak's KcOidcBrokerLogoutFrontChannelTest (testsuite/.../testsuite/broker/, keycloak@032dfc16, with
AbstractKcOidcBrokerLogoutTest's setup) over real HTTP: realm ``test`` brokers realm ``provider`` of the same server
(tests/broker_support.py) through a ``keycloak-oidc`` provider with a ``logoutUrl`` and ``backchannelSupported``
off, so the browser's logout goes to the provider (OIDCIdentityProvider.keycloakInitiatedBrowserLogout) and comes
back to ``/broker/kc/endpoint/logout_response`` (OIDCEndpoint.logoutResponse). The provider's ``prompt`` is
``login``, as KcOidcBrokerConfiguration's.

* logoutAfterIdpTokenExpired: the provider's logout takes the (by then expired) ID token it issued as
  ``id_token_hint`` (LogoutEndpoint checks its signature, not its ``exp``) and ends the provider's session.
* logoutIdPWithOfflineSession: a first login asking ``offline_access`` keeps only the offline session (Keycloak 26.1,
  AuthorizationCodeGrantType); a browser logout then ends nothing: "You are logged out", the offline token still
  active, and the provider's session still there (the provider asks only for the password again, ``prompt=login``).

Also keycloakInitiatedBrowserLogout's provider options, which no Keycloak test asserts over the wire:
``sendIdTokenOnLogout`` (default on) and ``sendClientIdOnLogout`` (default off) decide ``id_token_hint`` and
``client_id`` of the redirect to the provider and of the back-channel call.
"""

from __future__ import annotations

from typing import Any

import httpx
import jwt
import pytest

from broker_support import ALIAS, Broker, broker_tokens, browser, button, query, served, start_login
from browser_flow import REDIRECT, form_action, form_fields
from support import update_client
from wire_env import Env

pytestmark = pytest.mark.anyio

LOGOUT = "/realms/test/protocol/openid-connect/logout"
SOMETHING_ELSE = "something-else"  # the Java test's initiating_idp: not the provider the session came through


async def _front_channel(broker: Broker, **config: str) -> None:
    """KcOidcBrokerConfigurationIdpLogoutFrontChannel: provider ``kc`` with its ``logoutUrl``, ``backchannelSupported``
    off and ``prompt=login``; the provider's client accepts the broker's ``logout_response``, the app any of its
    redirect URIs after logout."""
    env = broker.env
    await update_client(env.db, "test", "app", attributes={"post.logout.redirect.uris": "+"})
    back = f"{broker.base}/realms/test/broker/{ALIAS}/endpoint/logout_response"
    await update_client(env.db, "provider", "broker-app", attributes={"post.logout.redirect.uris": back})
    logout = f"{broker.base}/realms/provider/protocol/openid-connect/logout"
    settings = {"logoutUrl": logout, "backchannelSupported": "false", "prompt": "login", **config}
    await broker.add_provider(config=broker.provider_rep(**settings)["config"])


async def _app_in_its_audience(env: Env) -> None:
    """An audience mapper putting ``app`` in its own access tokens' ``aud``: Keycloak 26.6.2 (CVE-2026-37979) answers
    an introspection only for a client in the token's audience, which the Java test's client is in its setup."""
    headers = await env.admin_headers()
    clients = await env.http.get("/admin/realms/test/clients", params={"clientId": "app"}, headers=headers)
    mapper = {
        "name": "app-audience",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-audience-mapper",
        "config": {
            "included.client.audience": "app",
            "access.token.claim": "true",
            "introspection.token.claim": "true",
        },
    }
    path = f"/admin/realms/test/clients/{clients.json()[0]['id']}/protocol-mappers/models"
    made = await env.http.post(path, json=mapper, headers=headers)
    assert made.status_code == 201, made.text


async def _sessions(env: Env, realm: str, username: str, offline: bool = False) -> list[dict[str, Any]]:
    headers = await env.admin_headers()
    users = await env.http.get(f"/admin/realms/{realm}/users", params={"username": username}, headers=headers)
    user_id = users.json()[0]["id"]
    path = f"/admin/realms/{realm}/users/{user_id}/" + ("offline-sessions/" if offline else "sessions")
    if offline:
        clients = await env.http.get(f"/admin/realms/{realm}/clients", params={"clientId": "app"}, headers=headers)
        path += clients.json()[0]["id"]
    got = await env.http.get(path, headers=headers)
    assert got.status_code == 200, got.text
    found: list[dict[str, Any]] = got.json()
    return found


def _claims(token: str) -> dict[str, Any]:
    found: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return found


async def _through_provider_logout(http: httpx.AsyncClient, broker: Broker, started: httpx.Response) -> str:
    """The browser at the provider's logout and back at ``logout_response``: where that finally sends it."""
    assert started.status_code == 302, started.text[:1500]
    location = started.headers["location"]
    assert location.startswith(f"{broker.base}/realms/provider/protocol/openid-connect/logout?"), location
    at_provider = await http.get(location)
    assert at_provider.status_code == 302, at_provider.text[:1500]
    back = at_provider.headers["location"]
    assert back.startswith(f"{broker.base}/realms/test/broker/{ALIAS}/endpoint/logout_response?"), back
    finished = await http.get(back)
    assert finished.status_code == 302, finished.text[:1500]
    return finished.headers["location"]


async def _provider_login_page(http: httpx.AsyncClient, broker: Broker) -> httpx.Response:
    """``loginPage.open(REALM_PROV_NAME)``: the provider realm's own authorization request in this browser."""
    params = {
        "client_id": "broker-app",
        "redirect_uri": f"{broker.base}/realms/test/broker/{ALIAS}/endpoint",
        "response_type": "code",
        "scope": "openid",
    }
    return await http.get("/realms/provider/protocol/openid-connect/auth", params=params)


async def test_logout_after_idp_token_expired(env: Env) -> None:
    """logoutAfterIdpTokenExpired: twice the ID token's lifetime later, the logout (``initiating_idp`` another
    provider, ``client_id`` and ``post_logout_redirect_uri`` of the app) goes through the provider, whose expired ID
    token it sends as ``id_token_hint``, and back to the app; the provider's session is over, so its login page asks
    for the username again."""
    async with served(env) as broker:
        await _front_channel(broker)
        async with browser(broker) as http:
            tokens = await broker_tokens(http)
            claims = _claims(tokens["id_token"])
            env.clock.advance(2 * (claims["exp"] - claims["iat"]))
            params = {
                "id_token_hint": tokens["id_token"],
                "client_id": "app",
                "post_logout_redirect_uri": REDIRECT,
                "initiating_idp": SOMETHING_ELSE,
            }
            started = await http.get(LOGOUT, params=params)
            hint = query(started.headers.get("location", ""))["id_token_hint"]
            assert _claims(hint)["exp"] < env.clock.now()  # the provider's ID token, expired by now
            assert await _through_provider_logout(http, broker, started) == REDIRECT
            page = await _provider_login_page(http, broker)
        assert page.status_code == 200 and 'name="username"' in page.text, page.text[:1500]
        assert await _sessions(env, "provider", "alice") == []
        assert await _sessions(env, "test", "alice") == []


async def test_logout_idp_with_offline_session(env: Env) -> None:
    """logoutIdPWithOfflineSession: the first login asks ``openid offline_access``; the logout by its ID token alone
    shows "You are logged out" and ends nothing: the access token still introspects active, the offline session
    stays, and the provider's session too: through the provider again, it asks for alice's password only (its
    ``prompt=login`` re-authentication), and the login ends with a code."""
    async with served(env) as broker:
        await _front_channel(broker)
        await _app_in_its_audience(env)
        async with browser(broker) as http:
            tokens = await broker_tokens(http, scope="openid offline_access")
            assert "offline_access" in tokens["scope"].split()
            params = {"id_token_hint": tokens["id_token"], "initiating_idp": SOMETHING_ELSE}
            logged_out = await http.get(LOGOUT, params=params)
            assert logged_out.status_code == 200, logged_out.text[:1500]
            assert "You are logged out" in logged_out.text
            data = {"token": tokens["access_token"], "client_id": "app", "client_secret": "secret"}
            found = await http.post("/realms/test/protocol/openid-connect/token/introspect", data=data)
            assert found.status_code == 200 and found.json()["active"] is True, found.text
            assert len(await _sessions(env, "test", "alice", offline=True)) == 1
            assert len(await _sessions(env, "provider", "alice")) == 1
            page = await start_login(http)
            to_provider = await http.get(button(page))
            assert to_provider.status_code == 302 and query(to_provider.headers["location"])["prompt"] == "login"
            again = await http.get(to_provider.headers["location"])
            assert again.status_code == 200 and "Please re-authenticate to continue" in again.text, again.text[:1500]
            posted = await http.post(form_action(again.text), data={**form_fields(again.text), "password": "password"})
            assert posted.status_code == 302, posted.text[:1500]
            done = await http.get(posted.headers["location"])
        assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT + "?"), done.text[:1500]
        assert "code" in query(done.headers["location"])


async def _started_logout(broker: Broker, http: httpx.AsyncClient) -> httpx.Response:
    """alice in through the provider, then the app's logout by her ID token (back to the app afterwards)."""
    tokens = await broker_tokens(http)
    params = {"id_token_hint": tokens["id_token"], "post_logout_redirect_uri": REDIRECT}
    return await http.get(LOGOUT, params=params)


async def test_the_redirect_to_the_provider_sends_the_id_token_and_no_client_id_by_default(env: Env) -> None:
    """OIDCIdentityProviderConfig defaults: ``sendIdTokenOnLogout`` on, ``sendClientIdOnLogout`` off; the redirect
    carries ``state``, ``id_token_hint`` and ``post_logout_redirect_uri``, no ``client_id``."""
    async with served(env) as broker:
        await _front_channel(broker)
        async with browser(broker) as http:
            started = await _started_logout(broker, http)
        assert started.status_code == 302, started.text[:1500]
        assert sorted(query(started.headers["location"])) == ["id_token_hint", "post_logout_redirect_uri", "state"]


async def test_the_redirect_to_the_provider_follows_send_id_token_and_send_client_id(env: Env) -> None:
    """keycloakInitiatedBrowserLogout: ``sendIdTokenOnLogout`` off leaves ``id_token_hint`` out,
    ``sendClientIdOnLogout`` on adds the broker's ``client_id``; the provider, not knowing the session then, asks
    to confirm the logout, and after the confirmation the browser comes back and the logout finishes."""
    async with served(env) as broker:
        await _front_channel(broker, sendIdTokenOnLogout="false", sendClientIdOnLogout="true")
        async with browser(broker) as http:
            started = await _started_logout(broker, http)
            assert started.status_code == 302, started.text[:1500]
            params = query(started.headers["location"])
            assert sorted(params) == ["client_id", "post_logout_redirect_uri", "state"]
            assert params["client_id"] == "broker-app"
            confirm = await http.get(started.headers["location"])
            assert confirm.status_code == 200 and 'name="confirmLogout"' in confirm.text, confirm.text[:1500]
            confirmed = await http.post(
                form_action(confirm.text), data={**form_fields(confirm.text), "confirmLogout": "Yes"}
            )
            assert confirmed.status_code == 302, confirmed.text[:1500]
            finished = await http.get(confirmed.headers["location"])
        assert finished.status_code == 302 and finished.headers["location"] == REDIRECT, finished.text[:1500]
        assert await _sessions(env, "provider", "alice") == []
        assert await _sessions(env, "test", "alice") == []


async def test_the_back_channel_call_follows_send_id_token(env: Env) -> None:
    """OIDCIdentityProvider.backchannelLogout with ``sendIdTokenOnLogout`` off: the server's call carries ``state``
    (and ``client_id`` with ``sendClientIdOnLogout``) but no ``id_token_hint``, so the provider cannot tell whose
    session it is and keeps it; the browser is back at the app at once, logged out here."""
    async with served(env) as broker:
        await _front_channel(
            broker, backchannelSupported="true", sendIdTokenOnLogout="false", sendClientIdOnLogout="true"
        )
        async with browser(broker) as http:
            done = await _started_logout(broker, http)
        assert done.status_code == 302 and done.headers["location"] == REDIRECT, done.text[:1500]
        assert await _sessions(env, "test", "alice") == []
        assert len(await _sessions(env, "provider", "alice")) == 1
