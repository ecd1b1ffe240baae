"""doorkeep-keeper against ``doorkeep start --workers 2`` on PostgreSQL (demo realm: rotation, max reuse 0).

Racing keeper processes make one refresh between them whichever server worker answers, and a lost answer
ends in the typed error, as on SQLite.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from doorkeep_keeper import FileStore, RefreshAnswerLost, TokenKey
from interop.server import DEMO_REALM, DoorkeepProcess, WorkersProcess
from keeper_support import (
    CLIENT,
    TOKEN,
    issuer,
    keeper_for,
    lossy_proxy,
    offline_login,
    refresh_directly,
    run_worker,
    stored_without_access_token,
    works,
)

pytestmark = [pytest.mark.interop, pytest.mark.postgres]


@pytest.fixture
def server(tmp_path: Path, postgres_url: str) -> Iterator[DoorkeepProcess]:
    process = WorkersProcess(tmp_path / "server", db_url=postgres_url, import_realms=[DEMO_REALM], startup_timeout=60)
    process.start()
    yield process
    process.stop()


@pytest.fixture
def key(server: DoorkeepProcess) -> TokenKey:
    return TokenKey(issuer(server), CLIENT, "user1")


def test_four_keeper_processes_racing_on_two_server_workers_leave_one_live_chain(
    server: DoorkeepProcess,
    key: TokenKey,
    tmp_path: Path,
) -> None:
    store = FileStore(tmp_path / "tokens")
    with keeper_for(store, server.base_url) as keeper:
        stored_without_access_token(keeper, key, offline_login(server))
    go = tmp_path / "go"
    with lossy_proxy(server.base_url) as (url, proxy):
        proxy.delay = 0.3
        workers = [run_worker(store, url + TOKEN, key, "--go", str(go)) for _ in range(4)]
        go.touch()
        results = [json.loads(worker.communicate(timeout=90)[0]) for worker in workers]
    assert proxy.token_requests == 1 and proxy.answers_from_server == [200]
    assert all("access_token" in result and works(server, result["access_token"]) for result in results), results
    held = store.load(key)
    assert held is not None and refresh_directly(server, held.refresh_token).status_code == 200


def test_a_lost_answer_on_postgresql_ends_in_refresh_answer_lost_and_no_live_token(
    server: DoorkeepProcess,
    key: TokenKey,
    tmp_path: Path,
) -> None:
    store = FileStore(tmp_path / "tokens")
    body = offline_login(server)
    with lossy_proxy(server.base_url) as (url, proxy), keeper_for(store, url) as keeper:
        stored_without_access_token(keeper, key, body)
        proxy.drop_next_answers = 1
        with pytest.raises(RefreshAnswerLost):
            keeper.access_token(key)
    assert proxy.answers_from_server == [200, 400] and store.load(key) is None
