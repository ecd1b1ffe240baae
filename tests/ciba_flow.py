"""CIBA in wire tests: a stand-in authentication device (an HTTP receiver on 127.0.0.1 that records what the
server's authentication channel POSTs, headers included, and answers 201), the app configured to use it, and the
three calls a CIBA flow makes: the backchannel authentication request, the device's callback, the token poll.
Keycloak's CIBATest reads its test application's FIFO queue of channel requests; ``Device.take`` does the same."""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from doorkeep.settings import Settings
from wire_env import Env, make_env, marked_options, prepared_postgres

CIBA_URL = "/realms/test/protocol/openid-connect/ext/ciba/auth"
CALLBACK_URL = f"{CIBA_URL}/callback"
TOKEN_URL = "/realms/test/protocol/openid-connect/token"
GRANT_TYPE = "urn:openid:params:grant-type:ciba"
POLL = {"ciba.backchannel.token.delivery.mode": "poll", "oidc.ciba.grant.enabled": "true"}


@dataclass
class ChannelRequest:
    """One authentication channel request: its JSON body and the bearer token it carried."""

    body: dict[str, Any]
    bearer: str
    content_type: str


@dataclass
class Device:
    """The authentication device: what it received, and the status it answers (Keycloak's wants 201)."""

    url: str
    requests: list[ChannelRequest] = field(default_factory=list)
    status: int = 201
    document: str = ""  # what a GET of any path answers (a request object behind a ``request_uri``)
    notifications: list[ChannelRequest] = field(default_factory=list)  # the ping mode's, POSTed to /notify
    asked: threading.Event = field(default_factory=threading.Event)  # set at each GET
    held: threading.Event | None = None  # a GET is answered once this is set (``hold``)

    def hold(self) -> threading.Event:
        """From now on a GET is answered only once the returned event is set (``asked`` tells when one waits; the
        server's thread gives up after a minute, so that a broken test cannot hang)."""
        self.asked = threading.Event()
        self.held = threading.Event()
        return self.held

    def take(self, binding_message: str | None = None) -> ChannelRequest:
        """The oldest request not yet taken (with this binding message, when given)."""
        for i, found in enumerate(self.requests):
            if binding_message is None or found.body.get("binding_message") == binding_message:
                return self.requests.pop(i)
        raise AssertionError(f"no channel request with binding message {binding_message!r}: {self.requests}")


@contextmanager
def device(port: int = 0) -> Iterator[Device]:
    """The stand-in device on ``port`` of 127.0.0.1 (0: any free one)."""
    box: list[Device] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"null")
            auth = self.headers.get("Authorization", "")
            received = ChannelRequest(body, auth.removeprefix("Bearer "), self.headers.get("Content-Type", ""))
            notify = self.path.startswith("/notify")
            (box[0].notifications if notify else box[0].requests).append(received)
            self.send_response(204 if notify else box[0].status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self) -> None:
            box[0].asked.set()
            if box[0].held is not None:
                box[0].held.wait(60)
            content = box[0].document.encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/jwt")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    box.append(Device(f"http://127.0.0.1:{server.server_address[1]}/channel"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield box[0]
    finally:
        server.shutdown()
        server.server_close()


@asynccontextmanager
async def app_with_device(request: pytest.FixtureRequest, tmp_path: Path, channel: str) -> AsyncIterator[Env]:
    """The app (SQLite, or PostgreSQL with DOORKEEP_WIRE_ENGINE=postgresql) sending CIBA requests to ``channel``."""
    postgres = os.environ.get("DOORKEEP_WIRE_ENGINE") == "postgresql"
    server = request.getfixturevalue("postgres_server") if postgres else None
    url = await prepared_postgres(server) if server is not None else f"sqlite:///{tmp_path / 'doorkeep.db'}"
    base = Settings(db_url=url, bootstrap_admin_username="admin", bootstrap_admin_password="admin")
    configured = marked_options(request, dataclasses.replace(base, ciba_auth_channel_uri=channel))
    env, db = await make_env(url, configured, prepared=postgres)
    try:
        yield env
    finally:
        await env.drain()
        await env.http.aclose()
        await db.dispose()
        if server is not None:
            server.drop_database_of(url)


def basic(client_id: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


async def authenticate(
    env: Env,
    client_id: str,
    secret: str,
    login_hint: str | None,
    binding_message: str | None = None,
    /,
    *,
    scope: str = "openid",
    **form: str,
) -> httpx.Response:
    """OAuthClient.doBackchannelAuthenticationRequest: the client's Basic credentials, ``openid`` in the scope."""
    data = {"scope": scope, **form}
    if login_hint is not None:
        data["login_hint"] = login_hint
    if binding_message is not None:
        data["binding_message"] = binding_message
    return await env.http.post(CIBA_URL, data=data, headers=basic(client_id, secret))


async def answer(env: Env, bearer: str | None, status: str | None = "SUCCEED", **extra: str) -> httpx.Response:
    """OAuthClient.doAuthenticationChannelCallback: the device's JSON answer with the bearer token it was sent."""
    headers = {} if bearer is None else {"Authorization": f"Bearer {bearer}"}
    return await env.http.post(CALLBACK_URL, json={"status": status, **extra}, headers=headers)


async def token(
    env: Env, client_id: str, secret: str, auth_req_id: str | None, headers: dict[str, str] | None = None
) -> httpx.Response:
    """OAuthClient.doBackchannelAuthenticationTokenRequest (``headers``: a client certificate, mtls_port's)."""
    data = {"grant_type": GRANT_TYPE}
    if auth_req_id is not None:
        data["auth_req_id"] = auth_req_id
    return await env.http.post(TOKEN_URL, data=data, headers={**basic(client_id, secret), **(headers or {})})


async def events(env: Env, type: str | None = None) -> list[dict[str, Any]]:
    """The realm's stored events, newest first."""
    params = {"type": type} if type else {}
    found = await env.http.get("/admin/realms/test/events", params=params, headers=await env.admin_headers())
    assert found.status_code == 200, found.text
    return list(found.json())
