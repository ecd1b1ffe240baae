"""Realm keys as Keycloak's key-provider components: ``/admin/realms/{realm}/components`` and ``/keys``.

The scenarios of Keycloak's KeyRotationTest, ComponentsTest and the Generated*/ImportedRsaKeyProviderTests:
a provider of higher priority signs at once (in every worker), tokens of the keys it replaced still verify,
a passive key verifies but does not sign, a disabled or deleted key does neither, and bad config answers
ComponentValidationException's 400.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from admin_support import make_admin
from doorkeep.realms.exportimport.files import export_realm
from support import add_audience, header, password_grant, refresh, token_url
from wire_env import Env, another_worker

pytestmark = pytest.mark.anyio

REALM = "/admin/realms/test"
KEY_PROVIDER = "org.keycloak.keys.KeyProvider"


async def realm_id(env: Env) -> str:
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        return realm.id


async def components(env: Env, **params: str) -> list[dict[str, Any]]:
    response = await env.http.get(f"{REALM}/components", params=params, headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = response.json()
    return body


async def create(env: Env, rep: dict[str, Any]) -> str:
    """POST a key provider; its id, from the Location header."""
    body = {"providerType": KEY_PROVIDER, **rep}
    response = await env.http.post(f"{REALM}/components", json=body, headers=await env.admin_headers())
    assert response.status_code == 201, response.text
    location = response.headers["location"]
    assert location.startswith(f"http://localhost{REALM}/components/")
    return location.rsplit("/", 1)[1]


async def keys(env: Env) -> dict[str, Any]:
    response = await env.http.get(f"{REALM}/keys", headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def jwks_kids(env: Env) -> set[str]:
    return {k["kid"] for k in (await env.http.get(token_url("test", "certs"))).json()["keys"]}


async def active(env: Env, token: str) -> bool:
    form = {"client_id": "app", "client_secret": "secret", "token": token}
    response = await env.http.post(token_url("test", "token/introspect"), data=form)
    assert response.status_code == 200, response.text
    return bool(response.json()["active"])


async def tokens(env: Env) -> dict[str, Any]:
    response = await password_grant(env.http, "test", "app")
    assert response.status_code == 200, response.text
    return dict(response.json())


async def put(env: Env, component_id: str, rep: dict[str, Any]) -> None:
    response = await env.http.put(f"{REALM}/components/{component_id}", json=rep, headers=await env.admin_headers())
    assert response.status_code == 204, response.text


async def test_a_new_realm_lists_keycloaks_default_key_providers(realm: Env) -> None:
    rid = await realm_id(realm)
    listed = await components(realm, parent=rid, type=KEY_PROVIDER)
    # DefaultKeyProviders.createProviders: two signing providers and two encryption ones
    assert sorted(({k: v for k, v in c.items() if k != "id"} for c in listed), key=lambda c: c["name"]) == [
        {
            "name": "aes-generated",
            "providerId": "aes-generated",
            "providerType": KEY_PROVIDER,
            "parentId": rid,
            "config": {"priority": ["100"]},
        },
        {
            "name": "hmac-generated-hs512",
            "providerId": "hmac-generated",
            "providerType": KEY_PROVIDER,
            "parentId": rid,
            "config": {"priority": ["100"], "algorithm": ["HS512"]},
        },
        {
            "name": "rsa-enc-generated",
            "providerId": "rsa-enc-generated",
            "providerType": KEY_PROVIDER,
            "parentId": rid,
            "config": {"priority": ["100"], "algorithm": ["RSA-OAEP"]},
        },
        {
            "name": "rsa-generated",
            "providerId": "rsa-generated",
            "providerType": KEY_PROVIDER,
            "parentId": rid,
            "config": {"priority": ["100"]},
        },
    ]
    assert await components(realm, type="org.keycloak.storage.UserStorageProvider") == []
    assert [c["name"] for c in await components(realm, name="rsa-generated")] == ["rsa-generated"]
    by_id = {c["id"]: c for c in listed}
    metadata = await keys(realm)
    assert {k["providerId"] for k in metadata["keys"]} == set(by_id)
    one = await realm.http.get(f"{REALM}/components/{listed[0]['id']}", headers=await realm.admin_headers())
    assert one.json() == listed[0]


async def test_a_higher_priority_rsa_provider_signs_at_once_and_old_tokens_still_verify(realm: Env) -> None:
    await add_audience(realm.db, "test", "app")  # app introspects its own tokens (Keycloak 26.6.2's audience check)
    before = await tokens(realm)
    old_kid = header(before["access_token"])["kid"]
    new_id = await create(realm, {"name": "rotated", "providerId": "rsa-generated", "config": {"priority": ["200"]}})
    shown = await realm.http.get(f"{REALM}/components/{new_id}", headers=await realm.admin_headers())
    assert shown.json() == {
        "id": new_id,
        "name": "rotated",
        "providerId": "rsa-generated",
        "providerType": KEY_PROVIDER,
        "parentId": await realm_id(realm),
        "config": {"priority": ["200"]},  # privateKey and certificate are not declared properties: never shown
    }
    metadata = await keys(realm)
    new_kid = metadata["active"]["RS256"]
    assert new_kid != old_kid
    listed = {k["kid"]: k for k in metadata["keys"]}
    assert (listed[new_kid]["providerId"], listed[new_kid]["providerPriority"]) == (new_id, 200)
    assert listed[old_kid]["status"] == "ACTIVE" and listed[old_kid]["providerPriority"] == 100
    assert [k["providerPriority"] for k in metadata["keys"]][:1] == [200]  # DefaultKeyManager's order
    after = await tokens(realm)
    assert header(after["access_token"])["kid"] == new_kid
    assert {old_kid, new_kid} <= await jwks_kids(realm)
    assert await active(realm, before["access_token"]) and await active(realm, after["access_token"])
    async with another_worker(realm) as other:  # a worker that had parsed the keys before
        response = await password_grant(other, "test", "app")
        assert header(response.json()["access_token"])["kid"] == new_kid


async def test_a_passive_key_verifies_but_no_longer_signs_and_a_disabled_one_does_neither(realm: Env) -> None:
    await add_audience(realm.db, "test", "app")  # app introspects its own tokens (Keycloak 26.6.2's audience check)
    before = await tokens(realm)
    old_kid = header(before["access_token"])["kid"]
    rsa_id = (await components(realm, name="rsa-generated"))[0]["id"]
    await create(realm, {"name": "low", "providerId": "rsa-generated", "config": {"priority": ["50"]}})
    await put(realm, rsa_id, {"config": {"active": ["false"]}})
    assert (await components(realm, name="rsa-generated"))[0]["config"] == {"priority": ["100"], "active": ["false"]}
    metadata = await keys(realm)
    assert {k["kid"]: k["status"] for k in metadata["keys"]}[old_kid] == "PASSIVE"
    assert metadata["active"]["RS256"] != old_kid
    assert header((await tokens(realm))["access_token"])["kid"] == metadata["active"]["RS256"]
    assert await active(realm, before["access_token"])
    assert old_kid in await jwks_kids(realm)

    await put(realm, rsa_id, {"config": {"enabled": ["false"]}})
    assert {k["kid"]: k["status"] for k in (await keys(realm))["keys"]}[old_kid] == "DISABLED"
    assert old_kid not in await jwks_kids(realm)
    assert not await active(realm, before["access_token"])

    await put(realm, rsa_id, {"config": {"enabled": ["true"], "active": ["true"]}})  # back: the same key
    assert (await keys(realm))["active"]["RS256"] == old_kid
    assert await active(realm, before["access_token"])


async def test_deleting_a_provider_removes_its_key_and_its_tokens_no_longer_verify(realm: Env) -> None:
    await add_audience(realm.db, "test", "app")  # app introspects its own tokens (Keycloak 26.6.2's audience check)
    new_id = await create(
        realm, {"name": "short-lived", "providerId": "rsa-generated", "config": {"priority": ["300"]}}
    )
    signed = await tokens(realm)
    new_kid = header(signed["access_token"])["kid"]
    assert await active(realm, signed["access_token"])  # so that the inactive answer below is the deletion's
    deleted = await realm.http.delete(f"{REALM}/components/{new_id}", headers=await realm.admin_headers())
    assert deleted.status_code == 204
    assert new_kid not in await jwks_kids(realm)
    assert not await active(realm, signed["access_token"])
    assert header((await tokens(realm))["access_token"])["kid"] != new_kid
    for method in ("GET", "PUT", "DELETE"):
        response = await realm.http.request(
            method, f"{REALM}/components/{new_id}", json={}, headers=await realm.admin_headers()
        )
        assert (response.status_code, response.json()) == (404, {"error": "Could not find component"})


async def test_a_new_hmac_provider_signs_refresh_tokens_and_old_ones_still_refresh(realm: Env) -> None:
    before = await tokens(realm)
    await create(
        realm,
        {"name": "hs512", "providerId": "hmac-generated", "config": {"priority": ["200"], "algorithm": ["HS512"]}},
    )
    metadata = await keys(realm)
    new_kid = metadata["active"]["HS512"]
    listed = {k["kid"]: k for k in metadata["keys"]}
    assert (listed[new_kid]["type"], listed[new_kid]["use"]) == ("OCT", "SIG")
    assert "publicKey" not in listed[new_kid] and "certificate" not in listed[new_kid]
    refreshed = await refresh(realm.http, "test", "app", before["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    assert header(refreshed.json()["refresh_token"])["kid"] == new_kid


async def test_an_ecdsa_provider_gets_its_curve_and_its_key_is_published(realm: Env) -> None:
    new_id = await create(
        realm, {"name": "ec", "providerId": "ecdsa-generated", "config": {"ecdsaEllipticCurveKey": ["P-384"]}}
    )
    shown = (await realm.http.get(f"{REALM}/components/{new_id}", headers=await realm.admin_headers())).json()
    assert shown["config"] == {"ecdsaEllipticCurveKey": ["P-384"]}
    ec_key = next(k for k in (await keys(realm))["keys"] if k["providerId"] == new_id)
    assert (ec_key["type"], ec_key["algorithm"], ec_key["status"], ec_key["providerPriority"]) == (
        "EC",
        "ES384",
        "ACTIVE",
        0,
    )
    published = (await realm.http.get(token_url("test", "certs"))).json()["keys"]
    assert any(k["kid"] == ec_key["kid"] and k["crv"] == "P-384" for k in published)


async def test_an_imported_rsa_key_keeps_keycloaks_kid_and_its_private_key_is_masked(realm: Env) -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    ).decode()
    spki = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    kid = base64.urlsafe_b64encode(hashlib.sha256(spki).digest()).rstrip(b"=").decode()
    new_id = await create(
        realm, {"name": "imported", "providerId": "rsa", "config": {"privateKey": [pem], "priority": ["500"]}}
    )
    shown = (await realm.http.get(f"{REALM}/components/{new_id}", headers=await realm.admin_headers())).json()
    assert shown["config"]["privateKey"] == ["**********"] and shown["config"]["priority"] == ["500"]
    assert pem not in str(shown)
    metadata = await keys(realm)
    assert metadata["active"]["RS256"] == kid
    imported = next(k for k in metadata["keys"] if k["kid"] == kid)
    assert imported["certificate"] == shown["config"]["certificate"][0]  # the self-signed one made at import
    assert imported["publicKey"] == base64.b64encode(spki).decode()
    assert header((await tokens(realm))["access_token"])["kid"] == kid
    await put(realm, new_id, {"config": {"privateKey": ["**********"], "priority": ["600"]}})  # the mask keeps it
    assert (await keys(realm))["active"]["RS256"] == kid


@pytest.mark.parametrize(
    ("rep", "message"),
    [
        (
            {"providerId": "rsa-generated", "config": {"keySize": ["1000"]}},
            "'Key size' should be 1024, 2048, 3072 or 4096",
        ),
        ({"providerId": "rsa-generated", "config": {"priority": ["high"]}}, "'Priority' should be a number"),
        ({"providerId": "rsa-generated", "config": {"active": ["yes"]}}, "'Active' should be 'true' or 'false'"),
        (
            {"providerId": "rsa-generated", "config": {"enabled": ["true", "false"]}},
            "'Enabled' should be a single entry",
        ),
        ({"providerId": "rsa", "config": {}}, "'Private RSA Key' is required"),
        ({"providerId": "rsa", "config": {"privateKey": ["not a key"]}}, "Failed to decode private key"),
        (
            {"providerId": "hmac-generated", "config": {"secretSize": ["7"]}},
            "'Secret size' should be 16, 24, 32, 64, 128, 256 or 512",
        ),
        (
            {"providerId": "ecdsa-generated", "config": {"ecdsaEllipticCurveKey": ["P-999"]}},
            "'Elliptic Curve' should be P-256, P-384 or P-521",
        ),
    ],
)
async def test_bad_config_is_componentvalidationexceptions_400(realm: Env, rep: dict[str, Any], message: str) -> None:
    before = await components(realm)
    body = {"name": "bad", "providerType": KEY_PROVIDER, **rep}
    response = await realm.http.post(f"{REALM}/components", json=body, headers=await realm.admin_headers())
    assert (response.status_code, response.json()) == (400, {"errorMessage": message})
    assert await components(realm) == before


async def test_an_unknown_provider_is_keycloaks_bad_request(realm: Env) -> None:
    headers = await realm.admin_headers()
    for body in (
        {"name": "x", "providerType": KEY_PROVIDER, "providerId": "no-such"},
        {"name": "x", "providerId": "rsa-generated"},
        {"name": "x", "providerType": "org.example.Nothing", "providerId": "rsa-generated"},
    ):
        response = await realm.http.post(f"{REALM}/components", json=body, headers=headers)
        assert (response.status_code, response.json()) == (400, {"error": "Invalid provider type or no such provider"})


async def test_reading_needs_view_realm_and_writing_manage_realm(realm: Env) -> None:
    _, viewer = await make_admin(realm, "test", "viewer", "view-realm")
    _, manager = await make_admin(realm, "test", "manager", "manage-realm")
    _, users = await make_admin(realm, "test", "usersadmin", "view-users")
    rep = {"name": "k", "providerType": KEY_PROVIDER, "providerId": "hmac-generated", "config": {}}
    assert (await realm.http.get(f"{REALM}/components", headers=users)).status_code == 403
    assert (await realm.http.get(f"{REALM}/components", headers=viewer)).status_code == 200
    assert (await realm.http.post(f"{REALM}/components", json=rep, headers=viewer)).status_code == 403
    created = await realm.http.post(f"{REALM}/components", json=rep, headers=manager)
    assert created.status_code == 201
    target = created.headers["location"].rsplit("/", 1)[1]
    assert (await realm.http.delete(f"{REALM}/components/{target}", headers=viewer)).status_code == 403
    assert (await realm.http.delete(f"{REALM}/components/{target}", headers=manager)).status_code == 204


async def test_component_writes_are_admin_events_with_secrets_masked_and_undeclared_config_dropped(
    realm: Env,
) -> None:
    headers = await realm.admin_headers()
    config = {"adminEventsEnabled": True, "adminEventsDetailsEnabled": True}
    assert (await realm.http.put(f"{REALM}/events/config", json=config, headers=headers)).status_code == 204
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    rep = {"name": "imp", "providerId": "rsa", "config": {"privateKey": [pem], "priority": ["5"], "kid": ["x"]}}
    new_id = await create(realm, rep)
    await put(realm, new_id, {"providerType": KEY_PROVIDER, "providerId": "rsa", "config": {"priority": ["6"]}})
    assert (await realm.http.delete(f"{REALM}/components/{new_id}", headers=headers)).status_code == 204
    events = (await realm.http.get(f"{REALM}/admin-events", headers=headers)).json()
    mine = [e for e in events if e["resourceType"] == "COMPONENT"]
    assert [(e["operationType"], e["resourcePath"]) for e in mine] == [
        ("DELETE", f"components/{new_id}"),
        ("UPDATE", f"components/{new_id}"),
        ("CREATE", f"components/{new_id}"),
    ]
    created_rep = json.loads(mine[2]["representation"])
    assert created_rep["config"] == {"privateKey": ["**********"], "priority": ["5"]}
    assert pem not in str(events)
    assert "representation" not in mine[0]


async def test_a_realm_exported_and_imported_again_keeps_its_key_providers_and_kids(realm: Env) -> None:
    await create(realm, {"name": "rotated", "providerId": "rsa-generated", "config": {"priority": ["200"]}})
    await create(realm, {"name": "ec", "providerId": "ecdsa-generated", "config": {"priority": ["7"]}})
    before = await tokens(realm)
    metadata = await keys(realm)
    listed = sorted((c["name"], c["providerId"], c["config"]) for c in await components(realm))
    exported = await export_realm(realm.db, "test")
    providers = exported["components"][KEY_PROVIDER]
    defaults = {"rsa-generated", "rsa-enc-generated", "hmac-generated-hs512", "aes-generated"}
    assert {p["name"] for p in providers} == {*defaults, "rotated", "ec"}
    hmac = next(p for p in providers if p["providerId"] == "hmac-generated")
    assert set(hmac["config"]) == {"priority", "algorithm", "kid", "secret"}  # as kc.sh export writes it
    aes = next(p for p in providers if p["providerId"] == "aes-generated")
    assert set(aes["config"]) == {"priority", "kid", "secret"}
    enc = next(p for p in providers if p["providerId"] == "rsa-enc-generated")
    assert set(enc["config"]) == {"priority", "algorithm", "privateKey", "certificate"}  # Keycloak's model holds both
    headers = await realm.admin_headers()
    assert (await realm.http.delete(REALM, headers=headers)).status_code == 204
    imported = await realm.http.post("/admin/realms", json=exported, headers=headers)
    assert imported.status_code == 201, imported.text
    again = await keys(realm)
    assert again["active"] == metadata["active"]
    assert {k["kid"] for k in again["keys"]} == {k["kid"] for k in metadata["keys"]}
    assert sorted((c["name"], c["providerId"], c["config"]) for c in await components(realm)) == listed
    published = (await realm.http.get(token_url("test", "certs"))).json()
    signer = jwt.PyJWKSet.from_dict(published)[header(before["access_token"])["kid"]]
    options: jwt.types.Options = {"verify_aud": False, "verify_exp": False}
    assert jwt.decode(before["access_token"], signer.key, algorithms=["RS256"], options=options)["iss"]
