"""Keycloak 26.6.2: the userinfo endpoint refuses lightweight access tokens (upgrading note changes-26_6_2
"UserInfo endpoint rejects lightweight access tokens"), unless the server option
``allow-userinfo-with-lightweight-access-token`` or the *issuing* client's (``azp``) attribute
``allow.userinfo.with.lightweight.access.token`` allows it; both compatibility switches round-trip through the
Admin REST API.
"""

from __future__ import annotations

import logging

import httpx
import pytest

import keycloak_port as kc
from support import claims, update_client
from token_port import events_of, grant, keep_events, prepare
from wire_env import Env

pytestmark = pytest.mark.anyio

LIGHTWEIGHT = "client.use.lightweight.access.token.enabled"
SWITCH = "allow.userinfo.with.lightweight.access.token"
INTROSPECTION_SWITCH = "allow.token.introspection.without.audience.check"
USERINFO = "/realms/test/protocol/openid-connect/userinfo"


@pytest.fixture
async def realm(realm: Env) -> Env:
    await prepare(realm)
    await update_client(realm.db, "test", "app", attributes={LIGHTWEIGHT: "true"})
    await keep_events(realm, "USER_INFO_REQUEST", "USER_INFO_REQUEST_ERROR")
    return realm


async def userinfo(env: Env, token: str) -> httpx.Response:
    return await env.http.get(USERINFO, headers={"Authorization": f"Bearer {token}"})


async def lightweight_token(env: Env) -> str:
    token = str((await grant(env))["access_token"])
    assert claims(token)["jti"][2:4] == "lt"
    return token


async def test_a_lightweight_access_token_is_refused_with_401_invalid_token(realm: Env) -> None:
    response = await userinfo(realm, await lightweight_token(realm))
    assert response.status_code == 401 and response.content == b""
    challenge = response.headers["www-authenticate"]
    assert 'error="invalid_token"' in challenge, challenge
    assert 'error_description="Lightweight access token not allowed"' in challenge, challenge
    (event,) = await events_of(realm, "USER_INFO_REQUEST_ERROR")
    assert event["error"] == "invalid_token" and event["clientId"] == "app", event
    assert await events_of(realm, "USER_INFO_REQUEST") == []


async def test_a_regular_access_token_of_the_same_client_is_answered(realm: Env) -> None:
    await update_client(realm.db, "test", "app", attributes={LIGHTWEIGHT: "false"})
    response = await userinfo(realm, str((await grant(realm))["access_token"]))
    assert response.status_code == 200, response.text


@pytest.mark.server_options(oidc_allow_userinfo_with_lightweight_access_token=True)
async def test_the_server_option_lets_lightweight_tokens_in_with_a_warning(
    realm: Env, caplog: pytest.LogCaptureFixture
) -> None:
    token = await lightweight_token(realm)
    with caplog.at_level(logging.WARNING, logger="doorkeep.oauth.userinfo"):
        response = await userinfo(realm, token)
    assert response.status_code == 200 and response.json()["preferred_username"] == "user1", response.text
    (record,) = [r for r in caplog.records if r.name == "doorkeep.oauth.userinfo"]
    assert "server-wide setting" in record.getMessage() and token not in record.getMessage()


async def test_the_issuing_clients_attribute_lets_its_tokens_in(realm: Env) -> None:
    token = await lightweight_token(realm)
    await update_client(realm.db, "test", "confidential-cli", attributes={SWITCH: "true"})  # not the issuer
    assert (await userinfo(realm, token)).status_code == 401
    await update_client(realm.db, "test", "app", attributes={LIGHTWEIGHT: "true", SWITCH: "true"})
    assert (await userinfo(realm, token)).status_code == 200


async def test_the_admin_api_keeps_both_compatibility_switches(realm: Env) -> None:
    (rep,) = await kc.get(realm, "/clients", clientId="confidential-cli")
    rep["attributes"] = {**rep.get("attributes", {}), SWITCH: "true", INTROSPECTION_SWITCH: "true"}
    await kc.put(realm, f"/clients/{rep['id']}", rep)
    (stored,) = await kc.get(realm, "/clients", clientId="confidential-cli")
    assert stored["attributes"][SWITCH] == "true" and stored["attributes"][INTROSPECTION_SWITCH] == "true"
