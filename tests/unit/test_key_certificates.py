"""The self-signed certificate a generated key is published with (``/keys``, the JWKS's ``x5c``) is the same in
every process: its x5t must not change between workers or restarts, EC keys included (RFC 6979 signatures)."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from doorkeep.admin.keys_metadata import certificate


@pytest.mark.parametrize("kind", ["rsa", "ec"])
def test_the_certificate_is_derived_the_same_way_each_time(kind: str) -> None:
    private = rsa.generate_private_key(65537, 2048) if kind == "rsa" else ec.generate_private_key(ec.SECP256R1())
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    first = certificate("kid-1", pem, "demo", 1_700_000_000)
    certificate.cache_clear()  # as another process would start without it
    assert certificate("kid-1", pem, "demo", 1_700_000_000) == first
