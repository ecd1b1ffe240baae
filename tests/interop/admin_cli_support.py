"""Running ``doorkeep admin`` as a real process against a real server, for the interop tests."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from interop.server import ADMIN_PASSWORD, ADMIN_USERNAME, DOORKEEP

PORTAL = {"client_id": "offline-access-portal", "client_secret": "password"}
USER1 = {"username": "user1", "password": "password"}


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@dataclass(frozen=True)
class Cli:
    """``doorkeep admin …`` with its own credentials file."""

    config: Path

    def __call__(self, *args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> Run:
        environ = {k: v for k, v in os.environ.items() if not k.startswith(("DOORKEEP_", "KC_"))}
        environ["DOORKEEP_ADMIN_CONFIG"] = str(self.config)
        environ.update(env or {})
        done = subprocess.run(
            [str(DOORKEEP), "admin", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=environ,
            timeout=60,
            check=False,
        )
        assert "Traceback" not in done.stderr, done.stderr
        return Run(done.returncode, done.stdout, done.stderr)

    def ok(self, *args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> Run:
        run = self(*args, stdin=stdin, env=env)
        assert run.code == 0, f"doorkeep admin {' '.join(args)} failed: {run.err}"
        return run

    def fails(self, *args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> str:
        """The one error line of a command that must fail (exit 1; bad input also prints kcadm's Try line, exit 2)."""
        run = self(*args, stdin=stdin, env=env)
        assert run.code != 0, f"doorkeep admin {' '.join(args)} succeeded: {run.out}"
        lines = [line for line in run.err.strip().splitlines() if not line.startswith("Logging into ")]
        if run.code == 2:  # kcadm's ShortErrorMessageHandler: the message, then how to get help
            assert len(lines) == 2 and lines[1].startswith("Try 'doorkeep admin"), run.err
            assert lines[1].endswith(" --help' for more information on the available options."), run.err
            return lines[0]
        assert run.code == 1 and len(lines) == 1, run.err  # (config credentials announces the login first)
        return lines[0]

    def log_in(self, server: str) -> Run:
        return self.ok(
            "config",
            "credentials",
            "--server",
            server,
            "--realm",
            "master",
            "--user",
            ADMIN_USERNAME,
            "--password",
            ADMIN_PASSWORD,
        )

    def stored(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.config.read_text())
        return data

    def login_entry(self) -> dict[str, Any]:
        data = self.stored()
        entry: dict[str, Any] = data["endpoints"][data["serverUrl"]][data["realm"]]
        return entry

    def edit_login(self, **changes: Any) -> None:
        data = self.stored()
        data["endpoints"][data["serverUrl"]][data["realm"]].update(changes)
        self.config.write_text(json.dumps(data))


def offline_login(base: str, **extra: str) -> dict[str, Any]:
    """user1's password grant with offline_access on the demo realm's portal client."""
    response = httpx.post(
        f"{base}/realms/demo/protocol/openid-connect/token",
        timeout=10,
        data={**PORTAL, **USER1, "grant_type": "password", "scope": "openid offline_access", **extra},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def refresh(base: str, token: str) -> httpx.Response:
    return httpx.post(
        f"{base}/realms/demo/protocol/openid-connect/token",
        timeout=10,
        data={**PORTAL, "grant_type": "refresh_token", "refresh_token": token},
    )
