"""The JOSE attack catalogue against DPoP proofs (RFC 9449), which anyone can sign: the key is in the proof.

Keycloak's DPoPUtil.validateDPoP reads a proof with TokenVerifier.create(proof, DPoP.class): its ``getHeader()``
parses the whole JWS, payload included, into the DPoP class (a JsonWebToken: ``iat`` a ``Long``), so a payload
Jackson cannot bind (``NaN``, ``Infinity``, a number beyond a long) is "DPoP header verification failure"; a
``jku``, ``x5u`` or ``kid`` header is never fetched nor looked up (the key is the header's ``jwk``). Every
answer is a 400 ``invalid_request``, never a 500.
"""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

import httpx
import jwt
import pytest

from dpop_port import TOKEN_URL, ProofKey, b64
from support import token_url, update_client
from wire_env import Env

pytestmark = pytest.mark.anyio

EC, RSA = ProofKey("ec"), ProofKey("rsa")


def _proof(key: ProofKey, claims: str | dict[str, Any], header: dict[str, Any] | None = None) -> str:
    """A proof signed by ``key`` over ``claims`` (raw JSON text when a string: numbers Python cannot write)."""
    head = header if header is not None else {"typ": "dpop+jwt", "alg": key.alg, "jwk": key.jwk}
    body = claims if isinstance(claims, str) else json.dumps(claims)
    signing_input = f"{b64(json.dumps(head).encode())}.{b64(body.encode())}".encode()
    signature = jwt.get_algorithm_by_name(key.alg).sign(signing_input, key.private)
    return f"{signing_input.decode()}.{b64(signature)}"


async def _token(env: Env, proof: str) -> httpx.Response:
    form = {"grant_type": "password", "client_id": "app", "client_secret": "secret"}
    form |= {"username": "user1", "password": "password"}
    return await env.http.post(token_url("test"), data=form, headers={"DPoP": proof})


def _refused(response: httpx.Response, description: str) -> None:
    assert (response.status_code, response.json()) == (
        400,
        {"error": "invalid_request", "error_description": description},
    ), response.text


def _iat_text(env: Env, iat: str) -> str:
    return f'{{"htm":"POST","htu":"{TOKEN_URL}","jti":"{uuid.uuid4()}","iat":{iat}}}'


@pytest.mark.parametrize("iat", ["NaN", "Infinity", "-Infinity", "1e309", "-1e309", "1" + "0" * 30])
async def test_an_iat_jackson_cannot_read_as_a_long_is_an_unreadable_proof(realm: Env, iat: str) -> None:
    """Python reads these numbers (a float NaN or infinity, an int of 100 bits); Jackson refuses each for a Long.
    Before: ``int(nan)`` and ``int(inf)`` were a 500 on the token endpoint for anyone with any key pair."""
    _refused(await _token(realm, _proof(EC, _iat_text(realm, iat))), "DPoP header verification failure")


async def test_an_iat_in_a_string_is_the_number_it_holds(realm: Env) -> None:
    """Jackson's scalar coercion (ALLOW_COERCION_OF_SCALARS, on in Keycloak's ObjectMapper) binds "1700000000" to
    the Long; before, such a proof was refused as missing its ``iat``."""
    assert (await _token(realm, _proof(EC, _iat_text(realm, f'"{realm.clock.now()}"')))).status_code == 200
    _refused(await _token(realm, _proof(EC, _iat_text(realm, '"100"'))), "DPoP proof is not active")


@pytest.mark.parametrize("iat", ["1.5", "true", '"soon"', "[1]", "{}"])
async def test_an_iat_of_another_kind_is_refused_not_a_server_error(realm: Env, iat: str) -> None:
    response = await _token(realm, _proof(EC, _iat_text(realm, iat)))
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_request", response.text


@pytest.mark.parametrize(
    "extra",
    [
        {"jku": "http://127.0.0.1:48799/jwks"},
        {"x5u": "http://127.0.0.1:48799/cert"},
        {"kid": "../../../../etc/passwd"},
        {"kid": "' OR '1'='1"},
        {"kid": "k" * 10_000},
        {"crit": ["exp"], "exp": 1},
        {"zip": "DEF"},
    ],
)
async def test_headers_that_point_elsewhere_are_ignored_the_jwk_decides(realm: Env, extra: dict[str, Any]) -> None:
    """A proof signed by its own ``jwk``: extra headers change nothing (nothing listens on the jku port, so a
    fetch would fail the request); signed by another key, the same headers do not make it verify."""
    claims = {"htm": "POST", "htu": TOKEN_URL, "iat": realm.clock.now()}
    good = _proof(EC, {**claims, "jti": "a"}, {"typ": "dpop+jwt", "alg": "ES256", "jwk": EC.jwk, **extra})
    assert (await _token(realm, good)).status_code == 200
    head = {"typ": "dpop+jwt", "alg": "ES256", "jwk": ProofKey("ec").jwk, **extra}
    forged = _proof(EC, {**claims, "jti": "b"}, head)
    _refused(
        await _token(realm, forged),
        "DPoP verification failure: org.keycloak.exceptions.TokenSignatureInvalidException: Invalid token signature",
    )


@pytest.mark.parametrize("name", ["kid", "typ", "cty"])
async def test_an_array_where_the_header_holds_a_string_is_an_unreadable_header(realm: Env, name: str) -> None:
    """JWSHeader's ``kid``, ``typ`` and ``cty`` are Strings: Jackson refuses an array (before: the proof, signed by
    its own key, was taken with its ``kid`` ignored)."""
    head = {"typ": "dpop+jwt", "alg": "ES256", "jwk": EC.jwk, name: ["a", "b"]}
    proof = _proof(EC, {"htm": "POST", "htu": TOKEN_URL, "iat": realm.clock.now(), "jti": name}, head)
    _refused(await _token(realm, proof), "DPoP header verification failure")


@pytest.mark.parametrize("alg", ["none", "None", "nOnE", "HS256", "HS512", "RSA1_5", "dir"])
async def test_no_symmetric_or_unsigned_algorithm(realm: Env, alg: str) -> None:
    head = {"typ": "dpop+jwt", "alg": alg, "jwk": RSA.jwk}
    body = b64(json.dumps({"htm": "POST", "htu": TOKEN_URL, "iat": realm.clock.now(), "jti": alg}).encode())
    public_pem = b"-----BEGIN PUBLIC KEY-----"  # HS256 "keyed" with the public key: never a verifier here
    proof = f"{b64(json.dumps(head).encode())}.{body}.{b64(public_pem)}"
    _refused(await _token(realm, proof), f"Unsupported DPoP algorithm: {alg}")


async def test_a_private_jwk_is_refused(realm: Env) -> None:
    private = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(EC.private))
    head = {"typ": "dpop+jwt", "alg": "ES256", "jwk": private}
    proof = _proof(EC, {"htm": "POST", "htu": TOKEN_URL, "iat": realm.clock.now(), "jti": "p"}, head)
    _refused(await _token(realm, proof), "Private key is present in DPoP header")


def _off_curve(jwk: dict[str, str]) -> dict[str, str]:
    y = int.from_bytes(base64.urlsafe_b64decode(jwk["y"] + "=="), "big")
    return {**jwk, "y": b64(((y + 1) % 2**256).to_bytes(32, "big"))}


async def test_an_ec_key_off_its_curve_is_no_key(realm: Env) -> None:
    """An invalid-curve point is refused when the key is read, before any signature is checked."""
    head = {"typ": "dpop+jwt", "alg": "ES256", "jwk": _off_curve(EC.jwk)}
    proof = _proof(EC, {"htm": "POST", "htu": TOKEN_URL, "iat": realm.clock.now(), "jti": "c"}, head)
    _refused(await _token(realm, proof), "Unsupported key type in DPoP header")


async def test_a_dpop_bound_client_refuses_a_proof_with_the_signature_padded_or_truncated(realm: Env) -> None:
    await update_client(realm.db, "test", "app", attributes={"dpop.bound.access.tokens": "true"})
    claims = {"htm": "POST", "htu": TOKEN_URL, "iat": realm.clock.now()}
    proof = _proof(EC, {**claims, "jti": "t"})
    _refused(
        await _token(realm, proof[:-4]),
        "DPoP verification failure: org.keycloak.exceptions.TokenSignatureInvalidException: Invalid token signature",
    )
    padded = await _token(realm, _proof(EC, {**claims, "jti": "u"}) + "==")
    assert padded.status_code in (200, 400), padded.text


@pytest.mark.parametrize(("first", "last", "ok"), [("jwt", "dpop+jwt", True), ("dpop+jwt", "jwt", False)])
async def test_a_duplicated_header_member_is_its_last_value(realm: Env, first: str, last: str, ok: bool) -> None:
    """Jackson and Python's JSON reader both keep the last of two equal names: the verifier reads what it checked."""
    jwk = json.dumps(EC.jwk)
    head = f'{{"typ":"{first}","alg":"ES256","jwk":{jwk},"typ":"{last}"}}'
    body = json.dumps({"htm": "POST", "htu": TOKEN_URL, "iat": realm.clock.now(), "jti": f"dup-{first}"})
    signing_input = f"{b64(head.encode())}.{b64(body.encode())}".encode()
    proof = f"{signing_input.decode()}.{b64(jwt.get_algorithm_by_name('ES256').sign(signing_input, EC.private))}"
    response = await _token(realm, proof)
    if ok:
        assert response.status_code == 200, response.text
    else:
        _refused(response, "Invalid or missing type in DPoP header: jwt")
