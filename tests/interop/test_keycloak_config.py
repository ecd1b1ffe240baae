"""A real ``doorkeep start`` configured only the way a Keycloak container is: KC_* variables and ``--import-realm``.

SQLite (``KC_DB=dev-file``) and PostgreSQL through Keycloak's JDBC URL (``KC_DB_URL=jdbc:postgresql://…``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from interop.admin_cli_support import Cli, offline_login
from interop.server import DEMO_REALM, DOORKEEP, DoorkeepProcess, free_port

pytestmark = pytest.mark.interop


class KeycloakStyleServer(DoorkeepProcess):
    """``doorkeep start --import-realm`` with nothing but ``KC_*`` in its environment."""

    def __init__(self, workdir: Path, kc_env: dict[str, str]) -> None:
        super().__init__(workdir, port=free_port())
        self.kc_env = {
            "KC_HTTP_PORT": str(self.port),
            "KC_HTTP_HOST": "127.0.0.1",
            "KC_HOSTNAME": f"http://127.0.0.1:{self.port}",
            "KC_BOOTSTRAP_ADMIN_USERNAME": "boss",
            "KC_BOOTSTRAP_ADMIN_PASSWORD": "boss-password",
            "KC_HEALTH_ENABLED": "true",
            "KC_HTTP_MANAGEMENT_PORT": str(self.management_port),  # health on: the management port opens
            "KC_FEATURES": "token-exchange",
            **kc_env,
        }

    def command(self) -> list[str]:
        return [str(DOORKEEP), "start", "--import-realm"]

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DOORKEEP_", "KC_"))}
        env.update(self.kc_env, PYTHONUNBUFFERED="1")
        import_dir = self.workdir / "data" / "import"
        import_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy(DEMO_REALM, import_dir / "demo-realm.json")
        self._log = self.log_path.open("ab")
        self._process = subprocess.Popen(
            self.command(),
            cwd=self.workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        try:
            self._wait_until_ready()
        except BaseException:
            self.kill9()
            raise


def _check_keycloak_configured_server(server: KeycloakStyleServer, tmp_path: Path) -> None:
    base = server.base_url
    assert "Keycloak features Doorkeep does not implement, ignored: token-exchange" in server.output()
    discovery = httpx.get(f"{base}/realms/demo/.well-known/openid-configuration", timeout=10).json()
    assert discovery["issuer"] == f"{base}/realms/demo"  # the realm came from data/import/, the URL from KC_HOSTNAME
    cli = Cli(tmp_path / "admin.config")
    cli.ok(
        "config", "credentials", "--server", base, "--realm", "master", "--user", "boss", "--password", "boss-password"
    )
    offline_login(base)
    assert cli.ok("offline-session-count", "-r", "demo", "--client", "offline-access-portal").out.strip() == "1"
    assert httpx.get(f"{base}/health/ready", timeout=10).status_code == 200
    # KC_HEALTH_ENABLED opens Keycloak's management interface, on KC_HTTP_MANAGEMENT_PORT
    management = f"http://127.0.0.1:{server.management_port}/health/ready"
    assert httpx.get(management, timeout=10).json()["status"] == "UP"
    assert f"Management interface listening on http://127.0.0.1:{server.management_port}" in server.output()


def test_a_server_configured_only_by_kc_variables_runs_on_sqlite(tmp_path: Path) -> None:
    server = KeycloakStyleServer(tmp_path / "server", {"KC_DB": "dev-file"})
    server.start()
    try:
        _check_keycloak_configured_server(server, tmp_path)
        assert (server.workdir / "data" / "doorkeep.db").is_file()
    finally:
        server.stop()


@pytest.mark.postgres
def test_a_server_configured_only_by_kc_variables_runs_on_postgresql_from_a_jdbc_url(
    postgres_url: str, tmp_path: Path
) -> None:
    database = postgres_url.rsplit("/", 1)[1]
    host_port = postgres_url.split("@", 1)[1].split("/", 1)[0]
    server = KeycloakStyleServer(
        tmp_path / "server",
        {
            "KC_DB": "postgres",
            "KC_DB_URL": f"jdbc:postgresql://{host_port}/{database}",
            "KC_DB_USERNAME": "postgres",
            "KC_DB_PASSWORD": "not-checked-by-trust-auth",
        },
    )
    server.start()
    try:
        _check_keycloak_configured_server(server, tmp_path)
        assert not (server.workdir / "data" / "doorkeep.db").exists()
        assert "not-checked-by-trust-auth" not in server.output()
    finally:
        server.stop()


def test_kc_hostname_debug_serves_the_debug_page_of_a_real_server(tmp_path: Path) -> None:
    """KC_HOSTNAME_DEBUG=true (Keycloak's --hostname-debug) is taken, not ignored: the page and its test answer."""
    server = KeycloakStyleServer(tmp_path / "server", {"KC_DB": "dev-file", "KC_HOSTNAME_DEBUG": "true"})
    server.start()
    try:
        base = server.base_url
        page = httpx.get(f"{base}/realms/demo/hostname-debug", timeout=10)
        check = httpx.get(f"{base}/realms/demo/hostname-debug/test", params={"frontEnd": "true"}, timeout=10)
        output = server.output()
    finally:
        server.stop()
    assert "KC_HOSTNAME_DEBUG" not in output
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert f"{base}/realms/demo/hostname-debug/test?frontEnd=true" in page.text
    assert "production [start]" in page.text
    assert check.status_code == 200 and check.text == "OK"
