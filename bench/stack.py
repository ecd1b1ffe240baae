"""bench/stack_app.py and bench/bare_app.py served as Doorkeep is (uvicorn, uvloop, httptools), pinned to a core."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from harness import Listener, free_port
from wrk_runner import pinned

HERE = Path(__file__).resolve().parent


class Stack(Listener):
    """The minimal token endpoint listening on 127.0.0.1, pinned to ``core``; stopped by its own PID."""

    def __init__(self, client_secret: str, core: str | None, workdir: Path, app: str = "app") -> None:
        """``app``: ``app`` (Starlette) or ``raw_app`` (the same endpoints as a bare ASGI callable)."""
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        workdir.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "uvicorn", f"stack_app:{app}", "--app-dir", str(HERE)]
        command += ["--host", "127.0.0.1", "--port", str(self.port), "--loop", "uvloop", "--http", "httptools"]
        command += ["--no-access-log", "--log-level", "warning"]
        env = {**os.environ, "STACK_DB": str(workdir / "stack.db"), "STACK_SECRET": client_secret}
        # a GET of the token URL answers 405: listening
        super().__init__(pinned(core, command), f"{self.base_url}/token", "the stack's ceiling", env=env)


class Bare(Listener):
    """uvicorn alone (bench/bare_app.py): a constant answer to any request, pinned to ``core``."""

    def __init__(self, core: str | None) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "uvicorn", "bare_app:app", "--app-dir", str(HERE)]
        command += ["--host", "127.0.0.1", "--port", str(self.port), "--loop", "uvloop", "--http", "httptools"]
        command += ["--no-access-log", "--log-level", "warning"]
        super().__init__(pinned(core, command), f"{self.base_url}/token", "uvicorn alone")
