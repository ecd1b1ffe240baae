"""Realm settings → Keys of the Admin Console, over HTTP against the real app (both engines): the key list
shows ``GET keys``; the Providers sub-tab adds, edits and deletes key providers through the functions behind
``/components`` (a higher priority signs at once, a refused config answers ComponentValidationException's
message), view-realm reads and manage-realm writes, and each write is recorded as its REST call. An
eddsa-generated provider (Ed25519 or Ed448) is offered and its OKP key signs what asks for EdDSA. The
encryption providers (rsa-enc-generated, imported rsa-enc, ecdh-generated, aes-generated) are offered with their
own fields, and their keys are listed with use ENC."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from admin_support import make_admin
from console_support import HTML, ORIGIN, csrf, sign_in
from support import header, password_grant, update_client
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
CONSOLE = "/admin/test/console/test"
KEYS = f"{CONSOLE}/realm-settings/keys"
PROVIDERS = f"{KEYS}/providers"
REALM = "/admin/realms/test"


@pytest.fixture
async def admin(realm: Env) -> AsyncIterator[httpx.AsyncClient]:
    await make_admin(realm, "test", "boss", "realm-admin")
    async with client_at(realm, "127.0.0.2") as http:
        await sign_in(http, "/admin/test/console/", "boss")
        yield http


async def rest(env: Env, path: str) -> Any:
    response = await env.http.get(REALM + path, headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    return response.json()


async def post(http: httpx.AsyncClient, path: str, **fields: str) -> httpx.Response:
    page = await http.get(PROVIDERS, headers=HTML)
    return await http.post(path, data={"csrf_token": csrf(page), **fields}, headers=ORIGIN)


async def added(env: Env, http: httpx.AsyncClient, provider: str, **fields: str) -> str:
    """Add a provider through the console; its component id."""
    before = {c["id"] for c in await rest(env, "/components?type=org.keycloak.keys.KeyProvider")}
    done = await post(http, f"{PROVIDERS}/new/{provider}", enabled="on", active="on", **fields)
    assert done.status_code == 303 and done.headers["location"].endswith("/realm-settings/keys/providers"), done.text
    after = {c["id"] for c in await rest(env, "/components?type=org.keycloak.keys.KeyProvider")}
    (new,) = after - before
    assert isinstance(new, str), new
    return new


async def test_the_key_list_shows_every_key_of_get_keys_with_its_provider_and_public_key(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    page = await admin.get(KEYS, headers=HTML)
    assert page.status_code == 200
    metadata = await rest(realm, "/keys")
    names = {c["id"]: c["name"] for c in await rest(realm, "/components?type=org.keycloak.keys.KeyProvider")}
    for key in metadata["keys"]:
        row = re.search(
            rf"<tr>(?:(?!</tr>).)*?<code>{re.escape(key['kid'])}</code>(?:(?!</tr>).)*</tr>", page.text, re.S
        )
        assert row, key["kid"]
        assert f">{key['algorithm']}<" in row.group(0) and f">{key['status']}<" in row.group(0)
        assert f">{names[key['providerId']]}</a>" in row.group(0)
        assert ("<summary>Public key</summary>" in row.group(0)) == ("publicKey" in key)
        if "certificate" in key:
            assert key["certificate"] in row.group(0)


async def test_an_rsa_provider_of_higher_priority_added_in_the_console_signs_at_once(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    form = await admin.get(f"{PROVIDERS}/new/rsa-generated", headers=HTML)
    assert form.status_code == 200 and 'value="rsa-generated"' in form.text and "Key size" in form.text
    new = await added(realm, admin, "rsa-generated", name="rotated", priority="200", keySize="2048")
    shown = await rest(realm, f"/components/{new}")
    assert shown["name"] == "rotated" and shown["providerId"] == "rsa-generated"
    assert shown["config"]["priority"] == ["200"] and shown["config"]["active"] == ["true"]
    kid = (await rest(realm, "/keys"))["active"]["RS256"]
    assert next(k for k in (await rest(realm, "/keys"))["keys"] if k["kid"] == kid)["providerId"] == new
    token = await password_grant(realm.http, "test", "app")
    assert header(token.json()["access_token"])["kid"] == kid
    listing = await admin.get(PROVIDERS, headers=HTML)
    assert "Key provider rotated added." in listing.text and ">rotated</a>" in listing.text


async def test_editing_a_provider_sets_priority_and_makes_it_passive(realm: Env, admin: httpx.AsyncClient) -> None:
    new = await added(realm, admin, "hmac-generated", name="mac", priority="300", algorithm="HS512")
    edit = await admin.get(f"{PROVIDERS}/{new}", headers=HTML)
    assert edit.status_code == 200 and 'value="300"' in edit.text and "Secret size" not in edit.text
    saved = await post(admin, f"{PROVIDERS}/{new}", name="mac2", priority="7", enabled="on")  # active left off
    assert saved.status_code == 303, saved.text[:500]
    shown = await rest(realm, f"/components/{new}")
    assert shown["name"] == "mac2" and shown["config"]["priority"] == ["7"] and shown["config"]["active"] == ["false"]
    assert shown["config"]["algorithm"] == ["HS512"]  # what the edit form does not show is kept
    statuses = {k["providerId"]: k["status"] for k in (await rest(realm, "/keys"))["keys"]}
    assert statuses[new] == "PASSIVE"


async def test_a_refused_config_shows_the_rest_apis_message_and_nothing_is_stored(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    before = await rest(realm, "/components?type=org.keycloak.keys.KeyProvider")
    refused = await post(admin, f"{PROVIDERS}/new/rsa-generated", name="x", priority="high")
    assert refused.status_code == 400 and "&#39;Priority&#39; should be a number" in refused.text
    imported = await post(admin, f"{PROVIDERS}/new/rsa", name="<b>imp</b>", privateKey="not a key")
    assert imported.status_code == 400 and "<b>imp</b>" not in imported.text and "&lt;b&gt;imp" in imported.text
    assert await rest(realm, "/components?type=org.keycloak.keys.KeyProvider") == before
    unknown = await admin.get(f"{PROVIDERS}/new/java-keystore", headers=HTML)
    assert unknown.status_code == 404


async def test_an_imported_rsa_key_is_added_and_its_private_key_never_shown(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    new = await added(realm, admin, "rsa", name="imported", priority="500", privateKey=pem)
    assert (await rest(realm, "/keys"))["active"]["RS256"] == next(
        k["kid"] for k in (await rest(realm, "/keys"))["keys"] if k["providerId"] == new
    )
    edit = await admin.get(f"{PROVIDERS}/{new}", headers=HTML)
    body = pem.split("\n")[1]
    assert body not in edit.text and body not in (await admin.get(KEYS, headers=HTML)).text
    saved = await post(admin, f"{PROVIDERS}/{new}", name="imported", priority="600", enabled="on", active="on")
    assert saved.status_code == 303  # the stored private key is kept behind the mask
    assert (await rest(realm, f"/components/{new}"))["config"]["priority"] == ["600"]


async def test_deleting_a_provider_asks_first_then_removes_its_key(realm: Env, admin: httpx.AsyncClient) -> None:
    new = await added(realm, admin, "ecdsa-generated", name="ec", ecdsaEllipticCurveKey="P-384")
    assert any(k["providerId"] == new and k["algorithm"] == "ES384" for k in (await rest(realm, "/keys"))["keys"])
    confirm = await post(admin, f"{PROVIDERS}/{new}/delete")
    assert confirm.status_code == 200 and "Delete the key provider ec and its key?" in confirm.text
    assert any(c["id"] == new for c in await rest(realm, "/components?type=org.keycloak.keys.KeyProvider"))
    done = await admin.post(
        f"{PROVIDERS}/{new}/delete", data={"csrf_token": csrf(confirm), "confirmed": "yes"}, headers=ORIGIN
    )
    assert done.status_code == 303
    assert all(c["id"] != new for c in await rest(realm, "/components?type=org.keycloak.keys.KeyProvider"))
    assert all(k["providerId"] != new for k in (await rest(realm, "/keys"))["keys"])


async def test_a_view_realm_administrator_sees_the_keys_and_a_forged_write_is_refused(realm: Env) -> None:
    components = await rest(realm, "/components?type=org.keycloak.keys.KeyProvider")
    await make_admin(realm, "test", "watcher", "view-realm")
    async with client_at(realm, "127.0.0.4") as http:
        await sign_in(http, "/admin/test/console/", "watcher")
        assert (await http.get(KEYS, headers=HTML)).status_code == 200
        listing = await http.get(PROVIDERS, headers=HTML)
        assert (
            listing.status_code == 200 and "Add provider" not in listing.text and ">Delete</button>" not in listing.text
        )
        some = components[0]["id"]
        edit = await http.get(f"{PROVIDERS}/{some}", headers=HTML)
        assert edit.status_code == 200 and "<fieldset disabled>" in edit.text
        for path, fields in (
            (f"{PROVIDERS}/new/rsa-generated", {"priority": "900"}),
            (f"{PROVIDERS}/{some}", {"priority": "900"}),
            (f"{PROVIDERS}/{some}/delete", {"confirmed": "yes"}),
        ):
            refused = await http.post(path, data={"csrf_token": csrf(listing), **fields}, headers=ORIGIN)
            assert refused.status_code == 403 and "manage-realm" in refused.text, path
        assert (await http.get(f"{PROVIDERS}/new/rsa-generated", headers=HTML)).status_code == 403
    assert await rest(realm, "/components?type=org.keycloak.keys.KeyProvider") == components


async def test_console_key_writes_are_recorded_as_the_component_calls(realm: Env, admin: httpx.AsyncClient) -> None:
    headers = await realm.admin_headers()
    config = {"adminEventsEnabled": True, "adminEventsDetailsEnabled": True}
    assert (await realm.http.put(f"{REALM}/events/config", json=config, headers=headers)).status_code == 204
    new = await added(realm, admin, "hmac-generated", name="mac", priority="3")
    assert (await post(admin, f"{PROVIDERS}/{new}", name="mac", priority="4", enabled="on")).status_code == 303
    assert (await post(admin, f"{PROVIDERS}/{new}/delete", confirmed="yes")).status_code == 303
    events = [e for e in await rest(realm, "/admin-events") if e["resourceType"] == "COMPONENT"]
    assert [(e["operationType"], e["resourcePath"]) for e in events] == [
        ("DELETE", f"components/{new}"),
        ("UPDATE", f"components/{new}"),
        ("CREATE", f"components/{new}"),
    ]
    created = json.loads(events[2]["representation"])
    assert created["name"] == "mac" and created["config"]["priority"] == ["3"]
    assert json.loads(events[1]["representation"])["config"]["active"] == ["false"]


ENCRYPTING_FIELDS = {
    "rsa-enc-generated": ("f-keySize", "RSA-OAEP-256", "RSA1_5"),
    "rsa-enc": ("f-privateKey", "f-certificate", "RSA-OAEP-256"),
    "ecdh-generated": ("f-ecdhEllipticCurveKey", "ECDH-ES+A256KW", "P-521"),
    "aes-generated": ("AES Key size", 'value="32"'),
}


async def test_the_add_list_offers_the_encryption_providers_each_with_its_own_fields(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    listing = await admin.get(PROVIDERS, headers=HTML)
    for provider, needles in ENCRYPTING_FIELDS.items():
        assert f'href="{PROVIDERS}/new/{provider}"' in listing.text, provider
        form = await admin.get(f"{PROVIDERS}/new/{provider}", headers=HTML)
        assert form.status_code == 200 and f"Add {provider} provider" in form.text, provider
        for needle in (*needles, 'id="f-priority"', 'id="f-enabled"', 'id="f-active"'):
            assert needle in form.text, (provider, needle)
    assert "ECDH-ES" not in (await admin.get(f"{PROVIDERS}/new/rsa-enc-generated", headers=HTML)).text


async def test_encryption_providers_added_in_the_console_list_their_keys_with_use_enc(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    oaep = await added(realm, admin, "rsa-enc-generated", name="oaep", algorithm="RSA-OAEP-256", keySize="2048")
    ecdh = await added(
        realm, admin, "ecdh-generated", name="ecdh", ecdhEllipticCurveKey="P-384", ecdhAlgorithm="ECDH-ES+A128KW"
    )
    aes = await added(realm, admin, "aes-generated", name="aes", secretSize="32")
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    imported = await added(realm, admin, "rsa-enc", name="imported-enc", privateKey=pem, algorithm="RSA1_5")
    expected = {oaep: "RSA-OAEP-256", ecdh: "ECDH-ES+A128KW", aes: "AES", imported: "RSA1_5"}
    metadata = {k["providerId"]: k for k in (await rest(realm, "/keys"))["keys"]}
    assert {p: (metadata[p]["algorithm"], metadata[p]["use"]) for p in expected} == {
        p: (alg, "ENC") for p, alg in expected.items()
    }
    assert (await rest(realm, f"/components/{aes}"))["config"]["secretSize"] == ["32"]
    page = await admin.get(KEYS, headers=HTML)
    for provider, algorithm in expected.items():
        kid = re.escape(str(metadata[provider]["kid"]))
        row = re.search(rf"<tr>(?:(?!</tr>).)*?<code>{kid}</code>(?:(?!</tr>).)*</tr>", page.text, re.S)
        assert row, provider
        assert f">{algorithm}<" in row.group(0) and '<td data-label="Use">ENC</td>' in row.group(0), row.group(0)
    signing = (await rest(realm, "/keys"))["active"]["RS256"]
    assert f'<code>{signing}</code></td>\n    <td data-label="Use">SIG</td>' in page.text
    assert pem.split("\n")[1] not in page.text
    assert pem.split("\n")[1] not in (await admin.get(f"{PROVIDERS}/{imported}", headers=HTML)).text


async def test_an_eddsa_provider_added_in_the_console_lists_an_okp_key_that_signs_eddsa(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    form = await admin.get(f"{PROVIDERS}/new/eddsa-generated", headers=HTML)
    assert form.status_code == 200 and "Add eddsa-generated provider" in form.text
    for needle in ('id="f-eddsaEllipticCurveKey"', "Ed25519", "Ed448", 'id="f-priority"'):
        assert needle in form.text, needle
    new = await added(realm, admin, "eddsa-generated", name="ed", eddsaEllipticCurveKey="Ed448", priority="5")
    key = next(k for k in (await rest(realm, "/keys"))["keys"] if k["providerId"] == new)
    assert (key["type"], key["algorithm"], key["use"]) == ("OKP", "EdDSA", "SIG")
    assert (await rest(realm, f"/components/{new}"))["config"]["eddsaEllipticCurveKey"] == ["Ed448"]
    await update_client(realm.db, "test", "app", attributes={"access.token.signed.response.alg": "EdDSA"})
    response = await password_grant(realm.http, "test", "app")
    assert header(response.json()["access_token"])["kid"] == key["kid"]
    page = await admin.get(KEYS, headers=HTML)
    assert key["kid"] in page.text
