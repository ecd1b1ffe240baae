"""The consumer realm's ``private_key_jwt`` to a provider whose client reads the consumer's keys from a JWK set that
is not quite the realm's own, ported from Keycloak's KcOidcBrokerPrivateKeyJwtMissingUseTest and
KcOidcBrokerPrivateKeyJwtUnsupportedKeyTest (tests/base/.../tests/broker/ @42f47f9f). Both add an ``ecdsa-generated``
P-384 key to the consumer realm at the default priority, sign the assertion ES384 (``clientAssertionSigningAlg``,
the provider's ``clientSecret`` empty) and point the provider client ``client-jwt``'s ``jwks.url`` at a resource of
the test server (MissingUseJwksRestResource, UnsupportedKeyJwksRestResource) that publishes the realm's enabled keys:

* with ``use`` left out of every RSA and EC key: the provider takes a key without ``use`` as a signing key
  (ClientPublicKeyLoader: JWKSUtils.getKeyWrappersForUse with the requested use when missing), so the login goes
  through;
* with an extra EC key on a curve no one knows (``unsupportedsecp256k1``): the key that cannot be read is skipped,
  the others still serve, the login goes through.

Each Java class runs the whole BrokerLoginTest suite on that configuration; what the configuration changes is the
token request's client authentication, which the login below goes through. Here a small server stands in for the
test server's resource, and serves the consumer realm's own JWK set so changed. The contrast (not in Keycloak's
classes): the same ES384 key published with ``use`` ``enc`` is no signing key, and a set without ``use`` stored in the
client (``jwks.string``) rather than fetched counts no key as a signing key; both token requests are refused.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from typing import Any

import pytest

from broker_support import Broker, broker_login, browser, served
from browser_flow import REDIRECT
from flow_builder import admin
from served_app import serving
from wire_env import Env

pytestmark = pytest.mark.anyio

KEY_PROVIDER = "org.keycloak.keys.KeyProvider"
UNSUPPORTED = {  # UnsupportedKeyJwksRestResource's extra key
    "kty": "EC",
    "crv": "unsupportedsecp256k1",
    "kid": "kf9t2WAuldbXS-e12bQf5anGnmxM4U5tfW0YaI1CqWQ",
    "x": "6nr5nOtISf6qopXw2YbjrlbJ7ZzPqtIAXjoibtq3PLk",
    "y": "Ct4wJp2CMSmL-eFBtIXowpJgw4Pn7HdR27laqI4zj14",
}

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


@contextlib.asynccontextmanager
async def _jwks_at(document: dict[str, Any]) -> AsyncIterator[str]:
    """``document`` served as JSON at ``<base>/jwks`` for as long as the block runs."""
    body = json.dumps(document).encode()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "http"
        status = 200 if scope["path"] == "/jwks" else 404
        headers = [(b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body if status == 200 else b"{}"})

    async with serving(app) as base:
        yield f"{base}/jwks"


async def _es384_consumer(broker: Broker) -> None:
    """The ``@BeforeEach``'s consumer half: an ES384 key in realm ``test`` and the provider ``kc`` signing its
    ``private_key_jwt`` with it, with no client secret."""
    env = broker.env
    realm_id = (await admin(env, "GET", "/admin/realms/test", status=200)).json()["id"]
    component = {
        "name": "ecdsa-generated",
        "parentId": realm_id,
        "providerId": "ecdsa-generated",
        "providerType": KEY_PROVIDER,
        "config": {"priority": ["100"], "ecdsaEllipticCurveKey": ["P-384"]},  # DefaultKeyProviders.DEFAULT_PRIORITY
    }
    await admin(env, "POST", "/admin/realms/test/components", component, status=201)
    rep = broker.provider_rep(clientAuthMethod="private_key_jwt", clientSecret="", clientAssertionSigningAlg="ES384")
    await broker.add_provider(config=rep["config"])


async def _consumer_keys(broker: Broker) -> list[dict[str, Any]]:
    certs = await broker.env.http.get("/realms/test/protocol/openid-connect/certs")
    assert certs.status_code == 200, certs.text
    keys: list[dict[str, Any]] = certs.json()["keys"]
    assert any(k.get("alg") == "ES384" and k.get("use") == "sig" for k in keys), keys
    return keys


async def _provider_reads(broker: Broker, url: str) -> None:
    """The provider realm's ``broker-app`` as ``client-jwt`` with ``use.jwks.url`` and ``jwks.url`` = ``url``."""
    env = broker.env
    (client,) = (await admin(env, "GET", "/admin/realms/provider/clients?clientId=broker-app", status=200)).json()
    client["clientAuthenticatorType"] = "client-jwt"
    client["attributes"] = {**(client.get("attributes") or {}), "use.jwks.url": "true", "jwks.url": url}
    await admin(env, "PUT", f"/admin/realms/provider/clients/{client['id']}", client, status=204)


async def _login(broker: Broker) -> int:
    async with browser(broker) as http:
        done = await broker_login(http)
    if done.status_code == 302:
        assert done.headers["location"].startswith(REDIRECT), done.headers
    return done.status_code


async def _alice(broker: Broker) -> list[str]:
    users = (await admin(broker.env, "GET", "/admin/realms/test/users?username=alice&exact=true", status=200)).json()
    return [u["username"] for u in users]


async def test_keys_without_use_authenticate_the_assertion(env: Env) -> None:
    """KcOidcBrokerPrivateKeyJwtMissingUseTest (BrokerLoginTest's login on its configuration): every RSA and EC key
    of the consumer's set published without ``use``; the ES384 assertion is checked with the key of its ``kid``
    and alice signs in."""
    async with served(env) as broker:
        await _es384_consumer(broker)
        keys = [{k: v for k, v in key.items() if k != "use"} for key in await _consumer_keys(broker)]
        async with _jwks_at({"keys": keys}) as url:
            await _provider_reads(broker, url)
            assert await _login(broker) == 302
        assert await _alice(broker) == ["alice"]


async def test_an_unsupported_key_in_the_set_is_skipped(env: Env) -> None:
    """KcOidcBrokerPrivateKeyJwtUnsupportedKeyTest (BrokerLoginTest's login on its configuration): the consumer's
    keys and an EC key on the unknown curve ``unsupportedsecp256k1``; that key is skipped, not a failure of the whole
    set, and alice signs in. The unknown key first and last alike."""
    async with served(env) as broker:
        await _es384_consumer(broker)
        keys = await _consumer_keys(broker)
        async with _jwks_at({"keys": [UNSUPPORTED, *keys, dict(UNSUPPORTED, kid="second")]}) as url:
            await _provider_reads(broker, url)
            assert await _login(broker) == 302
        assert await _alice(broker) == ["alice"]


async def test_a_key_published_for_encryption_does_not_authenticate(env: Env) -> None:
    """The contrast: the same set with the ES384 key's ``use`` ``enc`` (and the unsupported key beside it) holds no
    signing key of the assertion's ``kid``; the provider refuses the token request and the consumer answers its
    502 page, no user made."""
    async with served(env) as broker:
        await _es384_consumer(broker)
        keys = [dict(k, use="enc") if k.get("alg") == "ES384" else k for k in await _consumer_keys(broker)]
        async with _jwks_at({"keys": [UNSUPPORTED, *keys]}) as url:
            await _provider_reads(broker, url)
            assert await _login(broker) == 502
        assert await _alice(broker) == []


async def test_keys_without_use_in_a_stored_set_do_not_authenticate(env: Env) -> None:
    """The other contrast: the same set without ``use`` stored in the client (``use.jwks.string``) rather than
    fetched. ClientPublicKeyLoader reads a stored set with JWKSUtils.getKeyWrappersForUse(set, SIG), which skips a
    key without ``use``; the provider finds no key and refuses the token request (502 at the consumer)."""
    async with served(env) as broker:
        await _es384_consumer(broker)
        keys = [{k: v for k, v in key.items() if k != "use"} for key in await _consumer_keys(broker)]
        (client,) = (await admin(env, "GET", "/admin/realms/provider/clients?clientId=broker-app", status=200)).json()
        client["clientAuthenticatorType"] = "client-jwt"
        stored = {"use.jwks.string": "true", "jwks.string": json.dumps({"keys": keys})}
        client["attributes"] = {**(client.get("attributes") or {}), **stored}
        await admin(env, "PUT", f"/admin/realms/provider/clients/{client['id']}", client, status=204)
        assert await _login(broker) == 502
        assert await _alice(broker) == []
