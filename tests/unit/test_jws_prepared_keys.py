"""Keys prepared once (keys/jws.py) give exactly the tokens and verdicts PyJWT gives unprepared."""

from __future__ import annotations

import json
import random
from collections.abc import Callable

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.api_jws import PyJWS
from jwt.utils import base64url_decode, raw_to_der_signature

from doorkeep import tokens
from doorkeep.keys import jws
from doorkeep.keys.material import HMAC_ALG, LoadedKey, generate, load

CLAIMS = {"exp": 2, "iat": 1, "jti": "x", "iss": "http://h/realms/r", "sub": "u", "typ": "Bearer", "é": [1, 2.5]}


def _same_token(ours: str, pyjwt: str, key: LoadedKey, alg: str) -> None:
    """The same header bytes, a payload that reads as the same JSON in the same key order, a valid signature;
    every byte the same when the claims are ASCII (beyond it, ours is UTF-8 where PyJWT writes escapes)."""
    header, payload, _ = ours.split(".")
    assert header == pyjwt.split(".")[0]
    ours_claims = json.loads(base64url_decode(payload))
    assert list(ours_claims.items()) == list(json.loads(base64url_decode(pyjwt.split(".")[1])).items())
    assert (
        jwt.decode(ours, key.verifying, algorithms=[alg], options={"verify_exp": False, "verify_iat": False})
        == ours_claims
    )
    if base64url_decode(payload).isascii():
        assert ours == pyjwt


@pytest.mark.parametrize("alg", ["HS512", "RS256"])  # deterministic signatures: compare every byte
def test_prepared_keys_sign_what_pyjwt_signs(alg: str) -> None:
    key = load(generate("realm", alg, 0))
    for typ in ("JWT", "Refresh"):
        expected = jwt.encode(dict(CLAIMS), key.signing, algorithm=alg, headers={"kid": key.kid, "typ": typ})
        _same_token(tokens.encode(key, CLAIMS, alg, typ), expected, key, alg)


SHAPES: list[dict[str, object]] = [
    {},
    {"iss": "http://h/realms/é", "nested": {"a": [1, None, True, 2.5]}, "emoji": "\U0001f600", "big": 2**70},
    {"iss": "http://h/realms/r", "nested": {"a": [1, None, True, 2.5, -3]}, "ctl": 'a\tb\u0001"/\\', "f": 1e16},
    {"z": 1, "a": 2, "typ": "Offline", "sid": "s" * 300},  # key order kept, not sorted
    {"iss": "http://h/realms/r", "given_name": "Zoë", "name": "\u5f20\u4f1f"},  # UTF-8 (orjson's path)
]


@pytest.mark.parametrize("alg", ["HS512", "RS256"])
@pytest.mark.parametrize("shape", range(len(SHAPES)))
def test_the_compact_encoder_writes_what_pyjwt_writes(alg: str, shape: int) -> None:
    key = load(generate("realm", alg, 0))
    assert key.jws_signing is not None
    for typ in ("JWT", "Refresh", "Logout"):  # one cached header per (alg, kid, typ)
        expected = jwt.encode(dict(SHAPES[shape]), key.signing, algorithm=alg, headers={"kid": key.kid, "typ": typ})
        _same_token(jws.encode_compact(dict(SHAPES[shape]), key.jws_signing, alg, key.kid, typ), expected, key, alg)


def test_claims_beyond_ascii_are_written_as_utf8_as_keycloak_writes_them() -> None:
    key = load(generate("realm", HMAC_ALG, 0))
    payload = base64url_decode(tokens.encode(key, {"name": "Zoë 张伟"}, HMAC_ALG).split(".")[1])
    assert payload == '{"name":"Zoë 张伟"}'.encode()


def test_the_compact_encoder_refuses_what_pyjwt_refuses() -> None:
    key = load(generate("realm", HMAC_ALG, 0))
    assert key.jws_signing is not None
    for bad in ({"iss": 1}, {"x": object()}):
        with pytest.raises(TypeError):
            jwt.encode(dict(bad), key.signing, algorithm=HMAC_ALG)
        with pytest.raises(TypeError):
            jws.encode_compact(dict(bad), key.jws_signing, HMAC_ALG, key.kid, "JWT")
    with pytest.raises(NotImplementedError):
        jws.encode_compact({}, key.jws_signing, "HS999", key.kid, "JWT")


@pytest.mark.parametrize("alg", ["ES256", "ES384", "ES512", "RS256", "PS256", HMAC_ALG])
def test_a_token_signed_with_a_prepared_key_verifies_with_pyjwt_and_the_codec(alg: str) -> None:
    key = load(generate("realm", "RS256" if alg == "PS256" else alg, 0))
    token = tokens.encode(key, CLAIMS, alg)
    header = jwt.get_unverified_header(token)
    assert list(header) == ["alg", "kid", "typ"] and header["alg"] == alg
    assert jwt.decode(token, key.verifying, algorithms=[alg], options={"verify_exp": False}) == CLAIMS
    assert key.jws_verifying is not None
    assert jws.decode(token, key.jws_verifying, alg, {"verify_exp": False}) == CLAIMS


@pytest.mark.parametrize(("alg", "width"), [("ES256", 32), ("ES384", 48), ("ES512", 66)])
def test_an_ecdsa_signature_is_r_and_s_as_wide_as_the_curve_as_pyjwt_writes_it(alg: str, width: int) -> None:
    """The ECDSA signer bypasses PyJWT's ``sign``: its raw ``r || s`` must be PyJWT's encoding of the same DER
    signature (checked by converting it back with PyJWT's own helper and verifying that with cryptography)."""
    key = load(generate("realm", alg, 0))
    assert key.jws_signing is not None
    for _ in range(20):  # r or s with leading zero bytes turn up about once in 128 signatures a byte
        token = jws.encode_compact(dict(CLAIMS), key.jws_signing, alg, key.kid, "JWT")
        signing_input, _, signature = token.encode().rpartition(b".")
        raw = base64url_decode(signature)
        assert len(raw) == 2 * width
        der = raw_to_der_signature(raw, key.signing.curve)
        key.signing.public_key().verify(der, signing_input, ec.ECDSA(jws._EC_HASHES[alg]))
        assert jwt.get_algorithm_by_name(alg).verify(signing_input, key.signing.public_key(), raw)


def test_a_token_of_another_key_fails_with_a_prepared_key() -> None:
    key, other = load(generate("realm", HMAC_ALG, 0)), load(generate("realm", HMAC_ALG, 0))
    assert key.jws_verifying is not None
    with pytest.raises(jwt.InvalidSignatureError):
        jws.decode(tokens.encode(other, CLAIMS, HMAC_ALG), key.jws_verifying, HMAC_ALG, {"verify_exp": False})


def test_the_codec_refuses_a_key_that_was_not_prepared() -> None:
    with pytest.raises(TypeError):
        jws._CODEC.encode({"a": 1}, b"k" * 64, algorithm=HMAC_ALG)


def test_a_key_pyjwt_refuses_to_prepare_is_used_as_before() -> None:
    assert jws.prepare("RSA-OAEP", object()) is None
    pem_as_secret = b"-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----"
    assert jws.prepare(HMAC_ALG, pem_as_secret) is None


SEGMENTS = [
    b"",
    b"e30",
    b"e30=",  # one '=' on a segment that is not a whole quantum
    b"eyJhIjoxfQ",
    b"eyJhIjoxfQ==",  # trailing padding some issuers send
    b"eyJhIjoxfQ===",
    b"eyJhIjoxfQ====",
    b"eyJhIjoxfR",  # not canonical: bits set past the data
    b"eyJhIjoxf",  # a length of 4n+1
    b"!!!!",
    b"ey+h",  # standard base64, not base64url
    b"ey/h",
    b"eyJh\n",
    b"eyJh IjoxfQ",
    b"=",
    b"==",
    b"a=b=",
    "é".encode(),
]


@pytest.mark.parametrize("segment", SEGMENTS)
def test_a_segment_decodes_or_is_refused_exactly_as_pyjwt_does(segment: bytes) -> None:
    assert_same_segment_verdict(segment)


def test_random_segments_decode_or_are_refused_exactly_as_pyjwt_does() -> None:
    rng = random.Random(8)
    alphabet = jws.BASE64URL + b"=+/ .!\x00\xff"
    for _ in range(3000):
        assert_same_segment_verdict(bytes(rng.choice(alphabet) for _ in range(rng.randrange(0, 14))))


def assert_same_segment_verdict(segment: bytes) -> None:
    def verdict(decode: Callable[[bytes, str], bytes]) -> bytes | str:
        try:
            return decode(segment, "payload")
        except jwt.DecodeError as err:
            return f"refused: {err}"

    pyjwt: Callable[[bytes, str], bytes] = PyJWS._decode_base64url_segment
    assert verdict(jws._decode_segment) == verdict(pyjwt), segment


def test_the_codec_uses_the_fast_segment_check_and_still_refuses_a_bad_token() -> None:
    key = load(generate("realm", HMAC_ALG, 0))
    assert key.jws_verifying is not None
    token = tokens.encode(key, CLAIMS, HMAC_ALG)
    head, body, sig = token.split(".")
    for bad in (f"{head}.{body}!.{sig}", f"{head}.{body}.{sig}===", f"{head}.{body[:-1]}.{sig}"):
        with pytest.raises(jwt.DecodeError):
            jws.decode(bad, key.jws_verifying, HMAC_ALG, {"verify_exp": False})
    assert jws.decode(f"{head}.{body}.{sig}", key.jws_verifying, HMAC_ALG, {"verify_exp": False}) == CLAIMS
