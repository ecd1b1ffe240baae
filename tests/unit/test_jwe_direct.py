"""keys/jwe_direct: the dir / A128CBC-HS256 compact JWE of the KC_RESTART cookie, against jwcrypto."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

import pytest
from jwcrypto import jwe, jwk

from doorkeep.keys import jwe_direct

SECRET = b"s" * 64
KEY = jwe_direct.content_key(SECRET)


def oct_key(key: bytes) -> jwk.JWK:
    return jwk.JWK(kty="oct", k=base64.urlsafe_b64encode(key).rstrip(b"=").decode())


def test_the_content_key_is_32_bytes_and_depends_on_the_secret() -> None:
    assert len(KEY) == 32 and jwe_direct.content_key(b"t" * 64) != KEY


def test_what_it_encrypts_jwcrypto_decrypts_and_the_reverse() -> None:
    token = jwe_direct.encrypt(KEY, b'{"cid":"app"}')
    opened = jwe.JWE()
    opened.deserialize(token, key=oct_key(KEY))
    assert opened.payload == b'{"cid":"app"}'
    made = jwe.JWE(b"hello", json.dumps(jwe_direct.HEADER))
    made.add_recipient(oct_key(KEY))
    assert jwe_direct.decrypt(KEY, made.serialize(compact=True)) == b"hello"


def test_each_encryption_has_its_own_iv() -> None:
    assert jwe_direct.encrypt(KEY, b"x") != jwe_direct.encrypt(KEY, b"x")


@pytest.mark.parametrize(
    "spoil",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # the tag
        lambda t: ".".join(p if i != 3 else p[::-1] for i, p in enumerate(t.split("."))),  # the ciphertext
        lambda t: t.rsplit(".", 1)[0],  # four parts
        lambda t: (
            base64.urlsafe_b64encode(b'{"alg":"dir","enc":"A256GCM"}').decode().rstrip("=") + t[t.index(".") :]
        ),  # another enc: the header is authenticated too
        lambda t: "a.b.c",
        lambda t: "é" + t,  # not base64url
    ],
)
def test_anything_changed_or_foreign_is_refused(spoil: Callable[[str], str]) -> None:
    token = jwe_direct.encrypt(KEY, b"payload")
    assert jwe_direct.decrypt(KEY, spoil(token)) is None


def test_another_key_opens_nothing() -> None:
    token = jwe_direct.encrypt(KEY, b"payload")
    assert jwe_direct.decrypt(jwe_direct.content_key(b"other" * 13), token) is None
