"""Security sweep (session 59, second pass) of the file vault: hostile ``${vault.<key>}`` keys, symlinks and
directories in the vault, and a vault reference used where the stored text itself would be the key.

Keycloak's FilesPlainTextVaultProvider resolves ``vaultPath.resolve(name)`` and reads it with ``Files.exists`` and
``Files.readAllBytes``, which follow symbolic links (Kubernetes mounts a secret's files as links into ``..data``):
the check is only that the entry's parent is the vault directory (``validate``), so a link the operator put in the
vault is read. A key holding ``/`` is refused (AbstractVaultProvider.validate).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from browser_flow import REDIRECT, start
from support import password_grant, seed_client
from wire_env import Env

VAULT = Path(tempfile.mkdtemp(prefix="doorkeep-vault-sweep-"))
OUTSIDE = Path(tempfile.mkdtemp(prefix="doorkeep-vault-outside-"))
pytestmark = [pytest.mark.anyio, pytest.mark.server_options(vault="file", vault_dir=str(VAULT))]


@pytest.fixture(scope="module", autouse=True)
def _directories() -> Iterator[None]:
    yield
    shutil.rmtree(VAULT, ignore_errors=True)
    shutil.rmtree(OUTSIDE, ignore_errors=True)


def _refused(answer: httpx.Response) -> None:
    assert answer.status_code == 401 and answer.json()["error"] == "unauthorized_client", answer.text


async def test_hostile_keys_match_nothing_and_are_never_a_500(realm: Env) -> None:
    """Keys with a backslash, URL-encoded separators, NUL, CR/LF or 5000 characters: each names no entry (or one
    the vault does not have), so neither the reference nor the would-be file's content authenticates."""
    (OUTSIDE / "loot").write_bytes(b"outside")
    keys = ["..\\..\\loot", "%2e%2e%2floot", "..%2Floot", "a\x00b", "a\r\nb", "k" * 5000, "..", "."]
    for number, key in enumerate(keys):
        client_id = f"hostile{number}"
        await seed_client(realm.db, "test", client_id, secret="${vault." + key + "}")
        for given in ("${vault." + key + "}", "outside", "x"):
            _refused(await password_grant(realm.http, "test", client_id, secret=given))


async def test_a_directory_entry_matches_nothing(realm: Env) -> None:
    """An entry that is a directory: Keycloak's readAllBytes throws (a 500 there); Doorkeep reads no secret."""
    (VAULT / "test_dir").mkdir()
    await seed_client(realm.db, "test", "dir-client", secret="${vault.dir}")
    _refused(await password_grant(realm.http, "test", "dir-client", secret=""))
    _refused(await password_grant(realm.http, "test", "dir-client", secret="${vault.dir}"))


async def test_a_symlink_the_operator_put_in_the_vault_is_followed_as_keycloak_follows_it(realm: Env) -> None:
    """Files.exists / readAllBytes follow links: a vault entry that is a link (Kubernetes' layout) is the target's
    content. A key cannot make one: only whoever writes the vault directory can."""
    (OUTSIDE / "linked").write_bytes(b"through-the-link")
    (VAULT / "test_linked").symlink_to(OUTSIDE / "linked")
    await seed_client(realm.db, "test", "linked", secret="${vault.linked}")
    assert (await password_grant(realm.http, "test", "linked", secret="through-the-link")).status_code == 200
    _refused(await password_grant(realm.http, "test", "linked", secret="${vault.linked}"))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _hs256(secret: str, claims: dict[str, str]) -> str:
    head = _b64(b'{"alg":"HS256"}') + "." + _b64(json.dumps(claims).encode())
    return head + "." + _b64(hmac.new(secret.encode(), head.encode(), hashlib.sha256).digest())


async def test_an_hs256_request_object_signed_with_the_vault_reference_is_refused(realm: Env) -> None:
    """FIXED. Keycloak's ClientMacSignatureVerifierContext keys the MAC with ``client.getSecret()`` as stored, so a
    request object signed with the text ``${vault.<key>}`` (shown by the admin API and unmasked in admin events)
    would verify. Doorkeep verifies nothing with a reference: the Invalid Request page, never a redirect."""
    await seed_client(realm.db, "test", "ro-vaulted", secret="${vault.ro}", redirect_uris=(REDIRECT,))
    (VAULT / "test_ro").write_bytes(b"ro-secret")
    claims = {"client_id": "ro-vaulted", "response_type": "code", "redirect_uri": REDIRECT, "scope": "openid"}
    for key in ("${vault.ro}", "ro-secret"):
        page = await start(realm.http, "test", "ro-vaulted", request=_hs256(key, claims))
        assert page.status_code == 400 and "location" not in page.headers, page.headers.get("location")
        assert "Invalid Request" in page.text


async def test_no_admin_read_export_or_event_shows_a_resolved_value(realm: Env) -> None:
    """Held: the reference is what the admin API, the partial export and the admin events carry (StripSecretsUtils
    keeps a vault expression, never resolves it); a reference in an ordinary attribute stays literal."""
    (VAULT / "test_exported").write_bytes(b"RESOLVED-VAULT-VALUE")
    admin = await realm.admin_headers()
    base = "/admin/realms/test"
    enabled = await realm.http.put(
        base, json={"adminEventsEnabled": True, "adminEventsDetailsEnabled": True}, headers=admin
    )
    assert enabled.status_code == 204, enabled.text
    rep = {"clientId": "exported", "secret": "${vault.exported}", "attributes": {"note": "${vault.exported}"}}
    made = await realm.http.post(f"{base}/clients", json=rep, headers=admin)
    assert made.status_code == 201, made.text
    reads = [
        await realm.http.get(f"{base}/clients", params={"clientId": "exported"}, headers=admin),
        await realm.http.post(f"{base}/partial-export", params={"exportClients": "true"}, headers=admin),
        await realm.http.get(f"{base}/admin-events", params={"max": 50}, headers=admin),
    ]
    for read in reads:
        assert read.status_code == 200, read.text
        assert "RESOLVED-VAULT-VALUE" not in read.text, read.request.url
    client = reads[0].json()[0]
    assert client["secret"] == "${vault.exported}" and client["attributes"]["note"] == "${vault.exported}"
