"""A provider's ID token that Keycloak could not read, signed or encrypted by the provider itself.

OIDCIdentityProvider reads the ID token into an IDToken (a JsonWebToken: ``exp``, ``iat``, ``nbf`` Longs) and
decrypts a JWE with JWE.verifyAndDecodeJwe, which never inflates ``zip: DEF`` content. So an ``exp`` of ``NaN``,
``Infinity`` or ``1e309`` (which Python's JSON reader takes, and which compared as "never expires"), and a
compressed JWE (which jwcrypto inflated, up to 100 MB) are each the "Unexpected error" page, and nobody logs in.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from jwcrypto import jwe, jwk

from broker_support import Broker, browser, callback, served_with_fake, to_provider, user_named
from browser_flow import REDIRECT
from fake_idp import FakeIdp
from wire_env import Env

pytestmark = pytest.mark.anyio

UNEXPECTED = "Unexpected error when authenticating with identity provider"


@pytest.fixture
async def pair(env: Env) -> AsyncIterator[tuple[Broker, FakeIdp, jwk.JWK]]:
    async with served_with_fake(env) as (broker, idp):
        certs = (await env.http.get("/realms/test/protocol/openid-connect/certs")).json()["keys"]
        enc = next(k for k in certs if k.get("use") == "enc" and k.get("alg") == "RSA-OAEP")
        yield broker, idp, jwk.JWK(**enc)


def _encrypted(content: str, key: jwk.JWK, **extra: Any) -> str:
    header = {"alg": "RSA-OAEP", "enc": "A256GCM", "kid": key.get("kid"), **extra}
    token = jwe.JWE(content.encode(), json.dumps(header), algs=["RSA-OAEP", "A256GCM"])
    token.add_recipient(key)  # jwcrypto deflates the content itself when the header says zip
    return str(token.serialize(compact=True))


async def _answer(broker: Broker, idp: FakeIdp) -> int:
    async with browser(broker) as http:
        params = await to_provider(http, idp)
        done = await callback(http, params["state"])
    if done.status_code == 302:
        assert done.headers["location"].startswith(REDIRECT), done.headers
    else:
        assert done.status_code == 502 and UNEXPECTED in done.text, done.text
    return done.status_code


async def test_a_compressed_id_token_is_never_inflated(pair: tuple[Broker, FakeIdp, jwk.JWK]) -> None:
    broker, idp, key = pair
    now = broker.env.clock.now()
    idp.id_token = lambda nonce: _encrypted(idp.signed(idp.claims(now)), key, zip="DEF")
    assert await _answer(broker, idp) == 502
    assert await user_named(broker.env, "mallory") is None
    idp.id_token = lambda nonce: _encrypted(idp.signed(idp.claims(now)), key)
    assert await _answer(broker, idp) == 302


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 10**30, "1.5", "later"])
async def test_an_exp_jackson_cannot_read_is_no_id_token(pair: tuple[Broker, FakeIdp, jwk.JWK], value: object) -> None:
    broker, idp, _ = pair
    idp.id_token = lambda nonce: idp.signed(idp.claims(broker.env.clock.now(), exp=value))
    assert await _answer(broker, idp) == 502
    assert await user_named(broker.env, "mallory") is None


async def test_an_exp_in_a_string_is_read_as_jackson_reads_it(pair: tuple[Broker, FakeIdp, jwk.JWK]) -> None:
    broker, idp, _ = pair
    now = broker.env.clock.now()
    idp.id_token = lambda nonce: idp.signed(idp.claims(now, exp=str(now - 600)))
    assert await _answer(broker, idp) == 502
    idp.id_token = lambda nonce: idp.signed(idp.claims(now, exp=str(now + 300)))
    assert await _answer(broker, idp) == 302
