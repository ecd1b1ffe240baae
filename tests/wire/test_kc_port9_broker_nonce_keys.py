"""The nonce the consumer sends an OpenID Connect provider and the provider keys it checks the ID token with,
ported from Keycloak's broker tests over real HTTP (tests/broker_support.py: the provider another realm of the same
server, or a FakeIdp):

* KcOidcBrokerNonceParameterTest (tests/base/.../broker/oidc/, keycloak@main's new framework; the old
  testsuite's at @110a6242): testNonceSet, testNonceNotSet. The Java test reads the provider's ID token through a
  User Session Note mapper of ``FEDERATED_ID_TOKEN:kc``, which Keycloak 26's UserSessionNoteMapperValidationTest
  (and Doorkeep) refuse to create; here it is read where ``storeToken`` keeps it, the user's link.
* KcOidcBrokerIdpPublicKeyMissingUseTest: the provider's JWK set has a key without ``use``; it still checks the
  ID token's signature (JWKSUtils.getKeyWrappersForUse with the requested use when missing).
"""

from __future__ import annotations

import json
from typing import Any

import jwt
import pytest

from broker_support import ALIAS, broker_tokens, browser, callback, served, served_with_fake, to_provider, user_named
from fake_idp import jwk
from flow_builder import admin
from wire_env import Env

pytestmark = pytest.mark.anyio


async def _provider_id_token(env: Env) -> dict[str, Any]:
    """The claims of the provider's ID token that alice's link keeps (``storeToken``)."""
    user = await user_named(env, "alice")
    assert user is not None
    async with env.db.transaction() as tx:
        (link,) = [f for f in await tx.federated.of_user(user["id"]) if f.alias == ALIAS]
    assert link.token is not None
    claims: dict[str, Any] = jwt.decode(json.loads(link.token)["id_token"], options={"verify_signature": False})
    return claims


async def test_nonce_set(env: Env) -> None:
    """testNonceSet: the client's ``nonce`` 123456 is in the consumer's ID token; the provider's ID token carries a
    nonce of the consumer's own (the one it sent the provider, not the client's)."""
    async with served(env) as broker:
        await broker.add_provider(storeToken=True)
        async with browser(broker) as http:
            tokens = await broker_tokens(http, nonce="123456")
        assert jwt.decode(tokens["id_token"], options={"verify_signature": False})["nonce"] == "123456"
        federated = await _provider_id_token(env)
        assert federated.get("nonce") not in (None, "123456")


async def test_nonce_not_set(env: Env) -> None:
    """testNonceNotSet: ``disableNonce`` on and no nonce from the client: none goes to the provider, and neither the
    provider's ID token nor the consumer's carries one."""
    async with served(env) as broker:
        await broker.add_provider(storeToken=True, config=broker.provider_rep(disableNonce="true")["config"])
        async with browser(broker) as http:
            tokens = await broker_tokens(http)
        assert "nonce" not in jwt.decode(tokens["id_token"], options={"verify_signature": False})
        assert "nonce" not in await _provider_id_token(env)


async def test_a_provider_key_without_use_checks_the_signature(env: Env) -> None:
    """KcOidcBrokerIdpPublicKeyMissingUseTest: the provider's JWK set publishes its key without ``use``; the ID
    token it signed is checked with it and the login goes through (``client_secret_basic`` as the Java test)."""
    async with served_with_fake(env) as (broker, idp):
        idp.keys = [{k: v for k, v in jwk().items() if k != "use"}]
        rep = idp.rep(clientAuthMethod="client_secret_basic")
        await admin(env, "PUT", f"/admin/realms/test/identity-provider/instances/{ALIAS}", rep, status=204)
        async with browser(broker) as http:
            params = await to_provider(http, idp)
            done = await callback(http, params["state"])
        assert done.status_code in (200, 302), done.text
        assert "/certs" in idp.fetched
        assert "Unexpected error" not in done.text


async def test_a_provider_key_for_encryption_only_does_not_check_the_signature(env: Env) -> None:
    """The contrast: the same key published with ``use`` ``enc`` is no signing key; the ID token is refused (502)."""
    async with served_with_fake(env) as (broker, idp):
        idp.keys = [jwk() | {"use": "enc"}]
        async with browser(broker) as http:
            params = await to_provider(http, idp)
            done = await callback(http, params["state"])
        assert done.status_code == 502, done.text
