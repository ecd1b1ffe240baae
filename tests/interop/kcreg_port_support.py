"""Running ``doorkeep reg`` as a real process against a real server (the KcReg*Test ports)."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interop.admin_cli_support import Run
from interop.server import DOORKEEP


@dataclass(frozen=True)
class Reg:
    """``doorkeep reg …`` with its own config file (``$DOORKEEP_REG_CONFIG``)."""

    config: Path

    def __call__(self, *args: str, stdin: str | None = None) -> Run:
        environ = {k: v for k, v in os.environ.items() if not k.startswith(("DOORKEEP_", "KC_"))}
        environ["DOORKEEP_REG_CONFIG"] = str(self.config)
        done = subprocess.run(
            [str(DOORKEEP), "reg", *args], input=stdin, capture_output=True, text=True, env=environ, timeout=60
        )
        assert "Traceback" not in done.stderr, done.stderr
        return Run(done.returncode, done.stdout, done.stderr)

    def ok(self, *args: str, stdin: str | None = None) -> Run:
        run = self(*args, stdin=stdin)
        assert run.code == 0, f"doorkeep reg {' '.join(args)} failed ({run.code}): {run.err}"
        return run

    def stored(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.config.read_text())
        return data

    def realm_entry(self, server: str, realm: str) -> dict[str, Any]:
        entry: dict[str, Any] = self.stored()["endpoints"][server][realm]
        return entry

    def registration_token(self, server: str, realm: str, client_id: str) -> str:
        token: str = self.realm_entry(server, realm)["clients"][client_id]
        return token
