"""Start the demo's processes: Doorkeep (demo realm), the backup service and the portal, all on 127.0.0.1.

Used by ``make demo`` (``run_demo.py``) and by the browser test, so both run exactly the same commands.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, MutableMapping
from pathlib import Path
from typing import IO

HERE = Path(__file__).resolve().parents[1]  # examples/offline-access-portal
REPO = HERE.parents[1]
DEMO_REALM = REPO / "examples" / "demo-realm.json"
BIN = Path(sys.executable).parent


def python_path() -> str:
    """The portal, the service and doorkeep-keeper importable without installing them."""
    parts = [str(HERE), str(REPO / "clients" / "keeper" / "src"), os.environ.get("PYTHONPATH", "")]
    return os.pathsep.join(p for p in parts if p)


def app_command(factory: str, port: int) -> list[str]:
    return [
        str(BIN / "uvicorn"),
        factory,
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
    ]


def portal_env(doorkeep_url: str, port: int, backup_url: str, store: Path) -> dict[str, str]:
    return {
        "PORTAL_DOORKEEP_URL": doorkeep_url,
        "PORTAL_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "PORTAL_BACKUP_URL": backup_url,
        "PORTAL_STORE": str(store),
    }


def backup_env(doorkeep_url: str) -> dict[str, str]:
    return {"BACKUP_ISSUER": f"{doorkeep_url}/realms/demo"}


def start(
    command: list[str],
    extra_env: Mapping[str, str],
    log: IO[bytes],
    cwd: Path | None = None,
) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": python_path(), "PYTHONUNBUFFERED": "1", **extra_env}
    return subprocess.Popen(command, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    """Return once ``url`` answers at all (any HTTP status); raise if the process died or time ran out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def stop(process: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    """SIGTERM this process only, then SIGKILL if it lingers."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def port_taken(port: int) -> bool:
    """Whether something already listens on 127.0.0.1:``port`` (then a process of the demo could not bind it, while
    ``wait_until_up`` would take the other server's answer for its own)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1.0)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def watch(
    processes: MutableMapping[str, subprocess.Popen[bytes]],
    restart: Mapping[str, Callable[[], subprocess.Popen[bytes]]],
    say: Callable[[str], None],
    interval: float = 0.5,
) -> str:
    """Wait while the processes run: one named in ``restart`` that exits is started again (``make demo``'s
    Doorkeep, so stopping it alone is a restart); return the name of the first other one that exits."""
    while True:
        for name, process in list(processes.items()):
            code = process.poll()
            if code is None:
                continue
            if name not in restart:
                return name
            how = f"stopped by signal {-code}" if code < 0 else f"exited with {code}"
            say(f"{name} {how}; starting it again")
            processes[name] = restart[name]()
            say(f"{name} is back (pid {processes[name].pid})")
        time.sleep(interval)
