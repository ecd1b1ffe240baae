"""tests/pg.py: a throwaway PostgreSQL its test process never stopped is stopped when the process ends (its files
gone from /dev/shm, its port closed), whether the process returns, fails with an uncaught error, or gets SIGTERM."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.postgres
TESTS = Path(__file__).resolve().parent.parent
SCRIPT = """
import sys, time
sys.path.insert(0, {tests!r})
from pg import ThrowawayPostgres
server = ThrowawayPostgres()
server.start()
print(server._root, server.port, flush=True)
if {how!r} == "error":
    raise RuntimeError("the run broke")
if {how!r} == "sigterm":
    time.sleep(120)
"""


def listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.parametrize("how", ["return", "error", "sigterm"])
def test_a_server_left_running_is_stopped_when_the_process_ends(how: str) -> None:
    code = SCRIPT.format(tests=str(TESTS), how=how)
    with subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd="/tmp"
    ) as process:
        assert process.stdout is not None
        root, port = process.stdout.readline().split()
        assert Path(root).is_dir() and listening(int(port))
        if how == "sigterm":
            process.send_signal(signal.SIGTERM)
        process.communicate(timeout=60)
    assert not Path(root).exists(), f"{root} left behind"
    assert not listening(int(port))
    if how == "sigterm":
        assert process.returncode == 128 + signal.SIGTERM
