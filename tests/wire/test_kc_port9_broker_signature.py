"""The provider's ID token signature checked with its JWKS URL or with keys the administrator pasted, ported from
Keycloak's KcOIDCBrokerWithSignatureTest (testsuite/.../tests/broker/, keycloak@032dfc16) over real HTTP, the
provider another realm of the same server (tests/broker_support.py):

* testSignatureVerificationHardcodedPublicKey (the login, and after the provider's keys rotate the pasted key no
  longer checks its tokens), ...HardcodedPublicKeyES256, ...HardcodedPublicKeyWithKeyIdSetExplicitly.
* testSignatureVerificationJwksAttributeRS256 / ES256: a JWK set pasted as ``publicKeySignatureVerifier``.
* testSignatureVerificationJwksPS512, testMultipleKeysWithSameKid (GH 14794): through ``jwksUrl``.
"""

from __future__ import annotations

import pytest

from broker_signature_support import active_key, logs_in, pasted, put, refused, rotate, signs_with
from broker_support import browser, served
from wire_env import Env

pytestmark = pytest.mark.anyio


async def test_hardcoded_public_key_checks_until_the_keys_rotate(env: Env) -> None:
    """testSignatureVerificationHardcodedPublicKey: the provider's RS256 public key pasted; the login goes through.
    The provider's keys rotate: the pasted key no longer checks its ID tokens, now or later."""
    async with served(env) as broker:
        key = await active_key(env, "RS256")
        await broker.add_provider(config=(await pasted(broker, key["publicKey"]))["config"])
        await logs_in(broker)
        await rotate(env, "RS256", "rsa-generated")
        await refused(broker)
        env.clock.advance(20)
        await refused(broker)


async def test_hardcoded_es256_public_key(env: Env) -> None:
    """testSignatureVerificationHardcodedPublicKeyES256: an ES256 key of the provider, its client signing ID tokens
    with it, the key pasted: the first login and the next go through."""
    async with served(env) as broker:
        await rotate(env, "ES256", "ecdsa-generated")
        key = await active_key(env, "ES256")
        await broker.add_provider(config=(await pasted(broker, key["publicKey"]))["config"])
        await signs_with(broker, "ES256")
        await logs_in(broker)
        await logs_in(broker)


async def test_hardcoded_public_key_with_key_id_set_explicitly(env: Env) -> None:
    """testSignatureVerificationHardcodedPublicKeyWithKeyIdSetExplicitly: the pasted key with no key id checks; an
    ``invalid-key-id`` does not; the key's own id (KeyUtils.createKeyId), an empty one and none check again."""
    async with served(env) as broker:
        key = await active_key(env, "RS256")
        rep = await pasted(broker, key["publicKey"])
        await broker.add_provider(config=rep["config"])
        await logs_in(broker)
        for key_id, works in (("invalid-key-id", False), (key["kid"], True), ("", True)):
            await put(env, await pasted(broker, key["publicKey"], key_id))
            await (logs_in if works else refused)(broker)
        await put(env, rep)
        await logs_in(broker)


async def test_jwks_pasted_as_the_validating_key(env: Env) -> None:
    """testSignatureVerificationJwksAttributeRS256 and ...ES256: the provider's JWK set pasted as
    ``publicKeySignatureVerifier`` (key id empty): the RS256 ID token checks; with an ES256 key added, the set pasted
    again and the client signing ES256, so does that one."""
    async with served(env) as broker:
        certs = "/realms/provider/protocol/openid-connect/certs"
        async with browser(broker) as http:
            jwks = (await http.get(certs)).text
        await broker.add_provider(config=(await pasted(broker, jwks, ""))["config"])
        await logs_in(broker)
        await rotate(env, "ES256", "ecdsa-generated")
        async with browser(broker) as http:
            jwks = (await http.get(certs)).text
        await put(env, await pasted(broker, jwks, ""))
        await signs_with(broker, "ES256")
        await logs_in(broker)


async def test_jwks_url_ps512(env: Env) -> None:
    """testSignatureVerificationJwksPS512: the provider's client signing PS512 (a key made for it), checked through
    its ``jwksUrl``."""
    async with served(env) as broker:
        await broker.add_provider()
        await signs_with(broker, "PS512")
        await logs_in(broker)
        await logs_in(broker)


async def test_multiple_keys_with_the_same_kid(env: Env) -> None:
    """testMultipleKeysWithSameKid (GH 14794): an RS512 key given the ``kid`` of the active RS256 key, the client
    signing RS512: the consumer picks the key of that ``kid`` whose algorithm fits."""
    async with served(env) as broker:
        await broker.add_provider()
        kid = (await active_key(env, "RS256"))["kid"]
        await rotate(env, "RS512", "rsa-generated", kid=kid)
        await signs_with(broker, "RS512")
        await logs_in(broker)
        await logs_in(broker)
