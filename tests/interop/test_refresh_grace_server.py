"""The refresh grace period against a real ``doorkeep start-dev`` process on SQLite (issue #13 item 1).

Demo realm: rotation on, max reuse 0, a 30-second grace period. A retried refresh gets the same successor,
parallel presentations make one successor, and doorkeep-keeper recovers a lost answer by its own retry.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from doorkeep_keeper import FileStore, TokenKey
from grace_support import demo_realm_with_grace, present_at_once
from interop.server import DoorkeepProcess, StartServer
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

pytestmark = pytest.mark.interop


@pytest.fixture
def server(start_server: StartServer, tmp_path: Path) -> DoorkeepProcess:
    return start_server(import_realms=[demo_realm_with_grace(tmp_path / "realms")])


def test_eight_parallel_presentations_of_one_token_make_one_successor(server: DoorkeepProcess) -> None:
    token = str(offline_login(server)["refresh_token"])
    responses = present_at_once(server, token)
    assert [r.status_code for r in responses] == [200] * 8, [r.text for r in responses]
    successors = {r.json()["refresh_token"] for r in responses}
    assert len(successors) == 1
    (successor,) = successors
    assert all(works(server, r.json()["access_token"]) for r in responses)
    assert refresh_directly(server, successor).status_code == 200
    reused = refresh_directly(server, token)  # the successor was used: now it is reuse, and that chain ends
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"


def test_the_keeper_retries_a_lost_refresh_answer_and_keeps_the_session(
    server: DoorkeepProcess, tmp_path: Path
) -> None:
    key = TokenKey(issuer(server), CLIENT, "user1")
    store = FileStore(tmp_path / "tokens")
    with lossy_proxy(server.base_url) as (url, proxy), keeper_for(store, url) as keeper:
        stored_without_access_token(keeper, key, offline_login(server))
        proxy.drop_next_answers = 1  # the server rotates, the answer never arrives
        access = keeper.access_token(key)
    # the retry presented the rotated token again and the server itself answered it (no proxy replay)
    assert proxy.answers_from_server == [200, 200] and proxy.replayed == 0
    held = keeper.holding(key)
    assert works(server, access) and held is not None and held.refreshing_since is None
    assert refresh_directly(server, held.refresh_token).status_code == 200  # the stored successor is alive


def test_a_retry_after_the_server_was_killed_inside_the_window_gets_the_same_successor(
    start_server: StartServer, tmp_path: Path
) -> None:
    """The window's state lives on the token family's row, not in the process: a client whose answer
    was lost because the server died retries against the restarted server and continues the chain."""
    server = start_server(import_realms=[demo_realm_with_grace(tmp_path / "realms", seconds=120)])
    token = str(offline_login(server)["refresh_token"])
    lost = refresh_directly(server, token)  # the server rotated; suppose this answer never arrived
    assert lost.status_code == 200, lost.text
    assert server.kill9() != 0
    server.start()  # same data directory and port
    retry = refresh_directly(server, token)
    assert retry.status_code == 200, retry.text
    successor = lost.json()["refresh_token"]
    assert retry.json()["refresh_token"] == successor
    assert works(server, retry.json()["access_token"])
    assert refresh_directly(server, successor).status_code == 200
    reused = refresh_directly(server, token)  # the successor was used: the window is closed for this token
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"
