"""Session 63's encrypted broker input (broker/jwe_input.py, OIDCIdentityProvider.parseTokenInput) against a hostile
provider: ID tokens and userinfo answers encrypted to the consumer realm's RSA-OAEP key, with the wrong algorithms,
an inner token that is unsigned or signed by another key, nested encryption, a compression bomb and headers nested
past Python's recursion limit. Each is the "Unexpected error" page (502) and nobody logs in; never a 500.
"""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import jwt
import pytest
from jwcrypto import jwe, jwk

from broker_support import Broker, browser, callback, served_with_fake, to_provider, user_named
from browser_flow import REDIRECT
from fake_idp import ATTACKER_KEY, KEY, KID, FakeIdp, unsigned
from wire_env import Env

pytestmark = pytest.mark.anyio

UNEXPECTED = "Unexpected error when authenticating with identity provider"
DEEP = "[" * 100_000 + "]" * 100_000


@pytest.fixture
async def pair(env: Env) -> AsyncIterator[tuple[Broker, FakeIdp, jwk.JWK]]:
    """The FakeIdp as provider ``kc`` of realm ``test``, and the public JWK of one of the realm's RSA-OAEP
    encryption keys (a realm has its generated one)."""
    async with served_with_fake(env) as (broker, idp):
        certs = (await env.http.get("/realms/test/protocol/openid-connect/certs")).json()["keys"]
        enc = next(k for k in certs if k.get("use") == "enc" and k.get("alg") == "RSA-OAEP")
        yield broker, idp, jwk.JWK(**enc)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def encrypted(content: str | bytes, key: jwk.JWK, alg: str = "RSA-OAEP", enc: str = "A256GCM", **extra: Any) -> str:
    header = {"alg": alg, "enc": enc, "kid": key.get("kid"), **extra}
    token = jwe.JWE(content.encode() if isinstance(content, str) else content, json.dumps(header), algs=[alg, enc])
    token.add_recipient(key)
    return str(token.serialize(compact=True))


async def _refused(broker: Broker, idp: FakeIdp) -> None:
    async with browser(broker) as http:
        params = await to_provider(http, idp)
        done = await callback(http, params["state"])
        assert done.status_code == 502, done.text
        assert UNEXPECTED in done.text and "location" not in done.headers
    assert await user_named(broker.env, "mallory") is None


async def _logged_in(broker: Broker, idp: FakeIdp) -> httpx.Response:
    async with browser(broker) as http:
        params = await to_provider(http, idp)
        done = await callback(http, params["state"])
    assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
    return done


async def test_the_provider_s_signed_id_token_encrypted_to_the_realm_logs_in(
    pair: tuple[Broker, FakeIdp, jwk.JWK],
) -> None:
    """The control: each refusal below is the check's, not the setup's."""
    broker, idp, key = pair
    now = broker.env.clock.now()
    idp.id_token = lambda nonce: encrypted(idp.signed(idp.claims(now)), key)
    await _logged_in(broker, idp)
    assert await user_named(broker.env, "mallory") is not None


def _hostile_id_tokens(idp: FakeIdp, key: jwk.JWK, now: int) -> dict[str, str]:
    good = idp.claims(now)
    signed = idp.signed(good)
    bomb = zlib.compress(b" " * 20_000_000)[2:-4]  # raw DEFLATE, as JWE's zip DEF
    return {
        "inner alg none": encrypted(unsigned(good), key),
        "inner signed by another key": encrypted(idp.signed(good, ATTACKER_KEY), key),
        "inner the bare claims": encrypted(json.dumps(good), key),
        "JWE in JWE": encrypted(encrypted(signed, key), key, cty="JWT"),
        "alg dir under the realm's kid": _dir(signed, key),
        "RSA1_5 to an RSA-OAEP key": encrypted(signed, key, alg="RSA1_5", enc="A128CBC-HS256"),
        "zip DEF bomb": encrypted(bomb, key, zip="DEF"),
        "header nested past the recursion limit": ".".join([_b64(DEEP.encode()), "a", "b", "c", "d"]),
        "JWS header nested past the recursion limit": ".".join([_b64(DEEP.encode()), _b64(b"{}"), "c"]),
        "inner JWS header nested past the recursion limit": encrypted(".".join([_b64(DEEP.encode()), "b", "c"]), key),
        "inner JWS payload nested past the recursion limit": encrypted(_signed_bytes(DEEP.encode()), key),
        "oversized": encrypted(idp.signed(good | {"pad": "x" * 600_000}), key),
    }


def _signed_bytes(payload: bytes) -> str:
    """A JWS over any bytes, signed by the provider's own key (so only the payload is hostile)."""
    return jwt.PyJWS().encode(payload, KEY, algorithm="RS256", headers={"kid": KID})


def _dir(content: str, key: jwk.JWK) -> str:
    """``dir`` with a key of the attacker's, naming the realm's RSA key (a verifier that used whatever key the kid
    names as the content key would be confused)."""
    secret = jwk.JWK.generate(kty="oct", size=256)
    token = jwe.JWE(content.encode(), json.dumps({"alg": "dir", "enc": "A256GCM", "kid": key.get("kid")}))
    token.add_recipient(secret)
    return str(token.serialize(compact=True))


HOSTILE = list(_hostile_id_tokens(FakeIdp("http://x"), jwk.JWK.generate(kty="RSA", size=2048, kid="k"), 0))


@pytest.mark.parametrize("case", HOSTILE)
async def test_a_hostile_encrypted_id_token_is_refused(pair: tuple[Broker, FakeIdp, jwk.JWK], case: str) -> None:
    broker, idp, key = pair
    now = broker.env.clock.now()
    tokens = _hostile_id_tokens(idp, key, now)
    idp.id_token = lambda nonce: tokens[case]
    await _refused(broker, idp)


def _userinfo_answers(idp: FakeIdp, key: jwk.JWK) -> dict[str, bytes]:
    claims = {"sub": "mallory-sub", "email": "mallory@idp.example"}
    return {
        "inner alg none": encrypted(unsigned(claims), key).encode(),
        "inner signed by another key": encrypted(idp.signed(claims, ATTACKER_KEY), key).encode(),
        "JWE in JWE": encrypted(encrypted(json.dumps(claims), key), key).encode(),
        "content nested past the recursion limit": encrypted(DEEP, key).encode(),
        "zip DEF bomb": encrypted(zlib.compress(b"[" * 20_000_000)[2:-4], key, zip="DEF").encode(),
        "header nested past the recursion limit": ".".join([_b64(DEEP.encode()), "a", "b", "c", "d"]).encode(),
        "alg none, not encrypted": unsigned(claims).encode(),
    }


USERINFO = list(_userinfo_answers(FakeIdp("http://x"), jwk.JWK.generate(kty="RSA", size=2048, kid="k")))


@pytest.mark.parametrize("case", USERINFO)
async def test_a_hostile_userinfo_jwt_is_refused(pair: tuple[Broker, FakeIdp, jwk.JWK], case: str) -> None:
    """The userinfo answer (``application/jwt``, disableUserInfo off) after a good ID token."""
    broker, idp, key = pair
    headers = await broker.env.admin_headers()
    path = "/admin/realms/test/identity-provider/instances/kc"
    rep = (await broker.env.http.get(path, headers=headers)).json()
    rep["config"]["disableUserInfo"] = "false"
    updated = await broker.env.http.put(path, json=rep, headers=headers)
    assert updated.status_code == 204, updated.text
    idp.userinfo_answer = ("application/jwt", _userinfo_answers(idp, key)[case])
    await _refused(broker, idp)
