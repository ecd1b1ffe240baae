"""wrk, pinned to a core with taskset, and its summary parsed: requests/s, latency, non-200 answers."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent


def ensure_wrk() -> str:
    """wrk from the distribution (installed with apt-get when missing and running as root)."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        raise SystemExit("wrk is missing: apt-get install wrk (or run scripts/ensure-system-deps.sh as root)")
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL)
    return shutil.which("wrk") or "wrk"


def pinned(core: str | None, command: list[str]) -> list[str]:
    """The command under ``taskset -c core`` (when taskset exists and a core is given)."""
    return ["taskset", "-c", core, *command] if core and shutil.which("taskset") else command


@dataclass(frozen=True)
class WrkResult:
    rate: float
    requests: int
    non_200: int
    p50_ms: float
    p99_ms: float


def _ms(text: str) -> float:
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text.strip())
    if found is None:  # wrk prints something else when it measured nothing: not a figure
        return float("nan")
    number, unit = found.groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}[unit]


def run(
    url: str, script: str, env: dict[str, str], *, seconds: float, connections: int, threads: int, core: str | None
) -> WrkResult:
    command = pinned(
        core,
        [
            ensure_wrk(),
            "--latency",
            "-t",
            str(threads),
            "-c",
            str(connections),
            "-d",
            f"{seconds:.0f}s",
            "-s",
            str(HERE / "wrk" / script),
            url,
        ],
    )
    out = subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    # The latency distribution's own lines ("    50%   36.10ms"), not a thread-stats column such as "70.50%".
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE)
    return WrkResult(
        rate,
        requests,
        int(bad.group(1)) if bad else 0,
        _ms(p50.group(1)) if p50 else float("nan"),
        _ms(p99.group(1)) if p99 else float("nan"),
    )
