"""Issue #8 target 3 on SQLite: the admin reads over HTTP at 1,000,000 stored offline sessions.

    .venv/bin/python bench/scale_sqlite.py [--sessions 1000000] [--repeat 20]

Seeds a fresh database in a temporary directory (bench/seed.py: realm ``bench``, ``sessions / 1000`` users;
bench/bulk.py: the sessions in SQL, a recursive CTE, 200,000 rows per statement, with the migrations'
triggers live so the maintained counter is exact), starts ``doorkeep start-dev`` (time to the first 200 on
``/health/ready``, RSS) and runs bench/admin_reads_http.py against it.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

import admin_reads_http
import bulk
import seed as seeding
from harness import Server
from sqlalchemy import create_engine, text


def reuse(db_url: str) -> seeding.Seeded:
    """The ids of an earlier run's realm, client and users, read back from its database."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            realm = conn.execute(text("SELECT id FROM realms WHERE name = :n"), {"n": seeding.REALM}).scalar_one()
            client = conn.execute(
                text("SELECT id FROM clients WHERE realm_id = :r AND client_id = :c"),
                {"r": realm, "c": seeding.CLIENT_ID},
            ).scalar_one()
            user = conn.execute(
                text("SELECT id FROM users WHERE realm_id = :r AND username = :u"), {"r": realm, "u": seeding.USERNAME}
            ).scalar_one()
            ballast = conn.execute(
                text("SELECT id FROM users WHERE realm_id = :r AND username LIKE 'ballast-%' ORDER BY username"),
                {"r": realm},
            ).scalars()
            return seeding.Seeded(realm, client, user, tuple(ballast))
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--db", type=Path, help="reuse this database (seeded by an earlier run) or keep it here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="doorkeep-bench-sqlite-") as tmp:
        path = args.db or Path(tmp) / "bench.db"
        db_url = f"sqlite:///{path}"
        began = time.perf_counter()
        if path.exists():
            seeded = reuse(db_url)
            print(f"# SQLite, reusing {path}", flush=True)
        else:
            seeded = asyncio.run(seeding.seed(db_url, ballast_users=max(seeding.BALLAST_USERS, args.sessions // 1000)))
            bulk.insert_sessions(db_url, seeded, args.sessions, int(time.time()))
        print(
            f"# SQLite, {args.sessions:,} stored offline sessions of one client over "
            f"{len(seeded.ballast_user_ids):,} users, seeded in {time.perf_counter() - began:.0f} s",
            flush=True,
        )
        server = Server(path.parent, db_url, ready_path="/health/ready")
        first = server.start()  # the first start also creates the master realm and its admin
        server.stop()
        server.start()
        try:
            print(
                f"ready (spawn → first 200 on /health/ready): first start {first:.2f} s, second "
                f"{server.start_seconds:.2f} s using {server.cpu_seconds():.2f} s CPU; "
                f"RSS {server.rss_kib() / 1024:.0f} MiB\n",
                flush=True,
            )
            reads = admin_reads_http.measure(server, seeded, seeded.ballast_user_ids[0], args.repeat)
        finally:
            server.stop()
        print(admin_reads_http.table(reads, args.sessions, "Admin reads"), flush=True)


if __name__ == "__main__":
    main()
