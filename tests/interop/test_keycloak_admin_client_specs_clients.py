"""Keycloak's own test specs of its npm admin client (js/libs/keycloak-admin-client/test: clients, clientScopes,
realms, components and authenticationManagement), ported to ``node:test`` in
tests/admin_client/specs, run with ``node --test`` against one real ``doorkeep start-dev``: on SQLite, or on a
throwaway PostgreSQL when ``DOORKEEP_WIRE_ENGINE=postgresql``. A failing spec fails its test with node's report."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from interop.admin_client_specs import run_spec, spec_port
from interop.server import DoorkeepProcess
from pg import ThrowawayPostgres

pytestmark = pytest.mark.interop

SPEC_FILES = ["clients", "clientScopes", "realms", "components", "authenticationManagement"]
FIRST_PORT = 18500  # these servers listen on 18500-18559, 20 ports per xdist worker (admin_client_specs)


@pytest.fixture(scope="module")
def spec_server(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[DoorkeepProcess]:
    """One server for every spec file (each spec cleans up after itself, as against a real Keycloak)."""
    db_url = None
    if os.environ.get("DOORKEEP_WIRE_ENGINE") == "postgresql":
        postgres: ThrowawayPostgres = request.getfixturevalue("postgres_server")
        name = f"specs_{uuid.uuid4().hex[:12]}"
        postgres.create_database(name)
        db_url = postgres.url(name)
    server = DoorkeepProcess(tmp_path_factory.mktemp("specs"), port=spec_port(FIRST_PORT), db_url=db_url)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.parametrize("spec", SPEC_FILES)
def test_keycloak_admin_client_spec_passes_against_doorkeep(spec_server: DoorkeepProcess, spec: str) -> None:
    done = run_spec(spec_server.base_url, spec)
    report = done.stdout + done.stderr
    assert done.returncode == 0 and "ℹ fail 0" in report, (
        f"{spec}.spec.mjs failed against Doorkeep:\n{report}\n--- server log (tail) ---\n{spec_server.output()[-6000:]}"
    )
