"""The command line: help, and the refusals of ``start`` (DESIGN §1)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from doorkeep.cli import main


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env=env or {})
    return result.exit_code, result.output


def test_help_lists_every_command() -> None:
    code, out = run("--help")
    assert code == 0
    for command in ("start-dev", "start", "import", "export"):
        assert command in out


@pytest.mark.parametrize("command", ["start-dev", "start"])
def test_server_help_documents_options_and_their_environment_variables(command: str) -> None:
    code, out = run(command, "--help")
    assert code == 0
    for flag, env in [("--http-port", "DOORKEEP_HTTP_PORT"), ("--http-host", "DOORKEEP_HTTP_HOST"),
                      ("--db-url", "DOORKEEP_DB_URL"), ("--import-realm", "DOORKEEP_IMPORT_REALM")]:
        assert flag in out and env in out


def test_start_refuses_workers_on_sqlite(tmp_path: Path) -> None:
    code, out = run("start", "--db-url", f"sqlite:///{tmp_path}/x.db", "--workers", "2")
    assert code != 0
    assert "PostgreSQL" in out


def test_start_refuses_plain_http_off_loopback(tmp_path: Path) -> None:
    code, out = run("start", "--db-url", f"sqlite:///{tmp_path}/x.db", "--http-host", "0.0.0.0")
    assert code != 0
    assert "--http-enabled true" in out


def test_start_refuses_a_first_start_without_a_bootstrap_admin(tmp_path: Path) -> None:
    code, out = run("start", "--db-url", f"sqlite:///{tmp_path}/x.db", "--http-port", "1")
    assert code != 0
    assert "DOORKEEP_BOOTSTRAP_ADMIN_USERNAME" in out
