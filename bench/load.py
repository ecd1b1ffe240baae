"""The load generator: a bounded number of requests at fixed concurrency, with a time cap, on 127.0.0.1.

Two engines, both in this one process: ``httpx`` (asyncio + httpx.AsyncClient, one event loop) and
``requests`` (a thread pool, one requests.Session per thread). Latency is measured around each request
(perf_counter), so it includes the client's own overhead; on a 2-core machine the client and the
server compete for CPU, which is why each result also carries the CPU time both sides used.
"""

from __future__ import annotations

import asyncio
import collections
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import harness
import httpx
import requests

# One request: method, path (from the server's base URL), form body or None.
Request = tuple[str, str, dict[str, str] | None]
MakeRequest = Callable[[int], Request]
ENGINES = ("requests", "httpx")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Result:
    name: str
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    statuses: collections.Counter[str] = field(default_factory=collections.Counter)
    client_cpu: float = 0.0
    server_cpu: float = 0.0
    machine_cpu: float = 0.0  # every process on the machine, this one and the server included

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """Nearest-rank percentile of the successful requests' latencies, in ms."""
        return harness.percentile(self.latencies_ms, p / 100)


@dataclass(frozen=True)
class Load:
    total: int
    concurrency: int
    time_cap: float
    engine: str = "requests"


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent busy since boot (/proc/stat: everything but idle and iowait)."""
    with open("/proc/stat") as fh:
        fields = [int(x) for x in fh.readline().split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def run(name: str, base_url: str, make: MakeRequest, load: Load, server_cpu: Callable[[], float]) -> Result:
    """Send up to ``load.total`` requests (fewer if ``load.time_cap`` seconds pass first); 200 is success."""
    result = Result(name)
    cpu0, server0, machine0 = time.process_time(), server_cpu(), machine_busy_seconds()
    started = time.perf_counter()
    if load.engine == "httpx":
        asyncio.run(_run_httpx(base_url, make, load, result, started))
    elif load.engine == "requests":
        _run_requests(base_url, make, load, result, started)
    else:
        raise ValueError(f"unknown engine {load.engine!r}; choose from {ENGINES}")
    result.seconds = time.perf_counter() - started
    result.client_cpu = time.process_time() - cpu0
    result.server_cpu = server_cpu() - server0
    result.machine_cpu = machine_busy_seconds() - machine0
    return result


def _record(result: Result, status: str, ms: float) -> None:
    result.requests += 1
    result.statuses[status] += 1
    if status == "200":
        result.latencies_ms.append(ms)
    else:
        result.errors += 1


async def _run_httpx(base_url: str, make: MakeRequest, load: Load, result: Result, started: float) -> None:
    deadline = started + load.time_cap
    issued = 0
    limits = httpx.Limits(max_connections=load.concurrency, max_keepalive_connections=load.concurrency)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60.0) as client:

        async def worker() -> None:
            nonlocal issued
            while issued < load.total and time.perf_counter() < deadline:
                number, issued = issued, issued + 1
                method, path, form = make(number)
                t0 = time.perf_counter()
                try:
                    response = await client.request(method, path, data=form)
                    await response.aread()
                    status = str(response.status_code)
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                _record(result, status, (time.perf_counter() - t0) * 1000)

        await asyncio.gather(*(worker() for _ in range(load.concurrency)))


def _run_requests(base_url: str, make: MakeRequest, load: Load, result: Result, started: float) -> None:
    deadline = started + load.time_cap
    lock = threading.Lock()
    issued = 0

    def worker() -> None:
        nonlocal issued
        with requests.Session() as session:
            while True:
                with lock:
                    if issued >= load.total or time.perf_counter() >= deadline:
                        return
                    number, issued = issued, issued + 1
                method, path, form = make(number)
                t0 = time.perf_counter()
                try:
                    response = session.request(method, base_url + path, data=form, timeout=60)
                    status = str(response.status_code)
                except requests.RequestException as exc:
                    status = type(exc).__name__
                ms = (time.perf_counter() - t0) * 1000
                with lock:
                    _record(result, status, ms)

    with ThreadPoolExecutor(load.concurrency) as pool:
        for future in [pool.submit(worker) for _ in range(load.concurrency)]:
            future.result()


HEADER = (
    f"{'scenario':<34} {'reqs':>6} {'errs':>5} {'req/s':>8} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8}"
    f" {'server':>7} {'client':>7} {'other':>6}"
)


def row(result: Result) -> str:
    """One line of the table; CPU columns: the share of one core the server, this load generator and
    everything else on the machine used during the run (2 cores = 200%)."""
    secs = result.seconds or 1.0
    other = max(0.0, result.machine_cpu - result.server_cpu - result.client_cpu)
    line = (
        f"{result.name:<34} {result.requests:>6} {result.errors:>5} {result.rate:>8.1f}"
        f" {result.percentile(50):>8.1f} {result.percentile(90):>8.1f} {result.percentile(99):>8.1f}"
        f" {100 * result.server_cpu / secs:>6.0f}% {100 * result.client_cpu / secs:>6.0f}%"
        f" {100 * other / secs:>5.0f}%"
    )
    if result.errors:
        line += "  statuses: " + ", ".join(f"{k}×{v}" for k, v in sorted(result.statuses.items()))
    return line
