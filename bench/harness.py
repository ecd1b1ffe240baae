"""A real ``doorkeep start-dev`` process for the benchmarks: started, timed, measured, stopped by its own PID."""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO, Any

DOORKEEP = Path(sys.executable).parent / "doorkeep"  # .venv/bin/doorkeep next to .venv/bin/python
HOST = "127.0.0.1"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value with at least ``share`` of the values at or below it
    (of 20 values, p95 is the 19th smallest)."""
    if not values:
        return float("nan")
    return sorted(values)[max(0, math.ceil(share * len(values) - 1e-9) - 1)]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class Listener:
    """A process of a benchmark's other side (a peer), listening on 127.0.0.1; stopped by its own PID.

    Started once ``ready_url`` gives any HTTP answer (an error status included): the port is served."""

    def __init__(self, command: list[str], ready_url: str, what: str, **popen: Any) -> None:
        self._process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **popen
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(ready_url, timeout=2).close()
                return
            except urllib.error.HTTPError:
                return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{what} did not start")

    def stop(self) -> None:
        self._process.terminate()
        try:
            self._process.wait(10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(10)


class ServerFailed(RuntimeError):
    """The server died or never answered; the message carries the end of its log."""


def _children(pid: int) -> list[int]:
    found: list[int] = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError), open(f"/proc/{pid}/task/{task}/children") as fh:
                found += [int(p) for p in fh.read().split()]
    return found


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (uvicorn's workers when --workers > 1)."""
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        todo += _children(current)
    return out


def rss_kib(pid: int) -> int:
    """VmRSS of one process, in KiB (0 if it is gone)."""
    with contextlib.suppress(OSError), open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process, in seconds (0 if it is gone)."""
    with contextlib.suppress(OSError), open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return 0.0


class Server:
    """``doorkeep start-dev`` in ``workdir`` on a fixed port; restartable on the same port and database."""

    def __init__(
        self,
        workdir: Path,
        db_url: str,
        *,
        port: int | None = None,
        workers: int = 1,
        startup_timeout: float = 120.0,
        core: str | None = None,
        ready_path: str = "/realms/master",
        env: dict[str, str] | None = None,
    ) -> None:
        self.workdir = workdir
        self.ready_path = ready_path  # the first 200 here ends start(): /health/ready for "time to ready"
        self.extra_env = env or {}
        self.core = core  # pin the server (and its workers) to this CPU with taskset
        self.db_url = db_url
        self.port = port or free_port()
        self.workers = workers
        self.startup_timeout = startup_timeout
        self.log_path = workdir / "doorkeep.log"
        self.start_seconds = 0.0
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def pid(self) -> int:
        assert self._process is not None, "server not running"
        return self._process.pid

    def command(self) -> list[str]:
        cmd = [
            str(DOORKEEP),
            "start-dev",
            "--http-host",
            HOST,
            "--http-port",
            str(self.port),
            "--db-url",
            self.db_url,
            "--log-level",
            "warning",
        ]
        if self.workers > 1:
            cmd += ["--workers", str(self.workers)]
        if self.core is not None and shutil.which("taskset"):
            cmd = ["taskset", "-c", self.core, *cmd]
        return cmd

    def start(self) -> float:
        """Start and wait for ``GET <ready_path>`` = 200; returns (and keeps) the seconds that took."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("DOORKEEP_")}
        env["DOORKEEP_BOOTSTRAP_ADMIN_USERNAME"] = "admin"
        env["DOORKEEP_BOOTSTRAP_ADMIN_PASSWORD"] = "admin"
        env.update(self.extra_env)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("ab")
        started = time.perf_counter()
        self._process = subprocess.Popen(
            self.command(),
            cwd=self.workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        self.start_seconds = time.perf_counter() - started
        return self.start_seconds

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        url = f"{self.base_url}{self.ready_path}"
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise ServerFailed(f"doorkeep exited with {self._process.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.01)
        raise ServerFailed(f"doorkeep did not answer {url} within {self.startup_timeout} s:\n{self.log_tail()}")

    def rss_kib(self) -> int:
        """Resident memory of the server, summed over its worker processes."""
        return sum(rss_kib(p) for p in process_tree(self.pid))

    def cpu_seconds(self) -> float:
        return sum(cpu_seconds(p) for p in process_tree(self.pid))

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM to our own PID, then SIGKILL after ``timeout`` seconds."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(process.pid, signal.SIGKILL)
                process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_tail(self, chars: int = 4000) -> str:
        if self._log is not None:
            self._log.flush()
        return self.log_path.read_text(errors="replace")[-chars:] if self.log_path.exists() else ""
