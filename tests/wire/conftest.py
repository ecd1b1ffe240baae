"""Wire-test fixtures (see wire_env.py)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from mail_sink import mail  # noqa: F401  (the SMTP sink fixture)
from pg import ThrowawayPostgres
from support import seed_client, seed_realm, seed_user
from wire_env import Env, make_env, prepared_postgres


@pytest.fixture
async def env(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Env]:
    """The app on SQLite; with DOORKEEP_WIRE_ENGINE=postgresql the same tests run on PostgreSQL."""
    server: ThrowawayPostgres | None = None
    if os.environ.get("DOORKEEP_WIRE_ENGINE") == "postgresql":
        server = request.getfixturevalue("postgres_server")
        url = await prepared_postgres(server)
    else:
        url = f"sqlite:///{tmp_path / 'doorkeep.db'}"
    e, db = await make_env(url, prepared=server is not None)
    try:
        yield e
    finally:
        await e.drain()
        await e.http.aclose()
        await db.dispose()
        if server is not None:
            server.drop_database_of(url)  # else every test's copy stays on the server till the end


@pytest.fixture
async def realm(env: Env) -> Env:
    """Realm ``test`` with the confidential client ``app`` (secret ``secret``) and ``user1`` / ``password``."""
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app")
    await seed_user(env.db, env.clock, "test", "user1")
    return env
