"""Issue #8 target 3 over HTTP: the admin REST session reads against a real server, median and p95.

Each read is sent ``repeat`` times (default 20) after one untimed call, over one keep-alive connection
with the master realm's admin token (admin-cli, password grant); the time is taken in the client around
the whole request, so it includes HTTP, the bearer check, the store and the JSON. Each answer is also
checked: the count is the number of stored sessions, both pages hold ``max`` sessions, the user's list
holds its sessions.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from harness import Server, percentile
from seed import REALM, Seeded

PAGE = 100
TARGETS_MS = {
    "count": 20,
    "first page": 50,
    "last page": 50,
    "client-session-stats": 50,
    "user offline sessions": 50,
    "user consents": 50,
    "user sessions": 50,
}


@dataclass(frozen=True)
class Read:
    name: str
    size: int  # items in the answer (1 for an object)
    median_ms: float
    p95_ms: float
    cpu_ms: float  # CPU time per request: the server process plus the database (PostgreSQL's processes)

    def row(self) -> str:
        target = TARGETS_MS[self.name]
        verdict = "ok" if self.median_ms < target else "MISSED"
        return (
            f"| `{self.name}` | {self.size} | {self.median_ms:.1f} | {self.p95_ms:.1f} | {self.cpu_ms:.1f} | "
            f"< {target} | {verdict} |"
        )


HEADER = (
    "| read | items | median ms | p95 ms | CPU ms per request | target ms | median vs target |\n"
    "|---|---:|---:|---:|---:|---:|---|"
)
CpuClock = Callable[[], float]


def admin_token(http: httpx.Client) -> str:
    response = http.post(
        "/realms/master/protocol/openid-connect/token",
        data={"grant_type": "password", "client_id": "admin-cli", "username": "admin", "password": "admin"},
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


def _time(
    http: httpx.Client, cpu: CpuClock, name: str, path: str, repeat: int, params: dict[str, int] | None = None
) -> Read:
    # master's access tokens live 60 s: a fresh one per read, so a slow machine does not outlive it
    http.headers["Authorization"] = f"Bearer {admin_token(http)}"
    token_at = time.monotonic()
    body = http.get(path, params=params)
    body.raise_for_status()
    data = body.json()
    times = []
    cpu_began = cpu()
    for _ in range(repeat):
        if time.monotonic() - token_at > 40:
            http.headers["Authorization"] = f"Bearer {admin_token(http)}"
            token_at = time.monotonic()
        began = time.perf_counter()
        http.get(path, params=params).raise_for_status()
        times.append((time.perf_counter() - began) * 1000)
    cpu_ms = (cpu() - cpu_began) * 1000 / repeat
    print(f"  {name}: median {statistics.median(times):.1f} ms, all {sorted(round(t, 1) for t in times)}", flush=True)
    p95 = percentile(times, 0.95)
    return Read(name, len(data) if isinstance(data, list) else 1, statistics.median(times), p95, cpu_ms)


def measure(
    server: Server, seeded: Seeded, user_id: str, repeat: int = 20, database_cpu: CpuClock | None = None
) -> list[Read]:
    """The reads of target 3; ``user_id`` is a user holding many of the sessions."""

    def cpu() -> float:
        return server.cpu_seconds() + (database_cpu() if database_cpu else 0.0)

    with httpx.Client(base_url=server.base_url, timeout=600) as http:
        base = f"/admin/realms/{REALM}"
        client = f"{base}/clients/{seeded.client_uuid}"
        user = f"{base}/users/{user_id}"
        http.headers["Authorization"] = f"Bearer {admin_token(http)}"
        count = int(http.get(f"{client}/offline-session-count").json()["count"])
        reads = [
            _time(http, cpu, "count", f"{client}/offline-session-count", repeat),
            _time(http, cpu, "first page", f"{client}/offline-sessions", repeat, {"first": 0, "max": PAGE}),
            _time(
                http,
                cpu,
                "last page",
                f"{client}/offline-sessions",
                repeat,
                {"first": max(count - PAGE, 0), "max": PAGE},
            ),
            _time(http, cpu, "client-session-stats", f"{base}/client-session-stats", repeat),
            _time(http, cpu, "user offline sessions", f"{user}/offline-sessions/{seeded.client_uuid}", repeat),
            _time(http, cpu, "user consents", f"{user}/consents", repeat),
            _time(http, cpu, "user sessions", f"{user}/sessions", repeat),
        ]
    if count and (reads[1].size != min(PAGE, count) or reads[2].size != min(PAGE, count)):
        raise RuntimeError(f"pages of {reads[1].size} and {reads[2].size} sessions at count {count}")
    return reads


def table(reads: list[Read], stored: int, label: str) -> str:
    lines = [f"{label}: {stored:,} stored offline sessions, {reads[0].name} etc. over HTTP", HEADER]
    return "\n".join(lines + [r.row() for r in reads])
