"""Keycloak's own test specs of its npm admin client (js/libs/keycloak-admin-client/test: clients, clientScopes,
realms, components and authenticationManagement), ported to ``node:test`` in
tests/admin_client/specs, run with ``node --test`` against one real ``doorkeep start-dev``: on SQLite, or on a
throwaway PostgreSQL when ``DOORKEEP_WIRE_ENGINE=postgresql``. A failing spec fails its test with node's report."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from interop.server import ADMIN_PASSWORD, ADMIN_USERNAME, DoorkeepProcess
from pg import ThrowawayPostgres

pytestmark = pytest.mark.interop

SPECS = Path(__file__).resolve().parents[1] / "admin_client" / "specs"
SPEC_FILES = ["clients", "clientScopes", "realms", "components", "authenticationManagement"]
PORTS = range(18500, 18600)  # the ports these servers may bind


def free_port_in_range() -> int:
    for port in PORTS:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


@pytest.fixture(scope="module")
def spec_server(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[DoorkeepProcess]:
    """One server for every spec file (each spec cleans up after itself, as against a real Keycloak)."""
    db_url = None
    if os.environ.get("DOORKEEP_WIRE_ENGINE") == "postgresql":
        postgres: ThrowawayPostgres = request.getfixturevalue("postgres_server")
        name = f"specs_{uuid.uuid4().hex[:12]}"
        postgres.create_database(name)
        db_url = postgres.url(name)
    server = DoorkeepProcess(tmp_path_factory.mktemp("specs"), port=free_port_in_range(), db_url=db_url)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.parametrize("spec", SPEC_FILES)
def test_keycloak_admin_client_spec_passes_against_doorkeep(spec_server: DoorkeepProcess, spec: str) -> None:
    node = shutil.which("node")
    assert node is not None, "node is needed: `make node` installs the npm packages, Debian's nodejs the runtime"
    assert (SPECS.parent / "node_modules" / "@keycloak" / "keycloak-admin-client").is_dir(), "run `make node`"
    env = {
        **os.environ,
        "KEYCLOAK_BASE_URL": spec_server.base_url,
        "KEYCLOAK_ADMIN_USERNAME": ADMIN_USERNAME,
        "KEYCLOAK_ADMIN_PASSWORD": ADMIN_PASSWORD,
    }
    done = subprocess.run(
        [node, "--test", "--test-reporter=spec", f"{spec}.spec.mjs"],
        cwd=SPECS,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = done.stdout + done.stderr
    assert done.returncode == 0 and "ℹ fail 0" in report, (
        f"{spec}.spec.mjs failed against Doorkeep:\n{report}\n--- server log (tail) ---\n{spec_server.output()[-6000:]}"
    )
