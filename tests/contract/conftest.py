"""The store contract suite runs every test once on SQLite and once on PostgreSQL (Hydra's way)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from doorkeep.store.database import Database


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated database on the engine named by the parameter, disposed of afterwards."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'contract.db'}"
    else:
        url = str(request.getfixturevalue("postgres_url"))
    database = Database(url)
    try:
        await database.migrate()
        yield database
    finally:
        await database.dispose()
