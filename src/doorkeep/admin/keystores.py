"""Keystore files for a client's key pair (Keycloak's ClientAttributeCertificateResource downloads): Java's JKS and
PKCS#12.

JKS is written as Sun's JavaKeyStore writes it (version 2): entries with lower-cased aliases and a creation time,
a private key protected by Sun's KeyProtector (a SHA-1 key stream from the key password, OID 1.3.6.1.4.1.42.2.17.1.1)
with its certificate chain, trusted certificate entries, and a SHA-1 over the store password, "Mighty Aphrodite"
and the whole content. PKCS#12 comes from ``cryptography``.
"""

from __future__ import annotations

import hashlib
import os
import struct
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, load_der_private_key, pkcs12

FORMATS = ("JKS", "PKCS12")
JKS_MAGIC, JKS_VERSION = 0xFEEDFEED, 2
KEY_ENTRY, CERT_ENTRY = 1, 2
KEY_PROTECTOR_OID = bytes.fromhex("060a2b060104012a02110101")  # 1.3.6.1.4.1.42.2.17.1.1
WHITENER = b"Mighty Aphrodite"


@dataclass(frozen=True)
class KeyEntry:
    """A private key (PKCS#8 DER) and its certificate (DER) under ``alias``, protected by ``password``."""

    alias: str
    private_key: bytes
    certificate: bytes
    password: str


@dataclass(frozen=True)
class CertificateEntry:
    alias: str
    certificate: bytes  # DER


def keystore(
    fmt: str, store_password: str, entries: list[KeyEntry | CertificateEntry], now_ms: int, salt: bytes | None = None
) -> bytes:
    """The keystore file of ``fmt`` (one of FORMATS) holding ``entries``."""
    if fmt == "JKS":
        return jks(store_password, entries, now_ms, salt)
    return _pkcs12(store_password, entries)


def _utf(text: str) -> bytes:
    data = text.encode("utf-8")
    return struct.pack(">H", len(data)) + data


def _password(password: str) -> bytes:
    return password.encode("utf-16-be")  # Java's chars, two bytes each


def _der(tag: int, content: bytes) -> bytes:
    size = len(content)
    if size < 0x80:
        return bytes([tag, size]) + content
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(length)]) + length + content


def protect_key(private_key: bytes, password: str, salt: bytes | None = None) -> bytes:
    """Sun's KeyProtector.protect: an EncryptedPrivateKeyInfo of salt ‖ (key XOR SHA-1 stream) ‖ SHA-1 check."""
    secret = _password(password)
    salt = salt or os.urandom(20)
    stream, digest = b"", salt
    while len(stream) < len(private_key):
        digest = hashlib.sha1(secret + digest).digest()
        stream += digest
    hidden = bytes(a ^ b for a, b in zip(private_key, stream, strict=False))
    protected = salt + hidden + hashlib.sha1(secret + private_key).digest()
    algorithm = _der(0x30, KEY_PROTECTOR_OID + b"\x05\x00")
    return _der(0x30, algorithm + _der(0x04, protected))


def jks(
    store_password: str, entries: list[KeyEntry | CertificateEntry], now_ms: int, salt: bytes | None = None
) -> bytes:
    """A JKS keystore file (JavaKeyStore.engineStore)."""
    out = struct.pack(">III", JKS_MAGIC, JKS_VERSION, len(entries))
    for entry in entries:
        if isinstance(entry, KeyEntry):
            key = protect_key(entry.private_key, entry.password, salt)
            out += struct.pack(">I", KEY_ENTRY) + _utf(entry.alias.lower()) + struct.pack(">Q", now_ms)
            out += struct.pack(">I", len(key)) + key + struct.pack(">I", 1)
        else:
            out += struct.pack(">I", CERT_ENTRY) + _utf(entry.alias.lower()) + struct.pack(">Q", now_ms)
        out += _utf("X.509") + struct.pack(">I", len(entry.certificate)) + entry.certificate
    return out + hashlib.sha1(_password(store_password) + WHITENER + out).digest()


def _pkcs12(store_password: str, entries: list[KeyEntry | CertificateEntry]) -> bytes:
    key_entry = next((e for e in entries if isinstance(e, KeyEntry)), None)
    others = [
        pkcs12.PKCS12Certificate(x509.load_der_x509_certificate(e.certificate), e.alias.encode())
        for e in entries
        if isinstance(e, CertificateEntry)
    ]
    key = load_der_private_key(key_entry.private_key, None) if key_entry else None
    certificate = x509.load_der_x509_certificate(key_entry.certificate) if key_entry else None
    return pkcs12.serialize_key_and_certificates(
        key_entry.alias.encode() if key_entry else None,
        key,  # type: ignore[arg-type]
        certificate,
        others or None,
        BestAvailableEncryption(store_password.encode()),
    )
