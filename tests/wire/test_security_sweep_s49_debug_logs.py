"""Security sweep s49 (review M4 for the later grants): at DEBUG, with every logger on, the device flow's codes, a
client assertion (``client-secret-jwt``) and its replay, a DPoP proof refused for its method, a token exchange with
a tampered subject token, a tampered refresh token and the tokens the client holds reach no log line, nor the
client's secret. The refusals are logged (``token_endpoint``'s DEBUG line names the grant and the error), never
what was presented."""

from __future__ import annotations

import logging

import pytest

from client_auth_support import secret_jwt
from device_flow import DEVICE_URL, poll
from dpop_port import ProofKey
from support import seed_login_realm, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio
SECRET = "dbg-secret-7f3a9c1e"
TOKEN = token_url("test")
EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
ACCESS = "urn:ietf:params:oauth:token-type:access_token"


async def _client(env: Env) -> None:
    attributes = {"oauth2.device.authorization.grant.enabled": "true", "standard.token.exchange.enabled": "true"}
    rep = {
        "clientId": "dbg",
        "secret": SECRET,
        "clientAuthenticatorType": "client-secret-jwt",
        "publicClient": False,
        "directAccessGrantsEnabled": True,
        "attributes": attributes,
    }
    made = await env.http.post("/admin/realms/test/clients", json=rep, headers=await env.admin_headers())
    assert made.status_code == 201, made.text


def _assertion(env: Env) -> dict[str, str]:
    return {
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": secret_jwt(env, "dbg", SECRET),
    }


async def test_later_grants_log_no_code_assertion_proof_or_token_at_debug(
    env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    await seed_login_realm(env.db, env.clock)
    await _client(env)
    presented: list[str] = [SECRET]
    with caplog.at_level(logging.DEBUG), caplog.at_level(logging.DEBUG, logger="doorkeep"):
        auth = _assertion(env)
        device = await env.http.post(DEVICE_URL, data={"client_id": "dbg", **auth})
        assert device.status_code == 200, device.text
        codes = device.json()
        presented += [auth["client_assertion"], codes["device_code"], codes["user_code"]]
        auth = _assertion(env)
        pending = await poll(env, codes["device_code"], "dbg", None, **auth)
        assert pending.json()["error"] == "authorization_pending"
        replayed = await poll(env, codes["device_code"], "dbg", None, **auth)  # the same assertion again
        assert replayed.json()["error"] == "invalid_client", replayed.text
        presented.append(auth["client_assertion"])

        auth = _assertion(env)
        form = {"grant_type": "password", "username": "user1", "password": "password", "scope": "openid"}
        granted = await env.http.post(TOKEN, data={**form, "client_id": "dbg", **auth})
        assert granted.status_code == 200, granted.text
        tokens = granted.json()
        presented += [auth["client_assertion"], tokens["access_token"], tokens["refresh_token"], tokens["id_token"]]

        key = ProofKey("ec")
        proof = key.proof("GET", f"http://localhost{TOKEN}", env.clock.now())  # the wrong method
        auth = _assertion(env)
        refused = await env.http.post(TOKEN, data={**form, "client_id": "dbg", **auth}, headers={"DPoP": proof})
        assert refused.status_code == 400, refused.text
        presented.append(proof)

        tampered = tokens["access_token"][:-4] + "AAAA"
        exchange = {"grant_type": EXCHANGE, "subject_token": tampered, "subject_token_type": ACCESS}
        refused = await env.http.post(TOKEN, data={**exchange, "client_id": "dbg", **_assertion(env)})
        assert refused.status_code == 400, refused.text
        stale = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"][:-4] + "AAAA"}
        refused = await env.http.post(TOKEN, data={**stale, "client_id": "dbg", **_assertion(env)})
        assert refused.status_code == 400, refused.text
        presented += [tampered, stale["refresh_token"]]
    assert "refused" in caplog.text  # the refusals were logged at DEBUG
    for value in presented:
        assert value not in caplog.text
    for value in presented[1:]:  # not even a JWT's signed part (header and claims)
        assert value.rsplit(".", 1)[0] not in caplog.text
