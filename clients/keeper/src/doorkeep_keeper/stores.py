"""Where offline tokens are kept: a directory of JSON files, or one SQLite file. Both are owner-only (0600).

A file is replaced atomically: the new content goes to a temporary file in the same directory (created
0600), is fsynced, renamed over the old one, and the directory is fsynced so the rename survives a crash.
A reader sees the old record or the new one, never a mix; a process killed mid-write leaves the old one.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from doorkeep_keeper.grant import StoredGrant, TokenKey


class TokenStore(Protocol):
    """Storage of one ``StoredGrant`` per ``TokenKey``; callers hold ``lock_path(key)`` around read-modify-write."""

    def load(self, key: TokenKey) -> StoredGrant | None: ...

    def save(self, grant: StoredGrant) -> None: ...

    def delete(self, key: TokenKey) -> None: ...

    def lock_path(self, key: TokenKey) -> Path: ...


def _private_dir(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data``: temporary file (0600), fsync, rename, fsync the directory."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    os.close(fd)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


class FileStore:
    """One JSON file per key in ``directory`` (created 0700); each file 0600, replaced atomically."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = _private_dir(Path(directory))

    def path(self, key: TokenKey) -> Path:
        return self.directory / f"{key.id}.json"

    def lock_path(self, key: TokenKey) -> Path:
        return self.directory / f"{key.id}.lock"

    def load(self, key: TokenKey) -> StoredGrant | None:
        try:
            text = self.path(key).read_text()
        except FileNotFoundError:
            return None
        return StoredGrant.from_json(text)

    def save(self, grant: StoredGrant) -> None:
        path = self.path(grant.key)
        for stale in self.directory.glob(f".{path.name}.*.tmp"):  # left by a writer killed mid-write
            stale.unlink(missing_ok=True)
        write_atomically(path, grant.to_json().encode())

    def delete(self, key: TokenKey) -> None:
        self.path(key).unlink(missing_ok=True)
        _fsync_dir(self.directory)


class SqliteStore:
    """All keys in one SQLite file (created 0600, synchronous=FULL); each save is one transaction."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        _private_dir(self.path.parent)
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600))  # 0600 before SQLite opens it
        self.locks = _private_dir(self.path.with_name(self.path.name + ".locks"))
        with self._connect() as db:
            db.execute("CREATE TABLE IF NOT EXISTS offline_tokens (key TEXT PRIMARY KEY, record TEXT NOT NULL)")

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30)
        try:
            db.execute("PRAGMA synchronous=FULL")
            with db:  # commit on success, roll back on error
                yield db
        finally:
            db.close()

    def lock_path(self, key: TokenKey) -> Path:
        return self.locks / f"{key.id}.lock"

    def load(self, key: TokenKey) -> StoredGrant | None:
        with self._connect() as db:
            row = db.execute("SELECT record FROM offline_tokens WHERE key = ?", (key.id,)).fetchone()
        return StoredGrant.from_json(row[0]) if row else None

    def save(self, grant: StoredGrant) -> None:
        with self._connect() as db:
            db.execute(
                "INSERT INTO offline_tokens (key, record) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET record = excluded.record",
                (grant.key.id, grant.to_json()),
            )

    def delete(self, key: TokenKey) -> None:
        with self._connect() as db:
            db.execute("DELETE FROM offline_tokens WHERE key = ?", (key.id,))
