"""Device-aware offline grants, bulk revocation (by device label, and two runs at once) and a revocation trigger on
``doorkeep start --workers 2`` with PostgreSQL (issue #13 items 2 and 3).

The requests of each test are spread over both worker processes by the kernel, so what one worker
writes (a session ended by the cap, a bulk revocation, a policy change) must be obeyed by the other.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from interop.server import DoorkeepProcess, WorkersProcess
from keeper_support import CLIENT, SECRET, TOKEN, refresh_directly

pytestmark = [pytest.mark.interop, pytest.mark.postgres]

DEMO_REALM = Path(__file__).parents[2] / "examples" / "demo-realm.json"


@pytest.fixture
def server(tmp_path: Path, postgres_url: str) -> Iterator[DoorkeepProcess]:
    process = WorkersProcess(tmp_path / "server", db_url=postgres_url, import_realms=[DEMO_REALM])
    process.start()
    yield process
    process.stop()


def _admin(server: DoorkeepProcess) -> httpx.Client:
    headers = {"Authorization": f"Bearer {server.admin_token()}"}
    return httpx.Client(base_url=server.base_url + "/admin/realms/demo", headers=headers)


def _login(server: DoorkeepProcess, *, offline: bool = True, label: str | None = None) -> dict[str, str]:
    form = {
        "grant_type": "password",
        "client_id": CLIENT,
        "client_secret": SECRET,
        "username": "user1",
        "password": "password",
        "scope": "openid offline_access" if offline else "openid",
    }
    if label is not None:
        form["device_label"] = label
    response = httpx.post(server.base_url + TOKEN, data=form)
    assert response.status_code == 200, response.text
    body: dict[str, str] = response.json()
    return body


def _ids(admin: httpx.Client) -> tuple[str, str]:
    (client,) = admin.get("/clients", params={"clientId": CLIENT}).json()
    (user,) = admin.get("/users", params={"username": "user1", "exact": "true"}).json()
    return str(client["id"]), str(user["id"])


def _labels(admin: httpx.Client, user_id: str) -> set[str]:
    response = admin.get(f"/users/{user_id}/offline-sessions")
    assert response.status_code == 200, response.text
    return {session["deviceLabel"] for session in response.json()}


def test_the_cap_and_bulk_revocation_by_label_hold_across_two_workers(server: DoorkeepProcess) -> None:
    with _admin(server) as admin:
        client_id, user_id = _ids(admin)
        assert (
            admin.put(f"/clients/{client_id}", json={"attributes": {"offline.session.max.per.user": "2"}}).status_code
            == 204
        )
        earlier = {"phone": _login(server, label="phone"), "tablet": _login(server, label="tablet")}
        laptop = _login(server, label="laptop")  # the third: the least recently used of the other two is ended
        kept = _labels(admin, user_id)
        assert len(kept) == 2 and "laptop" in kept  # phone and tablet may share a last-use second
        (ended,) = set(earlier) - kept
        (other,) = kept - {"laptop"}
        assert refresh_directly(server, earlier[ended]["refresh_token"]).status_code == 400

        preview = admin.post("/offline-sessions/revoke", json={"deviceLabel": other.upper(), "dryRun": True})
        assert preview.status_code == 200 and preview.json()["count"] == 1
        assert _labels(admin, user_id) == {other, "laptop"}  # a preview changes nothing
        done = admin.post("/offline-sessions/revoke", json={"deviceLabel": other})
        assert done.status_code == 200 and done.json()["count"] == 1
        again = admin.post("/offline-sessions/revoke", json={"deviceLabel": other})
        assert again.status_code == 200 and again.json()["count"] == 0  # safe to repeat

        assert _labels(admin, user_id) == {"laptop"}
        assert refresh_directly(server, earlier[other]["refresh_token"]).status_code == 400
        assert refresh_directly(server, laptop["refresh_token"]).status_code == 200


def test_admin_logout_set_to_online_keeps_offline_tokens_on_either_worker(server: DoorkeepProcess) -> None:
    with _admin(server) as admin:
        _, user_id = _ids(admin)
        assert (
            admin.put(
                server.base_url + "/admin/realms/demo",
                json={"attributes": {"revocation.trigger.admin-logout": "online"}},
            ).status_code
            == 204
        )
        online = _login(server, offline=False)
        offline = _login(server, label="backup job")
        assert admin.post(f"/users/{user_id}/logout").status_code == 204
        assert refresh_directly(server, online["refresh_token"]).status_code == 400
        for _ in range(4):  # rotation is on in the demo realm: follow the chain, over both workers
            response = refresh_directly(server, offline["refresh_token"])
            assert response.status_code == 200, response.text
            offline = response.json()
        assert _labels(admin, user_id) == {"backup job"}


def test_two_bulk_revocations_at_once_end_each_session_exactly_once(server: DoorkeepProcess) -> None:
    sessions = [_login(server, label=f"device {n}") for n in range(30)]
    with _admin(server) as admin:
        _, user_id = _ids(admin)
        assert len(_labels(admin, user_id)) == 30
        with ThreadPoolExecutor(max_workers=2) as pool:
            runs = list(
                pool.map(lambda _: admin.post("/offline-sessions/revoke", json={"username": "user1"}), range(2))
            )
        assert [r.status_code for r in runs] == [200, 200], [r.text for r in runs]
        assert sum(r.json()["count"] for r in runs) == 30  # each session reported by the run that ended it
        assert _labels(admin, user_id) == set()
    assert all(refresh_directly(server, s["refresh_token"]).status_code == 400 for s in sessions[:3])
