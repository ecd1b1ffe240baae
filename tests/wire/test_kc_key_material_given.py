"""Key material given to a generated key provider through ``POST /admin/realms/{realm}/components``, as a tool that
recreates a Keycloak realm's keys (terraform, keycloak-config-cli) gives it: Keycloak's validateConfiguration keeps a
``secret`` (and ``kid``) whose size is the config's, a ``privateKey`` whose size is the config's, an EC or EdDSA key
pair on the config's curve, and generates a key otherwise (AbstractGeneratedSecretKeyProviderFactory,
AbstractGeneratedRsaKeyProviderFactory, AbstractGeneratedEcKeyProviderFactory, GeneratedEddsaKeyProviderFactory).
So tokens the old server signed still verify. The material is never shown, an update cannot give it, and a realm
import decides as the create does."""

from __future__ import annotations

import base64
import hashlib
import os
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, rsa

from support import header, password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "/admin/realms/test"
KEY_PROVIDER = "org.keycloak.keys.KeyProvider"
NO_SUCH_PROVIDER = {"error": "Invalid provider type or no such provider"}


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def der(private: Any) -> tuple[str, str]:
    """(private, public) as Keycloak's model holds them: base64 PKCS#8 and SubjectPublicKeyInfo DER."""
    pkcs8 = private.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    spki = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(pkcs8).decode(), base64.b64encode(spki).decode()


def key_id(private: Any) -> str:
    """KeyUtils.createKeyId."""
    return b64url(hashlib.sha256(base64.b64decode(der(private)[1])).digest())


async def post(env: Env, provider: str, config: dict[str, list[str]], name: str = "given") -> Any:
    body = {"name": name, "providerId": provider, "providerType": KEY_PROVIDER, "config": config}
    return await env.http.post(f"{REALM}/components", json=body, headers=await env.admin_headers())


async def created(env: Env, provider: str, config: dict[str, list[str]]) -> tuple[str, dict[str, Any]]:
    """A provider made with ``config``: its id and its key as ``GET keys`` lists it."""
    response = await post(env, provider, config)
    assert response.status_code == 201, response.text
    component = response.headers["location"].rsplit("/", 1)[1]
    listed = (await env.http.get(f"{REALM}/keys", headers=await env.admin_headers())).json()["keys"]
    return component, next(k for k in listed if k["providerId"] == component)


async def test_a_given_hmac_secret_and_kid_are_kept_and_sign_refresh_tokens(realm: Env) -> None:
    secret = os.urandom(64)
    config = {"priority": ["500"], "algorithm": ["HS512"], "kid": ["kc-hmac-kid"], "secret": [b64url(secret)]}
    component, key = await created(realm, "hmac-generated", config)
    assert key["kid"] == "kc-hmac-kid"
    refresh_token = (await password_grant(realm.http, "test", "app")).json()["refresh_token"]
    assert header(refresh_token)["kid"] == "kc-hmac-kid"
    options: jwt.types.Options = {"verify_aud": False, "verify_exp": False}
    assert jwt.decode(refresh_token, secret, algorithms=["HS512"], options=options)["typ"] == "Refresh"
    shown = await realm.http.get(f"{REALM}/components/{component}", headers=await realm.admin_headers())
    assert shown.json()["config"] == {"priority": ["500"], "algorithm": ["HS512"]}  # secret and kid: never shown


async def test_a_given_secret_of_another_size_than_the_configs_is_replaced(realm: Env) -> None:
    config = {"secretSize": ["64"], "kid": ["kc-short"], "secret": [b64url(os.urandom(32))]}
    _, key = await created(realm, "hmac-generated", config)
    assert key["kid"] != "kc-short"
    kept, key = await created(realm, "hmac-generated", {"kid": ["kc-32"], "secret": [b64url(os.urandom(32))]})
    assert key["kid"] == "kc-32"
    shown = await realm.http.get(f"{REALM}/components/{kept}", headers=await realm.admin_headers())
    assert shown.json()["config"] == {"secretSize": ["32"]}  # Keycloak 26.4 writes the kept secret's size


async def test_an_aes_secret_in_base64_with_padding_is_kept(realm: Env) -> None:
    secret = base64.b64encode(b"\xfb" * 16).decode()  # "+/" and "=": Base64Url.decode takes them
    _, key = await created(realm, "aes-generated", {"kid": ["kc-aes"], "secret": [secret]})
    assert key["kid"] == "kc-aes"


@pytest.mark.parametrize("secret", ["not base64!", "abcde", "ab cd"])
async def test_a_secret_that_is_not_base64_is_keycloaks_bad_request(realm: Env, secret: str) -> None:
    response = await post(realm, "hmac-generated", {"kid": ["k"], "secret": [secret]})
    assert (response.status_code, response.json()) == (400, NO_SUCH_PROVIDER)


async def test_a_given_rsa_key_keeps_its_kid_and_signs_access_tokens(realm: Env) -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pkcs8, spki = der(private)
    config = {"priority": ["500"], "privateKey": [pkcs8], "certificate": ["MIIB"]}
    component, key = await created(realm, "rsa-generated", config)
    assert (key["kid"], key["publicKey"]) == (key_id(private), spki)
    access = (await password_grant(realm.http, "test", "app")).json()["access_token"]
    assert header(access)["kid"] == key_id(private)
    options: jwt.types.Options = {"verify_aud": False, "verify_exp": False}
    assert jwt.decode(access, private.public_key(), algorithms=["RS256"], options=options)["iss"]
    shown = await realm.http.get(f"{REALM}/components/{component}", headers=await realm.admin_headers())
    assert shown.json()["config"] == {"priority": ["500"]}


async def test_a_given_rsa_key_of_another_size_than_the_configs_is_replaced(realm: Env) -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    _, key = await created(realm, "rsa-enc-generated", {"privateKey": [der(private)[0]]})
    assert key["kid"] != key_id(private)
    _, key = await created(realm, "rsa-enc-generated", {"keySize": ["1024"], "privateKey": [der(private)[0]]})
    assert key["kid"] == key_id(private)


@pytest.mark.parametrize(
    ("provider", "material", "message"),
    [
        ("rsa-generated", {"privateKey": ["bm90IGEga2V5"]}, "Failed to decode private key"),
        (
            "rsa-generated",
            {"privateKey": [der(ec.generate_private_key(ec.SECP256R1()))[0]]},
            "Failed to decode private key",
        ),
        ("ecdsa-generated", {"ecdsaPrivateKey": ["bm90IGEga2V5"]}, "Failed to decode private key"),
        (
            "ecdsa-generated",
            {"ecdsaPrivateKey": [der(ed448.Ed448PrivateKey.generate())[0]]},
            "Failed to decode private key",
        ),
        (
            "ecdsa-generated",
            {"ecdsaPrivateKey": [der(ec.generate_private_key(ec.SECP256R1()))[0]], "ecdsaPublicKey": ["AAAA"]},
            "Failed to get EC from its public key",
        ),
        (
            "eddsa-generated",
            {"eddsaPrivateKey": [der(ed448.Ed448PrivateKey.generate())[0]], "eddsaPublicKey": ["AAAA"]},
            "Failed to get Twisted Edwards Curve from its public key",
        ),
        (
            "ecdsa-generated",
            {
                "ecdsaPrivateKey": [der(ec.generate_private_key(ec.SECP256R1()))[0]],
                "ecdsaPublicKey": [der(ec.generate_private_key(ec.SECP256R1()))[1]],
            },
            "Public key does not match private key",
        ),
    ],
)
async def test_a_bad_given_key_is_a_400_never_a_500(
    realm: Env, provider: str, material: dict[str, list[str]], message: str
) -> None:
    response = await post(realm, provider, material)
    assert (response.status_code, response.json()) == (400, {"errorMessage": message})


async def test_a_given_ec_key_pair_on_the_configs_curve_is_kept_and_on_another_replaced(realm: Env) -> None:
    private = ec.generate_private_key(ec.SECP384R1())
    pkcs8, spki = der(private)
    config = {"ecdsaEllipticCurveKey": ["P-384"], "ecdsaPrivateKey": [pkcs8], "ecdsaPublicKey": [spki]}
    _, key = await created(realm, "ecdsa-generated", config)
    assert (key["kid"], key["algorithm"], key["publicKey"]) == (key_id(private), "ES384", spki)
    _, key = await created(realm, "ecdh-generated", {"ecdhPrivateKey": [pkcs8], "ecdhPublicKey": [spki]})
    assert key["kid"] != key_id(private)  # no curve given: P-256, as Keycloak's default


async def test_a_given_eddsa_key_pair_is_kept(realm: Env) -> None:
    private = ed448.Ed448PrivateKey.generate()
    pkcs8, spki = der(private)
    config = {"eddsaEllipticCurveKey": ["Ed448"], "eddsaPrivateKey": [pkcs8], "eddsaPublicKey": [spki]}
    _, key = await created(realm, "eddsa-generated", config)
    assert (key["kid"], key["algorithm"]) == (key_id(private), "EdDSA")


async def test_an_update_cannot_give_key_material(realm: Env) -> None:
    component, _ = await created(realm, "hmac-generated", {"kid": ["kc-first"], "secret": [b64url(os.urandom(64))]})
    body = {"name": "given", "providerId": "hmac-generated", "providerType": KEY_PROVIDER}
    config = {"kid": ["kc-second"], "secret": [b64url(os.urandom(64))]}
    url = f"{REALM}/components/{component}"
    response = await realm.http.put(url, json={**body, "config": config}, headers=await realm.admin_headers())
    assert response.status_code == 204, response.text
    listed = (await realm.http.get(f"{REALM}/keys", headers=await realm.admin_headers())).json()["keys"]
    assert [k["kid"] for k in listed if k["providerId"] == component] == ["kc-first"]


async def test_a_kid_another_key_holds_gets_a_key_of_its_own(realm: Env) -> None:
    await created(realm, "hmac-generated", {"kid": ["kc-twice"], "secret": [b64url(os.urandom(64))]})
    _, key = await created(realm, "hmac-generated", {"kid": ["kc-twice"], "secret": [b64url(os.urandom(64))]})
    assert key["kid"] != "kc-twice"


async def test_a_realm_import_and_the_admin_api_keep_the_same_material(realm: Env) -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    pkcs8, spki = der(private)
    components: list[dict[str, Any]] = [
        {
            "name": "ec",
            "providerId": "ecdsa-generated",
            "config": {"ecdsaPrivateKey": [pkcs8], "ecdsaPublicKey": [spki]},
        },
        {
            "name": "hs",
            "providerId": "hmac-generated",
            "config": {"kid": ["kc-hs"], "secret": [b64url(os.urandom(64))]},
        },
        {"name": "bad", "providerId": "hmac-generated", "config": {"kid": ["kc-bad"], "secret": [b64url(b"x" * 20)]}},
    ]
    headers = await realm.admin_headers()
    rep = {"realm": "copy", "enabled": True, "components": {KEY_PROVIDER: components}}
    assert (await realm.http.post("/admin/realms", json=rep, headers=headers)).status_code == 201
    imported = (await realm.http.get("/admin/realms/copy/keys", headers=headers)).json()["keys"]
    assert {key_id(private), "kc-hs"} <= {k["kid"] for k in imported} and "kc-bad" not in str(imported)
    assert (await realm.http.delete("/admin/realms/copy", headers=headers)).status_code == 204
    made = [(await created(realm, c["providerId"], c["config"]))[1]["kid"] for c in components]
    assert made[:2] == [key_id(private), "kc-hs"] and made[2] != "kc-bad"
