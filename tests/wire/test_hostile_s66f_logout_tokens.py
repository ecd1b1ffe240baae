"""A provider's logout token (OIDC Back-Channel Logout §2.6) whose numeric claims Jackson cannot read.

Keycloak's TokenManager.toLogoutToken binds the payload to LogoutToken, a JsonWebToken whose ``exp``, ``nbf`` and
``iat`` are Longs: ``NaN`` and ``Infinity`` are no JSON to Jackson, and ``1e309`` or 10**30 overflow a long, so
each is "The decode of the logoutToken failed". Python's JSON reader takes all four; ``NaN`` or ``Infinity`` in
``exp`` then compared as "never expires", and such a token, signed once by the provider, ended sessions forever.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import jwt
import pytest

from fake_idp import KEY, KID, FakeIdp, fake_idp
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


def _token(env: Env, provider: FakeIdp, **changes: Any) -> str:
    now = env.clock.now()
    claims = {"iss": provider.issuer, "aud": "broker-app", "iat": now, "exp": now + 60, "jti": "j-1"}
    claims |= {"sub": "someone", "events": {EVENT: {}}, "typ": "Logout", **changes}
    return jwt.encode(claims, KEY, algorithm="RS256", headers={"kid": KID})


async def _post(env: Env, token: str) -> httpx.Response:
    return await env.http.post(BACKCHANNEL, data={"logout_token": token})


def _refused(answer: httpx.Response, description: str) -> None:
    assert (answer.status_code, answer.json()) == (
        400,
        {"error": "invalid_request", "error_description": description},
    ), answer.text


@pytest.mark.parametrize("name", ["exp", "nbf", "iat"])
@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf"), 10**30, "1.5", "soon", True])
async def test_a_number_jackson_cannot_read_makes_the_token_undecodable(
    idp: tuple[Env, FakeIdp], name: str, value: object
) -> None:
    env, provider = idp
    _refused(await _post(env, _token(env, provider, **{name: value})), "The decode of the logoutToken failed")


async def test_numbers_jackson_reads_are_read_as_it_reads_them(idp: tuple[Env, FakeIdp]) -> None:
    """A float is truncated and a string holding a whole number is the number: a past ``exp`` so written is
    expired, a future one is not."""
    env, provider = idp
    now = env.clock.now()
    for expired in (float(now - 600) + 0.5, str(now - 600)):
        answer = await _post(env, _token(env, provider, exp=expired))
        _refused(answer, "LogoutToken verification with identity provider failed")
    for live in (float(now + 60) + 0.5, str(now + 60)):
        assert (await _post(env, _token(env, provider, exp=live, jti=str(live)))).status_code == 200


async def test_an_empty_iat_is_no_iat(idp: tuple[Env, FakeIdp]) -> None:
    """Jackson binds an empty string to a Long as null: the token has no ``iat`` (before: "undecodable")."""
    env, provider = idp
    _refused(await _post(env, _token(env, provider, iat="")), "The LogoutToken doesn't contain an iat claim")
