"""A real ``doorkeep start-dev``: "listening" is printed only once the port is bound, and a taken port is one line."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

from interop.server import DOORKEEP

PORT = 18602


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOORKEEP_")}
    env |= {
        "DOORKEEP_BOOTSTRAP_ADMIN_USERNAME": "admin",
        "DOORKEEP_BOOTSTRAP_ADMIN_PASSWORD": "admin",
        "PYTHONUNBUFFERED": "1",
    }
    return env


def _command(port: int) -> list[str]:
    return [str(DOORKEEP), "start-dev", "--http-host", "127.0.0.1", "--http-port", str(port)]


def test_listening_is_printed_only_once_the_port_accepts_connections(tmp_path: Path) -> None:
    process = subprocess.Popen(
        _command(PORT),
        cwd=tmp_path,
        env=_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        deadline = time.monotonic() + 60
        line = ""
        while time.monotonic() < deadline and "listening" not in line:
            line = process.stderr.readline()
            assert line or process.poll() is None, "doorkeep exited before listening"
        assert f"Doorkeep listening on http://127.0.0.1:{PORT}" in line
        with socket.create_connection(("127.0.0.1", PORT), timeout=1):  # bound already: no retry needed
            pass
    finally:
        process.terminate()
        process.wait(20)
        if process.stderr is not None:
            process.stderr.close()


def test_a_port_in_use_fails_with_one_clear_line_and_no_listening(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", PORT + 1))
        taken.listen()
        result = subprocess.run(
            _command(PORT + 1),
            cwd=tmp_path,
            env=_env(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "listening" not in output.lower().replace("cannot listen", "")
    assert f"Error: cannot listen on 127.0.0.1:{PORT + 1}: Address already in use" in output
    assert "uvicorn" not in output  # refused before the server started
    assert "Traceback" not in output
