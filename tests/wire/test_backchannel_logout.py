"""Backchannel logout (OIDC Back-Channel Logout 1.0 as Keycloak 26 sends it): when a session ends, each
client with a ``backchannel.logout.url`` gets a POSTed, signed ``logout_token``, after commit."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs

import jwt
import pytest

from browser_flow import REDIRECT, exchange, login
from doorkeep.model import Consent
from receiver import Receiver, closed_port, receiver
from support import (
    claims,
    password_grant,
    seed_client,
    seed_realm,
    seed_user,
    token_url,
    update_client,
    update_realm,
)
from wire_env import Env

pytestmark = pytest.mark.anyio
EVENT = "http://schemas.openid.net/event/backchannel-logout"
BC = "backchannel.logout.url"
SID = "backchannel.logout.session.required"  # absent is false (Boolean.parseBoolean): no sid


async def logout(env: Env, refresh_token: str) -> int:
    response = await env.http.post(
        token_url("test", "logout"),
        data={"client_id": "app", "client_secret": "secret", "refresh_token": refresh_token},
    )
    return response.status_code


async def verified(env: Env, got: Receiver, index: int = 0) -> dict[str, Any]:
    """The logout token of request ``index``, its signature checked with the realm's /certs."""
    request = (await got.wait_for(index + 1))[index]
    assert request.content_type == "application/x-www-form-urlencoded"
    token = parse_qs(request.body)["logout_token"][0]
    jwks = jwt.PyJWKSet.from_dict((await env.http.get(token_url("test", "certs"))).json())
    head = jwt.get_unverified_header(token)
    assert head["typ"] == "logout+jwt"
    key = next(k for k in jwks.keys if k.key_id == head["kid"])
    return dict(jwt.decode(token, key.key, algorithms=[head["alg"]], audience="app", options={"verify_exp": False}))


async def grant(env: Env, scope: str | None = None) -> dict[str, Any]:
    response = await password_grant(env.http, "test", "app", scope=scope)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_logout_with_a_refresh_token_posts_a_signed_logout_token(realm: Env) -> None:
    with receiver() as got:
        await update_client(realm.db, "test", "app", attributes={BC: f"{got.url}/bc", SID: "true"})
        body = await grant(realm)
        assert await logout(realm, body["refresh_token"]) == 204
        token = await verified(realm, got)
    access = claims(body["access_token"])
    assert got.requests[0].path == "/bc"
    assert token["iss"] == access["iss"] == "http://localhost/realms/test"
    assert token["aud"] == "app" and token["sub"] == access["sub"]
    assert token["sid"] == body["session_state"]
    assert token["typ"] == "Logout" and token["events"] == {EVENT: {}}
    assert token["exp"] == token["iat"] + 120 and token["jti"]
    assert "nonce" not in token


async def test_session_required_false_leaves_out_sid(realm: Env) -> None:
    with receiver() as got:
        await update_client(realm.db, "test", "app", attributes={BC: got.url, SID: "false"})
        assert await logout(realm, (await grant(realm))["refresh_token"]) == 204
        token = await verified(realm, got)
    assert "sid" not in token and token["sub"]


async def test_revoke_offline_tokens_is_announced_in_the_token(realm: Env) -> None:
    with receiver() as got:
        await update_client(
            realm.db, "test", "app", attributes={BC: got.url, "backchannel.logout.revoke.offline.tokens": "true"}
        )
        assert await logout(realm, (await grant(realm))["refresh_token"]) == 204
        token = await verified(realm, got)
    assert token["events"] == {EVENT: {}, "revoke_offline_access": True}


async def test_logout_with_an_offline_token_ends_the_offline_session_and_tells_the_client(realm: Env) -> None:
    with receiver() as got:
        await update_client(
            realm.db,
            "test",
            "app",
            attributes={BC: got.url, "backchannel.logout.revoke.offline.tokens": "true", SID: "true"},
        )
        body = await grant(realm, "openid offline_access")
        assert await logout(realm, body["refresh_token"]) == 204
        token = await verified(realm, got)
        assert len(got.requests) == 1  # the offline and the same-id online session are one logout
    assert token["sid"] == body["session_state"]
    async with realm.db.transaction() as tx:
        assert await tx.sessions.get_user_session(body["session_state"], True) is None


async def test_a_client_without_a_backchannel_url_gets_nothing_others_still_do(realm: Env) -> None:
    await seed_client(realm.db, "test", "other")
    with receiver() as got:
        await update_client(realm.db, "test", "app", attributes={BC: got.url})
        other = await password_grant(realm.http, "test", "other")
        response = await realm.http.post(
            token_url("test", "logout"),
            data={"client_id": "other", "client_secret": "secret", "refresh_token": other.json()["refresh_token"]},
        )
        assert response.status_code == 204
        assert await logout(realm, (await grant(realm))["refresh_token"]) == 204
        await got.wait_for(1)
        assert len(got.requests) == 1


async def test_admin_session_delete_and_user_logout_tell_the_client(realm: Env) -> None:
    headers = await realm.admin_headers()
    with receiver() as got:
        await update_client(realm.db, "test", "app", attributes={BC: got.url, SID: "true"})
        first = await grant(realm)
        response = await realm.http.delete(f"/admin/realms/test/sessions/{first['session_state']}", headers=headers)
        assert response.status_code == 204
        assert (await verified(realm, got, 0))["sid"] == first["session_state"]
        second = await grant(realm)
        user = claims(second["access_token"])["sub"]
        response = await realm.http.post(f"/admin/realms/test/users/{user}/logout", headers=headers)
        assert response.status_code == 204
        assert (await verified(realm, got, 1))["sid"] == second["session_state"]
        offline = await grant(realm, "openid offline_access")
        response = await realm.http.delete(
            f"/admin/realms/test/sessions/{offline['session_state']}", params={"isOffline": "true"}, headers=headers
        )
        assert response.status_code == 204
        assert (await verified(realm, got, 2))["sid"] == offline["session_state"]


async def test_consent_revocation_tells_the_client_of_its_online_sessions(realm: Env) -> None:
    headers = await realm.admin_headers()
    with receiver() as got:
        app = await update_client(realm.db, "test", "app", attributes={BC: got.url, SID: "true"})
        online = await grant(realm)
        user = claims(online["access_token"])["sub"]
        async with realm.db.transaction() as tx:
            await tx.sessions.save_consent(Consent(user, app.id, (), 1000, 1000))
        response = await realm.http.delete(f"/admin/realms/test/users/{user}/consents/app", headers=headers)
        assert response.status_code == 204
        assert (await verified(realm, got))["sid"] == online["session_state"]


async def test_account_sign_out_tells_the_client(realm: Env) -> None:
    with receiver() as got:
        await update_client(realm.db, "test", "app", attributes={BC: got.url, SID: "true"})
        other = await grant(realm)
        caller = await grant(realm)
        response = await realm.http.delete(
            "/realms/test/account/sessions", headers={"Authorization": f"Bearer {caller['access_token']}"}
        )
        assert response.status_code == 204, response.text
        assert (await verified(realm, got))["sid"] == other["session_state"]
        response = await realm.http.delete(
            f"/realms/test/account/sessions/{caller['session_state']}",
            headers={"Authorization": f"Bearer {caller['access_token']}"},
        )
        assert response.status_code == 204, response.text
        assert (await verified(realm, got, 1))["sid"] == caller["session_state"]


async def test_a_receiver_that_never_answers_does_not_hold_up_the_logout(realm: Env) -> None:
    with receiver(hang=True) as got:
        await update_client(realm.db, "test", "app", attributes={BC: got.url})
        body = await grant(realm)
        started = time.monotonic()
        assert await logout(realm, body["refresh_token"]) == 204
        assert time.monotonic() - started < 10
        await got.wait_for(1)
        again = await grant(realm)  # the server keeps serving while the delivery waits
        assert again["session_state"] != body["session_state"]


async def test_an_unreachable_client_does_not_break_the_logout(realm: Env) -> None:
    await update_client(realm.db, "test", "app", attributes={BC: f"http://127.0.0.1:{closed_port()}/bc"})
    body = await grant(realm)
    assert await logout(realm, body["refresh_token"]) == 204
    async with realm.db.transaction() as tx:
        assert await tx.sessions.get_user_session(body["session_state"], False) is None


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("javascript:alert(1)", "Backchannel logout URL uses an illegal scheme"),
        ("https://app.example/a b", "Backchannel logout URL is not a valid URL"),
    ],
)
async def test_an_invalid_backchannel_url_is_refused_by_the_admin_api(realm: Env, url: str, message: str) -> None:
    response = await realm.http.post(
        "/admin/realms/test/clients",
        headers=await realm.admin_headers(),
        json={"clientId": "bad", "attributes": {BC: url}},
    )
    assert response.status_code == 400, response.text
    assert message in response.text


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app")
    await seed_user(env.db, env.clock, "test", "user1", realm_roles=("offline_access",))
    return env


async def test_rp_initiated_browser_logout_tells_the_client(realm: Env) -> None:
    with receiver() as got:
        await update_client(
            realm.db,
            "test",
            "app",
            redirect_uris=("http://127.0.0.1:9999/*",),
            attributes={BC: got.url, SID: "true", "post.logout.redirect.uris": "+"},
        )
        params = await login(realm.http, "test", "app")
        body = (await exchange(realm.http, "test", "app", params["code"])).json()
        response = await realm.http.get(
            token_url("test", "logout"),
            params={"id_token_hint": body["id_token"], "post_logout_redirect_uri": REDIRECT},
        )
        assert response.status_code == 302
        token = await verified(realm, got)
    assert token["sid"] == body["session_state"] == params["session_state"]
    assert token["sub"] == claims(body["id_token"])["sub"]


async def test_refreshing_on_an_expired_online_session_logs_the_client_out(realm: Env) -> None:
    with receiver() as got:
        await update_client(realm.db, "test", "app", attributes={BC: got.url, SID: "true"})
        body = await grant(realm)
        await update_realm(realm.db, "test", sso_session_idle_timeout=10)  # the token outlives the session
        realm.clock.advance(100)
        response = await realm.http.post(
            token_url("test"),
            data={
                "grant_type": "refresh_token",
                "client_id": "app",
                "client_secret": "secret",
                "refresh_token": body["refresh_token"],
            },
        )
        assert response.status_code == 400
        assert (await verified(realm, got))["sid"] == body["session_state"]


async def test_a_client_created_through_the_admin_api_gets_its_logout_token(realm: Env) -> None:
    headers = await realm.admin_headers()
    with receiver() as got:
        response = await realm.http.post(
            "/admin/realms/test/clients",
            headers=headers,
            json={
                "clientId": "bc-app",
                "secret": "s3cret",
                "directAccessGrantsEnabled": True,
                "frontchannelLogout": False,
                "attributes": {BC: f"{got.url}/logout", "backchannel.logout.session.required": "true"},
            },
        )
        assert response.status_code == 201, response.text
        body = (await password_grant(realm.http, "test", "bc-app", secret="s3cret")).json()
        response = await realm.http.post(
            token_url("test", "logout"),
            data={"client_id": "bc-app", "client_secret": "s3cret", "refresh_token": body["refresh_token"]},
        )
        assert response.status_code == 204
        request = (await got.wait_for())[0]
    assert request.path == "/logout"
    token = jwt.decode(parse_qs(request.body)["logout_token"][0], options={"verify_signature": False})
    assert token["aud"] == "bc-app" and token["sid"] == body["session_state"]
