"""A tiny HTTP receiver on 127.0.0.1 that records the POSTs clients would get (backchannel logout,
k_push_not_before); ``hang`` makes it never answer, ``status`` picks its answer."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import anyio


@dataclass
class Received:
    path: str
    content_type: str
    body: str


@dataclass
class Receiver:
    url: str
    requests: list[Received] = field(default_factory=list)
    status: int = 200
    hang: threading.Event | None = None

    async def wait_for(self, count: int = 1, timeout: float = 10.0) -> list[Received]:
        """The requests so far, once ``count`` have arrived (the app delivers in background tasks)."""
        deadline = time.monotonic() + timeout
        while len(self.requests) < count and time.monotonic() < deadline:
            await anyio.sleep(0.02)
        assert len(self.requests) >= count, f"expected {count} request(s), got {len(self.requests)}"
        return list(self.requests)


@contextmanager
def receiver(*, status: int = 200, hang: bool = False, port: int = 0) -> Iterator[Receiver]:
    """A receiver on ``port`` (0: any free one)."""
    release = threading.Event() if hang else None
    box: list[Receiver] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length).decode()
            box[0].requests.append(Received(self.path, self.headers.get("Content-Type", ""), body))
            if release is not None:
                release.wait(15)
                return
            self.send_response(box[0].status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    box.append(Receiver(f"http://127.0.0.1:{server.server_address[1]}", status=status, hang=release))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield box[0]
    finally:
        if release is not None:
            release.set()
        server.shutdown()
        server.server_close()


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
