"""Two worker processes on one PostgreSQL, rotation off: a refresh reads its session without row locks and sends
no BEGIN when it has nothing to write (issue #8). Whatever worker revokes an offline token, no worker refreshes it
afterwards, and refreshes racing the revocation on both workers end in 200 or Keycloak's invalid_grant, never a 5xx."""

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
    seed = SeedRealm()  # rotation off
    asyncio.run(_seed(postgres_url, seed))
    server = WorkersProcess(tmp_path / "server", db_url=postgres_url)
    server.start()
    yield server, seed
    server.stop()


def _post(server: DoorkeepProcess, seed: SeedRealm, path: str, form: dict[str, str]) -> requests.Response:
    url = f"{server.base_url}/realms/{seed.name}/protocol/openid-connect/{path}"
    client = {"client_id": seed.client_id, "client_secret": seed.client_secret}
    return requests.post(url, data={**form, **client}, timeout=20)


def _offline_token(server: DoorkeepProcess, seed: SeedRealm) -> str:
    form = {"grant_type": "password", "username": seed.username, "password": seed.password, "scope": "offline_access"}
    login = _post(server, seed, "token", form)
    assert login.status_code == 200, login.text
    return str(login.json()["refresh_token"])


def test_a_revoked_offline_token_refreshes_on_no_worker_and_the_race_is_never_a_5xx(
    cluster: tuple[DoorkeepProcess, SeedRealm],
) -> None:
    server, seed = cluster
    for _ in range(3):
        token = _offline_token(server, seed)
        refresh = {"grant_type": "refresh_token", "refresh_token": token}
        assert _post(server, seed, "token", refresh).status_code == 200

        def refreshed(_: int, refresh: dict[str, str] = refresh) -> requests.Response:
            return _post(server, seed, "token", refresh)

        with ThreadPoolExecutor(max_workers=8) as pool:
            racing = [pool.submit(refreshed, n) for n in range(6)]
            revoked = _post(server, seed, "revoke", {"token": token, "token_type_hint": "refresh_token"})
            answers = [f.result() for f in racing]
        assert revoked.status_code == 200, revoked.text
        for answer in answers:
            assert answer.status_code in (200, 400), answer.text
            if answer.status_code == 400:
                assert answer.json()["error"] == "invalid_grant", answer.text
        with ThreadPoolExecutor(max_workers=8) as pool:
            after = list(pool.map(refreshed, range(8)))  # a new connection each: either worker may answer
        assert [a.status_code for a in after] == [400] * 8, [a.text for a in after]
        assert {a.json()["error"] for a in after} == {"invalid_grant"}
