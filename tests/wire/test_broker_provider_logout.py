"""Logging out at the identity provider too (OIDCIdentityProvider.keycloakInitiatedBrowserLogout and
backchannelLogout, OIDCEndpoint.logoutResponse), over real HTTP with a second realm as the provider
(KcOidcBrokerLogoutTest, AbstractBrokerTest.logoutFromRealm)."""

from __future__ import annotations

from typing import Any

import httpx
import jwt
import pytest

from broker_support import ALIAS, SAVED, Broker, broker_tokens, browser, query, served
from browser_flow import REDIRECT, start
from support import update_client, update_realm, update_user
from wire_env import Env

pytestmark = pytest.mark.anyio


async def _setup(broker: Broker, **config: str) -> None:
    env = broker.env
    await update_client(env.db, "test", "app", attributes={"post.logout.redirect.uris": "+"})
    back = f"{broker.base}/realms/test/broker/{ALIAS}/endpoint/logout_response"
    await update_client(env.db, "provider", "broker-app", attributes={"post.logout.redirect.uris": back})
    logout = f"{broker.base}/realms/provider/protocol/openid-connect/logout"
    rep = broker.provider_rep(**{"logoutUrl": logout, **config})
    await update_realm(env.db, "test", enabled_event_types=(*SAVED, "LOGOUT", "LOGOUT_ERROR"))
    headers = await env.admin_headers()
    created = await env.http.post("/admin/realms/test/identity-provider/instances", json=rep, headers=headers)
    assert created.status_code == 201, created.text


async def _sessions(env: Env, realm: str, username: str) -> list[dict[str, Any]]:
    headers = await env.admin_headers()
    users = await env.http.get(
        f"/admin/realms/{realm}/users", params={"username": username, "exact": "true"}, headers=headers
    )
    got = await env.http.get(f"/admin/realms/{realm}/users/{users.json()[0]['id']}/sessions", headers=headers)
    result: list[dict[str, Any]] = got.json()
    return result


async def _logout(http: httpx.AsyncClient, id_token: str, **extra: str) -> httpx.Response:
    params = {"id_token_hint": id_token, "post_logout_redirect_uri": REDIRECT, "state": "app-state", **extra}
    return await http.get("/realms/test/protocol/openid-connect/logout", params=params)


async def test_the_browser_logs_out_at_the_provider_and_comes_back_to_finish(env: Env) -> None:
    """keycloakInitiatedBrowserLogout: the browser goes to the provider's ``logoutUrl`` with ``state`` (the session
    id), the provider's ID token as ``id_token_hint`` and ``logout_response`` as ``post_logout_redirect_uri``; the
    provider logs out and sends it back; then the logout finishes where the application asked."""
    async with served(env) as broker:
        await _setup(broker)
        async with browser(broker) as http:
            tokens = await broker_tokens(http)
            sid = jwt.decode(tokens["id_token"], options={"verify_signature": False})["sid"]
            assert len(await _sessions(env, "provider", "alice")) == 1
            to_provider = await _logout(http, tokens["id_token"])
            assert to_provider.status_code == 302, to_provider.text
            location = to_provider.headers["location"]
            assert location.startswith(f"{broker.base}/realms/provider/protocol/openid-connect/logout?")
            params = query(location)
            assert params["state"] == sid
            back = f"{broker.base}/realms/test/broker/{ALIAS}/endpoint/logout_response"
            assert params["post_logout_redirect_uri"] == back
            hint = jwt.decode(params["id_token_hint"], options={"verify_signature": False})
            assert hint["iss"] == f"{broker.base}/realms/provider" and hint["aud"] == "broker-app"
            assert len(await _sessions(env, "test", "alice")) == 1  # LOGGING_OUT until the browser is back
            at_provider = await http.get(location)
            assert at_provider.status_code == 302, at_provider.text
            returned = at_provider.headers["location"]
            assert returned == f"{back}?state={sid}"
            finished = await http.get(returned)
            assert finished.status_code == 302, finished.text
            assert finished.headers["location"] == f"{REDIRECT}?state=app-state"
            assert await _sessions(env, "test", "alice") == []
            assert await _sessions(env, "provider", "alice") == []
            again = await http.get(returned)
            assert again.status_code == 400
            assert "Unexpected error when authenticating with identity provider" in again.text


async def test_backchannel_supported_calls_the_provider_from_the_server(env: Env) -> None:
    """``backchannelSupported`` with an ID token: the server GETs ``logoutUrl?state&id_token_hint`` and the browser
    goes straight back to the application."""
    async with served(env) as broker:
        await _setup(broker, backchannelSupported="true")
        async with browser(broker) as http:
            tokens = await broker_tokens(http)
            done = await _logout(http, tokens["id_token"])
            assert done.status_code == 302, done.text
            assert done.headers["location"] == f"{REDIRECT}?state=app-state"
        assert await _sessions(env, "test", "alice") == []
        assert await _sessions(env, "provider", "alice") == []


async def test_initiating_idp_is_ignored_by_default(env: Env) -> None:
    """Keycloak 26.8: logout's ``initiating_idp`` no longer spares the provider its logout unless the server runs
    with ``allow-initiating-idp-logout-param``."""
    async with served(env) as broker:
        await _setup(broker, backchannelSupported="true")
        async with browser(broker) as http:
            tokens = await broker_tokens(http)
            done = await _logout(http, tokens["id_token"], initiating_idp=ALIAS)
            assert done.status_code == 302 and done.headers["location"] == f"{REDIRECT}?state=app-state"
        assert await _sessions(env, "provider", "alice") == []


@pytest.mark.server_options(oidc_allow_initiating_idp_logout_param=True)
async def test_with_the_option_initiating_idp_skips_that_providers_logout(env: Env) -> None:
    """``allow-initiating-idp-logout-param`` (deprecated): AuthenticationManager.browserLogout calls no provider the
    logout says it began at; another alias changes nothing."""
    async with served(env) as broker:
        await _setup(broker)
        async with browser(broker) as http:
            tokens = await broker_tokens(http)
            done = await _logout(http, tokens["id_token"], initiating_idp=ALIAS)
            assert done.status_code == 302 and done.headers["location"] == f"{REDIRECT}?state=app-state"
        assert await _sessions(env, "test", "alice") == []
        assert len(await _sessions(env, "provider", "alice")) == 1
        async with browser(broker) as http:
            tokens = await broker_tokens(http)
            elsewhere = await _logout(http, tokens["id_token"], initiating_idp="another")
            assert elsewhere.status_code == 302, elsewhere.text
            assert elsewhere.headers["location"].startswith(f"{broker.base}/realms/provider/protocol/openid-connect/")


async def test_an_authorization_request_over_a_disabled_users_session_leaves_both_sessions(env: Env) -> None:
    """AuthorizationEndpointBase.createAuthenticationSession since AuthenticationSessionManager.getAuthSessionCookies
    resolves nothing from a root that is gone: the identity cookie names no session of a user disabled since, so its
    backchannelLogout(..., logoutBroker true) is not reached (before, the session of the browser's root was logged
    out and the provider called): both sessions stay."""
    async with served(env) as broker:
        await _setup(broker, backchannelSupported="true")
        async with browser(broker) as http:
            await broker_tokens(http)
            assert len(await _sessions(env, "provider", "alice")) == 1
            await update_user(env.db, "test", "alice", enabled=False)
            page = await start(http, "test", "app")
            assert page.status_code == 200, page.text[:1500]
        assert len(await _sessions(env, "test", "alice")) == 1
        assert len(await _sessions(env, "provider", "alice")) == 1


async def test_no_logout_url_means_no_call_to_the_provider(env: Env) -> None:
    """An empty ``logoutUrl``: keycloakInitiatedBrowserLogout answers nothing; the provider's session stays."""
    async with served(env) as broker:
        await _setup(broker, logoutUrl="")
        async with browser(broker) as http:
            tokens = await broker_tokens(http)
            done = await _logout(http, tokens["id_token"])
            assert done.status_code == 302 and done.headers["location"] == f"{REDIRECT}?state=app-state"
        assert await _sessions(env, "test", "alice") == []
        assert len(await _sessions(env, "provider", "alice")) == 1


async def test_logout_response_refuses_a_missing_or_wrong_state_and_cannot_be_redirected(env: Env) -> None:
    """OIDCEndpoint.logoutResponse: no ``state`` or no such session is 400 "Unexpected error when authenticating
    with identity provider", a live session that is not logging out 400 "Session not active." (it stays); the
    redirect after the logout is the one checked when the logout began, whatever the request adds; an unchecked
    ``post_logout_redirect_uri`` never reaches the provider."""
    async with served(env) as broker:
        await _setup(broker)
        async with browser(broker) as http:
            tokens = await broker_tokens(http)
            sid = jwt.decode(tokens["id_token"], options={"verify_signature": False})["sid"]
            url = f"/realms/test/broker/{ALIAS}/endpoint/logout_response"
            for params in ({}, {"state": "no-such-session"}, {"state": "../../x"}):
                refused = await http.get(url, params=params)
                assert refused.status_code == 400, params
                assert "Unexpected error when authenticating with identity provider" in refused.text
            live = await http.get(url, params={"state": sid})
            assert live.status_code == 400 and "Session not active." in live.text
            assert len(await _sessions(env, "test", "alice")) == 1
            unknown = await http.get("/realms/test/broker/nope/endpoint/logout_response", params={"state": sid})
            assert unknown.status_code == 404

            evil = await _logout(http, tokens["id_token"], post_logout_redirect_uri="https://evil.example/")
            assert evil.status_code == 400 and "Invalid redirect uri" in evil.text
            assert len(await _sessions(env, "test", "alice")) == 1

            to_provider = await _logout(http, tokens["id_token"])
            assert to_provider.status_code == 302
            # another realm's endpoint (a provider of the same alias there) does not know this realm's session
            headers = await env.admin_headers()
            other = await env.http.post(
                "/admin/realms/provider/identity-provider/instances", json=broker.provider_rep(), headers=headers
            )
            assert other.status_code == 201, other.text
            elsewhere = await http.get(url.replace("/realms/test/", "/realms/provider/"), params={"state": sid})
            assert elsewhere.status_code == 400
            assert "Unexpected error when authenticating with identity provider" in elsewhere.text
            assert len(await _sessions(env, "test", "alice")) == 1
            forged = await http.get(
                url, params={"state": sid, "post_logout_redirect_uri": "https://evil.example/", "redirect_uri": "x"}
            )
            assert forged.status_code == 302
            assert forged.headers["location"] == f"{REDIRECT}?state=app-state"
        events = await env.http.get(
            "/admin/realms/test/events", params={"type": "LOGOUT_ERROR"}, headers=await env.admin_headers()
        )
        assert "user_session_not_found" in {e["error"] for e in events.json()}


async def test_a_provider_that_cannot_be_reached_does_not_stop_the_logout_nor_see_its_token_logged(
    env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    """backchannelLogout only warns when the provider fails; the warning names the provider, not the URL with the
    ID token."""
    async with served(env) as broker:
        closed = "http://127.0.0.1:9/logout"  # the discard port: nothing listens
        await _setup(broker, backchannelSupported="true", logoutUrl=closed)
        async with browser(broker) as http:
            tokens = await broker_tokens(http)
            done = await _logout(http, tokens["id_token"])
            assert done.status_code == 302 and done.headers["location"] == f"{REDIRECT}?state=app-state"
        assert await _sessions(env, "test", "alice") == []
        assert f"backchannel logout at identity provider {ALIAS} failed" in caplog.text
        assert "id_token_hint" not in caplog.text and "eyJ" not in caplog.text


async def test_a_refresh_token_logout_calls_the_provider_back_channel(env: Env) -> None:
    """LogoutEndpoint.logoutToken ends the session through AuthenticationManager.backchannelLogout, which calls the
    provider's backchannelLogout (``backchannelSupported`` only; without it the provider keeps its session)."""
    async with served(env) as broker:
        await _setup(broker, backchannelSupported="true")
        async with browser(broker) as http:
            tokens = await broker_tokens(http)
            form = {"client_id": "app", "client_secret": "secret", "refresh_token": tokens["refresh_token"]}
            done = await http.post("/realms/test/protocol/openid-connect/logout", data=form)
            assert done.status_code == 204, done.text
        assert await _sessions(env, "test", "alice") == []
        assert await _sessions(env, "provider", "alice") == []


async def test_a_refresh_token_logout_without_backchannel_leaves_the_provider_alone(env: Env) -> None:
    async with served(env) as broker:
        await _setup(broker)
        async with browser(broker) as http:
            tokens = await broker_tokens(http)
            form = {"client_id": "app", "client_secret": "secret", "refresh_token": tokens["refresh_token"]}
            done = await http.post("/realms/test/protocol/openid-connect/logout", data=form)
            assert done.status_code == 204, done.text
        assert await _sessions(env, "test", "alice") == []
        assert len(await _sessions(env, "provider", "alice")) == 1


@pytest.mark.parametrize(
    ("method", "path", "status", "left"),
    [
        ("DELETE", "sessions/{id}", 204, 0),  # RealmAdminResource.deleteSession
        ("POST", "users/{userId}/logout", 204, 0),  # UserResource.logout, for every online session of the user
        ("POST", "logout-all", 200, 1),  # RealmAdminResource.logoutAll: removeUserSessions, no provider told
    ],
)
async def test_the_admin_endpoints_ending_a_brokered_session_call_the_provider_as_keycloak_does(
    env: Env, method: str, path: str, status: int, left: int
) -> None:
    """Where Keycloak ends the session through AuthenticationManager.backchannelLogout with the broker's logout, the
    provider (``backchannelSupported``) ends its session too; logout-all removes the sessions without it."""
    async with served(env) as broker:
        await _setup(broker, backchannelSupported="true")
        async with browser(broker) as http:
            await broker_tokens(http)
        [session] = await _sessions(env, "test", "alice")
        url = "/admin/realms/test/" + path.format(**session)
        ended = await env.http.request(method, url, headers=await env.admin_headers())
        assert ended.status_code == status, ended.text
        assert await _sessions(env, "test", "alice") == []
        assert len(await _sessions(env, "provider", "alice")) == left
