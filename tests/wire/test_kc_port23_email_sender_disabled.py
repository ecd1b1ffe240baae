"""Keycloak's SMTPConnectionDisabledProviderTest (tests/base/.../tests/admin/, @4c47ec22) and
ResetPasswordEmailSenderDisabledTest (tests/base/.../tests/forms/, @5f7876fa), keycloak#51352 (release/26.8.0, PR
#51374): the server started with ``--spi-email-sender-default-enabled=false`` has no EmailSenderProvider, and every
e-mail fails with "Email sender provider is disabled or not configured" instead of a NullPointerException's 500.

Both Java classes' server configuration (``config.option("spi-email-sender-default-enabled", "false")``) is the
``server_options(email_sender_enabled=False)`` marker here, the Settings field the same command-line option sets
(its parsing is checked too). The admin realm is SMTPConnectionTest's SMTPRealmWithClientAndUser (``myclient``,
``myadmin`` realm-admin with ``admin@localhost``); the reset-password realm is the Java class's
ResetPasswordRealmConfig (``test-user``, reset allowed, no SMTP settings).

Ported: testUpdateRealmWithDisabledEmailSenderProviderReturns400, testSMTPConnectionWithDisabledEmailSenderProvider
Returns400, failureIsReportedWhenEmailSenderIsDisabled. Added: controls with the sender on (the same realm update is
taken, the same test answers Keycloak's 500 "Failed to send email" for the unreachable server), and a user's
execute-actions e-mail, whose 500 carries the disabled sender's message after Keycloak's colon.
"""

from __future__ import annotations

import html
import re
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from browser_flow import submit
from doorkeep import cli
from doorkeep.settings import Settings
from keycloak_port import poll
from mail_sink import DOWN_PORT
from support import password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio
DISABLED = pytest.mark.server_options(email_sender_enabled=False)
MESSAGE = "Email sender provider is disabled or not configured"
ADMIN = "/admin/realms/test"
SMTP = {"host": "127.0.0.1", "port": str(DOWN_PORT), "from": "auto@keycloak.org"}
REALM: dict[str, Any] = {
    "realm": "test",
    "enabled": True,
    "eventsEnabled": True,
    "resetPasswordAllowed": True,
    "clients": [
        {"clientId": "myclient", "secret": "mysecret", "directAccessGrantsEnabled": True},
        {"clientId": "test-app", "secret": "password", "redirectUris": ["http://127.0.0.1:9999/*"]},
    ],
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
        },
        {
            "username": "test-user",
            "enabled": True,
            "firstName": "Test",
            "lastName": "User",
            "email": "test-user@localhost",
            "credentials": [{"type": "password", "value": "password"}],
        },
    ],
}


@pytest.fixture
async def myadmin(env: Env) -> dict[str, str]:
    """``@InjectAdminClient(mode = MANAGED_REALM, client = "myclient", user = "myadmin")``: its bearer header."""
    created = await env.http.post("/admin/realms", json=REALM, headers=await env.admin_headers())
    assert created.status_code == 201, created.text
    login = await password_grant(env.http, "test", "myclient", "myadmin", "myadmin", secret="mysecret")
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


async def update_with_smtp(env: Env, headers: dict[str, str]) -> httpx.Response:
    """``realmRep.setSmtpServer(smtpSettings); realmResource.update(realmRep)`` on the fetched representation."""
    rep = (await env.http.get(ADMIN, headers=headers)).json()
    return await env.http.put(ADMIN, json={**rep, "smtpServer": SMTP}, headers=headers)


def _started(monkeypatch: pytest.MonkeyPatch, *args: str, env: dict[str, str] | None = None) -> Settings:
    """The Settings ``doorkeep start-dev`` with ``args`` would serve with (its server not started)."""
    seen: list[Settings] = []
    monkeypatch.setattr(cli, "_serve", lambda settings, **_: seen.append(settings))
    result = CliRunner().invoke(cli.main, ["start-dev", "--db-url", "sqlite:////tmp/x.db", *args], env=env or {})
    assert result.exit_code == 0, result.output
    return seen[0]


def test_the_option_keycloaks_start_command_passes_turns_the_sender_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Java classes' ``spi-email-sender-default-enabled=false``: both SPI spellings and ``KC_*`` set it."""
    for flag in ("--spi-email-sender-default-enabled", "--spi-email-sender--default--enabled"):
        assert _started(monkeypatch, f"{flag}=false").email_sender_enabled is False
    variable = {"KC_SPI_EMAIL_SENDER_DEFAULT_ENABLED": "false"}
    assert _started(monkeypatch, env=variable).email_sender_enabled is False
    assert _started(monkeypatch).email_sender_enabled is True


@DISABLED
async def test_update_realm_with_disabled_email_sender_provider_returns400(env: Env, myadmin: dict[str, str]) -> None:
    """testUpdateRealmWithDisabledEmailSenderProviderReturns400: SMTPUtil.checkSMTPConfiguration finds no sender,
    ErrorResponse.error(message, 400); the realm keeps no SMTP settings."""
    answer = await update_with_smtp(env, myadmin)
    assert answer.status_code == 400 and answer.json() == {"errorMessage": MESSAGE}, answer.text
    assert (await env.http.get(ADMIN, headers=myadmin)).json().get("smtpServer") == {}


@DISABLED
async def test_smtp_connection_with_disabled_email_sender_provider_returns400(
    env: Env, myadmin: dict[str, str]
) -> None:
    """testSMTPConnectionWithDisabledEmailSenderProviderReturns400: 400, the body naming the disabled sender."""
    answer = await env.http.post(f"{ADMIN}/testSMTPConnection", json=SMTP, headers=myadmin)
    assert answer.status_code == 400 and MESSAGE in answer.text, answer.text


async def test_with_the_sender_on_the_same_update_is_taken_and_the_test_fails_as_a_send(
    env: Env, myadmin: dict[str, str]
) -> None:
    """Control: the default server takes the update and answers the unreachable server's test with 500."""
    assert (await update_with_smtp(env, myadmin)).status_code == 204
    answer = await env.http.post(f"{ADMIN}/testSMTPConnection", json=SMTP, headers=myadmin)
    assert answer.status_code == 500 and answer.json() == {"errorMessage": "Failed to send email"}, answer.text


@DISABLED
async def test_execute_actions_email_fails_with_the_disabled_senders_reason(env: Env, myadmin: dict[str, str]) -> None:
    """UserResource.executeActionsEmail's EmailException: 500 "Failed to send execute actions email: " and the
    disabled sender's message."""
    (user,) = (await env.http.get(f"{ADMIN}/users", params={"username": "test-user"}, headers=myadmin)).json()
    answer = await env.http.put(
        f"{ADMIN}/users/{user['id']}/execute-actions-email", json=["UPDATE_PASSWORD"], headers=myadmin
    )
    assert answer.status_code == 500, answer.text
    assert answer.json() == {"errorMessage": f"Failed to send execute actions email: {MESSAGE}"}, answer.text


@DISABLED
async def test_failure_is_reported_when_email_sender_is_disabled(env: Env, myadmin: dict[str, str]) -> None:
    """ResetPasswordEmailSenderDisabledTest#failureIsReportedWhenEmailSenderIsDisabled: the reset form answers the
    login page; the mail, sent after the answer, fails: SEND_RESET_PASSWORD_ERROR ``email_send_failed`` with the
    username and the disabled sender as the reason."""
    await poll(env)  # the events so far
    query = {"client_id": "test-app", "response_type": "code", "redirect_uri": "http://127.0.0.1:9999/cb"}
    login = await env.http.get("/realms/test/protocol/openid-connect/auth", params=query)
    found = re.search(r'id="kc-forgot-password" href="([^"]+)"', login.text)
    assert login.status_code == 200 and found, login.text[:800]
    reset = await env.http.get(html.unescape(found[1]))
    answer = await submit(env.http, reset, username="test-user")
    assert answer.status_code == 200 and 'id="kc-form-login"' in answer.text, answer.text[:800]
    await env.drain()
    (event,) = [e for e in await poll(env) if e["type"].startswith("SEND_RESET_PASSWORD")]
    assert event["type"] == "SEND_RESET_PASSWORD_ERROR" and event["error"] == "email_send_failed", event
    assert event["details"]["username"] == "test-user" and event["details"]["reason"] == MESSAGE, event
