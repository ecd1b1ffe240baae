"""Security sweep s67x (review L1 and M4 for the signed inputs sessions 62-67 added): a CIBA signed authentication
request, and a DPoP proof, whose claims have the wrong JSON types, huge numbers, NUL or very long text are
refused, never a 5xx, and neither the request object nor the proof reaches a log record."""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest
from test_keycloak_ciba_signed_and_policies_test import APP, APP_SECRET, Keys, ciba, register, valid_request  # noqa: F401

from ciba_flow import authenticate
from debug_logs import LOGGERS
from dpop_port import ProofKey, b64
from support import password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio
TOKEN = "/realms/test/protocol/openid-connect/token"
LONG = "a" * 20_000
HOSTILE: list[Any] = [None, 5, -1, 10**30, 1e308, "", "\x00", "²", LONG, [], ["x", 1], {}, {"a": [1]}, True]
CIBA_CLAIMS = ["login_hint", "binding_message", "scope", "requested_expiry", "exp", "iat", "nbf", "aud", "iss",
               "max_age", "acr_values", "client_notification_token", "user_code", "login_hint_token", "id_token_hint",
               "jti", "claims", "request", "request_uri", "client_id"]  # fmt: skip
DPOP_CLAIMS = ["htm", "htu", "iat", "jti", "ath", "nonce"]


@contextlib.contextmanager
def everything_logged(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    with contextlib.ExitStack() as stack:
        stack.enter_context(caplog.at_level(1))
        for name in LOGGERS:
            stack.enter_context(caplog.at_level(1, logger=name))
        yield


def _no_5xx(response: httpx.Response, what: object) -> None:
    assert response.status_code < 500, (what, response.status_code, response.text[:300])


def _server_records(caplog: pytest.LogCaptureFixture) -> str:
    kept = [
        r
        for r in caplog.records
        if not (r.name.startswith(("httpx", "httpcore")) and "http://localhost/" in r.getMessage())
    ]
    return "\n".join(f"{r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in kept)


async def test_a_signed_ciba_request_with_hostile_claims_is_refused_and_not_logged(
    ciba: tuple[Env, Any],  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    env, dev = ciba
    keys = Keys("RS256")
    await register(env, dev, keys, "RS256", keys.sign(valid_request(now=env.clock.now())), uri=False)
    sent: list[str] = []
    baseline = _sign(keys.private, "RS256", {"alg": "RS256", "kid": keys.kid}, valid_request(now=env.clock.now()))
    accepted = await authenticate(env, APP, APP_SECRET, None, None, request=baseline)
    assert accepted.status_code == 200, accepted.text  # the hand-made JWS is one Doorkeep reads
    with everything_logged(caplog):
        for claim in CIBA_CLAIMS:
            for value in HOSTILE:
                claims = {**valid_request(now=env.clock.now()), claim: value}
                signed = _sign(keys.private, "RS256", {"alg": "RS256", "kid": keys.kid}, claims)
                sent.append(signed)
                response = await authenticate(env, APP, APP_SECRET, None, None, request=signed)
                _no_5xx(response, (claim, repr(value)[:30]))
                assert signed.rsplit(".", 1)[0] not in response.text
    logged = _server_records(caplog)
    assert caplog.records
    for signed in sent:
        assert signed.rsplit(".", 1)[0] not in logged


async def test_a_dpop_proof_with_hostile_claims_or_header_is_refused_and_not_logged(
    realm: Env, caplog: pytest.LogCaptureFixture
) -> None:
    key = ProofKey("ec")
    granted = await password_grant(realm.http, "test", "app", "user1", "password")
    assert granted.status_code == 200, granted.text
    sent: list[str] = []
    form = {"grant_type": "password", "client_id": "app", "client_secret": "secret", "username": "user1",
            "password": "password"}  # fmt: skip
    accepted = await realm.http.post(TOKEN, data=form, headers={"DPoP": _proof(key, realm.clock.now())})
    assert accepted.status_code == 200 and accepted.json()["token_type"] == "DPoP", accepted.text
    with everything_logged(caplog):
        for claim in DPOP_CLAIMS:
            for value in HOSTILE:
                proof = _proof(key, realm.clock.now(), claims={claim: value})
                sent.append(proof)
                response = await realm.http.post(TOKEN, data=form, headers={"DPoP": proof})
                _no_5xx(response, (claim, repr(value)[:30]))
        for part in ("typ", "alg", "jwk"):
            for value in HOSTILE:
                proof = _proof(key, realm.clock.now(), header={part: value})
                sent.append(proof)
                response = await realm.http.post(TOKEN, data=form, headers={"DPoP": proof})
                _no_5xx(response, (part, repr(value)[:30]))
        jwk_fields = ("kty", "crv", "x", "y", "n", "e")
        for field in jwk_fields:
            for value in HOSTILE:
                proof = _proof(key, realm.clock.now(), header={"jwk": {**key.jwk, field: value}})
                response = await realm.http.post(TOKEN, data=form, headers={"DPoP": proof})
                _no_5xx(response, ("jwk", field, repr(value)[:30]))
    logged = _server_records(caplog)
    assert caplog.records
    for proof in sent:
        assert proof.rsplit(".", 1)[0] not in logged


def _proof(
    key: ProofKey, now: int, *, claims: dict[str, Any] | None = None, header: dict[str, Any] | None = None
) -> str:
    body = {"htm": "POST", "htu": f"http://localhost{TOKEN}", "iat": now, "jti": str(uuid.uuid4()), **(claims or {})}
    return _sign(key.private, key.alg, {"typ": "dpop+jwt", "alg": key.alg, "jwk": key.jwk, **(header or {})}, body)


def _sign(private: Any, alg: str, header: dict[str, Any], claims: dict[str, Any]) -> str:
    """A JWS of any header and claims (PyJWT refuses to encode claims of the wrong type)."""
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
    signature = jwt.get_algorithm_by_name(alg).sign(signing_input.encode(), private)
    return f"{signing_input}.{b64(signature)}"
