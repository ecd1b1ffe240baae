"""A refresh storm across SIGTERM: with rotation on (revokeRefreshToken, max reuse 0) no session and no
rotated token is lost when the server, or one worker of several, is stopped and started again.

Each client refreshes in a loop with its last token. A request that fails at the transport level
(connection refused or reset while nobody listens) is retried with the same token: it never reached a
handler, so the token is still the newest. A refresh that committed but whose answer was lost would
leave the client holding a token that was already used, and the retry would answer 400 — graceful
shutdown finishes in-flight requests so that this cannot happen on SIGTERM.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from interop.server import DoorkeepProcess, SeedRealm, WorkersProcess, _seed

pytestmark = [pytest.mark.interop, pytest.mark.postgres]

CLIENTS = 6
PORTS = {1: 18620, 2: 18621}  # this test's ports (18620-18629)
DELAYED_PORT = 18623


def postgres_server(
    workdir: Path, db_url: str, workers: int, delay: str = "0", port: int | None = None
) -> WorkersProcess:
    """``doorkeep start`` on PostgreSQL with ``workers`` processes and the shutdown delay ``delay``."""
    extra = ("--shutdown-delay", delay, "--shutdown-timeout", "10s")
    return WorkersProcess(workdir, port=port or PORTS[workers], db_url=db_url, workers=workers, extra=extra)


class Storm:
    """``CLIENTS`` threads, each refreshing its own offline session's token chain until told to stop."""

    def __init__(self, server: DoorkeepProcess, seed: SeedRealm) -> None:
        self.url = f"{server.base_url}/realms/{seed.name}/protocol/openid-connect/token"
        self.client = {"client_id": seed.client_id, "client_secret": seed.client_secret}
        self.tokens = [self._login(seed) for _ in range(CLIENTS)]
        self.refreshed = [0] * CLIENTS
        self.retried = [0] * CLIENTS
        self.refused: list[str] = []  # any answer other than 200: a lost token or session
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._loop, args=(i,)) for i in range(CLIENTS)]

    def _login(self, seed: SeedRealm) -> str:
        response = requests.post(
            self.url,
            timeout=20,
            data={
                "grant_type": "password",
                "username": seed.username,
                "password": seed.password,
                "scope": "offline_access",
                **self.client,
            },
        )
        assert response.status_code == 200, response.text
        return str(response.json()["refresh_token"])

    def refresh(self, i: int) -> requests.Response:
        return requests.post(
            self.url, timeout=30, data={"grant_type": "refresh_token", "refresh_token": self.tokens[i], **self.client}
        )

    def _loop(self, i: int) -> None:
        while not self.stop.is_set():
            try:
                response = self.refresh(i)
            except requests.ConnectionError:  # nobody listening, or reset before an answer: same token again
                self.retried[i] += 1
                time.sleep(0.05)
                continue
            if response.status_code != 200:
                self.refused.append(f"client {i}: {response.status_code} {response.text}")
                return
            self.tokens[i] = response.json()["refresh_token"]
            self.refreshed[i] += 1

    def __enter__(self) -> Storm:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(60)

    def wait_for(self, more: int) -> None:
        """Until every client refreshed ``more`` more times (or gave up)."""
        goal = [n + more for n in self.refreshed]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not self.refused:
            if all(n >= g for n, g in zip(self.refreshed, goal, strict=True)):
                return
            time.sleep(0.05)


def _children(pid: int) -> list[int]:
    return [int(c) for task in Path(f"/proc/{pid}/task").iterdir() for c in (task / "children").read_text().split()]


@pytest.fixture
def seed(postgres_url: str) -> SeedRealm:
    seed = SeedRealm(revoke_refresh_token=True)
    asyncio.run(_seed(postgres_url, seed))
    return seed


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[list[DoorkeepProcess]]:
    started: list[DoorkeepProcess] = []
    yield started
    for server in started:
        server.stop()


def check_every_client_still_refreshes(storm: Storm) -> None:
    assert storm.refused == [], storm.refused
    for i in range(CLIENTS):
        response = storm.refresh(i)
        assert response.status_code == 200, (i, response.text)


def test_sigterm_and_restart_of_the_server_lose_no_rotated_token(
    tmp_path: Path,
    postgres_url: str,
    seed: SeedRealm,
    servers: list[DoorkeepProcess],
) -> None:
    server = postgres_server(tmp_path / "server", postgres_url, workers=1)
    servers.append(server)
    server.start()
    with Storm(server, seed) as storm:
        storm.wait_for(5)
        for _ in range(2):  # two restarts in the middle of the storm
            assert server.stop(timeout=30) in (0, -signal.SIGTERM), server.output()
            server.start()
            storm.wait_for(5)
    check_every_client_still_refreshes(storm)
    assert sum(storm.retried) > 0  # the restarts did happen under the clients' feet
    assert "Traceback" not in server.output()


def test_sigterm_of_one_worker_loses_no_rotated_token(
    tmp_path: Path,
    postgres_url: str,
    seed: SeedRealm,
    servers: list[DoorkeepProcess],
) -> None:
    server = postgres_server(tmp_path / "server", postgres_url, workers=2)
    servers.append(server)
    server.start()
    assert server._process is not None
    with Storm(server, seed) as storm:
        storm.wait_for(5)
        for _ in range(2):
            victim = _children(server._process.pid)[0]
            os.kill(victim, signal.SIGTERM)  # the supervisor starts a new worker in its place
            storm.wait_for(10)
        assert sorted(_children(server._process.pid)) != []
    check_every_client_still_refreshes(storm)
    assert "Traceback" not in server.output()


def test_the_worker_supervisor_keeps_serving_through_the_delay_then_stops(
    tmp_path: Path,
    postgres_url: str,
    servers: list[DoorkeepProcess],
) -> None:
    server = postgres_server(tmp_path / "server", postgres_url, workers=2, delay="3s", port=DELAYED_PORT)
    servers.append(server)
    server.start()
    assert server._process is not None
    signalled = time.monotonic()
    server._process.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    for _ in range(4):  # whichever worker answers, it still serves
        assert requests.get(f"{server.base_url}/realms/master", timeout=5).status_code == 200
    code = server._process.wait(30)
    assert code in (0, -signal.SIGTERM), server.output()
    assert 2.5 <= time.monotonic() - signalled < 20
    assert "Traceback" not in server.output()
