"""Hostile PKCS#12 uploads (keystores.read): a file that sends its legacy-encrypted contents to ``cryptography``
may not carry a key bag whose key derivation is out of bounds, as OpenSSL would run every one of its rounds."""

from __future__ import annotations

import base64
import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from doorkeep.admin import client_certificates, keystores
from doorkeep.admin import pkcs12_files as p

PAIR = client_certificates.generate("app", 1_800_000_000, key_size=2048)
Item = tuple[int, bytes]


def tlv(item: Item) -> bytes:
    return p._tlv(*item)


def legacy_file(rounds: int) -> bytes:
    """OpenSSL 1.1's layout: the certificate in 3DES-encrypted contents, the key in a plain one's shrouded bag."""
    key = serialization.load_der_private_key(base64.b64decode(PAIR.private_key), None)
    assert isinstance(key, rsa.RSAPrivateKey)
    cert = x509.load_der_x509_certificate(base64.b64decode(PAIR.certificate))
    encryption = (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(rounds)
        .key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC)
        .hmac_hash(hashes.SHA1())
        .build(b"sp")
    )
    return pkcs12.serialize_key_and_certificates(b"app", key, cert, None, encryption)


def with_key_rounds(info: bytes, rounds: int) -> bytes:
    """A plain ContentInfo whose shrouded key bags derive their keys with ``rounds`` iterations."""
    kind, explicit = p._parse(info)
    (octets,) = p._parse(explicit[1])
    bags = []
    for bag in p._items(octets[1]):
        bag_id, value, *rest = p._parse(bag[1])
        (epki,) = p._parse(value[1])
        algorithm, cipher = p._parse(epki[1])
        oid, params = p._parse(algorithm[1])
        salt, _ = p._parse(params[1])
        algorithm = (0x30, tlv(oid) + p._seq(tlv(salt), p._int(rounds)))
        value = (value[0], p._seq(tlv(algorithm), tlv(cipher)))
        bags.append(p._seq(tlv(bag_id), tlv(value), *(tlv(r) for r in rest)))
    return p._seq(tlv(kind), p._explicit(p._octets(p._seq(*bags))))


def resealed(data: bytes, key_rounds: int) -> bytes:
    """``data`` with its key bag's rounds changed and its MAC made again with the store password."""
    version, auth, mac = p._items(data)
    content_type, explicit = p._parse(auth[1])
    (octets,) = p._parse(explicit[1])
    encrypted, plain = p._items(octets[1])
    assert p._dotted(p._parse(encrypted[1])[0][1]) == p.ENCRYPTED_DATA
    content = p._seq(tlv(encrypted), with_key_rounds(plain[1], key_rounds))
    digest, salt, rounds = p._parse(mac[1])
    algorithm, _ = p._parse(digest[1])
    value = p._mac("sp", salt[1], int.from_bytes(rounds[1], "big"), content, "sha1")
    mac_data = p._seq(p._seq(tlv(algorithm), p._octets(value)), tlv(salt), tlv(rounds))
    return p._seq(tlv(version), p._seq(tlv(content_type), p._explicit(p._octets(content))), mac_data)


def test_the_rebuilt_file_reads_back_so_the_refusal_below_is_the_bounds() -> None:
    data = resealed(legacy_file(2048), 2048)  # the same rounds: the rebuilt file is still the key's
    key, cert = keystores.read("PKCS12", data, "sp", "app", "sp")
    assert (key, cert) == (base64.b64decode(PAIR.private_key), base64.b64decode(PAIR.certificate))


@pytest.mark.parametrize("alias", ["app", "another"])
def test_a_key_bag_beyond_the_bound_beside_legacy_contents_is_refused_before_openssl_runs_it(alias: str) -> None:
    """2^24 rounds take OpenSSL seconds (2^31 - 1, minutes) on the request's time; the bound refuses them first,
    whether or not the key bag is the alias asked for."""
    data = resealed(legacy_file(2048), 2**24)
    started = time.monotonic()
    with pytest.raises(keystores.KeystoreError, match="error loading keystore"):
        keystores.read("PKCS12", data, "sp", alias, "sp")
    took = time.monotonic() - started
    assert took < 1, f"reading took {took:.1f} s: the key bag's derivation ran"
