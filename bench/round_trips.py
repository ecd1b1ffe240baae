"""The statements one grant sends to PostgreSQL, counted by the server itself (``log_statement = all``).

    .venv/bin/python bench/round_trips.py            # 20 grants of each kind after a warm-up of 20
    .venv/bin/python bench/round_trips.py --grants 50

A throwaway PostgreSQL (tests/pg.py; root), side.py's realms and clients, the app called in process
(inproc.py's ASGI calls) on a clock this script moves: "same second" refreshes never move it (nothing
to touch), "new second" ones move it a second before each grant (both sessions touched each time);
"rotate" is rotation on (side.py's rotating client), in the same second or a new one.
The benchmark database logs every statement (``ALTER DATABASE ... SET log_statement = 'all'``): simple
queries as ``statement: ...``, asyncpg's prepared ones as ``execute <name>: ...``; each is one round trip.
A statement's first Parse on a connection is a round trip the log does not show: the warm-up takes those.
Run it with another tree's interpreter (``/work/main/.venv/bin/python bench/round_trips.py``) to compare.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import re
import sys
import time
from pathlib import Path
from typing import Any

import asyncpg
import inproc
import orjson
import seed as seeding
import side

from doorkeep.app import create_app
from doorkeep.settings import Settings

_LOGGED = re.compile(r"LOG:\s+(?:statement|execute [^:]*): (.*)")


class SteppedClock:
    """The wall clock's second at start, moved only by ``step``."""

    def __init__(self) -> None:
        self._s = int(time.time())

    def now(self) -> int:
        return self._s

    def now_ms(self) -> int:
        return self._s * 1000

    def step(self) -> None:
        self._s += 1


def _statements(text: str) -> list[str]:
    """The log's entries, a statement's continuation lines (a tab first) joined to its first."""
    entries: list[str] = []
    for line in text.splitlines():
        if line.startswith("\t") and entries:
            entries[-1] += " " + line.strip()
        else:
            entries.append(line)
    return entries


def _kind(sql: str) -> str:
    """A short name for a logged statement: its verb and first table."""
    while True:  # the subqueries out: the statement's own table is the one named
        inner = re.sub(r"\([^()]*\)", "", sql)
        if inner == sql:
            break
        sql = inner
    words = sql.split()
    head = " ".join(words[:1]).upper()
    table = re.search(r"\b(?:FROM|UPDATE|INTO)\s+(\w+)", sql, re.IGNORECASE)
    upper = sql.upper()
    lock = " FOR " + " ".join(upper.split(" FOR ", 1)[1].split()[:3]) if " FOR " in upper else ""
    return f"{head} {table.group(1) if table else ''}{lock}".strip()


async def _grants(app: Any, kind: str, clock: SteppedClock) -> Any:
    realm = seeding.REALM
    if kind == "cc":
        form = {"grant_type": "client_credentials", "client_id": side.CC_CLIENT, "client_secret": side.CC_SECRET}

        async def cc() -> None:
            status, body = await inproc.post(app, f"/realms/{realm}/protocol/openid-connect/token", form)
            assert status == 200, body

        return cc
    rotate = kind.startswith("rotate")
    client, secret = (side.ROTATE_CLIENT, side.ROTATE_SECRET) if rotate else (seeding.CLIENT_ID, seeding.CLIENT_SECRET)
    path = f"/realms/{realm}/protocol/openid-connect/token"
    status, body = await inproc.post(app, path, seeding.offline_login_form(client, secret))
    assert status == 200, body
    token = str(orjson.loads(body)["refresh_token"])

    async def refresh() -> None:
        nonlocal token
        if kind.endswith("new-second"):
            clock.step()
        form = {"grant_type": "refresh_token", "refresh_token": token, "client_id": client, "client_secret": secret}
        status, body = await inproc.post(app, path, form)
        assert status == 200, body
        if rotate:
            token = str(orjson.loads(body)["refresh_token"])

    return refresh


async def main(grants: int) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from pg import ThrowawayPostgres

    with ThrowawayPostgres() as pg:
        pg.create_database("bench")
        url = pg.url("bench")
        await seeding.seed(url)
        await side.seed_more(url)
        admin = await asyncpg.connect(url.replace("postgresql://", "postgres://"))
        await admin.execute("ALTER DATABASE bench SET log_statement = 'all'")  # connections opened from now on
        await admin.close()
        log = pg.log_file
        clock = SteppedClock()
        settings = Settings(db_url=url, bootstrap_admin_username="admin", bootstrap_admin_password="admin")
        app = create_app(settings, run_prepare=True, clock=clock)
        async with app.router.lifespan_context(app):
            for kind in ("same-second", "new-second", "rotate", "rotate-new-second", "cc"):
                call = await _grants(app, kind, clock)
                for _ in range(20):
                    await call()
                await asyncio.sleep(0.2)
                start = log.stat().st_size
                for _ in range(grants):
                    await call()
                await asyncio.sleep(0.2)  # the server has written every line by the time it answered
                with log.open("rb") as f:
                    f.seek(start)
                    lines = _statements(f.read().decode(errors="replace"))
                found = [m.group(1) for m in map(_LOGGED.search, lines) if m]
                counts = collections.Counter(_kind(sql) for sql in found)
                detail = ", ".join(f"{name} {n / grants:g}" for name, n in counts.most_common())
                print(f"{kind}: {len(found) / grants:g} statements a grant ({len(found)} in {grants}): {detail}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--grants", type=int, default=20)
    asyncio.run(main(parser.parse_args().grants))
