"""SIGTERM as Keycloak 26 handles it: serve on for --shutdown-delay with readiness DOWN, then close the
listener, let in-flight requests finish within --shutdown-timeout, and exit."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest
import requests

from interop.server import DoorkeepProcess

pytestmark = pytest.mark.interop

PORT = 18622


class DelayedStop(DoorkeepProcess):
    def __init__(self, workdir: Path, *extra: str) -> None:
        super().__init__(workdir, port=PORT)
        self.extra = extra

    def command(self) -> list[str]:
        return [*super().command(), *self.extra]


def test_sigterm_serves_on_during_the_delay_with_readiness_down_then_exits(tmp_path: Path) -> None:
    server = DelayedStop(tmp_path, "--shutdown-delay", "3s", "--shutdown-timeout", "5s")
    server.start()
    try:
        assert requests.get(f"{server.base_url}/health/ready", timeout=5).status_code == 200
        assert server._process is not None
        signalled = time.monotonic()
        server._process.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        ready = requests.get(f"{server.base_url}/health/ready", timeout=5)
        assert ready.status_code == 503
        assert ready.json() == {"status": "DOWN", "checks": [{"name": "Graceful Shutdown", "status": "DOWN"}]}
        assert requests.get(f"{server.base_url}/realms/master", timeout=5).status_code == 200  # still serving
        assert requests.get(f"{server.base_url}/health/live", timeout=5).status_code == 200
        code = server._process.wait(30)
        took = time.monotonic() - signalled
        assert code in (0, -signal.SIGTERM), server.output()
        assert 2.5 <= took < 20, took
        with pytest.raises(requests.ConnectionError):
            requests.get(f"{server.base_url}/realms/master", timeout=2)
        assert "Traceback" not in server.output()
    finally:
        server.stop()


def test_without_a_delay_sigterm_stops_at_once(tmp_path: Path) -> None:
    server = DelayedStop(tmp_path, "--shutdown-delay", "0")
    server.start()
    try:
        assert server._process is not None
        signalled = time.monotonic()
        server._process.send_signal(signal.SIGTERM)
        assert server._process.wait(30) in (0, -signal.SIGTERM), server.output()
        assert time.monotonic() - signalled < 2.5
    finally:
        server.stop()


def test_sigint_skips_the_delay(tmp_path: Path) -> None:
    server = DelayedStop(tmp_path, "--shutdown-delay", "30s")
    server.start()
    try:
        assert server._process is not None
        signalled = time.monotonic()
        server._process.send_signal(signal.SIGINT)
        server._process.wait(30)
        assert time.monotonic() - signalled < 10
    finally:
        server.stop()
