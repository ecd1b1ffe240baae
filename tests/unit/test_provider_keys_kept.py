"""An identity provider's JWK set kept between the tokens it signs (oauth/client_keys.ClientKeys.provider_key):
a back-channel logout token may come from anyone, so a stream of them must not turn into a stream of fetches."""

from __future__ import annotations

import json
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from doorkeep.clock import FakeClock
from doorkeep.oauth.client_keys import MIN_REFETCH, ClientKeys

pytestmark = pytest.mark.anyio
URL = "https://idp.example/certs"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
KC: dict[str, Any] = {"alias": "kc", "internalId": "id-kc", "config": {"jwksUrl": URL}}
OTHER: dict[str, Any] = {"alias": "other", "internalId": "id-other", "config": {"jwksUrl": URL}}


def _jwks() -> bytes:
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key()))
    return json.dumps({"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]}).encode()


async def test_unknown_kids_fetch_the_set_at_most_once_per_interval_and_reload_drops_it() -> None:
    fetched: list[str] = []

    async def fetch(url: str) -> bytes:
        fetched.append(url)
        return _jwks()

    clock = FakeClock(1000)
    keys = ClientKeys(clock, fetch=fetch)
    assert await keys.provider_key("r1", KC, URL, "k1", "RS256") is not None
    for _ in range(50):  # forged kids, as fast as anyone may post them
        assert await keys.provider_key("r1", KC, URL, "forged", "RS256") is None
    assert len(fetched) == 1  # the first fetch is within MIN_REFETCH of every forced one
    clock.advance(MIN_REFETCH)  # exactly MIN_REFETCH later: Keycloak's currentTime > lastRequestTime + 10 says no
    assert await keys.provider_key("r1", KC, URL, "forged", "RS256") is None
    assert len(fetched) == 1
    clock.advance(1)
    for _ in range(50):
        assert await keys.provider_key("r1", KC, URL, "forged", "RS256") is None
    assert len(fetched) == 2
    assert await keys.provider_key("r1", KC, URL, "k1", "RS256") is not None
    assert len(fetched) == 2
    keys.forget_provider("r1", OTHER)  # another provider's reload keeps this one's set
    await keys.provider_key("r1", KC, URL, "k1", "RS256")
    assert len(fetched) == 2
    keys.forget_provider("r1", KC)  # reload-keys
    await keys.provider_key("r1", KC, URL, "k1", "RS256")
    assert len(fetched) == 3
    await keys.provider_key("r2", KC, URL, "k1", "RS256")  # the same alias in another realm is its own set
    assert len(fetched) == 4


async def test_an_updated_or_recreated_provider_does_not_use_the_keys_kept_for_it() -> None:
    """IdentityProviderUpdatedEvent / IdentityProviderRemovedEvent: what was kept for the provider is dropped, its
    last fetch time too; here a provider read differently from the one the set was kept for (every worker reads it
    with its realm) fetches at once, and the unchanged provider keeps using its set."""
    fetched: list[str] = []

    async def fetch(url: str) -> bytes:
        fetched.append(url)
        return _jwks()

    keys = ClientKeys(FakeClock(1000), fetch=fetch)
    assert await keys.provider_key("r1", KC, URL, "k1", "RS256") is not None
    assert await keys.provider_key("r1", KC, URL, "k1", "RS256") is not None
    assert len(fetched) == 1
    updated = KC | {"config": {"jwksUrl": URL, "issuer": "https://idp.example"}}
    assert await keys.provider_key("r1", updated, URL, "k1", "RS256") is not None
    assert len(fetched) == 2  # within MIN_REFETCH of the last fetch, and fetched all the same
    assert await keys.provider_key("r1", updated, URL, "k1", "RS256") is not None
    assert len(fetched) == 2
    recreated = updated | {"internalId": "id-kc-2"}  # deleted and created again under the alias
    await keys.provider_key("r1", recreated, URL, "k1", "RS256")
    assert len(fetched) == 3
    keys.clear()  # clear-keys-cache
    await keys.provider_key("r1", recreated, URL, "k1", "RS256")
    assert len(fetched) == 4
