"""A stub OAuth 2.0 token endpoint on 127.0.0.1 for SMTP token authentication (``authType`` ``token``): the
client credentials grant of a few known clients, each grant a new opaque token, the requests kept."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest


@dataclass
class TokenEndpoint:
    """A client credentials token endpoint: the Java realm's three SMTP clients (secret ``secret``); each grant
    answers a new token, each refused one a 401 without a token."""

    url: str = ""
    issued: list[str] = field(default_factory=list)
    requests: list[dict[str, str]] = field(default_factory=list)
    secrets: dict[str, str] = field(
        default_factory=lambda: {f"test-smtp-client-{n}": "secret" for n in ("I", "II", "III")}
    )
    padding: int = 0  # characters of filler each granted answer carries (an oversized answer)

    def answer(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        self.requests.append(form)
        known = self.secrets.get(form.get("client_id", ""))
        if form.get("grant_type") != "client_credentials" or known is None or form.get("client_secret") != known:
            return 401, {
                "error": "unauthorized_client",
                "error_description": "Invalid client or Invalid client credentials",
            }
        token = f"token-{len(self.issued) + 1}"
        self.issued.append(token)
        answer = {"access_token": token, "expires_in": 300, "token_type": "Bearer", "scope": form.get("scope")}
        return 200, {**answer, **({"padding": "x" * self.padding} if self.padding else {})}

    def count(self, client_id: str) -> int:
        """``assertClientLoginEventsCountAndClear``: the requests for ``client_id`` since the last count."""
        found = sum(1 for r in self.requests if r.get("client_id") == client_id)
        self.requests.clear()
        return found


@pytest.fixture
def token_endpoint() -> Iterator[TokenEndpoint]:
    stub = TokenEndpoint()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
            status, answer = stub.answer({k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()})
            raw = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    stub.url = f"http://127.0.0.1:{server.server_address[1]}/realms/test/protocol/openid-connect/token"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
