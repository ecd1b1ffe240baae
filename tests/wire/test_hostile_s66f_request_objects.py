"""The JOSE attack catalogue against request objects (OIDC Core §6, RFC 9101) at the authorization endpoint.

Keycloak reads a request object with DefaultTokenManager.decodeClientJWT: a JWE is decrypted with the realm's
key (JWE.verifyAndDecodeJwe, which never reads ``zip``: compressed content stays compressed, is no JSON and is
refused), a JWS is checked with the client's keys or secret. Every refusal is the "Invalid Request" page.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from jwcrypto import jwe, jwk

from browser_flow import REDIRECT, start
from key_provider_port import created_id, rep
from support import seed_client, update_client
from wire_env import Env

pytestmark = pytest.mark.anyio

CLIENT = "ro-app"
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
async def ro(realm: Env) -> Env:
    await seed_client(realm.db, "test", CLIENT, redirect_uris=("http://127.0.0.1:9999/*",))
    return realm


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims(env: Env) -> dict[str, Any]:
    now = env.clock.now()
    return {"client_id": CLIENT, "response_type": "code", "redirect_uri": REDIRECT, "scope": "openid", "exp": now + 60}


def _login_page(page: httpx.Response) -> None:
    assert page.status_code == 200 and 'name="password"' in page.text, (page.status_code, page.text[:300])


def _invalid_request(page: httpx.Response) -> None:
    assert page.status_code == 400 and "Invalid Request" in page.text, (page.status_code, page.text[:300])


async def _realm_enc_key(env: Env, kty: str) -> dict[str, Any]:
    keys = (await env.http.get("/realms/test/protocol/openid-connect/certs")).json()["keys"]
    found = [k for k in keys if k.get("use") == "enc" and k["kty"] == kty]
    assert found, keys
    return dict(found[0])


async def _encrypted(env: Env, content: bytes, header: dict[str, Any]) -> str:
    """A JWE of ``content`` to the realm's RSA encryption key (jwcrypto deflates it when the header says ``zip``)."""
    token = jwe.JWE(content, protected=json.dumps(header), algs=[header["alg"], header["enc"]])
    token.add_recipient(jwk.JWK(**await _realm_enc_key(env, "RSA")))
    return str(token.serialize(compact=True))


async def test_a_compressed_request_object_is_never_inflated(ro: Env) -> None:
    """``zip: DEF``: Keycloak does not decompress, so the content is no request object. Before, jwcrypto inflated
    it (up to 100 MB from a body of 100 kB: the realm's encryption key is public, so anyone could) and the login
    went on."""
    claims = json.dumps(_claims(ro)).encode()
    header = {"alg": "RSA-OAEP", "enc": "A256GCM", "zip": "DEF"}
    page = await start(ro.http, "test", CLIENT, request=await _encrypted(ro, claims, header))
    _invalid_request(page)
    plain = await _encrypted(ro, claims, {"alg": "RSA-OAEP", "enc": "A256GCM"})
    _login_page(await start(ro.http, "test", CLIENT, request=plain))


def _off_curve_point() -> dict[str, str]:
    public = ec.generate_private_key(ec.SECP256R1()).public_key().public_numbers()
    y = (public.y + 1) % (2**256)
    return {"kty": "EC", "crv": "P-256", "x": _b64(public.x.to_bytes(32, "big")), "y": _b64(y.to_bytes(32, "big"))}


async def test_an_ecdh_es_ephemeral_key_off_the_curve_is_refused(ro: Env) -> None:
    """The invalid-curve attack on ECDH-ES: an ``epk`` that is not on P-256 never reaches the key agreement."""
    await created_id(ro, await rep(ro, "ecdh", "ecdh-generated", {"priority": "200", "ecdhAlgorithm": "ECDH-ES"}))
    realm_key = await _realm_enc_key(ro, "EC")
    good = jwe.JWE(
        json.dumps(_claims(ro)).encode(), protected={"alg": "ECDH-ES", "enc": "A128GCM", "kid": realm_key["kid"]}
    )
    good.add_recipient(jwk.JWK(**realm_key))
    text = str(good.serialize(compact=True))
    _login_page(await start(ro.http, "test", CLIENT, request=text))
    head, rest = text.split(".", 1)
    header = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    header["epk"] = _off_curve_point()
    forged = _b64(json.dumps(header).encode()) + "." + rest
    _invalid_request(await start(ro.http, "test", CLIENT, request=forged))


def _jws(header: dict[str, Any], claims: dict[str, Any], key: Any, alg: str) -> str:
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}".encode()
    return f"{signing_input.decode()}.{_b64(jwt.get_algorithm_by_name(alg).sign(signing_input, key))}"


def _jwks() -> str:
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(RSA_KEY.public_key()))
    return json.dumps({"keys": [public | {"kid": "ro-key", "use": "sig"}]})


async def _signed_client(env: Env, **more: str) -> None:
    attributes = {"use.jwks.string": "true", "jwks.string": _jwks()} | more
    await update_client(env.db, "test", CLIENT, attributes=attributes)


@pytest.mark.parametrize("alg", ["None", "nOnE", "NONE"])
async def test_none_in_another_case_is_no_unsigned_request_object(ro: Env, alg: str) -> None:
    """``none`` is read unchecked (Keycloak's verifyJWS); ``None`` or ``NONE`` is no algorithm at all."""
    text = _b64(json.dumps({"alg": alg}).encode()) + "." + _b64(json.dumps(_claims(ro)).encode()) + "."
    _invalid_request(await start(ro.http, "test", CLIENT, request=text))


async def test_hs256_keyed_with_the_clients_public_key_is_refused(ro: Env) -> None:
    """Algorithm confusion: the client's public key, as PEM or as its JWK's JSON, is no HMAC secret."""
    await _signed_client(ro)
    pem = RSA_KEY.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    for secret in (pem, _jwks().encode()):
        text = _jws({"alg": "HS256", "kid": "ro-key"}, _claims(ro), secret, "HS256")
        _invalid_request(await start(ro.http, "test", CLIENT, request=text))
    _login_page(
        await start(
            ro.http, "test", CLIENT, request=_jws({"alg": "RS256", "kid": "ro-key"}, _claims(ro), RSA_KEY, "RS256")
        )
    )


@pytest.mark.parametrize(
    "extra",
    [
        {"jku": "http://127.0.0.1:48798/jwks"},
        {"x5u": "http://127.0.0.1:48798/cert"},
        {"kid": "../../../../etc/passwd"},
        {"kid": "x' OR '1'='1"},
        {"kid": "k" * 10_000},
        {"jwk": {"kty": "RSA", "n": "AQAB", "e": "AQAB"}},
    ],
)
async def test_headers_pointing_elsewhere_never_bring_a_key(ro: Env, extra: dict[str, Any]) -> None:
    """A request object signed by a stranger names its own key (``jwk``), key set (``jku``), certificate (``x5u``)
    or a hostile ``kid``: none is fetched nor taken; nothing listens on those ports."""
    await _signed_client(ro)
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    header = {"alg": "RS256", **extra}
    if "jwk" in extra:
        header["jwk"] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(stranger.public_key()))
    _invalid_request(await start(ro.http, "test", CLIENT, request=_jws(header, _claims(ro), stranger, "RS256")))


def _unsigned_text(env: Env, exp: str) -> str:
    claims = json.dumps(_claims(env))[:-1] + f', "nbf": {exp}}}'
    return _b64(b'{"alg":"none"}') + "." + _b64(claims.encode()) + "."


@pytest.mark.parametrize(
    ("nbf", "read"), [('"soon"', True), ("1" + "0" * 30, True), ("[1]", True), ("NaN", False), ("Infinity", False)]
)
async def test_a_request_object_is_read_as_a_json_node(ro: Env, nbf: str, read: bool) -> None:
    """decodeClientJWT(…, JsonNode.class): any JSON is a claim (Keycloak checks no ``nbf`` here), but ``NaN`` and
    ``Infinity`` are no JSON to Jackson. Before, a string was refused and NaN taken."""
    page = await start(ro.http, "test", CLIENT, request=_unsigned_text(ro, nbf))
    if read:
        _login_page(page)
    else:
        _invalid_request(page)
