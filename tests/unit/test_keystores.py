"""Keystores for client key pairs: Sun's JKS key protection undone gives the key back, a PKCS#12 file opens with
its password, and the JKS digest covers every byte."""

from __future__ import annotations

import base64
import hashlib
import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from doorkeep.admin import client_certificates, keystores, pkcs12_files
from doorkeep.admin.keystores import CertificateEntry, KeyEntry

PAIR = client_certificates.generate("app", 1_800_000_000, key_size=2048)


def der(text: str) -> bytes:
    return base64.b64decode(text)


def content_start(data: bytes, at: int) -> int:
    """Where the content of the DER value at ``at`` begins."""
    size = data[at + 1]
    return at + 2 + (size & 0x7F if size & 0x80 else 0)


def unprotect(encrypted_info: bytes, password: str) -> bytes:
    """KeyProtector.recover: the PKCS#8 key inside an EncryptedPrivateKeyInfo made by protect_key."""
    inner = content_start(encrypted_info, 0)
    algorithm = encrypted_info[inner : inner + 2 + encrypted_info[inner + 1]]
    assert algorithm == b"\x30\x0e" + keystores.KEY_PROTECTOR_OID + b"\x05\x00"
    octets = inner + len(algorithm)
    assert encrypted_info[octets] == 0x04
    protected = encrypted_info[content_start(encrypted_info, octets) :]
    salt, hidden, check = protected[:20], protected[20:-20], protected[-20:]
    secret, stream, digest = password.encode("utf-16-be"), b"", salt
    while len(stream) < len(hidden):
        digest = hashlib.sha1(secret + digest).digest()
        stream += digest
    key = bytes(a ^ b for a, b in zip(hidden, stream, strict=False))
    assert hashlib.sha1(secret + key).digest() == check
    return key


def test_a_protected_key_is_recovered_with_its_password_only() -> None:
    key = der(PAIR.private_key)
    protected = keystores.protect_key(key, "s3cret")
    assert unprotect(protected, "s3cret") == key
    assert key not in protected


def test_the_jks_digest_covers_the_store_password_and_every_byte() -> None:
    entries: list[KeyEntry | CertificateEntry] = [KeyEntry("Key", der(PAIR.private_key), der(PAIR.certificate), "kp")]
    data = keystores.jks("store", entries, 1_800_000_000_000)
    body = data[:-20]
    assert data[-20:] == hashlib.sha1("store".encode("utf-16-be") + b"Mighty Aphrodite" + body).digest()
    assert data[-20:] != hashlib.sha1("other".encode("utf-16-be") + b"Mighty Aphrodite" + body).digest()
    assert b"\x00\x03key" in body  # JKS keeps aliases lower-cased


def test_a_pkcs12_file_holds_the_key_under_the_key_password_and_both_certificates() -> None:
    """As Java's KeyStore writes it: the key opens with the key password only, the file with the store password
    (checked against Java 17's KeyStore.getKey and keytool -list when written)."""
    realm = client_certificates.generate("realm", 1_800_000_000, key_size=2048)
    entries: list[KeyEntry | CertificateEntry] = [
        KeyEntry("app", der(PAIR.private_key), der(PAIR.certificate), "kp"),
        CertificateEntry("realm", der(realm.certificate)),
    ]
    data = keystores.keystore("PKCS12", "sp", entries, 0)
    assert keystores.read("PKCS12", data, "sp", "App", "kp") == (der(PAIR.private_key), der(PAIR.certificate))
    assert keystores.read("PKCS12", data, "sp", "app", "sp") == (None, der(PAIR.certificate))
    assert keystores.read("PKCS12", data, "sp", "realm", None) == (None, der(realm.certificate))
    with pytest.raises(keystores.KeystoreError, match="error loading keystore"):
        keystores.read("PKCS12", data, "wrong", "app", "kp")
    assert der(PAIR.private_key) not in data


def test_a_pkcs12_file_with_one_password_opens_in_openssl_too() -> None:
    entries: list[KeyEntry | CertificateEntry] = [
        KeyEntry("app", der(PAIR.private_key), der(PAIR.certificate), "sp"),
        CertificateEntry("realm", der(PAIR.certificate)),
    ]
    loaded = pkcs12.load_pkcs12(keystores.keystore("PKCS12", "sp", entries, 0), b"sp")
    assert loaded.key is not None and loaded.cert is not None and loaded.cert.friendly_name == b"app"
    assert loaded.key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ) == der(PAIR.private_key)
    assert [c.friendly_name for c in loaded.additional_certs] == [b"realm"]


def test_a_jks_file_reads_back_its_key_and_certificate_by_alias_in_any_case() -> None:
    entries: list[KeyEntry | CertificateEntry] = [
        KeyEntry("Key", der(PAIR.private_key), der(PAIR.certificate), "kp"),
        CertificateEntry("realm", der(PAIR.certificate)),
    ]
    data = keystores.jks("store", entries, 1_800_000_000_000)
    assert keystores.read("JKS", data, "store", "KEY", "kp") == (der(PAIR.private_key), der(PAIR.certificate))
    assert keystores.read("JKS", data, None, "key", "kp")[0] == der(PAIR.private_key)  # no password: no check
    assert keystores.read("JKS", data, "store", "key", "wrong") == (None, der(PAIR.certificate))
    assert keystores.read("JKS", data, "store", "realm", "kp") == (None, der(PAIR.certificate))
    assert keystores.read("JKS", data, "store", "none", "kp") == (None, None)


@pytest.mark.parametrize("cut", [0, 12, 40, 200])
def test_a_truncated_jks_file_is_a_keystore_error(cut: int) -> None:
    entries: list[KeyEntry | CertificateEntry] = [KeyEntry("k", der(PAIR.private_key), der(PAIR.certificate), "kp")]
    data = keystores.jks("store", entries, 1_800_000_000_000)
    with pytest.raises(keystores.KeystoreError):
        keystores.read("JKS", data[:cut], "store", "k", "kp")
    with pytest.raises(keystores.KeystoreError):  # without a store password the structure is still checked
        keystores.read("JKS", data[:cut] + data[-20:], None, "k", "kp")


def test_an_altered_jks_file_fails_its_digest_and_a_huge_length_is_no_crash() -> None:
    entries: list[KeyEntry | CertificateEntry] = [KeyEntry("k", der(PAIR.private_key), der(PAIR.certificate), "kp")]
    data = keystores.jks("store", entries, 1_800_000_000_000)
    altered = data[:100] + bytes([data[100] ^ 1]) + data[101:]
    with pytest.raises(keystores.KeystoreError, match="Password verification failed"):
        keystores.read("JKS", altered, "store", "k", "kp")
    key_length_at = 12 + 4 + 2 + 1 + 8  # header, tag, alias "k", date
    huge = data[:key_length_at] + b"\x7f\xff\xff\xff" + data[key_length_at + 4 :]
    with pytest.raises(keystores.KeystoreError, match="error loading keystore"):
        keystores.read("JKS", huge, None, "k", "kp")


def test_a_pkcs12_file_made_elsewhere_reads_back_and_a_wrong_password_is_an_error() -> None:
    key = serialization.load_der_private_key(der(PAIR.private_key), None)
    assert isinstance(key, rsa.RSAPrivateKey)
    cert = x509.load_der_x509_certificate(der(PAIR.certificate))
    data = pkcs12.serialize_key_and_certificates(
        b"Signer",
        key,
        cert,
        None,
        serialization.BestAvailableEncryption(b"pw"),
    )
    assert keystores.read("PKCS12", data, "pw", "signer", "pw") == (der(PAIR.private_key), der(PAIR.certificate))
    assert keystores.read("PKCS12", data, "pw", "signer", "other") == (None, der(PAIR.certificate))
    assert keystores.read("PKCS12", data, "pw", "absent", "pw") == (None, None)
    with pytest.raises(keystores.KeystoreError):
        keystores.read("PKCS12", data, "wrong", "signer", "wrong")


@pytest.mark.parametrize("cut", [0, 1, 10, 100, 400, -30, -1])
def test_a_damaged_pkcs12_file_is_error_loading_keystore_never_another_exception(cut: int) -> None:
    entries: list[KeyEntry | CertificateEntry] = [KeyEntry("app", der(PAIR.private_key), der(PAIR.certificate), "kp")]
    data = keystores.keystore("PKCS12", "sp", entries, 0)
    damaged = data[:cut] if cut else b""
    flipped = bytearray(data)
    flipped[abs(cut) % len(data)] ^= 0xFF
    for broken in (damaged, bytes(flipped)):
        try:
            key, _ = keystores.read("PKCS12", broken, "sp", "app", "kp")
        except keystores.KeystoreError as exc:
            assert str(exc) == "error loading keystore"
        else:  # a flipped byte outside what is checked may leave the file readable, never a wrong key
            assert key in (None, der(PAIR.private_key))


def test_a_pkcs12_file_under_legacy_encryption_is_read_through_cryptography() -> None:
    """OpenSSL 1.1's and Java 8's defaults (3DES and RC2 under PKCS#12's own PBE) still open, key and certificate."""
    key = serialization.load_der_private_key(der(PAIR.private_key), None)
    assert isinstance(key, rsa.RSAPrivateKey)
    legacy = (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC)
        .hmac_hash(hashes.SHA1())
        .build(b"sp")
    )
    cert = x509.load_der_x509_certificate(der(PAIR.certificate))
    data = pkcs12.serialize_key_and_certificates(b"app", key, cert, None, legacy)
    assert keystores.read("PKCS12", data, "sp", "app", "sp") == (der(PAIR.private_key), der(PAIR.certificate))


def test_a_pkcs12_mac_with_a_huge_iteration_count_is_refused_before_any_is_run() -> None:
    """An upload is read on the request's time: 2^31 - 1 rounds of the MAC's key derivation are never started."""
    entries: list[KeyEntry | CertificateEntry] = [KeyEntry("app", der(PAIR.private_key), der(PAIR.certificate), "kp")]
    version, auth, mac = pkcs12_files._items(keystores.keystore("PKCS12", "sp", entries, 0))
    digest, salt, _ = pkcs12_files._parse(mac[1])
    huge_mac = pkcs12_files._seq(*(pkcs12_files._tlv(*part) for part in (digest, salt)), pkcs12_files._int(2**31 - 1))
    data = pkcs12_files._seq(pkcs12_files._tlv(*version), pkcs12_files._tlv(*auth), huge_mac)
    started = time.monotonic()
    for password in ("sp", None):
        with pytest.raises(keystores.KeystoreError, match="error loading keystore"):
            keystores.read("PKCS12", data, password, "app", "kp")
    assert time.monotonic() - started < 2
