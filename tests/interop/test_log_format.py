"""A real server's log format: ``--log-format json`` (and Keycloak's spelling) writes JSON lines for
Doorkeep's and uvicorn's loggers alike, access lines included, and no secret reaches them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from interop.server import DoorkeepProcess, SeedRealm, seed_database
from interop.test_log_secrets import exercise, stored_secrets

pytestmark = pytest.mark.interop


class FormattedProcess(DoorkeepProcess):
    """``doorkeep start-dev`` with extra options."""

    extra: tuple[str, ...] = ()

    def command(self) -> list[str]:
        return [*super().command(), *self.extra]


def log_records(output: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The JSON log records of a server's output, and every other line that is neither JSON nor ours.

    Lines the CLI prints itself (the ``---`` command header, "listening", the start-dev warning) are not
    log records and are left out.
    """
    records: list[dict[str, Any]] = []
    other: list[str] = []
    for line in output.splitlines():
        if line.startswith("{"):
            records.append(json.loads(line))
        elif line.strip() and not line.startswith(("--- ", "Doorkeep listening", "WARNING: no DOORKEEP_")):
            other.append(line)
    return records, other


def test_log_format_json_writes_json_lines_for_doorkeep_uvicorn_and_the_access_log_without_secrets(
    tmp_path: Path,
) -> None:
    seed = SeedRealm()
    workdir = tmp_path / "server"
    seed_database(workdir / "data" / "doorkeep.db", seed)
    server = FormattedProcess(workdir)
    server.extra = ("--log-format", "json", "--log-level", "debug", "--http-access-log-enabled", "true")
    server.start()
    try:
        handed_out = exercise(server.base_url, seed)
    finally:
        server.stop()
    records, other = log_records(server.output())

    assert not other, f"lines that are not JSON: {other[:3]}"
    loggers = {r["loggerName"] for r in records}
    assert "uvicorn.error" in loggers and any(name.startswith("doorkeep") for name in loggers)
    access = [r["message"] for r in records if r["loggerName"] == "uvicorn.access"]
    assert any("/protocol/openid-connect/token" in line and " 200" in line for line in access)
    assert any("/userinfo?access_token=***" in line for line in access), "the query value was not masked"
    assert {"timestamp", "level", "loggerName", "message"} <= set(records[0])
    assert any(r["level"] == "DEBUG" for r in records)
    secrets = handed_out + stored_secrets(workdir / "data" / "doorkeep.db")
    secrets += [seed.client_secret, seed.service_client_secret, seed.password]
    text = server.output()
    leaked = [s for s in secrets if s and s in text]
    assert not leaked, f"{len(leaked)} secrets in the log, e.g. {leaked[0][:12]}…"


def test_keycloaks_log_console_output_json_spelling_selects_the_json_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KC_HTTP_ACCESS_LOG_ENABLED", "true")
    server = FormattedProcess(tmp_path / "server")
    server.extra = ("--log-console-output=json",)
    server.start()
    try:
        assert httpx.get(f"{server.base_url}/realms/master/.well-known/openid-configuration").status_code == 200
    finally:
        server.stop()
    records, other = log_records(server.output())
    assert not other, f"lines that are not JSON: {other[:3]}"
    assert any(r["loggerName"] == "uvicorn.access" and "openid-configuration" in r["message"] for r in records)
