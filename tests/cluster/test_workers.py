"""Several worker processes on one PostgreSQL: any process serves any refresh, and rotation holds
across processes because the database, not a Python lock, authorises each refresh."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from interop.server import DoorkeepProcess, SeedRealm, WorkersProcess, _seed

pytestmark = [pytest.mark.interop, pytest.mark.postgres]


@pytest.fixture
def cluster(tmp_path: Path, postgres_url: str) -> Iterator[tuple[DoorkeepProcess, SeedRealm]]:
    seed = SeedRealm(revoke_refresh_token=True)
    asyncio.run(_seed(postgres_url, seed))
    server = WorkersProcess(tmp_path / "server", db_url=postgres_url)
    server.start()
    yield server, seed
    server.stop()


def token_url(server: DoorkeepProcess, seed: SeedRealm) -> str:
    return f"{server.base_url}/realms/{seed.name}/protocol/openid-connect/token"


def test_rotation_holds_across_worker_processes(cluster: tuple[DoorkeepProcess, SeedRealm]) -> None:
    server, seed = cluster
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
    )
    assert login.status_code == 200, login.text
    token = login.json()["refresh_token"]
    # A chain of rotations, each request free to land on either worker.
    for _ in range(6):
        response = requests.post(
            token_url(server, seed), data={"grant_type": "refresh_token", "refresh_token": token, **client}, timeout=10
        )
        assert response.status_code == 200, response.text
        token = response.json()["refresh_token"]

    def use(_: int) -> int:
        return requests.post(
            token_url(server, seed), data={"grant_type": "refresh_token", "refresh_token": token, **client}, timeout=20
        ).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(use, range(8)))
    assert statuses.count(200) == 1, statuses
    assert statuses.count(400) == 7, statuses


def test_an_admin_change_on_one_worker_is_seen_by_every_worker_at_once(
    cluster: tuple[DoorkeepProcess, SeedRealm],
) -> None:
    server, seed = cluster
    client = {"client_id": seed.client_id, "client_secret": seed.client_secret}
    token = requests.post(
        token_url(server, seed),
        data={"grant_type": "password", "username": seed.username, "password": seed.password, **client},
        timeout=10,
    ).json()["refresh_token"]
    for _ in range(6):  # warm the configuration cache of both workers
        response = requests.post(
            token_url(server, seed), data={"grant_type": "refresh_token", "refresh_token": token, **client}, timeout=10
        )
        assert response.status_code == 200, response.text
        token = response.json()["refresh_token"]
    admin = server.admin_token()
    headers = {"Authorization": f"Bearer {admin}"}
    clients = f"{server.base_url}/admin/realms/{seed.name}/clients"
    uuid = requests.get(clients, params={"clientId": seed.client_id}, headers=headers, timeout=10).json()[0]["id"]
    assert requests.put(f"{clients}/{uuid}", json={"enabled": False}, headers=headers, timeout=10).status_code == 204
    for _ in range(6):
        response = requests.post(
            token_url(server, seed), data={"grant_type": "refresh_token", "refresh_token": token, **client}, timeout=10
        )
        assert response.status_code == 401 and response.json()["error"] == "invalid_client", response.text


def test_a_client_scope_created_on_one_worker_is_in_every_workers_discovery_at_once(
    cluster: tuple[DoorkeepProcess, SeedRealm],
) -> None:
    """The discovery document's scope list is cached per process and configuration version: a scope
    created, then hidden from the metadata, through one worker shows (and hides) in every worker's next
    document."""
    server, seed = cluster
    discovery = f"{server.base_url}/realms/{seed.name}/.well-known/openid-configuration"

    def listed() -> list[set[str]]:  # fresh connections, free to land on either worker
        return [set(requests.get(discovery, timeout=10).json()["scopes_supported"]) for _ in range(8)]

    assert all("orders" not in names for names in listed())  # and both workers' caches are warm
    headers = {"Authorization": f"Bearer {server.admin_token()}"}
    scopes = f"{server.base_url}/admin/realms/{seed.name}/client-scopes"
    created = requests.post(scopes, json={"name": "orders", "protocol": "openid-connect"}, headers=headers, timeout=10)
    assert created.status_code == 201, created.text
    assert all("orders" in names for names in listed())
    hidden: dict[str, str | dict[str, str]] = {
        "name": "orders",
        "attributes": {"include.in.openid.provider.metadata": "false"},
    }
    scope_url = created.headers["location"]
    assert requests.put(scope_url, json=hidden, headers=headers, timeout=10).status_code == 204
    assert all("orders" not in names for names in listed())


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            found += [int(child), *_descendants(int(child))]
    return found


def test_worker_processes_hold_no_bootstrap_password_in_their_environment(
    cluster: tuple[DoorkeepProcess, SeedRealm],
) -> None:
    server, _ = cluster
    assert server._process is not None
    workers = _descendants(server._process.pid)
    assert len(workers) >= 2, workers  # uvicorn's workers (and any helper process)
    for pid in workers:
        environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        assert not any(item.startswith(b"DOORKEEP_BOOTSTRAP_ADMIN_PASSWORD=") for item in environ), pid
        settings = next((item for item in environ if item.startswith(b"DOORKEEP__SETTINGS_JSON=")), b"")
        assert b'"bootstrap_admin_password": null' in settings or not settings, pid
