"""The PostgreSQL half of `make test` takes the wire suite's storage areas, and only those."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from wire_selection import storage_area

WIRE = Path(__file__).resolve().parents[1] / "wire"


def test_the_offline_session_refresh_and_revocation_modules_are_storage_areas() -> None:
    for module in (
        "test_offline_refresh.py",
        "test_keycloak_offline_token_test.py",
        "test_keycloak_refresh_token_test.py",
        "test_bulk_offline_revocation.py",
        "test_admin_sessions.py",
        "test_concurrency.py",
        "test_kc_new_export_import.py",
        "test_keycloak_user_search_test.py",
        "test_kc_new_admin_client_count.py",
    ):
        assert storage_area(module), module


def test_protocol_and_page_modules_are_not() -> None:
    for module in ("test_discovery.py", "test_account_console.py", "test_keycloak_pkce_test.py", "test_hostname.py"):
        assert not storage_area(module), module


def test_a_fifth_to_a_third_of_the_wire_modules_are_taken() -> None:
    modules = [p.name for p in WIRE.glob("test_*.py")]
    taken = [m for m in modules if storage_area(m)]
    assert 0.15 * len(modules) <= len(taken) <= 0.35 * len(modules)


def _collected(selection: str | None, *paths: Path) -> set[str]:
    env = {"PATH": "/usr/bin:/bin", "DOORKEEP_WIRE_ENGINE": "sqlite"}
    if selection is not None:
        env["DOORKEEP_WIRE_SELECTION"] = selection
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "-p", "no:xdist"]
        + [str(p) for p in paths],
        capture_output=True,
        text=True,
        check=False,
        cwd=WIRE.parents[1],
        env=env,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return {line.split("::")[0].rsplit("/", 1)[-1] for line in done.stdout.splitlines() if "::" in line}


def test_collecting_the_folder_drops_the_other_modules_when_asked() -> None:
    modules = _collected("storage", WIRE)
    assert "test_offline_refresh.py" in modules
    assert "test_hostname.py" not in modules
    assert modules == {p.name for p in WIRE.glob("test_*.py") if storage_area(p.name)}


def test_a_module_named_on_the_command_line_is_collected_whatever_the_selection() -> None:
    assert _collected("storage", WIRE / "test_hostname.py") == {"test_hostname.py"}
