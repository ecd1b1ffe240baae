"""Two worker processes on one PostgreSQL: what one worker writes to a session, the admin reads of the
other see at once (the counts and pages of issue #8 read the database, no per-process cache)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from test_workers import token_url

from interop.server import DoorkeepProcess, SeedRealm, WorkersProcess, _seed

pytestmark = [pytest.mark.interop, pytest.mark.postgres]
READS = 8  # enough requests that both workers answer some (uvicorn spreads connections)


@pytest.fixture
def two_workers(tmp_path: Path, postgres_url: str) -> Iterator[tuple[DoorkeepProcess, SeedRealm]]:
    seed = SeedRealm()
    asyncio.run(_seed(postgres_url, seed))
    server = WorkersProcess(tmp_path / "server", db_url=postgres_url)
    server.start()
    yield server, seed
    server.stop()


def _admin(server: DoorkeepProcess, seed: SeedRealm) -> tuple[dict[str, str], str]:
    admin = server.admin_token()
    headers = {"Authorization": f"Bearer {admin}"}
    clients = f"{server.base_url}/admin/realms/{seed.name}/clients"
    uuid = requests.get(clients, params={"clientId": seed.client_id}, headers=headers, timeout=10).json()[0]["id"]
    return headers, f"{clients}/{uuid}"


def _fresh_get(url: str, headers: dict[str, str]) -> object:
    """A GET on a new connection each time, so that successive reads may land on different workers."""
    with requests.Session() as http:
        response = http.get(url, headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_session_touched_by_one_worker_is_seen_by_the_other_in_admin_reads(
    two_workers: tuple[DoorkeepProcess, SeedRealm],
) -> None:
    server, seed = two_workers
    client = {"client_id": seed.client_id, "client_secret": seed.client_secret}
    login = requests.post(
        token_url(server, seed),
        data={
            "grant_type": "password",
            "username": seed.username,
            "password": seed.password,
            "scope": "offline_access",
            **client,
        },
        timeout=10,
    ).json()
    headers, client_url = _admin(server, seed)
    assert [_fresh_get(f"{client_url}/offline-session-count", headers) for _ in range(READS)] == [{"count": 1}] * READS
    time.sleep(1.2)  # lastAccess has second resolution
    refreshed_at = int(time.time())
    response = requests.post(
        token_url(server, seed),
        data={"grant_type": "refresh_token", "refresh_token": login["refresh_token"], **client},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    for _ in range(READS):
        sessions = _fresh_get(f"{client_url}/offline-sessions", headers)
        assert isinstance(sessions, list) and [s["id"] for s in sessions] == [login["session_state"]]
        assert sessions[0]["lastAccess"] >= refreshed_at * 1000
    revoked = requests.delete(
        f"{server.base_url}/admin/realms/{seed.name}/sessions/{login['session_state']}",
        params={"isOffline": "true"},
        headers=headers,
        timeout=10,
    )
    assert revoked.status_code == 204, revoked.text
    assert [_fresh_get(f"{client_url}/offline-session-count", headers) for _ in range(READS)] == [{"count": 0}] * READS
    assert all(_fresh_get(f"{client_url}/offline-sessions", headers) == [] for _ in range(READS))
