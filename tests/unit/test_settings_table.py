"""Each setting declared once (settings.OPTIONS): the commands' options, environment variables, ``--help``
and ``show-config`` are generated from it, and no option that existed before the table went missing."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from doorkeep.cli import main
from doorkeep.settings import FIELD_OF, OPTIONS, Settings

BEFORE = Path(__file__).with_name("cli_options_before_settings_table.json")
SERVER_COMMANDS = ("start", "start-dev", "show-config")


def _options(command: str) -> dict[str, tuple[list[str], str | None]]:
    params = main.commands[command].params
    return {p.name: (p.opts, p.envvar) for p in params if isinstance(p, click.Option) and p.name}  # type: ignore[misc]


def test_every_option_of_every_command_before_the_table_still_exists_with_its_flags_and_environment_variable() -> None:
    before: dict[str, list[list[object]]] = json.loads(BEFORE.read_text())
    for command, rows in before.items():
        now = _options(command)
        for name, flags, envvar in rows:
            assert name in now, f"{command} lost --{name}"
            assert now[name] == (flags, envvar), f"{command} --{name} changed"


@pytest.mark.parametrize("command", SERVER_COMMANDS)
def test_help_lists_every_declared_option_with_its_environment_variable(command: str) -> None:
    out = CliRunner().invoke(main, [command, "--help"], terminal_width=200).output
    for option in OPTIONS:
        assert option.flag in out, option.flag
        assert option.env in out, option.env
        assert option.help.split(";")[0][:40] in " ".join(out.split()), option.flag


def test_each_setting_an_option_sets_has_the_options_default() -> None:
    defaults = Settings()
    for option in OPTIONS:
        field = FIELD_OF.get(option.name)
        if field is not None and option.default is not None and option.kind != "duration":
            assert getattr(defaults, field) == option.default, option.flag


def test_doorkeep_and_keycloak_environment_variables_reach_the_declared_options(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DOORKEEP_HTTP_PORT", "9099")
    monkeypatch.setenv("KC_LOG_CONSOLE_OUTPUT", "json")
    monkeypatch.setenv("KC_HTTP_ACCESS_LOG_ENABLED", "true")
    out = CliRunner().invoke(main, ["show-config", "--dev"]).output
    assert "http-port = 9099 (environment)" in out
    assert "log-format = json (environment, KC_*)" in out
    assert "http-access-log-enabled = true (environment, KC_*)" in out
