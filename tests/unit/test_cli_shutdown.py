"""--shutdown-delay and --shutdown-timeout: Keycloak 26's options, parsed, grouped and shown."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from doorkeep.cli import main


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env=env or {})
    return result.exit_code, result.output


def test_defaults_are_keycloaks_one_second() -> None:
    code, out = run("show-config")
    assert code == 0, out
    assert "shutdown-delay = 1.0 (default)" in out and "shutdown-timeout = 1.0 (default)" in out


def test_values_from_the_command_line_and_the_environment() -> None:
    code, out = run("show-config", "--shutdown-timeout", "30s", env={"DOORKEEP_SHUTDOWN_DELAY": "PT5S"})
    assert code == 0, out
    assert "shutdown-timeout = 30.0 (command line)" in out and "shutdown-delay = 5.0 (environment)" in out


@pytest.mark.parametrize("option", ["--shutdown-delay", "--shutdown-timeout"])
@pytest.mark.parametrize("value", ["-1", "soon", "1.5s", ""])
def test_a_bad_duration_is_one_clear_line(option: str, value: str) -> None:
    code, out = run("start", option, value, "--db-url", "sqlite:///unused.db")
    assert code == 2
    assert f"Invalid value for '{option}'" in out and "is not a duration" in out
    assert "Traceback" not in out


def test_help_lists_them_under_http() -> None:
    code, out = run("start", "--help")
    assert code == 0
    assert out.index("HTTP(S):") < out.index("--shutdown-delay") < out.index("--shutdown-timeout") < out.index("Metrics:")
