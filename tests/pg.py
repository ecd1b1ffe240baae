"""A throwaway PostgreSQL server for tests.

The server lives in a fresh directory in memory (/dev/shm, or /tmp when that is missing
or short of space), listens on a free port on 127.0.0.1 only, trusts every connection
and runs without durability (fsync, full-page writes and synchronous commit off).
PostgreSQL refuses to run as root, so the cluster belongs to the ``postgres`` system
user and every server-side command goes through ``runuser``; that makes root a
requirement (as on CI).

A server still running when the test process ends (the session fixture's teardown never reached: an
interrupted run, an uncaught error, a SIGTERM) is stopped by an ``atexit`` hook, so that no server is
left running in /dev/shm; only SIGKILL leaves one.

Tests drop the databases they create (``drop_database``): a wire test's copy of the
prepared template is ~8 MB in ~460 files, and a PostgreSQL wire pass left ~1,800 of them
per worker for ``stop`` to delete (~94 s at the end of each worker).

    pg = ThrowawayPostgres()
    pg.start()
    try:
        pg.create_database("app")
        url = pg.url("app")  # postgresql://postgres@127.0.0.1:<port>/app
    finally:
        pg.stop()
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from types import TracebackType

from ports import free_port

__all__ = ["ThrowawayPostgres"]

_OS_USER = "postgres"
_DB_USER = "postgres"
_HOST = "127.0.0.1"
_DB_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
_START_ATTEMPTS = 3
# In memory when there is room: a test database is created (and dropped) per wire test.
_MEMORY_DIR = Path("/dev/shm")
_MEMORY_NEEDED = 2 << 30
# A throwaway cluster needs no durability; max_wal_size keeps the WAL it recycles small in memory.
_SERVER_SETTINGS = (
    "-c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=200 "
    "-c max_wal_size=256MB -c min_wal_size=32MB"
)


def _find_bin_dir() -> Path:
    """The directory holding ``initdb`` and ``pg_ctl``, newest Debian install first."""

    def version(path: str) -> tuple[int, ...]:
        name = Path(path).parent.parent.name
        return tuple(int(part) for part in name.split(".") if part.isdigit())

    for initdb in sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=version, reverse=True):
        bin_dir = Path(initdb).parent
        if (bin_dir / "pg_ctl").is_file():
            return bin_dir
    initdb_on_path = shutil.which("initdb")
    pg_ctl_on_path = shutil.which("pg_ctl")
    if initdb_on_path is None or pg_ctl_on_path is None:
        raise RuntimeError(
            "PostgreSQL server binaries (initdb, pg_ctl) not found in /usr/lib/postgresql/*/bin "
            "or on PATH; run scripts/ensure-system-deps.sh"
        )
    # Debian's /usr/local/bin or /usr/bin entries may be symlinks into the real bin dir.
    return Path(os.path.realpath(initdb_on_path)).parent


def _find_runuser() -> str:
    found = shutil.which("runuser") or next(
        (p for p in ("/usr/sbin/runuser", "/sbin/runuser") if os.access(p, os.X_OK)), None
    )
    if found is None:
        raise RuntimeError("ThrowawayPostgres needs `runuser` (util-linux) to run PostgreSQL as postgres")
    return found


def _parent_dir() -> str:
    """/dev/shm when it is a writable directory with room to spare, else /tmp."""
    try:
        room = shutil.disk_usage(_MEMORY_DIR).free
    except OSError:
        return "/tmp"
    return str(_MEMORY_DIR) if room >= _MEMORY_NEEDED and os.access(_MEMORY_DIR, os.W_OK | os.X_OK) else "/tmp"


def _version(bin_dir: Path) -> int:
    """The server's major version from a Debian path (/usr/lib/postgresql/15/bin), 0 when unknown."""
    name = bin_dir.parent.name
    return int(name.split(".")[0]) if name.split(".")[0].isdigit() else 0


def _free_port() -> int:
    return free_port()


def _exit_on_sigterm() -> None:
    """A SIGTERM ends the process through SystemExit, so that the ``atexit`` hooks run (Python's default ends it
    at once); left alone when someone else handles SIGTERM, or off the main thread (no handler can be set)."""
    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def _clean_env() -> dict[str, str]:
    """The environment minus libpq's PG* variables, pinned to a locale every Debian has."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    env["LC_ALL"] = "C.UTF-8"
    return env


class ThrowawayPostgres:
    """One disposable PostgreSQL cluster; ``start()`` it, ``stop()`` it (or use ``with``)."""

    def __init__(self) -> None:
        self._bin_dir: Path | None = None
        self._runuser: str | None = None
        self._root: Path | None = None
        self._port: int | None = None

    # -- lifecycle ---------------------------------------------------------------

    def start(self) -> None:
        if self._port is not None:
            raise RuntimeError("ThrowawayPostgres is already running")
        if os.geteuid() != 0:
            raise RuntimeError(
                "ThrowawayPostgres must run as root: it starts PostgreSQL as the `postgres` user via runuser"
            )
        self._runuser = _find_runuser()
        try:
            owner = pwd.getpwnam(_OS_USER)
        except KeyError:
            raise RuntimeError(
                f"no `{_OS_USER}` system user; install PostgreSQL (scripts/ensure-system-deps.sh)"
            ) from None
        self._bin_dir = _find_bin_dir()

        root = Path(tempfile.mkdtemp(prefix="doorkeep-pg-", dir=_parent_dir()))
        self._root = root
        try:
            os.chown(root, owner.pw_uid, owner.pw_gid)
            self._as_postgres(
                str(self._bin_dir / "initdb"),
                "-D",
                str(self._data_dir),
                "-U",
                _DB_USER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            )
            self._start_server()
        except BaseException:
            self._remove_root()
            raise
        atexit.register(self.stop)
        _exit_on_sigterm()

    def stop(self) -> None:
        """Stop the server at once (no checkpoint) and delete its files. Safe to call twice."""
        atexit.unregister(self.stop)
        try:
            if self._port is not None and self._bin_dir is not None and self._root is not None:
                self._as_postgres(
                    str(self._bin_dir / "pg_ctl"),
                    "-D",
                    str(self._data_dir),
                    "-m",
                    "immediate",
                    "-w",
                    "stop",
                    check=False,
                )
        finally:
            self._port = None
            self._remove_root()

    def pause(self) -> None:
        """Shut the server down (``-m fast``: clients are disconnected), keeping its files and port."""
        assert self._bin_dir is not None and self._port is not None
        self._as_postgres(str(self._bin_dir / "pg_ctl"), "-D", str(self._data_dir), "-m", "fast", "-w", "stop")

    def resume(self) -> None:
        """Start a paused server again on the same port."""
        assert self._bin_dir is not None and self._root is not None and self._port is not None
        options = f"-p {self._port} -k {self._root} -c listen_addresses={_HOST} {_SERVER_SETTINGS}"
        self._as_postgres(
            str(self._bin_dir / "pg_ctl"),
            "-D",
            str(self._data_dir),
            "-l",
            str(self._log_file),
            "-o",
            options,
            "-w",
            "start",
        )

    def __enter__(self) -> ThrowawayPostgres:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- use -----------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("ThrowawayPostgres is not running")
        return self._port

    def url(self, dbname: str) -> str:
        return f"postgresql://{_DB_USER}@{_HOST}:{self.port}/{dbname}"

    def create_database(self, name: str, template: str | None = None) -> None:
        """An empty database, or a file-level copy of ``template`` (which nobody may be connected to)."""
        for each in (name, template):
            if each is not None and not _DB_NAME.fullmatch(each):
                raise ValueError(f"database name must be a plain identifier of at most 63 chars: {each!r}")
        assert self._bin_dir is not None
        copy = ["--template", template] if template is not None else []
        # PostgreSQL 15's default strategy (WAL_LOG) writes the whole copy to the WAL as well: FILE_COPY
        # copies the files and checkpoints, about twice as fast here (and the checkpoints are cheap without fsync).
        if _version(self._bin_dir) >= 15:
            copy.append("--strategy=FILE_COPY")
        self._client("createdb", *copy, name)

    def drop_database(self, name: str) -> None:
        """Drop ``name`` if it exists, ending whatever connections are still open to it."""
        if not _DB_NAME.fullmatch(name):
            raise ValueError(f"database name must be a plain identifier of at most 63 chars: {name!r}")
        self._client("dropdb", "--if-exists", "--force", name)

    def drop_database_of(self, url: str) -> None:
        """Drop the database ``url`` (one of this server's ``url(...)``) names."""
        self.drop_database(url.rsplit("/", 1)[1])

    @property
    def log_file(self) -> Path:
        """The server's log (tests/contract/test_token_round_trips.py counts the statements it logs)."""
        return self._log_file

    # -- internals -------------------------------------------------------------------

    @property
    def _data_dir(self) -> Path:
        assert self._root is not None
        return self._root / "data"

    @property
    def _log_file(self) -> Path:
        assert self._root is not None
        return self._root / "server.log"

    def _start_server(self) -> None:
        assert self._bin_dir is not None and self._root is not None
        last_error: RuntimeError | None = None
        # The free port may be taken between choosing and binding it: try a few.
        for _ in range(_START_ATTEMPTS):
            port = _free_port()
            options = f"-p {port} -k {self._root} -c listen_addresses={_HOST} {_SERVER_SETTINGS}"
            try:
                # -l sends the server's output to a file: without it the server would keep
                # our stdout/stderr pipes open and subprocess.run would never return.
                self._as_postgres(
                    str(self._bin_dir / "pg_ctl"),
                    "-D",
                    str(self._data_dir),
                    "-l",
                    str(self._log_file),
                    "-o",
                    options,
                    "-w",
                    "start",
                )
            except RuntimeError as error:
                last_error = error
                continue
            self._port = port
            return
        assert last_error is not None
        raise last_error

    def _client(self, program: str, *arguments: str) -> None:
        assert self._bin_dir is not None
        where = ["--host", _HOST, "--port", str(self.port), "--username", _DB_USER, "--no-password"]
        self._run([str(self._bin_dir / program), *where, *arguments])

    def _as_postgres(self, *command: str, check: bool = True) -> None:
        assert self._runuser is not None
        self._run([self._runuser, "-u", _OS_USER, "--", *command], check=check)

    def _run(self, command: list[str], check: bool = True) -> None:
        result = subprocess.run(
            command,
            cwd=self._root or "/tmp",  # postgres cannot read the caller's directory
            env=_clean_env(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if check and result.returncode != 0:
            message = f"{' '.join(command)} exited with {result.returncode}\n{result.stdout}{result.stderr}"
            if self._root is not None and self._log_file.exists():
                message += "\n--- server log ---\n" + self._log_file.read_text(errors="replace")[-4000:]
            raise RuntimeError(message)

    def _remove_root(self) -> None:
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)
            self._root = None


async def some_backend_waits_for_a_lock(url: str) -> None:
    """Return once a backend of the server at ``url`` waits for a lock (``pg_locks`` has an ungranted one): a test
    that starts a transaction meant to block on a row lock awaits this before releasing the lock. Fails after ~5 s."""
    import asyncio

    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        for _ in range(500):
            if await conn.fetchval("SELECT count(*) FROM pg_locks WHERE NOT granted"):
                return
            await asyncio.sleep(0.01)
        raise AssertionError("nothing waited for a lock")
    finally:
        await conn.close()
