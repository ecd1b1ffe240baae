"""The provider's ID token signature checked with its JWKS URL or with keys the administrator pasted, ported from
Keycloak's KcOIDCBrokerWithSignatureTest (testsuite/.../tests/broker/, keycloak@032dfc16) over real HTTP, the
provider another realm of the same server (tests/broker_support.py):

* testSignatureVerificationHardcodedPublicKey (the login, and after the provider's keys rotate the pasted key no
  longer checks its tokens), ...HardcodedPublicKeyES256, ...HardcodedPublicKeyWithKeyIdSetExplicitly.
* testSignatureVerificationJwksAttributeRS256 / ES256: a JWK set pasted as ``publicKeySignatureVerifier``.
* testSignatureVerificationJwksPS512, testMultipleKeysWithSameKid (GH 14794): through ``jwksUrl``.
"""

from __future__ import annotations

from typing import Any

import pytest

from broker_support import ALIAS, Broker, broker_login, browser, served
from browser_flow import REDIRECT
from flow_builder import admin
from wire_env import Env

pytestmark = pytest.mark.anyio

KEY_PROVIDER = "org.keycloak.keys.KeyProvider"
UNEXPECTED = "Unexpected error when authenticating with identity provider"


async def _logs_in(broker: Broker) -> None:
    async with browser(broker) as http:
        done = await broker_login(http)
    assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text


async def _refused(broker: Broker) -> None:
    async with browser(broker) as http:
        failed = await broker_login(http)
    assert failed.status_code == 502 and UNEXPECTED in failed.text, failed.text


async def _active_key(env: Env, alg: str) -> dict[str, Any]:
    keys = (await admin(env, "GET", "/admin/realms/provider/keys", status=200)).json()
    kid = keys["active"][alg]
    (found,) = [k for k in keys["keys"] if k["kid"] == kid and k["algorithm"] == alg]
    return dict(found)


async def _rotate(env: Env, alg: str, provider_id: str, **config: str) -> None:
    """rotateKeys: a new key provider of the provider realm for ``alg``, active above the others."""
    realm_id = (await admin(env, "GET", "/admin/realms/provider", status=200)).json()["id"]
    before = (await admin(env, "GET", "/admin/realms/provider/keys", status=200)).json()["active"].get(alg)
    rep = {
        "name": "generated",
        "parentId": realm_id,
        "providerId": provider_id,
        "providerType": KEY_PROVIDER,
        "config": {"priority": ["1000"], "algorithm": [alg], **{k: [v] for k, v in config.items()}},
    }
    await admin(env, "POST", "/admin/realms/provider/components", rep, status=201)
    after = (await admin(env, "GET", "/admin/realms/provider/keys", status=200)).json()["active"].get(alg)
    assert after != before


async def _signs_with(broker: Broker, alg: str) -> None:
    """The provider's client signs its ID token (and access token) with ``alg``."""
    env = broker.env
    (client,) = (await admin(env, "GET", "/admin/realms/provider/clients?clientId=broker-app", status=200)).json()
    client["attributes"] = {
        **(client.get("attributes") or {}),
        "id.token.signed.response.alg": alg,
        "access.token.signed.response.alg": alg,
    }
    await admin(env, "PUT", f"/admin/realms/provider/clients/{client['id']}", client, status=204)


async def _pasted(broker: Broker, verifier: str, key_id: str | None = None) -> dict[str, Any]:
    config = broker.provider_rep(useJwksUrl="false", publicKeySignatureVerifier=verifier)["config"]
    if key_id is not None:
        config["publicKeySignatureVerifierKeyId"] = key_id
    rep = broker.provider_rep() | {"config": config}
    return rep


async def _put(env: Env, rep: dict[str, Any]) -> None:
    await admin(env, "PUT", f"/admin/realms/test/identity-provider/instances/{ALIAS}", rep, status=204)


async def test_hardcoded_public_key_checks_until_the_keys_rotate(env: Env) -> None:
    """testSignatureVerificationHardcodedPublicKey: the provider's RS256 public key pasted; the login goes through.
    The provider's keys rotate: the pasted key no longer checks its ID tokens, now or later."""
    async with served(env) as broker:
        key = await _active_key(env, "RS256")
        await broker.add_provider(config=(await _pasted(broker, key["publicKey"]))["config"])
        await _logs_in(broker)
        await _rotate(env, "RS256", "rsa-generated")
        await _refused(broker)
        env.clock.advance(20)
        await _refused(broker)


async def test_hardcoded_es256_public_key(env: Env) -> None:
    """testSignatureVerificationHardcodedPublicKeyES256: an ES256 key of the provider, its client signing ID tokens
    with it, the key pasted: the first login and the next go through."""
    async with served(env) as broker:
        await _rotate(env, "ES256", "ecdsa-generated")
        key = await _active_key(env, "ES256")
        await broker.add_provider(config=(await _pasted(broker, key["publicKey"]))["config"])
        await _signs_with(broker, "ES256")
        await _logs_in(broker)
        await _logs_in(broker)


async def test_hardcoded_public_key_with_key_id_set_explicitly(env: Env) -> None:
    """testSignatureVerificationHardcodedPublicKeyWithKeyIdSetExplicitly: the pasted key with no key id checks; an
    ``invalid-key-id`` does not; the key's own id (KeyUtils.createKeyId), an empty one and none check again."""
    async with served(env) as broker:
        key = await _active_key(env, "RS256")
        rep = await _pasted(broker, key["publicKey"])
        await broker.add_provider(config=rep["config"])
        await _logs_in(broker)
        for key_id, works in (("invalid-key-id", False), (key["kid"], True), ("", True)):
            await _put(env, await _pasted(broker, key["publicKey"], key_id))
            await (_logs_in if works else _refused)(broker)
        await _put(env, rep)
        await _logs_in(broker)


async def test_jwks_pasted_as_the_validating_key(env: Env) -> None:
    """testSignatureVerificationJwksAttributeRS256 and ...ES256: the provider's JWK set pasted as
    ``publicKeySignatureVerifier`` (key id empty): the RS256 ID token checks; with an ES256 key added, the set pasted
    again and the client signing ES256, so does that one."""
    async with served(env) as broker:
        certs = "/realms/provider/protocol/openid-connect/certs"
        async with browser(broker) as http:
            jwks = (await http.get(certs)).text
        await broker.add_provider(config=(await _pasted(broker, jwks, ""))["config"])
        await _logs_in(broker)
        await _rotate(env, "ES256", "ecdsa-generated")
        async with browser(broker) as http:
            jwks = (await http.get(certs)).text
        await _put(env, await _pasted(broker, jwks, ""))
        await _signs_with(broker, "ES256")
        await _logs_in(broker)


async def test_jwks_url_ps512(env: Env) -> None:
    """testSignatureVerificationJwksPS512: the provider's client signing PS512 (a key made for it), checked through
    its ``jwksUrl``."""
    async with served(env) as broker:
        await broker.add_provider()
        await _signs_with(broker, "PS512")
        await _logs_in(broker)
        await _logs_in(broker)


async def test_multiple_keys_with_the_same_kid(env: Env) -> None:
    """testMultipleKeysWithSameKid (GH 14794): an RS512 key given the ``kid`` of the active RS256 key, the client
    signing RS512: the consumer picks the key of that ``kid`` whose algorithm fits."""
    async with served(env) as broker:
        await broker.add_provider()
        kid = (await _active_key(env, "RS256"))["kid"]
        await _rotate(env, "RS512", "rsa-generated", kid=kid)
        await _signs_with(broker, "RS512")
        await _logs_in(broker)
        await _logs_in(broker)
