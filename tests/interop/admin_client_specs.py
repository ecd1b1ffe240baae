"""Running one of Keycloak's admin-client specs, ported to ``node:test`` in tests/admin_client/specs, with Node
against a real server: the runners test_keycloak_admin_client_specs_users.py and ..._specs_more.py share it.
Each runner picks its servers' ports in a fixed range of its own (``spec_port``)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from interop.server import ADMIN_PASSWORD, ADMIN_USERNAME, DoorkeepProcess, StartServer

SPECS = Path(__file__).resolve().parents[1] / "admin_client" / "specs"
PORTS_PER_WORKER = 20


def spec_port(first_port: int) -> int:
    """A free port of this xdist worker's share of ``first_port``..``first_port + 59`` (three workers' shares of
    20 ports: workers never pick the same one)."""
    worker = int(re.sub(r"\D", "", os.environ.get("PYTEST_XDIST_WORKER", "")) or 0)
    first = first_port + PORTS_PER_WORKER * (worker % 3)
    for port in range(first, first + PORTS_PER_WORKER):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {first}-{first + PORTS_PER_WORKER - 1}")


def run_spec(base_url: str, spec: str) -> subprocess.CompletedProcess[str]:
    """``node --test`` on ``{spec}.spec.mjs``, pointed at the server at ``base_url`` as master's admin."""
    node = shutil.which("node")
    assert node is not None, "node is needed: `make node` installs the npm packages, Debian's nodejs the runtime"
    assert (SPECS.parent / "node_modules" / "@keycloak" / "keycloak-admin-client").is_dir(), "run `make node`"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOORKEEP_")}
    env |= {
        "DOORKEEP_BASE_URL": base_url,
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


def counts(done: subprocess.CompletedProcess[str]) -> dict[str, int]:
    """The summary of Node's spec reporter: ``{"pass": n, "fail": n, "skipped": n, ...}``."""
    return {name: int(n) for name, n in re.findall(r"^\S+ (\w+) (\d+)$", done.stdout, re.M)}


def assert_passed(done: subprocess.CompletedProcess[str], spec: str, *, some_pass: bool = True) -> None:
    """Node exited 0 with no failure; with ``some_pass``, at least one test passed (a spec that ran nothing
    proves nothing)."""
    report = f"{spec}.spec.mjs (exit {done.returncode}):\n{done.stdout}\n{done.stderr}"
    found = counts(done)
    assert done.returncode == 0, report
    assert found.get("fail") == 0, report
    assert not some_pass or found.get("pass", 0) > 0, report


def start_spec_server(request: pytest.FixtureRequest, start_server: StartServer, first_port: int) -> DoorkeepProcess:
    """A fresh ``doorkeep start-dev`` for one spec on a port of ``first_port``'s range: on SQLite, or on the
    throwaway PostgreSQL when ``DOORKEEP_WIRE_ENGINE=postgresql``."""
    on_postgres = os.environ.get("DOORKEEP_WIRE_ENGINE") == "postgresql"
    db_url = request.getfixturevalue("postgres_url") if on_postgres else None
    return start_server(db_url=db_url, port=spec_port(first_port))
