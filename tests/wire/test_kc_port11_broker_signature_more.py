"""The rest of Keycloak's KcOIDCBrokerWithSignatureTest (testsuite/.../tests/broker/, keycloak@032dfc16) over real
HTTP, the provider another realm of the same server (tests/broker_support.py): the provider realm gets a key of
another algorithm, its client signs its tokens with it, and the consumer checks them with that key pasted as the
provider's ``publicKeySignatureVerifier`` (``useJwksUrl`` off) or read from its ``jwksUrl``:

* testSignatureVerificationHardcodedPublicKeyPS512, ...Ed25519, ...Ed448 (``eddsa-generated`` with
  ``eddsaEllipticCurveKey``): the first login and the next go through.
* testSignatureVerificationJwksES256: an ES256 key read from ``jwksUrl``.

testSignatureVerificationHardcodedPublicKeyHS512 is not ported: Doorkeep checks a provider's tokens only with
public keys, never an HMAC secret (docs/identity-brokering.md).
"""

from __future__ import annotations

import pytest

from broker_signature_support import active_key, logs_in, pasted, rotate, signs_with
from broker_support import served
from wire_env import Env

pytestmark = pytest.mark.anyio


async def _hardcoded(env: Env, alg: str, provider_id: str, **config: str) -> None:
    """The provider realm's new ``alg`` key pasted into the consumer's provider, its client signing with ``alg``:
    two logins in a row go through."""
    async with served(env) as broker:
        await rotate(env, alg, provider_id, **config)
        key = await active_key(env, alg)
        await broker.add_provider(config=(await pasted(broker, key["publicKey"]))["config"])
        await signs_with(broker, alg)
        await logs_in(broker)
        await logs_in(broker)


async def test_hardcoded_public_key_ps512(env: Env) -> None:
    """testSignatureVerificationHardcodedPublicKeyPS512: an ``rsa-generated`` PS512 key, pasted."""
    await _hardcoded(env, "PS512", "rsa-generated")


async def test_hardcoded_public_key_ed25519(env: Env) -> None:
    """testSignatureVerificationHardcodedPublicKeyEd25519: an ``eddsa-generated`` Ed25519 key, its client signing
    EdDSA, pasted."""
    await _hardcoded(env, "EdDSA", "eddsa-generated", eddsaEllipticCurveKey="Ed25519")


async def test_hardcoded_public_key_ed448(env: Env) -> None:
    """testSignatureVerificationHardcodedPublicKeyEd448: the same with an Ed448 key."""
    await _hardcoded(env, "EdDSA", "eddsa-generated", eddsaEllipticCurveKey="Ed448")


async def test_jwks_url_es256(env: Env) -> None:
    """testSignatureVerificationJwksES256: the provider checked through ``jwksUrl``; an ES256 key added to the
    provider realm and its client signing ES256: the first login and the next go through."""
    async with served(env) as broker:
        await broker.add_provider()
        await rotate(env, "ES256", "ecdsa-generated")
        await signs_with(broker, "ES256")
        await logs_in(broker)
        await logs_in(broker)
