"""A CIBA signed authentication request (``request``) whose numbers Jackson cannot read.

BackchannelAuthenticationEndpointSignedRequestParser reads the claims as a JsonNode (decodeClientJWT(…,
JsonNode.class)): ``NaN`` and ``Infinity`` are no JSON to Jackson, so the request is "Failed to verify signature";
any other number is a number, and secure-ciba-signed-authn-req reads ``exp`` and ``nbf`` as JsonNode.asLong does.
Before, an ``exp`` of Infinity reached that executor's ``int()``: a 500 for a correctly signed request.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from ciba_flow import POLL, Device, app_with_device, authenticate, device
from support import assert_error, seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

ISSUER = "http://localhost/realms/test"
APP, SECRET = "ciba-app", "password"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PUBLIC = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key()))
JWKS = json.dumps({"keys": [{**PUBLIC, "kid": "ciba-key", "alg": "PS256", "use": "sig"}]})


@pytest.fixture
async def ciba(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[tuple[Env, Device]]:
    with device() as dev:
        async with app_with_device(request, tmp_path, dev.url) as env:
            await seed_realm(env.db, env.clock)
            attributes = {**POLL, "ciba.backchannel.auth.request.signing.alg": "PS256"}
            attributes |= {"use.jwks.string": "true", "jwks.string": JWKS}
            await seed_client(env.db, "test", APP, secret=SECRET, attributes=attributes)
            await seed_user(env.db, env.clock, "test", "nutzer", "passwort")
            headers = await env.admin_headers()
            entry = {"executor": "secure-ciba-signed-authn-req", "configuration": {}}
            profiles = {"profiles": [{"name": "P", "executors": [entry]}]}
            done = await env.http.put("/admin/realms/test/client-policies/profiles", json=profiles, headers=headers)
            assert done.status_code == 204, done.text
            condition = {"condition": "any-client", "configuration": {}}
            policy = {"name": "Q", "enabled": True, "conditions": [condition], "profiles": ["P"]}
            done = await env.http.put(
                "/admin/realms/test/client-policies/policies", json={"policies": [policy]}, headers=headers
            )
            assert done.status_code == 204, done.text
            yield env, dev


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _signed(env: Env, **raw: str) -> str:
    """The request, its ``raw`` members written as JSON text as given (numbers Python would not write)."""
    now = env.clock.now()
    claims: dict[str, Any] = {"jti": str(uuid.uuid4()), "iat": now, "exp": now + 300, "nbf": now, "iss": APP}
    claims |= {"aud": ISSUER, "scope": "openid", "login_hint": "nutzer", "binding_message": "B"}
    members = [f"{json.dumps(k)}:{raw.get(k, json.dumps(v))}" for k, v in claims.items()]
    body = "{" + ",".join(members) + "}"
    header = json.dumps({"alg": "PS256", "kid": "ciba-key"})

    signing_input = f"{b64(header.encode())}.{b64(body.encode())}".encode()
    return f"{signing_input.decode()}.{b64(jwt.get_algorithm_by_name('PS256').sign(signing_input, KEY))}"


@pytest.mark.parametrize("name", ["exp", "nbf", "iat"])
@pytest.mark.parametrize("value", ["Infinity", "-Infinity", "NaN", "1e309"])
async def test_a_number_jackson_cannot_read_is_no_signed_request(
    ciba: tuple[Env, Device], name: str, value: str
) -> None:
    env, _ = ciba
    response = await authenticate(env, APP, SECRET, None, None, request=_signed(env, **{name: value}))
    assert_error(response, 400, "invalid_request", "Failed to verify signature")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"' + "9" * 5000 + '"', "Request Expired"),
        ("[1]", "Request Expired"),
    ],
)
async def test_other_numbers_are_read_as_json_node_reads_them(
    ciba: tuple[Env, Device], value: str, message: str
) -> None:
    """JsonNode.asLong: text that is no number (even 5000 digits long) and an array are 0, long expired."""
    env, _ = ciba
    response = await authenticate(env, APP, SECRET, None, None, request=_signed(env, exp=value))
    assert_error(response, 400, "invalid_request", message)
    assert (await authenticate(env, APP, SECRET, None, None, request=_signed(env))).status_code == 200
