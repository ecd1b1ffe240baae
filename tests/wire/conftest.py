"""Wire-test fixtures (see wire_env.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from wire_env import Env, make_env


@pytest.fixture
async def env(tmp_path: Path) -> AsyncIterator[Env]:
    e, db = await make_env(f"sqlite:///{tmp_path / 'doorkeep.db'}")
    try:
        yield e
    finally:
        await e.http.aclose()
        await db.dispose()
