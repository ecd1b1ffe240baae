"""OIDCIdentityProvider.parseTokenInput's refusals (broker/jwe_input.py): an encrypted ID token must hold a JWS, and
a JWE the realm has no key for is not decrypted."""

from __future__ import annotations

import json
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto import jwe, jwk

from doorkeep.broker import jwe_input
from doorkeep.broker.calls import BrokerError

pytestmark = pytest.mark.anyio

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _encrypted(content: str, kid: str = "enc-1") -> str:
    header = {"alg": "RSA-OAEP", "enc": "A256GCM", "kid": kid}
    token = jwe.JWE(content.encode(), protected=json.dumps(header))
    token.add_recipient(jwk.JWK.from_pyca(KEY.public_key()))
    return str(token.serialize(compact=True))


async def _find(kid: str | None, alg: str) -> Any:
    return KEY if (kid, alg) == ("enc-1", "RSA-OAEP") else None


async def test_an_encrypted_jws_is_decrypted_to_the_jws() -> None:
    signed = jwt.encode({"sub": "a"}, KEY, algorithm="RS256")
    assert await jwe_input.signed_content(_encrypted(signed), _find) == signed


async def test_a_jws_is_left_as_it_is() -> None:
    signed = jwt.encode({"sub": "a"}, KEY, algorithm="RS256")
    assert await jwe_input.signed_content(signed, None) == signed


async def test_an_encrypted_id_token_without_a_jws_inside_is_refused() -> None:
    with pytest.raises(BrokerError, match="Token is not a signed JWS"):
        await jwe_input.signed_content(_encrypted('{"sub": "a"}'), _find)


async def test_a_jwe_the_realm_has_no_key_for_is_refused() -> None:
    token = _encrypted(jwt.encode({"sub": "a"}, KEY, algorithm="RS256"), kid="other")
    with pytest.raises(BrokerError, match="Private key not found in the realm to decrypt token algorithm RSA-OAEP"):
        await jwe_input.signed_content(token, _find)
    with pytest.raises(BrokerError, match="Private key not found"):
        await jwe_input.signed_content(token, None)


async def test_a_jwe_for_another_key_is_not_decrypted() -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    async def wrong(kid: str | None, alg: str) -> Any:
        return other

    with pytest.raises(BrokerError, match="could not be decrypted"):
        await jwe_input.decrypted(_encrypted('{"sub": "a"}'), wrong)
