"""The cluster tests' shared fixtures (tests/cluster/conftest.py re-exports them): a server pair per test module, on
each engine, and a fake provider."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fake_idp import FakeIdp
from worker_pair import ENGINES, Pair, fake_provider, pair_fixture


@pytest.fixture(scope="module", params=ENGINES)
def pair(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    """Two processes of one server (SQLite: two on one file; PostgreSQL: two workers), for the test module."""
    yield from pair_fixture(request, tmp_path_factory)


@pytest.fixture(scope="module")
def idp() -> Iterator[FakeIdp]:
    """tests/fake_idp.py's provider on a real port, for the test module."""
    with fake_provider() as provider:
        yield provider
