"""doorkeep-keeper against a real Doorkeep (demo realm: rotation on, max reuse 0): races, crashes, lost answers."""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from doorkeep_keeper import (
    ConsentRequired,
    FileStore,
    Keeper,
    RefreshAnswerLost,
    ServerUnavailable,
    SqliteStore,
    TokenKey,
)
from interop.server import DEMO_REALM, DoorkeepProcess, StartServer
from keeper_support import (
    CLIENT,
    SECRET,
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

pytestmark = pytest.mark.interop


@pytest.fixture
def server(start_server: StartServer) -> DoorkeepProcess:
    return start_server(import_realms=[DEMO_REALM])


@pytest.fixture
def key(server: DoorkeepProcess) -> TokenKey:
    return TokenKey(issuer(server), CLIENT, "user1")


@pytest.fixture
def store(tmp_path: Path) -> FileStore:
    return FileStore(tmp_path / "tokens")


@pytest.fixture
def keeper(store: FileStore, server: DoorkeepProcess) -> Iterator[Keeper]:
    with keeper_for(store, server.base_url) as keeper:
        yield keeper


def test_a_refresh_stores_the_rotated_offline_token_before_handing_out_the_access_token(
    server: DoorkeepProcess,
    keeper: Keeper,
    key: TokenKey,
) -> None:
    body = offline_login(server)
    stored_without_access_token(keeper, key, body)
    access = keeper.access_token(key)
    held = keeper.holding(key)
    assert held is not None and works(server, access)
    assert held.refresh_token != body["refresh_token"] and held.refresh_count == 1 and held.refreshing_since is None
    assert keeper.access_token(key) == access  # still valid: no second refresh
    assert refresh_directly(server, str(body["refresh_token"])).json()["error"] == "invalid_grant"  # rotated away


def test_a_revoked_grant_raises_consent_required_and_forgets_the_token(
    server: DoorkeepProcess,
    keeper: Keeper,
    key: TokenKey,
) -> None:
    body = offline_login(server)
    stored_without_access_token(keeper, key, body)
    logout = httpx.post(
        f"{issuer(server)}/protocol/openid-connect/logout",
        data={"client_id": CLIENT, "client_secret": SECRET, "refresh_token": body["refresh_token"]},
    )
    assert logout.status_code == 204
    with pytest.raises(ConsentRequired) as raised:
        keeper.access_token(key)
    assert not isinstance(raised.value, RefreshAnswerLost) and raised.value.error == "invalid_grant"
    assert keeper.holding(key) is None


def test_an_unreachable_server_is_transient_and_keeps_the_token(
    server: DoorkeepProcess,
    store: FileStore,
    key: TokenKey,
) -> None:
    body = offline_login(server)
    server.stop()
    with keeper_for(store, server.base_url, retry_window=1.0) as keeper:
        stored_without_access_token(keeper, key, body)
        with pytest.raises(ServerUnavailable):
            keeper.access_token(key)
        held = keeper.holding(key)
        assert held is not None and held.refresh_token == body["refresh_token"]
        server.start()
        assert works(server, keeper.access_token(key))  # the connection was refused: nothing was sent


def test_a_lost_refresh_answer_is_retried_and_without_a_grace_window_ends_in_consent_required(
    server: DoorkeepProcess,
    store: FileStore,
    key: TokenKey,
) -> None:
    body = offline_login(server)
    with lossy_proxy(server.base_url) as (url, proxy), keeper_for(store, url) as keeper:
        stored_without_access_token(keeper, key, body)
        proxy.drop_next_answers = 1
        with pytest.raises(RefreshAnswerLost):
            keeper.access_token(key)
    # Doorkeep rotated the token (200), the answer was dropped, the retry with the same token was reuse (400).
    assert proxy.answers_from_server == [200, 400]
    assert keeper.holding(key) is None


def test_a_lost_refresh_answer_is_recovered_by_the_retry_inside_a_server_grace_window(
    server: DoorkeepProcess,
    store: FileStore,
    key: TokenKey,
) -> None:
    body = offline_login(server)
    with lossy_proxy(server.base_url) as (url, proxy), keeper_for(store, url) as keeper:
        proxy.grace = True  # the proxy answers a retried token with the answer already given, as a grace window will
        stored_without_access_token(keeper, key, body)
        proxy.drop_next_answers = 1
        access = keeper.access_token(key)
    held = keeper.holding(key)
    assert proxy.answers_from_server == [200] and proxy.replayed == 1
    assert works(server, access) and held is not None and held.refresh_count == 1
    assert refresh_directly(server, held.refresh_token).status_code == 200  # the stored successor is alive


def test_two_processes_racing_on_one_token_refresh_once_and_both_get_a_valid_access_token(
    server: DoorkeepProcess,
    store: FileStore,
    key: TokenKey,
    keeper: Keeper,
    tmp_path: Path,
) -> None:
    stored_without_access_token(keeper, key, offline_login(server))
    go = tmp_path / "go"
    with lossy_proxy(server.base_url) as (url, proxy):
        proxy.delay = 0.5  # a slow token endpoint: without the lock both would refresh and one would be reuse
        workers = [run_worker(store, url + TOKEN, key, "--go", str(go)) for _ in range(2)]
        go.touch()
        results = [json.loads(worker.communicate(timeout=60)[0]) for worker in workers]
    assert proxy.token_requests == 1
    assert all("access_token" in result for result in results), results
    assert all(works(server, result["access_token"]) for result in results)


def test_a_process_killed_between_receiving_and_storing_a_token_leaves_the_old_one_marked(
    server: DoorkeepProcess,
    store: FileStore,
    key: TokenKey,
    keeper: Keeper,
) -> None:
    body = offline_login(server)
    stored_without_access_token(keeper, key, body)
    worker = run_worker(store, server.base_url + TOKEN, key, "--die-before-store")
    worker.communicate(timeout=60)
    assert worker.returncode == -signal.SIGKILL
    held = keeper.holding(key)  # what is kept: the previous token, whole, marked as "a refresh was in flight"
    assert held is not None and held.refresh_token == body["refresh_token"] and held.refreshing_since is not None
    with pytest.raises(RefreshAnswerLost):  # documented recovery without a grace window: log in again
        keeper.access_token(key)
    stored_without_access_token(keeper, key, offline_login(server))
    assert works(server, keeper.access_token(key))


def test_a_process_killed_before_storing_recovers_its_successor_inside_a_server_grace_window(
    server: DoorkeepProcess,
    store: FileStore,
    key: TokenKey,
    keeper: Keeper,
) -> None:
    stored_without_access_token(keeper, key, offline_login(server))
    with lossy_proxy(server.base_url) as (url, proxy):
        proxy.grace = True
        worker = run_worker(store, url + TOKEN, key, "--die-before-store")
        worker.communicate(timeout=60)
        with keeper_for(store, url) as recovering:
            access = recovering.access_token(key)
    assert worker.returncode == -signal.SIGKILL and proxy.replayed == 1
    held = keeper.holding(key)
    assert works(server, access) and held is not None and held.refreshing_since is None


def test_threads_of_one_process_sharing_a_sqlite_store_refresh_once(server: DoorkeepProcess, tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "keeper.db")
    key = TokenKey(issuer(server), CLIENT, "user1")
    with lossy_proxy(server.base_url) as (url, proxy):
        proxy.delay = 0.5
        keepers = [
            Keeper(store, token_endpoint=url + TOKEN, client_id=CLIENT, client_secret=SECRET) for _ in range(3)
        ]  # separate Keeper objects: the lock is per process, not per object
        stored_without_access_token(keepers[0], key, offline_login(server))
        with ThreadPoolExecutor(3) as pool:
            tokens = list(pool.map(lambda keeper: keeper.access_token(key), keepers))
        for keeper in keepers:
            keeper.close()
    assert proxy.token_requests == 1 and len(set(tokens)) == 1 and works(server, tokens[0])


def test_revoke_ends_the_offline_grant_at_the_server_and_drops_the_record(
    server: DoorkeepProcess,
    keeper: Keeper,
    key: TokenKey,
) -> None:
    keeper.keep(key, offline_login(server))
    held = keeper.holding(key)
    assert held is not None and keeper.revoke(key) is True
    assert keeper.holding(key) is None and keeper.revoke(key) is False
    assert refresh_directly(server, held.refresh_token).json()["error"] == "invalid_grant"
