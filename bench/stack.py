"""bench/stack_app.py served the way Doorkeep is served (uvicorn, uvloop, httptools), pinned to a core."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from harness import free_port
from wrk_runner import pinned

HERE = Path(__file__).resolve().parent


class Stack:
    """The minimal token endpoint listening on 127.0.0.1, pinned to ``core``; stopped by its own PID."""

    def __init__(self, client_secret: str, core: str | None, workdir: Path) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "uvicorn", "stack_app:app", "--app-dir", str(HERE)]
        command += ["--host", "127.0.0.1", "--port", str(self.port), "--loop", "uvloop", "--http", "httptools"]
        command += ["--no-access-log", "--log-level", "warning"]
        env = {**os.environ, "STACK_DB": str(workdir / "stack.db"), "STACK_SECRET": client_secret}
        self._process = subprocess.Popen(
            pinned(core, command), env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.base_url}/token", data=b"client_secret=", timeout=2).close()
            except urllib.error.HTTPError:
                return  # 401: listening
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("the minimal stack app did not start")

    def stop(self) -> None:
        self._process.terminate()
        try:
            self._process.wait(10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(10)
