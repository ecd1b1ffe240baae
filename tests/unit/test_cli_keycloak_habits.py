"""A Keycloak operator's kc.sh habits: ``build`` then ``start --optimized``, ``-v`` / ``--verbose``, ``tools
completion``, Quarkus log levels (off, all, any case, per category), and a settings line that masks only secrets."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli_logging import restore_logging  # noqa: F401  (autouse: the server configures logging)
from doorkeep.cli import main
from doorkeep.server import logs

DOORKEEP = Path(sys.executable).parent / "doorkeep"


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env=env or {})
    return result.exit_code, result.output


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """start/start-dev run up to serving; what they would have served (log level spec, uvicorn's level)."""
    from doorkeep.server import serving

    calls: list[tuple[str, int]] = []
    monkeypatch.setattr(serving, "bind", lambda settings: [])
    monkeypatch.setattr(serving, "run", lambda settings, level, sockets: calls.append((settings.log_level, level)))
    return calls


def test_build_checks_the_options_and_says_there_is_nothing_to_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out = run("build", "--db=postgres", "--health-enabled=true", "--features-disabled", "impersonation")
    assert code == 0, out
    assert "Doorkeep has no build step: nothing to build or persist." in out
    assert "WARNING" not in out and not (tmp_path / "data").exists()
    code, out = run("build", "--http-port", "0")
    assert code == 2 and "--http-port" in out


def test_start_optimized_is_taken_quietly(tmp_path: Path, served: list[tuple[str, int]]) -> None:
    env = {"DOORKEEP_BOOTSTRAP_ADMIN_USERNAME": "a", "DOORKEEP_BOOTSTRAP_ADMIN_PASSWORD": "b"}
    code, out = run(
        "start", "--optimized", "--hostname", "https://id.example", "--db-url", f"sqlite:///{tmp_path}/x.db", env=env
    )
    assert code == 0, out
    assert "optimized" not in out and "WARNING" not in out and len(served) == 1
    assert "--optimized" in run("start", "--help")[1]


@pytest.mark.parametrize(
    "command",
    [
        "",
        "build",
        "start",
        "start-dev",
        "export",
        "import",
        "show-config",
        "tools",
        "tools completion",
        "bootstrap-admin",
        "bootstrap-admin user",
        "bootstrap-admin service",
    ],
)
def test_every_command_lists_verbose_in_its_help(command: str) -> None:
    code, out = run(*command.split(), "--help")
    assert code == 0 and "-v, --verbose" in out


@pytest.mark.parametrize("where", ["before", "after"])
def test_verbose_prints_the_failures_details_without_the_database_password(where: str) -> None:
    url = "postgresql://u:hunter2@127.0.0.1:1/db"
    args = ["export", "--realm", "x", "--file", "-", "--db-url", url]
    code, plain = run(*args)
    code_verbose, detailed = run(*(["--verbose", *args] if where == "before" else [*args, "-v"]))
    assert code == code_verbose == 1
    assert "Traceback" not in plain and plain.count("\n") == 1
    assert "Traceback (most recent call last)" in detailed and detailed.endswith(plain)
    assert "hunter2" not in detailed


def test_tools_completion_prints_a_bash_script_that_completes_the_commands() -> None:
    script = subprocess.run([str(DOORKEEP), "tools", "completion"], capture_output=True, text=True, check=True).stdout
    environ = {**os.environ, "PATH": f"{DOORKEEP.parent}{os.pathsep}{os.environ['PATH']}"}
    shell = 'eval "$SCRIPT"; COMP_WORDS=(doorkeep boot); COMP_CWORD=1; _doorkeep_completion doorkeep; echo "${COMPREPLY[@]}"'
    done = subprocess.run(["bash", "-c", shell], env={**environ, "SCRIPT": script}, capture_output=True, text=True)
    assert "_DOORKEEP_COMPLETE" in script
    assert done.stdout.split() == ["bootstrap-admin"], done.stderr


@pytest.mark.parametrize(
    "spec, root, category",
    [
        ("off", logs.OFF, None),
        ("ALL", logs.ALL, None),
        ("Warn,doorkeep.web:TRACE", logging.WARNING, logs.TRACE),
        ("doorkeep.web:debug", logging.INFO, logging.DEBUG),  # a category alone leaves the root at info
        ("off,doorkeep.web:warn,debug", logging.DEBUG, logging.WARNING),  # the last root level wins
    ],
)
def test_quarkus_log_levels_are_taken_in_any_case(
    tmp_path: Path, served: list[tuple[str, int]], spec: str, root: int, category: int | None
) -> None:
    code, out = run("start-dev", "--db-url", f"sqlite:///{tmp_path}/x.db", "--log-level", spec)
    assert code == 0, out
    assert served[0][1] == root and logging.getLogger("doorkeep").level == root
    if category is not None:
        assert logging.getLogger("doorkeep.web").getEffectiveLevel() == category


def test_log_level_off_silences_even_the_database_drivers_warnings(
    tmp_path: Path, served: list[tuple[str, int]]
) -> None:
    run("start-dev", "--db-url", f"sqlite:///{tmp_path}/x.db", "--log-level", "off")
    assert not logging.getLogger("sqlalchemy").isEnabledFor(logging.CRITICAL)
    assert not logging.getLogger("doorkeep").isEnabledFor(logging.CRITICAL)


@pytest.mark.parametrize(
    "spec, message",
    [
        (
            "verbose",
            "Invalid log level: verbose. Possible values are: off, fatal, error, warn, info, debug, trace, all.",
        ),
        ("info,a:b:debug", "Invalid log category format: a:b:debug. The format is 'category:level' such as"),
        (":debug", "Invalid log category format: :debug."),
    ],
)
def test_a_bad_log_level_gets_keycloaks_message(spec: str, message: str) -> None:
    code, out = run("start-dev", "--log-level", spec)
    assert code == 2 and message in " ".join(out.split()), out


def test_keycloaks_log_level_category_options_take_precedence_over_log_level(
    tmp_path: Path, served: list[tuple[str, int]]
) -> None:
    env = {"KC_LOG_LEVEL": "warn,doorkeep.web:error", "KC_LOG_LEVEL_DOORKEEP_STORE": "debug"}
    code, out = run("start-dev", "--db-url", f"sqlite:///{tmp_path}/x.db", "--log-level-doorkeep.web=TRACE", env=env)
    assert code == 0, out
    assert served == [("warn,doorkeep.web:error,doorkeep.store:debug,doorkeep.web:TRACE", logging.WARNING)]
    assert logging.getLogger("doorkeep.web").level == logs.TRACE
    assert logging.getLogger("doorkeep.store").level == logging.DEBUG
    assert "does not implement" not in out


def test_the_command_lines_log_level_category_wins_over_the_environments_and_keeps_the_root(
    tmp_path: Path, served: list[tuple[str, int]]
) -> None:
    env = {"KC_LOG_LEVEL_DOORKEEP_WEB": "error"}
    args = ["--log-level", "debug", "--log-level-doorkeep.web", "warn"]
    code, out = run("start-dev", "--db-url", f"sqlite:///{tmp_path}/x.db", *args, env=env)
    assert code == 0, out
    assert served == [("debug,doorkeep.web:error,doorkeep.web:warn", logging.DEBUG)]


@pytest.mark.parametrize("args, env", [(["--log-level-doorkeep.web=loud"], {}), ([], {"KC_LOG_LEVEL_DOORKEEP": "x"})])
def test_a_bad_category_level_is_refused_naming_the_option(args: list[str], env: dict[str, str]) -> None:
    code, out = run("start-dev", *args, env=env)
    given = "--log-level-doorkeep.web" if args else "KC_LOG_LEVEL_DOORKEEP"
    assert code == 1 and f"Invalid value for option '{given}'" in out
    assert "Expected values are (case insensitive): off, fatal, error, warn, info, debug, trace, all" in out


def test_the_settings_debug_line_masks_secrets_only(tmp_path: Path, served: list[tuple[str, int]]) -> None:
    """The redaction filter guessed from key names: ``password_blacklists_check_interval`` and
    ``oidc_req_token_params_default_max_size`` were masked, the vault's password was not."""
    vault = tmp_path / "vault"
    vault.mkdir()
    args = [
        "--db-url",
        f"sqlite:///{tmp_path}/x.db",
        "--log-level",
        "debug",
        "--vault",
        "file",
        "--vault-dir",
        str(vault),
    ]
    code, out = run("start-dev", *args, "--vault-pass", "vault-pw-77", "--bootstrap-admin-password", "boot-pw-88")
    line = next(line for line in out.splitlines() if "settings: {" in line)  # click's runner mixes in stderr
    shown = json.loads(line.split("settings: ", 1)[1])
    assert code == 0, out
    assert shown["password_blacklists_check_interval"] == 60
    assert shown["oidc_req_token_params_default_max_size"] == 20000
    assert shown["vault_pass"] == "***" and shown["bootstrap_admin_password"] == "***"
    assert "vault-pw-77" not in line and "boot-pw-88" not in line
