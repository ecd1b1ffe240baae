"""PKCS#12 keystore files as Java's KeyStore writes and reads them (RFC 7292), for a client's key pair download and
upload (Keycloak's ClientAttributeCertificateResource).

``cryptography`` writes one password into a PKCS#12 file; Java's ``KeyStore.setKeyEntry(alias, key, keyPassword,
chain)`` protects the key with its own password and ``store(out, storePassword)`` the file with another, and only
lists a certificate entry whose bag carries Java's trusted-certificate attribute. So the file is written here: the
key in a ``pkcs8ShroudedKeyBag`` under PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC, Java 17's default) with the key
password, the certificates in plain bags (friendly name, local key id; a trusted-certificate attribute on each
certificate entry), and an HMAC-SHA256 over the whole under the PKCS#12 key derivation of the store password.
Reading a file whose key password differs from its store password (which ``cryptography`` cannot open) goes the
same way back: the integrity check with the store password, bags in plain or PBES2-encrypted contents, the key
decrypted with the key password.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, load_der_private_key

ITERATIONS = 10_000  # Java 17's keystore.pkcs12 iteration counts
# An upload is read on the request's time: key derivations are bounded in rounds and in number.
MAX_ITERATIONS, MAX_CONTENTS = 100_000, 4
DATA, ENCRYPTED_DATA = "1.2.840.113549.1.7.1", "1.2.840.113549.1.7.6"
SHROUDED_KEY_BAG, CERT_BAG, X509_CERT = (
    "1.2.840.113549.1.12.10.1.2",
    "1.2.840.113549.1.12.10.1.3",
    "1.2.840.113549.1.9.22.1",
)
FRIENDLY_NAME, LOCAL_KEY_ID = "1.2.840.113549.1.9.20", "1.2.840.113549.1.9.21"
TRUSTED_KEY_USAGE, ANY_EXTENDED_KEY_USAGE = "2.16.840.1.113894.746875.1.1", "2.5.29.37.0"
PBES2, PBKDF2, HMAC_SHA256, AES256_CBC = (
    "1.2.840.113549.1.5.13",
    "1.2.840.113549.1.5.12",
    "1.2.840.113549.2.9",
    "2.16.840.1.101.3.4.1.42",
)
DIGESTS = {"1.3.14.3.2.26": "sha1", "2.16.840.1.101.3.4.2.1": "sha256", "2.16.840.1.101.3.4.2.3": "sha512"}
PRFS = {"1.2.840.113549.2.7": "sha1", HMAC_SHA256: "sha256", "1.2.840.113549.2.11": "sha512"}
AES_CBC = {"2.16.840.1.101.3.4.1.2": 16, "2.16.840.1.101.3.4.1.22": 24, AES256_CBC: 32}


class Unreadable(ValueError):
    """Not a PKCS#12 file this reader opens, or its integrity check failed."""


class Legacy(Unreadable):
    """Contents under PKCS#12's own password-based encryption (pkcs-12PbeIds: 3DES, RC2), which this reader does
    not decrypt; every iteration count it saw was within bounds, so ``cryptography`` may open the file."""


# --- DER -------------------------------------------------------------------------------------------------------


def _tlv(tag: int, content: bytes) -> bytes:
    size = len(content)
    if size < 0x80:
        return bytes([tag, size]) + content
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(length)]) + length + content


def _seq(*items: bytes) -> bytes:
    return _tlv(0x30, b"".join(items))


def _set(*items: bytes) -> bytes:
    return _tlv(0x31, b"".join(sorted(items)))  # DER orders a SET OF


def _octets(data: bytes) -> bytes:
    return _tlv(0x04, data)


def _int(value: int) -> bytes:
    return _tlv(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))


def _explicit(content: bytes) -> bytes:
    return _tlv(0xA0, content)


def _oid(dotted: str) -> bytes:
    parts = [int(p) for p in dotted.split(".")]
    body = bytes([40 * parts[0] + parts[1]])
    for part in parts[2:]:
        chunk = [part & 0x7F]
        while part > 0x7F:
            part >>= 7
            chunk.insert(0, 0x80 | (part & 0x7F))
        body += bytes(chunk)
    return _tlv(0x06, body)


def _parse(data: bytes) -> list[tuple[int, bytes]]:
    """The (tag, content) of each DER value ``data`` holds, in order."""
    out, at = [], 0
    while at < len(data):
        if at + 2 > len(data):
            raise Unreadable("truncated")
        tag, size, at = data[at], data[at + 1], at + 2
        if size & 0x80:
            width = size & 0x7F
            if not 0 < width <= 4 or at + width > len(data):
                raise Unreadable("bad length")
            size, at = int.from_bytes(data[at : at + width], "big"), at + width
        if at + size > len(data):
            raise Unreadable("truncated")
        out.append((tag, data[at : at + size]))
        at += size
    return out


def _items(data: bytes, tag: int = 0x30) -> list[tuple[int, bytes]]:
    """The values inside the one DER value of ``tag`` that ``data`` is."""
    outer = _parse(data)
    if len(outer) != 1 or outer[0][0] != tag:
        raise Unreadable("unexpected structure")
    return _parse(outer[0][1])


def _dotted(content: bytes) -> str:
    if not content:
        raise Unreadable("empty oid")
    parts, value = [content[0] // 40, content[0] % 40], 0
    for byte in content[1:]:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            parts.append(value)
            value = 0
    return ".".join(str(p) for p in parts)


# --- the PKCS#12 and PBES2 key derivations -------------------------------------------------------------------


def _pkcs12_kdf(password: str, salt: bytes, purpose: int, iterations: int, size: int, digest: str) -> bytes:
    """RFC 7292 appendix B.2 (purpose 3: the MAC key); the password as a BMPString with its two zero bytes."""
    u, v = hashlib.new(digest).digest_size, 64 if digest != "sha512" else 128

    def fill(data: bytes) -> bytes:
        return (
            (data * (v * ((len(data) + v - 1) // v) // len(data) + 1))[: v * ((len(data) + v - 1) // v)]
            if data
            else b""
        )

    block = fill(salt) + fill(password.encode("utf-16-be") + b"\x00\x00")
    out = b""
    while len(out) < size:
        a = hashlib.new(digest, bytes([purpose]) * v + block).digest()
        for _ in range(iterations - 1):
            a = hashlib.new(digest, a).digest()
        out += a
        b = int.from_bytes((a * (v // u + 1))[:v], "big") + 1
        block = b"".join(
            ((int.from_bytes(block[j : j + v], "big") + b) % (1 << (8 * v))).to_bytes(v, "big")
            for j in range(0, len(block), v)
        )
    return out[:size]


def _mac(password: str, salt: bytes, iterations: int, content: bytes, digest: str) -> bytes:
    key = _pkcs12_kdf(password, salt, 3, iterations, hashlib.new(digest).digest_size, digest)
    return hmac.new(key, content, digest).digest()


def _pbes2_encrypt(data: bytes, password: str) -> bytes:
    """An EncryptedPrivateKeyInfo-shaped SEQUENCE: PBES2 parameters and the AES-256-CBC ciphertext."""
    salt, iv = os.urandom(16), os.urandom(16)
    key = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, ITERATIONS, 32)
    padder = padding.PKCS7(128).padder()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    cipher = encryptor.update(padder.update(data) + padder.finalize()) + encryptor.finalize()
    prf = _seq(_oid(HMAC_SHA256), b"\x05\x00")
    kdf = _seq(_oid(PBKDF2), _seq(_octets(salt), _int(ITERATIONS), prf))
    algorithm = _seq(_oid(PBES2), _seq(kdf, _seq(_oid(AES256_CBC), _octets(iv))))
    return _seq(algorithm, _octets(cipher))


def _pbes2_decrypt(algorithm: bytes, cipher: bytes, password: str) -> bytes:
    """The plaintext of PBES2 (PBKDF2 with HMAC-SHA-1/256/512, AES-CBC) content; Unreadable for anything else."""
    fields = _parse(algorithm)  # the AlgorithmIdentifier's content: OID, parameters
    if len(fields) != 2 or _dotted(fields[0][1]) != PBES2:
        raise Unreadable("not PBES2")
    kdf, scheme = (_parse(item) for _, item in _parse(fields[1][1]))
    if _dotted(kdf[0][1]) != PBKDF2 or len(kdf) < 2:
        raise Unreadable("not PBKDF2")
    kdf_params = _parse(kdf[1][1])
    salt, rounds = kdf_params[0][1], int.from_bytes(kdf_params[1][1], "big")
    prf = next((PRFS.get(_dotted(_parse(c)[0][1])) for t, c in kdf_params[2:] if t == 0x30), "sha1")
    size = AES_CBC.get(_dotted(scheme[0][1]))
    if prf is None or size is None or not 0 < rounds <= MAX_ITERATIONS:
        raise Unreadable("unsupported PBES2 parameters")
    key = hashlib.pbkdf2_hmac(prf, password.encode("utf-8"), salt, rounds, size)
    decryptor = Cipher(algorithms.AES(key), modes.CBC(scheme[1][1])).decryptor()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        return unpadder.update(decryptor.update(cipher) + decryptor.finalize()) + unpadder.finalize()
    except ValueError:
        raise Unreadable("wrong password") from None


# --- writing -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """A key entry (``private_key`` PKCS#8 DER, protected by ``key_password``) or, without one, a certificate entry."""

    alias: str
    certificate: bytes
    private_key: bytes | None = None
    key_password: str = ""


def _attribute(oid: str, value: bytes) -> bytes:
    return _seq(_oid(oid), _set(value))


def write(store_password: str, entries: list[Entry], salt: bytes | None = None) -> bytes:
    """A PKCS#12 file as Java's KeyStore.store writes it (see the module docstring)."""
    cert_bags, key_bags = [], []
    for entry in entries:
        name = _attribute(FRIENDLY_NAME, _tlv(0x1E, entry.alias.encode("utf-16-be")))
        cert_value = _explicit(_seq(_oid(X509_CERT), _explicit(_octets(entry.certificate))))
        if entry.private_key is None:
            trusted = _attribute(TRUSTED_KEY_USAGE, _oid(ANY_EXTENDED_KEY_USAGE))
            cert_bags.append(_seq(_oid(CERT_BAG), cert_value, _set(name, trusted)))
            continue
        local_id = _attribute(LOCAL_KEY_ID, _octets(hashlib.sha1(entry.certificate).digest()))
        key = load_der_private_key(entry.private_key, None).private_bytes(
            Encoding.DER, PrivateFormat.PKCS8, NoEncryption()
        )
        shrouded = _pbes2_encrypt(key, entry.key_password)
        key_bags.append(_seq(_oid(SHROUDED_KEY_BAG), _explicit(shrouded), _set(name, local_id)))
        cert_bags.append(_seq(_oid(CERT_BAG), cert_value, _set(name, local_id)))
    contents = [_seq(_oid(DATA), _explicit(_octets(_seq(*bags)))) for bags in (key_bags, cert_bags) if bags]
    safe = _seq(*contents)
    salt = salt or os.urandom(20)
    digest = _seq(
        _seq(_oid("2.16.840.1.101.3.4.2.1"), b"\x05\x00"),
        _octets(_mac(store_password, salt, ITERATIONS, safe, "sha256")),
    )
    return _seq(_int(3), _seq(_oid(DATA), _explicit(_octets(safe))), _seq(digest, _octets(salt), _int(ITERATIONS)))


# --- reading -----------------------------------------------------------------------------------------------------


def _authenticated_safe(data: bytes) -> tuple[list[tuple[int, bytes]], bytes]:
    """A version 3 PFX's items and the octets of its password-integrity authenticated safe (``Unreadable``
    otherwise)."""
    pfx = _items(data)
    if len(pfx) < 2 or pfx[0] != (0x02, b"\x03"):
        raise Unreadable("not a version 3 PFX")
    auth = _parse(pfx[1][1])
    if len(auth) != 2 or _dotted(auth[0][1]) != DATA:
        raise Unreadable("public-key integrity mode")
    safe = _parse(auth[1][1])
    if len(safe) != 1 or safe[0][0] != 0x04:
        raise Unreadable("no authenticated safe")
    return pfx, safe[0][1]


def read(
    data: bytes, store_password: str | None, alias: str, key_password: str | None
) -> tuple[bytes | None, bytes | None]:
    """The key (PKCS#8 DER, None when ``key_password`` does not recover it) and certificate (DER) under ``alias``
    (compared without case); the integrity check runs when a store password is given, as Java's does."""
    pfx, content = _authenticated_safe(data)
    if len(pfx) > 2:  # its bounds always (``cryptography`` may run it), the MAC itself with a store password
        _check(_parse(pfx[2][1]), store_password, content)
    key, cert, tried, legacy, unbounded = None, None, False, False, False
    contents = _items(content)
    if len(contents) > MAX_CONTENTS:
        raise Unreadable("too many contents")
    for _, info in contents:
        bags, skipped = _bags(info, store_password)
        legacy = legacy or skipped
        for _, bag in bags:
            parts = _parse(bag)  # bagId, [0] bagValue, bagAttributes
            if len(parts) < 2:
                continue
            kind, (value_tag, value) = _dotted(parts[0][1]), _parse(parts[1][1])[0]
            if kind == SHROUDED_KEY_BAG and not _bounded_key(_tlv(value_tag, value)):
                unbounded = True  # whatever its alias: ``cryptography`` would decrypt every key bag of the file
            if len(parts) < 3 or alias.lower() not in _friendly_names(parts[2][1]):
                continue
            if kind == CERT_BAG:
                cert = _parse(_parse(value)[1][1])[0][1]  # certId, [0] OCTET STRING
            elif kind == SHROUDED_KEY_BAG and key_password is not None and not tried:  # one alias, one key
                key, tried = _recover(_tlv(value_tag, value), key_password), True
    if legacy and unbounded:
        raise Unreadable("a key bag's iteration count is out of bounds")
    if legacy:
        raise Legacy("PKCS#12 password-based encryption")
    return key, cert


def _check(mac_data: list[tuple[int, bytes]], password: str | None, content: bytes) -> None:
    if len(mac_data) < 2:
        raise Unreadable("no MAC")
    digest_info = _parse(mac_data[0][1])
    digest = DIGESTS.get(_dotted(_parse(digest_info[0][1])[0][1]))
    rounds = int.from_bytes(mac_data[2][1], "big") if len(mac_data) > 2 else 1
    if digest is None or not 0 < rounds <= MAX_ITERATIONS:
        raise Unreadable("unsupported MAC")
    if password is not None and not hmac.compare_digest(
        _mac(password, mac_data[1][1], rounds, content, digest), digest_info[1][1]
    ):
        raise Unreadable("integrity check failed")


def _bags(info: bytes, store_password: str | None) -> tuple[list[tuple[int, bytes]], bool]:
    """The SafeBags of one ContentInfo of the authenticated safe: plain, or encrypted (PBES2) with the store
    password (passed over without one, as Java does); and whether it was legacy-encrypted contents, passed over."""
    fields = _parse(info)  # contentType, [0] content
    if len(fields) != 2:
        raise Unreadable("bad content info")
    kind, (_, body) = _dotted(fields[0][1]), _parse(fields[1][1])[0]
    if kind == DATA:
        return _items(body), False
    if kind != ENCRYPTED_DATA or store_password is None:
        return [], False
    encrypted = _parse(_parse(body)[1][1])  # EncryptedContentInfo: type, algorithm, [0] IMPLICIT content
    if _bounded_legacy(encrypted[1][1]):
        return [], True
    return _items(_pbes2_decrypt(encrypted[1][1], encrypted[2][1], store_password)), False


def _bounded_legacy(algorithm: bytes) -> bool:
    """A pkcs-12PbeIds AlgorithmIdentifier (content) whose iteration count is within bounds."""
    fields = _parse(algorithm)
    if len(fields) != 2 or not _dotted(fields[0][1]).startswith("1.2.840.113549.1.12.1."):
        return False
    params = _parse(fields[1][1])  # pkcs-12PbeParams: salt, iterations
    return len(params) == 2 and 0 < int.from_bytes(params[1][1], "big") <= MAX_ITERATIONS


def _bounded_key(shrouded: bytes) -> bool:
    """Whether an EncryptedPrivateKeyInfo's key derivation is PBES2's or PKCS#12's own within MAX_ITERATIONS."""
    algorithm = _items(shrouded)[0][1]
    fields = _parse(algorithm)
    if len(fields) == 2 and _dotted(fields[0][1]) == PBES2:
        kdf = _parse(_parse(fields[1][1])[0][1])
        if len(kdf) < 2 or _dotted(kdf[0][1]) != PBKDF2:
            return False
        params = _parse(kdf[1][1])
        return len(params) >= 2 and 0 < int.from_bytes(params[1][1], "big") <= MAX_ITERATIONS
    return _bounded_legacy(algorithm)


def _friendly_names(attributes: bytes) -> list[str]:
    names = []
    for _, attribute in _parse(attributes):
        parts = _parse(attribute)
        if len(parts) == 2 and _dotted(parts[0][1]) == FRIENDLY_NAME:
            names += [value.decode("utf-16-be", errors="replace").lower() for _, value in _parse(parts[1][1])]
    return names


def _recover(shrouded: bytes, password: str) -> bytes | None:
    """The PKCS#8 key of an EncryptedPrivateKeyInfo, or None when the password does not recover it."""
    algorithm, cipher = _items(shrouded)[:2]
    try:
        plain = _pbes2_decrypt(algorithm[1], cipher[1], password)
        load_der_private_key(plain, None)  # a wrong password may still unpad: what it gives must be a key
        return plain
    except (ValueError, IndexError, TypeError):
        pass
    if not _bounded_legacy(algorithm[1]):
        return None
    try:  # PKCS#12's own PBE (3DES, RC2), which ``cryptography`` decrypts
        key = load_der_private_key(shrouded, password.encode("utf-8"))
    except (ValueError, TypeError):
        return None
    return key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())


SECRET_BAG = "1.2.840.113549.1.12.10.1.5"


def read_secret(data: bytes, store_password: str, alias: str) -> bytes | None:
    """The bytes of the secret key entry under ``alias`` (Java's ``KeyStore.getKey(alias, password).getEncoded()``
    for a ``SecretKeyEntry``, as ``keytool -importpass`` writes one), or None when there is none: the file's
    integrity checked, the entry's PBES2 decrypted with the store password (Keycloak's vault uses one password)."""
    pfx, content = _authenticated_safe(data)
    if len(pfx) < 3:
        raise Unreadable("not a version 3 PFX with a MAC")
    _check(_parse(pfx[2][1]), store_password, content)
    contents = _items(content)
    if len(contents) > MAX_CONTENTS:
        raise Unreadable("too many contents")
    for _, info in contents:
        for _, bag in _bags(info, store_password)[0]:
            parts = _parse(bag)  # bagId, [0] bagValue, bagAttributes
            if len(parts) < 3 or _dotted(parts[0][1]) != SECRET_BAG:
                continue
            if alias.lower() not in _friendly_names(parts[2][1]):
                continue
            secret_bag = _parse(_parse(parts[1][1])[0][1])  # SecretBag: secretTypeId, [0] secretValue
            shrouded = _parse(secret_bag[1][1])[0][1]  # [0] EXPLICIT OCTET STRING: an EncryptedPrivateKeyInfo
            algorithm, cipher = _items(shrouded)[:2]
            info_der = _pbes2_decrypt(algorithm[1], cipher[1], store_password)
            key_info = _items(info_der)  # PrivateKeyInfo: version, algorithm, OCTET STRING key
            if len(key_info) < 3 or key_info[2][0] != 0x04:
                raise Unreadable("not a secret key")
            return key_info[2][1]
    return None
