"""The realm's SMTP server: stored with the realm, its password never shown, and the admin's test message."""

from __future__ import annotations

import pytest

import smtp_token_stub
from mail_sink import DOWN_PORT, Sink
from support import seed_realm, update_user
from wire_env import Env

pytestmark = pytest.mark.anyio
token_endpoint = smtp_token_stub.token_endpoint
TokenEndpoint = smtp_token_stub.TokenEndpoint

REALM = "/admin/realms/test"


async def test_the_smtp_password_is_stored_but_shown_masked_and_kept_when_put_back(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    headers = await env.admin_headers()
    smtp = {"host": "mail", "port": 2525, "from": "a@b.c", "auth": True, "user": "u", "password": "smtp-pw"}
    assert (await env.http.put(REALM, json={"smtpServer": smtp}, headers=headers)).status_code == 204
    shown = (await env.http.get(REALM, headers=headers)).json()["smtpServer"]
    assert shown == {
        "host": "mail",
        "port": "2525",
        "from": "a@b.c",
        "auth": "true",
        "user": "u",
        "password": "**********",
    }
    assert (await env.http.put(REALM, json={"smtpServer": shown}, headers=headers)).status_code == 204
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        assert realm.smtp_server["password"] == "smtp-pw"


async def test_a_realm_without_smtp_settings_shows_an_empty_map(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    assert (await env.http.get(REALM, headers=await env.admin_headers())).json()["smtpServer"] == {}


async def test_the_test_message_goes_to_the_admin_with_the_posted_settings(env: Env, mail: Sink) -> None:
    await seed_realm(env.db, env.clock)
    await update_user(env.db, "master", "admin", email="admin@example.com")
    response = await env.http.post(
        f"{REALM}/testSMTPConnection",
        json=mail.settings(fromDisplayName="Doorkeep", replyTo="help@example.com"),
        headers=await env.admin_headers(),
    )
    assert response.status_code == 204, response.text
    [sent] = mail.received
    assert sent.recipients == ["admin@example.com"] and sent.envelope_from == "auth@example.com"
    assert sent.subject == "[KEYCLOAK] - SMTP test message"
    assert sent.message["From"] == "Doorkeep <auth@example.com>" and sent.message["Reply-To"] == "help@example.com"
    assert sent.part("plain").strip() == "This is a test message"
    assert "<p>This is a test message</p>" in sent.part("html")


async def test_an_unreachable_smtp_server_is_a_500_failed_to_send_email(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    await update_user(env.db, "master", "admin", email="admin@example.com")
    settings = {"host": "127.0.0.1", "port": str(DOWN_PORT), "from": "auth@example.com", "password": "pw"}
    response = await env.http.post(f"{REALM}/testSMTPConnection", json=settings, headers=await env.admin_headers())
    assert response.status_code == 500
    assert response.json() == {"errorMessage": "Failed to send email"}


async def test_an_admin_without_an_address_gets_the_same_500(env: Env, mail: Sink) -> None:
    await seed_realm(env.db, env.clock)
    await update_user(env.db, "master", "admin", email=None)
    response = await env.http.post(
        f"{REALM}/testSMTPConnection", json=mail.settings(), headers=await env.admin_headers()
    )
    assert response.status_code == 500 and response.json() == {"errorMessage": "Failed to send email"}
    assert mail.received == []


def _token_settings(mail: Sink, url: str, **extra: str) -> dict[str, str]:
    token = {
        "auth": "true",
        "authType": "token",
        "user": "admin@example.com",
        "authTokenUrl": url,
        "authTokenClientId": "test-smtp-client-I",
        "authTokenClientSecret": "secret",
        "authTokenScope": "basic",
    }
    return mail.settings(**(token | extra))


async def test_a_kept_smtp_token_is_fetched_again_30_seconds_after_it_expires(
    env: Env, mail: Sink, token_endpoint: TokenEndpoint
) -> None:
    await seed_realm(env.db, env.clock)
    await update_user(env.db, "master", "admin", email="admin@example.com")
    mail.token_credentials("admin@example.com", lambda token: token in token_endpoint.issued)
    headers = await env.admin_headers()
    url = f"{REALM}/testSMTPConnection"
    settings = _token_settings(mail, token_endpoint.url)
    assert (await env.http.post(url, json=settings, headers=headers)).status_code == 204
    env.clock.advance(300 + 29)  # expires_in 300, used for 30 s more
    headers = await env.admin_headers()
    assert (await env.http.post(url, json=settings, headers=headers)).status_code == 204
    assert token_endpoint.count("test-smtp-client-I") == 1
    env.clock.advance(1)
    headers = await env.admin_headers()
    assert (await env.http.post(url, json=settings, headers=headers)).status_code == 204
    assert token_endpoint.count("test-smtp-client-I") == 1
    assert mail.tokens == ["token-1", "token-1", "token-2"]


async def test_an_unknown_auth_type_or_an_unreachable_token_url_is_the_500(
    env: Env, mail: Sink, token_endpoint: TokenEndpoint
) -> None:
    await seed_realm(env.db, env.clock)
    await update_user(env.db, "master", "admin", email="admin@example.com")
    headers = await env.admin_headers()
    url = f"{REALM}/testSMTPConnection"
    for settings in (
        _token_settings(mail, token_endpoint.url, authType="kerberos"),
        _token_settings(mail, f"http://127.0.0.1:{DOWN_PORT}/token"),
    ):
        response = await env.http.post(url, json=settings, headers=headers)
        assert (response.status_code, response.json()) == (500, {"errorMessage": "Failed to send email"})
    assert mail.received == [] and mail.tokens == []


NO_SENDER = (
    "Invalid sender address 'null'. If the address contains UTF-8 characters in the local part please ensure the "
    "SMTP server supports the SMTPUTF8 extension and enable 'Allow UTF-8' in the email realm configuration."
)


async def test_smtp_settings_without_a_sender_are_refused_on_update_and_nothing_is_written(env: Env) -> None:
    """RealmAdminResource.updateRealm runs SMTPUtil.checkSMTPConfiguration (DefaultEmailSenderProvider.validate):
    a non-empty ``smtpServer`` without ``from`` is a 400 ErrorResponse, before anything is written. An empty map
    passes (checkSMTPConfiguration returns at once)."""
    await seed_realm(env.db, env.clock)
    headers = await env.admin_headers()
    body = {"displayName": "changed", "smtpServer": {"host": "mail", "port": "2525"}}
    response = await env.http.put(REALM, json=body, headers=headers)
    assert response.status_code == 400
    assert response.json() == {"errorMessage": NO_SENDER}
    shown = (await env.http.get(REALM, headers=headers)).json()
    assert shown["smtpServer"] == {} and shown.get("displayName") != "changed"
    for smtp in ({}, {"host": "mail", "from": "auth@example.com"}):
        assert (await env.http.put(REALM, json={"smtpServer": smtp}, headers=headers)).status_code == 204, smtp


async def test_a_new_realm_with_smtp_settings_without_a_sender_is_refused_and_not_made(env: Env) -> None:
    """RealmManager.importRealm runs the same check and turns the EmailException into BadRequestException(message),
    which KeycloakErrorHandler answers as ``error``; the realm is rolled back."""
    headers = await env.admin_headers()
    rep = {"realm": "no-sender", "smtpServer": {"host": "mail"}}
    response = await env.http.post("/admin/realms", json=rep, headers=headers)
    assert response.status_code == 400
    assert response.json()["error"] == NO_SENDER
    assert (await env.http.get("/admin/realms/no-sender", headers=headers)).status_code == 404
