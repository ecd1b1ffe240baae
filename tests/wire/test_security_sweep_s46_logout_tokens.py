"""Security sweep (session 46): an identity provider's back-channel logout endpoint under attack. A token whose own
header names a key set (``jku``, ``x5u``, ``jwk``) makes the server fetch nothing but the provider's configured
``jwksUrl``; tokens signed with a key of the poster's choice are refused; malformed, oversized and odd-typed
tokens are 400, never a 500, and end no session."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import jwt
import pytest

from fake_idp import ATTACKER_KEY, KEY, KID, FakeIdp, fake_idp
from wire_env import Env

pytestmark = pytest.mark.anyio
BACKCHANNEL = "/realms/test/protocol/openid-connect/logout/backchannel-logout"
EVENT = "http://schemas.openid.net/event/backchannel-logout"


@pytest.fixture
async def idp(realm: Env) -> AsyncIterator[tuple[Env, FakeIdp]]:
    async with fake_idp() as provider:
        h = await realm.admin_headers()
        made = await realm.http.post("/admin/realms/test/identity-provider/instances", json=provider.rep(), headers=h)
        assert made.status_code == 201, made.text
        yield realm, provider


def _claims(env: Env, provider: FakeIdp, **changes: Any) -> dict[str, Any]:
    now = env.clock.now()
    claims = {"iss": provider.issuer, "aud": "broker-app", "iat": now, "exp": now + 60, "jti": "j-1"}
    claims |= {"sub": "mallory-sub", "events": {EVENT: {}}, "typ": "Logout", **changes}
    return claims


def _part(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


async def _post(http: httpx.AsyncClient, token: str) -> httpx.Response:
    return await http.post(BACKCHANNEL, data={"logout_token": token})


async def test_a_token_s_own_key_set_headers_are_never_fetched(idp: tuple[Env, FakeIdp]) -> None:
    env, provider = idp
    elsewhere = f"{provider.base}/elsewhere"
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(ATTACKER_KEY.public_key()))
    for headers in ({"jku": elsewhere, "kid": "k1"}, {"x5u": elsewhere, "kid": "k2"}, {"jwk": public, "kid": "k3"}):
        token = jwt.encode(_claims(env, provider), ATTACKER_KEY, algorithm="RS256", headers=headers)
        answer = await _post(env.http, token)
        assert answer.status_code == 400, answer.text
    assert "/elsewhere" not in provider.fetched
    good = jwt.encode(_claims(env, provider), KEY, algorithm="RS256", headers={"kid": KID, "jku": elsewhere})
    assert (await _post(env.http, good)).status_code == 200  # the control: the provider's own key is accepted
    assert "/elsewhere" not in provider.fetched and "/certs" in provider.fetched


@pytest.mark.parametrize(
    "token",
    [
        "",
        "a.b.c",
        "x" * 500_000,
        f"{_part([1])}.{_part({})}.sig",
        f"{_part({'alg': 'RS256', 'kid': ['x']})}.{_part({'iss': 'i'})}.sig",
        f"{_part({'alg': 'RS256'})}.{_part([1, 2])}.sig",
        f"{_part({'alg': 'RS256', 'kid': KID})}.{_part({'iss': ['a', 'b']})}.sig",
        f"{_part({'alg': ['RS256']})}.{_part({'iss': 'i'})}.sig",
        f"{_part({'alg': 'RS256', 'crit': ['exp']})}.{_part({'iss': 'i'})}.",
        "\x00.\x00.\x00",
    ],
)
async def test_malformed_tokens_are_400(idp: tuple[Env, FakeIdp], token: str) -> None:
    env, _ = idp
    answer = await _post(env.http, token)
    assert answer.status_code in (400, 413), answer.text  # 413: a form over the body limit


@pytest.mark.parametrize(
    "changes",
    [
        {"exp": "soon"},
        {"exp": 10**30},
        {"iat": -(10**30)},
        {"events": [EVENT]},
        {"events": {EVENT: "x"}},
        {"sid": {"a": 1}},
        {"sub": ["a"]},
        {"aud": {"broker-app": 1}},
        {"aud": ["broker-app"] * 10_000},
        {"azp": 5},
        {"nonce": None, "jti": None},
    ],
)
async def test_odd_claims_of_a_well_signed_token_are_no_500(idp: tuple[Env, FakeIdp], changes: dict[str, Any]) -> None:
    env, provider = idp
    claims = {k: v for k, v in _claims(env, provider, **changes).items() if v is not None}
    token = jwt.encode(claims, KEY, algorithm="RS256", headers={"kid": KID})
    answer = await _post(env.http, token)
    assert answer.status_code < 500, answer.text
