"""Imports point inward: the protocol core knows neither the web framework nor SQL (STYLE.md #2)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "doorkeep"
CORE = [
    *sorted((SRC / "oauth").rglob("*.py")),
    *sorted((SRC / "sessions").rglob("*.py")),
    *(SRC / name for name in ("policy.py", "model.py", "tokens.py", "keys.py", "keyring.py", "passwords.py",
                              "clock.py", "errors.py", "provisioning.py", "bootstrap.py", "events.py", "account_ops.py",
                              "representations.py", "realm_parse.py", "realm_plan.py", "realm_export.py", "admin_roles.py",
                              "brute_force.py", "observe.py")),
]
FORBIDDEN = ("starlette", "sqlalchemy", "uvicorn", "doorkeep.web", "doorkeep.store", "asyncpg", "aiosqlite",
             "prometheus_client")


def runtime_imports(path: Path) -> list[str]:
    """Modules imported at run time (imports under ``if TYPE_CHECKING:`` only serve the type checker)."""
    tree = ast.parse(path.read_text())
    found: list[str] = []

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                visit(node.orelse)
                continue
            for sub in ast.walk(node):
                if isinstance(sub, ast.Import):
                    found.extend(alias.name for alias in sub.names)
                elif isinstance(sub, ast.ImportFrom) and sub.module:
                    found.append(sub.module)

    visit(tree.body)
    return found


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(SRC)))
def test_core_module_imports_no_framework_or_sql(path: Path) -> None:
    bad = [m for m in runtime_imports(path) if m.startswith(FORBIDDEN)]
    assert not bad, f"{path.relative_to(SRC)} imports {bad} at run time"


def test_the_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import sqlalchemy\nimport starlette\n")
    assert runtime_imports(sample) == ["typing", "starlette"]
