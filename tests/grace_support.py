"""Real-server helpers for the refresh grace period (issue #13 item 1): the demo realm with a grace period,
and N presentations of one refresh token at once."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from interop.server import DEMO_REALM, DoorkeepProcess
from keeper_support import refresh_directly

GRACE = 30


def demo_realm_with_grace(directory: Path, seconds: int = GRACE) -> Path:
    """The demo realm (rotation on, max reuse 0) with ``refreshTokenGracePeriod`` set, as a realm file."""
    data = json.loads(DEMO_REALM.read_text())
    data["attributes"] = {**data.get("attributes", {}), "refreshTokenGracePeriod": str(seconds)}
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "demo-realm-grace.json"
    path.write_text(json.dumps(data))
    return path


def present_at_once(server: DoorkeepProcess, token: str, n: int = 8) -> list[httpx.Response]:
    """``n`` refresh requests with the same token, sent in parallel."""
    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(lambda _: refresh_directly(server, token), range(n)))
