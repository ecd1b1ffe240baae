"""Keycloak's file vault over HTTP (ClientVaultTest, KcOidcBrokerVaultTest, SMTPConnectionVaultTest): the server
starts with ``--vault=file --vault-dir=DIR`` and a ``${vault.<key>}`` secret is the content of ``DIR/<realm>_<key>``
(REALM_UNDERSCORE_KEY, an underscore doubled), read at each use.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from broker_support import broker_tokens, browser, served
from client_auth_support import secret_jwt
from mail_sink import Sink
from support import password_grant, seed_client, update_realm, update_user
from wire_env import Env

VAULT = Path(tempfile.mkdtemp(prefix="doorkeep-vault-test-"))  # one per test process; each test its own keys
pytestmark = [pytest.mark.anyio, pytest.mark.server_options(vault="file", vault_dir=str(VAULT))]
TOKEN = "/realms/test/protocol/openid-connect/token"


@pytest.fixture(scope="module", autouse=True)
def _vault_directory() -> Iterator[None]:
    yield
    shutil.rmtree(VAULT, ignore_errors=True)


def _entry(name: str, content: bytes) -> None:
    (VAULT / name).write_bytes(content)


async def _basic(env: Env, client_id: str, secret: str) -> httpx.Response:
    form = {"grant_type": "password", "username": "user1", "password": "password"}
    return await env.http.post(TOKEN, data=form, auth=(client_id, secret))


async def test_a_client_secret_in_the_vault_authenticates_with_the_files_value(realm: Env) -> None:
    """ClientVaultTest: the secret ``${vault.<key>}`` is the file's content, by client_secret_post and
    client_secret_basic; the reference itself is no secret; the admin API shows the reference as stored."""
    client = await seed_client(realm.db, "test", "vaulted", secret="${vault.vaulted_app}")
    _entry("test_vaulted__app", b"from-the-vault")
    posted = await password_grant(realm.http, "test", "vaulted", secret="from-the-vault")
    assert posted.status_code == 200, posted.text
    assert (await _basic(realm, "vaulted", "from-the-vault")).status_code == 200
    literal = await password_grant(realm.http, "test", "vaulted", secret="${vault.vaulted_app}")
    assert literal.status_code == 401 and literal.json()["error"] == "unauthorized_client", literal.text
    shown = await realm.http.get(
        f"/admin/realms/test/clients/{client.id}/client-secret", headers=await realm.admin_headers()
    )
    assert shown.json()["value"] == "${vault.vaulted_app}", shown.text


async def test_the_vault_file_is_read_at_each_use_with_its_bytes_as_they_are(realm: Env) -> None:
    """FilesPlainTextVaultProvider reads the file on each call (a rotated secret counts at once) and keeps its
    content as it is: a trailing newline is part of the secret."""
    await seed_client(realm.db, "test", "rotating", secret="${vault.rotating}")
    _entry("test_rotating", b"first\n")
    assert (await password_grant(realm.http, "test", "rotating", secret="first")).status_code == 401
    assert (await password_grant(realm.http, "test", "rotating", secret="first\n")).status_code == 200
    _entry("test_rotating", b"second")
    assert (await _basic(realm, "rotating", "first\n")).status_code == 401
    assert (await _basic(realm, "rotating", "second")).status_code == 200


async def test_a_client_secret_jwt_is_verified_with_the_vaults_secret(realm: Env) -> None:
    """JWTClientSecretAuthenticator: a client-secret-jwt client's ``${vault.<key>}`` secret is the HMAC key; one
    signed with the reference itself fails validation (400 unauthorized_client, as any wrong secret)."""
    await seed_client(
        realm.db, "test", "jwt-vaulted", secret="${vault.jwt}", client_authenticator_type="client-secret-jwt"
    )
    _entry("test_jwt", b"hmac-key-from-the-vault-0123456789")
    for key, status in (("hmac-key-from-the-vault-0123456789", 200), ("${vault.jwt}", 400)):
        form = {
            "grant_type": "password",
            "username": "user1",
            "password": "password",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": secret_jwt(realm, "jwt-vaulted", key),
        }
        answer = await realm.http.post(TOKEN, data=form)
        assert answer.status_code == status, answer.text


async def test_a_missing_or_escaping_vault_entry_matches_no_secret(realm: Env) -> None:
    """A reference the vault has no entry for, or whose key would leave the vault directory, matches nothing:
    neither the reference nor an empty secret authenticates, and no request is a 500."""
    await seed_client(realm.db, "test", "nowhere", secret="${vault.nowhere}")
    await seed_client(realm.db, "test", "escaping", secret="${vault.../escape}")
    _entry("escape", b"outside")  # what ``test_../escape`` names, were the key not refused
    for client_id, secret in (("nowhere", "${vault.nowhere}"), ("nowhere", "x"), ("escaping", "outside")):
        answer = await password_grant(realm.http, "test", client_id, secret=secret)
        assert answer.status_code == 401 and answer.json()["error"] == "unauthorized_client", answer.text


async def test_an_identity_providers_vault_secret_goes_to_its_token_endpoint(env: Env) -> None:
    """KcOidcBrokerVaultTest: the provider's ``clientSecret`` is ``${vault.<key>}``; the broker's token request
    sends the vault's value, so the login through the provider succeeds."""
    async with served(env) as broker:
        _entry("test_broker-secret", b"provider-secret")
        rep = broker.provider_rep(clientSecret="${vault.broker-secret}")
        made = await env.http.post(
            "/admin/realms/test/identity-provider/instances", json=rep, headers=await env.admin_headers()
        )
        assert made.status_code == 201, made.text
        async with browser(broker) as http:
            tokens = await broker_tokens(http)
        assert tokens["access_token"] and tokens["refresh_token"]


SMTP_REALM = {
    "realm": "test",
    "enabled": True,
    "clients": [{"clientId": "myclient", "secret": "mysecret", "directAccessGrantsEnabled": True}],
    "users": [
        {
            "username": "myadmin",
            "enabled": True,
            "firstName": "My",
            "lastName": "Admin",
            "email": "admin@localhost",
            "emailVerified": True,
            "credentials": [{"type": "password", "value": "myadmin"}],
            "clientRoles": {"realm-management": ["realm-admin"]},
        }
    ],
}


async def test_an_smtp_password_in_the_vault_logs_in_to_the_mail_server(env: Env, mail: Sink) -> None:
    """SMTPConnectionVaultTest: ``password`` ``${vault.smtp_key}`` logs in with the vault's value, given in the
    test request and saved on the realm (the masked password standing for it)."""
    created = await env.http.post("/admin/realms", json=SMTP_REALM, headers=await env.admin_headers())
    assert created.status_code == 201, created.text
    login = await password_grant(env.http, "test", "myclient", "myadmin", "myadmin", secret="mysecret")
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    _entry("test_smtp__key", b"admin")
    mail.credentials("admin@localhost", "admin")
    smtp = mail.settings(auth="true", user="admin@localhost", password="${vault.smtp_key}")
    tested = await env.http.post("/admin/realms/test/testSMTPConnection", json=smtp, headers=headers)
    assert tested.status_code == 204, tested.text
    rep = (await env.http.get("/admin/realms/test", headers=headers)).json()
    saved = await env.http.put("/admin/realms/test", json=rep | {"smtpServer": smtp}, headers=headers)
    assert saved.status_code == 204, saved.text
    masked = smtp | {"password": "**********"}
    again = await env.http.post("/admin/realms/test/testSMTPConnection", json=masked, headers=headers)
    assert again.status_code == 204, again.text
    assert mail.logins == ["admin@localhost", "admin@localhost"] and len(mail.received) == 2
    _entry("test_smtp__key", b"wrong")
    refused = await env.http.post("/admin/realms/test/testSMTPConnection", json=masked, headers=headers)
    assert refused.status_code == 500 and len(mail.received) == 2, refused.text


async def test_the_email_event_listener_logs_in_with_the_vaults_smtp_password(realm: Env, mail: Sink) -> None:
    """The ``email`` event listener's mail (EmailEventListenerProvider through DefaultEmailSenderProvider) logs in
    to the mail server with the vault's password too."""
    _entry("test_listener__smtp", b"listener-pw")
    mail.credentials("sender", "listener-pw")
    smtp = mail.settings(auth="true", user="sender", password="${vault.listener_smtp}")
    await update_realm(realm.db, "test", events_listeners=("email",), smtp_server=smtp)
    await update_user(realm.db, "test", "user1", email_verified=True)
    refused = await password_grant(realm.http, "test", "app", "user1", "invalid")
    assert refused.status_code == 400, refused.text
    await realm.drain()
    assert mail.logins == ["sender"] and [m.subject for m in mail.received] == ["Login error"]


async def test_the_installation_file_carries_the_vaults_secret(realm: Env) -> None:
    """ClientIdAndSecretAuthenticator.getAdapterConfiguration: keycloak.json's secret is the vault's value
    (``getStringSecret(secret).get().orElse(secret)``: the reference itself when the vault has no entry)."""
    found = await seed_client(realm.db, "test", "installed", secret="${vault.installed}")
    missing = await seed_client(realm.db, "test", "uninstalled", secret="${vault.uninstalled}")
    _entry("test_installed", b"installed-secret")
    headers = await realm.admin_headers()
    for client, secret in ((found, "installed-secret"), (missing, "${vault.uninstalled}")):
        url = f"/admin/realms/test/clients/{client.id}/installation/providers/keycloak-oidc-keycloak-json"
        answer = await realm.http.get(url, headers=headers)
        assert answer.status_code == 200 and answer.json()["credentials"] == {"secret": secret}, answer.text
