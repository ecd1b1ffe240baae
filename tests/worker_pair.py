"""Two server processes on one database, each request sent to a chosen one, for the tests of tests/cluster that change
something through one process and expect the other to obey it at its very next request, or that restart the server
in the middle of a login.

On PostgreSQL the two are the workers of one ``doorkeep start --workers 2``: a request goes over a keep-alive
connection whose server end a known worker holds (found through ``/proc``: the accepted socket's inode among the
worker's file descriptors, as test_workers_offline_core does). On SQLite (``--workers`` > 1 needs PostgreSQL) they
are two ``doorkeep start-dev`` processes on one file. Every request carries the first one's ``Host``, so that both
mint one issuer. ``Browser`` keeps cookies as a browser does and answers httpx Responses, so the page helpers of the
wire tests (browser_flow, otp_port) read them.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import os
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import httpx
import pytest
from sqlalchemy import text

from doorkeep.store.database import Database
from fake_idp import FakeIdp, fake_idp
from interop.server import DoorkeepProcess, SeedRealm, WorkersProcess, _seed
from pg import ThrowawayPostgres

ENGINES = ("sqlite", "postgresql")
ATTEMPTS = 80  # new connections tried before giving up on reaching a given worker
TOKEN_SECONDS = 30  # an admin token is used this long (master's access tokens live 60 s)


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    pending = [pid]
    while pending:
        for task in Path(f"/proc/{pending.pop()}/task").iterdir():
            children = [int(child) for child in (task / "children").read_text().split()]
            found += children
            pending += children
    return found


def _socket_inode(port: int, client_port: int) -> str | None:
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, remote = fields[1], fields[2]
            if int(local.rsplit(":", 1)[1], 16) == port and int(remote.rsplit(":", 1)[1], 16) == client_port:
                return fields[9]
    return None


def owner(server: DoorkeepProcess, connection: http.client.HTTPConnection) -> int | None:
    """The process of ``server`` holding the other end of ``connection`` (it has answered once, so it was accepted)."""
    assert connection.sock is not None and server._process is not None
    inode = _socket_inode(server.port, connection.sock.getsockname()[1])
    if inode is None:
        return None
    for pid in _descendants(server._process.pid):
        with contextlib.suppress(OSError):
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                with contextlib.suppress(OSError):
                    if os.readlink(fd) == f"socket:[{inode}]":
                        return pid
    return None


@dataclass
class Pair:
    """Nodes 0 and 1: the two processes answering for one database."""

    engine: str
    servers: list[DoorkeepProcess]
    workers: tuple[int, int] = (0, 0)  # PostgreSQL: the worker pids
    _admin: tuple[float, str] = (0.0, "")

    @property
    def port(self) -> int:
        return self.servers[0].port

    @property
    def base(self) -> str:
        """The URL both nodes take themselves for (the Host every request carries)."""
        return f"http://127.0.0.1:{self.port}"

    def _open(self, node: int) -> http.client.HTTPConnection:
        server = self.servers[node if self.engine == "sqlite" else 0]
        return http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)

    def _probe(self) -> tuple[http.client.HTTPConnection, int | None]:
        connection = self._open(0)
        connection.request("GET", "/realms/master", headers={"Host": f"127.0.0.1:{self.port}"})
        response = connection.getresponse()
        response.read()
        assert response.status == 200, response.status
        return connection, owner(self.servers[0], connection)

    @contextlib.contextmanager
    def connection(self, node: int) -> Iterator[http.client.HTTPConnection]:
        """A connection served by ``node``."""
        if self.engine == "sqlite":
            connection = self._open(node)
            try:
                yield connection
            finally:
                connection.close()
            return
        for _ in range(ATTEMPTS):
            connection, pid = self._probe()
            if pid == self.workers[node]:
                try:
                    yield connection
                    assert owner(self.servers[0], connection) == self.workers[node]
                finally:
                    connection.close()
                return
            connection.close()
        raise AssertionError(f"no connection reached worker {self.workers[node]} in {ATTEMPTS} attempts")

    def send(
        self, node: int, method: str, url: str, *, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        """One request through ``node``; ``url`` a path or an absolute URL of the server."""
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        sent = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        with self.connection(node) as connection:
            connection.request(method, target, body=body, headers=sent)
            answer = connection.getresponse()
            content = answer.read()
            pairs = [(name, value) for name, value in answer.getheaders()]
        return httpx.Response(
            answer.status, headers=pairs, content=content, request=httpx.Request(method, self.base + target)
        )

    def write_by_hand(self, sql: str, **params: Any) -> None:
        """``sql`` run on the database directly, behind the servers' back (no version stamp advanced)."""

        async def run() -> None:
            db = Database(str(self.servers[0].db_url))
            try:
                async with db.engine.begin() as conn:
                    await conn.execute(text(sql), params)
            finally:
                await db.dispose()

        asyncio.run(run())

    def admin_token(self) -> str:
        made, token = self._admin
        if time.monotonic() - made > TOKEN_SECONDS:
            token = self.servers[0].admin_token()
            self._admin = (time.monotonic(), token)
        return token

    def admin(self, node: int, method: str, path: str, body: Any = None, status: int | None = None) -> httpx.Response:
        """An Admin REST call through ``node`` (``path`` below ``/admin/realms``); ``status`` the one expected."""
        headers = {"Authorization": f"Bearer {self.admin_token()}", "Accept": "application/json"}
        data = None
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        answer = self.send(node, method, f"/admin/realms{path}", body=data, headers=headers)
        if status is not None:
            assert answer.status_code == status, (method, path, answer.status_code, answer.text)
        return answer

    def form(self, node: int, url: str, form: dict[str, str], headers: dict[str, str] | None = None) -> httpx.Response:
        sent = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json", **(headers or {})}
        return self.send(node, "POST", url, body=urlencode(form).encode(), headers=sent)

    def restart(self, *, crash: bool = False) -> None:
        """Every process stopped (SIGTERM; ``crash``: SIGKILL), then started again on the same database and port."""
        for server in self.servers:
            if crash:
                server.kill9()
            else:
                server.stop()
        for server in self.servers:
            server.start()
        self._find_workers()

    def _find_workers(self) -> None:
        if self.engine == "sqlite":
            return
        seen: list[int] = []
        deadline = time.monotonic() + 30  # the server is ready when one worker answers; the other may still start
        while time.monotonic() < deadline:
            connection, pid = self._probe()
            connection.close()
            if pid is not None and pid not in seen:
                seen.append(pid)
            if len(seen) == 2:
                self.workers = (seen[0], seen[1])
                return
            time.sleep(0.01)
        raise AssertionError(f"the connections reached only the workers {seen}")


@contextlib.contextmanager
def started_pair(engine: str, workdir: Path, postgres: ThrowawayPostgres | None) -> Iterator[Pair]:
    """Two nodes on a new database of ``engine`` (migrated, with SeedRealm's realm ``interop``)."""
    database = f"pair_{uuid.uuid4().hex[:12]}"
    if engine == "postgresql":
        assert postgres is not None
        postgres.create_database(database)
        url = postgres.url(database)
        servers: list[DoorkeepProcess] = [WorkersProcess(workdir / "server", db_url=url)]
    else:
        url = f"sqlite:///{workdir / 'doorkeep.db'}"
        servers = [DoorkeepProcess(workdir / f"server{n}", db_url=url) for n in (0, 1)]
    asyncio.run(_seed(url, SeedRealm()))
    pair = Pair(engine, servers)
    try:
        for server in servers:
            server.start()
        pair._find_workers()
        yield pair
    finally:
        for server in servers:
            server.stop()
        if engine == "postgresql":
            assert postgres is not None
            postgres.drop_database(database)


def pair_fixture(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    """The body of a module's ``pair`` fixture parametrised over ENGINES (``params=ENGINES``)."""
    engine = str(request.param)
    postgres = request.getfixturevalue("postgres_server") if engine == "postgresql" else None
    with started_pair(engine, tmp_path_factory.mktemp(f"pair-{engine}"), postgres) as pair:
        yield pair


@dataclass
class Browser:
    """A browser's cookies (one realm at a time: names only, paths ignored) over a Pair's nodes."""

    pair: Pair
    cookies: dict[str, str] = field(default_factory=dict)

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        return ({"Cookie": cookie} if cookie else {}) | (extra or {})

    def _keep(self, answer: httpx.Response) -> httpx.Response:
        for line in answer.headers.get_list("set-cookie"):
            first, *attributes = [part.strip() for part in line.split(";")]
            name, _, value = first.partition("=")
            gone = any(a.lower() == "max-age=0" or a.lower().startswith("expires=thu, 01 jan 1970") for a in attributes)
            if gone or not value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return answer

    def get(
        self, node: int, url: str, params: dict[str, str] | None = None, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        if params:
            url += ("&" if "?" in url else "?") + urlencode(params)
        return self._keep(self.pair.send(node, "GET", url, headers=self._headers(headers)))

    def post(self, node: int, url: str, form: dict[str, str], headers: dict[str, str] | None = None) -> httpx.Response:
        sent = self._headers({"Content-Type": "application/x-www-form-urlencoded", **(headers or {})})
        return self._keep(self.pair.send(node, "POST", url, body=urlencode(form).encode(), headers=sent))

    def follow(self, node: int, answer: httpx.Response, stop: str) -> httpx.Response:
        """The redirects from ``answer`` followed through ``node`` until one leads to ``stop`` (returned, not
        followed) or a page is shown."""
        for _ in range(10):
            location = answer.headers.get("location", "")
            if answer.status_code not in (302, 303) or location.startswith(stop):
                return answer
            answer = self.get(node, location)
        raise AssertionError("more than 10 redirects")


@contextlib.contextmanager
def fake_provider() -> Iterator[FakeIdp]:
    """tests/fake_idp.py's provider served from a thread of its own, for servers that are processes."""
    ready = threading.Event()
    found: dict[str, Any] = {}

    async def serve() -> None:
        stop = asyncio.Event()
        async with fake_idp() as idp:
            found.update(idp=idp, loop=asyncio.get_running_loop(), stop=stop)
            ready.set()
            await stop.wait()

    thread = threading.Thread(target=asyncio.run, args=(serve(),), daemon=True)
    thread.start()
    assert ready.wait(30), "the fake provider did not start"
    try:
        yield found["idp"]
    finally:
        found["loop"].call_soon_threadsafe(found["stop"].set)
        thread.join(30)


def new_realm(pair: Pair, rep: dict[str, Any]) -> str:
    """A realm imported through node 0 under a name of its own (``rep``'s name with a suffix); its name."""
    name = f"{rep.get('realm', 'r')}-{uuid.uuid4().hex[:8]}"
    pair.admin(0, "POST", "", {**rep, "realm": name}, 201)
    return name


def path(*parts: str) -> str:
    return "/" + "/".join(quote(p, safe="") for p in parts)
