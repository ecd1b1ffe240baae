"""Wire-test fixtures (see wire_env.py)."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from mail_sink import mail  # noqa: F401  (the SMTP sink fixture)
from pg import ThrowawayPostgres
from support import seed_test_realm
from wire_env import Env, _default_settings, make_env, prepared_postgres
from wire_selection import storage_area


def pytest_ignore_collect(collection_path: Path) -> bool | None:
    """With DOORKEEP_WIRE_SELECTION=storage (`make test`'s PostgreSQL run), the storage areas' modules alone."""
    if os.environ.get("DOORKEEP_WIRE_SELECTION") != "storage" or collection_path.suffix != ".py":
        return None
    if not collection_path.name.startswith("test_") or storage_area(collection_path.name):
        return None
    return True


@pytest.fixture
def _test_realm_wanted() -> None:
    """Asked for by ``realm`` alone: ``env`` then starts on a copy of a database that holds realm ``test`` already
    (seeding it took ~0.1 s of CPU in each of ~3,000 tests per engine)."""


@pytest.fixture
async def env(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Env]:
    """The app on SQLite; with DOORKEEP_WIRE_ENGINE=postgresql the same tests run on PostgreSQL. A test marked
    ``server_options(field=value, ...)`` runs it with those Settings fields changed (as the command line would)."""
    # Not for a test about the stored hash parameters: a copied user1 was hashed with the cheap ones.
    test_realm = (
        "_test_realm_wanted" in request.fixturenames and request.node.get_closest_marker("keycloak_hash_cost") is None
    )
    server: ThrowawayPostgres | None = None
    if os.environ.get("DOORKEEP_WIRE_ENGINE") == "postgresql":
        server = request.getfixturevalue("postgres_server")
        url = await prepared_postgres(server, test_realm=test_realm)
    else:
        url = f"sqlite:///{tmp_path / 'doorkeep.db'}"
    options = request.node.get_closest_marker("server_options")
    settings = dataclasses.replace(_default_settings(url), **options.kwargs) if options else None
    e, db = await make_env(url, settings, prepared=server is not None, test_realm=test_realm)
    try:
        yield e
    finally:
        await e.drain()
        await e.http.aclose()
        await db.dispose()
        if server is not None:
            server.drop_database_of(url)  # else every test's copy stays on the server till the end


@pytest.fixture
async def realm(env: Env, _test_realm_wanted: None) -> Env:
    """Realm ``test`` with the confidential client ``app`` (secret ``secret``) and ``user1`` / ``password``: copied
    with ``env``'s database, or seeded here on an ``env`` a module defines itself."""
    if not env.test_realm:
        await seed_test_realm(env.db, env.clock)
    return env
