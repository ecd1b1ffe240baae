"""Keycloak's JavaKeystoreKeyProviderTest (testsuite/integration-arquillian/tests/base/.../keys/), every @Test method,
over the Admin REST API: a ``java-keystore`` key provider (JavaKeystoreKeyProviderFactory) names a key store file
on the server's disk, its passwords, an alias and an algorithm.

Deliberate difference (docs/admin-api.md, ``keys.components.NOT_SUPPORTED``): Doorkeep refuses every such provider
with 400 ``{"errorMessage": "Doorkeep does not support the key provider 'java-keystore'"}`` before it looks at the
path, so an administrator of one realm cannot have the server open files of its own disk by name. Keycloak's
``createSuccess`` variants (JKS, PKCS12 and BCFKS stores of RSA, EC, AES, HMAC and EdDSA keys, the passwords given
or as ``${vault.keystore_password}``) therefore get that refusal, even for a store the server could read; and the
``invalid*`` methods get it instead of JavaKeystoreKeyProvider's own texts ("Failed to load keys. File not found
on server.", "Alias invalid does not exists in the keystore.", "Failed to load keys. Key in the keystore cannot be
recovered.", "Invalid RS256 key for alias keyalias. Algorithm is EC.", "Invalid use enc for algorithm RS256.").
What a client sees either way: a 400 ErrorRepresentation, no component, no key, the realm's keys unchanged, and no
admin event (a refused write records none in Keycloak either).

The stores are PKCS#12 files made here (the only format Python writes); for the JKS and BCFKS variants the same
bytes carry the other extension, since Doorkeep refuses before reading them. The secret-key variants (AES, HMAC)
point at the RSA store: PKCS#12 as Python writes it holds no secret keys.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from admin_support import admin_events, enable_admin_events
from key_provider_port import REALM, add, assert_error, metadata, rep
from support import token_url
from wire_env import Env

pytestmark = pytest.mark.anyio

PROVIDER = "java-keystore"  # JavaKeystoreKeyProviderFactory.ID
REFUSED = "Doorkeep does not support the key provider 'java-keystore'"
PASSWORD = "password"
VAULT_PASSWORD = "${vault.keystore_password}"

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey


def _certificate(key: PrivateKey) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "keyalias")])
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
    )
    return builder.sign(key, None if isinstance(key, ed25519.Ed25519PrivateKey) else hashes.SHA256())


def _key(kind: str) -> PrivateKey:
    if kind == "ECDSA":
        return ec.generate_private_key(ec.SECP256R1())
    if kind == "EDDSA":
        return ed25519.Ed25519PrivateKey.generate()
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _store(directory: Path, fmt: str, kind: str) -> Path:
    """``KeystoreUtils.generateKeystore(folder, type, "keyalias", "password", "password", key)``: a readable store
    (PKCS#12 bytes) holding the key and its self-signed certificate under alias ``keyalias``."""
    key = _key(kind)
    encryption = serialization.BestAvailableEncryption(PASSWORD.encode())
    data = pkcs12.serialize_key_and_certificates(b"keyalias", key, _certificate(key), None, encryption)
    path = directory / f"keystore-{kind.lower()}.{fmt.lower()}"
    path.write_bytes(data)
    return path


def _config(store: Path, algorithm: str, password: str = PASSWORD) -> dict[str, str]:
    """``createRep(name, priority, algorithm, password)``'s config."""
    return {
        "priority": "1700000000000",
        "keystore": str(store),
        "keystorePassword": password,
        "keyAlias": "keyalias",
        "keyPassword": password,
        "algorithm": algorithm,
    }


async def _snapshot(env: Env) -> tuple[list[Any], dict[str, Any], list[Any]]:
    """The realm's key providers, ``/keys`` and its JWKS: what a refused create must leave as it was."""
    headers = await env.admin_headers()
    listed = await env.http.get(
        f"{REALM}/components", params={"type": "org.keycloak.keys.KeyProvider"}, headers=headers
    )
    assert listed.status_code == 200, listed.text
    certs = await env.http.get(token_url("test", "certs"))
    assert certs.status_code == 200, certs.text
    return listed.json(), await metadata(env), certs.json()["keys"]


async def _refused(env: Env, config: dict[str, str]) -> None:
    before = await _snapshot(env)
    response = await add(env, await rep(env, "valid", PROVIDER, config))
    assert_error(response, REFUSED)
    assert "location" not in response.headers
    assert await _snapshot(env) == before


# ---- createSuccess: createJksRSA, createPkcs12RSA, createBcfksRSA, createJksECDSA, createPkcs12ECDSA,
# createBcfksECDSA, createBcfksAES, createHMAC, createJksEdDSA ----


@pytest.mark.parametrize(
    ("fmt", "kind", "algorithm", "vault"),
    [
        pytest.param("JKS", "RSA", "RS256", False, id="createJksRSA"),
        pytest.param("PKCS12", "RSA", "RS256", True, id="createPkcs12RSA"),
        pytest.param("BCFKS", "RSA", "RS256", False, id="createBcfksRSA"),
        pytest.param("JKS", "ECDSA", "ES256", True, id="createJksECDSA"),
        pytest.param("PKCS12", "ECDSA", "ES256", False, id="createPkcs12ECDSA"),
        pytest.param("BCFKS", "ECDSA", "ES256", True, id="createBcfksECDSA"),
        pytest.param("BCFKS", "RSA", "AES", False, id="createBcfksAES"),
        pytest.param("PKCS12", "RSA", "HS256", True, id="createHMAC"),
        pytest.param("JKS", "EDDSA", "EdDSA", True, id="createJksEdDSA"),
    ],
)
async def test_a_readable_key_store_is_refused(
    realm: Env, tmp_path: Path, fmt: str, kind: str, algorithm: str, vault: bool
) -> None:
    """Keycloak answers 201 and lists the store's key (its provider, type, public key, certificate, priority);
    Doorkeep answers 400 and keeps nothing, with admin events on."""
    await enable_admin_events(realm, clear=True)
    store = _store(tmp_path, fmt, kind)
    await _refused(realm, _config(store, algorithm, VAULT_PASSWORD if vault else PASSWORD))
    assert await admin_events(realm) == []


# ---- the invalid* methods: Keycloak's own texts, Doorkeep's one refusal ----


@pytest.mark.parametrize(
    ("kind", "change", "algorithm"),
    [
        pytest.param("RSA", {"keystore": "/nosuchfile"}, "RS256", id="invalidKeystore"),
        pytest.param("RSA", {"keystore": "invalid"}, "RS256", id="invalidKeystorePassword"),
        pytest.param("RSA", {"keyAlias": "invalid"}, "RS256", id="invalidKeyAlias"),
        pytest.param("RSA", {"keyPassword": "invalid"}, "RS256", id="invalidKeyPassword"),
        pytest.param("ECDSA", {}, "RS256", id="invalidKeyAlgorithmCreatedECButRegisteredRSA"),
        pytest.param("RSA", {"keyUse": "enc"}, "RS256", id="invalidKeyUsageForRS256"),
    ],
)
async def test_an_invalid_key_store_config_is_refused_alike(
    realm: Env, tmp_path: Path, kind: str, change: dict[str, str], algorithm: str
) -> None:
    await _refused(realm, {**_config(_store(tmp_path, "PKCS12", kind), algorithm), **change})


# ---- hostile variants ----


@pytest.mark.parametrize("path", ["/etc/passwd", "/proc/self/environ", "../../doorkeep.db", "file:///etc/hostname", ""])
async def test_a_path_to_any_file_is_refused_without_a_trace_of_it(realm: Env, path: str) -> None:
    """No server file is opened by name: the answer is the same whether the path exists, is readable, names the
    server's own secrets or is empty, and carries nothing of the file."""
    config = {**_config(Path("/unused"), "RS256"), "keystore": path}
    before = await _snapshot(realm)
    response = await add(realm, await rep(realm, "valid", PROVIDER, config))
    assert_error(response, REFUSED)
    assert "root:" not in response.text and "PATH=" not in response.text
    assert await _snapshot(realm) == before


async def test_the_refusal_holds_in_the_master_realm_too(realm: Env, tmp_path: Path) -> None:
    """The provider is refused on its own merits, not for want of rights: master's admin gets the 400 in realm
    ``master`` too, and realm ``test`` keeps its keys."""
    store = _store(tmp_path, "PKCS12", "RSA")
    headers = await realm.admin_headers()
    master = await realm.http.get("/admin/realms/master", headers=headers)
    assert master.status_code == 200, master.text
    body = {
        "name": "valid",
        "parentId": master.json()["id"],
        "providerId": PROVIDER,
        "providerType": "org.keycloak.keys.KeyProvider",
        "config": {k: [v] for k, v in _config(store, "RS256").items()},
    }
    before = await _snapshot(realm)
    response = await realm.http.post("/admin/realms/master/components", json=body, headers=headers)
    assert_error(response, REFUSED)
    assert await _snapshot(realm) == before


async def test_an_existing_provider_cannot_be_turned_into_a_key_store_by_an_update(realm: Env, tmp_path: Path) -> None:
    """ComponentResource.updateComponent takes the representation's providerId (RepresentationToModel
    .updateComponent), so Keycloak would validate the component as a java-keystore and read the file. Doorkeep
    refuses the update with the same 400, and the provider stays as it was: its id, its config, its key."""
    made = await add(realm, await rep(realm, "generated", "rsa-generated", {"priority": "5"}))
    assert made.status_code == 201, made.text
    component_id = made.headers["location"].rsplit("/", 1)[1]
    url = f"{REALM}/components/{component_id}"
    headers = await realm.admin_headers()
    before = (await realm.http.get(url, headers=headers)).json()
    snapshot = await _snapshot(realm)
    config = {**before["config"], **{k: [v] for k, v in _config(_store(tmp_path, "PKCS12", "RSA"), "RS256").items()}}
    response = await realm.http.put(url, json={**before, "providerId": PROVIDER, "config": config}, headers=headers)
    assert_error(response, REFUSED)
    assert (await realm.http.get(url, headers=headers)).json() == before
    assert await _snapshot(realm) == snapshot
