"""Progress of import and export: a bar on a terminal, silence in scripts, one summary line at the end."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from doorkeep.cli import main
from doorkeep.realms.exportimport.progress import SILENT
from doorkeep.server import progress_bar

USERS = 3000
SUMMARY_IMPORT = re.compile(r"^imported big \(3000 users, 1 clients\) in \d+\.\d s$")
SUMMARY_EXPORT = re.compile(r"^exported big \((\d+) users, (\d+) clients\) to .+ in \d+\.\d s$")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def big_realm(path: Path, count: int = USERS) -> Path:
    users: list[dict[str, Any]] = [
        {"username": f"user{i:05d}", "enabled": True, "email": f"user{i:05d}@example.com"} for i in range(count)
    ]
    for user in users[:3]:  # a few plain passwords: the hashing phase runs too, without taking minutes
        user["credentials"] = [{"type": "password", "value": "secret-pw"}]
    realm = {
        "realm": "big",
        "enabled": True,
        "users": users,
        "clients": [{"clientId": "app", "secret": "app-secret", "directAccessGrantsEnabled": True}],
    }
    path.write_text(json.dumps(realm))
    return path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_import_and_export_of_thousands_of_users_print_no_bar_in_a_script_and_one_summary(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/x.db"
    code, out = run("import", "--file", str(big_realm(tmp_path / "big.json")), "--db-url", db)
    assert code == 0, out
    assert [line for line in out.splitlines() if line.strip()] == [out.strip()]  # one line: the summary
    assert SUMMARY_IMPORT.match(out.strip()), out
    assert "hashing" not in out and "writing users" not in out and "%" not in out

    export = tmp_path / "out.json"
    code, out = run("export", "--realm", "big", "--file", str(export), "--db-url", db)
    assert code == 0, out
    match = SUMMARY_EXPORT.match(out.strip())
    assert match, out
    data = json.loads(export.read_text())
    assert int(match.group(1)) == len(data["users"]) >= USERS
    assert int(match.group(2)) == len(data["clients"])
    assert "reading users" not in out and len(out.strip().splitlines()) == 1


def test_import_of_nothing_new_still_says_so_with_the_time(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/x.db"
    realm = big_realm(tmp_path / "small.json", 5)
    assert run("import", "--file", str(realm), "--db-url", db)[0] == 0
    code, out = run("import", "--file", str(realm), "--db-url", db, "--override", "false")
    assert code == 0 and re.fullmatch(r"imported nothing in \d+\.\d s", out.strip()), out


def test_a_bar_is_drawn_only_on_a_terminal() -> None:
    assert progress_bar.for_terminal(io.StringIO()) is SILENT
    screen = Terminal()
    progress = progress_bar.for_terminal(screen)
    assert progress is not SILENT
    progress.begin("big: writing users", 4)
    for _ in range(4):
        progress.advance()
    progress.end()
    progress.begin("big: reading users", 0)  # an empty phase draws without dividing by zero
    progress.end()
    drawn = screen.getvalue()
    assert "big: writing users" in drawn and "4/4" in drawn and "big: reading users" in drawn


def test_every_phase_reaches_the_bar_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    screen = Terminal()
    monkeypatch.setattr(progress_bar, "for_terminal", lambda out=None: progress_bar.TerminalProgress(screen))
    db = f"sqlite:///{tmp_path}/x.db"
    code, out = run("import", "--file", str(big_realm(tmp_path / "small.json", 20)), "--db-url", db)
    assert code == 0, out
    code, out = run("export", "--realm", "big", "--file", str(tmp_path / "out.json"), "--db-url", db)
    assert code == 0, out
    drawn = screen.getvalue()
    for phase in ("hashing passwords", "writing users", "reading users"):
        assert f"big: {phase}" in drawn
    assert "3/3" in drawn and "20/20" in drawn
    assert "secret-pw" not in drawn and "secret-pw" not in out
