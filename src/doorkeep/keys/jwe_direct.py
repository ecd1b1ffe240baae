"""Compact JWE with ``alg: dir`` and AES-CBC + HMAC-SHA2 content encryption (RFC 7516; RFC 7518 §5.2), as
Keycloak's ``TokenUtil.jweDirectEncode(aesKey, hmacKey, content)`` wraps its internal cookies (KC_RESTART).

Keycloak does not split one content key as RFC 7518 §5.2.2.1 does: it encrypts with the realm's active AES key
(``aes-generated``) and computes the tag with the whole of its active HMAC secret (HS512, 64 bytes), HMAC-SHA-256
truncated to 16 octets (AesCbcHmacShaEncryptionProvider). No JOSE library takes two keys, so this module writes
that construction itself; with a 16-byte MAC key it is exactly RFC 7518's A128CBC-HS256. The ``enc`` follows the
AES key's size (16: A128CBC-HS256, Keycloak's; 24 and 32: A192CBC-HS384, A256CBC-HS512, where Keycloak fails).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import os

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from doorkeep.numbers import loads

# AES key length -> (enc, MAC hash, tag length)
_ENCS = {16: ("A128CBC-HS256", "sha256", 16), 24: ("A192CBC-HS384", "sha384", 24), 32: ("A256CBC-HS512", "sha512", 32)}


def header(aes_key: bytes) -> dict[str, str]:
    """The protected header for a content encryption under ``aes_key``."""
    return {"alg": "dir", "enc": _ENCS[len(aes_key)][0]}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _tag(aes_key: bytes, mac_key: bytes, aad: bytes, iv: bytes, ciphertext: bytes) -> bytes:
    """RFC 7518 §5.2.2.1: HMAC over AAD || IV || ciphertext || AL, truncated to the enc's tag length."""
    _, digest, length = _ENCS[len(aes_key)]
    al = (len(aad) * 8).to_bytes(8, "big")
    return hmac.new(mac_key, aad + iv + ciphertext + al, digest).digest()[:length]


def encrypt(aes_key: bytes, mac_key: bytes, plaintext: bytes) -> str:
    """The compact JWE of ``plaintext`` (a fresh random IV each time); ``aes_key`` is 16, 24 or 32 bytes."""
    protected = _b64(json.dumps(header(aes_key), separators=(",", ":")).encode())
    iv = os.urandom(16)
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plaintext) + padder.finalize()
    encryptor = Cipher(algorithms.AES(aes_key), modes.CBC(iv)).encryptor()
    ciphertext = encryptor.update(padded) + encryptor.finalize()
    tag = _tag(aes_key, mac_key, protected.encode("ascii"), iv, ciphertext)
    return f"{protected}..{_b64(iv)}.{_b64(ciphertext)}.{_b64(tag)}"


def decrypt(aes_key: bytes, mac_key: bytes, token: str) -> bytes | None:
    """The plaintext of a compact JWE ``encrypt`` made with these keys; None for another MAC key, a changed byte,
    another algorithm or not a JWE. The tag covers the ciphertext, not the AES key (Keycloak's construction), so
    another AES key of the same size under the same MAC key gives None or bytes that are not the plaintext (when
    the garbage happens to end in valid padding, about one time in 256): callers verify the signed JWT inside."""
    parts = token.split(".")
    if len(aes_key) not in _ENCS or len(parts) != 5 or parts[1]:
        return None
    try:
        given = loads(_unb64(parts[0]))  # bounded nesting: never a RecursionError
        iv, ciphertext, tag = _unb64(parts[2]), _unb64(parts[3]), _unb64(parts[4])
    except (binascii.Error, ValueError):
        return None
    if given != header(aes_key) or len(iv) != 16 or not ciphertext or len(ciphertext) % 16:
        return None
    if not hmac.compare_digest(tag, _tag(aes_key, mac_key, parts[0].encode("ascii"), iv, ciphertext)):
        return None
    decryptor = Cipher(algorithms.AES(aes_key), modes.CBC(iv)).decryptor()
    padded = decryptor.update(ciphertext) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError:
        return None
