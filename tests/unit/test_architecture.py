"""Imports point inward: the protocol core knows neither the web framework nor SQL (STYLE.md #2)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "doorkeep"
# The adapters and the composition root; every other module is core, present or future.
OUTSIDE_CORE = ("web", "store", "server", "app.py", "cli")
CORE = sorted(p for p in SRC.rglob("*.py") if p.relative_to(SRC).parts[0] not in OUTSIDE_CORE)
FORBIDDEN = (
    "starlette",
    "sqlalchemy",
    "uvicorn",
    "doorkeep.web",
    "doorkeep.store",
    "asyncpg",
    "aiosqlite",
    "prometheus_client",
)


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


def test_core_is_everything_but_the_adapters_and_the_entry_points() -> None:
    names = {str(p.relative_to(SRC)) for p in CORE}
    assert {"policy.py", "oauth/token_endpoint.py", "sessions/service.py", "realms/exportimport/files.py"} <= names
    assert not {n for n in names if n.split("/")[0] in OUTSIDE_CORE}


def test_the_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import sqlalchemy\nimport starlette\n")
    assert runtime_imports(sample) == ["typing", "starlette"]


def test_only_the_token_endpoint_imports_a_grant() -> None:
    """A grant is a leaf (Fosite, node-oidc-provider): shared steps live in oauth/, sessions/ or users/."""
    grants = SRC / "oauth" / "grants"
    importers = sorted(
        str(p.relative_to(SRC))
        for p in SRC.rglob("*.py")
        if grants not in p.parents and any(m.startswith("doorkeep.oauth.grants") for m in runtime_imports(p))
    )
    assert importers == ["oauth/token_endpoint.py"]


# The web modules that may open a transaction without a request: the backchannel notifier (after the request).
UNBOUND_TRANSACTIONS = {"web/backchannel.py"}
OPENERS = {"web/http.py"}  # ``transaction`` and ``in_transaction``, which make the path's realm the context realm


def test_every_request_transaction_is_opened_where_the_realms_frontend_url_is_adopted() -> None:
    """A handler opening ``db.transaction(...)`` itself would read the path's realm without making it the request's
    context realm: its URLs would miss the realm's ``frontendUrl`` (web.http.transaction)."""
    openers = sorted(
        str(p.relative_to(SRC))
        for p in (SRC / "web").rglob("*.py")
        for node in ast.walk(ast.parse(p.read_text()))
        if isinstance(node, ast.Call) and ast.unparse(node.func).endswith("db.transaction")
    )
    assert set(openers) <= OPENERS | UNBOUND_TRANSACTIONS, openers
    assert "web/http.py" in openers  # the check sees the calls it is about
