"""Keycloak's SMTPConnectionTest (tests/base/.../tests/admin/), over HTTP against an SMTP sink (mail_sink.py, with
SMTPUTF8 and AUTH PLAIN/LOGIN/XOAUTH2 as GreenMail has them), one test per method. The realm is the Java
class's SMTPRealmWithClientAndUser: ``myclient`` (direct grants) and ``myadmin`` (``admin@localhost``,
realm-admin), whose token calls ``POST testSMTPConnection``, so the test message goes to ``admin@localhost``.

The token-auth methods point ``authTokenUrl`` at a stub token endpoint on 127.0.0.1 (``token_endpoint``), not at
the realm itself: the app under test answers in-process, with no port another process (or its own outgoing
client) could call. Where the Java test counts the realm's CLIENT_LOGIN events of each SMTP client, the port
counts the token requests the stub received for it, and the sink accepts exactly the tokens the stub issued
(the Java sink accepts the active access tokens of the realm).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import smtp_token_stub
from mail_sink import Sink
from support import password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio
token_endpoint = smtp_token_stub.token_endpoint
TokenEndpoint = smtp_token_stub.TokenEndpoint

ADMIN = "/admin/realms/test"
SECRET_VALUE = "**********"
REALM = {
    "realm": "test",
    "enabled": True,
    "eventsEnabled": True,
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


@pytest.fixture
async def myadmin(env: Env) -> dict[str, str]:
    """``@InjectAdminClient(mode = MANAGED_REALM, client = "myclient", user = "myadmin")``: its bearer header."""
    created = await env.http.post("/admin/realms", json=REALM, headers=await env.admin_headers())
    assert created.status_code == 201, created.text
    login = await password_grant(env.http, "test", "myclient", "myadmin", "myadmin", secret="mysecret")
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


def _settings(
    host: str | None,
    port: str | None,
    sender: str | None,
    auth: str | None = None,
    user: str | None = None,
    password: str | None = None,
    allowutf8: str | None = None,
) -> dict[str, Any]:
    """The Java test's ``smtpMap`` (ssl and starttls null, replyTo and envelopeFrom empty, authType basic)."""
    config: dict[str, Any] = {
        "host": host,
        "port": port,
        "from": sender,
        "auth": auth,
        "authType": "basic",
        "ssl": None,
        "starttls": None,
        "user": user,
        "password": password,
        "replyTo": "",
        "envelopeFrom": "",
    }
    if allowutf8 is not None:
        config["allowutf8"] = allowutf8
    return config


def _token_settings(
    host: str, port: str, url: str, client_id: str, secret: str, scope: str = "basic"
) -> dict[str, Any]:
    """The Java test's ``smtpMapForTokenAuth`` (auth on, user ``admin@localhost``, replyTo and envelopeFrom empty)."""
    return {
        "host": host,
        "port": port,
        "from": "auto@keycloak.org",
        "ssl": None,
        "starttls": None,
        "user": "admin@localhost",
        "auth": "true",
        "authType": "token",
        "authTokenUrl": url,
        "authTokenClientId": client_id,
        "authTokenClientSecret": secret,
        "authTokenScope": scope,
        "replyTo": "",
        "envelopeFrom": "",
    }


async def _test(env: Env, headers: dict[str, str], settings: dict[str, Any]) -> httpx.Response:
    return await env.http.post(f"{ADMIN}/testSMTPConnection", json=settings, headers=headers)


def _received(mail: Sink, *sender: str) -> None:
    """``assertMailReceived``: exactly one message, the SMTP test one (from ``sender`` if given); then none."""
    assert len(mail.received) == 1, "E-mail was not received"
    [message] = mail.received
    if sender:
        assert [str(a.addr_spec) for a in message.message["From"].addresses] == list(sender)
    assert message.subject == "[KEYCLOAK] - SMTP test message"
    mail.received.clear()


async def _realm_smtp(env: Env, headers: dict[str, str], smtp: dict[str, Any]) -> None:
    """``realmRep.setSmtpServer(...)`` and ``update``."""
    rep = (await env.http.get(ADMIN, headers=headers)).json()
    rep["smtpServer"] = {k: v for k, v in smtp.items() if v is not None}
    updated = await env.http.put(ADMIN, json=rep, headers=headers)
    assert updated.status_code == 204, updated.text


async def test_with_null_settings(env: Env, myadmin: dict[str, str]) -> None:
    """testWithNullSettings: no host, port or sender is a 500."""
    assert (await _test(env, myadmin, _settings(None, None, None))).status_code == 500


async def test_with_proper_settings(env: Env, myadmin: dict[str, str], mail: Sink) -> None:
    """testWithProperSettings: the test message reaches the sink."""
    response = await _test(env, myadmin, _settings("127.0.0.1", str(mail.port), "auto@keycloak.org"))
    assert response.status_code == 204, response.text
    _received(mail)


async def test_with_auth_enabled_credentials_empty(env: Env, myadmin: dict[str, str], mail: Sink) -> None:
    """testWithAuthEnabledCredentialsEmpty: authentication on without user and password is a 500."""
    response = await _test(env, myadmin, _settings("127.0.0.1", str(mail.port), "auto@keycloak.org", "true"))
    assert response.status_code == 500
    assert mail.received == []


async def test_with_auth_enabled_valid_credentials(env: Env, myadmin: dict[str, str], mail: Sink) -> None:
    """testWithAuthEnabledValidCredentials: the server's user and password log in."""
    mail.credentials("admin@localhost", "admin")
    settings = _settings("127.0.0.1", str(mail.port), "auto@keycloak.org", "true", "admin@localhost", "admin")
    response = await _test(env, myadmin, settings)
    assert response.status_code == 204, response.text
    assert mail.logins == ["admin@localhost"]
    _received(mail)


async def test_auth_enabled_and_saved_credentials(env: Env, myadmin: dict[str, str], mail: Sink) -> None:
    """testAuthEnabledAndSavedCredentials: the masked password stands for the realm's saved one on the saved
    host, and not on another host (``localhost`` for the saved ``127.0.0.1``)."""
    port = str(mail.port)
    await _realm_smtp(
        env, myadmin, _settings("127.0.0.1", port, "auto@keycloak.org", "true", "admin@localhost", "admin")
    )
    mail.credentials("admin@localhost", "admin")
    masked = _settings("127.0.0.1", port, "auto@keycloak.org", "true", "admin@localhost", SECRET_VALUE)
    response = await _test(env, myadmin, masked)
    assert response.status_code == 204, response.text
    _received(mail)
    elsewhere = _settings("localhost", port, "auto@keycloak.org", "true", "admin@localhost", SECRET_VALUE)
    assert (await _test(env, myadmin, elsewhere)).status_code == 500
    assert mail.received == []


async def test_with_token_auth_enabled_and_token_cache_and_saved_credentials(
    env: Env, myadmin: dict[str, str], mail: Sink, token_endpoint: TokenEndpoint
) -> None:
    """testWithTokenAuthEnabledAndTokenCacheAndSavedCredentials: the masked client secret stands for the saved
    one; the token is fetched once, then reused from the cache; on another host the secret is not reused, so no
    token is had and the test fails."""
    port, url, client = str(mail.port), token_endpoint.url, "test-smtp-client-I"
    await _realm_smtp(env, myadmin, _token_settings("127.0.0.1", port, url, client, "secret"))
    mail.token_credentials("admin@localhost", lambda token: token in token_endpoint.issued)

    first = await _test(env, myadmin, _token_settings("127.0.0.1", port, url, client, SECRET_VALUE))
    assert first.status_code == 204, first.text
    _received(mail)
    assert token_endpoint.count(client) == 1

    second = await _test(env, myadmin, _token_settings("127.0.0.1", port, url, client, SECRET_VALUE))
    assert second.status_code == 204, second.text
    _received(mail)
    assert token_endpoint.count(client) == 0

    third = await _test(env, myadmin, _token_settings("localhost", port, url, client, SECRET_VALUE))
    assert third.status_code == 500
    assert mail.received == []


async def test_with_token_auth_enabled_retry_gives_up(
    env: Env, myadmin: dict[str, str], mail: Sink, token_endpoint: TokenEndpoint
) -> None:
    """testWithTokenAuthEnabledRetryGivesUp: the server declines every token; after one fresh token the test
    gives up, a 500, nothing sent, two token requests."""
    mail.token_credentials("admin@localhost", lambda token: False)
    settings = _token_settings("127.0.0.1", str(mail.port), token_endpoint.url, "test-smtp-client-II", "secret")
    response = await _test(env, myadmin, settings)
    assert response.status_code == 500
    assert mail.received == []
    assert token_endpoint.count("test-smtp-client-II") == 2


async def test_with_token_auth_enabled_and_retry_with_valid_token_in_second_try(
    env: Env, myadmin: dict[str, str], mail: Sink, token_endpoint: TokenEndpoint
) -> None:
    """testWithTokenAuthEnabledAndRetryWithValidTokenInSecondTry: the first token is declined, the retry brings
    a new one, which is accepted."""
    seen: list[str] = []

    def accept(token: str) -> bool:
        if not seen:
            seen.append(token)
            return False  # even a valid token is declined for the test
        assert token != seen[0], "the retry made a new token"
        return token in token_endpoint.issued

    mail.token_credentials("admin@localhost", accept)
    settings = _token_settings("127.0.0.1", str(mail.port), token_endpoint.url, "test-smtp-client-III", "secret")
    response = await _test(env, myadmin, settings)
    assert response.status_code == 204, response.text
    _received(mail)
    assert token_endpoint.count("test-smtp-client-III") == 2


async def test_allow_utf8(env: Env, myadmin: dict[str, str], mail: Sink) -> None:
    """testAllowUTF8: a sender's local part past ASCII needs ``allowutf8``; its domain is sent in IDN form
    without it; the admin's own address past ASCII likewise needs ``allowutf8``."""
    port = str(mail.port)
    assert (await _test(env, myadmin, _settings("127.0.0.1", port, "autoñ@keycloak.org"))).status_code == 500

    response = await _test(env, myadmin, _settings("127.0.0.1", port, "auto@keycloakñ.org"))
    assert response.status_code == 204, response.text
    _received(mail, "auto@xn--keycloak-k3a.org")

    allowed = _settings("127.0.0.1", port, "autoñ@keycloak.org", allowutf8="true")
    response = await _test(env, myadmin, allowed)
    assert response.status_code == 204, response.text
    _received(mail)

    # The Java test adds allowutf8 to the realm's stored map; a map without ``from`` is refused since the realm
    # update runs SMTPUtil.checkSMTPConfiguration (newer than the stored copy of this test), so the sender goes too.
    await _realm_smtp(env, myadmin, {"from": "auto@keycloak.org", "allowutf8": "true"})
    me = (await env.http.get(f"{ADMIN}/users", params={"username": "myadmin"}, headers=myadmin)).json()[0]
    renamed = await env.http.put(f"{ADMIN}/users/{me['id']}", json={**me, "email": "adminñ@localhost"}, headers=myadmin)
    assert renamed.status_code == 204, renamed.text

    plain = _settings("127.0.0.1", port, "auto@keycloak.org")
    assert (await _test(env, myadmin, plain)).status_code == 500
    response = await _test(env, myadmin, _settings("127.0.0.1", port, "auto@keycloak.org", allowutf8="true"))
    assert response.status_code == 204, response.text
    assert mail.received[0].recipients == ["adminñ@localhost"]
    _received(mail)
