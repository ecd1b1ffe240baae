"""A long-lived PostgreSQL cluster for the scale benchmarks, kept between runs under ``/tmp/big-pg``.

Seeding 10,000,000 sessions takes minutes, so unlike tests/pg.py (a fresh cluster per run, deleted at the
end) this one keeps its data directory: ``start()`` initialises it once, later runs start it again on the
port recorded in ``/tmp/big-pg/port``; ``stop()`` shuts it down and keeps the files (``--drop`` in
scale_pg.py deletes them). It runs as the ``postgres`` user through ``runuser`` (so the benchmark runs as
root), listens on 127.0.0.1 only, trusts local connections, and is sized for 10M rows:
``shared_buffers=1GB``, ``work_mem=64MB``, ``maintenance_work_mem=1GB``, ``fsync=off`` (a throwaway
cluster, as in the tests).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
from pathlib import Path

ROOT = Path(os.environ.get("DOORKEEP_BENCH_PG_DIR", "/tmp/big-pg"))
HOST = "127.0.0.1"
OPTIONS = (
    "-c shared_buffers=1GB -c work_mem=64MB -c maintenance_work_mem=1GB -c fsync=off -c max_connections=100 "
    "-c max_wal_size=8GB -c checkpoint_timeout=30min -c synchronous_commit=on"
)


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError(f"PostgreSQL's {name} not found under /usr/lib/postgresql/*/bin")
    return found[-1]


def _as_postgres(*command: str) -> None:
    runuser = shutil.which("runuser") or "/usr/sbin/runuser"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")} | {"LC_ALL": "C.UTF-8"}
    subprocess.run(
        [runuser, "-u", "postgres", "--", *command], check=True, cwd="/tmp", env=env, stdout=subprocess.DEVNULL
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def port() -> int:
    return int((ROOT / "port").read_text())


def url(dbname: str) -> str:
    return f"postgresql://postgres@{HOST}:{port()}/{dbname}"


def running() -> bool:
    return (ROOT / "data" / "postmaster.pid").exists()


def start() -> None:
    """Initialise (first time) and start the cluster; a no-op when it already runs."""
    if os.geteuid() != 0:
        raise RuntimeError("the PostgreSQL benchmarks run as root (the cluster runs as postgres via runuser)")
    data = ROOT / "data"
    if not data.exists():
        ROOT.mkdir(parents=True, exist_ok=True)
        owner = pwd.getpwnam("postgres")
        os.chown(ROOT, owner.pw_uid, owner.pw_gid)
        _as_postgres(
            _bin("initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        (ROOT / "port").write_text(str(_free_port()))
    if running():
        return
    options = f"-p {port()} -k {ROOT} -c listen_addresses={HOST} {OPTIONS}"
    _as_postgres(_bin("pg_ctl"), "-D", str(data), "-l", str(ROOT / "server.log"), "-o", options, "-w", "start")


def stop() -> None:
    """Shut the cluster down (fast), keeping its files for the next run."""
    if running():
        _as_postgres(_bin("pg_ctl"), "-D", str(ROOT / "data"), "-m", "fast", "-w", "stop")


def create_database(name: str) -> bool:
    """Create ``name`` unless it exists; True when it was created."""
    listing = subprocess.run(
        [
            "psql",
            "-h",
            HOST,
            "-p",
            str(port()),
            "-U",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname = '{name}'",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    if listing.stdout.strip() == "1":
        return False
    subprocess.run(["createdb", "-h", HOST, "-p", str(port()), "-U", "postgres", name], check=True)
    return True


def drop_database(name: str) -> None:
    subprocess.run(["dropdb", "--if-exists", "-h", HOST, "-p", str(port()), "-U", "postgres", name], check=True)


def cpu_seconds(dbname: str) -> float:
    """CPU time used so far by the backends connected to ``dbname`` (not other databases' seeding)."""
    from harness import cpu_seconds as of

    listing = subprocess.run(
        [
            "psql",
            "-h",
            HOST,
            "-p",
            str(port()),
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-tAc",
            f"SELECT pid FROM pg_stat_activity WHERE datname = '{dbname}'",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return sum(of(int(pid)) for pid in listing.stdout.split())
