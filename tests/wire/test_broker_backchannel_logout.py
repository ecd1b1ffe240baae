"""An identity provider's back-channel logout (LogoutEndpoint.backchannelLogout, TokenManager.verifyLogoutToken),
over real HTTP with a second realm as the provider, as Keycloak's BackchannelLogoutTest runs it: the provider realm
tells its client ``broker-app`` (the consumer realm) by a logout token when its session ends, and the consumer
ends the sessions brokered from it; forged tokens, signed with the provider realm's own key, each get Keycloak's
refusal and leave the session alone."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

import inbound_logout_port as port
from broker_support import Broker, broker_tokens, browser, served
from receiver import receiver
from support import update_client
from wire_env import Env

pytestmark = pytest.mark.anyio


async def _sessions(env: Env, realm: str, username: str, *, offline: bool = False) -> list[dict[str, Any]]:
    headers = await env.admin_headers()
    users = await env.http.get(
        f"/admin/realms/{realm}/users", params={"username": username, "exact": "true"}, headers=headers
    )
    user_id = users.json()[0]["id"]
    path = "sessions"
    if offline:
        clients = await env.http.get("/admin/realms/test/clients", params={"clientId": "app"}, headers=headers)
        path = f"offline-sessions/{clients.json()[0]['id']}"
    got = await env.http.get(f"/admin/realms/{realm}/users/{user_id}/{path}", headers=headers)
    assert got.status_code == 200, got.text
    result: list[dict[str, Any]] = got.json()
    return result


async def _at_provider(env: Env) -> tuple[str, str]:
    """Alice's session id and user id at the provider: what its logout token names by ``sid`` and ``sub``."""
    (session,) = await _sessions(env, "provider", "alice")
    return session["id"], session["userId"]


@contextlib.asynccontextmanager
async def _signed_in(env: Env, **login: str) -> AsyncIterator[tuple[Broker, httpx.AsyncClient, str, str]]:
    """The served realms with provider ``kc``, alice signed in through it: alice's session id and user id there."""
    async with served(env) as broker:
        await port.setup(broker)
        async with browser(broker) as http:
            await broker_tokens(http, **login)
            sid, sub = await _at_provider(env)
            yield broker, http, sid, sub


async def test_the_provider_ending_its_session_ends_the_brokered_one(env: Env) -> None:
    """The real upstream: an administrator ends alice's session at the provider; the provider POSTs its logout
    token (``sid`` and ``sub``) to the consumer, which ends the session brokered from it, a LOGOUT event for it, and
    tells its own client ``app`` by back-channel logout in turn (BackchannelLogoutTest's nested brokering)."""
    async with served(env) as broker:
        await port.setup(broker)
        with receiver() as got:
            attributes = {"backchannel.logout.url": f"{got.url}/bc", "backchannel.logout.session.required": "true"}
            await update_client(env.db, "test", "app", attributes=attributes)
            async with browser(broker) as http:
                tokens = await broker_tokens(http)
            sid, _ = await _at_provider(env)
            ended = await env.http.delete(f"/admin/realms/provider/sessions/{sid}", headers=await env.admin_headers())
            assert ended.status_code == 204, ended.text
            await env.drain()
            (told,) = await got.wait_for(1)
        downstream = jwt.decode(parse_qs(told.body)["logout_token"][0], options={"verify_signature": False})
        assert downstream["sid"] == tokens["session_state"] and downstream["aud"] == "app"
        assert await _sessions(env, "test", "alice") == []
        (event,) = await port.events(env)
        assert event["type"] == "LOGOUT" and event["sessionId"] == tokens["session_state"], event
        assert event["userId"] == jwt.decode(tokens["access_token"], options={"verify_signature": False})["sub"]
        assert event.get("clientId") is None and "error" not in event


async def test_by_sub_every_session_brokered_for_that_account_ends(env: Env) -> None:
    """No ``sid`` (the provider's client does not ask for it): getUserSessionByBrokerUserIdStream, every session of
    the user linked to that account that the provider made; a session of another user stays."""
    async with served(env) as broker:
        await port.setup(broker, session_required="false")
        async with browser(broker) as first, browser(broker) as second:
            await broker_tokens(first)
            await broker_tokens(second)
        assert len(await _sessions(env, "test", "alice")) == 2
        provider_sessions = await _sessions(env, "provider", "alice")
        user1 = await env.http.post(
            "/realms/test/protocol/openid-connect/token",
            data={"grant_type": "password", "client_id": "app", "client_secret": "secret", "username": "user1"}
            | {"password": "password"},
        )
        assert user1.status_code == 200, user1.text
        headers = await env.admin_headers()
        await env.http.delete(f"/admin/realms/provider/sessions/{provider_sessions[0]['id']}", headers=headers)
        await env.drain()
        assert await _sessions(env, "test", "alice") == []
        assert len(await _sessions(env, "test", "user1")) == 1
        assert [e["type"] for e in await port.events(env)] == ["LOGOUT", "LOGOUT"]


NOT_VERIFIED = "LogoutToken verification with identity provider failed"
DROP = "<drop>"  # the claim left out


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"exp": -10}, NOT_VERIFIED),  # expired ten seconds ago (the provider's clock skew is 0)
        ({"nbf": 60}, NOT_VERIFIED),  # not valid for another minute
        ({"iss": "https://elsewhere.example/realms/provider"}, NOT_VERIFIED),
        ({"aud": "another-client"}, NOT_VERIFIED),
        ({"azp": "another-client"}, NOT_VERIFIED),
        ({"events": {"urn:other": {}}}, "The LogoutToken event claim is not as expected"),
        ({"events": None}, "The LogoutToken event claim is not as expected"),
        ({"events": DROP}, "The LogoutToken event claim is not as expected"),
        ({"nonce": "n"}, "The LogoutToken contains a nonce claim which is not allowed"),
        ({"jti": DROP}, "The logoutToken jti is missing"),
        ({"iat": DROP}, "The LogoutToken doesn't contain an iat claim"),
        ({"sid": DROP, "sub": DROP}, "Missing sid or sub claim"),
    ],
)
async def test_a_token_failing_a_check_is_refused_and_the_session_stays(
    env: Env, change: dict[str, Any], reason: str
) -> None:
    async with _signed_in(env) as (broker, http, sid, sub):
        claims = port.claims(broker, sid, sub)
        for name, value in change.items():
            if name in ("exp", "nbf"):
                claims[name] = env.clock.now() + value
            elif value == DROP:
                del claims[name]
            else:
                claims[name] = value
        refused = await port.post(http, await port.signed(env, claims))
        assert refused.status_code == 400, refused.text
        assert refused.json() == {"error": "invalid_request", "error_description": reason}
        assert len(await _sessions(env, "test", "alice")) == 1
        (event,) = await port.events(env)
        assert event["type"] == "LOGOUT_ERROR" and event["error"] == "invalid_token", event
        assert event["details"] == {"reason": reason} and event.get("userId") is None


async def test_unsigned_or_shared_secret_tokens_are_not_the_providers(env: Env) -> None:
    """``alg: none`` and HS256 with the client secret: the provider checks signatures with its JWKS only."""
    async with _signed_in(env) as (broker, http, sid, sub):
        claims = port.claims(broker, sid, sub)
        for token in (
            jwt.encode(claims, "", algorithm="none"),
            jwt.encode(claims, "provider-secret" * 3, algorithm="HS256"),
        ):
            refused = await port.post(http, token)
            assert refused.status_code == 400, refused.text
            assert refused.json()["error_description"] == "LogoutToken verification with identity provider failed"
        assert len(await _sessions(env, "test", "alice")) == 1


async def test_a_provider_that_skips_signatures_at_login_still_needs_a_signed_logout_token(env: Env) -> None:
    """``validateSignature`` off lets a login take the provider's ID token unchecked (it came from the token
    endpoint); a logout token comes from anyone, so Doorkeep checks its signature all the same (Keycloak would
    take it unsigned, letting anyone who knows a provider account end its sessions and offline tokens)."""
    async with served(env) as broker:
        await port.setup(broker, validateSignature="false")
        async with browser(broker) as http:
            await broker_tokens(http)
            sid, sub = await _at_provider(env)
            claims = port.claims(broker, sid, sub, events={port.EVENT: {}, "revoke_offline_access": True})
            foreign = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            for token in (
                jwt.encode(claims, "", algorithm="none"),
                jwt.encode(claims, "provider-secret" * 3, algorithm="HS256"),
                jwt.encode(claims, foreign, algorithm="RS256", headers={"kid": "forged"}),
            ):
                refused = await port.post(http, token)
                assert refused.status_code == 400, refused.text
                assert refused.json()["error_description"] == "LogoutToken verification with identity provider failed"
            assert len(await _sessions(env, "test", "alice")) == 1
            done = await port.post(http, await port.signed(env, claims))
            assert done.status_code == 200, done.text
            assert await _sessions(env, "test", "alice") == []


async def test_a_replayed_token_is_checked_again_and_ends_nothing_more(env: Env) -> None:
    """Keycloak keeps no record of a logout token's ``jti``: the same token again is 200 and ends nothing."""
    async with _signed_in(env) as (broker, http, sid, sub):
        token = await port.signed(env, port.claims(broker, sid, sub))
        for _ in range(2):
            done = await port.post(http, token)
            assert done.status_code == 200 and done.content == b"", done.text
            assert done.headers["content-type"].startswith("application/json")
        assert await _sessions(env, "test", "alice") == []
        assert [e["type"] for e in await port.events(env)] == ["LOGOUT"]


async def test_a_token_for_another_provider_does_not_end_this_providers_session(env: Env) -> None:
    """A second provider of the same issuer with another client id verifies a token for that client; its ``sid``
    is looked up as that provider's broker session, so the session brokered through ``kc`` stays (200)."""
    async with _signed_in(env) as (broker, http, sid, sub):
        other = {**broker.provider_rep(clientId="other-app"), "alias": "other"}
        headers = await env.admin_headers()
        created = await env.http.post("/admin/realms/test/identity-provider/instances", json=other, headers=headers)
        assert created.status_code == 201, created.text
        done = await port.post(http, await port.signed(env, port.claims(broker, sid, sub, aud="other-app")))
        assert done.status_code == 200, done.text
        assert len(await _sessions(env, "test", "alice")) == 1
        assert await port.events(env) == []


@pytest.mark.parametrize("revoke", [True, False])
async def test_revoke_offline_access_revokes_the_brokered_offline_session(env: Env, revoke: bool) -> None:
    """The events' ``revoke_offline_access``: the offline session brokered from that provider session goes too
    (and the online one in any case); without it the offline session stays."""
    async with _signed_in(env, scope="openid offline_access") as (broker, http, sid, sub):
        assert len(await _sessions(env, "test", "alice", offline=True)) == 1
        events = {port.EVENT: {}, "revoke_offline_access": revoke}
        done = await port.post(http, await port.signed(env, port.claims(broker, sid, sub, events=events)))
        assert done.status_code == 200, done.text
        assert await _sessions(env, "test", "alice") == []
        assert len(await _sessions(env, "test", "alice", offline=True)) == (0 if revoke else 1)


@pytest.mark.parametrize(("answer", "status"), [(200, 200), (500, 504)])
async def test_the_answer_waits_for_the_clients_told_504_when_one_fails(env: Env, answer: int, status: int) -> None:
    """LogoutEndpoint tells the ended session's clients before answering: 200 once ``app`` took its logout token,
    504 when it answered an error; the session ends either way (postBackchannelLogoutNestedBrokering...Fails)."""
    with receiver(status=answer) as got:
        attributes = {"backchannel.logout.url": f"{got.url}/bc"}
        async with _signed_in(env) as (broker, http, sid, sub):
            await update_client(env.db, "test", "app", attributes=attributes)
            told = await port.post(http, await port.signed(env, port.claims(broker, sid, sub)))
            assert told.status_code == status and told.content == b"", told.text
            assert told.headers["content-type"].startswith("application/json")
            assert len(await got.wait_for(1)) == 1
            assert await _sessions(env, "test", "alice") == []
            assert [e["type"] for e in await port.events(env)] == ["LOGOUT"]


async def test_a_disabled_client_is_a_failed_local_logout_and_nothing_ends(env: Env) -> None:
    """postBackchannelLogoutOnDisabledClientReturnsNotImplemented: the session's client ``app`` is disabled, so
    Keycloak cannot log it out: 501 ``server_error`` "There was an error during the local logout", LOGOUT_ERROR
    ``logout_failed`` with that message as ``reason`` (LogoutEndpoint.backchannelLogout since its
    LogoutTokenValidationContext), and its rollback leaves the session as it was."""
    async with _signed_in(env) as (broker, http, sid, sub):
        await update_client(env.db, "test", "app", enabled=False)
        refused = await port.post(http, await port.signed(env, port.claims(broker, sid, sub)))
        assert refused.status_code == 501, refused.text
        assert refused.json() == {
            "error": "server_error",
            "error_description": "There was an error during the local logout",
        }
        assert len(await _sessions(env, "test", "alice")) == 1
        [event] = await port.events(env)
        assert event["type"] == "LOGOUT_ERROR" and event["error"] == "logout_failed"
        assert event["details"] == {"reason": "There was an error during the local logout"}, event


async def test_without_jwks_url_the_validating_public_key_checks_the_logout_token(env: Env) -> None:
    """Keycloak 27.0 (CVE-2026-18569): a logout token's signature is checked even with ``validateSignature`` off,
    with the provider's ``Validating public key`` when ``useJwksUrl`` is off (PublicKeyStorageManager's
    HardcodedPublicKeyLoader): unsigned and foreign tokens are refused, the provider's own signature ends the
    session."""
    async with served(env) as broker:
        keys = await env.http.get("/admin/realms/provider/keys", headers=await env.admin_headers())
        (rs256,) = [k for k in keys.json()["keys"] if k.get("algorithm") == "RS256" and k.get("publicKey")]
        pem = f"-----BEGIN PUBLIC KEY-----\n{rs256['publicKey']}\n-----END PUBLIC KEY-----"
        await port.setup(broker, validateSignature="false", useJwksUrl="false", publicKeySignatureVerifier=pem)
        async with browser(broker) as http:
            await broker_tokens(http)
            sid, sub = await _at_provider(env)
            claims = port.claims(broker, sid, sub)
            foreign = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            for token in (
                jwt.encode(claims, "", algorithm="none"),
                jwt.encode(claims, foreign, algorithm="RS256", headers={"kid": rs256["kid"]}),
            ):
                refused = await port.post(http, token)
                assert refused.status_code == 400, refused.text
                assert refused.json()["error_description"] == "LogoutToken verification with identity provider failed"
            assert len(await _sessions(env, "test", "alice")) == 1
            done = await port.post(http, await port.signed(env, claims))
            assert done.status_code == 200, done.text
            assert await _sessions(env, "test", "alice") == []
