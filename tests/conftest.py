"""Fixtures shared by the whole test suite."""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

import rsa_pool
from doorkeep.users import passwords
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


# Keycloak's argon2 cost (5 passes over 7 MiB, ~50 ms a hash on an idle core, several times that on a loaded CI
# machine) was paid at every user a test seeds or creates, and at every login, the master admin's token included:
# the cost travels with the stored hash, which ``verify`` reads back. Tests in this process hash with argon2id's
# cheapest parameters instead; a test about the stored parameters is marked ``keycloak_hash_cost``. Servers the
# tests start as processes (tests/interop, tests/browser, tests/cluster) keep Keycloak's cost.
_CHEAP_ARGON2 = {"ARGON2_ITERATIONS": 1, "ARGON2_MEMORY_KIB": 8}
_KEYCLOAK_ARGON2 = {name: getattr(passwords, name) for name in _CHEAP_ARGON2}


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashes() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        for name, value in _CHEAP_ARGON2.items():
            patch.setattr(passwords, name, value)
        yield


@pytest.fixture(autouse=True)
def _keycloak_hash_cost(request: pytest.FixtureRequest) -> Iterator[None]:
    """Keycloak's argon2 parameters for a test marked ``keycloak_hash_cost``."""
    if request.node.get_closest_marker("keycloak_hash_cost") is None:
        yield
        return
    with pytest.MonkeyPatch.context() as patch:
        for name, value in _KEYCLOAK_ARGON2.items():
            patch.setattr(passwords, name, value)
        yield


@pytest.fixture(scope="session", autouse=True)
def _pooled_rsa_keys() -> Iterator[None]:
    """RSA keys from a pool in this process (tests/rsa_pool.py)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rsa, "generate_private_key", rsa_pool.pooled_key)
        yield


@pytest.fixture(scope="module", autouse=True)
def _rsa_keys_from_the_start() -> None:
    rsa_pool.from_the_start()


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
