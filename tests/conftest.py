"""Fixtures shared by the whole test suite."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator

import pytest

from pg import ThrowawayPostgres

_database_numbers = itertools.count(1)


@pytest.fixture
def anyio_backend() -> str:
    """Async tests (``@pytest.mark.anyio``) run on asyncio only."""
    return "asyncio"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[ThrowawayPostgres]:
    """One throwaway PostgreSQL for the whole session, removed at the end."""
    server = ThrowawayPostgres()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: ThrowawayPostgres) -> str:
    """URL of a fresh, empty database of its own for this test."""
    name = f"test_{next(_database_numbers)}_{uuid.uuid4().hex[:12]}"
    postgres_server.create_database(name)
    return postgres_server.url(name)
