"""Security sweep s67x (review L1 and M4 for the signed inputs sessions 62-67 added): a CIBA signed authentication
request, and a DPoP proof, whose claims have the wrong JSON types, huge numbers, NUL or very long text are
refused, never a 5xx, and neither the request object nor the proof reaches a log record."""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from ciba_flow import POLL, app_with_device, authenticate, device
from debug_logs import LOGGERS
from dpop_port import ProofKey, b64
from support import password_grant, seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio
APP, APP_SECRET = "signer", "s67x-signer-secret"
ISSUER = "http://localhost/realms/test"
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


@pytest.fixture
async def ciba(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Env]:
    """A poll-mode CIBA client whose RS256 public key is in its ``jwks.string``, and a user to name."""
    with device() as dev:
        async with app_with_device(request, tmp_path, dev.url) as env:
            await seed_realm(env.db, env.clock, events_enabled=True)
            await seed_user(env.db, env.clock, "test", "signed-user", "signed-pw")
            yield env


class Signer:
    def __init__(self) -> None:
        self.kid = str(uuid.uuid4())
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key()))
        self.jwks = json.dumps({"keys": [{**public, "kid": self.kid, "alg": "RS256", "use": "sig"}]})

    def sign(self, claims: dict[str, Any]) -> str:
        return _sign(self.private, "RS256", {"alg": "RS256", "kid": self.kid}, claims)


def _valid(now: int) -> dict[str, Any]:
    return {"jti": str(uuid.uuid4()), "iat": now, "nbf": now, "exp": now + 300, "iss": APP, "aud": ISSUER,
            "scope": "openid", "login_hint": "signed-user", "binding_message": "S67X"}  # fmt: skip


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
    ciba: Env, caplog: pytest.LogCaptureFixture
) -> None:
    env, keys = ciba, Signer()
    attributes = {**POLL, "ciba.backchannel.auth.request.signing.alg": "RS256", "use.jwks.string": "true",
                  "jwks.string": keys.jwks}  # fmt: skip
    await seed_client(env.db, "test", APP, secret=APP_SECRET, attributes=attributes)
    sent: list[str] = []
    baseline = keys.sign(_valid(env.clock.now()))
    accepted = await authenticate(env, APP, APP_SECRET, None, None, request=baseline)
    assert accepted.status_code == 200, accepted.text  # the hand-made JWS is one Doorkeep reads
    with everything_logged(caplog):
        for claim in CIBA_CLAIMS:
            for value in HOSTILE:
                signed = keys.sign({**_valid(env.clock.now()), claim: value})
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
