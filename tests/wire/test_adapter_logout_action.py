"""Keycloak's LogoutAction to an adapter's admin URL when a session it logged in ends: the adapter (keycloak-connect,
the Java adapters) sends its own session id as ``client_session_state`` with the code; Keycloak notes it on the client
session (OAuth2GrantTypeBase.updateClientSession) and, for a client without a backchannel logout URL, posts a signed
LogoutAction naming that adapter session to ``{adminUrl}/k_logout`` when the session ends
(OIDCLoginProtocol.backchannelLogout → ResourceAdminManager.logoutClientSession)."""

from __future__ import annotations

from typing import Any

import jwt
import pytest

from browser_flow import REDIRECT, exchange, login
from receiver import Receiver, receiver
from support import claims, seed_client, seed_realm, seed_user, token_url, update_client
from wire_env import Env

pytestmark = pytest.mark.anyio
ADMIN = "/admin/realms/test"


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app", redirect_uris=(REDIRECT,))
    await seed_user(env.db, env.clock, "test", "user1")
    return env


async def signed_in(env: Env, **adapter: str) -> dict[str, Any]:
    """A browser login of user1 at ``app``, the code exchanged with the adapter's parameters."""
    code = (await login(env.http, "test", "app"))["code"]
    response = await exchange(env.http, "test", "app", code, **adapter)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def action_of(env: Env, got: Receiver) -> dict[str, Any]:
    """The one request received: its path, and the LogoutAction verified against the realm's JWKS."""
    [request] = await got.wait_for(1)
    jwks = jwt.PyJWKSet.from_dict((await env.http.get("/realms/test/protocol/openid-connect/certs")).json())
    head = jwt.get_unverified_header(request.body)
    key = next(k for k in jwks.keys if k.key_id == head["kid"])
    assert request.content_type.startswith("text/plain")
    return {"path": request.path, **jwt.decode(request.body, key.key, algorithms=[head["alg"]])}


async def test_an_admin_user_logout_posts_the_adapter_session_to_the_admin_url(realm: Env) -> None:
    with receiver() as got:
        await update_client(realm.db, "test", "app", admin_url=f"{got.url}/app")
        body = await signed_in(realm, client_session_state="adapter-session-1", client_session_host="node-1")
        sid, user = claims(body["access_token"])["sid"], claims(body["access_token"])["sub"]
        logout = await realm.http.post(f"{ADMIN}/users/{user}/logout", headers=await realm.admin_headers())
        assert logout.status_code == 204, logout.text
        action = await action_of(realm, got)
    assert action == {
        "path": "/app/k_logout",
        "id": action["id"],
        "expiration": realm.clock.now() + 30,
        "resource": "app",
        "action": "LOGOUT",
        "adapterSessionIds": ["adapter-session-1"],
        "notBefore": 0,
        "keycloakSessionIds": [sid],
    }


async def test_the_session_host_the_adapter_noted_replaces_the_admin_urls_placeholder(realm: Env) -> None:
    with receiver() as got:
        port = got.url.rsplit(":", 1)[1]
        await update_client(realm.db, "test", "app", admin_url=f"http://${{application.session.host}}:{port}/app")
        body = await signed_in(realm, client_session_state="s-2", client_session_host="127.0.0.1")
        headers = await realm.admin_headers()
        ended = await realm.http.delete(f"{ADMIN}/sessions/{claims(body['access_token'])['sid']}", headers=headers)
        assert ended.status_code == 204, ended.text
        action = await action_of(realm, got)
    assert action["path"] == "/app/k_logout" and action["adapterSessionIds"] == ["s-2"]


async def test_without_an_adapter_session_or_with_a_backchannel_url_no_logout_action_goes_out(realm: Env) -> None:
    """Keycloak logs "no logged adapter sessions" and sends nothing; a backchannel logout URL gets the logout token
    instead (OIDCLoginProtocol.backchannelLogout's first branch)."""
    await seed_client(realm.db, "test", "oidc", redirect_uris=(REDIRECT,))
    with receiver() as got:
        await update_client(realm.db, "test", "app", admin_url=f"{got.url}/app")
        await update_client(
            realm.db,
            "test",
            "oidc",
            admin_url=f"{got.url}/oidc",
            attributes={"backchannel.logout.url": f"{got.url}/bc"},
        )
        body = await signed_in(realm)
        code = (await login(realm.http, "test", "oidc"))["code"]  # the same browser: one session, both clients
        assert (await exchange(realm.http, "test", "oidc", code, client_session_state="x")).status_code == 200
        user = claims(body["access_token"])["sub"]
        logout = await realm.http.post(f"{ADMIN}/users/{user}/logout", headers=await realm.admin_headers())
        assert logout.status_code == 204, logout.text
        await got.wait_for(1)
        await realm.drain()
    assert [r.path for r in got.requests] == ["/bc"]


async def test_a_refresh_naming_an_adapter_session_notes_it_for_the_logout_action(realm: Env) -> None:
    """RefreshTokenGrantType calls updateClientSession too (online sessions): an adapter that logged in without
    naming its session, then refreshes naming it, is told when the session ends."""
    with receiver() as got:
        await update_client(realm.db, "test", "app", admin_url=f"{got.url}/app")
        body = await signed_in(realm)
        form = {"grant_type": "refresh_token", "refresh_token": body["refresh_token"], "client_id": "app"}
        form |= {"client_secret": "secret", "client_session_state": "after-refresh"}
        refreshed = await realm.http.post(token_url("test"), data=form)
        assert refreshed.status_code == 200, refreshed.text
        user = claims(body["access_token"])["sub"]
        logout = await realm.http.post(f"{ADMIN}/users/{user}/logout", headers=await realm.admin_headers())
        assert logout.status_code == 204, logout.text
        action = await action_of(realm, got)
    assert action["adapterSessionIds"] == ["after-refresh"]
