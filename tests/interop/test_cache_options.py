"""Keycloak's session-cache options: a Keycloak start command that carries them starts Doorkeep, and
``--help`` says they change nothing here (Doorkeep keeps no session cache; issue #8)."""

from __future__ import annotations

import os
import subprocess
import time
import urllib.request
from pathlib import Path

from click.testing import CliRunner

from doorkeep.cli import main
from interop.server import DOORKEEP, free_port

KEYCLOAK_CACHE_OPTIONS = [
    "--spi-user-sessions-infinispan-offline-session-cache-entry-lifespan-override=86400",
    "--spi-user-sessions-infinispan-offline-client-session-cache-entry-lifespan-override=3600",
    "--cache-embedded-offline-sessions-max-count=50000",
    "--cache-embedded-offline-client-sessions-max-count",
    "50000",
    "--cache-embedded-sessions-max-count=20000",
    "--cache-embedded-client-sessions-max-count=20000",
    "--cache-embedded-users-max-count=5000",
    "--cache-embedded-realms-max-count=100",
]


def _ready(base_url: str, process: subprocess.Popen[str], deadline: float) -> int:
    while time.monotonic() < deadline:
        assert process.poll() is None, "doorkeep exited with the cache options"
        try:
            with urllib.request.urlopen(f"{base_url}/realms/master", timeout=2) as response:
                return int(response.status)
        except OSError:
            time.sleep(0.2)
    raise AssertionError("doorkeep did not become ready")


def test_a_keycloak_start_command_with_the_cache_options_starts_doorkeep(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOORKEEP_")}
    env |= {
        "DOORKEEP_BOOTSTRAP_ADMIN_USERNAME": "admin",
        "DOORKEEP_BOOTSTRAP_ADMIN_PASSWORD": "admin",
        "DOORKEEP_CACHE_EMBEDDED_KEYS_MAX_COUNT": "10",
    }
    command = [
        str(DOORKEEP),
        "start-dev",
        "--http-host",
        "127.0.0.1",
        "--http-port",
        str(port),
        *KEYCLOAK_CACHE_OPTIONS,
    ]
    process = subprocess.Popen(
        command,
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert _ready(f"http://127.0.0.1:{port}", process, time.monotonic() + 60) == 200
    finally:
        process.terminate()
        process.wait(20)


def test_the_new_spi_spelling_of_the_lifespan_overrides_is_accepted_too() -> None:
    result = CliRunner().invoke(
        main,
        [
            "start-dev",
            "--spi-user-sessions--infinispan--offline-session-cache-entry-lifespan-override=60",
            "--spi-user-sessions--infinispan--offline-client-session-cache-entry-lifespan-override=60",
            "--help",
        ],
    )
    assert result.exit_code == 0


def test_help_says_the_cache_options_have_no_effect_rather_than_claiming_a_cache() -> None:
    command = main.commands["start-dev"]
    cache = [p for p in command.params if any("max-count" in o or "lifespan-override" in o for o in p.opts)]
    assert len(cache) == 11
    assert all("no effect" in str(getattr(p, "help", "")) for p in cache)
    result = CliRunner().invoke(main, ["start-dev", "--help"])
    assert "kept in each process's cache" not in result.output


def test_a_negative_cache_size_below_keycloaks_minus_one_is_refused_in_one_line() -> None:
    result = CliRunner().invoke(main, ["start-dev", "--cache-embedded-offline-sessions-max-count=-5"])
    assert result.exit_code == 2
    assert "-5 is not in the range x>=-1" in result.output
