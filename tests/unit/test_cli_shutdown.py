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
    assert "shutdown-delay = 1s (default)" in out and "shutdown-timeout = 1s (default)" in out


def test_values_from_the_command_line_and_the_environment() -> None:
    code, out = run("show-config", "--shutdown-timeout", "30s", env={"DOORKEEP_SHUTDOWN_DELAY": "PT5S"})
    assert code == 0, out
    assert "shutdown-timeout = 30s (command line)" in out and "shutdown-delay = PT5S (environment)" in out


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
    assert (
        out.index("HTTP(S):") < out.index("--shutdown-delay") < out.index("--shutdown-timeout") < out.index("Metrics:")
    )


def test_the_settings_hold_seconds() -> None:
    from doorkeep.cli import _settings

    opts: dict[str, object] = {
        name: None
        for name in (
            "http_enabled",
            "hostname",
            "proxy_headers",
            "proxy_trusted_addresses",
            "https_certificate_file",
            "https_certificate_key_file",
            "bootstrap_admin_username",
            "bootstrap_admin_password",
        )
    }
    settings = _settings(
        False,
        **opts,
        db_url="sqlite:///x.db",
        http_host="127.0.0.1",
        http_port=8080,
        workers=1,
        import_realms=(),
        cache_embedded_offline_sessions_max_count=1,
        cache_embedded_offline_client_sessions_max_count=1,
        cache_embedded_sessions_max_count=1,
        cache_embedded_client_sessions_max_count=1,
        log_level="info",
        metrics_enabled=False,
        shutdown_delay="500ms",
        shutdown_timeout="PT1M",
    )
    assert (settings.shutdown_delay, settings.shutdown_timeout) == (0.5, 60.0)
