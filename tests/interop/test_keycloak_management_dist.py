"""Keycloak's ManagementDistTest (quarkus/tests/integration/.../it/cli/dist/ManagementDistTest.java @ 898fdedc),
ported onto real ``doorkeep start-dev`` processes: health and metrics on the management port.

Keycloak's class starts every server with ``--health-enabled=true --metrics-enabled=true`` and talks to port
9000; here each server gets a free management port (interop.server.DoorkeepProcess), so the tests can run in
parallel, and testManagementEnabled, which relies on the default port, gives it through
``KC_HTTP_MANAGEMENT_PORT`` instead. Every Java @Test method is ported. Differences, each on purpose:

- testManagementNoHttps: Keycloak refuses ``start --http-enabled=false`` without key material. Doorkeep refuses
  plain HTTP in ``start`` only on a non-loopback address, so the port listens on 0.0.0.0; the refusal comes,
  as in Keycloak, before any "Management interface listening" line.
- testManagementRootRedirects: the main port's root page is Doorkeep's welcome page, not "Welcome to Keycloak"
  (start-dev made master's admin, so it redirects to the Admin Console); the test checks the status and the
  redirect, not the page's words.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import pytest

from interop.server import DOORKEEP, DoorkeepProcess, StartServer

pytestmark = pytest.mark.interop

EXPOSED = ("--health-enabled", "true", "--metrics-enabled", "true")  # the class's defaultOptions
ROOT_BODY = "Keycloak Management Interface"


def management(server: DoorkeepProcess, host: str = "127.0.0.1") -> str:
    return f"http://{host}:{server.management_port}"


def get(url: str) -> httpx.Response:
    return httpx.get(url, timeout=10)  # redirects are not followed


def assert_served(base: str) -> None:
    """The management root and every health and metrics endpoint answer 200 under ``base``."""
    root = get(base)
    assert root.status_code == 200 and root.text == ROOT_BODY, (root.status_code, root.text)
    for path in ("/health", "/health/live", "/health/ready", "/metrics"):
        assert get(base + path).status_code == 200, path


def test_management_no_https(tmp_path: Path) -> None:
    """Keycloak's testManagementNoHttps: a refused plain-HTTP start never opens the management interface."""
    command = [str(DOORKEEP), "start", "--hostname", "hostname", "--http-enabled", "false", "--http-host", "0.0.0.0"]
    command += ["--db-url", f"sqlite:///{tmp_path / 'x.db'}", *EXPOSED]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Management interface listening on" not in output
    assert "plain HTTP on a non-loopback address: give --https-certificate-file" in output


def test_management_disabled(start_server: StartServer) -> None:
    """Keycloak's testManagementDisabled: --legacy-observability-interface leaves the management port closed and
    health on the main port."""
    server = start_server(options=(*EXPOSED, "--legacy-observability-interface", "true"))
    assert "Management interface listening on" not in server.output()
    for path in ("/", "/health"):
        with pytest.raises(httpx.ConnectError):
            get(management(server) + path)
    assert get(f"{server.base_url}/health").status_code == 200


class PortFromEnvironment(DoorkeepProcess):
    """A server whose management port comes from KC_HTTP_MANAGEMENT_PORT, not from the command line."""

    def command(self) -> list[str]:
        cmd = super().command()
        at = cmd.index("--http-management-port")
        return cmd[:at] + cmd[at + 2 :]


def test_management_enabled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keycloak's testManagementEnabled, the port given by KC_HTTP_MANAGEMENT_PORT (Keycloak's default, 9000,
    would collide between parallel tests)."""
    server = PortFromEnvironment(tmp_path / "server", options=EXPOSED)
    monkeypatch.setenv("KC_HTTP_MANAGEMENT_PORT", str(server.management_port))
    server.start()
    try:
        assert f"Management interface listening on http://127.0.0.1:{server.management_port}" in server.output()
        assert "--http-management-port" not in " ".join(server.command())
        assert_served(management(server))
    finally:
        server.stop()


def test_management_different_port(start_server: StartServer) -> None:
    """Keycloak's testManagementDifferentPort: --http-management-port moves the interface."""
    server = start_server(options=EXPOSED)
    assert f"Management interface listening on http://127.0.0.1:{server.management_port}" in server.output()
    assert_served(management(server))


def assert_relative_path(server: DoorkeepProcess, relative_path: str) -> None:
    """Keycloak's assertRelativePath: the endpoints live under the path, ``/`` redirects to it."""
    base = management(server)
    assert f"Management interface listening on http://127.0.0.1:{server.management_port}" in server.output()
    home = get(base + "/")
    assert home.status_code == 302 and home.headers["location"] == relative_path
    followed = httpx.get(base + "/", timeout=10, follow_redirects=True)
    assert followed.status_code == 200 and followed.text == ROOT_BODY
    assert_served(base + relative_path)
    assert get(base + "/health").status_code == 404
    assert get(base + "/metrics").status_code == 404


def test_management_inherited_relative_path(tmp_path: Path) -> None:
    """Keycloak's testManagementInheritedRelativePath: the management path defaults to --http-relative-path."""
    server = DoorkeepProcess(tmp_path / "server", relative_path="/management2", options=EXPOSED)
    server.start()
    try:
        assert_relative_path(server, "/management2")
    finally:
        server.stop()


def test_management_different_relative_path(start_server: StartServer) -> None:
    """Keycloak's testManagementDifferentRelativePath: --http-management-relative-path."""
    server = start_server(options=(*EXPOSED, "--http-management-relative-path", "/management"))
    assert_relative_path(server, "/management")


def test_management_root_redirects(tmp_path: Path) -> None:
    """Keycloak's testManagementRootRedirects: each port's ``/`` redirects to its own path."""
    server = DoorkeepProcess(
        tmp_path / "server", relative_path="/auth", options=(*EXPOSED, "--http-management-relative-path", "/management")
    )
    server.start()
    try:
        assert_relative_path(server, "/management")
        main = f"http://127.0.0.1:{server.port}"
        home = get(main + "/")
        assert home.status_code == 302 and home.headers["location"] == "/auth"
        assert httpx.get(main + "/", timeout=10, follow_redirects=True).status_code == 200
        # the welcome page: master has the start-dev admin, so a 302 on to the Admin Console's sign-in
        assert get(main + "/auth").status_code == 302
        assert httpx.get(main + "/auth", timeout=10, follow_redirects=True).status_code == 200
    finally:
        server.stop()


def test_management_different_host(start_server: StartServer) -> None:
    """Keycloak's testManagementDifferentHost: --http-management-host, announced by its name."""
    server = start_server(options=(*EXPOSED, "--http-management-host", "localhost"))
    assert f"Management interface listening on http://localhost:{server.management_port}" in server.output()
    assert_served(management(server, "localhost"))
