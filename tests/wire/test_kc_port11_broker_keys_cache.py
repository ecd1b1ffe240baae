"""The provider's JWK set kept between logins (Keycloak's PublicKeyStorageManager and its ``keys`` cache), ported
from KcOIDCBrokerWithSignatureTest (testsuite/.../tests/broker/, keycloak@032dfc16) over real HTTP, the provider
another realm of the same server (tests/broker_support.py):

* testSignatureVerificationJwksUrl: the keys rotate at the provider; the consumer keeps its set, so a login within
  10 s fails; once the time moves on, the set is read again and the login goes through.
* testPublicKeyCacheInvalidatedWhenProviderUpdated: the provider's ``jwksUrl`` changed to one that answers nothing;
  the kept set is no longer used and the login fails.
* testClearKeysCache reads Keycloak's cache through its testing endpoint; here what it asserts (nothing kept after
  ``clear-keys-cache``) is read from behaviour: a rotated key checks at once. The same for an update that leaves
  ``jwksUrl`` as it was (IdentityProviderUpdatedEvent drops the entry whatever changed).
"""

from __future__ import annotations

import pytest

from broker_signature_support import logs_in, put, refused, rotate
from broker_support import ALIAS, Broker, served
from flow_builder import admin
from wire_env import Env

pytestmark = pytest.mark.anyio

NOWHERE = "https://localhost:43214/non-existent"


async def _provider(broker: Broker) -> dict[str, object]:
    found = await admin(broker.env, "GET", f"/admin/realms/test/identity-provider/instances/{ALIAS}", status=200)
    rep: dict[str, object] = found.json()
    return rep


async def test_rotated_keys_are_read_only_after_the_minimum_time_between_requests(env: Env) -> None:
    """testSignatureVerificationJwksUrl: the login checks the ID token through ``jwksUrl``; the provider's RS256 key
    rotates and the next login fails (the kept set lacks the new kid, fetched 10 s ago at most); 20 s later the set
    is fetched again and the login goes through."""
    async with served(env) as broker:
        await broker.add_provider()
        await logs_in(broker)
        await rotate(env, "RS256", "rsa-generated")
        await refused(broker)
        env.clock.advance(20)
        await logs_in(broker)


async def test_an_unknown_kid_is_not_fetched_again_before_more_than_ten_seconds(env: Env) -> None:
    """InfinispanPublicKeyStorageProvider: ``currentTime > lastRequestTime + minTimeBetweenRequests``; exactly 10 s
    after the last fetch the rotated key is still not read, 11 s after it is."""
    async with served(env) as broker:
        await broker.add_provider()
        await logs_in(broker)
        await rotate(env, "RS256", "rsa-generated")
        env.clock.advance(10)
        await refused(broker)
        env.clock.advance(1)
        await logs_in(broker)


async def test_public_key_cache_invalidated_when_provider_updated(env: Env) -> None:
    """testPublicKeyCacheInvalidatedWhenProviderUpdated: after a login, ``jwksUrl`` is set to a URL that answers
    nothing; what was kept for the provider is not used and the login fails, 20 s on as in the Java test."""
    async with served(env) as broker:
        await broker.add_provider()
        await logs_in(broker)
        rep = await _provider(broker)
        config = rep["config"]
        assert isinstance(config, dict)
        await put(env, rep | {"config": config | {"jwksUrl": NOWHERE}})
        env.clock.advance(20)
        await refused(broker)


async def test_any_update_of_the_provider_drops_its_kept_keys(env: Env) -> None:
    """IdentityProviderUpdatedEvent invalidates the provider's entry whatever the update changed: the keys rotate,
    the provider is saved with another display name and its ``jwksUrl`` unchanged, and the login goes through at
    once (without the update it would wait 10 s, as above)."""
    async with served(env) as broker:
        await broker.add_provider()
        await logs_in(broker)
        await rotate(env, "RS256", "rsa-generated")
        await refused(broker)
        await put(env, await _provider(broker) | {"displayName": "Provider Realm, renamed"})
        await logs_in(broker)


async def test_clear_keys_cache_drops_the_kept_keys(env: Env) -> None:
    """testClearKeysCache, by behaviour: after ``clear-keys-cache`` (204) nothing is kept, so a rotated key checks
    within the 10 s."""
    async with served(env) as broker:
        await broker.add_provider()
        await logs_in(broker)
        await rotate(env, "RS256", "rsa-generated")
        await refused(broker)
        await admin(env, "POST", "/admin/realms/test/clear-keys-cache", status=204)
        await logs_in(broker)


async def test_reload_keys_reads_the_set_again(env: Env) -> None:
    """``reload-keys`` (OIDCIdentityProvider.reloadKeys, true with ``useJwksUrl``): the rotated key checks at once."""
    async with served(env) as broker:
        await broker.add_provider()
        await logs_in(broker)
        await rotate(env, "RS256", "rsa-generated")
        await refused(broker)
        answer = await admin(
            env, "GET", f"/admin/realms/test/identity-provider/instances/{ALIAS}/reload-keys", status=200
        )
        assert answer.json() is True
        await logs_in(broker)
