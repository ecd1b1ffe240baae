"""Two ``rsa`` key providers given one private key, as Keycloak handles them: each is a component of its own whose
kid is KeyUtils.createKeyId of the public key, so both are kept with one kid (a create or a realm file alike).
DefaultKeyManager lists every provider's keys, so ``GET keys`` and the JWKS (JWKSServerUtils.getRealmJwks, no
de-duplication) carry that kid twice; getActiveKey signs with the first active one in provider order (priority,
then component id) and getKey verifies with the first enabled one of that kid, so a token verifies while either
provider is left."""

from __future__ import annotations

import base64
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from doorkeep.keys.components import KEY_PROVIDER, key_id
from support import password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio
USERINFO = "/realms/test/protocol/openid-connect/userinfo"


def _der(private: rsa.RSAPrivateKey) -> str:
    raw = private.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return base64.b64encode(raw).decode()


async def _provider(env: Env, private: rsa.RSAPrivateKey, priority: str, realm: str = "test") -> str:
    body = {
        "name": f"rsa-{priority}",
        "providerId": "rsa",
        "providerType": KEY_PROVIDER,
        "config": {"privateKey": [_der(private)], "priority": [priority]},
    }
    made = await env.http.post(f"/admin/realms/{realm}/components", json=body, headers=await env.admin_headers())
    assert made.status_code == 201, made.text
    return str(made.headers["location"].rsplit("/", 1)[1])


async def _jwks(env: Env, realm: str = "test") -> list[dict[str, Any]]:
    return list((await env.http.get(f"/realms/{realm}/protocol/openid-connect/certs")).json()["keys"])


async def _keys(env: Env, realm: str = "test") -> dict[str, Any]:
    listed = await env.http.get(f"/admin/realms/{realm}/keys", headers=await env.admin_headers())
    assert listed.status_code == 200, listed.text
    return dict(listed.json())


async def _token(env: Env) -> str:
    granted = await password_grant(env.http, "test", "app", scope="openid")
    assert granted.status_code == 200, granted.text
    return str(granted.json()["access_token"])


async def _works(env: Env, token: str) -> bool:
    return (await env.http.get(USERINFO, headers={"Authorization": f"Bearer {token}"})).status_code == 200


async def test_both_providers_are_kept_listed_and_published_under_one_kid(realm: Env) -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    kid = key_id(private.public_key())
    high, low = await _provider(realm, private, "500"), await _provider(realm, private, "400")
    metadata = await _keys(realm)
    assert [(k["kid"], k["providerId"]) for k in metadata["keys"] if k["kid"] == kid] == [(kid, high), (kid, low)]
    assert metadata["active"]["RS256"] == kid
    published = [k for k in await _jwks(realm) if k["kid"] == kid]
    assert len(published) == 2 and published[0]["n"] == published[1]["n"]
    token = await _token(realm)
    assert jwt.get_unverified_header(token)["kid"] == kid
    jwt.decode(
        token,
        jwt.PyJWK(published[0]).key,
        algorithms=["RS256"],
        options={"verify_aud": False, "verify_exp": False, "verify_iat": False},
    )
    assert await _works(realm, token)


async def test_a_token_still_verifies_when_either_provider_is_removed(realm: Env) -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    kid = key_id(private.public_key())
    high, low = await _provider(realm, private, "500"), await _provider(realm, private, "400")
    token = await _token(realm)
    headers = await realm.admin_headers()
    assert (await realm.http.delete(f"/admin/realms/test/components/{high}", headers=headers)).status_code == 204
    assert [k["kid"] for k in await _jwks(realm)].count(kid) == 1
    assert await _works(realm, token)
    assert jwt.get_unverified_header(await _token(realm))["kid"] == kid  # the one left signs
    assert (await realm.http.delete(f"/admin/realms/test/components/{low}", headers=headers)).status_code == 204
    assert kid not in [k["kid"] for k in await _jwks(realm)]
    assert not await _works(realm, token)


async def test_a_realm_file_with_one_key_in_two_providers_keeps_both(realm: Env) -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    kid = key_id(private.public_key())
    components = [
        {"name": name, "providerId": "rsa", "config": {"privateKey": [_der(private)], "priority": [prio]}}
        for name, prio in (("first", "150"), ("second", "140"))
    ]
    rep = {"realm": "copy", "enabled": True, "components": {KEY_PROVIDER: components}}
    created = await realm.http.post("/admin/realms", json=rep, headers=await realm.admin_headers())
    assert created.status_code == 201, created.text
    assert [k["kid"] for k in (await _keys(realm, "copy"))["keys"]].count(kid) == 2
    assert [k["kid"] for k in await _jwks(realm, "copy")].count(kid) == 2
