"""doorkeep-keeper's stores: owner-only files, atomic replacement, a writer killed mid-write loses nothing."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

from doorkeep_keeper import FileStore, SqliteStore, StoredGrant, TokenKey
from doorkeep_keeper.locking import exclusive
from keeper_support import keeper_env

KEY = TokenKey("http://127.0.0.1:8080/realms/demo", "offline-access-portal", "user1")


def grant(token: str) -> StoredGrant:
    return StoredGrant(key=KEY, refresh_token=token, scope="openid offline_access", obtained_at=1)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_file_store_creates_an_owner_only_directory_and_0600_files_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        store = FileStore(tmp_path / "tokens")
        store.save(grant("t1"))
        assert store.lock_path(KEY).parent == store.directory
        with exclusive(store.lock_path(KEY)):
            pass
    finally:
        os.umask(old)
    assert mode(store.directory) == 0o700
    assert mode(store.path(KEY)) == 0o600
    assert mode(store.lock_path(KEY)) == 0o600


def test_a_sqlite_store_file_is_0600_and_keeps_one_record_per_key(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        store = SqliteStore(tmp_path / "keeper" / "tokens.db")
        store.save(grant("t1"))
        store.save(grant("t2"))
    finally:
        os.umask(old)
    assert mode(store.path) == 0o600
    loaded = store.load(KEY)
    assert loaded is not None and loaded.refresh_token == "t2"
    store.delete(KEY)
    assert store.load(KEY) is None


def test_saving_replaces_the_file_by_rename_so_an_open_reader_keeps_the_old_whole_record(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    store.save(grant("old"))
    with store.path(KEY).open() as reader:
        before = os.fstat(reader.fileno()).st_ino
        store.save(grant("new"))
        assert StoredGrant.from_json(reader.read()).refresh_token == "old"
    assert store.path(KEY).stat().st_ino != before
    loaded = store.load(KEY)
    assert loaded is not None and loaded.refresh_token == "new"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


KILLED_BEFORE_RENAME = textwrap.dedent("""
    import os, signal, sys
    from doorkeep_keeper import FileStore, StoredGrant, TokenKey
    key = TokenKey("http://127.0.0.1:8080/realms/demo", "offline-access-portal", "user1")
    store = FileStore(sys.argv[1])
    os.replace = lambda *args: os.kill(os.getpid(), signal.SIGKILL)  # die after the fsync, before the rename
    store.save(StoredGrant(key=key, refresh_token="new", scope="offline_access", obtained_at=2))
""")


def test_a_writer_killed_before_the_rename_leaves_the_previous_record_and_the_next_save_cleans_up(
    tmp_path: Path,
) -> None:
    store = FileStore(tmp_path)
    store.save(grant("old"))
    writer = subprocess.run([sys.executable, "-c", KILLED_BEFORE_RENAME, str(tmp_path)], check=False, env=keeper_env())
    assert writer.returncode == -signal.SIGKILL
    leftovers = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert len(leftovers) == 1 and mode(leftovers[0]) == 0o600
    loaded = store.load(KEY)
    assert loaded is not None and loaded.refresh_token == "old"
    store.save(grant("newer"))
    assert [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_stored_grant_round_trips_through_json_and_a_refresh_answer_replaces_the_token() -> None:
    first = StoredGrant.from_token_response(
        KEY,
        {
            "refresh_token": "r1",
            "access_token": "a1",
            "expires_in": 300,
            "refresh_expires_in": 0,
            "scope": "openid offline_access",
        },
        100,
    )
    assert first.offline and first.refresh_expires_at is None and first.access_expires_at == 400
    assert StoredGrant.from_json(first.to_json()) == first
    second = first.after_refresh({"refresh_token": "r2", "access_token": "a2", "expires_in": 60}, 200)
    assert (second.refresh_token, second.access_token, second.refresh_count, second.refreshed_at) == (
        "r2",
        "a2",
        1,
        200,
    )
