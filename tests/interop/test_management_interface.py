"""The management interface on real servers, beyond Keycloak's ManagementDistTest (test_keycloak_management_dist.py):
the same health answers as the main port, nothing else served there, when it stays closed, a taken port,
``--workers 2`` and the TLS it inherits (Keycloak's ManagementHttpsDistTest.simpleHttpsStartDev)."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import httpx
import pytest

from interop.server import DOORKEEP, StartServer, WorkersProcess, free_port

pytestmark = pytest.mark.interop

EXPOSED = ("--health-enabled", "true", "--metrics-enabled", "true")
NO_METHOD = {
    "error": "Unable to find matching target resource method",
    "error_description": "For more on this error consult the server log at the debug level.",
}


def test_health_on_the_management_port_answers_as_on_the_main_port(start_server: StartServer) -> None:
    server = start_server(options=EXPOSED)
    management = f"http://127.0.0.1:{server.management_port}"
    for path in ("/health/started", "/health/live", "/health/ready", "/health"):
        here, there = httpx.get(management + path, timeout=10), httpx.get(server.base_url + path, timeout=10)
        assert (here.status_code, here.json()) == (there.status_code, there.json()) == (200, there.json()), path
        assert here.headers["content-type"] == "application/json"
    ready = httpx.get(management + "/health/ready", timeout=10).json()
    check = {"name": "Keycloak database connections async health check", "status": "UP"}
    assert ready == {"status": "UP", "checks": [check]}
    metrics = httpx.get(management + "/metrics", timeout=10)
    assert metrics.status_code == 200 and "http_server_requests_seconds" in metrics.text


def test_the_management_port_serves_nothing_but_health_and_metrics(start_server: StartServer) -> None:
    server = start_server(options=EXPOSED)
    management = f"http://127.0.0.1:{server.management_port}"
    for path in ("/realms/master", "/realms/master/.well-known/openid-configuration", "/admin/realms", "/nope"):
        answer = httpx.get(management + path, timeout=10)
        assert (answer.status_code, answer.json()) == (404, NO_METHOD), path
    posted = httpx.post(management + "/health/ready", timeout=10)
    assert (posted.status_code, posted.json()) == (404, NO_METHOD)
    token = httpx.post(
        management + "/realms/master/protocol/openid-connect/token",
        data={"grant_type": "password", "client_id": "admin-cli", "username": "admin", "password": "admin"},
        timeout=10,
    )
    assert token.status_code == 404 and "access_token" not in token.text
    assert httpx.get(f"{server.base_url}/realms/master", timeout=10).status_code == 200  # the main port as before
    assert httpx.get(f"{server.base_url}/metrics", timeout=10).status_code == 200


def test_with_metrics_alone_the_management_port_serves_metrics_and_no_health(start_server: StartServer) -> None:
    server = start_server(options=("--metrics-enabled", "true"))
    management = f"http://127.0.0.1:{server.management_port}"
    assert httpx.get(management + "/metrics", timeout=10).status_code == 200
    assert httpx.get(management + "/health/ready", timeout=10).status_code == 404
    assert httpx.get(f"{server.base_url}/health/ready", timeout=10).status_code == 200


@pytest.mark.parametrize(
    "options",
    [
        (),  # neither health nor metrics enabled: nothing is exposed on it
        ("--health-enabled", "true", "--http-management-health-enabled", "false"),
        (*EXPOSED, "--legacy-observability-interface", "true"),
    ],
    ids=["nothing-enabled", "health-kept-on-the-main-port", "legacy-interface"],
)
def test_the_management_port_stays_closed_when_nothing_is_exposed_on_it(
    start_server: StartServer, options: tuple[str, ...]
) -> None:
    server = start_server(options=options)
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{server.management_port}/health", timeout=5)
    assert "Management interface listening" not in server.output()
    assert httpx.get(f"{server.base_url}/health/ready", timeout=10).status_code == 200


def test_a_taken_management_port_fails_start_up_with_one_clear_line(tmp_path: Path) -> None:
    port = free_port()
    command = [str(DOORKEEP), "start-dev", "--http-host", "127.0.0.1", "--http-port", str(free_port()), *EXPOSED]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOORKEEP_", "KC_"))}
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        result = subprocess.run(
            [*command, "--http-management-port", str(port)],
            cwd=tmp_path,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    line = f"Error: cannot listen on 127.0.0.1:{port} (management interface, --http-management-port): "
    assert line + "Address already in use" in output
    assert "listening on" not in output and "uvicorn" not in output and "Traceback" not in output


def test_the_management_interface_inherits_the_main_ports_tls(start_server: StartServer) -> None:
    """Keycloak's ManagementHttpsDistTest.simpleHttpsStartDev: with TLS on the main port, the management port
    speaks HTTPS with the same certificate."""
    server = start_server(https=True, options=EXPOSED)
    management = f"https://127.0.0.1:{server.management_port}"
    assert f"Management interface listening on {management}" in server.output()
    verify = server.ssl_context()
    assert verify is not None
    root = httpx.get(management, verify=verify, timeout=10)
    assert root.status_code == 200 and root.text == "Keycloak Management Interface"
    assert httpx.get(management + "/health/ready", verify=verify, timeout=10).status_code == 200
    with pytest.raises(httpx.TransportError):  # plain HTTP to a TLS port
        httpx.get(f"http://127.0.0.1:{server.management_port}/health", timeout=5)


@pytest.mark.postgres
def test_two_workers_serve_both_ports(tmp_path: Path, postgres_url: str) -> None:
    server = WorkersProcess(tmp_path / "server", db_url=postgres_url, extra=EXPOSED)
    server.start()
    try:
        management = f"http://127.0.0.1:{server.management_port}"
        assert f"Management interface listening on {management}" in server.output()
        for _ in range(8):  # a fresh connection each time, accepted by whichever worker is free
            assert httpx.get(management + "/health/ready", timeout=10).status_code == 200
            assert httpx.get(f"{server.base_url}/realms/master", timeout=10).status_code == 200
        assert httpx.get(management + "/health/ready", timeout=10).json()["status"] == "UP"
        metrics = httpx.get(management + "/metrics", timeout=10)
        assert metrics.status_code == 200 and 'uri="/realms/{realm}"' in metrics.text
    finally:
        server.stop()
