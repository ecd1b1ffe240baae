"""One grant's CPU cost in process: ASGI calls straight into the app, no socket, no uvicorn, no wrk.

    .venv/bin/python bench/inproc.py refresh            # an offline refresh, rotation off (the default)
    .venv/bin/python bench/inproc.py rotate             # rotation on (max reuse 0): each call sends the new token
    .venv/bin/python bench/inproc.py es256              # an offline refresh in the ES256 realm
    .venv/bin/python bench/inproc.py cc                 # client_credentials, no refresh token
    .venv/bin/python bench/inproc.py refresh --cprofile /tmp/refresh.prof   # the last round under cProfile
    .venv/bin/python bench/inproc.py refresh --postgres # on a throwaway PostgreSQL (tests/pg.py; root)

The realms and clients are side.py's, in a fresh SQLite file (or a throwaway PostgreSQL database, whose
server's CPU is not counted: only this process's). Each round is timed with ``process_time`` (so
it counts every thread of the process) and the best of the rounds is printed, in µs per grant. Pin it to
a core (``taskset -c 0``) and alternate before and after a change: the figure is for comparing, the
server's own figure is the side-by-side benchmark's.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

import orjson
import seed as seeding
import side

from doorkeep.app import create_app
from doorkeep.settings import Settings

Message = MutableMapping[str, Any]


async def post(app: Any, path: str, form: dict[str, str]) -> tuple[int, bytes]:
    """One form POST through the ASGI app, as uvicorn would hand it over."""
    body = urllib.parse.urlencode(form).encode()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1:8080"),
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8080),
    }
    delivered = False
    status = 0
    chunks: list[bytes] = []

    async def receive() -> Message:
        nonlocal delivered
        if delivered:  # the app only asks again to watch for a disconnect
            await asyncio.Event().wait()
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(chunks)


def _token_path(realm: str) -> str:
    return f"/realms/{realm}/protocol/openid-connect/token"


async def _grant(app: Any, kind: str) -> Callable[[], Awaitable[None]]:
    """The call to time: a client_credentials grant, or a refresh of an offline token from a password grant."""
    if kind == "cc":
        form = {"grant_type": "client_credentials", "client_id": side.CC_CLIENT, "client_secret": side.CC_SECRET}

        async def client_credentials() -> None:
            status, body = await post(app, _token_path(seeding.REALM), form)
            assert status == 200, body

        return client_credentials
    realm = side.ES_REALM if kind == "es256" else seeding.REALM
    client, secret = (
        (side.ROTATE_CLIENT, side.ROTATE_SECRET) if kind == "rotate" else (seeding.CLIENT_ID, seeding.CLIENT_SECRET)
    )
    status, body = await post(app, _token_path(realm), seeding.offline_login_form(client, secret))
    assert status == 200, body
    token = str(orjson.loads(body)["refresh_token"])

    async def refresh() -> None:
        nonlocal token
        form = {"grant_type": "refresh_token", "refresh_token": token, "client_id": client, "client_secret": secret}
        status, body = await post(app, _token_path(realm), form)
        assert status == 200, body
        if kind == "rotate":
            token = str(orjson.loads(body)["refresh_token"])

    return refresh


async def run(kind: str, requests: int, rounds: int, profile_to: Path | None, postgres: bool) -> None:
    if not postgres:
        with tempfile.TemporaryDirectory(prefix="doorkeep-inproc-") as tmp:
            await _run_on(f"sqlite:///{tmp}/bench.db", kind, requests, rounds, profile_to)
        return
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from pg import ThrowawayPostgres

    with ThrowawayPostgres() as pg:
        pg.create_database("bench")
        await _run_on(pg.url("bench"), kind, requests, rounds, profile_to)


async def _run_on(url: str, kind: str, requests: int, rounds: int, profile_to: Path | None) -> None:
    await seeding.seed(url)
    await side.seed_more(url)
    settings = Settings(db_url=url, bootstrap_admin_username="admin", bootstrap_admin_password="admin")
    app = create_app(settings, run_prepare=True)
    async with app.router.lifespan_context(app):
        call = await _grant(app, kind)
        for _ in range(300):  # warm the caches and the allocator
            await call()
        best = float("inf")
        for at in range(rounds):
            profiler = cProfile.Profile() if profile_to is not None and at == rounds - 1 else None
            if profiler is not None:
                profiler.enable()
            started = time.process_time()
            for _ in range(requests):
                await call()
            each = (time.process_time() - started) / requests * 1e6
            if profiler is not None:
                profiler.disable()
                profiler.dump_stats(str(profile_to))
                print(f"round {at + 1}: {each:.1f} µs per grant (under cProfile, not counted)")
                continue
            best = min(best, each)
            print(f"round {at + 1}: {each:.1f} µs per grant")
        print(f"{kind}: best {best:.1f} µs per grant, in process")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", nargs="?", default="refresh", choices=["refresh", "rotate", "es256", "cc"])
    parser.add_argument("--requests", type=int, default=2000, help="grants per round (default 2000)")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds; the best is reported (default 3)")
    parser.add_argument("--postgres", action="store_true", help="on a throwaway PostgreSQL instead of SQLite")
    parser.add_argument("--cprofile", type=Path, default=None, help="run one more round under cProfile into FILE")
    args = parser.parse_args()
    rounds = args.rounds + (1 if args.cprofile is not None else 0)
    asyncio.run(run(args.kind, args.requests, rounds, args.cprofile, args.postgres))


if __name__ == "__main__":
    main()
