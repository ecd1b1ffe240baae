"""Keys prepared once (keys/jws.py) give exactly the tokens and verdicts PyJWT gives unprepared."""

from __future__ import annotations

import jwt
import pytest

from doorkeep import tokens
from doorkeep.keys import jws
from doorkeep.keys.material import HMAC_ALG, generate, load

CLAIMS = {"exp": 2, "iat": 1, "jti": "x", "iss": "http://h/realms/r", "sub": "u", "typ": "Bearer", "é": [1, 2.5]}


@pytest.mark.parametrize("alg", ["HS512", "RS256"])  # deterministic signatures: compare every byte
def test_prepared_keys_sign_byte_for_byte_what_pyjwt_signs(alg: str) -> None:
    key = load(generate("realm", alg, 0))
    for typ in ("JWT", "Refresh"):
        expected = jwt.encode(dict(CLAIMS), key.signing, algorithm=alg, headers={"kid": key.kid, "typ": typ})
        assert tokens.encode(key, CLAIMS, alg, typ) == expected


@pytest.mark.parametrize("alg", ["ES256", "ES384", "RS256", "PS256", HMAC_ALG])
def test_a_token_signed_with_a_prepared_key_verifies_with_pyjwt_and_the_codec(alg: str) -> None:
    key = load(generate("realm", "RS256" if alg == "PS256" else alg, 0))
    token = tokens.encode(key, CLAIMS, alg)
    header = jwt.get_unverified_header(token)
    assert list(header) == ["alg", "kid", "typ"] and header["alg"] == alg
    assert jwt.decode(token, key.verifying, algorithms=[alg], options={"verify_exp": False}) == CLAIMS
    assert key.jws_verifying is not None
    assert jws.decode(token, key.jws_verifying, alg, {"verify_exp": False}) == CLAIMS


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
