"""Hostile s65b: no spelling of a PostgreSQL password in ``--db-url`` reaches ``show-config`` or a start-up error.

A ``?`` in the password (SQLAlchemy's URL grammar takes anything but ``@`` there), a percent-encoded
``password`` query key (SQLAlchemy decodes keys), and an ``@`` left unencoded (the rest of the password then reads as
the host) all got past the mask; a port that is no number was a ValueError traceback."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import make_url

from cli_logging import restore_logging  # noqa: F401  (autouse: start-dev configures logging)
from doorkeep.cli import main
from doorkeep.cli.options import asyncpg_spelling
from doorkeep.server.option_groups import mask_url
from doorkeep.server.serving import describe

SECRET = "S3cr3tPW"
URLS = [
    f"postgres://u:pa?{SECRET}@db.example:5432/dk?sslmode=require",
    f"postgresql://u:{SECRET}?x@db.example/dk",
    f"postgresql://u@db.example/dk?pass%77ord={SECRET}",
    f"postgresql://u@db.example/dk?PassWord={SECRET}&sslmode=disable",
    f"postgresql://u@db.example/dk?password={SECRET}&password={SECRET}",
    f"postgresql://u:{SECRET[:4]}@{SECRET[4:]}@db.example/dk",
    f"postgresql://u:{SECRET}%40x@db.example/dk?sslmode=verify-full",
    f"postgres://u:{SECRET}@db.example:5432/dk?sslmode=require&application_name=a@b",
]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env={})
    return result.exit_code, result.output


@pytest.mark.parametrize("url", URLS)
def test_mask_url_hides_every_spelling_of_the_password(url: str) -> None:
    shown = mask_url(url)
    assert SECRET not in shown and SECRET[4:] not in shown, shown
    assert "*******" in shown


@pytest.mark.parametrize("url", URLS)
def test_show_config_never_prints_the_password(url: str) -> None:
    code, out = run("show-config", "--db-url", url)
    assert code == 0, out
    assert SECRET not in out and SECRET[4:] not in out, out


def test_a_question_mark_in_the_password_still_takes_sslmode() -> None:
    """The query was looked for at the first ``?``, inside the password: ``sslmode`` stayed and asyncpg refused it."""
    url = asyncpg_spelling(f"postgres://u:pa?{SECRET}@db.example/dk?sslmode=require")
    parsed = make_url(url)
    assert parsed.password == f"pa?{SECRET}" and dict(parsed.query) == {"ssl": "require"}, url
    assert parsed.drivername == "postgresql"


@pytest.mark.parametrize("url", [f"postgres://u:{SECRET}@db.example:notaport/dk", f"postgres://u:{SECRET}@[::1/dk"])
@pytest.mark.parametrize("command", [["show-config"], ["export", "--realm", "x", "--file", "x.json"]])
def test_a_port_that_is_no_number_is_one_line_without_the_password(url: str, command: list[str]) -> None:
    code, out = run(*command, "--db-url", url)
    assert code == 2 and "Traceback" not in out and "--db-url" in out, out
    assert SECRET not in out


def test_a_start_up_error_names_no_part_of_an_unencoded_password() -> None:
    """``u:S3cr@3tPW@host``: SQLAlchemy reads ``3tPW@host`` as the host; the error names only what follows the last
    ``@``."""
    error = OSError(111, "Connection refused")
    text = describe(error, f"postgresql://u:{SECRET[:4]}@{SECRET[4:]}@db.example:5433/dk")
    assert SECRET[4:] not in text and "db.example:5433" in text, text
