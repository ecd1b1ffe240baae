"""A newcomer's common mistakes at the command line each get one clear line and an exit code, never a traceback:
an export to a folder that does not exist, a libpq-style PostgreSQL URL, a database that is missing or
unreachable."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli_logging import restore_logging  # noqa: F401  (autouse: start-dev configures logging)
from doorkeep.cli import main

DEMO_REALM = str(Path(__file__).parents[2] / "examples" / "demo-realm.json")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env={})
    return result.exit_code, result.output


def test_an_export_to_a_missing_folder_is_one_line_before_the_database_is_opened(tmp_path: Path) -> None:
    """It was a FileNotFoundError traceback, after the whole export."""
    code, out = run(
        "export", "--realm", "demo", "--file", str(tmp_path / "no" / "demo.json"), "--db-url", _db(tmp_path)
    )
    assert code == 2 and "Traceback" not in out, out
    assert (
        out.strip().splitlines()[-1]
        == f"Error: Invalid value for '--file': the folder does not exist: {tmp_path / 'no'}"
    )
    assert not (tmp_path / "x.db").exists()


def test_an_export_to_a_path_that_cannot_be_written_is_one_line(tmp_path: Path) -> None:
    assert run("import", "--file", DEMO_REALM, "--db-url", _db(tmp_path))[0] == 0
    code, out = run("export", "--realm", "demo", "--file", "/proc/demo.json", "--db-url", _db(tmp_path))
    assert code == 1 and "Traceback" not in out, out
    assert out.strip().splitlines()[-1].startswith("Error: cannot write /proc/demo.json: ")


@pytest.mark.parametrize(
    "given, shown",
    [
        ("postgres://u:pw@db.example/dk", "postgresql://u:*******@db.example/dk"),
        ("postgresql://u@db.example:5433/dk?sslmode=verify-full", "postgresql://u@db.example:5433/dk?ssl=verify-full"),
        ("postgres://db.example/dk?sslmode=require&timeout=5", "postgresql://db.example/dk?ssl=require&timeout=5"),
        ("postgresql://db.example/dk?ssl=require", "postgresql://db.example/dk?ssl=require"),
    ],
)
def test_libpq_spellings_of_a_postgresql_url_are_taken_in_the_drivers(given: str, shown: str) -> None:
    """``postgres://`` was "unsupported database 'postgres'" and ``?sslmode=`` a TypeError at the first connection."""
    code, out = run("show-config", "--db-url", given)
    assert code == 0, out
    assert f"db-url = {shown} (command line)" in out


def test_a_postgres_url_with_sslmode_imports_into_a_real_postgresql(postgres_url: str) -> None:
    libpq = postgres_url.replace("postgresql://", "postgres://", 1) + "?sslmode=disable"
    code, out = run("import", "--file", DEMO_REALM, "--db-url", libpq)
    assert code == 0, out
    assert out.startswith("imported demo (1 users, 2 clients) in ")


@pytest.mark.parametrize("command", [["start-dev", "--http-port", "47899"], ["import", "--file", DEMO_REALM]])
def test_a_missing_postgresql_database_is_named_in_one_line(postgres_url: str, command: list[str]) -> None:
    """The line was "DBAPIError: (sqlalchemy.dialects.postgresql.asyncpg.Error) database … does not exist"."""
    missing = postgres_url.rsplit("/", 1)[0] + "/no_such_database"
    code, out = run(*command, "--db-url", missing)
    server = missing.split("@", 1)[1].split("/", 1)[0]
    assert code == 1 and "Traceback" not in out, out
    assert (
        out.strip().splitlines()[-1].endswith(f': database "no_such_database" does not exist (PostgreSQL at {server})')
    ), out
    assert "sqlalchemy" not in out and "DBAPIError" not in out


def test_an_unreachable_postgresql_server_is_named_in_one_line() -> None:
    code, out = run("import", "--file", DEMO_REALM, "--db-url", "postgresql://u:hunter2@127.0.0.1:1/db")
    assert code == 1 and "Traceback" not in out and "hunter2" not in out, out
    assert out.strip().splitlines()[-1] == (
        "Error: cannot open the database: Connect call failed ('127.0.0.1', 1) (PostgreSQL at 127.0.0.1:1)"
    )


def test_an_unreachable_keycloak_database_is_named_in_one_line(tmp_path: Path) -> None:
    """The line was "ConnectionRefusedError: [Errno 111] …"; libpq's ``?sslmode=`` is taken there too."""
    source = "postgres://kc:hunter2@127.0.0.1:1/keycloak?sslmode=require"
    code, out = run("migrate-from-keycloak", "--source-db-url", source, "--realm", "shop", "--db-url", _db(tmp_path))
    assert code == 1 and "Traceback" not in out and "hunter2" not in out, out
    assert out.strip().splitlines()[-1] == (
        "Error: cannot read the Keycloak database: Connect call failed ('127.0.0.1', 1) (PostgreSQL at 127.0.0.1:1)"
    )


@pytest.mark.parametrize("cli", ["admin", "reg"])
def test_the_help_command_of_each_cli_does_not_name_the_other(cli: str) -> None:
    """``doorkeep reg --help`` listed its help command as "Print the help of doorkeep admin"."""
    code, out = run(cli, "--help")
    assert code == 0
    [line] = [line for line in out.splitlines() if line.strip().startswith("help ")]
    assert "doorkeep admin" not in line and "doorkeep reg" not in line


def _db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/x.db"
