"""Hostile sweep of key material given to a generated key provider (``keys/given_material.py``): a kid another
realm's key or one of the same realm's holds, kids no JWKS should carry, secrets and private keys of every wrong
shape, and whether the given material ever comes back out (GET components, partial export, admin events, logs)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import os
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from support import password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "/admin/realms/test"
KEY_PROVIDER = "org.keycloak.keys.KeyProvider"


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def pkcs8(private: Any) -> str:
    raw = private.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return base64.b64encode(raw).decode()


def key_id(private: Any) -> str:
    spki = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return b64url(hashlib.sha256(spki).digest())


async def post(env: Env, provider: str, config: dict[str, list[str]], realm: str = "test") -> Any:
    body = {"name": "given", "providerId": provider, "providerType": KEY_PROVIDER, "config": config}
    return await env.http.post(f"/admin/realms/{realm}/components", json=body, headers=await env.admin_headers())


async def keys(env: Env, realm: str = "test") -> list[dict[str, Any]]:
    listed = await env.http.get(f"/admin/realms/{realm}/keys", headers=await env.admin_headers())
    assert listed.status_code == 200, listed.text
    return list(listed.json()["keys"])


async def made(env: Env, provider: str, config: dict[str, list[str]]) -> dict[str, Any]:
    response = await post(env, provider, config)
    assert response.status_code == 201, response.text
    component = response.headers["location"].rsplit("/", 1)[1]
    return next(k for k in await keys(env) if k["providerId"] == component)


async def other_realm(env: Env) -> list[dict[str, Any]]:
    created = await env.http.post(
        "/admin/realms", json={"realm": "other", "enabled": True}, headers=await env.admin_headers()
    )
    assert created.status_code == 201, created.text
    return await keys(env, "other")


async def test_another_realms_kid_is_never_taken_and_a_token_forged_under_it_fails_there(realm: Env) -> None:
    theirs = await other_realm(realm)
    rs256 = next(k for k in theirs if k["algorithm"] == "RS256")
    hs = next(k for k in theirs if k["algorithm"].startswith("HS"))
    attacker = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    mine = await made(
        realm, "rsa-generated", {"priority": ["9999"], "kid": [rs256["kid"]], "privateKey": [pkcs8(attacker)]}
    )
    assert mine["kid"] != rs256["kid"]
    secret = os.urandom(64)
    mine_hs = await made(realm, "hmac-generated", {"kid": [hs["kid"]], "secret": [b64url(secret)]})
    assert mine_hs["kid"] != hs["kid"]
    assert await keys(realm, "other") == theirs  # the other realm's keys are untouched
    now = int(time.time())
    issuer = str(realm.http.base_url).rstrip("/") + "/realms/other"
    claims = {"iss": issuer, "sub": "x", "typ": "Bearer", "iat": now, "exp": now + 300, "azp": "account"}
    forged = jwt.encode(claims, attacker, algorithm="RS256", headers={"kid": rs256["kid"]})
    userinfo = await realm.http.get(
        "/realms/other/protocol/openid-connect/userinfo", headers={"Authorization": f"Bearer {forged}"}
    )
    assert userinfo.status_code == 401, userinfo.text
    token = (await password_grant(realm.http, "test", "app")).json()["access_token"]
    crossed = await realm.http.get(
        "/realms/other/protocol/openid-connect/userinfo", headers={"Authorization": f"Bearer {token}"}
    )
    assert crossed.status_code == 401, crossed.text


async def test_the_same_realms_kid_gets_a_key_of_its_own_and_the_old_one_still_signs(realm: Env) -> None:
    before = await keys(realm)
    rs256 = next(k for k in before if k["algorithm"] == "RS256")
    attacker = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    mine = await made(realm, "rsa-generated", {"kid": [rs256["kid"]], "privateKey": [pkcs8(attacker)]})
    assert mine["kid"] != rs256["kid"]
    assert next(k for k in await keys(realm) if k["kid"] == rs256["kid"])["publicKey"] == rs256["publicKey"]


async def test_the_same_rsa_key_given_twice_is_one_kid_kept_twice(realm: Env) -> None:
    """Keycloak derives the kid from the public key and keeps both providers (session 66: no longer two kids)."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    first = await made(realm, "rsa-generated", {"privateKey": [pkcs8(private)]})
    second = await made(realm, "rsa-generated", {"privateKey": [pkcs8(private)]})
    assert first["kid"] == second["kid"] == key_id(private)
    assert first["providerId"] != second["providerId"]


async def test_two_creates_racing_for_one_kid_are_never_a_500(realm: Env) -> None:
    configs = [{"kid": ["kc-race"], "secret": [b64url(os.urandom(64))]} for _ in range(4)]
    answers = await asyncio.gather(*(post(realm, "hmac-generated", c) for c in configs))
    # One after another each gets a key of its own (201); racing on PostgreSQL the losers may hit the key table's
    # primary key: Keycloak's ModelDuplicateException answer (409), never a 500 nor a second row with that kid.
    assert {a.status_code for a in answers} <= {201, 409} and 201 in [a.status_code for a in answers]
    assert [k["kid"] for k in await keys(realm)].count("kc-race") == 1


@pytest.mark.parametrize("kid", ["../../etc/passwd", '"quoted"', "<b>x</b>", "k" * 64])
async def test_a_printable_kid_is_kept_as_given_and_served_as_json(realm: Env, kid: str) -> None:
    key = await made(realm, "hmac-generated", {"kid": [kid], "secret": [b64url(os.urandom(64))]})
    assert key["kid"] == kid


@pytest.mark.parametrize("kid", ["a\x00b", "k" * 65, "ключ", "a b", "tab\there"])
async def test_a_kid_the_key_table_cannot_hold_is_a_400(realm: Env, kid: str) -> None:
    response = await post(realm, "hmac-generated", {"kid": [kid], "secret": [b64url(os.urandom(64))]})
    assert response.status_code == 400, response.text
    assert kid not in [k["kid"] for k in await keys(realm)]


async def test_a_blank_kid_is_no_kid(realm: Env) -> None:
    key = await made(realm, "hmac-generated", {"kid": [""], "secret": [b64url(os.urandom(64))]})
    assert len(key["kid"]) == 36  # a kid of Doorkeep's making, as for none


@pytest.mark.parametrize("secret", [b64url(b"x"), "", b64url(os.urandom(513))])
async def test_a_secret_of_no_listed_size_is_replaced(realm: Env, secret: str) -> None:
    key = await made(realm, "hmac-generated", {"kid": ["kc-size"], "secret": [secret]})
    assert key["kid"] != "kc-size"


async def test_a_huge_secret_is_refused_without_a_500(realm: Env) -> None:
    response = await post(realm, "hmac-generated", {"kid": ["kc-huge"], "secret": [b64url(os.urandom(3_000_000))]})
    assert response.status_code in (201, 400, 413), response.text
    assert "kc-huge" not in [k["kid"] for k in await keys(realm)]


# A 512-bit key (PKCS#1 DER): cryptography generates none under 1024 bits, and a 16384-bit one takes minutes.
RSA_512 = (
    "MIIBPQIBAAJBAMogPasGDOdV/p3UShQaKbj/CgYDTy46vkhr1nwIoQUOMrKRUwHAGw6a7znSDiKmOq1SqLe8aEGsIUAltrSguq0CAwEAAQJBAI/P"
    "krDtVB8Ac3GOSsq0trzWUSZoEl09FIfomimT5iT2ajAFPu1IcT7n3f5Hj+ESPhob5eIBahcVfR8b3AunVG0CIQDskbLqwmU74CSoemnmg38nw1s5"
    "0HicR0ip9xdtzh3NxwIhANq6T3uIDa7VVwFKgfO8gJWSbRkamf8+CPF8vBGpSIPrAiEAq3uJ6CZ134tAx2fE8DWNrLMto6D8bLw3bg0QzKXGcO0C"
    "IQDVxmRqswXUi7SWkXDDfMgb59nzQDmk6seo5iWWCWLTcwIhAOkY81QM/HlPNoLbUS4SL/iruXn0dmV2en+G2KvtmsZg"
)


async def test_an_rsa_key_of_no_listed_size_is_replaced_or_refused(realm: Env) -> None:
    private = serialization.load_der_private_key(base64.b64decode(RSA_512), password=None)
    key = await made(realm, "rsa-generated", {"privateKey": [RSA_512]})
    assert key["kid"] != key_id(private)
    refused = await post(realm, "rsa-generated", {"keySize": ["512"], "privateKey": [RSA_512]})
    assert refused.status_code == 400, refused.text


async def test_an_ec_key_on_a_curve_keycloak_does_not_list_is_replaced(realm: Env) -> None:
    private = ec.generate_private_key(ec.SECP256K1())
    key = await made(realm, "ecdsa-generated", {"ecdsaPrivateKey": [pkcs8(private)]})
    assert key["kid"] != key_id(private) and key["algorithm"] == "ES256"


async def test_pem_pkcs1_and_pkcs8_der_all_keep_the_key(realm: Env) -> None:
    for fmt, enc in [
        (serialization.PrivateFormat.PKCS8, serialization.Encoding.PEM),
        (serialization.PrivateFormat.TraditionalOpenSSL, serialization.Encoding.PEM),
        (serialization.PrivateFormat.TraditionalOpenSSL, serialization.Encoding.DER),
    ]:
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        raw = private.private_bytes(enc, fmt, serialization.NoEncryption())
        text = raw.decode() if enc == serialization.Encoding.PEM else base64.b64encode(raw).decode()
        assert (await made(realm, "rsa-generated", {"privateKey": [text]}))["kid"] == key_id(private)


def _unusable_keys() -> list[str]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    encrypted = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"pass"),
    ).decode()
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    public_der = base64.b64encode(
        private.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    ).decode()
    numbers = private.private_numbers()
    jwk = f'{{"kty":"RSA","d":"{b64url(numbers.d.to_bytes(256, "big"))}"}}'
    return [encrypted, public_pem, public_der, jwk, "-----BEGIN PRIVATE KEY-----\n\x00\n-----END PRIVATE KEY-----"]


@pytest.mark.parametrize("text", _unusable_keys(), ids=["encrypted", "public-pem", "public-der", "jwk", "nul"])
async def test_a_private_key_that_is_no_usable_private_key_is_a_400(realm: Env, text: str) -> None:
    response = await post(realm, "rsa-generated", {"privateKey": [text]})
    assert (response.status_code, response.json()) == (400, {"errorMessage": "Failed to decode private key"})


async def test_an_update_cannot_change_a_kept_keys_kid(realm: Env) -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    response = await post(realm, "rsa-generated", {"kid": ["kc-rsa"], "privateKey": [pkcs8(private)]})
    component = response.headers["location"].rsplit("/", 1)[1]
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    body = {
        "name": "given",
        "providerId": "rsa-generated",
        "providerType": KEY_PROVIDER,
        "config": {"kid": ["kc-moved"], "privateKey": [pkcs8(other)], "priority": ["7"]},
    }
    url = f"{REALM}/components/{component}"
    assert (await realm.http.put(url, json=body, headers=await realm.admin_headers())).status_code == 204
    [key] = [k for k in await keys(realm) if k["providerId"] == component]
    assert (key["kid"], key["providerPriority"]) == ("kc-rsa", 7)


async def test_given_material_never_comes_back_out(realm: Env, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    headers = await realm.admin_headers()
    events = {"adminEventsEnabled": True, "adminEventsDetailsEnabled": True}
    assert (await realm.http.put(f"{REALM}/events/config", json=events, headers=headers)).status_code == 204
    secret = b64url(os.urandom(64))
    private = pkcs8(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    ec_private = pkcs8(ec.generate_private_key(ec.SECP256R1()))
    await made(realm, "hmac-generated", {"kid": ["kc-leak"], "secret": [secret]})
    await made(realm, "rsa-generated", {"privateKey": [private]})
    await made(realm, "ecdsa-generated", {"ecdsaPrivateKey": [ec_private]})
    shown = [
        await realm.http.get(f"{REALM}/components?type={KEY_PROVIDER}", headers=headers),
        await realm.http.post(f"{REALM}/partial-export?exportClients=true&exportGroupsAndRoles=true", headers=headers),
        await realm.http.get(f"{REALM}/admin-events", headers=headers),
    ]
    assert '"providerId\\":\\"hmac-generated\\"' in shown[2].text  # the events carry the stripped bodies
    for response in shown:
        assert response.status_code == 200, response.text
        for material in (secret, private[40:100], ec_private[40:100]):
            assert material not in response.text
    for material in (secret, private[40:100], ec_private[40:100]):
        assert material not in caplog.text


@pytest.mark.parametrize("kid", ["a\x00b", "k" * 65, "ключ", "a b"])
async def test_a_realm_files_rsa_key_with_a_kid_no_key_table_holds_gets_its_derived_kid(realm: Env, kid: str) -> None:
    """An imported ``rsa`` key's kid is KeyUtils.createKeyId of its public key in Keycloak, whatever the file says;
    Doorkeep keeps a file's kid only when the key table can hold it (on PostgreSQL a NUL or a 65th character was a
    500, on SQLite a kid no JWKS should carry)."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    component = {"name": "rsa", "providerId": "rsa", "config": {"privateKey": [pkcs8(private)], "kid": [kid]}}
    rep = {"realm": "copy", "enabled": True, "components": {KEY_PROVIDER: [component]}}
    response = await realm.http.post("/admin/realms", json=rep, headers=await realm.admin_headers())
    assert response.status_code == 201, response.text
    assert key_id(private) in [k["kid"] for k in await keys(realm, "copy")]


async def test_one_private_key_imported_twice_as_rsa_is_kept_twice_never_a_500(realm: Env) -> None:
    """Keycloak keeps both (its kid lives in each component's key, not a table's primary key), and so does Doorkeep
    since its key rows are keyed by component (migration 0049); a generated provider given that key shares it too."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    for provider in ("rsa", "rsa", "rsa-generated"):
        answer = await post(realm, provider, {"privateKey": [pkcs8(private)]})
        assert answer.status_code == 201, answer.text
    assert [k["kid"] for k in await keys(realm)].count(key_id(private)) == 3


async def test_a_realm_file_naming_another_realms_kids_gets_keys_of_its_own(realm: Env) -> None:
    theirs = await keys(realm)
    hs = next(k for k in theirs if k["algorithm"].startswith("HS"))
    rs256 = next(k for k in theirs if k["algorithm"] == "RS256")
    attacker = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    components: list[dict[str, Any]] = [
        {
            "name": "hs",
            "providerId": "hmac-generated",
            "config": {"kid": [hs["kid"]], "secret": [b64url(os.urandom(64))]},
        },
        {
            "name": "rs",
            "providerId": "rsa-generated",
            "config": {"kid": [rs256["kid"]], "privateKey": [pkcs8(attacker)]},
        },
    ]
    rep = {"realm": "copy", "enabled": True, "components": {KEY_PROVIDER: components}}
    response = await realm.http.post("/admin/realms", json=rep, headers=await realm.admin_headers())
    assert response.status_code == 201, response.text
    copied = {k["kid"] for k in await keys(realm, "copy")}
    assert not copied & {hs["kid"], rs256["kid"]}
    assert await keys(realm) == theirs
