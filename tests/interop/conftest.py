"""Interop fixtures: real ``doorkeep start-dev`` processes, always stopped at teardown, their log shown on failure."""

from __future__ import annotations

from collections.abc import Generator, Iterator, Sequence
from pathlib import Path

import pytest

from interop.server import DoorkeepProcess, SeedRealm, StartServer, seed_database, self_signed_certificate

_SERVERS = pytest.StashKey[list[DoorkeepProcess]]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item,
    call: pytest.CallInfo[None],
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Attach the output of every server the test started to its failure report."""
    report = yield
    servers: list[DoorkeepProcess] = item.stash.get(_SERVERS, [])
    if report.failed:
        for number, server in enumerate(servers, 1):
            report.sections.append((f"doorkeep server {number} ({server.log_path})", server.output()[-20000:]))
    return report


@pytest.fixture
def start_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StartServer]:
    """Start a server in a fresh directory under tmp_path, optionally seeded first, over HTTPS with a self-signed
    certificate if asked, on a database URL (PostgreSQL) and a port if given; all are stopped at teardown."""
    started: list[DoorkeepProcess] = []
    request.node.stash[_SERVERS] = started

    def start(
        *,
        seed: SeedRealm | None = None,
        import_realms: Sequence[Path] = (),
        https: bool = False,
        db_url: str | None = None,
        port: int | None = None,
    ) -> DoorkeepProcess:
        workdir = tmp_path / f"server{len(started) + 1}"
        if seed is not None:
            seed_database(workdir / "data" / "doorkeep.db", seed)
        tls = self_signed_certificate(workdir / "tls") if https else None
        server = DoorkeepProcess(workdir, port=port, db_url=db_url, import_realms=import_realms, tls=tls)
        started.append(server)
        server.start()
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def seed() -> SeedRealm:
    return SeedRealm()


@pytest.fixture
def seeded_server(start_server: StartServer, seed: SeedRealm) -> DoorkeepProcess:
    """A server whose data directory holds the ``seed`` realm before it starts."""
    return start_server(seed=seed)
