"""Keycloak 26.6.2's introspection audience check (AccessTokenIntrospectionProvider.verifyAudience, upgrading note
changes-26_6_2 "Token introspection now validates audience claim") and its two compatibility switches.

The calling client must be in the token's ``aud`` (or, for a token without one, a lightweight one, in the token as
introspection rebuilds it), else the answer is ``{"active": false}`` and INTROSPECT_TOKEN_ERROR records
``invalid_token`` with the reason "Client '<caller>' is not in the token audience". The server option
``allow-token-introspection-without-audience-check`` or the *calling* client's attribute
``allow.token.introspection.without.audience.check`` lifts it, with a warning per request.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

import keycloak_port as kc
from support import claims, update_client
from token_port import INACTIVE, browser, events_of, grant, introspection, keep_events, prepare
from wire_env import Env

pytestmark = pytest.mark.anyio

CLI = ("confidential-cli", "secret1")
APP = ("app", "secret")
SWITCH = "allow.token.introspection.without.audience.check"
LIGHTWEIGHT = "client.use.lightweight.access.token.enabled"
REASON = "Client 'confidential-cli' is not in the token audience"


async def add_audience(env: Env, **flags: str) -> None:
    """An audience mapper on ``app`` naming confidential-cli (the upgrading note's recommended fix)."""
    config = {"included.client.audience": "confidential-cli", "access.token.claim": "true", **flags}
    mapper = {"name": "cli audience", "protocol": "openid-connect", "protocolMapper": "oidc-audience-mapper"}
    (app,) = await kc.get(env, "/clients", clientId="app")
    await kc.post(env, f"/clients/{app['id']}/protocol-mappers/models", {**mapper, "config": config}, 201)


@pytest.fixture
async def realm(realm: Env) -> Env:
    await prepare(realm, audience=False)
    await keep_events(realm, "INTROSPECT_TOKEN", "INTROSPECT_TOKEN_ERROR")
    return realm


async def answer(env: Env, token: str, hint: str | None = None, client: tuple[str, str] = CLI) -> dict[str, Any]:
    response = await introspection(env, token, hint, client)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_a_token_whose_audience_lacks_the_caller_is_inactive_with_the_reason(realm: Env) -> None:
    body = await browser(realm)
    assert "confidential-cli" not in (claims(body["access_token"]).get("aud") or [])
    assert await answer(realm, body["access_token"]) == INACTIVE
    (event,) = await events_of(realm, "INTROSPECT_TOKEN_ERROR")
    assert event["error"] == "invalid_token" and event["clientId"] == "confidential-cli", event
    assert event["details"]["reason"] == REASON and event["details"]["token_issued_for"] == "app", event
    # the check is the last one: the event names the token's user and session by then
    assert event["userId"] == claims(body["id_token"])["sub"] and event["sessionId"] == body["session_state"], event
    assert await events_of(realm, "INTROSPECT_TOKEN") == []


async def test_an_audience_mapper_naming_the_caller_makes_the_token_active(realm: Env) -> None:
    await add_audience(realm)
    body = await browser(realm)
    out = await answer(realm, body["access_token"])
    assert out["active"] is True and "confidential-cli" in out["aud"], out
    assert len(await events_of(realm, "INTROSPECT_TOKEN")) == 1


async def test_the_issuing_client_is_not_in_its_own_access_tokens_audience(realm: Env) -> None:
    """An access token's ``aud`` names the clients the user has roles on, never ``azp`` by itself."""
    body = await grant(realm)
    assert await answer(realm, body["access_token"], client=APP) == INACTIVE
    (event,) = await events_of(realm, "INTROSPECT_TOKEN_ERROR")
    assert event["details"]["reason"] == "Client 'app' is not in the token audience", event


async def test_an_id_token_is_active_to_the_client_it_was_issued_to_only(realm: Env) -> None:
    """The access_token provider takes ID tokens, and their ``aud`` is their client."""
    body = await browser(realm)
    out = await answer(realm, body["id_token"], client=APP)
    assert out["active"] is True and out["token_type"] == "ID", out
    assert await answer(realm, body["id_token"]) == INACTIVE


@pytest.mark.parametrize("hint", [None, "access_token", "requesting_party_token"])
async def test_every_access_token_hint_checks_the_audience(realm: Env, hint: str | None) -> None:
    body = await browser(realm)
    assert await answer(realm, body["access_token"], hint) == INACTIVE
    await add_audience(realm)
    body = await browser(realm)
    assert (await answer(realm, body["access_token"], hint))["active"] is True


async def test_the_refresh_token_hint_refuses_an_access_token_before_the_audience(realm: Env) -> None:
    body = await browser(realm)
    assert await answer(realm, body["access_token"], "refresh_token") == INACTIVE
    (event,) = await events_of(realm, "INTROSPECT_TOKEN_ERROR")
    assert event["error"] == "invalid_token_type", event


async def test_a_lightweight_tokens_audience_is_the_rebuilt_tokens(realm: Env) -> None:
    """changes-26_6_2: for a lightweight token the check reads the audience introspection adds."""
    await update_client(realm.db, "test", "app", attributes={LIGHTWEIGHT: "true"})
    await add_audience(realm, **{"access.token.claim": "false", "introspection.token.claim": "true"})
    body = await browser(realm)
    token = claims(body["access_token"])
    assert token["jti"][2:4] == "lt" and "aud" not in token, token
    out = await answer(realm, body["access_token"])
    assert out["active"] is True and "confidential-cli" in out["aud"], out


async def test_a_mapper_that_does_not_feed_introspection_leaves_a_lightweight_token_inactive(realm: Env) -> None:
    await update_client(realm.db, "test", "app", attributes={LIGHTWEIGHT: "true"})
    await add_audience(realm, **{"lightweight.claim": "false", "introspection.token.claim": "false"})
    body = await browser(realm)
    assert await answer(realm, body["access_token"]) == INACTIVE


@pytest.mark.server_options(oidc_allow_token_introspection_without_audience_check=True)
async def test_the_server_option_lets_any_client_introspect_with_a_warning(
    realm: Env, caplog: pytest.LogCaptureFixture
) -> None:
    """The one test that runs under the server-wide switch: the switch and its warning are what it tests."""
    body = await browser(realm)
    with caplog.at_level(logging.WARNING, logger="doorkeep.oauth.introspection_checks"):
        out = await answer(realm, body["access_token"])
    assert out["active"] is True and out["client_id"] == "app", out
    (record,) = [r for r in caplog.records if r.name == "doorkeep.oauth.introspection_checks"]
    message = record.getMessage()
    assert "'confidential-cli'" in message and "server-wide setting" in message, message
    assert body["access_token"] not in message


async def test_the_calling_clients_attribute_lifts_the_check_for_it_alone(realm: Env) -> None:
    body = await browser(realm)
    await update_client(realm.db, "test", "app", attributes={SWITCH: "true"})  # the issuer's: not the one read
    assert await answer(realm, body["access_token"]) == INACTIVE
    await update_client(realm.db, "test", "confidential-cli", attributes={SWITCH: "true"})
    assert (await answer(realm, body["access_token"]))["active"] is True


async def test_a_refresh_token_is_active_to_another_client_only_under_the_switch(realm: Env) -> None:
    """Keycloak 26.8 checks a refresh token's ``azp`` instead of its ``aud``; the switch lifts that too."""
    body = await browser(realm)
    assert await answer(realm, body["refresh_token"], "refresh_token") == INACTIVE
    assert (await answer(realm, body["refresh_token"], "refresh_token", client=APP))["active"] is True
    await update_client(realm.db, "test", "confidential-cli", attributes={SWITCH: "true"})
    assert (await answer(realm, body["refresh_token"], "refresh_token"))["active"] is True
