"""Hostile load on the per-process cache of an identity provider's keys (oauth/client_keys.py, session 62): anyone
may post a back-channel logout token naming any ``kid``, and a slow provider must not turn a burst of them into a
burst of fetches of its JWK set. Keycloak's InfinispanPublicKeyStorageProvider.reloadKeys runs one load per model
key at a time (``tasksInProgress``: a request arriving while the set is being fetched waits for that fetch), and
fetches again only more than ``minTimeBetweenRequests`` (10 s) after the last one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import anyio
import httpx
import jwt
import pytest

from fake_idp import ATTACKER_KEY, KEY, KID, FakeIdp, fake_idp
from wire_env import Env

pytestmark = pytest.mark.anyio
BACKCHANNEL = "/realms/test/protocol/openid-connect/logout/backchannel-logout"
EVENT = "http://schemas.openid.net/event/backchannel-logout"
BURST = 12


@pytest.fixture
async def idp(realm: Env) -> AsyncIterator[tuple[Env, FakeIdp]]:
    async with fake_idp() as provider:
        h = await realm.admin_headers()
        made = await realm.http.post("/admin/realms/test/identity-provider/instances", json=provider.rep(), headers=h)
        assert made.status_code == 201, made.text
        provider.certs_delay = 0.5
        yield realm, provider


def _token(env: Env, provider: FakeIdp, n: int, key: Any = ATTACKER_KEY, kid: str | None = None) -> str:
    now = env.clock.now()
    claims = {"iss": provider.issuer, "aud": "broker-app", "iat": now, "exp": now + 60, "jti": f"j-{n}"}
    claims |= {"sub": "mallory-sub", "events": {EVENT: {}}, "typ": "Logout"}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid or f"forged-{n}"})


async def _burst(env: Env, tokens: list[str]) -> list[httpx.Response]:
    answers: list[httpx.Response] = []

    async def post(token: str) -> None:
        answers.append(await env.http.post(BACKCHANNEL, data={"logout_token": token}))

    async with anyio.create_task_group() as group:
        for token in tokens:
            group.start_soon(post, token)
    return answers


async def test_a_burst_of_forged_kids_fetches_a_slow_providers_keys_once(idp: tuple[Env, FakeIdp]) -> None:
    env, provider = idp
    answers = await _burst(env, [_token(env, provider, n) for n in range(BURST)])
    assert [a.status_code for a in answers] == [400] * BURST, [a.text for a in answers]
    assert provider.fetched.count("/certs") == 1, provider.fetched  # not one per request in flight
    env.clock.advance(11)  # past minTimeBetweenRequests: one more fetch for the whole next burst
    answers = await _burst(env, [_token(env, provider, BURST + n) for n in range(BURST)])
    assert [a.status_code for a in answers] == [400] * BURST, [a.text for a in answers]
    assert provider.fetched.count("/certs") == 2, provider.fetched


async def test_the_provider_s_own_key_is_found_by_requests_that_waited_for_the_fetch(
    idp: tuple[Env, FakeIdp],
) -> None:
    """The requests that waited for another's fetch use what it fetched: the genuine tokens among a burst verify
    (200: nobody to log out), the forged ones do not."""
    env, provider = idp
    tokens = [_token(env, provider, n, key=KEY, kid=KID) if n % 2 else _token(env, provider, n) for n in range(8)]
    answers = await _burst(env, tokens)
    assert sorted(a.status_code for a in answers) == [200] * 4 + [400] * 4, [a.text for a in answers]
    assert provider.fetched.count("/certs") == 1, provider.fetched
