"""``make demo``'s supervision (examples/offline-access-portal): Doorkeep stopped alone is started again, any other
process ending stops the demo, and a port already taken is seen before anything starts."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest

from offline_portal import launch


def python(code: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", code])


@pytest.fixture
def started() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Every process a test starts, killed after it."""
    processes: list[subprocess.Popen[bytes]] = []
    yield processes
    for process in processes:
        launch.stop(process, timeout=2)


def test_a_restartable_process_that_exits_is_started_again_until_another_one_exits(
    started: list[subprocess.Popen[bytes]],
) -> None:
    restarts: list[subprocess.Popen[bytes]] = []

    def restart() -> subprocess.Popen[bytes]:
        # the first restart exits at once again (restarted a second time), the next one stays
        server = python("pass" if not restarts else "import time; time.sleep(30)")
        started.append(server)
        restarts.append(server)
        if len(restarts) == 2:
            started.append(python("import time; time.sleep(0.5)"))  # the portal ending a moment later
            processes["portal"] = started[-1]
        return server

    started.append(python("raise SystemExit(3)"))  # Doorkeep, stopped
    started.append(python("import time; time.sleep(30)"))  # the backup service, running on
    processes = {"Doorkeep": started[0], "backup": started[1]}
    said: list[str] = []

    gone = launch.watch(processes, {"Doorkeep": restart}, said.append, interval=0.05)

    assert gone == "portal"
    assert len(restarts) == 2 and processes["Doorkeep"] is restarts[1] and restarts[1].poll() is None
    assert said[0] == "Doorkeep exited with 3; starting it again"
    assert said[1] == f"Doorkeep is back (pid {restarts[0].pid})"
    assert processes["backup"].poll() is None


def test_a_process_stopped_by_a_signal_is_reported_as_such(started: list[subprocess.Popen[bytes]]) -> None:
    started.append(python("import os, signal; os.kill(os.getpid(), signal.SIGTERM)"))
    started.append(python("pass"))
    processes = {"Doorkeep": started[0]}
    said: list[str] = []

    def restart() -> subprocess.Popen[bytes]:
        processes["other"] = started[1]
        return python("import time; time.sleep(30)")

    started[0].wait(10)
    assert launch.watch(processes, {"Doorkeep": restart}, said.append, interval=0.05) == "other"
    started.append(processes["Doorkeep"])
    assert said[0] == "Doorkeep stopped by signal 15; starting it again"


def test_a_port_is_taken_while_something_listens_on_it() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert launch.port_taken(port)
    assert not launch.port_taken(port)
