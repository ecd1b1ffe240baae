"""Keycloak's own specs of its npm admin client (js/libs/keycloak-admin-client/test/*.spec.ts in
keycloak/keycloak), ported to ``node:test`` in tests/admin_client/specs/, run by Node against a real
``doorkeep start-dev``: users, groups, group membership, roles, attack detection, the token helper,
whoami and server info. One test per spec file, each on a fresh server (the specs count master's users
and groups); on SQLite, or on PostgreSQL with DOORKEEP_WIRE_ENGINE=postgresql. A failing spec fails
the test with Node's report. What each port leaves out or changes, and why, heads its spec file."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from interop.server import ADMIN_PASSWORD, ADMIN_USERNAME, DoorkeepProcess, StartServer

pytestmark = pytest.mark.interop

SPECS = Path(__file__).resolve().parents[1] / "admin_client" / "specs"
SPEC_FILES = ("users", "groups", "groupUser", "roles", "attackDetection", "auth", "whoAmI", "serverInfo")
PORTS_PER_WORKER = 20
FIRST_PORT = 18440  # this file's servers listen on 18440-18499, 20 ports per xdist worker


def spec_port() -> int:
    """A free port of this worker's share of 18440-18499 (xdist workers never pick the same one)."""
    worker = int(re.sub(r"\D", "", os.environ.get("PYTEST_XDIST_WORKER", "")) or 0)
    first = FIRST_PORT + PORTS_PER_WORKER * (worker % 3)
    for port in range(first, first + PORTS_PER_WORKER):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {first}-{first + PORTS_PER_WORKER - 1}")


@pytest.fixture
def server(request: pytest.FixtureRequest, start_server: StartServer) -> DoorkeepProcess:
    on_postgres = os.environ.get("DOORKEEP_WIRE_ENGINE") == "postgresql"
    db_url = request.getfixturevalue("postgres_url") if on_postgres else None
    return start_server(db_url=db_url, port=spec_port())


def run_spec(server: DoorkeepProcess, spec: str) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    assert node is not None, "node is needed: `make node` installs the npm packages, Debian's nodejs the runtime"
    assert (SPECS.parent / "node_modules" / "@keycloak" / "keycloak-admin-client").is_dir(), "run `make node`"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOORKEEP_")}
    env |= {
        "DOORKEEP_BASE_URL": server.base_url,
        "DOORKEEP_ADMIN_USERNAME": ADMIN_USERNAME,
        "DOORKEEP_ADMIN_PASSWORD": ADMIN_PASSWORD,
    }
    return subprocess.run(
        [node, "--test", "--test-reporter=spec", str(SPECS / f"{spec}.spec.mjs")],
        cwd=SPECS,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize("spec", SPEC_FILES)
def test_keycloak_admin_client_spec_passes_against_doorkeep(server: DoorkeepProcess, spec: str) -> None:
    done = run_spec(server, spec)
    report = f"{spec}.spec.mjs (exit {done.returncode}):\n{done.stdout}\n{done.stderr}"
    assert done.returncode == 0, report
    passed = re.search(r"^\S+ pass (\d+)$", done.stdout, re.M)
    failed = re.search(r"^\S+ fail (\d+)$", done.stdout, re.M)
    assert passed is not None and int(passed.group(1)) > 0, report  # a spec that ran nothing proves nothing
    assert failed is not None and int(failed.group(1)) == 0, report
