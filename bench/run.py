"""Doorkeep benchmarks: throughput of the token endpoints, and start-up/memory against stored offline sessions.

    .venv/bin/python bench/run.py            # the default run (a few minutes on 2 cores)
    .venv/bin/python bench/run.py --quick    # a short smoke run
    .venv/bin/python bench/run.py --postgres # also the throughput scenarios on PostgreSQL, --workers 2

Each benchmark starts a real ``doorkeep start-dev`` process on 127.0.0.1 in a temporary directory and
stops it by its PID at the end. See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import platform
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import admin_reads
import load as loadgen
import seed as seeding
import side
from harness import Server, free_port

ROOT = Path(__file__).resolve().parent.parent
OIDC = f"/realms/{seeding.REALM}/protocol/openid-connect"
TOKEN = f"{OIDC}/token"
CLIENT = {"client_id": seeding.CLIENT_ID, "client_secret": seeding.CLIENT_SECRET}
ENGINE_NAMES = {"requests": "a thread pool with requests.Session", "httpx": "asyncio + httpx.AsyncClient"}
PASSWORD_FORM = {"grant_type": "password", "username": seeding.USERNAME, "password": seeding.PASSWORD, **CLIENT}


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores ({model}), Linux {platform.release()}, Python {platform.python_version()}; "
        "server and load generator share these cores"
    )


def banner(title: str) -> None:
    print(f"\n== {title} ==", flush=True)


# --- throughput --------------------------------------------------------------------------------------------


def _post_json(server: Server, path: str, form: dict[str, str]) -> dict[str, object]:
    import httpx

    response = httpx.post(server.base_url + path, data=form, timeout=30)
    if response.status_code != 200:
        raise RuntimeError(f"POST {path} answered {response.status_code}: {response.text[:300]}")
    body: dict[str, object] = response.json()
    return body


def scenarios(server: Server) -> list[tuple[str, loadgen.MakeRequest]]:
    """The throughput scenarios; tokens they need are fetched once from the server itself."""
    offline = _post_json(server, TOKEN, {**PASSWORD_FORM, "scope": "offline_access"})
    online = _post_json(server, TOKEN, PASSWORD_FORM)
    offline_token, access_token = str(offline["refresh_token"]), str(online["access_token"])
    well_known = f"/realms/{seeding.REALM}/.well-known/openid-configuration"
    fixed: list[tuple[str, loadgen.Request]] = [
        ("GET openid-configuration", ("GET", well_known, None)),
        ("password grant (online)", ("POST", TOKEN, PASSWORD_FORM)),
        ("password grant, offline_access", ("POST", TOKEN, {**PASSWORD_FORM, "scope": "offline_access"})),
        (
            "refresh offline token (reused)",
            ("POST", TOKEN, {"grant_type": "refresh_token", "refresh_token": offline_token, **CLIENT}),
        ),
        ("client_credentials", ("POST", TOKEN, {"grant_type": "client_credentials", **CLIENT})),
        ("introspect access token", ("POST", f"{TOKEN}/introspect", {"token": access_token, **CLIENT})),
    ]
    return [(name, _constant(request)) for name, request in fixed]


def _constant(request: loadgen.Request) -> loadgen.MakeRequest:
    return lambda _number: request


def throughput(server: Server, load: loadgen.Load) -> None:
    print(
        f"{load.total} requests per scenario (or {load.time_cap:.0f} s, whichever first), concurrency "
        f"{load.concurrency}, load generator: {ENGINE_NAMES[load.engine]} in this one process; "
        "one warm-up request each, not counted"
    )
    print(
        "latency: successful requests only, measured in the client; server/client/other: CPU time the server, "
        "the load generator and everything else on the machine used / wall time (100% = one core)"
    )
    print(loadgen.HEADER, flush=True)
    for name, make in scenarios(server):
        warm = loadgen.run(name, server.base_url, make, loadgen.Load(1, 1, 30.0, load.engine), server.cpu_seconds)
        if warm.errors:
            raise RuntimeError(f"{name}: warm-up request failed: {dict(warm.statuses)}\n{server.log_tail()}")
        print(loadgen.row(loadgen.run(name, server.base_url, make, load, server.cpu_seconds)), flush=True)
    print(
        f"server RSS after the scenarios: {server.rss_kib() / 1024:.0f} MiB "
        f"(summed over {'its workers' if server.workers > 1 else 'the one process'})"
    )


def throughput_sqlite(load: loadgen.Load) -> None:
    banner("Throughput, SQLite, one server process")
    with tempfile.TemporaryDirectory(prefix="doorkeep-bench-") as tmp:
        db_path = Path(tmp) / "bench.db"
        db_url = f"sqlite:///{db_path}"
        asyncio.run(seeding.seed(db_url, own_audience=True))
        server = Server(Path(tmp), db_url)
        server.start()
        try:
            print(f"server started in {server.start_seconds:.2f} s, RSS {server.rss_kib() / 1024:.0f} MiB")
            throughput(server, load)
        finally:
            server.stop()


def throughput_postgres(load: loadgen.Load, workers: int) -> None:
    banner(f"Throughput, PostgreSQL, --workers {workers}")
    sys.path.insert(0, str(ROOT / "tests"))
    from pg import ThrowawayPostgres

    with ThrowawayPostgres() as pg, tempfile.TemporaryDirectory(prefix="doorkeep-bench-pg-") as tmp:
        pg.create_database("bench")
        db_url = pg.url("bench")
        asyncio.run(seeding.seed(db_url, own_audience=True))
        server = Server(Path(tmp), db_url, workers=workers)
        server.start()
        try:
            print(
                f"server started in {server.start_seconds:.2f} s, RSS {server.rss_kib() / 1024:.0f} MiB "
                f"(supervisor + {workers} workers); PostgreSQL runs on the same 2 cores and its CPU shows "
                "under 'other'"
            )
            throughput(server, load)
        finally:
            server.stop()


# --- scale: start-up never loads sessions --------------------------------------------------------------------


def scale(levels: list[int], refreshes: int, engine: str) -> None:
    banner("Scale: stored offline sessions vs start time, memory and refresh latency (SQLite)")
    print(
        f"per level: bulk INSERT up to the stored count (1 offline user session + 1 offline client session "
        f"each, over {seeding.BALLAST_USERS} users), start the server, then {refreshes} offline refreshes of "
        "random stored sessions, one at a time, each with its own offline token minted by Doorkeep's "
        "TokenCodec; RSS = VmRSS of the server process"
    )
    print(
        "start s: two starts per level, seconds from spawning the process to the first 200 on /realms/master; "
        "other: CPU % of everything else on the machine during the refreshes"
    )
    print(
        f"{'stored':>9} {'db MiB':>7} {'insert s':>8} {'start s':>11} {'RSS start':>9} {'RSS after':>9}"
        f" {'errs':>5} {'p50 ms':>7} {'p90 ms':>7} {'p99 ms':>7} {'max ms':>7} {'other':>6}",
        flush=True,
    )
    rng = random.Random(7)
    reads: list[str] = []
    with tempfile.TemporaryDirectory(prefix="doorkeep-bench-scale-") as tmp:
        db_path = Path(tmp) / "bench.db"
        db_url = f"sqlite:///{db_path}"
        seeded = asyncio.run(seeding.seed(db_url, ballast_users=seeding.BALLAST_USERS))
        server = Server(Path(tmp), db_url, port=free_port())
        issuer = f"{server.base_url}/realms/{seeding.REALM}"
        reservoir = seeding.Reservoir(refreshes, rng)
        stored = 0
        for level in levels:
            # Level 0 still holds the probe sessions that are refreshed: a baseline of `refreshes` rows.
            target = max(level, refreshes)
            began = time.perf_counter()
            seeding.insert_offline_sessions(str(db_path), seeded, target - stored, reservoir, first=stored)
            inserted_in = time.perf_counter() - began
            stored = seeding.count_offline_sessions(str(db_path))
            probes = reservoir.items()
            rng.shuffle(probes)
            tokens = asyncio.run(seeding.mint_offline_tokens(db_url, seeded, issuer, probes))
            starts = [server.start()]
            server.stop()
            starts.append(server.start())
            try:
                rss_start = server.rss_kib()
                result = loadgen.run(
                    "refresh",
                    server.base_url,
                    _refresh_of(tokens),
                    loadgen.Load(len(tokens), 1, 300.0, engine),
                    server.cpu_seconds,
                )
                rss_after = server.rss_kib()
                reads.append(admin_reads.measure(server, seeded, stored))
            finally:
                server.stop()
            size = sum(p.stat().st_size for p in Path(tmp).glob("bench.db*")) / 2**20
            other = max(0.0, result.machine_cpu - result.server_cpu - result.client_cpu) / (result.seconds or 1.0)
            print(
                f"{stored:>9} {size:>7.0f} {inserted_in:>8.1f} {starts[0]:>5.2f}/{starts[1]:<5.2f}"
                f" {rss_start / 1024:>5.0f} MiB {rss_after / 1024:>5.0f} MiB {result.errors:>5}"
                f" {result.percentile(50):>7.1f} {result.percentile(90):>7.1f} {result.percentile(99):>7.1f}"
                f" {max(result.latencies_ms, default=float('nan')):>7.1f} {100 * other:>5.0f}%",
                flush=True,
            )
            if result.errors:
                print(f"    statuses: {dict(result.statuses)}\n{server.log_tail(1500)}")
    print("\nAdmin REST reads at each level (offline sessions of bench-app; a user holding stored/1000 of them):")
    print(admin_reads.HEADER)
    print("\n".join(reads), flush=True)


def _refresh_of(tokens: list[str]) -> Callable[[int], loadgen.Request]:
    def make(number: int) -> loadgen.Request:
        return ("POST", TOKEN, {"grant_type": "refresh_token", "refresh_token": tokens[number], **CLIENT})

    return make


# --- command line ----------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a short smoke run (seconds, not minutes)")
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="also run the throughput scenarios on a throwaway PostgreSQL (needs root)",
    )
    parser.add_argument("--workers", type=int, default=2, help="server workers for --postgres (default 2)")
    parser.add_argument("--only", choices=["side", "throughput", "scale"], help="run one benchmark only")
    parser.add_argument("--seconds", type=float, help="seconds per wrk run in the side-by-side benchmark")
    parser.add_argument("--rounds", type=int, help="wrk runs per scenario in the side-by-side benchmark")
    parser.add_argument(
        "--engine",
        choices=loadgen.ENGINES,
        default="requests",
        help="load generator: a thread pool with requests (default; loads the server harder here) or asyncio + httpx",
    )
    parser.add_argument("--requests", type=int, help="requests per throughput scenario")
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent requests (default 16)")
    parser.add_argument("--time-cap", type=float, help="seconds per throughput scenario at most")
    parser.add_argument("--sessions", help="comma-separated stored offline-session counts for the scale run")
    parser.add_argument("--refreshes", type=int, help="offline refreshes per scale level")
    args = parser.parse_args()

    total = args.requests or (300 if args.quick else 2000)
    cap = args.time_cap or (5.0 if args.quick else 20.0)
    levels = (
        [int(n) for n in args.sessions.split(",")]
        if args.sessions
        else ([0, 10_000] if args.quick else [0, 100_000, 1_000_000])
    )
    refreshes = args.refreshes or (100 if args.quick else 500)
    load = loadgen.Load(total, args.concurrency, cap, args.engine)

    began = time.perf_counter()
    print(f"Doorkeep benchmarks, {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    print(f"machine: {machine()}")
    print(
        f"load average before the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
        "(other work on the machine skews every figure; see the 'other' CPU column)"
    )
    if args.only in (None, "side"):
        side.side_by_side(
            side.Plan(args.seconds or (4.0 if args.quick else 15.0), args.rounds or (1 if args.quick else 3), 8),
            args.postgres,
        )
    if args.only in (None, "throughput"):
        throughput_sqlite(load)
        if args.postgres:
            throughput_postgres(load, args.workers)
    if args.only in (None, "scale"):
        scale(levels, refreshes, args.engine)
    print(f"\ntotal {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
