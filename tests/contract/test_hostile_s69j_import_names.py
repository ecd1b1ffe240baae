"""Realm files whose names try to pass for another realm (session 69's import checks, RealmManager.importRealm's
ReservedCharValidator): names differing from an existing realm only by case, a Unicode look-alike letter or an
invisible character are other realms (Keycloak's realm name is compared exactly: RealmProvider.getRealmByName), so
importing them replaces nothing of the existing realm; ``.`` and ``..`` (no reserved character) are names like any
other and their users come from their own files only; two realm files of one directory naming the same realm make
one realm, one file's with that file's users, never a mix. On SQLite and PostgreSQL."""

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

LOOK_ALIKES = ["VICTIM", "Victim", "vіctim", "victim\u200b", "\u202evictim", "victim ", " victim", "victim\u00a0"]


def _realm(name: str, *users: str) -> dict[str, Any]:
    return {"realm": name, "enabled": True, "users": [{"username": u, "enabled": True} for u in users]}


async def _users(db: Database, realm: str) -> list[str]:
    out = await files.export_realm(db, realm)
    return sorted(u["username"] for u in out.get("users", []))


async def _victim(db: Database, tmp_path: Path) -> str:
    path = tmp_path / "victim.json"
    path.write_text(json.dumps(_realm("victim", "alice")))
    assert await files.import_file(db, str(path), FakeClock(), skip_existing=False) == ["victim"]
    async with db.transaction(write=False) as tx:
        realm = await tx.realms.get_by_name("victim")
        assert realm is not None
        return realm.id


async def test_look_alike_names_are_other_realms_and_replace_nothing(
    new_db: Callable[[], Awaitable[Database]], tmp_path: Path
) -> None:
    db = await new_db()
    victim_id = await _victim(db, tmp_path)
    path = tmp_path / "look-alikes.json"
    path.write_text(json.dumps([_realm(name, "mallory") for name in LOOK_ALIKES]))
    imported = await files.import_file(db, str(path), FakeClock(), skip_existing=False)
    assert sorted(imported) == sorted(LOOK_ALIKES)
    async with db.transaction(write=False) as tx:
        realm = await tx.realms.get_by_name("victim")
        assert realm is not None and realm.id == victim_id
    assert await _users(db, "victim") == ["alice"]
    for name in LOOK_ALIKES:
        assert await _users(db, name) == ["mallory"], name


async def test_dot_names_take_only_their_own_users_files(
    new_db: Callable[[], Awaitable[Database]], tmp_path: Path
) -> None:
    root = tmp_path / "export"
    root.mkdir()
    for name, data in {
        "..-realm.json": _realm(".."),
        ".-realm.json": _realm("."),
        "..-users-0.json": {"users": [{"username": "dots", "enabled": True}]},
        "victim-realm.json": _realm("victim", "alice"),
        "victim-users-0.json": {"users": [{"username": "bob", "enabled": True}]},
    }.items():
        (root / name).write_text(json.dumps(data))
    db = await new_db()
    assert sorted(await files.import_file(db, str(root), FakeClock(), skip_existing=False)) == [".", "..", "victim"]
    assert await _users(db, "..") == ["dots"]
    assert await _users(db, ".") == []
    assert await _users(db, "victim") == ["alice", "bob"]


@pytest.mark.parametrize("skip_existing", [False, True])
@pytest.mark.parametrize("order", [("a", "b"), ("b", "a")])
async def test_two_realm_files_naming_one_realm_make_one_realm_never_a_mix(
    new_db: Callable[[], Awaitable[Database]], tmp_path: Path, order: tuple[str, str], skip_existing: bool
) -> None:
    """DirImportProvider imports the realm files one after the other under the strategy: OVERWRITE_EXISTING replaces
    the realm the first file made with the second, IGNORE_EXISTING keeps the first. Here the files are read in the
    order of their names; the realm is one file's, its users that file's own."""
    root = tmp_path / "export"
    root.mkdir()
    (root / f"{order[0]}-realm.json").write_text(json.dumps(_realm("victim", "alice")))
    (root / f"{order[0]}-users-0.json").write_text(json.dumps({"users": [{"username": "bob", "enabled": True}]}))
    (root / f"{order[1]}-realm.json").write_text(json.dumps(_realm("victim", "mallory")))
    db = await new_db()
    await files.import_file(db, str(root), FakeClock(), skip_existing=skip_existing)
    first_by_name = order[0] == "a"
    kept_first = first_by_name == skip_existing
    assert await _users(db, "victim") == (["alice", "bob"] if kept_first else ["mallory"])
