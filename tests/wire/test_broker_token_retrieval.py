"""Retrieving the stored token of an identity provider, ``GET /realms/{realm}/broker/{alias}/token``, over real
HTTP with a second realm as the provider (IdentityBrokerService.retrieveToken; KcOidcBrokerTest's
testRetrieveToken, BrokerLinkAndTokenExchangeTest's read-token checks)."""

from __future__ import annotations

import json

import jwt
import pytest

from broker_support import ALIAS, browser, served
from broker_token_support import RETRIEVE, alice_token, enable_events, events_of, retrieve, user_id_of
from support import password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio


async def _grant_read_token(env: Env, username: str) -> None:
    headers = await env.admin_headers()
    clients = await env.http.get("/admin/realms/test/clients", params={"clientId": "broker"}, headers=headers)
    broker_uuid = clients.json()[0]["id"]
    role = await env.http.get(f"/admin/realms/test/clients/{broker_uuid}/roles/read-token", headers=headers)
    assert role.status_code == 200, role.text
    user_id = await user_id_of(env, username)
    granted = await env.http.post(
        f"/admin/realms/test/users/{user_id}/role-mappings/clients/{broker_uuid}", json=[role.json()], headers=headers
    )
    assert granted.status_code == 204, granted.text


async def test_a_new_realm_has_the_broker_client_with_its_read_token_role(env: Env) -> None:
    """RealmManager.setupBrokerService: the bearer-only ``broker`` client and its ``read-token`` role."""
    headers = await env.admin_headers()
    created = await env.http.post("/admin/realms", json={"realm": "fresh", "enabled": True}, headers=headers)
    assert created.status_code == 201, created.text
    clients = await env.http.get("/admin/realms/fresh/clients", params={"clientId": "broker"}, headers=headers)
    [broker] = clients.json()
    assert broker["bearerOnly"] is True
    roles = await env.http.get(f"/admin/realms/fresh/clients/{broker['id']}/roles", headers=headers)
    assert [(r["name"], r["description"], r["clientRole"]) for r in roles.json()] == [
        ("read-token", "${role_read-token}", True)
    ]


async def test_the_user_the_provider_created_reads_the_stored_token_response(
    env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    """KcOidcBrokerTest: with ``storeToken`` and ``addReadTokenRoleOnCreate`` the new user's token carries
    broker/read-token and the endpoint answers the provider's token response as it was stored; the event names the
    provider and never carries the token."""
    async with served(env) as broker:
        await enable_events(env)
        await broker.add_provider(storeToken=True, addReadTokenRoleOnCreate=True)
        token = await alice_token(broker)
        claims = jwt.decode(token, options={"verify_signature": False})
        assert claims["resource_access"]["broker"]["roles"] == ["read-token"]
        answer = await retrieve(broker, token)
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].startswith("application/json")
        assert answer.headers["cache-control"] == "no-cache"
        stored = answer.json()
        assert stored["token_type"] == "Bearer"
        provider_claims = jwt.decode(stored["access_token"], options={"verify_signature": False})
        assert provider_claims["iss"] == f"{broker.base}/realms/provider"
        assert provider_claims["preferred_username"] == "alice"
        assert stored["id_token"] and stored["refresh_token"]
        assert stored["accessTokenExpiration"] == env.clock.now() + stored["expires_in"]
        [event] = await events_of(env, RETRIEVE)
        assert event["clientId"] == "app" and event["userId"] == claims["sub"]
        assert event["details"] == {"identity_provider": ALIAS}
        everything = json.dumps(await events_of(env, ""))
        assert stored["access_token"] not in everything and stored["refresh_token"] not in everything
        assert stored["access_token"] not in caplog.text and stored["refresh_token"] not in caplog.text


async def test_a_token_that_is_missing_forged_expired_or_of_another_realm_is_invalid(env: Env) -> None:
    """BearerTokenAuthenticator answers nothing for these: 400 ``Invalid token.``, recorded as the error."""
    async with served(env) as broker:
        await enable_events(env)
        await broker.add_provider(storeToken=True, addReadTokenRoleOnCreate=True)
        token = await alice_token(broker)
        head, body, signature = token.split(".")
        forged = f"{head}.{body}.{signature[:-4]}AAAA"
        async with browser(broker) as http:
            other = await password_grant(http, "provider", "broker-app", "alice", secret="provider-secret")
        assert other.status_code == 200, other.text
        for bad in (None, "garbage", forged, other.json()["access_token"]):
            answer = await retrieve(broker, bad)
            assert answer.status_code == 400, (bad, answer.text)
            assert answer.json() == {"errorMessage": "Invalid token."}
        env.clock.advance(3600)
        expired = await retrieve(broker, token)
        assert expired.status_code == 400 and expired.json() == {"errorMessage": "Invalid token."}
        errors = await events_of(env, f"{RETRIEVE}_ERROR")
        assert errors and {e["error"] for e in errors} == {"Invalid token."}


async def test_a_token_without_broker_read_token_is_forbidden(env: Env) -> None:
    """canReadBrokerToken reads the token: a user without the role (no ``addReadTokenRoleOnCreate``), or a client
    whose scope leaves broker's roles out, gets 403 naming the client and the provider."""
    async with served(env) as broker:
        await enable_events(env)
        await broker.add_provider(storeToken=True)
        token = await alice_token(broker)
        assert "broker" not in (jwt.decode(token, options={"verify_signature": False}).get("resource_access") or {})
        answer = await retrieve(broker, token)
        assert answer.status_code == 403
        message = f"Client [app] not authorized to retrieve tokens from identity provider [{ALIAS}]."
        assert answer.json() == {"errorMessage": message}
        [error] = await events_of(env, f"{RETRIEVE}_ERROR")
        assert error["error"] == "unauthorized_client"
        assert error["details"]["reason"] == "Client not authorized to retrieve tokens for provider"

        await _grant_read_token(env, "alice")
        headers = await env.admin_headers()
        app = (await env.http.get("/admin/realms/test/clients", params={"clientId": "app"}, headers=headers)).json()[0]
        updated = await env.http.put(
            f"/admin/realms/test/clients/{app['id']}", json={**app, "fullScopeAllowed": False}, headers=headers
        )
        assert updated.status_code == 204, updated.text
        scoped = await retrieve(broker, await alice_token(broker))
        assert scoped.status_code == 403 and scoped.json() == {"errorMessage": message}


async def test_the_provider_must_exist_store_tokens_and_be_linked_to_the_user(env: Env) -> None:
    """The refusals after the role check: an unknown alias is the 502 error page (IdentityBrokerException), a
    provider without ``storeToken`` 400, a user without the link 400, a link without a token 404."""
    async with served(env) as broker:
        await broker.add_provider(addReadTokenRoleOnCreate=True)  # storeToken off: the link keeps no token
        token = await alice_token(broker)
        unknown = await retrieve(broker, token, alias="nope")
        assert unknown.status_code == 502 and "text/html" in unknown.headers["content-type"]
        assert "Could not obtain token from identity provider." in unknown.text
        off = await retrieve(broker, token)
        assert off.status_code == 400
        assert off.json() == {"errorMessage": f"Identity Provider [{ALIAS}] does not support this operation."}

        headers = await env.admin_headers()
        rep = broker.provider_rep()
        rep.update(storeToken=True, addReadTokenRoleOnCreate=True)
        put = await env.http.put(f"/admin/realms/test/identity-provider/instances/{ALIAS}", json=rep, headers=headers)
        assert put.status_code == 204, put.text
        alice = await user_id_of(env, "alice")
        none_stored = await retrieve(broker, token)
        assert none_stored.status_code == 404
        message = f"No token stored for user [{alice}] with associated identity provider [{ALIAS}]."
        assert none_stored.json() == {"errorMessage": message}

        await _grant_read_token(env, "user1")
        async with browser(broker) as http:  # issued for the served address, where the token is sent
            user1 = await password_grant(http, "test", "app")
        assert user1.status_code == 200, user1.text
        unlinked = await retrieve(broker, user1.json()["access_token"])
        assert unlinked.status_code == 400
        user1_id = await user_id_of(env, "user1")
        message = f"User [{user1_id}] is not associated with identity provider [{ALIAS}]."
        assert unlinked.json() == {"errorMessage": message}


async def test_another_realms_path_does_not_accept_the_token(env: Env) -> None:
    """A token of realm ``test`` sent to the provider realm's broker path, or to a realm that does not exist."""
    async with served(env) as broker:
        await broker.add_provider(storeToken=True, addReadTokenRoleOnCreate=True)
        token = await alice_token(broker)
        elsewhere = await retrieve(broker, token, realm="provider")
        assert elsewhere.status_code == 400 and elsewhere.json() == {"errorMessage": "Invalid token."}
        missing = await retrieve(broker, token, realm="no-such-realm")
        assert missing.status_code == 404
        async with browser(broker) as http:
            preflight = await http.options(
                f"/realms/test/broker/{ALIAS}/token", headers={"Origin": "http://app.example"}
            )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "http://app.example"
