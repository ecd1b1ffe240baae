"""A real ``doorkeep start-dev`` process for the wire tests that need one (a command-line switch, a relative path):
on the wire tests' engine, SQLite in its folder or, with ``DOORKEEP_WIRE_ENGINE=postgresql``, a fresh database
of the session's throwaway PostgreSQL, with a realm of the test's created through the Admin REST API."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from interop.server import DoorkeepProcess
from pg import ThrowawayPostgres
from wire_env import prepared_postgres


@contextlib.asynccontextmanager
async def started_with_realm(
    request: pytest.FixtureRequest, folder: Path, realm: dict[str, Any], **process: Any
) -> AsyncIterator[DoorkeepProcess]:
    """The server (``process``: DoorkeepProcess's options) started in ``folder`` with ``realm`` created; stopped
    after, and its PostgreSQL database dropped."""
    db_url = f"sqlite:///{folder / 'doorkeep.db'}"
    postgres: ThrowawayPostgres | None = None
    if os.environ.get("DOORKEEP_WIRE_ENGINE") == "postgresql":
        postgres = request.getfixturevalue("postgres_server")
        db_url = await prepared_postgres(postgres)
    started = DoorkeepProcess(folder, db_url=db_url, **process)
    started.start()
    try:
        headers = {"Authorization": f"Bearer {started.admin_token()}"}
        async with httpx.AsyncClient(base_url=started.base_url, timeout=30) as http:
            created = await http.post("/admin/realms", json=realm, headers=headers)
        assert created.status_code == 201, created.text
        yield started
    finally:
        started.stop()
        if postgres is not None:
            postgres.drop_database_of(db_url)
