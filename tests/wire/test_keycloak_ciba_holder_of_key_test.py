"""Keycloak's CIBATest.testHolderOfKeyEnforceExecutor over HTTP: the poll-mode flow of a client whose tokens are
bound to its certificate, under a policy with holder-of-key-enforcer and secure-signature-algorithm-signed-jwt for any
client. The app runs behind the nginx certificate lookup of tests/mtls_port.py (MutualTLSUtils' client keystore is
``with_default_certificate()``) and sends its CIBA requests to the stand-in device of tests/ciba_flow.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

import mtls_port
from ciba_flow import POLL, Device, answer, authenticate, device, events, token
from support import assert_error, claims, seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

APP, APP_SECRET = "test-app", "password"
LOGOUT = "/realms/test/protocol/openid-connect/logout"


@pytest.fixture
async def ciba(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[tuple[Env, Device]]:
    """test-app with prepareCIBASettings and ``tls.client.certificate.bound.access.tokens`` (setUseMtlsHoKToken)."""
    with device() as dev:
        options = dict(mtls_port.LOOKUP_OPTIONS)
        async with mtls_port.proxied_env(request, tmp_path, "nginx", options, ciba_auth_channel_uri=dev.url) as env:
            await seed_realm(env.db, env.clock, events_enabled=True)
            attributes = {**POLL, "tls.client.certificate.bound.access.tokens": "true"}
            await seed_client(env.db, "test", APP, secret=APP_SECRET, attributes=attributes)
            await seed_user(env.db, env.clock, "test", "nutzername-rot", "passwort-rot")
            yield env, dev


async def put_policy(env: Env) -> None:
    """Az Elso Profil: holder-of-key-enforcer and secure-signature-algorithm-signed-jwt, neither auto-configuring nor
    requiring; Az Elso Politika applies it to any client."""
    headers = await env.admin_headers()
    executors = [
        {"executor": "holder-of-key-enforcer", "configuration": {"auto-configure": False}},
        {"executor": "secure-signature-algorithm-signed-jwt", "configuration": {"require-client-assertion": False}},
    ]
    profiles = {"profiles": [{"name": "MyProfile", "description": "Az Elso Profil", "executors": executors}]}
    put = await env.http.put("/admin/realms/test/client-policies/profiles", json=profiles, headers=headers)
    assert put.status_code == 204, put.text
    policy = {
        "name": "MyPolicy",
        "description": "Az Elso Politika",
        "enabled": True,
        "conditions": [{"condition": "any-client", "configuration": {}}],
        "profiles": ["MyProfile"],
    }
    put = await env.http.put(
        "/admin/realms/test/client-policies/policies", json={"policies": [policy]}, headers=headers
    )
    assert put.status_code == 204, put.text


async def test_holder_of_key_enforce_executor(ciba: tuple[Env, Device]) -> None:
    """testHolderOfKeyEnforceExecutor: the token request without a client certificate is ``invalid_grant`` "Client
    Certification missing for MTLS HoK Token Binding" (its AUTHREQID_TO_TOKEN_ERROR says invalid_request); with
    one, the access token is bound to it (``cnf.x5t#S256``); the refresh token then logs out, certificate shown."""
    env, dev = ciba
    await put_policy(env)
    ack = await authenticate(env, APP, APP_SECRET, "nutzername-rot", "ThisIsBindingMessage", user_device="mobile")
    assert ack.status_code == 200, ack.text
    auth_req_id = ack.json()["auth_req_id"]
    sent = dev.take("ThisIsBindingMessage")
    assert "openid" in sent.body["scope"].split()
    assert sent.body["user_device"] == "mobile"
    assert (await answer(env, sent.bearer)).status_code == 200

    refused = await token(env, APP, APP_SECRET, auth_req_id)
    assert_error(refused, 400, "invalid_grant", "Client Certification missing for MTLS HoK Token Binding")
    failed = (await events(env, "AUTHREQID_TO_TOKEN_ERROR"))[0]
    assert (failed["clientId"], failed["error"], failed.get("userId")) == (APP, "invalid_request", None)

    issued = await token(env, APP, APP_SECRET, auth_req_id, mtls_port.with_default_certificate())
    assert issued.status_code == 200, issued.text
    access = claims(issued.json()["access_token"])
    assert access["cnf"] == {"x5t#S256": mtls_port.DEFAULT.thumbprint}
    assert access["preferred_username"] == "nutzername-rot"

    form = {"client_id": APP, "client_secret": APP_SECRET, "refresh_token": issued.json()["refresh_token"]}
    logout = await env.http.post(LOGOUT, data=form, headers=mtls_port.with_default_certificate())
    assert logout.status_code == 204, logout.text
