"""Admin REST reads against a server holding many offline sessions: median latency of each read.

Measured in the client over one keep-alive connection (so it includes HTTP and JSON), each read
``REPEAT`` times after one untimed call; the admin token comes from the master realm's admin-cli.
"""

from __future__ import annotations

import statistics
import time

import httpx
from harness import Server
from seed import REALM, Seeded

REPEAT = 5
COLUMNS = ("count", "page first", "page last", "stats", "user offline", "consents", "user sessions")
HEADER = f"{'stored':>9} " + " ".join(f"{c:>13}" for c in COLUMNS) + "   (median ms)"


def _token(http: httpx.Client) -> str:
    response = http.post(
        "/realms/master/protocol/openid-connect/token",
        data={"grant_type": "password", "client_id": "admin-cli", "username": "admin", "password": "admin"},
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


def _median_ms(http: httpx.Client, path: str, params: dict[str, int] | None = None) -> float:
    http.get(path, params=params).raise_for_status()
    times = []
    for _ in range(REPEAT):
        began = time.perf_counter()
        http.get(path, params=params).raise_for_status()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def measure(server: Server, seeded: Seeded, stored: int) -> str:
    """One table row: the reads of the issue's list at this many stored sessions."""
    with httpx.Client(base_url=server.base_url, timeout=300) as http:
        http.headers["Authorization"] = f"Bearer {_token(http)}"
        base = f"/admin/realms/{REALM}"
        client = f"{base}/clients/{seeded.client_uuid}"
        user = f"{base}/users/{seeded.ballast_user_ids[0]}"
        count = int(http.get(f"{client}/offline-session-count").json()["count"])
        figures = [
            _median_ms(http, f"{client}/offline-session-count"),
            _median_ms(http, f"{client}/offline-sessions", {"first": 0, "max": 100}),
            _median_ms(http, f"{client}/offline-sessions", {"first": max(count - 100, 0), "max": 100}),
            _median_ms(http, f"{base}/client-session-stats"),
            _median_ms(http, f"{user}/offline-sessions/{seeded.client_uuid}"),
            _median_ms(http, f"{user}/consents"),
            _median_ms(http, f"{user}/sessions"),
        ]
    return f"{stored:>9} " + " ".join(f"{f:>13.1f}" for f in figures)
