"""The offline-access core on ``doorkeep start --workers 2`` with PostgreSQL, each step sent to a chosen worker.

The other cluster modules let the kernel spread their requests and only hope both workers answer some. Here each
request goes over a keep-alive connection whose server end is held by a known worker process (found through
``/proc``: the accepted socket's inode among the worker's file descriptors), so "issued by one worker, refreshed,
revoked or logged out through the other" is what the test does, not what it hopes for. The realm rotates refresh
tokens with no reuse allowed (Keycloak's Revoke Refresh Token on, max reuse 0), the hardest case for two processes.

The scenarios are Keycloak's own: OfflineTokenTest.offlineTokenDirectGrantFlow (issue, then refresh),
offlineTokenLogout and onlineOfflineTokenLogout, RefreshTokenRevokeTest.refreshTokenReuseTokenWithRefreshTokensRevoked
(a reused token ends the chain), TokenRevocationTest.testRevokeOfflineToken, and the admin API's offline session
listing and counting (UserResource.getOfflineSessions, ClientResource.getOfflineSessionCount / getOfflineUserSessions).
"""

from __future__ import annotations

import asyncio
import base64
import http.client
import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from interop.server import SeedRealm, WorkersProcess, _seed
from pg import ThrowawayPostgres

pytestmark = [pytest.mark.interop, pytest.mark.postgres]

ATTEMPTS = 80  # new connections tried before giving up on reaching a given worker


@dataclass
class Answer:
    status: int
    body: Any


@dataclass
class Cluster:
    server: WorkersProcess
    seed: SeedRealm
    workers: tuple[int, int]
    admin: str

    @property
    def token_path(self) -> str:
        return f"/realms/{self.seed.name}/protocol/openid-connect/token"

    def _descendants(self) -> list[int]:
        assert self.server._process is not None
        found: list[int] = []
        pending = [self.server._process.pid]
        while pending:
            pid = pending.pop()
            for task in Path(f"/proc/{pid}/task").iterdir():
                children = [int(child) for child in (task / "children").read_text().split()]
                found += children
                pending += children
        return found

    def owner(self, connection: http.client.HTTPConnection) -> int | None:
        """The server process holding the other end of ``connection`` (it has answered once, so it was accepted)."""
        assert connection.sock is not None
        client_port = connection.sock.getsockname()[1]
        inode = None
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                local, remote = fields[1], fields[2]
                if (
                    int(local.rsplit(":", 1)[1], 16) == self.server.port
                    and int(remote.rsplit(":", 1)[1], 16) == client_port
                ):
                    inode = fields[9]
        if inode is None:
            return None
        for pid in self._descendants():
            try:
                descriptors = list(Path(f"/proc/{pid}/fd").iterdir())
            except OSError:
                continue
            for fd in descriptors:
                try:
                    if os.readlink(fd) == f"socket:[{inode}]":
                        return pid
                except OSError:
                    continue
        return None

    def _probe(self) -> tuple[http.client.HTTPConnection, int | None]:
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=20)
        connection.request("GET", f"/realms/{self.seed.name}")
        response = connection.getresponse()
        response.read()
        assert response.status == 200
        return connection, self.owner(connection)

    @contextmanager
    def on(self, worker: int) -> Iterator[http.client.HTTPConnection]:
        """A keep-alive connection served by ``worker``."""
        for _ in range(ATTEMPTS):
            connection, pid = self._probe()
            if pid == worker:
                try:
                    yield connection
                finally:
                    connection.close()
                return
            connection.close()
        raise AssertionError(f"no connection reached worker {worker} in {ATTEMPTS} attempts")

    def send(self, worker: int, method: str, path: str, form: dict[str, str] | None = None, bearer: str = "") -> Answer:
        """One request through ``worker``; the answer's JSON body (or None when empty)."""
        headers = {"Accept": "application/json"}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        with self.on(worker) as connection:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            raw = response.read()
            assert self.owner(connection) == worker
        return Answer(response.status, json.loads(raw) if raw else None)

    def token(self, worker: int, **form: str) -> Answer:
        return self.send(worker, "POST", self.token_path, self._client(form))

    def _client(self, form: dict[str, str]) -> dict[str, str]:
        return {"client_id": self.seed.client_id, "client_secret": self.seed.client_secret, **form}

    def offline_login(self, worker: int) -> dict[str, Any]:
        answer = self.token(
            worker,
            grant_type="password",
            username=self.seed.username,
            password=self.seed.password,
            scope="offline_access",
        )
        assert answer.status == 200, answer.body
        assert claims(answer.body["refresh_token"])["typ"] == "Offline"
        return dict(answer.body)

    def admin_get(self, worker: int, path: str) -> Any:
        answer = self.send(worker, "GET", f"/admin/realms/{self.seed.name}{path}", bearer=self.admin)
        assert answer.status == 200, answer.body
        return answer.body


def claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory, postgres_server: ThrowawayPostgres) -> Iterator[Cluster]:
    name = f"workers_core_{uuid.uuid4().hex[:12]}"
    postgres_server.create_database(name)
    url = postgres_server.url(name)
    seed = SeedRealm(revoke_refresh_token=True)
    asyncio.run(_seed(url, seed))
    server = WorkersProcess(tmp_path_factory.mktemp("workers-core") / "server", db_url=url)
    server.start()
    try:
        partial = Cluster(server, seed, (0, 0), server.admin_token())
        seen: list[int] = []
        for _ in range(ATTEMPTS):
            connection, pid = partial._probe()
            connection.close()
            if pid is not None and pid not in seen:
                seen.append(pid)
            if len(seen) == 2:
                break
        assert len(seen) == 2, f"the connections reached only the workers {seen}"
        yield Cluster(server, seed, (seen[0], seen[1]), partial.admin)
    finally:
        server.stop()
        postgres_server.drop_database(name)


def _uuids(cluster: Cluster) -> tuple[str, str]:
    a, _ = cluster.workers
    user = cluster.admin_get(a, f"/users?username={cluster.seed.username}&exact=true")[0]["id"]
    client = cluster.admin_get(a, f"/clients?clientId={cluster.seed.client_id}")[0]["id"]
    return str(user), str(client)


def test_an_offline_token_issued_by_one_worker_refreshes_on_both_in_turn(cluster: Cluster) -> None:
    """OfflineTokenTest.offlineTokenDirectGrantFlow across workers: each refresh's successor works on the other."""
    a, b = cluster.workers
    token = cluster.offline_login(a)["refresh_token"]
    session = claims(token)["sid"]
    for worker in (b, a, b, a):
        answer = cluster.token(worker, grant_type="refresh_token", refresh_token=token)
        assert answer.status == 200, answer.body
        token = answer.body["refresh_token"]
        assert claims(token)["typ"] == "Offline" and claims(token)["sid"] == session


def test_reusing_a_rotated_token_on_the_other_worker_ends_the_chain_on_both(cluster: Cluster) -> None:
    """RefreshTokenRevokeTest.refreshTokenReuseTokenWithRefreshTokensRevoked across workers: the reuse of the first
    token through worker A, after worker B rotated it, is refused and revokes the client session, so the newest
    token fails on B too."""
    a, b = cluster.workers
    first = cluster.offline_login(a)["refresh_token"]
    second = cluster.token(b, grant_type="refresh_token", refresh_token=first)
    assert second.status == 200, second.body
    reuse = cluster.token(a, grant_type="refresh_token", refresh_token=first)
    assert (reuse.status, reuse.body["error"]) == (400, "invalid_grant"), reuse.body
    assert reuse.body["error_description"] == "Maximum allowed refresh token reuse exceeded"
    newest = cluster.token(b, grant_type="refresh_token", refresh_token=second.body["refresh_token"])
    assert (newest.status, newest.body["error"]) == (400, "invalid_grant"), newest.body


def test_an_offline_token_revoked_through_one_worker_is_dead_on_the_other(cluster: Cluster) -> None:
    """TokenRevocationTest.testRevokeOfflineToken across workers: /revoke through A, then B refuses the token and
    lists no offline session for it."""
    a, b = cluster.workers
    user, client = _uuids(cluster)
    tokens = cluster.offline_login(b)
    session = claims(tokens["refresh_token"])["sid"]
    listed = cluster.admin_get(b, f"/users/{user}/offline-sessions/{client}")
    assert session in [s["id"] for s in listed]
    revoked = cluster.send(
        a,
        "POST",
        f"/realms/{cluster.seed.name}/protocol/openid-connect/revoke",
        cluster._client({"token": tokens["refresh_token"], "token_type_hint": "refresh_token"}),
    )
    assert revoked.status == 200, revoked.body
    refused = cluster.token(b, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert (refused.status, refused.body["error"]) == (400, "invalid_grant"), refused.body
    assert session not in [s["id"] for s in cluster.admin_get(b, f"/users/{user}/offline-sessions/{client}")]


def test_logout_through_one_worker_ends_the_offline_session_and_spares_the_online_one(cluster: Cluster) -> None:
    """OfflineTokenTest.offlineTokenLogout and onlineOfflineTokenLogout across workers: the online session logged
    out through A leaves the offline token working on B; the offline token logged out through B is refused on A."""
    a, b = cluster.workers
    logout = f"/realms/{cluster.seed.name}/protocol/openid-connect/logout"
    online = cluster.token(a, grant_type="password", username=cluster.seed.username, password=cluster.seed.password)
    assert online.status == 200, online.body
    offline = cluster.offline_login(b)["refresh_token"]
    ended = cluster.send(a, "POST", logout, cluster._client({"refresh_token": online.body["refresh_token"]}))
    assert ended.status == 204, ended.body
    gone = cluster.token(b, grant_type="refresh_token", refresh_token=online.body["refresh_token"])
    assert (gone.status, gone.body["error"]) == (400, "invalid_grant"), gone.body
    kept = cluster.token(b, grant_type="refresh_token", refresh_token=offline)
    assert kept.status == 200, kept.body
    newest = kept.body["refresh_token"]
    ended = cluster.send(b, "POST", logout, cluster._client({"refresh_token": newest}))
    assert ended.status == 204, ended.body
    refused = cluster.token(a, grant_type="refresh_token", refresh_token=newest)
    assert (refused.status, refused.body["error"]) == (400, "invalid_grant"), refused.body


def test_both_workers_list_and_count_the_offline_sessions_either_made(cluster: Cluster) -> None:
    """The admin API's offline session reads (UserResource.getOfflineSessions, ClientResource.getOfflineSessionCount
    and getOfflineUserSessions) answer the same on both workers, right after each worker made one session."""
    a, b = cluster.workers
    user, client = _uuids(cluster)
    before = cluster.admin_get(a, f"/clients/{client}/offline-session-count")["count"]
    made = {claims(cluster.offline_login(worker)["refresh_token"])["sid"] for worker in (a, b)}
    for worker in (a, b):
        assert cluster.admin_get(worker, f"/clients/{client}/offline-session-count") == {"count": before + 2}
        by_client = {s["id"] for s in cluster.admin_get(worker, f"/clients/{client}/offline-sessions?max=1000")}
        by_user = {s["id"] for s in cluster.admin_get(worker, f"/users/{user}/offline-sessions/{client}")}
        assert made <= by_client and made <= by_user, (worker, made, by_client, by_user)
        assert len(by_client) == before + 2
