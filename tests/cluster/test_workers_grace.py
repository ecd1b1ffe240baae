"""The refresh grace period on ``doorkeep start --workers 2`` with PostgreSQL (issue #13 item 1).

Eight presentations of one token at once, spread over both worker processes, make exactly one successor:
the client-session row lock (``SELECT … FOR UPDATE``) serialises them, not a Python lock. A keeper whose
refresh answer was lost keeps its session through its own retry.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from doorkeep_keeper import FileStore, TokenKey
from grace_support import demo_realm_with_grace, present_at_once
from interop.server import DoorkeepProcess, WorkersProcess
from keeper_support import (
    CLIENT,
    issuer,
    keeper_for,
    lossy_proxy,
    offline_login,
    refresh_directly,
    stored_without_access_token,
    works,
)

pytestmark = [pytest.mark.interop, pytest.mark.postgres]


@pytest.fixture
def server(tmp_path: Path, postgres_url: str) -> Iterator[DoorkeepProcess]:
    realm = demo_realm_with_grace(tmp_path / "realms")
    process = WorkersProcess(tmp_path / "server", db_url=postgres_url, import_realms=[realm])
    process.start()
    yield process
    process.stop()


def test_parallel_presentations_on_two_workers_make_exactly_one_live_successor(server: DoorkeepProcess) -> None:
    for _ in range(3):  # a fresh chain each round; each round races all eight requests
        token = str(offline_login(server)["refresh_token"])
        responses = present_at_once(server, token)
        assert [r.status_code for r in responses] == [200] * 8, [r.text for r in responses]
        successors = {r.json()["refresh_token"] for r in responses}
        assert len(successors) == 1, successors
        (successor,) = successors
        assert refresh_directly(server, successor).status_code == 200
        assert refresh_directly(server, token).status_code == 400  # after the successor's use: reuse


def test_a_lost_answer_on_postgresql_is_recovered_by_the_keepers_retry(server: DoorkeepProcess, tmp_path: Path) -> None:
    key = TokenKey(issuer(server), CLIENT, "user1")
    store = FileStore(tmp_path / "tokens")
    with lossy_proxy(server.base_url) as (url, proxy), keeper_for(store, url) as keeper:
        stored_without_access_token(keeper, key, offline_login(server))
        proxy.drop_next_answers = 1
        access = keeper.access_token(key)
    assert proxy.answers_from_server == [200, 200] and proxy.replayed == 0
    held = store.load(key)
    assert works(server, access) and held is not None
    assert refresh_directly(server, held.refresh_token).status_code == 200
