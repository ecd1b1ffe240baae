"""Wire-test fixtures (see wire_env.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from support import seed_client, seed_realm, seed_user
from wire_env import Env, make_env


@pytest.fixture
async def env(tmp_path: Path) -> AsyncIterator[Env]:
    e, db = await make_env(f"sqlite:///{tmp_path / 'doorkeep.db'}")
    try:
        yield e
    finally:
        await e.http.aclose()
        await db.dispose()


@pytest.fixture
async def realm(env: Env) -> Env:
    """Realm ``test`` with the confidential client ``app`` (secret ``secret``) and ``user1`` / ``password``."""
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app")
    await seed_user(env.db, env.clock, "test", "user1")
    return env
