"""The store contract suite runs every test once on SQLite and once on PostgreSQL (Hydra's way)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from doorkeep.store.database import Database
from pg import ThrowawayPostgres
from realm_files import ENGINES, databases, url_factory

_TEMPLATES: dict[int, str] = {}  # by the throwaway server's port


async def _migrated_postgres(server: ThrowawayPostgres) -> str:
    """A fresh database of its own, copied at file level from one migrated once per server."""
    template = _TEMPLATES.get(server.port)
    if template is None:
        template = f"migrated_{uuid.uuid4().hex[:12]}"
        server.create_database(template)
        database = Database(server.url(template))
        try:
            await database.migrate()
        finally:
            await database.dispose()  # a template nobody is connected to can be copied
        _TEMPLATES[server.port] = template
    name = f"contract_{uuid.uuid4().hex[:16]}"
    server.create_database(name, template=template)
    return server.url(name)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated database on the engine named by the parameter, disposed of afterwards."""
    server: ThrowawayPostgres | None = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'contract.db'}"
    else:
        server = request.getfixturevalue("postgres_server")
        url = await _migrated_postgres(server)
    database = Database(url)
    try:
        await database.migrate()  # a no-op on a copy of the migrated template
        yield database
    finally:
        await database.dispose()
        if server is not None:
            server.drop_database_of(url)


@pytest.fixture(params=ENGINES)
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], str]:
    """A maker of fresh, unmigrated database URLs on the engine named by the parameter (the realm-file tests)."""
    return url_factory(request, tmp_path)


@pytest.fixture
async def new_db(fresh_url: Callable[[], str]) -> AsyncIterator[Callable[[], Awaitable[Database]]]:
    """Opens migrated databases at fresh URLs, each disposed of afterwards (realm_files.databases)."""
    async with databases(fresh_url) as open_database:
        yield open_database
