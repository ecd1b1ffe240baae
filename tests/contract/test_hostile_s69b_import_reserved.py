"""A realm file's names under RealmManager.importRealm's checks, as the admin API's realm creation has them: an ``id``
or a realm name holding a character ReservedCharValidator reserves (RFC 3986's reserved ones, the backslash, control
characters), a supported locale holding one of those or ``{``, ``}``, ``%``, and a browser security header holding a
newline are refused (``Character '[' not allowed.``, ``Newline not allowed.``). A refused realm file is a one-line
refusal naming the file and the field, and nothing of the import is written: not the refused realm, not the good
realm beside it. On SQLite and PostgreSQL."""

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

REFUSED: dict[str, tuple[dict[str, Any], str]] = {
    "name with brackets": ({"realm": "a[1]*"}, "Character '[' not allowed."),
    "name with a slash": ({"realm": "a/b"}, "Character '/' not allowed."),
    "name with a control character": ({"realm": "a\tb"}, "Character 0x9 not allowed."),
    "id with a hash": ({"realm": "fine", "id": "x#y"}, "Character '#' not allowed."),
    "locale with a brace": ({"realm": "fine", "supportedLocales": ["en", "d{e"]}, "Character '{' not allowed."),
    "security header with a newline": (
        {"realm": "fine", "browserSecurityHeaders": {"xFrameOptions": "DENY\nSet-Cookie: a=b"}},
        "Newline not allowed.",
    ),
}


def _write(root: Path, written: dict[str, Any]) -> Path:
    root.mkdir()
    for name, data in written.items():
        (root / name).write_text(json.dumps(data))
    return root


@pytest.mark.parametrize("case", list(REFUSED))
async def test_a_realm_file_with_a_reserved_character_is_refused_and_nothing_is_written(
    new_db: Callable[[], Awaitable[Database]], tmp_path: Path, case: str
) -> None:
    rep, message = REFUSED[case]
    root = _write(tmp_path / "export", {"good-realm.json": {"realm": "good", "enabled": True}, "z-realm.json": rep})
    db = await new_db()
    with pytest.raises(files.ImportError_) as refused:
        await files.import_file(db, str(root), FakeClock(), skip_existing=False)
    text = str(refused.value)
    assert "\n" not in text and text.endswith(message) and "z-realm.json" in text, text
    async with db.transaction(write=False) as tx:
        assert await tx.realms.get_by_name("good") is None  # nothing written
        assert await tx.realms.get_by_name(str(rep["realm"])) is None


async def test_a_single_file_of_several_realms_writes_none_when_one_is_refused(
    new_db: Callable[[], Awaitable[Database]], tmp_path: Path
) -> None:
    path = tmp_path / "realms.json"
    path.write_text(json.dumps([{"realm": "good", "enabled": True}, {"realm": "a[1]*", "enabled": True}]))
    db = await new_db()
    with pytest.raises(files.ImportError_, match=r"Character '\[' not allowed\.$"):
        await files.import_file(db, str(path), FakeClock(), skip_existing=False)
    async with db.transaction(write=False) as tx:
        assert await tx.realms.get_by_name("good") is None


async def test_names_keycloak_allows_still_import(new_db: Callable[[], Awaitable[Database]], tmp_path: Path) -> None:
    """Keycloak reserves neither ``.``, ``-``, ``_``, ``~`` nor ``{`` in a realm's name (only in a locale)."""
    path = tmp_path / "realms.json"
    names = ["a.b", "a-b_c~d", "x{1}"]
    path.write_text(json.dumps([{"realm": n, "enabled": True, "supportedLocales": ["en", "de-CH"]} for n in names]))
    db = await new_db()
    assert sorted(await files.import_file(db, str(path), FakeClock(), skip_existing=False)) == sorted(names)
