"""Compact JWE with ``alg: dir`` and ``enc: A128CBC-HS256`` (RFC 7516; RFC 7518 §5.2.3), as Keycloak's
``TokenUtil.jweDirectEncode`` wraps its internal cookies (KC_RESTART).

Keycloak encrypts with the realm's ``aes-generated`` key and authenticates with its HMAC key. Doorkeep keeps no
AES key (components.NOT_SUPPORTED), so the 32-byte content key is derived from the realm's active HMAC secret
with HKDF-SHA256 (RFC 5869): its first half is the MAC key, its second the AES-128 key, as RFC 7518 §5.2.2.1
splits it. Any JOSE library decrypts the result given that key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os

from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

ENC = "A128CBC-HS256"
HEADER = {"alg": "dir", "enc": ENC}
_INFO = b"doorkeep KC_RESTART A128CBC-HS256"


def content_key(hmac_secret: bytes) -> bytes:
    """The 32-byte content encryption key (MAC key, then AES key) derived from a realm HMAC secret."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(hmac_secret)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _tag(mac_key: bytes, aad: bytes, iv: bytes, ciphertext: bytes) -> bytes:
    """RFC 7518 §5.2.2.1: HMAC-SHA-256 over AAD || IV || ciphertext || AL, its first 16 octets."""
    al = (len(aad) * 8).to_bytes(8, "big")
    return hmac.new(mac_key, aad + iv + ciphertext + al, hashlib.sha256).digest()[:16]


def encrypt(key: bytes, plaintext: bytes) -> str:
    """The compact JWE of ``plaintext`` under the 32-byte ``key`` (a fresh random IV each time)."""
    protected = _b64(json.dumps(HEADER, separators=(",", ":")).encode())
    iv = os.urandom(16)
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plaintext) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key[16:]), modes.CBC(iv)).encryptor()
    ciphertext = encryptor.update(padded) + encryptor.finalize()
    tag = _tag(key[:16], protected.encode("ascii"), iv, ciphertext)
    return f"{protected}..{_b64(iv)}.{_b64(ciphertext)}.{_b64(tag)}"


def decrypt(key: bytes, token: str) -> bytes | None:
    """The plaintext of a compact JWE ``encrypt`` made with ``key``; None for anything else (another key, a
    changed byte, another algorithm, not a JWE)."""
    parts = token.split(".")
    if len(parts) != 5 or parts[1]:
        return None
    try:
        header = json.loads(_unb64(parts[0]))
        iv, ciphertext, tag = _unb64(parts[2]), _unb64(parts[3]), _unb64(parts[4])
    except (binascii.Error, ValueError):
        return None
    if header != HEADER or len(iv) != 16 or not ciphertext or len(ciphertext) % 16:
        return None
    if not hmac.compare_digest(tag, _tag(key[:16], parts[0].encode("ascii"), iv, ciphertext)):
        return None
    decryptor = Cipher(algorithms.AES(key[16:]), modes.CBC(iv)).decryptor()
    padded = decryptor.update(ciphertext) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError:
        return None
