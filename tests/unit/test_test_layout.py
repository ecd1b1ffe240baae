"""The test tree has no ``__init__.py``: pytest imports each test file by its basename, so two files with
the same name in different folders fail collection ("import file mismatch")."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

TESTS = Path(__file__).parents[1]


def test_no_two_test_files_share_a_basename() -> None:
    names = Counter(
        path.name
        for path in TESTS.rglob("test_*.py")
        if "node_modules" not in path.parts and ".scratch" not in path.parts
    )
    assert [name for name, count in names.items() if count > 1] == []
