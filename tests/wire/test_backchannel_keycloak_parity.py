"""Who gets a backchannel logout token, and what is in it, as Keycloak 26 decides: AuthenticationManager's
backchannelLogoutClientSession (front-channel and disabled clients are skipped) and backchannelLogout (an
offline logout tells only the offline session's clients), TokenManager.initLogoutToken (``iss`` is the
issuer noted at login, ``sid`` only when ``backchannel.logout.session.required`` is true), and the client
defaults of OIDCLoginProtocolFactory.setupClientDefaults and of realm import."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import jwt
import pytest

from browser_flow import REDIRECT, exchange, form_action, form_fields, login
from doorkeep.model import Client, SessionEnded
from doorkeep.oauth.backchannel import logout_claims
from receiver import Receiver, receiver
from support import claims, seed_client, seed_realm, seed_user, token_url, update_client
from wire_env import Env

pytestmark = pytest.mark.anyio
BC = "backchannel.logout.url"
SESSION_REQUIRED = "backchannel.logout.session.required"
REVOKE_OFFLINE = "backchannel.logout.revoke.offline.tokens"
CLIENTS = "/admin/realms/test/clients"
OTHER_HOST = "http://login.example"


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app")
    await seed_user(env.db, env.clock, "test", "user1", realm_roles=("offline_access",))
    return env


def tokens(got: Receiver) -> list[dict[str, Any]]:
    """The logout tokens received so far, unverified (test_backchannel_logout.py checks the signature)."""
    out = []
    for request in got.requests:
        token = parse_qs(request.body)["logout_token"][0]
        out.append(dict(jwt.decode(token, options={"verify_signature": False})))
    return out


async def grant(env: Env, client_id: str = "app", scope: str | None = None, **headers: str) -> dict[str, Any]:
    response = await env.http.post(
        token_url("test"),
        data={
            "grant_type": "password",
            "client_id": client_id,
            "client_secret": "secret",
            "username": "user1",
            "password": "password",
            **({"scope": scope} if scope else {}),
        },
        headers=headers,
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def sign_out_user(env: Env, body: dict[str, Any]) -> None:
    """The admin API's user logout: every session of the user ends."""
    user = claims(body["access_token"])["sub"]
    response = await env.http.post(f"/admin/realms/test/users/{user}/logout", headers=await env.admin_headers())
    assert response.status_code == 204, response.text


# --- 1. front-channel and disabled clients ------------------------------------------------------
async def test_a_front_channel_client_gets_no_logout_token_while_a_back_channel_one_does(realm: Env) -> None:
    await seed_client(realm.db, "test", "front", frontchannel_logout=True)
    with receiver() as got:
        await update_client(realm.db, "test", "app", attributes={BC: f"{got.url}/app", SESSION_REQUIRED: "true"})
        await update_client(realm.db, "test", "front", attributes={BC: f"{got.url}/front", SESSION_REQUIRED: "true"})
        await grant(realm, "front")
        body = await grant(realm)
        await sign_out_user(realm, body)
        await got.wait_for(1)
        await realm.drain()
    assert [r.path for r in got.requests] == ["/app"], "a frontchannelLogout client must not be told by backchannel"


async def test_a_disabled_client_gets_no_logout_token(realm: Env) -> None:
    await seed_client(realm.db, "test", "off")
    with receiver() as got:
        await update_client(realm.db, "test", "app", attributes={BC: f"{got.url}/app"})
        await update_client(realm.db, "test", "off", attributes={BC: f"{got.url}/off"})
        await grant(realm, "off")
        await update_client(realm.db, "test", "off", enabled=False)
        await sign_out_user(realm, await grant(realm))
        await got.wait_for(1)
        await realm.drain()
    assert [r.path for r in got.requests] == ["/app"], "Keycloak skips a disabled client (!client.isEnabled())"


# --- 2. client defaults -------------------------------------------------------------------------
async def _created(env: Env, rep: dict[str, Any]) -> dict[str, Any]:
    headers = await env.admin_headers()
    response = await env.http.post(CLIENTS, headers=headers, json=rep)
    assert response.status_code == 201, response.text
    return dict((await env.http.get(response.headers["location"], headers=headers)).json())


async def test_a_client_created_without_protocol_is_not_front_channel_and_gets_no_logout_attributes(
    realm: Env,
) -> None:
    body = await _created(realm, {"clientId": "plain"})
    assert body["frontchannelLogout"] is False
    assert SESSION_REQUIRED not in body["attributes"] and REVOKE_OFFLINE not in body["attributes"]


async def test_an_oidc_client_without_a_backchannel_url_gets_setup_client_defaults(realm: Env) -> None:
    body = await _created(realm, {"clientId": "oidc", "protocol": "openid-connect"})
    assert body["frontchannelLogout"] is False
    assert body["attributes"][SESSION_REQUIRED] == "true" and body["attributes"][REVOKE_OFFLINE] == "false"


async def test_an_oidc_client_keeps_a_given_front_channel_setting(realm: Env) -> None:
    body = await _created(realm, {"clientId": "oidc", "protocol": "openid-connect", "frontchannelLogout": True})
    assert body["frontchannelLogout"] is True


async def test_an_oidc_client_with_a_backchannel_url_is_told_without_sid(realm: Env) -> None:
    with receiver() as got:
        body = await _created(
            realm,
            {
                "clientId": "bc",
                "protocol": "openid-connect",
                "secret": "secret",
                "directAccessGrantsEnabled": True,
                "attributes": {BC: f"{got.url}/bc"},
            },
        )
        assert body["frontchannelLogout"] is False and SESSION_REQUIRED not in body["attributes"]
        await sign_out_user(realm, await grant(realm, "bc"))
        await got.wait_for(1)
    token = tokens(got)[0]
    assert token["aud"] == "bc" and "sid" not in token


async def test_built_in_and_imported_clients_are_not_front_channel(realm: Env) -> None:
    headers = await realm.admin_headers()
    response = await realm.http.post(
        "/admin/realms", headers=headers, json={"realm": "imported", "enabled": True, "clients": [{"clientId": "x"}]}
    )
    assert response.status_code == 201, response.text
    listed = (await realm.http.get("/admin/realms/imported/clients", headers=headers)).json()
    assert {c["clientId"]: c["frontchannelLogout"] for c in listed if c["clientId"] in ("x", "account")} == {
        "x": False,
        "account": False,
    }
    assert SESSION_REQUIRED not in next(c for c in listed if c["clientId"] == "x")["attributes"]


# --- 3. sid only when session.required is true ----------------------------------------------------
@pytest.mark.parametrize(("required", "has_sid"), [(None, False), ("false", False), ("true", True), ("TRUE", True)])
async def test_sid_is_sent_only_when_session_required_is_true(realm: Env, required: str | None, has_sid: bool) -> None:
    with receiver() as got:
        attributes = {BC: got.url} | ({SESSION_REQUIRED: required} if required is not None else {})
        await update_client(realm.db, "test", "app", attributes=attributes)
        body = await grant(realm)
        await sign_out_user(realm, body)
        await got.wait_for(1)
    token = tokens(got)[0]
    assert ("sid" in token) is has_sid, f"session.required={required!r}: Boolean.parseBoolean decides"
    if has_sid:
        assert token["sid"] == body["session_state"]


# --- 4. an offline logout tells only the offline session's clients -----------------------------
async def _online_web_and_offline_app(env: Env) -> tuple[str, str]:
    """The browser logs in to ``web``, then by SSO to ``app`` asking offline_access: one online session with
    both clients, and an offline session of the same id with ``app`` only. Returns (session id, offline token)."""
    await seed_client(env.db, "test", "web", redirect_uris=(REDIRECT,))
    await update_client(env.db, "test", "app", redirect_uris=(REDIRECT,))
    web = await login(env.http, "test", "web")
    assert (await exchange(env.http, "test", "web", web["code"])).status_code == 200
    app = await login(env.http, "test", "app", scope="openid offline_access")
    body = (await exchange(env.http, "test", "app", app["code"])).json()
    assert body["session_state"] == web["session_state"]
    return body["session_state"], body["refresh_token"]


async def _check_only_app_told(env: Env, got: Receiver, session_id: str) -> None:
    await got.wait_for(1)
    await env.drain()
    assert [r.path for r in got.requests] == ["/app"], "the online session's other clients are not told"
    async with env.db.transaction() as tx:
        assert await tx.sessions.get_user_session(session_id, False) is None
        assert await tx.sessions.get_user_session(session_id, True) is None


async def test_logout_with_an_offline_token_tells_only_the_offline_sessions_clients(realm: Env) -> None:
    with receiver() as got:
        session_id, offline_token = await _online_web_and_offline_app(realm)
        await update_client(realm.db, "test", "app", attributes={BC: f"{got.url}/app"})
        await update_client(realm.db, "test", "web", attributes={BC: f"{got.url}/web"})
        response = await realm.http.post(
            token_url("test", "logout"),
            data={"client_id": "app", "client_secret": "secret", "refresh_token": offline_token},
        )
        assert response.status_code == 204, response.text
        await _check_only_app_told(realm, got, session_id)


async def test_admin_offline_session_delete_tells_only_the_offline_sessions_clients(realm: Env) -> None:
    with receiver() as got:
        session_id, _ = await _online_web_and_offline_app(realm)
        await update_client(realm.db, "test", "app", attributes={BC: f"{got.url}/app"})
        await update_client(realm.db, "test", "web", attributes={BC: f"{got.url}/web"})
        response = await realm.http.delete(
            f"/admin/realms/test/sessions/{session_id}",
            params={"isOffline": "true"},
            headers=await realm.admin_headers(),
        )
        assert response.status_code == 204, response.text
        await _check_only_app_told(realm, got, session_id)


# --- 5. iss is the issuer noted at login ----------------------------------------------------------
async def test_the_logout_token_iss_is_the_issuer_of_the_password_login(realm: Env) -> None:
    with receiver() as got:
        await update_client(realm.db, "test", "app", attributes={BC: got.url})
        body = await grant(realm, host="login.example")
        assert claims(body["access_token"])["iss"] == f"{OTHER_HOST}/realms/test"
        await sign_out_user(realm, body)  # asked at http://localhost
        await got.wait_for(1)
    assert tokens(got)[0]["iss"] == f"{OTHER_HOST}/realms/test"


async def test_the_logout_token_iss_is_the_issuer_of_the_browser_login(realm: Env) -> None:
    await update_client(realm.db, "test", "app", redirect_uris=(REDIRECT,))
    page = await realm.http.get(
        f"{OTHER_HOST}/realms/test/protocol/openid-connect/auth",
        params={"client_id": "app", "redirect_uri": REDIRECT, "response_type": "code", "scope": "openid"},
    )
    assert page.status_code == 200, page.text[:300]
    fields = {**form_fields(page.text), "username": "user1", "password": "password"}
    done = await realm.http.post(form_action(page.text), data=fields)
    assert done.status_code == 302, done.text[:300]
    code = parse_qs(done.headers["location"].split("?", 1)[1])["code"][0]
    with receiver() as got:
        await update_client(realm.db, "test", "app", attributes={BC: got.url})
        body = (await exchange(realm.http, "test", "app", code)).json()
        await sign_out_user(realm, body)
        await got.wait_for(1)
    assert tokens(got)[0]["iss"] == f"{OTHER_HOST}/realms/test"


def test_a_client_session_without_an_issuer_note_falls_back_to_the_request_issuer() -> None:
    client = Client(id="c", realm_id="r", client_id="app")
    noted = logout_claims(SessionEnded("r", "u", "s", client, "http://login.example/realms/test"), "fallback", 1, "j")
    older = logout_claims(SessionEnded("r", "u", "s", client), "http://localhost/realms/test", 1, "j")
    assert noted["iss"] == "http://login.example/realms/test"
    assert older["iss"] == "http://localhost/realms/test"
