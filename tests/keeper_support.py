"""A reverse proxy in front of a real Doorkeep that can lose token answers, and a doorkeep-keeper worker process.

``LossyProxy`` forwards every request to Doorkeep with httpx. For token requests it counts them, can wait
before forwarding (to widen a race), can drop the answer after Doorkeep has produced it (the client sees the
connection close with no response: the refresh happened, its answer is lost), and, in ``grace`` mode,
answers a token request that presents an already answered refresh token with that same answer, which is what
a server-side refresh grace window (issue #13 item 1) will do.
"""

from __future__ import annotations

import http.server
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict, Unpack
from urllib.parse import parse_qs

import httpx

from doorkeep_keeper import FileStore, Keeper, TokenKey
from interop.server import DoorkeepProcess

TOKEN_PATH = "/protocol/openid-connect/token"
TOKEN = "/realms/demo" + TOKEN_PATH
CLIENT, SECRET = "offline-access-portal", "password"
WORKER = Path(__file__).parent / "keeper_worker.py"
KEEPER_SRC = Path(__file__).parents[1] / "clients" / "keeper" / "src"


@dataclass
class ProxyState:
    upstream: str
    drop_next_answers: int = 0
    delay: float = 0.0
    grace: bool = False
    token_requests: int = 0
    answers_from_server: list[int] = field(default_factory=list)
    replayed: int = 0
    _answers: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state: ProxyState

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self._forward(b"")

    def do_POST(self) -> None:
        self._forward(self.rfile.read(int(self.headers.get("Content-Length", "0"))))

    def _forward(self, body: bytes) -> None:
        state = self.state
        token = self.command == "POST" and self.path.endswith(TOKEN_PATH)
        presented = parse_qs(body.decode()).get("refresh_token", [""])[0] if token else ""
        if token:
            with state.lock:
                state.token_requests += 1
                cached = state._answers.get(presented) if state.grace and presented else None
                if cached is not None:
                    state.replayed += 1
            if cached is not None:
                self._answer(*cached)
                return
            if state.delay:
                threading.Event().wait(state.delay)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length", "connection")}
        with httpx.Client() as client:
            upstream = client.request(self.command, state.upstream + self.path, content=body, headers=headers)
        if token:
            with state.lock:
                state.answers_from_server.append(upstream.status_code)
                if presented:
                    state._answers[presented] = (upstream.status_code, upstream.content)
                drop = state.drop_next_answers > 0
                state.drop_next_answers -= 1 if drop else 0
            if drop:  # the server has answered; the client never hears of it
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
        self._answer(upstream.status_code, upstream.content)

    def _answer(self, status: int, content: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)


@contextmanager
def lossy_proxy(upstream: str) -> Iterator[tuple[str, ProxyState]]:
    """Serve the proxy on 127.0.0.1 for the duration of the block: (its base URL, its state)."""
    state = ProxyState(upstream)
    handler = type("Handler", (_Handler,), {"state": state})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def issuer(server: DoorkeepProcess) -> str:
    return f"{server.base_url}/realms/demo"


def offline_login(server: DoorkeepProcess) -> dict[str, object]:
    """user1 grants offline access (password grant with scope offline_access)."""
    response = httpx.post(
        server.base_url + TOKEN,
        data={
            "grant_type": "password",
            "client_id": CLIENT,
            "client_secret": SECRET,
            "username": "user1",
            "password": "password",
            "scope": "openid offline_access",
        },
    )
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def works(server: DoorkeepProcess, access_token: str) -> bool:
    """Doorkeep accepts this access token (userinfo answers 200)."""
    response = httpx.get(
        f"{issuer(server)}/protocol/openid-connect/userinfo", headers={"Authorization": f"Bearer {access_token}"}
    )
    return response.status_code == 200


def refresh_directly(server: DoorkeepProcess, token: str) -> httpx.Response:
    return httpx.post(
        server.base_url + TOKEN,
        data={"grant_type": "refresh_token", "client_id": CLIENT, "client_secret": SECRET, "refresh_token": token},
    )


class KeeperOptions(TypedDict, total=False):
    """The Keeper settings a test may change (the endpoint, client and retry delays are fixed here)."""

    retry_window: float
    min_validity: int


def keeper_for(store: FileStore, base_url: str, **options: Unpack[KeeperOptions]) -> Keeper:
    return Keeper(
        store,
        token_endpoint=base_url + TOKEN,
        client_id=CLIENT,
        client_secret=SECRET,
        retry_delays=(0.05, 0.1),
        **options,
    )


def stored_without_access_token(keeper: Keeper, key: TokenKey, body: dict[str, object]) -> None:
    """Keep the offline token only, so the next access_token() must refresh."""
    keeper.keep(key, {k: v for k, v in body.items() if k != "access_token"})


def keeper_env() -> dict[str, str]:
    """The environment of a child process that imports doorkeep_keeper from this checkout (not installed)."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(KEEPER_SRC), os.environ.get("PYTHONPATH"))))}


def run_worker(store: FileStore, endpoint: str, key: TokenKey, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), str(store.directory), endpoint, key.issuer, key.subject, *extra],
        stdout=subprocess.PIPE,
        text=True,
        env=keeper_env(),
    )
