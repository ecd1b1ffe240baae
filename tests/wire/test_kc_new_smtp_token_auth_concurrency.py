"""Keycloak's SMTPTokenAuthConcurrencyTest (tests/base/.../tests/admin/), over HTTP: the SMTP XOAUTH2 token store
(email/smtp_tokens.py) under concurrent ``testSMTPConnection`` calls.

Two realms as SmtpTokenAuthRealm has them (``myclient`` with direct grants, ``myadmin`` a realm-admin with the
verified address ``admin@localhost``), each called by its own ``myadmin``. The token endpoint is a stub on 127.0.0.1
of this test's own (the app under test answers in-process, so realm B's own token endpoint cannot be called by it):
a held one answers only once released, an issuing one answers ``token-1``, ``token-2``… at once. Where the Java test
looks for a thread BLOCKED in ``gatherValidToken`` (run-on-server), the port looks for a task waiting on the realm's
token lock.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from doorkeep.email.smtp_tokens import SmtpTokens
from mail_sink import Sink
from support import password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio

SMTP_USER = "admin@localhost"
TIMEOUT = 30.0


def realm_rep(name: str) -> dict[str, Any]:
    """SmtpTokenAuthRealm."""
    return {
        "realm": name,
        "enabled": True,
        "clients": [
            {"clientId": "myclient", "secret": "mysecret", "directAccessGrantsEnabled": True},
            {"clientId": "smtp-client", "secret": "secret", "serviceAccountsEnabled": True},
        ],
        "users": [
            {
                "username": "myadmin",
                "enabled": True,
                "firstName": "My",
                "lastName": "Admin",
                "email": SMTP_USER,
                "emailVerified": True,
                "credentials": [{"type": "password", "value": "myadmin"}],
                "clientRoles": {"realm-management": ["realm-admin"]},
            }
        ],
    }


@dataclass
class Endpoint:
    """A token endpoint on 127.0.0.1: ``answer`` gives each request's JSON, ``hold`` keeps it until ``release``."""

    answer: Callable[[int], dict[str, Any]]
    hold: bool = False
    url: str = ""
    requests: int = 0
    released: threading.Event = field(default_factory=threading.Event)

    def release(self) -> None:
        self.released.set()


@pytest.fixture
def endpoints() -> Iterator[Callable[..., Endpoint]]:
    servers: list[tuple[ThreadingHTTPServer, Endpoint]] = []

    def start(answer: Callable[[int], dict[str, Any]], hold: bool = False) -> Endpoint:
        endpoint = Endpoint(answer, hold)

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                endpoint.requests += 1
                number = endpoint.requests
                if endpoint.hold:
                    endpoint.released.wait(TIMEOUT)
                raw = json.dumps(endpoint.answer(number)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, format: str, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        endpoint.url = f"http://127.0.0.1:{server.server_address[1]}/smtp-token-endpoint"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append((server, endpoint))
        return endpoint

    try:
        yield start
    finally:
        for server, endpoint in servers:
            endpoint.release()
            server.shutdown()
            server.server_close()


def issuing(number: int) -> dict[str, Any]:
    return {"access_token": f"token-{number}", "expires_in": 300}


async def admin_of(env: Env, name: str) -> dict[str, str]:
    """``@InjectAdminClient(mode = MANAGED_REALM, client = "myclient", user = "myadmin")`` of realm ``name``."""
    created = await env.http.post("/admin/realms", json=realm_rep(name), headers=await env.admin_headers())
    assert created.status_code == 201, created.text
    login = await password_grant(env.http, name, "myclient", "myadmin", "myadmin", secret="mysecret")
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


def smtp_connection(
    env: Env, headers: dict[str, str], realm: str, mail: Sink, token_url: str
) -> asyncio.Task[httpx.Response]:
    """testSmtpConnection, started as a task of its own."""
    config = {
        "host": "127.0.0.1",
        "port": str(mail.port),
        "from": "auto@keycloak.org",
        "auth": "true",
        "authType": "token",
        "user": SMTP_USER,
        "authTokenUrl": token_url,
        "authTokenClientId": "smtp-client",
        "authTokenClientSecret": "secret",
        "authTokenScope": "basic",
    }
    call = env.http.post(f"/admin/realms/{realm}/testSMTPConnection", json=config, headers=headers)
    return asyncio.ensure_future(call)


async def until(condition: Callable[[], bool], what: str) -> None:
    for _ in range(int(TIMEOUT / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    pytest.fail(what)


async def realm_id(env: Env, name: str) -> str:
    found = await env.http.get(f"/admin/realms/{name}", headers=await env.admin_headers())
    return str(found.json()["id"])


def waiting_for_token(env: Env, realm: str) -> bool:
    """A request waits for the realm's token being fetched by another (the Java test's BLOCKED thread)."""
    store: SmtpTokens = env.apps[0].state.doorkeep.smtp_tokens
    lock = store.lock_of(realm)
    return lock is not None and bool(getattr(lock, "_waiters", None))


async def test_slow_token_endpoint_in_one_realm_does_not_block_other_realms(
    env: Env, mail: Sink, endpoints: Callable[..., Endpoint]
) -> None:
    """SMTPTokenAuthConcurrencyTest#slowTokenEndpointInOneRealmDoesNotBlockOtherRealms: realm A's held token request
    does not hold up realm B; released, its answer without a token makes A's call a 500."""
    admin_a, admin_b = await admin_of(env, "realmA"), await admin_of(env, "realmB")
    mail.token_credentials(SMTP_USER, lambda token: True)
    slow = endpoints(lambda n: {"error": "temporarily_unavailable"}, hold=True)
    fast = endpoints(issuing)
    realm_a = smtp_connection(env, admin_a, "realmA", mail, slow.url)
    await until(lambda: slow.requests == 1, "The token request of realm A did not reach the token endpoint")
    realm_b = await asyncio.wait_for(smtp_connection(env, admin_b, "realmB", mail, fast.url), TIMEOUT)
    assert realm_b.status_code == 204, realm_b.text
    assert not realm_a.done(), "The token request of realm A should still be pending"
    slow.release()
    assert (await asyncio.wait_for(realm_a, TIMEOUT)).status_code == 500


async def test_concurrent_requests_in_one_realm_fetch_a_single_token(
    env: Env, mail: Sink, endpoints: Callable[..., Endpoint]
) -> None:
    """SMTPTokenAuthConcurrencyTest#concurrentRequestsInOneRealmFetchASingleToken: the second request waits for the
    first one's token instead of fetching its own."""
    admin_b = await admin_of(env, "realmB")
    mail.token_credentials(SMTP_USER, lambda token: True)
    held = endpoints(lambda n: {"access_token": "test-token", "expires_in": 300}, hold=True)
    first = smtp_connection(env, admin_b, "realmB", mail, held.url)
    await until(lambda: held.requests == 1, "The first token request did not reach the token endpoint")
    second = smtp_connection(env, admin_b, "realmB", mail, held.url)
    realm_b = await realm_id(env, "realmB")
    await until(
        lambda: waiting_for_token(env, realm_b) or held.requests > 1,
        "The second request never started waiting for the token refresh of the first one",
    )
    held.release()
    assert (await asyncio.wait_for(first, TIMEOUT)).status_code == 204
    assert (await asyncio.wait_for(second, TIMEOUT)).status_code == 204
    assert held.requests == 1, "Concurrent requests for the same realm should reuse one token"


async def test_late_rejection_of_old_token_keeps_the_refreshed_token(
    env: Env, mail: Sink, endpoints: Callable[..., Endpoint]
) -> None:
    """SMTPTokenAuthConcurrencyTest#lateRejectionOfOldTokenKeepsTheRefreshedToken: both requests present the kept
    token-1; the first refusal waits until the second request has presented it too, the second until the first has
    logged in with the refreshed token. The late refusal of token-1 must not drop token-2: two token requests."""
    admin_b = await admin_of(env, "realmB")
    endpoint = endpoints(issuing)
    mail.token_credentials(SMTP_USER, lambda token: True)
    assert (await smtp_connection(env, admin_b, "realmB", mail, endpoint.url)).status_code == 204

    both_presented_old_token, refreshed_token_used = asyncio.Event(), asyncio.Event()
    rejections = 0

    async def accept(token: str) -> bool:  # on the sink's event loop
        nonlocal rejections
        if token != "token-1":
            refreshed_token_used.set()
            return True
        rejections += 1
        if rejections == 1:
            await asyncio.wait_for(both_presented_old_token.wait(), TIMEOUT)
        else:
            both_presented_old_token.set()
            await asyncio.wait_for(refreshed_token_used.wait(), TIMEOUT)
        return False

    mail.token_credentials(SMTP_USER, accept)
    first = smtp_connection(env, admin_b, "realmB", mail, endpoint.url)
    second = smtp_connection(env, admin_b, "realmB", mail, endpoint.url)
    assert (await asyncio.wait_for(first, TIMEOUT)).status_code == 204
    assert (await asyncio.wait_for(second, TIMEOUT)).status_code == 204
    assert endpoint.requests == 2, "A late rejection of the old token should not evict the refreshed one"
