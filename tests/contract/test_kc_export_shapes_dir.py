"""``doorkeep import --dir``: the directory ``kc.sh export --dir`` writes (``<realm>-realm.json`` and its
``<realm>-users-N.json`` files), imported as ``kc.sh import --dir`` imports it, on SQLite and on PostgreSQL.
Before, ``import --dir`` was refused ("Doorkeep imports and exports one realm JSON file")."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from doorkeep.cli import main
from doorkeep.clock import FakeClock
from doorkeep.realms.exportimport import files
from doorkeep.store.database import Database

pytestmark = pytest.mark.anyio


def users(*names: str) -> list[dict[str, Any]]:
    return [{"username": n, "enabled": True} for n in names]


def split_export(root: Path) -> Path:
    """Two realms as ``kc.sh export --dir root --users different_files --users-per-file 2`` writes them."""
    root.mkdir()
    files_written = {
        "shop-realm.json": {"realm": "shop", "enabled": True, "clients": [{"clientId": "web", "publicClient": True}]},
        "shop-users-0.json": {"realm": "shop", "users": users("ann", "bob")},
        "shop-users-1.json": {"realm": "shop", "users": users("cid")},
        "shop-federated-users-0.json": {"realm": "shop", "federatedUsers": [{"username": "fed"}]},
        "master-realm.json": {"realm": "master", "enabled": True},
        "notes.json": {"not": "a realm file"},  # neither a realm's nor its users': left alone, as Keycloak does
    }
    for name, data in files_written.items():
        (root / name).write_text(json.dumps(data))
    return root


async def test_every_realm_file_of_the_directory_is_imported_with_its_users_files(
    new_db: Callable[[], Awaitable[Database]], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = await new_db()
    with caplog.at_level("WARNING", logger="doorkeep.import"):
        names = await files.import_file(db, str(split_export(tmp_path / "export")), FakeClock(), skip_existing=False)
    assert names == ["master", "shop"]  # DirImportProvider: the master realm first
    out = await files.export_realm(db, "shop")
    assert sorted(u["username"] for u in out["users"]) == ["ann", "bob", "cid"]
    assert "web" in [c["clientId"] for c in out["clients"]]
    assert "federatedUsers" in caplog.text


async def test_a_directory_without_realm_files_is_refused_in_one_line(
    new_db: Callable[[], Awaitable[Database]], tmp_path: Path
) -> None:
    db = await new_db()
    with pytest.raises(files.ImportError_, match=r"no realm file \(<realm>-realm.json\)"):
        await files.import_file(db, str(tmp_path), FakeClock(), skip_existing=False)


def test_the_cli_imports_a_directory_and_wants_exactly_one_source(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    result = runner.invoke(main, ["import", "--dir", str(split_export(tmp_path / "d")), "--db-url", url])
    assert result.exit_code == 0, result.output
    assert "imported master (0 users, " in result.output and "shop (3 users, " in result.output
    result = runner.invoke(main, ["import", "--db-url", url])
    assert result.exit_code == 2 and "give exactly one of --file and --dir" in result.output
    assert "--dir" in runner.invoke(main, ["import", "--help"]).output
