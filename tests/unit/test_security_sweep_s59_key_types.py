"""An attacker's sweep of session 58's identity provider Validating public key (``publicKeySignatureVerifier``):
a stored public key whose algorithm identifier no library knows (a well-formed SubjectPublicKeyInfo for OID
1.2.3.4) made ``cryptography`` raise ``UnsupportedAlgorithm``, which is no ``ValueError``: the broker's signature
check, a client assertion's ``jwt.credential.public.key`` and the admin's public key upload answered 500. Such a
key now checks nothing (Keycloak's PemUtils.decodePublicKey fails: no key, the token refused), as an undecodable one
already did. Keys of the wrong type (DSA, X448, secp256k1 for ES256) and HMAC confusion held: none is returned."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, x448

from doorkeep.admin.client_certificates import valid_public_key
from doorkeep.model import Client
from doorkeep.oauth.client_keys import certificate_key, hardcoded_key

# SEQUENCE { SEQUENCE { OID 1.2.3.4, OID 1.2.3.4.5 }, BIT STRING (ten zero bytes) }: parses, names no known key type
UNKNOWN_TYPE = base64.b64encode(bytes.fromhex("301a300b06032a030406042a030405030b0000000000000000000000")).decode()
PEM = f"-----BEGIN PUBLIC KEY-----\n{UNKNOWN_TYPE}\n-----END PUBLIC KEY-----"


def _spki(key: dsa.DSAPublicKey | x448.X448PublicKey | ec.EllipticCurvePublicKey) -> str:
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode()


@pytest.mark.parametrize("alg", ["RS256", "PS256", "ES256", "EdDSA", "HS256"])
def test_a_validating_key_of_an_unknown_type_checks_nothing(alg: str) -> None:
    assert hardcoded_key(PEM, "", "k", alg) is None
    assert hardcoded_key(UNKNOWN_TYPE, "", None, alg) is None


@pytest.mark.parametrize("alg", ["RS256", "ES256", "ES256K", "EdDSA", "HS256", "hs256", "none"])
def test_a_validating_key_of_another_type_checks_nothing(alg: str) -> None:
    for key in (
        dsa.generate_private_key(1024).public_key(),
        x448.X448PrivateKey.generate().public_key(),
        ec.generate_private_key(ec.SECP256K1()).public_key(),
    ):
        assert hardcoded_key(_spki(key), "", None, alg) is None, (type(key), alg)


def test_a_client_public_key_of_an_unknown_type_is_no_key() -> None:
    client = Client(id="c", realm_id="r", client_id="app", attributes={"jwt.credential.public.key": PEM})
    assert certificate_key(client) == []


def test_uploading_a_public_key_of_an_unknown_type_is_refused_not_a_crash() -> None:
    assert not valid_public_key(PEM)
