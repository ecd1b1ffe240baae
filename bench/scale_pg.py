"""Issue #8 target 4 (and target 3 on PostgreSQL): millions of offline sessions on PostgreSQL.

    .venv/bin/python bench/scale_pg.py                       # 10,000,000 sessions (make bench-scale)
    .venv/bin/python bench/scale_pg.py --sessions 1000000    # target 3 on PostgreSQL
    .venv/bin/python bench/scale_pg.py --stop                # stop the cluster (keeps /tmp/big-pg)

Runs as root: a long-lived cluster under /tmp/big-pg (bench/pgcluster.py), one database per size
(``bench10000000``), seeded once with ``generate_series`` (bench/bulk_pg.py) and reused by later runs.
Then, against a real ``doorkeep start-dev --workers 1`` process:

1. **ready**: three starts, seconds from spawning the process to the first 200 on ``/health/ready``; RSS then;
2. **admin reads** (bench/admin_reads_http.py), median and p95 of 20 each;
3. **refreshes**: ``--refreshes`` distinct stored sessions refreshed once each (offline tokens minted with the
   realm's HMAC key by Doorkeep's own TokenCodec, as bench/seed.py does), at ``--concurrency``; RSS after;
4. **cleaner**: ``--expired`` sessions last refreshed 40 days ago are inserted, the server is started with the
   cleaner every ``--cleaner-interval`` seconds (bench/serve_cleaner.py), and a refresh load runs through
   the idle time before the first run, the whole cleaning (the maintained counter, polled every 0.5 s, going
   back down) and 15 s after: refresh p99 while cleaning vs idle.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import asdict
from pathlib import Path

import admin_reads_http
import bulk_pg
import load as loadgen
import pgcluster
import requests
import seed as seeding
from harness import Server, free_port, percentile

CLIENT = {"client_id": seeding.CLIENT_ID, "client_secret": seeding.CLIENT_SECRET}
TOKEN = f"/realms/{seeding.REALM}/protocol/openid-connect/token"
SERVE_CLEANER = Path(__file__).with_name("serve_cleaner.py")


class CleanerServer(Server):
    """The same server, through bench/serve_cleaner.py (the cleaner's interval from the environment)."""

    def command(self) -> list[str]:
        cmd = super().command()
        return [sys.executable, str(SERVE_CLEANER), *cmd[1:]]


def ensure_seeded(db: str, sessions: int) -> seeding.Seeded:
    """The database ``db`` with ``sessions`` live offline sessions: seeded now, or by an earlier run."""
    meta = pgcluster.ROOT / f"{db}.json"
    if meta.exists():
        raw = json.loads(meta.read_text())
        return seeding.Seeded(raw["realm_id"], raw["client_uuid"], raw["user_id"], tuple(raw["ballast_user_ids"]))
    pgcluster.drop_database(db)  # a seeding that did not finish
    pgcluster.create_database(db)
    url = pgcluster.url(db)
    began = time.perf_counter()
    seeded = asyncio.run(seeding.seed(url, ballast_users=max(seeding.BALLAST_USERS, sessions // 1000)))
    print(f"realm and {len(seeded.ballast_user_ids)} users in {time.perf_counter() - began:.0f} s", flush=True)
    asyncio.run(bulk_pg.bulk_load(url, seeded, sessions))
    print(f"seeded {sessions:,} sessions in {time.perf_counter() - began:.0f} s", flush=True)
    meta.write_text(json.dumps(asdict(seeded)))
    return seeded


def refresh_request(tokens: list[str]) -> loadgen.MakeRequest:
    def make(number: int) -> loadgen.Request:
        return ("POST", TOKEN, {"grant_type": "refresh_token", "refresh_token": tokens[number % len(tokens)], **CLIENT})

    return make


def mint(url: str, seeded: seeding.Seeded, issuer: str, numbers: list[int], prefix: str = "s") -> list[str]:
    sessions = [bulk_pg.session(i, seeded, prefix) for i in numbers]
    return asyncio.run(seeding.mint_offline_tokens(url, seeded, issuer, sessions))


def timed_load(
    base_url: str, tokens: list[str], concurrency: int, stop: threading.Event, out: list[tuple[float, float, int]]
) -> list[threading.Thread]:
    """Refresh threads recording (start time, ms, status) until ``stop`` is set."""
    counter = iter(range(10**9))
    lock = threading.Lock()

    def worker() -> None:
        with requests.Session() as http:
            while not stop.is_set():
                with lock:
                    number = next(counter)
                form = {"grant_type": "refresh_token", "refresh_token": tokens[number % len(tokens)], **CLIENT}
                began = time.perf_counter()
                status = http.post(base_url + TOKEN, data=form, timeout=60).status_code
                out.append((began, (time.perf_counter() - began) * 1000, status))

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    return threads


def p99(values: list[float]) -> float:
    return percentile(values, 0.99)


def cleaner_run(url: str, seeded: seeding.Seeded, workdir: Path, args: argparse.Namespace, live: int) -> None:
    print(
        f"\n## Cleaner: {args.expired:,} expired sessions among {live:,} live, refresh load at "
        f"concurrency {args.concurrency}",
        flush=True,
    )
    began = time.perf_counter()
    left = asyncio.run(bulk_pg.stored_offline(url, seeded.client_uuid)) - live
    if left > 0:  # an earlier run stopped by --cleaner-timeout: clean what it left
        print(f"{left:,} expired sessions left by an earlier run: cleaning those", flush=True)
        args.expired = left
    else:
        asyncio.run(bulk_pg.insert_expired(url, seeded, args.expired))
        print(f"inserted {args.expired:,} expired sessions in {time.perf_counter() - began:.0f} s", flush=True)
    stored = asyncio.run(bulk_pg.stored_offline(url, seeded.client_uuid))
    server = CleanerServer(
        workdir, url, ready_path="/health/ready", env={"DOORKEEP_BENCH_CLEANER_INTERVAL": str(args.cleaner_interval)}
    )
    issuer = f"{server.base_url}/realms/{seeding.REALM}"
    tokens = mint(url, seeded, issuer, random.Random(11).sample(range(live), 2000))
    samples: list[tuple[float, float, int]] = []
    counts: list[tuple[float, int]] = []
    stop = threading.Event()
    server.start()
    try:
        threads = timed_load(server.base_url, tokens, args.concurrency, stop, samples)
        load_began = time.perf_counter()
        deadline = load_began + args.cleaner_interval + args.cleaner_timeout
        done_at: float | None = None
        while time.perf_counter() < deadline:
            now, n = time.perf_counter(), asyncio.run(bulk_pg.stored_offline(url, seeded.client_uuid))
            counts.append((now, n))
            if n <= stored - args.expired and done_at is None:
                done_at = now
            if done_at is not None and now > done_at + 15:
                break
            time.sleep(0.5)
        stop.set()
        for thread in threads:
            thread.join()
        rss = server.rss_kib()
    finally:
        stop.set()
        server.stop()
    first = next((t for t, n in counts if n < stored), None)
    if first is None:
        print("the cleaner did not start")
        return
    cleaned = stored - counts[-1][1]
    if done_at is None:  # stopped by --cleaner-timeout: the figures cover the part that ran
        done_at = counts[-1][0]
        print(f"stopped after {cleaned:,} of {args.expired:,} expired sessions (--cleaner-timeout)")
    ok = [(t, ms) for t, ms, status in samples if status == 200 and t > load_began + 2]
    errors = sum(1 for _, _, status in samples if status != 200)
    during = [ms for t, ms in ok if first <= t <= done_at]
    idle = [ms for t, ms in ok if t < first - 0.5 or t > done_at + 0.5]
    ratio = p99(during) / p99(idle)
    print(
        f"cleaning {cleaned:,} sessions took {done_at - first:.1f} s ({cleaned / (done_at - first):,.0f} "
        f"sessions/s, counter "
        f"polled every 0.5 s); non-200 answers: {errors}; server RSS at the end {rss / 1024:.0f} MiB"
    )
    print("| refresh | requests | median ms | p99 ms |\n|---|---:|---:|---:|")
    for name, values in (("idle (before and after)", idle), ("while cleaning", during)):
        print(f"| {name} | {len(values)} | {statistics.median(values):.1f} | {p99(values):.1f} |")
    print(f"p99 while cleaning ÷ idle p99 = **{ratio:.2f}** (target ≤ 2)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=10_000_000, help="stored live offline sessions")
    parser.add_argument("--refreshes", type=int, default=50_000, help="distinct sessions refreshed once each")
    parser.add_argument("--concurrency", type=int, default=4, help="concurrent refreshes (default 4)")
    parser.add_argument("--expired", type=int, default=1_000_000, help="expired sessions for the cleaner (0: skip)")
    parser.add_argument("--cleaner-interval", type=int, default=30, help="seconds before the cleaner's first run")
    parser.add_argument(
        "--cleaner-timeout",
        type=int,
        default=3600,
        help="seconds of cleaning after which the load stops (the figures then cover part)",
    )
    parser.add_argument("--repeat", type=int, default=20, help="requests per admin read")
    parser.add_argument("--only", choices=["reads", "cleaner"], help="ready, reads and refreshes; or the cleaner")
    parser.add_argument("--seed-only", action="store_true", help="seed the database and stop there")
    parser.add_argument("--stop", action="store_true", help="stop the cluster (its files stay) and exit")
    args = parser.parse_args()
    if args.stop:
        pgcluster.stop()
        return
    pgcluster.start()
    db = f"bench{args.sessions}"
    seeded = ensure_seeded(db, args.sessions)
    if args.seed_only:
        return
    url = pgcluster.url(db)
    live = args.sessions  # the seeded live sessions (expired ones of a stopped cleaner run may be stored too)
    print(
        f"# PostgreSQL, {live:,} live offline sessions of one client over {len(seeded.ballast_user_ids):,} "
        f"users ({live // len(seeded.ballast_user_ids):,} each), doorkeep start-dev --workers 1",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="doorkeep-bench-big-") as tmp:
        workdir = Path(tmp)
        if args.only != "cleaner":
            reads_and_refreshes(url, seeded, workdir, args, live)
        if args.expired and args.only != "reads":
            cleaner_run(url, seeded, workdir, args, live)


def reads_and_refreshes(url: str, seeded: seeding.Seeded, workdir: Path, args: argparse.Namespace, live: int) -> None:
    """Ready time and RSS (three starts), the admin reads, then distinct refreshes and RSS after them."""
    server = Server(workdir, url, port=free_port(), ready_path="/health/ready")
    readies, cpu, rss = [], [], []
    for _ in range(3):
        readies.append(server.start())
        cpu.append(server.cpu_seconds())
        rss.append(server.rss_kib())
        server.stop()
    print(
        f"\nready (spawn → first 200 on /health/ready), three starts: "
        f"{' / '.join(f'{s:.2f}' for s in readies)} s, using {' / '.join(f'{s:.2f}' for s in cpu)} s CPU; "
        f"RSS at ready {max(rss) / 1024:.0f} MiB",
        flush=True,
    )
    issuer = f"{server.base_url}/realms/{seeding.REALM}"
    tokens = mint(url, seeded, issuer, random.Random(7).sample(range(live), min(args.refreshes, live)))
    server.start()
    try:
        reads = admin_reads_http.measure(
            server,
            seeded,
            seeded.ballast_user_ids[0],
            args.repeat,
            lambda: pgcluster.cpu_seconds(url.rsplit("/", 1)[1]),
        )
        print("\n" + admin_reads_http.table(reads, live, "Admin reads"), flush=True)
        rss_before = server.rss_kib()
        result = loadgen.run(
            "refresh",
            server.base_url,
            refresh_request(tokens),
            loadgen.Load(len(tokens), args.concurrency, 7200.0, "requests"),
            server.cpu_seconds,
        )
        rss_after = server.rss_kib()
    finally:
        server.stop()
    print(
        f"\n{result.requests:,} distinct offline refreshes at concurrency {args.concurrency}: "
        f"{result.rate:.0f} req/s, errors {result.errors} {dict(result.statuses) if result.errors else ''}, "
        f"p50 {result.percentile(50):.1f} / p99 {result.percentile(99):.1f} ms; server RSS "
        f"{rss_before / 1024:.0f} MiB before, {rss_after / 1024:.0f} MiB after",
        flush=True,
    )


if __name__ == "__main__":
    main()
