"""Keycloak's CIBATest (the poll mode), method by method, over HTTP: the test application's authentication
channel is ``ciba_flow.Device`` (a receiver the server POSTs to), Keycloak's ``setTimeOffset`` the fake clock, and
its admin-client changes go through the admin REST API. Its realm: testrealm.json's ``test-app`` (secret
``password``), ``test-app-scope``, ``third-party`` (consent required) and the users of CIBATest.addTestRealms.

The ping mode's tests, the signed authentication request tests and the client policy executors' are in
test_keycloak_ciba_signed_and_policies_test.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from ciba_flow import POLL, Device, answer, app_with_device, authenticate, device, events, token
from support import assert_error, claims, seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

APP, APP_SECRET = "test-app", "password"
SECOND, SECOND_SECRET = "test-second-client", "passwort-test-second-client"


@pytest.fixture
async def ciba(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[tuple[Env, Device]]:
    """CIBATest.addTestRealms, with prepareCIBASettings applied to test-app, test-app-scope and third-party."""
    with device() as dev:
        async with app_with_device(request, tmp_path, dev.url) as env:
            await seed_realm(env.db, env.clock, events_enabled=True)
            await seed_client(env.db, "test", APP, secret=APP_SECRET, attributes=dict(POLL))
            await seed_client(env.db, "test", "test-app-scope", secret="password", attributes=dict(POLL))
            await seed_client(env.db, "test", "third-party", secret="password", consent_required=True, attributes=dict(POLL))
            await seed_client(env.db, "test", SECOND, secret=SECOND_SECRET, service_accounts=True)
            for name in ("schwarz", "rot", "gelb"):
                await seed_user(env.db, env.clock, "test", f"nutzername-{name}", f"passwort-{name}")
            await seed_user(env.db, env.clock, "test", "nutzername-deaktiviert", enabled=False)
            yield env, dev


async def acknowledged(env: Env, client: str, secret: str, user: str | None, binding: str | None, **form: str) -> dict[str, Any]:
    """doBackchannelAuthenticationRequest's 200 with an auth_req_id."""
    response = await authenticate(env, client, secret, user, binding, **form)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["auth_req_id"]
    return dict(body)


async def approved(env: Env, dev: Device, binding: str | None) -> None:
    """doAuthenticationChannelRequest then doAuthenticationChannelCallback(SUCCEED): 200."""
    sent = dev.take(binding)
    response = await answer(env, sent.bearer, "SUCCEED")
    assert response.status_code == 200, response.text


async def tokens(env: Env, client: str, secret: str, username: str, auth_req_id: str) -> dict[str, Any]:
    """doBackchannelAuthenticationTokenRequest + verifyBackchannelAuthenticationTokenRequest."""
    response = await token(env, client, secret, auth_req_id)
    assert response.status_code == 200, response.text
    body = dict(response.json())
    access, refresh, id_token = claims(body["access_token"]), claims(body["refresh_token"]), claims(body["id_token"])
    assert access["azp"] == client and refresh["azp"] == client
    assert refresh["aud"] == refresh["iss"]
    assert id_token["preferred_username"] == username and id_token["azp"] == client and id_token["aud"] == client
    found = await events(env, "AUTHREQID_TO_TOKEN")
    assert found and found[0]["clientId"] == client and found[0]["userId"] == access["sub"]
    return body


async def test_backchannel_authentication_flow(ciba: tuple[Env, Device]) -> None:
    """testBackchannelAuthenticationFlow: request, channel request, approval, tokens, refresh, logout."""
    env, dev = ciba
    start = env.clock.now()
    ack = await acknowledged(env, APP, APP_SECRET, "nutzername-rot", "BASTION", user_device="mobile")
    assert (ack["expires_in"], ack["interval"]) == (120, 5)
    sent = dev.take("BASTION")
    assert sent.content_type.startswith("application/json")
    assert sent.body["binding_message"] == "BASTION" and "openid" in sent.body["scope"].split(" ")
    assert sent.body["user_device"] == "mobile" and sent.body["login_hint"] == "nutzername-rot"
    assert sent.body["is_consent_required"] is False
    bearer = claims(sent.bearer)
    assert bearer["typ"] == "Bearer" and bearer["azp"] == APP and bearer["aud"] == bearer["iss"]
    assert (await answer(env, sent.bearer)).status_code == 200
    body = await tokens(env, APP, APP_SECRET, "nutzername-rot", ack["auth_req_id"])
    id_token = claims(body["id_token"])
    assert start - 5 <= id_token["auth_time"] <= env.clock.now() + 5
    refreshed = await env.http.post(
        "/realms/test/protocol/openid-connect/token",
        data={"grant_type": "refresh_token", "refresh_token": body["refresh_token"], "client_id": APP, "client_secret": APP_SECRET},
    )
    assert refreshed.status_code == 200, refreshed.text
    logout = await env.http.post(
        "/realms/test/protocol/openid-connect/logout",
        data={"refresh_token": refreshed.json()["refresh_token"], "client_id": APP, "client_secret": APP_SECRET},
    )
    assert logout.status_code == 204
    again = await env.http.post(
        "/realms/test/protocol/openid-connect/token",
        data={"grant_type": "refresh_token", "refresh_token": refreshed.json()["refresh_token"], "client_id": APP, "client_secret": APP_SECRET},
    )
    assert_error(again, 400, "invalid_grant", "Session not active")
