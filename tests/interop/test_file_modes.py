"""A real ``doorkeep start-dev``: its data directory, database, WAL and shared-memory files are owner-only (I1)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from interop.server import StartServer

pytestmark = pytest.mark.interop


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_fresh_server_creates_its_data_owner_only(start_server: StartServer) -> None:
    server = start_server()
    data = server.workdir / "data"
    assert mode(data) == 0o700
    for name in ("doorkeep.db", "doorkeep.db-wal", "doorkeep.db-shm"):
        assert (data / name).exists(), name
        assert mode(data / name) == 0o600, name
