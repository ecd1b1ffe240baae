"""Attacks on Keycloak 26.8's client certificates without private keys (keycloak#49239, PR 51612;
ClientAttributeCertificateResource): who may read and download (``auth.clients().requireView``) and who may
generate or upload (``requireConfigure``: manage-clients here), a client id of another realm (404 "Could not find
client"), another realm's admin (403 at the realm), and what the admin events keep: generate, upload and
generate-and-download record events whose representation, with representations included, holds the certificate
and never a private key (keycloak#51240: the key in generate's admin event, which #49239 ends)."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from admin_support import admin_events, enable_admin_events, realm_admin
from client_keystore import keystore_upload, signer_client
from support import seed_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
REALM = "/admin/realms/test"
CONFIG = {"format": "PKCS12", "keyAlias": "mine", "keyPassword": "sp", "storePassword": "sp", "keySize": 2048}


async def _generate(env: Env, certs: str) -> str:
    made = await env.http.post(f"{certs}/generate", headers=await env.admin_headers())
    assert made.status_code == 200, made.text
    return str(made.json()["certificate"])


@pytest.mark.parametrize(
    "roles", [("query-clients",), ("view-realm",), ("view-users",), ("manage-users",), ("view-identity-providers",)]
)
async def test_without_view_clients_nothing_is_read_or_written(realm: Env, roles: tuple[str, ...]) -> None:
    env = realm
    _, certs = await signer_client(env)
    made = await _generate(env, certs)
    caller = await realm_admin(env, "limited", *roles)
    assert (await env.http.get(certs, headers=caller)).status_code == 403
    for action in ("download", "generate", "generate-and-download"):
        answer = await env.http.post(f"{certs}/{action}", json=CONFIG, headers=caller)
        assert answer.status_code == 403, (action, answer.text)
    got = await env.http.get(certs, headers=await env.admin_headers())
    assert got.json() == {"certificate": made}


async def test_view_clients_reads_and_downloads_but_makes_no_key(realm: Env) -> None:
    env = realm
    _, certs = await signer_client(env)
    made = await _generate(env, certs)
    viewer = await realm_admin(env, "viewer", "view-clients")
    assert (await env.http.get(certs, headers=viewer)).json() == {"certificate": made}
    store = await env.http.post(f"{certs}/download", json={**CONFIG, "realmCertificate": False}, headers=viewer)
    assert store.status_code == 200
    key, cert, extra = pkcs12.load_key_and_certificates(store.content, b"sp")
    assert key is None and [c for c in (cert, *extra) if c is not None]
    for action in ("generate", "generate-and-download"):
        answer = await env.http.post(f"{certs}/{action}", json=CONFIG, headers=viewer)
        assert answer.status_code == 403, (action, answer.text)
    assert (await env.http.get(certs, headers=viewer)).json() == {"certificate": made}


async def test_another_realms_client_or_admin_reaches_nothing(realm: Env) -> None:
    env = realm
    await seed_realm(env.db, env.clock, "other")
    far_cid, far_certs = await signer_client(env, "other")
    await _generate(env, far_certs)
    crossed = f"{REALM}/clients/{far_cid}/certificates/jwt.credential"
    h = await env.admin_headers()
    assert (await env.http.get(crossed, headers=h)).status_code == 404
    for action in ("download", "generate", "generate-and-download"):
        answer = await env.http.post(f"{crossed}/{action}", json=CONFIG, headers=h)
        assert answer.status_code == 404, (action, answer.text)
    _, certs = await signer_client(env)
    outsider = await realm_admin(env, "otheradmin", "realm-admin", realm="other")
    assert (await env.http.get(certs, headers=outsider)).status_code == 403
    for action in ("download", "generate", "generate-and-download"):
        answer = await env.http.post(f"{certs}/{action}", json=CONFIG, headers=outsider)
        assert answer.status_code == 403, (action, answer.text)


async def test_admin_events_keep_no_private_key(realm: Env) -> None:
    env = realm
    h = await env.admin_headers()
    config = await env.http.put(
        f"{REALM}/events/config",
        json={"adminEventsEnabled": True, "adminEventsDetailsEnabled": True},
        headers=h,
    )
    assert config.status_code == 204, config.text
    await enable_admin_events(env, clear=True)
    got = await env.http.get(f"{REALM}/events/config", headers=h)
    assert got.json()["adminEventsDetailsEnabled"] is True
    _, certs = await signer_client(env)
    await _generate(env, certs)
    handed = await env.http.post(
        f"{certs}/generate-and-download", json={**CONFIG, "realmCertificate": False}, headers=h
    )
    assert handed.status_code == 200
    key, _, _ = pkcs12.load_key_and_certificates(handed.content, b"sp")
    assert isinstance(key, rsa.RSAPrivateKey)
    pair, fields, files = keystore_upload()
    assert (await env.http.post(f"{certs}/upload", data=fields, files=files, headers=h)).status_code == 200
    events = [e for e in await admin_events(env) if "certificates" in e.get("resourcePath", "")]
    assert events, "no certificate events recorded"
    for event in events:
        text = str(event)
        assert "privateKey" not in text and pair.private_key not in text, event
        assert "PRIVATE KEY" not in text, event
