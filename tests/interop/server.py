"""A real ``doorkeep start-dev`` process on 127.0.0.1, for tests that drive it with third-party clients."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import IO

DOORKEEP = Path(sys.prefix) / "bin" / "doorkeep"
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "admin"  # noqa: S105 - the throwaway bootstrap admin of a test server


def free_port() -> int:
    """A TCP port nobody listens on right now (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerFailed(RuntimeError):
    """The server died or never became ready; the message carries its output."""


class DoorkeepProcess:
    """One ``doorkeep start-dev`` server: started in ``workdir`` (so ``./data/`` lives there), restartable.

    ``stop()`` sends SIGTERM to this process only and waits, then SIGKILLs; ``kill9()`` SIGKILLs at once.
    ``start()`` again reuses the same data directory and port. The output of every run is appended to
    ``workdir/doorkeep.log``.
    """

    def __init__(
        self, workdir: Path, *, port: int | None = None, db_url: str | None = None,
        import_realms: Sequence[Path] = (), startup_timeout: float = 30.0,
    ) -> None:
        self.workdir = workdir
        self.port = port or free_port()
        self.db_url = db_url
        self.import_realms = tuple(import_realms)
        self.startup_timeout = startup_timeout
        self.log_path = workdir / "doorkeep.log"
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def command(self) -> list[str]:
        cmd = [str(DOORKEEP), "start-dev", "--http-host", "127.0.0.1", "--http-port", str(self.port)]
        if self.db_url:
            cmd += ["--db-url", self.db_url]
        for path in self.import_realms:
            cmd += ["--import-realm", str(path)]
        return cmd

    def start(self) -> None:
        """Start the server and return once ``GET /realms/master`` answers 200."""
        if self.running:
            raise RuntimeError("the server is already running")
        env = {k: v for k, v in os.environ.items() if not k.startswith("DOORKEEP_")}
        env["DOORKEEP_BOOTSTRAP_ADMIN_USERNAME"] = ADMIN_USERNAME
        env["DOORKEEP_BOOTSTRAP_ADMIN_PASSWORD"] = ADMIN_PASSWORD
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("ab")
        self._log.write(f"--- {' '.join(self.command())}\n".encode())
        self._log.flush()
        self._process = subprocess.Popen(
            self.command(), cwd=self.workdir, env=env, stdin=subprocess.DEVNULL, stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        try:
            self._wait_until_ready()
        except BaseException:
            self.kill9()
            raise

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        url = f"{self.base_url}/realms/master"
        while time.monotonic() < deadline:
            assert self._process is not None
            code = self._process.poll()
            if code is not None:
                raise ServerFailed(f"doorkeep exited with {code} before it was ready:\n{self.output()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        raise ServerFailed(f"doorkeep did not answer {url} within {self.startup_timeout} s:\n{self.output()}")

    def stop(self, timeout: float = 10.0) -> int:
        """SIGTERM, wait up to ``timeout`` seconds, then SIGKILL; the exit code."""
        if self._process is None:
            return 0
        if self._process.poll() is None:
            os.kill(self._process.pid, signal.SIGTERM)
            try:
                self._process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.kill(self._process.pid, signal.SIGKILL)
                self._process.wait()
        return self._finish()

    def kill9(self) -> int:
        """SIGKILL: the server gets no chance to flush or clean up."""
        if self._process is None:
            return 0
        if self._process.poll() is None:
            os.kill(self._process.pid, signal.SIGKILL)
            self._process.wait()
        return self._finish()

    def _finish(self) -> int:
        assert self._process is not None
        code = self._process.returncode
        self._process = None
        if self._log is not None:
            self._log.close()
            self._log = None
        return int(code)

    def output(self) -> str:
        """Everything the server printed so far, across restarts."""
        if self._log is not None:
            self._log.flush()
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
