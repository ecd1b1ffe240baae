"""The JOSE attack catalogue against client assertions (RFC 7523 §2.2: private_key_jwt and client_secret_jwt).

Keycloak reads an assertion with JWSInput and binds it to a JsonWebToken (``exp``, ``iat``, ``nbf`` Longs): a
number Jackson cannot read there (``NaN``, ``Infinity``, ``1e309``, beyond a long) is a parsing error, 400
``invalid_client`` "Client authentication with signed JWT failed: …" (``unauthorized_client`` for the secret's
authenticator), never a 500. Headers never bring a key: ``jku``, ``x5u``, ``jwk`` and a hostile ``kid`` find
nothing among the client's keys.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from support import assert_error, token_url, update_client
from wire_env import Env

pytestmark = pytest.mark.anyio

TOKEN = "http://localhost/realms/test/protocol/openid-connect/token"
BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
SIGNED_PREFIX = "Client authentication with signed JWT failed: "
SECRET_PREFIX = "Client authentication with client secret signed JWT failed: "


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _jwks(key: Any = RSA_KEY, kid: str = "k1") -> str:
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return json.dumps({"keys": [public | {"kid": kid, "use": "sig"}]})


def _payload(env: Env, **over: Any) -> str:
    """The claims as JSON text; a value given as ``str`` prefixed ``raw:`` is written as is (NaN, 1e309)."""
    now = env.clock.now()
    claims: dict[str, Any] = {"iss": "app", "sub": "app", "aud": TOKEN, "iat": now, "exp": now + 30}
    claims |= {"jti": str(uuid.uuid4())} | over
    parts = []
    for name, value in claims.items():
        text = value[4:] if isinstance(value, str) and value.startswith("raw:") else json.dumps(value)
        parts.append(f"{json.dumps(name)}:{text}")
    return "{" + ",".join(parts) + "}"


def _sign(header: dict[str, Any], payload: str, key: Any, alg: str) -> str:
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(payload.encode())}".encode()
    if alg.startswith("HS"):
        digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}[alg]
        signature = hmac.new(key, signing_input, digest).digest()
    else:
        signature = jwt.get_algorithm_by_name(alg).sign(signing_input, key)
    return f"{signing_input.decode()}.{_b64(signature)}"


async def _token(env: Env, assertion: str) -> httpx.Response:
    form = {"grant_type": "password", "username": "user1", "password": "password", "client_id": "app"}
    form |= {"client_assertion_type": BEARER, "client_assertion": assertion}
    return await env.http.post(token_url("test"), data=form)


async def _private_key_jwt(env: Env, **attributes: str) -> None:
    attrs = {"use.jwks.string": "true", "jwks.string": _jwks()} | attributes
    await update_client(env.db, "test", "app", client_authenticator_type="client-jwt", attributes=attrs)


UNREADABLE = ["raw:NaN", "raw:Infinity", "raw:-Infinity", "raw:1e309", "raw:" + "9" * 25, "raw:true", "raw:[1]"]


@pytest.mark.parametrize("name", ["exp", "iat", "nbf"])
@pytest.mark.parametrize("value", UNREADABLE)
async def test_a_number_jackson_cannot_read_is_a_parsing_error(realm: Env, name: str, value: str) -> None:
    """Before: NaN or Infinity in ``exp`` passed the parse, then ``int()`` of it was a 500 for a correctly signed
    assertion; 10**25 was taken as a far-off expiry Keycloak cannot read."""
    await _private_key_jwt(realm)
    assertion = _sign({"alg": "RS256", "kid": "k1"}, _payload(realm, **{name: value}), RSA_KEY, "RS256")
    assert_error(await _token(realm, assertion), 400, "invalid_client", SIGNED_PREFIX + "Parsing error")


@pytest.mark.parametrize("value", ["raw:NaN", "raw:1e309"])
async def test_the_secret_authenticator_says_the_same_in_its_own_words(realm: Env, value: str) -> None:
    await update_client(realm.db, "test", "app", client_authenticator_type="client-secret-jwt")
    assertion = _sign({"alg": "HS256"}, _payload(realm, exp=value), b"secret", "HS256")
    assert_error(await _token(realm, assertion), 400, "unauthorized_client", SECRET_PREFIX + "Parsing error")


async def test_numbers_jackson_reads_are_read_as_it_reads_them(realm: Env) -> None:
    """A float is truncated (ACCEPT_FLOAT_AS_INT) and a string holding a whole number is that number."""
    await _private_key_jwt(realm)
    now = realm.clock.now()
    for exp in (f"raw:{now + 30}.9", f'raw:"{now + 30}"'):
        assertion = _sign({"alg": "RS256", "kid": "k1"}, _payload(realm, exp=exp), RSA_KEY, "RS256")
        assert (await _token(realm, assertion)).status_code == 200
    expired = _sign({"alg": "RS256", "kid": "k1"}, _payload(realm, exp=f'raw:"{now - 60}"'), RSA_KEY, "RS256")
    assert_error(await _token(realm, expired), 400, "invalid_client", "Token is not active")


@pytest.mark.parametrize("alg", ["none", "None", "nOnE"])
async def test_no_unsigned_assertion_in_any_case(realm: Env, alg: str) -> None:
    await _private_key_jwt(realm)
    text = _b64(json.dumps({"alg": alg}).encode()) + "." + _b64(_payload(realm).encode()) + "."
    response = await _token(realm, text)
    assert response.status_code == 400 and response.json()["error"] == "invalid_client", response.text


async def test_hs256_keyed_with_the_clients_public_key_is_refused(realm: Env) -> None:
    """Algorithm confusion: the public key as PEM, or its JWK set's JSON, used as an HMAC secret."""
    await _private_key_jwt(realm)
    pem = RSA_KEY.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    for secret in (pem, _jwks().encode()):
        assertion = _sign({"alg": "HS256", "kid": "k1"}, _payload(realm), secret, "HS256")
        assert_error(await _token(realm, assertion), 400, "invalid_client", "Invalid signature algorithm")


@pytest.mark.parametrize(
    "extra",
    [
        {"jku": "http://127.0.0.1:48797/jwks"},
        {"x5u": "http://127.0.0.1:48797/cert"},
        {"kid": "../../../../etc/passwd"},
        {"kid": "x' OR '1'='1"},
        {"kid": "k" * 10_000},
    ],
)
async def test_a_strangers_assertion_finds_no_key_whatever_its_header_says(realm: Env, extra: dict[str, Any]) -> None:
    await _private_key_jwt(realm)
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    header = {"alg": "RS256", **extra}
    header["jwk"] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(stranger.public_key()))
    response = await _token(realm, _sign(header, _payload(realm), stranger, "RS256"))
    assert response.status_code == 400 and response.json()["error"] == "invalid_client", response.text


async def test_a_truncated_signature_fails(realm: Env) -> None:
    await _private_key_jwt(realm)
    good = _sign({"alg": "RS256", "kid": "k1"}, _payload(realm), RSA_KEY, "RS256")
    assert_error(
        await _token(realm, good[:-8]),
        400,
        "invalid_client",
        SIGNED_PREFIX + "Signature on JWT token failed validation",
    )


async def test_an_rsa_key_under_2048_bits_in_the_clients_jwks(realm: Env) -> None:
    """A 1024-bit key the client registered still verifies its own signatures, as Keycloak's JWKSUtils takes any
    RSA key; a forger needs the key, not its size."""
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    await _private_key_jwt(realm, **{"jwks.string": _jwks(small, "small")})
    assertion = _sign({"alg": "RS256", "kid": "small"}, _payload(realm), small, "RS256")
    assert (await _token(realm, assertion)).status_code == 200
