"""Keycloak's ``org.keycloak.testsuite.oauth.BackchannelLogoutTest`` (testsuite/integration-arquillian), ported:
the *inbound* back-channel logout, ``POST .../protocol/openid-connect/logout/backchannel-logout`` with a
``logout_token`` from an upstream provider (LogoutEndpoint.backchannelLogout, TokenManager.verifyLogoutToken).

Outbound logout tokens, the ones Doorkeep sends to its own clients, are covered by ``test_backchannel_logout.py``
(delivery, signature, claims) and ``test_backchannel_keycloak_parity.py`` (who is told, ``sid``, ``iss``); not
repeated here.

The realm ``consumer`` is created through the admin API with events on, as the Java test's consumer realm.

The methods that log out brokered sessions (``postBackchannelLogoutWithSessionId`` and the rest) need a second
realm as the provider: ``test_broker_backchannel_logout.py`` runs them over real HTTP (by ``sid`` and by ``sub``,
another provider's token, ``revoke_offline_access``, each refusal). Here the realm has no identity provider, so
every decodable token stops at "No Identity Provider has been found".
"""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "consumer"
BACKCHANNEL = f"/realms/{REALM}/protocol/openid-connect/logout/backchannel-logout"
TOKEN = f"/realms/{REALM}/protocol/openid-connect/token"
EVENT = "http://schemas.openid.net/event/backchannel-logout"
NO_IDP = "No Identity Provider has been found"  # LogoutTokenValidationCode.COULD_NOT_FIND_IDP
DECODE_FAILED = "The decode of the logoutToken failed"  # LogoutTokenValidationCode.DECODE_TOKEN_FAILED


@pytest.fixture
async def consumer(env: Env) -> Env:
    rep = {
        "realm": REALM,
        "enabled": True,
        "eventsEnabled": True,
        "clients": [{"clientId": "consumer-client", "secret": "secret", "directAccessGrantsEnabled": True}],
        "users": [
            {
                "username": "testuser",
                "email": "testuser@localhost",
                "firstName": "f",
                "lastName": "l",
                "emailVerified": True,
                "enabled": True,
                "credentials": [{"type": "password", "value": "password", "temporary": False}],
            }
        ],
    }
    response = await env.http.post("/admin/realms", json=rep, headers=await env.admin_headers())
    assert response.status_code == 201, response.text
    return env


async def backchannel_logout(env: Env, token: str | None) -> httpx.Response:
    """``oauth.doBackchannelLogout(token)``: the form, with ``logout_token`` only when there is one."""
    return await env.http.post(BACKCHANNEL, data={} if token is None else {"logout_token": token})


async def realm_id(env: Env) -> str:
    response = await env.http.get(f"/admin/realms/{REALM}", headers=await env.admin_headers())
    return str(response.json()["id"])


async def events(env: Env) -> list[dict[str, Any]]:
    response = await env.http.get(f"/admin/realms/{REALM}/events", headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    return list(response.json())


async def expect_logout_error(env: Env, error: str, reason: str) -> None:
    """``events.expectLogoutError(error).realm(realmIdConsumerRealm).assertEvent()``: no client, user or session."""
    (event,) = await events(env)
    assert event["type"] == "LOGOUT_ERROR" and event["error"] == error, event
    assert event["realmId"] == await realm_id(env), event
    assert event.get("clientId") is None and event.get("userId") is None and event.get("sessionId") is None, event
    assert event["details"] == {"reason": reason}, event


def b64(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


# --- BackchannelLogoutTest ------------------------------------------------------------------------------------


async def test_post_backchannel_logout_without_logout_token(consumer: Env) -> None:
    response = await backchannel_logout(consumer, None)
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_request", "error_description": "No logout token"}
    await expect_logout_error(consumer, "invalid_token", "No logout token")


async def test_post_backchannel_logout_with_invalid_logout_token(consumer: Env) -> None:
    """``Base64Url.encode(JsonSerialization.writeValueAsBytes(createObjectNode()))``: ``{}`` alone, no JWS parts."""
    response = await backchannel_logout(consumer, b64({}))
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_request", "error_description": DECODE_FAILED}
    await expect_logout_error(consumer, "invalid_token", DECODE_FAILED)


# --- Doorkeep: a realm without identity providers -------------------------------------------------------------


def signed_logout_token(sid: str | None, sub: str) -> str:
    """LogoutTokenUtil.generateSignedLogoutToken: RS256 with a key of its own, ``typ`` Logout, the event."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims: dict[str, Any] = {
        "iss": "http://localhost/realms/provider",
        "aud": "brokerapp",
        "sub": sub,
        "iat": 1,
        "jti": "a-logout-token",
        "typ": "Logout",
        "events": {EVENT: {}},
    }
    if sid is not None:
        claims["sid"] = sid
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "rsa-test-2"})


async def test_a_decodable_logout_token_finds_no_identity_provider(consumer: Env) -> None:
    """Every decodable token stops at COULD_NOT_FIND_IDP (the realm has no identity provider), even one naming
    a live session of the realm by ``sid`` and ``sub``: that session stays."""
    grant = await consumer.http.post(
        TOKEN,
        data={
            "grant_type": "password",
            "client_id": "consumer-client",
            "client_secret": "secret",
            "username": "testuser",
            "password": "password",
        },
    )
    assert grant.status_code == 200, grant.text
    body = grant.json()
    sub = jwt.decode(body["access_token"], options={"verify_signature": False})["sub"]
    for sid in (body["session_state"], None):
        response = await backchannel_logout(consumer, signed_logout_token(sid, sub))
        assert response.status_code == 400
        assert response.json() == {"error": "invalid_request", "error_description": NO_IDP}
    async with consumer.db.transaction() as tx:
        assert await tx.sessions.get_user_session(body["session_state"], False) is not None
    found = await events(consumer)
    assert [(e["type"], e.get("error"), e["details"]["reason"]) for e in found if e["type"] != "LOGIN"] == [
        ("LOGOUT_ERROR", "invalid_token", NO_IDP)
    ] * 2


def _nested(depth: int) -> str:
    """A base64url segment of ``depth`` nested JSON arrays."""
    return base64.urlsafe_b64encode(b"[" * depth + b"]" * depth).rstrip(b"=").decode()


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        ("", DECODE_FAILED),
        ("a.b.c.d", DECODE_FAILED),
        ("!!!.???", DECODE_FAILED),
        (b64([]) + "." + b64({}), DECODE_FAILED),  # a header that is no JSON object
        (b64({"alg": "none"}) + "." + b64({"exp": "soon"}), DECODE_FAILED),  # Jackson cannot bind exp to a Long
        (b64({"alg": "none"}) + "." + b64({"sid": {"x": 1}}), DECODE_FAILED),
        (b64({"alg": "none"}) + "." + b64({"events": []}), DECODE_FAILED),
        (b64({"alg": "none"}) + "." + b64({}), NO_IDP),  # unsigned but decodable: the next check refuses it
        (b64({"alg": "none"}) + "." + b64({"exp": "12"}) + ".", NO_IDP),  # Java's split drops the empty part
        ("x" * 5000, DECODE_FAILED),
        (_nested(5000) + "." + b64({}), DECODE_FAILED),  # nested deeper than a JSON parser recurses
        (b64({"alg": "none"}) + "." + _nested(5000), DECODE_FAILED),
    ],
)
async def test_a_malformed_logout_token_is_a_400_never_a_500(consumer: Env, token: str, reason: str) -> None:
    response = await backchannel_logout(consumer, token)
    assert response.status_code == 400, response.text
    assert response.json() == {"error": "invalid_request", "error_description": reason}


async def test_the_endpoint_takes_a_form_only(consumer: Env) -> None:
    response = await consumer.http.post(BACKCHANNEL, json={"logout_token": "x"})
    assert response.status_code == 415, response.text
    assert (await consumer.http.get(BACKCHANNEL)).status_code == 405


async def test_an_unknown_realm_is_404(consumer: Env) -> None:
    response = await consumer.http.post(
        "/realms/nosuch/protocol/openid-connect/logout/backchannel-logout", data={"logout_token": "x"}
    )
    assert response.status_code == 404 and response.json() == {"error": "Realm does not exist"}
