"""CIBA attacked where test_ciba_hostile.py and test_ciba_flow_hostile.py do not look: ``login_hint`` as a way to
list users (BackchannelAuthenticationEndpoint.resolveUser answers "invalid user" for nobody and for a disabled
user alike, and no pattern finds anyone), ``binding_message``'s pattern against markup, spaces, line breaks and
length, guessed or re-signed ``auth_req_id`` values, polling faster than the interval (``slow_down``), and the
issuer of CIBA's tokens under a forged ``Host`` / ``X-Forwarded-Host`` (the same as the token endpoint's)."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from pathlib import Path

import jwt
import pytest

from ciba_flow import POLL, Device, answer, app_with_device, authenticate, device, token
from support import assert_error, seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

APP, SECRET = "test-app", "password"


@pytest.fixture
async def ciba(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[tuple[Env, Device]]:
    with device() as dev:
        async with app_with_device(request, tmp_path, dev.url) as env:
            await seed_realm(env.db, env.clock, events_enabled=True)
            await seed_client(env.db, "test", APP, secret=SECRET, attributes=dict(POLL))
            await seed_user(env.db, env.clock, "test", "alice", email="alice@example.org")
            await seed_user(env.db, env.clock, "test", "dora", enabled=False)
            yield env, dev


@pytest.mark.parametrize(
    "hint",
    ["nobody", "dora", "%", "al%", "a_ice", "*", "alice\x00", "alice ", " alice", "x" * 5000, "' OR '1'='1", "ａlice"],
)
async def test_login_hint_tells_unknown_and_disabled_users_apart_from_nobody(
    ciba: tuple[Env, Device], hint: str
) -> None:
    """resolveUser: ``user == null || !user.isEnabled()`` is one error, "invalid user"; wildcards, padding and
    look-alike characters find nobody, and no channel request is sent."""
    env, dev = ciba
    response = await authenticate(env, APP, SECRET, hint, "B")
    assert_error(response, 400, "invalid_request", "invalid user")
    assert not dev.requests


@pytest.mark.parametrize(
    "binding",
    ["", "has space", "<script>", "a\r\nb", "x" * 51, "caf\u00e9", "a;b", "a&b", "%0d%0a"],
)
async def test_binding_messages_outside_keycloak_s_pattern_are_refused(ciba: tuple[Env, Device], binding: str) -> None:
    """BINDING_MESSAGE_VALIDATION ``^[a-zA-Z0-9-._+/!?#]{1,50}$``: anything else is invalid_binding_message and
    reaches no device."""
    env, dev = ciba
    response = await authenticate(env, APP, SECRET, "alice", binding)
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_binding_message"
    assert not dev.requests
    assert (await authenticate(env, APP, SECRET, "alice", "x" * 50)).status_code == 200


def _forged(handle: str, **changes: object) -> str:
    """The auth_req_id's claims changed, the signature kept (the JWS does not verify any more)."""
    head, body, sig = handle.split(".")[:3] if handle.count(".") >= 2 else (handle, handle, handle)
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims.update(changes)
    raw = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{head}.{raw}.{sig}"


async def test_guessed_and_forged_auth_req_ids_are_invalid_grant(ciba: tuple[Env, Device]) -> None:
    env, dev = ciba
    ack = await authenticate(env, APP, SECRET, "alice", "B")
    assert ack.status_code == 200, ack.text
    handle = ack.json()["auth_req_id"]
    assert (await answer(env, dev.take("B").bearer)).status_code == 200
    if handle.count(".") == 4:  # an encrypted JWE: any change breaks it
        guesses = [handle[:-4] + "AAAA", handle.replace(".", "..", 1)]
    else:
        guesses = [_forged(handle, sub="someone-else"), _forged(handle, exp=2**40), handle + "x"]
    guesses += [jwt.encode({"jti": "x", "sub": "y"}, "k" * 32, algorithm="HS256"), "0" * 40, "a.b.c"]
    for guess in guesses:
        response = await token(env, APP, SECRET, guess)
        assert response.status_code == 400, (guess, response.text)
        assert response.json()["error"] == "invalid_grant"
    env.clock.advance(10)
    assert (await token(env, APP, SECRET, handle)).status_code == 200


async def test_polling_faster_than_the_interval_is_slow_down(ciba: tuple[Env, Device]) -> None:
    """CibaGrantType: a poll within ``interval`` of the last is ``slow_down`` ("too early to access")."""
    env, _ = ciba
    ack = await authenticate(env, APP, SECRET, "alice", "B")
    handle = ack.json()["auth_req_id"]
    first = await token(env, APP, SECRET, handle)
    assert first.json()["error"] == "authorization_pending", first.text
    for _ in range(3):
        again = await token(env, APP, SECRET, handle)
        assert_error(again, 400, "slow_down", "too early to access")
    env.clock.advance(ack.json().get("interval", 5) + 1)
    assert (await token(env, APP, SECRET, handle)).json()["error"] == "authorization_pending"


async def test_a_forged_host_changes_ciba_tokens_issuer_as_the_token_endpoint_s(ciba: tuple[Env, Device]) -> None:
    """In development mode (no ``--hostname``) the issuer comes from the request, for CIBA as for every other grant:
    the ID token of a CIBA poll carries the issuer a password grant would under the same Host."""
    env, dev = ciba
    ack = await authenticate(env, APP, SECRET, "alice", "B")
    assert (await answer(env, dev.take("B").bearer)).status_code == 200
    env.clock.advance(10)
    forged = {"Host": "evil.example"}
    polled = await env.http.post(
        "/realms/test/protocol/openid-connect/token",
        data={"grant_type": "urn:openid:params:grant-type:ciba", "auth_req_id": ack.json()["auth_req_id"]},
        auth=(APP, SECRET),
        headers=forged,
    )
    assert polled.status_code == 200, polled.text
    ciba_iss = jwt.decode(polled.json()["access_token"], options={"verify_signature": False})["iss"]
    await seed_client(env.db, "test", "pw-app", secret=SECRET)
    await seed_user(env.db, env.clock, "test", "pwuser")
    password = await env.http.post(
        "/realms/test/protocol/openid-connect/token",
        data={"grant_type": "password", "username": "pwuser", "password": "password"},
        auth=("pw-app", SECRET),
        headers=forged,
    )
    assert password.status_code == 200, password.text
    assert ciba_iss == jwt.decode(password.json()["access_token"], options={"verify_signature": False})["iss"]
