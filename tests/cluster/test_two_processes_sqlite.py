"""Two server processes on one SQLite file (issue #8). ``--workers`` > 1 needs PostgreSQL, but two
``doorkeep`` processes can still share a file (a second start, an admin command): SQLite runs inline on
each process's event loop, a process waiting for the other's write lock retries asynchronously and
never freezes its loop, and rotation still holds across the two."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from interop.server import DoorkeepProcess, SeedRealm, _seed

pytestmark = [pytest.mark.interop]


Pair = tuple[list[DoorkeepProcess], SeedRealm]


@pytest.fixture
def two_processes(tmp_path: Path) -> Iterator[Pair]:
    seed = SeedRealm(revoke_refresh_token=True)
    db_url = f"sqlite:///{tmp_path / 'doorkeep.db'}"
    asyncio.run(_seed(db_url, seed))
    servers = [DoorkeepProcess(tmp_path / f"server{n}", db_url=db_url) for n in (1, 2)]
    try:
        for server in servers:
            server.start()
        yield servers, seed
    finally:
        for server in servers:
            server.stop()


def token_url(server: DoorkeepProcess, seed: SeedRealm) -> str:
    return f"{server.base_url}/realms/{seed.name}/protocol/openid-connect/token"


def _offline_token(server: DoorkeepProcess, seed: SeedRealm) -> str:
    form = {
        "grant_type": "password",
        "username": seed.username,
        "password": seed.password,
        "scope": "offline_access",
        "client_id": seed.client_id,
        "client_secret": seed.client_secret,
    }
    login = requests.post(token_url(server, seed), data=form, timeout=30)
    assert login.status_code == 200, login.text
    return str(login.json()["refresh_token"])


def _refresh(server: DoorkeepProcess, seed: SeedRealm, token: str, issuer_host: str) -> requests.Response:
    form = {
        "grant_type": "refresh_token",
        "refresh_token": token,
        "client_id": seed.client_id,
        "client_secret": seed.client_secret,
    }
    # Both processes must see the same issuer: the one the token was minted for.
    return requests.post(token_url(server, seed), data=form, headers={"Host": issuer_host}, timeout=60)


def test_chains_rotating_in_parallel_across_two_processes_on_one_sqlite_file_all_succeed(
    two_processes: Pair,
) -> None:
    servers, seed = two_processes
    chains = [_offline_token(servers[0], seed) for _ in range(6)]
    host = f"127.0.0.1:{servers[0].port}"

    def rotate(token: str) -> list[int]:
        statuses = []
        for step in range(8):  # alternating processes: their writes contend for the one file
            response = _refresh(servers[step % 2], seed, token, host)
            statuses.append(response.status_code)
            if response.status_code != 200:
                break
            token = response.json()["refresh_token"]
        return statuses

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(rotate, chains))
    assert results == [[200] * 8] * 6


def test_a_token_raced_on_two_processes_on_one_sqlite_file_is_rotated_exactly_once(two_processes: Pair) -> None:
    servers, seed = two_processes
    token = _offline_token(servers[0], seed)
    host = f"127.0.0.1:{servers[0].port}"
    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(lambda n: _refresh(servers[n % 2], seed, token, host), range(8)))
    statuses = [r.status_code for r in responses]
    assert statuses.count(200) == 1, statuses
    assert statuses.count(400) == 7, statuses
    assert {r.json()["error"] for r in responses if r.status_code == 400} == {"invalid_grant"}
