"""Fixtures shared by the whole test suite."""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Iterator

import pytest

from pg import ThrowawayPostgres

_database_numbers = itertools.count(1)

# On the PostgreSQL wire pass the garbage collector sometimes finalises an asyncpg connection and its
# socket transport, left behind by an earlier test's closed event loop, in the middle of a later,
# unrelated test, and the warning fails whichever test is running then (seen once in ~650 tests, not
# reproducible alone). Only those finalisers' warnings are ignored, and only on that pass.
_GC_FINALISERS = r"Exception ignored in. <function (Connection|_SelectorTransport|_SelectorSocketTransport)\.__del__"


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("DOORKEEP_WIRE_ENGINE") == "postgresql":
        config.addinivalue_line("filterwarnings", f"ignore:{_GC_FINALISERS}:pytest.PytestUnraisableExceptionWarning")


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
def postgres_url(postgres_server: ThrowawayPostgres) -> Iterator[str]:
    """URL of a fresh, empty database of its own for this test, dropped after it."""
    name = f"test_{next(_database_numbers)}_{uuid.uuid4().hex[:12]}"
    postgres_server.create_database(name)
    yield postgres_server.url(name)
    postgres_server.drop_database(name)
