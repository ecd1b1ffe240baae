"""Helpers of the wire ports of Keycloak's key-provider tests (tests/base/.../org/keycloak/tests/keys/): a key
provider created, read and updated through ``/admin/realms/test/components``, the realm's ``/keys``, and the
component's stored row (what the Java tests read with ``runOnServer``'s internal component).

Each Java class's ``createRep(name, providerId)``: the realm as parent, the provider, ``KeyProvider`` as type."""

from __future__ import annotations

import base64
from typing import Any

import httpx
from cryptography.hazmat.primitives import serialization

from doorkeep.model import RealmKey
from support import password_grant
from wire_env import Env

REALM = "/admin/realms/test"
KEY_PROVIDER = "org.keycloak.keys.KeyProvider"
SECRET_VALUE = "**********"  # ComponentRepresentation.SECRET_VALUE


async def realm_id(env: Env) -> str:
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        return realm.id


async def rep(env: Env, name: str, provider_id: str, config: dict[str, str] | None = None) -> dict[str, Any]:
    """``createRep``, with single-valued config entries (``putSingle``)."""
    return {
        "name": name,
        "parentId": await realm_id(env),
        "providerId": provider_id,
        "providerType": KEY_PROVIDER,
        "config": {k: [v] for k, v in (config or {}).items()},
    }


async def add(env: Env, body: dict[str, Any]) -> httpx.Response:
    return await env.http.post(f"{REALM}/components", json=body, headers=await env.admin_headers())


async def created_id(env: Env, body: dict[str, Any]) -> str:
    """``ApiUtil.getCreatedId``: a 201 and the id at the end of its Location."""
    response = await add(env, body)
    assert response.status_code == 201, response.text
    location = response.headers["location"]
    assert location.startswith(f"http://localhost{REALM}/components/"), location
    return location.rsplit("/", 1)[1]


async def component(env: Env, component_id: str) -> dict[str, Any]:
    response = await env.http.get(f"{REALM}/components/{component_id}", headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def update(env: Env, component_id: str, body: dict[str, Any]) -> None:
    response = await env.http.put(f"{REALM}/components/{component_id}", json=body, headers=await env.admin_headers())
    assert response.status_code == 204, response.text


async def metadata(env: Env) -> dict[str, Any]:
    """``realm.keys().getKeyMetadata()``."""
    response = await env.http.get(f"{REALM}/keys", headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def of_provider(keys: dict[str, Any], component_id: str) -> dict[str, Any]:
    """The key of one provider in a KeysMetadataRepresentation."""
    return next(k for k in keys["keys"] if k["providerId"] == component_id)


def assert_error(response: httpx.Response, message: str) -> None:
    """``assertError``: ComponentValidationException's 400 ErrorRepresentation."""
    assert (response.status_code, response.json()) == (400, {"errorMessage": message}), response.text


async def stored(env: Env, component_id: str) -> RealmKey:
    """The component as the server keeps it (the Java tests' ``RunHelpers.internalComponent``)."""
    rid = await realm_id(env)
    async with env.db.transaction() as tx:
        key = await tx.keys.component(rid, component_id)
    assert key is not None
    return key


def secret_length(key: RealmKey) -> int:
    """The length in bytes of an HMAC provider's secret (``Base64Url.decode(secret).length``)."""
    return len(base64.urlsafe_b64decode(key.private + "=" * (-len(key.private) % 4)))


def public_key(encoded: str) -> Any:
    """``PemUtils.decodePublicKey`` of a key's ``publicKey`` (base64 DER SubjectPublicKeyInfo)."""
    return serialization.load_der_public_key(base64.b64decode(encoded))


async def access_token(env: Env) -> str:
    response = await password_grant(env.http, "test", "app")
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])
