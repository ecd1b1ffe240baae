"""Hostile directories for ``doorkeep import --dir`` (session 62): a realm's users come only from its own
``<realm>-users-N.json`` files (DirImportProvider's ``realmName + "-users-[0-9]+\\.json"``, N digits), so another
realm's file whose name merely starts with ``<realm>-users-`` (its realm file, a backup) adds nobody to it; a realm
name with pattern characters finds its own users files; a file nested 100 000 deep, a directory or a dangling
symlink named as a realm file is a one-line refusal that writes nothing. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from doorkeep.clock import FakeClock
from doorkeep.realms.exportimport import files
from doorkeep.store.database import Database

pytestmark = pytest.mark.anyio


def _users(*names: str) -> list[dict[str, Any]]:
    return [{"username": n, "enabled": True} for n in names]


def _write(root: Path, written: dict[str, Any]) -> Path:
    root.mkdir()
    for name, data in written.items():
        (root / name).write_text(data if isinstance(data, str) else json.dumps(data))
    return root


async def _usernames(db: Database, realm: str) -> list[str]:
    out = await files.export_realm(db, realm)
    return sorted(u["username"] for u in out.get("users", []))


async def test_a_realm_takes_only_its_own_numbered_users_files(
    new_db: Callable[[], Awaitable[Database]], tmp_path: Path
) -> None:
    root = _write(
        tmp_path / "export",
        {
            "shop-realm.json": {"realm": "shop", "enabled": True},
            "shop-users-0.json": {"realm": "shop", "users": _users("ann")},
            # another realm, named so that its files start with "shop-users-"
            "shop-users-evil-realm.json": {"realm": "shop-users-evil", "enabled": True, "users": _users("mallory")},
            "shop-users-evil-users-0.json": {"realm": "shop-users-evil", "users": _users("eve")},
            "shop-users-backup.json": {"realm": "shop", "users": _users("stale")},  # not N digits: left alone
        },
    )
    db = await new_db()
    names = await files.import_file(db, str(root), FakeClock(), skip_existing=False)
    assert sorted(names) == ["shop", "shop-users-evil"]
    assert await _usernames(db, "shop") == ["ann"]
    assert await _usernames(db, "shop-users-evil") == ["eve", "mallory"]


async def test_a_realm_name_with_pattern_characters_finds_its_users_files(
    new_db: Callable[[], Awaitable[Database]], tmp_path: Path
) -> None:
    """The realm's name is matched literally. (Glob characters ``[``, ``]``, ``*``, ``?`` are all reserved: a realm
    named with them is refused, as RealmManager.importRealm does, test_hostile_s69b_import_reserved.py.)"""
    root = _write(
        tmp_path / "export",
        {
            "a.{1}-realm.json": {"realm": "a.{1}", "enabled": True},
            "a.{1}-users-0.json": {"realm": "a.{1}", "users": _users("ann")},
            "ab-users-0.json": {"realm": "ab", "users": _users("intruder")},  # matched by the regex a.{1}-users-
        },
    )
    db = await new_db()
    assert await files.import_file(db, str(root), FakeClock(), skip_existing=False) == ["a.{1}"]
    assert await _usernames(db, "a.{1}") == ["ann"]


@pytest.mark.parametrize("kind", ["deep", "directory", "dangling-link", "users-deep"])
async def test_an_unreadable_realm_or_users_file_is_a_one_line_refusal(
    new_db: Callable[[], Awaitable[Database]], tmp_path: Path, kind: str
) -> None:
    root = _write(tmp_path / "export", {"good-realm.json": {"realm": "good", "enabled": True}})
    if kind == "deep":
        (root / "bad-realm.json").write_text("[" * 100_000 + "]" * 100_000)
    elif kind == "directory":
        (root / "bad-realm.json").mkdir()
    elif kind == "dangling-link":
        (root / "bad-realm.json").symlink_to(tmp_path / "nowhere.json")
    else:
        (root / "good-users-0.json").write_text('{"users": ' + "[" * 100_000 + "]" * 100_000 + "}")
    db = await new_db()
    with pytest.raises(files.ImportError_) as refused:
        await files.import_file(db, str(root), FakeClock(), skip_existing=False)
    assert "\n" not in str(refused.value) and str(root) in str(refused.value), refused.value
    async with db.transaction(write=False) as tx:
        assert await tx.realms.get_by_name("good") is None  # nothing written
