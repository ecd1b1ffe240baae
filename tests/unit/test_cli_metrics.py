"""``--metrics-enabled`` (env DOORKEEP_METRICS_ENABLED) and the multiprocess directory for --workers N."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from doorkeep import cli
from doorkeep.settings import Settings


def test_help_shows_the_metrics_option() -> None:
    result = CliRunner().invoke(cli.main, ["start", "--help"], env={})
    assert result.exit_code == 0 and "--metrics-enabled" in result.output


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        ((), {}, False),
        (("--metrics-enabled", "true"), {}, True),
        ((), {"DOORKEEP_METRICS_ENABLED": "true"}, True),
        (("--metrics-enabled", "false"), {"DOORKEEP_METRICS_ENABLED": "true"}, False),
    ],
)
def test_metrics_option_reaches_the_settings(
    args: tuple[str, ...],
    env: dict[str, str],
    expected: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[Settings] = []
    monkeypatch.setattr(cli, "_serve", lambda settings, **_: seen.append(settings))
    result = CliRunner().invoke(cli.main, ["start-dev", "--db-url", "sqlite:////tmp/x.db", *args], env=env)
    assert result.exit_code == 0, result.output
    assert seen[0].metrics_enabled is expected


def test_metrics_option_rejects_non_booleans() -> None:
    result = CliRunner().invoke(cli.main, ["start-dev", "--metrics-enabled", "maybe"], env={})
    assert result.exit_code == 2


def test_multiprocess_directory_only_for_several_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    assert cli._metrics_multiprocess_dir(Settings(metrics_enabled=True, workers=1)) is None
    assert cli._metrics_multiprocess_dir(Settings(metrics_enabled=False, workers=4)) is None
    folder = cli._metrics_multiprocess_dir(Settings(metrics_enabled=True, workers=2))
    try:
        assert folder is not None and Path(folder).is_dir()
        assert os.environ["PROMETHEUS_MULTIPROC_DIR"] == folder
        # an operator's own directory wins
        assert cli._metrics_multiprocess_dir(Settings(metrics_enabled=True, workers=2)) is None
    finally:
        os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
        if folder:
            os.rmdir(folder)
