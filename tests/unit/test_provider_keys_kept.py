"""An identity provider's JWK set kept between the tokens it signs (oauth/client_keys.ClientKeys.provider_key):
a back-channel logout token may come from anyone, so a stream of them must not turn into a stream of fetches."""

from __future__ import annotations

import json

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from doorkeep.clock import FakeClock
from doorkeep.oauth.client_keys import MIN_REFETCH, ClientKeys

pytestmark = pytest.mark.anyio
URL = "https://idp.example/certs"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


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
    assert await keys.provider_key("r1", "kc", URL, "k1", "RS256") is not None
    for _ in range(50):  # forged kids, as fast as anyone may post them
        assert await keys.provider_key("r1", "kc", URL, "forged", "RS256") is None
    assert len(fetched) == 1  # the first fetch is within MIN_REFETCH of every forced one
    clock.advance(MIN_REFETCH)
    for _ in range(50):
        assert await keys.provider_key("r1", "kc", URL, "forged", "RS256") is None
    assert len(fetched) == 2
    assert await keys.provider_key("r1", "kc", URL, "k1", "RS256") is not None
    assert len(fetched) == 2
    keys.forget_provider("r1", "other")  # another provider's reload keeps this one's set
    await keys.provider_key("r1", "kc", URL, "k1", "RS256")
    assert len(fetched) == 2
    keys.forget_provider("r1", "kc")  # reload-keys
    await keys.provider_key("r1", "kc", URL, "k1", "RS256")
    assert len(fetched) == 3
    await keys.provider_key("r2", "kc", URL, "k1", "RS256")  # the same alias in another realm is its own set
    assert len(fetched) == 4
