"""An identity provider's ``publicKeySignatureVerifier`` (PublicKeyStorageManager.getIdentityProviderKeyWrapper with
HardcodedPublicKeyLoader): the key a token's signature is checked with when ``useJwksUrl`` is off."""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from doorkeep.oauth.client_keys import hardcoded_key

RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
DER = RSA_KEY.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
BARE = base64.b64encode(DER).decode()
PEM = f"-----BEGIN PUBLIC KEY-----\n{BARE}\n-----END PUBLIC KEY-----"


def test_the_pem_key_or_its_bare_base64_checks_an_rsa_signature_whatever_the_token_s_kid() -> None:
    for text in (PEM, BARE):
        for kid in ("any", None):
            assert hardcoded_key(text, "", kid, "RS256") == RSA_KEY
            assert hardcoded_key(text, "", kid, "PS256") == RSA_KEY


def test_a_configured_key_id_must_be_the_one_the_token_names() -> None:
    assert hardcoded_key(PEM, " k1 ", "k1", "RS256") == RSA_KEY
    assert hardcoded_key(PEM, "k1", None, "RS256") == RSA_KEY
    assert hardcoded_key(PEM, "k1", "k2", "RS256") is None


def test_no_key_a_broken_key_or_one_of_another_type_checks_nothing() -> None:
    ec_der = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    assert hardcoded_key("", "", "k", "RS256") is None
    assert hardcoded_key("   ", "", "k", "RS256") is None
    assert hardcoded_key("not a key!", "", "k", "RS256") is None
    assert hardcoded_key(PEM, "", "k", "ES256") is None
    assert hardcoded_key(base64.b64encode(ec_der).decode(), "", "k", "RS256") is None
