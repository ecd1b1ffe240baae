"""``POST /admin/realms/{realm}/partial-export`` (Keycloak's partialExport): the realm without its users, with
its clients and service accounts and with its roles and groups as asked, every secret masked; what it writes
feeds ``partialImport`` in another realm. Whatever is asked, it carries the realm's ``localizationTexts`` and its key
providers without their key material (an imported key's ``privateKey`` masked), as Keycloak's ExportUtils and
StripSecretsUtils.stripComponentExport leave them."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from admin_support import DEMO, demo_realm, forbidden, make_admin
from doorkeep.realms.exportimport.files import export_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

URL = f"{DEMO}/partial-export"
CUSTOM = {
    "clients": [{"clientId": "exported", "secret": "very-secret", "serviceAccountsEnabled": True}],
    "roles": {"realm": [{"name": "exported-role"}]},
    "groups": [{"name": "exported-group", "realmRoles": ["exported-role"]}],
    "users": [
        {"username": "zz-person-77", "enabled": True, "credentials": [{"type": "password", "value": "pw-12345"}]}
    ],
}


async def test_the_export_has_what_was_asked_no_user_and_no_secret(env: Env) -> None:
    await demo_realm(env)
    headers = await env.admin_headers()
    assert (await env.http.post(f"{DEMO}/partialImport", json=CUSTOM, headers=headers)).status_code == 200

    everything = await env.http.post(
        URL, params={"exportClients": "true", "exportGroupsAndRoles": "true"}, headers=headers
    )
    assert everything.status_code == 200, everything.text
    rep = everything.json()
    assert rep["realm"] == "demo"
    exported = next(c for c in rep["clients"] if c["clientId"] == "exported")
    assert exported["secret"] == "**********"
    assert "exported-role" in {r["name"] for r in rep["roles"]["realm"]}
    assert [g["name"] for g in rep["groups"]] == ["exported-group"]
    assert [u["username"] for u in rep["users"]] == ["service-account-exported"]  # no zz-person-77
    text = json.dumps(rep)
    for needle in ("very-secret", "pw-12345", "zz-person-77"):
        assert needle not in text, (needle, text[max(0, text.find(needle) - 300) : text.find(needle) + 100])

    bare = (await env.http.post(URL, headers=headers)).json()
    assert not {"clients", "roles", "groups", "users"} & set(bare)
    # a client scope's scope mappings come whatever is asked (ExportUtils.exportRealm)
    assert bare["scopeMappings"] == [{"clientScope": "offline_access", "roles": ["offline_access"]}]
    roles_only = (await env.http.post(URL, params={"exportGroupsAndRoles": "true"}, headers=headers)).json()
    assert "roles" in roles_only and "clients" not in roles_only and "users" not in roles_only


async def test_an_export_imports_into_another_realm(env: Env) -> None:
    await demo_realm(env)
    headers = await env.admin_headers()
    assert (await env.http.post(f"{DEMO}/partialImport", json=CUSTOM, headers=headers)).status_code == 200
    rep = (
        await env.http.post(URL, params={"exportClients": "true", "exportGroupsAndRoles": "true"}, headers=headers)
    ).json()
    assert (
        await env.http.post("/admin/realms", json={"realm": "copy", "enabled": True}, headers=headers)
    ).status_code == 201
    body = {"ifResourceExists": "SKIP", **{k: rep[k] for k in ("clients", "roles", "groups") if k in rep}}
    imported = await env.http.post("/admin/realms/copy/partialImport", json=body, headers=headers)
    assert imported.status_code == 200, imported.text
    added = {(r["resourceType"], r["resourceName"]) for r in imported.json()["results"] if r["action"] == "ADDED"}
    assert {("CLIENT", "exported"), ("REALM_ROLE", "exported-role"), ("GROUP", "exported-group")} <= added
    assert ("CLIENT", "account") not in added  # built-ins exist in the new realm: skipped


async def test_it_needs_manage_realm_and_what_it_exports_to_be_visible(env: Env) -> None:
    await demo_realm(env)
    _, viewer = await make_admin(env, "demo", "viewer", "view-realm", "view-clients", "view-users")
    forbidden(await env.http.post(URL, headers=viewer))
    _, manager = await make_admin(env, "demo", "manager", "manage-realm")
    assert (await env.http.post(URL, headers=manager)).status_code == 200
    forbidden(await env.http.post(URL, params={"exportClients": "true"}, headers=manager))


KEY_PROVIDER = "org.keycloak.keys.KeyProvider"
TEXTS = {"de": {"greeting": "Hallo"}, "en": {"greeting": "Hello", "farewell": "Bye"}}


async def _with_texts(env: Env) -> dict[str, str]:
    await demo_realm(env)
    headers = await env.admin_headers()
    for locale, texts in TEXTS.items():
        posted = await env.http.post(f"{DEMO}/localization/{locale}", json=texts, headers=headers)
        assert posted.status_code == 204, posted.text
    return headers


async def test_the_texts_and_key_providers_come_whatever_is_asked_without_key_material(env: Env) -> None:
    headers = await _with_texts(env)
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    imported = {
        "name": "imported",
        "providerId": "rsa-enc",
        "providerType": KEY_PROVIDER,
        "config": {"privateKey": [pem]},
    }
    assert (await env.http.post(f"{DEMO}/components", json=imported, headers=headers)).status_code == 201
    full = await export_realm(env.db, "demo")
    secrets = [
        v for p in full["components"][KEY_PROVIDER] for k in ("privateKey", "secret") for v in p["config"].get(k, [])
    ]
    for params in ({}, {"exportClients": "true", "exportGroupsAndRoles": "true"}):
        rep = (await env.http.post(URL, params=params, headers=headers)).json()
        assert rep["localizationTexts"] == TEXTS
        providers = {p["name"]: p for p in rep["components"][KEY_PROVIDER]}
        assert set(providers) == {
            "rsa-generated",
            "rsa-enc-generated",
            "hmac-generated-hs512",
            "aes-generated",
            "imported",
        }
        assert all(p["subComponents"] == {} and "providerType" not in p for p in providers.values())
        assert providers["hmac-generated-hs512"]["config"] == {"priority": ["100"], "algorithm": ["HS512"]}
        assert set(providers["aes-generated"]["config"]) == {"priority"}
        assert set(providers["rsa-enc-generated"]["config"]) == {"priority", "algorithm"}
        assert providers["imported"]["config"]["privateKey"] == ["**********"]
        assert providers["imported"]["config"]["certificate"][0].startswith("MII")  # not a secret: shown
        text = json.dumps(rep)
        assert secrets and not [s for s in secrets if s in text]
        assert pem.split("\n")[1] not in text


async def test_a_realm_made_from_the_export_has_the_texts_and_new_keys(env: Env) -> None:
    headers = await _with_texts(env)
    old_kids = {k["kid"] for k in (await env.http.get(f"{DEMO}/keys", headers=headers)).json()["keys"]}
    rep = (await env.http.post(URL, headers=headers)).json()
    rep.pop("id")
    created = await env.http.post("/admin/realms", json={**rep, "realm": "copy"}, headers=headers)
    assert created.status_code == 201, created.text
    for locale, texts in TEXTS.items():
        got = await env.http.get(f"/admin/realms/copy/localization/{locale}", headers=headers)
        assert got.json() == texts
    keys = (await env.http.get("/admin/realms/copy/keys", headers=headers)).json()["keys"]
    names = {
        c["name"]
        for c in (
            await env.http.get("/admin/realms/copy/components", params={"type": KEY_PROVIDER}, headers=headers)
        ).json()
    }
    assert names == {"rsa-generated", "rsa-enc-generated", "hmac-generated-hs512", "aes-generated"}
    assert len(keys) == 4 and not {k["kid"] for k in keys} & old_kids  # no key material: generated again
