"""Keystore files for a client's key pair (Keycloak's ClientAttributeCertificateResource downloads and uploads):
Java's JKS and PKCS#12.

JKS is written (and read, for uploads) as Sun's JavaKeyStore writes it (version 2): entries with lower-cased
aliases and a creation time, a private key protected by Sun's KeyProtector (a SHA-1 key stream from the key
password, OID 1.3.6.1.4.1.42.2.17.1.1) with its certificate chain, trusted certificate entries, and a SHA-1 over
the store password, "Mighty Aphrodite" and the whole content. PKCS#12 is written and read as Java does it (pkcs12_files:
the key under the key password, the file under the store password); a file with contents under PKCS#12's legacy
encryption is read by ``cryptography``.
"""

from __future__ import annotations

import hashlib
import os
import struct
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from doorkeep.admin import pkcs12_files

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
    return _pkcs12(store_password, entries, salt)


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


def _pkcs12(store_password: str, entries: list[KeyEntry | CertificateEntry], salt: bytes | None = None) -> bytes:
    return pkcs12_files.write(
        store_password,
        [
            pkcs12_files.Entry(e.alias, e.certificate, e.private_key, e.password)
            if isinstance(e, KeyEntry)
            else pkcs12_files.Entry(e.alias, e.certificate)
            for e in entries
        ],
        salt,
    )


class KeystoreError(ValueError):
    """A keystore file that cannot be read: ``message`` is what Keycloak's upload answers."""


def read(
    fmt: str, data: bytes, store_password: str | None, alias: str, key_password: str | None
) -> tuple[bytes | None, bytes | None]:
    """The private key (PKCS#8 DER) and certificate (DER) under ``alias`` in a JKS or PKCS#12 file, each None when
    the file holds none there (KeyStore.getKey / getCertificate; a key that the key password does not recover is
    None, as Keycloak's upload ignores that failure)."""
    if fmt == "JKS":
        return _read_jks(data, store_password, alias.lower(), key_password)
    return _read_pkcs12(data, store_password, alias.lower(), key_password)


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def take(self, size: int) -> bytes:
        if size < 0 or self.at + size > len(self.data):
            raise KeystoreError("error loading keystore")
        chunk = self.data[self.at : self.at + size]
        self.at += size
        return chunk

    def int32(self) -> int:
        return int(struct.unpack(">I", self.take(4))[0])

    def utf(self) -> str:
        try:
            return self.take(int(struct.unpack(">H", self.take(2))[0])).decode("utf-8")
        except UnicodeDecodeError:
            raise KeystoreError("error loading keystore") from None


def _read_jks(
    data: bytes, store_password: str | None, alias: str, key_password: str | None
) -> tuple[bytes | None, bytes | None]:
    """JavaKeyStore.engineLoad (the integrity check only with a store password, as Java skips it without one)."""
    if len(data) < 32:
        raise KeystoreError("error loading keystore")
    body, check = data[:-20], data[-20:]
    if store_password is not None and hashlib.sha1(_password(store_password) + WHITENER + body).digest() != check:
        raise KeystoreError("Password verification failed")  # the UnrecoverableKeyException Keycloak answers
    reader = _Reader(body)
    if reader.int32() != JKS_MAGIC or reader.int32() not in (1, 2):
        raise KeystoreError("error loading keystore")
    found: tuple[bytes | None, bytes | None] = (None, None)
    for _ in range(reader.int32()):
        tag = reader.int32()
        if tag not in (KEY_ENTRY, CERT_ENTRY):
            raise KeystoreError("error loading keystore")
        name = reader.utf().lower()
        reader.take(8)  # creation date
        protected = reader.take(reader.int32()) if tag == KEY_ENTRY else b""
        chain = [_read_certificate(reader) for _ in range(reader.int32() if tag == KEY_ENTRY else 1)]
        if name == alias:
            key = _recover(protected, key_password) if tag == KEY_ENTRY else None
            found = (key, chain[0] if chain else None)
    if reader.at != len(body):
        raise KeystoreError("error loading keystore")
    return found


def _read_certificate(reader: _Reader) -> bytes:
    if reader.utf() != "X.509":
        raise KeystoreError("error loading keystore")
    return reader.take(reader.int32())


def _recover(protected: bytes, password: str | None) -> bytes | None:
    """Sun's KeyProtector.recover: the PKCS#8 key, or None when the password does not recover it."""
    if password is None:
        return None
    prefix = _der(0x30, KEY_PROTECTOR_OID + b"\x05\x00")
    inner = _der_body(protected, 0x30)
    if inner is None or not inner.startswith(prefix):
        return None
    blob = _der_body(inner[len(prefix) :], 0x04)
    if blob is None or len(blob) < 41:
        return None
    secret, salt, hidden, check = _password(password), blob[:20], blob[20:-20], blob[-20:]
    stream, digest = b"", salt
    while len(stream) < len(hidden):
        digest = hashlib.sha1(secret + digest).digest()
        stream += digest
    key = bytes(a ^ b for a, b in zip(hidden, stream, strict=False))
    return key if hashlib.sha1(secret + key).digest() == check else None


def _der_body(data: bytes, tag: int) -> bytes | None:
    """The content of the one DER element of ``tag`` that ``data`` is, or None."""
    if len(data) < 2 or data[0] != tag:
        return None
    size, at = data[1], 2
    if size & 0x80:
        width = size & 0x7F
        if width == 0 or width > 4 or len(data) < 2 + width:
            return None
        size, at = int.from_bytes(data[2 : 2 + width], "big"), 2 + width
    return data[at : at + size] if at + size == len(data) else None


def _read_pkcs12(
    data: bytes, store_password: str | None, alias: str, key_password: str | None
) -> tuple[bytes | None, bytes | None]:
    """A PKCS#12 file through pkcs12_files (as Java reads it, its key under the key password, every key derivation
    bounded); one with contents under PKCS#12's legacy encryption through ``cryptography``, where the key entry
    named ``alias`` (or a certificate entry of that name) gives its key when the key password is the store
    password."""
    try:
        return pkcs12_files.read(data, store_password, alias, key_password)
    except pkcs12_files.Legacy:
        pass
    except (ValueError, IndexError, TypeError):
        raise KeystoreError("error loading keystore") from None
    try:
        loaded = pkcs12.load_pkcs12(data, store_password.encode() if store_password is not None else None)
    except (ValueError, TypeError):
        raise KeystoreError("error loading keystore") from None
    der = serialization.Encoding.DER
    main = loaded.cert
    if main is not None and (main.friendly_name or b"").decode(errors="replace").lower() == alias:
        key = None
        if loaded.key is not None and key_password == store_password:
            key = loaded.key.private_bytes(der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        return key, main.certificate.public_bytes(der)
    for extra in loaded.additional_certs:
        if (extra.friendly_name or b"").decode(errors="replace").lower() == alias:
            return None, extra.certificate.public_bytes(der)
    return None, None
