"""keys/jwe_direct: the dir / AES-CBC-HMAC compact JWE of the KC_RESTART cookie (Keycloak's
TokenUtil.jweDirectEncode with an AES key and an HMAC key), against jwcrypto where the construction is RFC 7518's,
and against a tag worked out by hand where the MAC key is Keycloak's whole 64-byte HMAC secret."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable

import pytest
from jwcrypto import jwe, jwk

from doorkeep.keys import jwe_direct

AES = b"a" * 16
MAC = b"m" * 64  # a realm's HS512 secret, as Keycloak passes it


def oct_key(key: bytes) -> jwk.JWK:
    return jwk.JWK(kty="oct", k=base64.urlsafe_b64encode(key).rstrip(b"=").decode())


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_with_a_16_byte_mac_key_it_is_rfc_7518_a128cbc_hs256_both_ways() -> None:
    mac = b"k" * 16
    token = jwe_direct.encrypt(AES, mac, b'{"cid":"app"}')
    opened = jwe.JWE()
    opened.deserialize(token, key=oct_key(mac + AES))
    assert opened.payload == b'{"cid":"app"}'
    made = jwe.JWE(b"hello", json.dumps({"alg": "dir", "enc": "A128CBC-HS256"}))
    made.add_recipient(oct_key(mac + AES))
    assert jwe_direct.decrypt(AES, mac, made.serialize(compact=True)) == b"hello"


def test_the_tag_is_hmac_sha256_of_the_whole_hmac_secret_truncated_to_16_octets() -> None:
    token = jwe_direct.encrypt(AES, MAC, b"payload")
    protected, _, iv, ciphertext, tag = token.split(".")
    assert json.loads(unb64(protected)) == {"alg": "dir", "enc": "A128CBC-HS256"}
    aad = protected.encode()
    signed = aad + unb64(iv) + unb64(ciphertext) + (len(aad) * 8).to_bytes(8, "big")
    assert unb64(tag) == hmac.new(MAC, signed, hashlib.sha256).digest()[:16]
    assert jwe_direct.decrypt(AES, MAC, token) == b"payload"


@pytest.mark.parametrize(("size", "enc"), [(24, "A192CBC-HS384"), (32, "A256CBC-HS512")])
def test_a_larger_aes_key_takes_the_matching_enc(size: int, enc: str) -> None:
    token = jwe_direct.encrypt(b"a" * size, MAC, b"x")
    assert json.loads(unb64(token.split(".")[0]))["enc"] == enc
    assert jwe_direct.decrypt(b"a" * size, MAC, token) == b"x"


def test_each_encryption_has_its_own_iv() -> None:
    assert jwe_direct.encrypt(AES, MAC, b"x") != jwe_direct.encrypt(AES, MAC, b"x")


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
    token = jwe_direct.encrypt(AES, MAC, b"payload")
    assert jwe_direct.decrypt(AES, MAC, spoil(token)) is None


def test_another_aes_or_mac_key_opens_nothing() -> None:
    token = jwe_direct.encrypt(AES, MAC, b"payload")
    for _ in range(600):  # None, or garbage whose last block happens to end in valid padding (~1 in 256)
        assert jwe_direct.decrypt(b"b" * 16, MAC, jwe_direct.encrypt(AES, MAC, b"payload")) != b"payload"
    assert jwe_direct.decrypt(AES, b"n" * 64, token) is None
    assert jwe_direct.decrypt(b"c" * 7, MAC, token) is None
