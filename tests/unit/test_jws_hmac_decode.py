"""``jws.decode_hmac`` (the refresh token's verification without PyJWT's per-call objects) accepts exactly the
tokens PyJWT accepts with signature-only options, and returns the same claims."""

from __future__ import annotations

import base64
import dataclasses
import json
from typing import Any

import jwt
import pytest
from jwt.exceptions import InvalidTokenError

from doorkeep.keys import jws
from doorkeep.keys.material import LoadedKey, generate, load

SIGNATURE_ONLY: Any = {
    "verify_signature": True,
    "verify_exp": False,
    "verify_nbf": False,
    "verify_iat": False,
    "verify_aud": False,
    "verify_iss": False,
}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _signed(secret: bytes, header: object, payload: object, alg: str = "HS512") -> str:
    """A token with exactly this header and payload JSON, MAC'd with ``secret`` (PyJWT would refuse to write some)."""
    import hashlib
    import hmac

    digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}[alg]
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
    mac = hmac.new(secret, signing_input.encode(), digest).digest()
    return f"{signing_input}.{_b64(mac)}"


def _hmac_key(alg: str) -> LoadedKey:
    """A generated HMAC secret loaded for ``alg`` (Keycloak realms before 19 kept HS256 keys)."""
    return load(dataclasses.replace(generate("realm", "HS512", 0), algorithm=alg))


def _variants(secret: bytes, other: bytes, alg: str) -> list[str]:
    good_header = {"alg": alg, "typ": "JWT", "kid": "k"}
    claims = {"jti": "j", "sub": "u", "typ": "Offline", "exp": 5, "sid": "s", "é": [1, 2.5, None]}
    good = _signed(secret, good_header, claims, alg)
    head, body, mac = good.split(".")
    return [
        good,
        _signed(other, good_header, claims, alg),  # another key
        _signed(secret, {**good_header, "alg": "HS256" if alg != "HS256" else "HS384"}, claims, alg),  # alg mismatch
        _signed(secret, {**good_header, "alg": "none"}, claims, alg),
        _signed(secret, {**good_header, "b64": False}, claims, alg),  # RFC 7797 detached payload
        _signed(secret, ["not", "an", "object"], claims, alg),
        _signed(secret, good_header, ["not", "an", "object"], alg),
        _signed(secret, good_header, "a string", alg),
        _signed(secret, good_header, {**claims, "sub": 7}, alg),
        _signed(secret, good_header, {**claims, "jti": ["x"]}, alg),
        _signed(secret, good_header, {}, alg),
        f"{head}.{body}.{mac[:-2]}",  # cut signature
        f"{head}.{body}.{mac}=",  # padding where none fits
        f"{head}.{body}.{mac}A",
        f"{head}.{body}.",
        f"{head}.{body}",
        f"{head}..{mac}",
        f".{body}.{mac}",
        f"{head}.{body}x.{mac}",  # payload changed: MAC fails
        f"{head}.{body}.{mac}.extra",
        f"{head}.{body[:-1]}*.{mac}",  # outside base64url
        f"{head}.{body}.{mac[:-1]}é",  # beyond ASCII
        f"{head}=.{body}.{mac}",
        "",
        "...",
    ]


@pytest.mark.parametrize("alg", ["HS256", "HS384", "HS512"])
def test_decode_hmac_gives_pyjwt_s_verdicts_and_claims(alg: str) -> None:
    key, other = _hmac_key(alg), _hmac_key(alg)
    assert key.jws_verifying is not None
    for token in _variants(key.verifying, other.verifying, alg):
        try:
            expected: dict[str, Any] | None = jwt.decode(token, key.verifying, algorithms=[alg], options=SIGNATURE_ONLY)
        except InvalidTokenError:
            expected = None
        try:
            ours: dict[str, Any] | None = jws.decode_hmac(token, key.jws_verifying, alg)
        except InvalidTokenError:
            ours = None
        assert ours == expected, token
    # the first variant is the valid one: the comparison is not two refusals
    assert jws.decode_hmac(_variants(key.verifying, other.verifying, alg)[0], key.jws_verifying, alg)["sid"] == "s"


def test_decode_hmac_refuses_an_algorithm_it_does_not_know() -> None:
    key = _hmac_key("HS512")
    assert key.jws_verifying is not None
    token = _signed(key.verifying, {"alg": "HS512"}, {"a": 1})
    with pytest.raises(InvalidTokenError):
        jws.decode_hmac(token, key.jws_verifying, "RS256")


def test_a_header_is_kept_only_once_its_token_verified_and_changes_no_verdict() -> None:
    key, other = _hmac_key("HS512"), _hmac_key("HS512")
    assert key.jws_verifying is not None
    forged = _signed(other.verifying, {"alg": "HS512", "kid": "forged"}, {"sub": "u"})
    with pytest.raises(InvalidTokenError):
        jws.decode_hmac(forged, key.jws_verifying, "HS512")
    assert jws.verified_header(forged.split(".")[0].encode()) is None, "a header no realm key vouched for was kept"

    def verdicts() -> list[dict[str, Any] | None]:
        assert key.jws_verifying is not None
        found: list[dict[str, Any] | None] = []
        for token in _variants(key.verifying, other.verifying, "HS512"):
            try:
                found.append(jws.decode_hmac(token, key.jws_verifying, "HS512"))
            except InvalidTokenError:
                found.append(None)
        return found

    first = verdicts()
    good_header = _variants(key.verifying, other.verifying, "HS512")[0].split(".")[0].encode()
    assert jws.verified_header(good_header) == {"alg": "HS512", "typ": "JWT", "kid": "k"}
    assert verdicts() == first  # the same tokens again, their header now kept
