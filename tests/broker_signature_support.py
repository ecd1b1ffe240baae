"""Helpers of the ports of Keycloak's KcOIDCBrokerWithSignatureTest (tests/wire/test_kc_port9_broker_signature.py,
test_kc_port11_broker_signature_more.py, test_kc_port11_broker_keys_cache.py): a login through the provider that
goes through or fails, the provider realm's keys read and rotated, its client's signature algorithm, the validating
key pasted into the consumer's provider."""

from __future__ import annotations

from typing import Any

from broker_support import ALIAS, Broker, broker_login, browser
from browser_flow import REDIRECT
from flow_builder import admin
from wire_env import Env

KEY_PROVIDER = "org.keycloak.keys.KeyProvider"
UNEXPECTED = "Unexpected error when authenticating with identity provider"


async def logs_in(broker: Broker) -> None:
    async with browser(broker) as http:
        done = await broker_login(http)
    assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text


async def refused(broker: Broker) -> None:
    async with browser(broker) as http:
        failed = await broker_login(http)
    assert failed.status_code == 502 and UNEXPECTED in failed.text, failed.text


async def active_key(env: Env, alg: str) -> dict[str, Any]:
    keys = (await admin(env, "GET", "/admin/realms/provider/keys", status=200)).json()
    kid = keys["active"][alg]
    (found,) = [k for k in keys["keys"] if k["kid"] == kid and k["algorithm"] == alg]
    return dict(found)


async def rotate(env: Env, alg: str, provider_id: str, **config: str) -> None:
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


async def signs_with(broker: Broker, alg: str) -> None:
    """The provider's client signs its ID token (and access token) with ``alg``."""
    env = broker.env
    (client,) = (await admin(env, "GET", "/admin/realms/provider/clients?clientId=broker-app", status=200)).json()
    client["attributes"] = {
        **(client.get("attributes") or {}),
        "id.token.signed.response.alg": alg,
        "access.token.signed.response.alg": alg,
    }
    await admin(env, "PUT", f"/admin/realms/provider/clients/{client['id']}", client, status=204)


async def pasted(broker: Broker, verifier: str, key_id: str | None = None) -> dict[str, Any]:
    config = broker.provider_rep(useJwksUrl="false", publicKeySignatureVerifier=verifier)["config"]
    if key_id is not None:
        config["publicKeySignatureVerifierKeyId"] = key_id
    rep = broker.provider_rep() | {"config": config}
    return rep


async def put(env: Env, rep: dict[str, Any]) -> None:
    await admin(env, "PUT", f"/admin/realms/test/identity-provider/instances/{ALIAS}", rep, status=204)
